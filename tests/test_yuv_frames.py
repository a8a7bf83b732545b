"""Frames handed to ffmpeg as yuv420p (converted once in-process) look as the RGB frames did: the encoder's
two inputs, the weather laid over each, and a rendered shot against its own panel still."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw
from probing import frames_rgb

from story.model import Weather
from tools.draw.weather import overlay_for
from tools.media.codec import FrameEncoder, Profile, yuv420p_planes

W, H = 320, 180


def _picture() -> Image.Image:
    image = Image.new("RGB", (W, H), (40, 60, 110))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 100, 300, 179), fill=(70, 120, 60))
    draw.ellipse((140, 20, 200, 80), fill=(240, 200, 90))
    draw.rectangle((30, 30, 90, 90), fill=(200, 40, 40))
    return image


def _decoded(path: Path) -> list[np.ndarray]:
    return [np.frombuffer(f, np.uint8).reshape(H, W, 3) for f in frames_rgb(path)]


def _planes_bytes(picture: Image.Image) -> bytes:
    return b"".join(p.tobytes() for p in yuv420p_planes(picture))


def test_yuv420p_input_encodes_the_picture_rgb_input_does(tmp_path: Path) -> None:
    picture = _picture()
    profile = Profile(W, H, 24)
    with FrameEncoder(tmp_path / "rgb.mp4", profile) as encoder:
        for _ in range(3):
            encoder.write(np.asarray(picture))
    with FrameEncoder(tmp_path / "yuv.mp4", profile, pix_fmt="yuv420p") as encoder:
        for _ in range(3):
            encoder.write(_planes_bytes(picture))
    ours, theirs = _decoded(tmp_path / "yuv.mp4"), _decoded(tmp_path / "rgb.mp4")
    assert len(ours) == len(theirs) == 3
    for a, b in zip(ours, theirs, strict=True):
        diff = np.abs(a.astype(int) - b.astype(int))
        assert diff.mean() < 2.0
        assert np.percentile(diff, 99) < 24  # only the edges of colours differ, by their chroma's filter
    # away from edges the colour is the one drawn
    assert np.abs(ours[0][50, 60].astype(int) - (200, 40, 40)).max() <= 6
    assert np.abs(ours[0][150, 250].astype(int) - (70, 120, 60)).max() <= 6


def test_weather_over_yuv_planes_is_weather_over_rgb_converted() -> None:
    picture = np.asarray(_picture()).copy()
    for weather in (Weather.RAIN, Weather.STORM, Weather.SNOW):
        overlay = overlay_for(weather, W, H, 24, seed=3, rows=H - 20)
        assert overlay is not None
        frames = [0, *sorted(overlay.flashes)]
        for n in frames:
            rgb = picture.copy()
            overlay.apply(rgb, n, clear=(100, 100, 80, 30))
            expected = yuv420p_planes(Image.fromarray(rgb))
            planes = tuple(p.copy() for p in yuv420p_planes(Image.fromarray(picture)))
            overlay.apply_yuv(planes, n, clear=(100, 100, 80, 30))
            luma = np.abs(planes[0].astype(int) - expected[0].astype(int))
            assert luma.max() <= 1, (weather, n)
            for got, want in zip(planes[1:], expected[1:], strict=True):
                # a chroma sample where a streak crosses an edge between two colours mixes them otherwise
                diff = np.abs(got.astype(int) - want.astype(int))
                assert diff.mean() < 0.5 and (diff > 3).mean() < 0.01, (weather, n)
        changed = yuv420p_planes(Image.fromarray(picture))[0] != planes[0]
        assert changed.any()  # the weather shows
