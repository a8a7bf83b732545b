"""The `openai` backend: OpenAI's image API (and its video API where the SDK has it) through `openai`.

1. The keyframe is `images.edit` with the shot's reference sheets as input images (the
   characters', then the style's), or `images.generate` when the shot has none or
   `use_references` is off.
2. Motion: with `video_model` set (e.g. sora-2), `videos.create` from the keyframe, polled with
   backoff, downloaded and conformed to the project; by default the animatic's camera move runs
   over the keyframe (OpenAI has announced the end of its video API; the SDK still has it).
3. Requests retry (the SDK's own retries), time out, and a stopped render deletes its video job.

The key is OPENAI_API_KEY, read from the environment only. The address is the `base_url`
option, else STORYREEL_OPENAI_IMAGES_URL, else OpenAI's: never OPENAI_BASE_URL, which may point
at a chat-only model server the director uses.
"""

from __future__ import annotations

import base64
import contextlib
import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import Field

from story import Shot
from tools.render.base import Renderer, RenderError, RenderRequest, RenderResult, Stop
from tools.render.hosted.tasks import HostedOptions, api_key, download, land, scrub, wait_for

KEY_VARIABLE = "OPENAI_API_KEY"
URL_VARIABLE = "STORYREEL_OPENAI_IMAGES_URL"
OPENAI_URL = "https://api.openai.com/v1"
VIDEO_SECONDS = (4, 8, 12)


class OpenAIRenderer(Renderer):
    """Keyframes by OpenAI image generation (with reference images); optional motion by its video API."""

    name = "openai"
    version = "1"
    supports_references = True
    image_to_video = True
    max_seconds = 12.0
    cost_per_second = 0.0  # a keyframe moved by the camera costs per picture, not per second
    cpus = 0.25

    class Options(Renderer.Options, HostedOptions):
        """Models, sizes and prices (prices as published when written; set them to what you pay)."""

        image_model: str = Field("gpt-image-2", description="Image model for keyframes.")
        size: str = Field("1536x1024", description="Keyframe size.")
        quality: str = Field("medium", description="Keyframe quality: low, medium, high or auto.")
        use_references: bool = Field(True, description="Send the reference sheets with the prompt (images.edit).")
        video_model: str | None = Field(None, description="Video model (e.g. sora-2); None moves the keyframe.")
        video_size: str = Field("1280x720", description="Clip size.")
        image_cost: float = Field(0.06, ge=0, description="US dollars one keyframe costs.")
        video_cost_per_second: float = Field(0.10, ge=0, description="US dollars one second of clip costs.")

    def __init__(self, options: Any = None) -> None:  # noqa: ANN401 - the Options model
        super().__init__(options)
        chosen: OpenAIRenderer.Options = self.options  # type: ignore[assignment]
        self.cost_per_second = chosen.video_cost_per_second if chosen.video_model else 0.0  # type: ignore[misc]

    def estimate_cost(self, shot: Shot, fps: int) -> float:
        """One keyframe, plus the clip's billed seconds when there is a video model."""
        options: OpenAIRenderer.Options = self.options  # type: ignore[assignment]
        cost = options.image_cost
        if options.video_model:
            cost += options.video_cost_per_second * video_seconds(shot.duration_frames / fps)
        return cost

    def render(self, request: RenderRequest) -> RenderResult:
        """Keyframe, then motion, then the take."""
        from tools.render.animatic import check_inputs as check_request
        from tools.render.prompt import shot_prompt
        from tools.render.stills import camera_move, conform_video, write_take

        # 1. Check the request; the key from the environment; the client.
        check_request(request)
        options: OpenAIRenderer.Options = self.options  # type: ignore[assignment]
        key = api_key(KEY_VARIABLE, self.name)
        client = _client(key, options)
        prompt = shot_prompt(request.project, request.shot).text
        cost = 0.0
        try:
            # 2. The keyframe, with the sheets as input images when there are any.
            sheets = _sheets(request) if options.use_references else []
            keyframe_path = request.output.with_name(f"{request.output.stem}.keyframe.png")
            common = {"model": options.image_model, "prompt": prompt, "size": options.size, "n": 1}
            if sheets:
                with contextlib.ExitStack() as stack:
                    files = [stack.enter_context(open(path, "rb")) for path in sheets]
                    answer = client.images.edit(image=files, quality=options.quality, **common)
            else:
                answer = client.images.generate(quality=options.quality, **common)
            _save_image(answer, keyframe_path, options, request.stop)
            cost += options.image_cost
            if request.on_frame:
                request.on_frame(0)

            # 3. Motion by the video API, or the camera move over the keyframe.
            if options.video_model:
                clip = self._video(client, keyframe_path, prompt, request, options)
                cost += options.video_cost_per_second * video_seconds(
                    request.project.seconds(request.shot.duration_frames)
                )
                frames = conform_video(clip, request)
            else:
                from PIL import Image

                with Image.open(keyframe_path) as picture:
                    frames = write_take(request, camera_move(picture.convert("RGB"), request))
        except RenderError as exc:
            raise RenderError(scrub(str(exc), key)) from None
        except Exception as exc:  # noqa: BLE001 - the SDK's errors, shown as one line without the key
            raise RenderError(f"OpenAI: {scrub(_describe(exc), key)}") from None
        details = {"image_model": options.image_model, "video_model": options.video_model}
        return RenderResult(frames=frames, cost=cost, prompt=prompt, details=details)

    def _video(self, client: Any, keyframe: Path, prompt: str, request: RenderRequest, options: Options) -> Path:  # noqa: ANN401
        with warnings.catch_warnings():  # the SDK marks the video API deprecated; it still answers
            warnings.simplefilter("ignore", DeprecationWarning)
            with open(keyframe, "rb") as image:
                job = client.videos.create(
                    model=options.video_model,
                    prompt=prompt,
                    input_reference=image,
                    seconds=str(video_seconds(request.project.seconds(request.shot.duration_frames))),
                    size=options.video_size,
                )
            job = wait_for(
                lambda: client.videos.retrieve(job.id),
                lambda v: v.status in ("completed", "failed"),
                what=f"OpenAI video {job.id}",
                options=options,
                cancel=lambda: client.videos.delete(job.id),
                stop=request.stop,
            )
            if job.status == "failed":
                why = getattr(job.error, "message", None) or "no reason given"
                raise RenderError(f"OpenAI could not make the clip: {why}")
            content = client.videos.download_content(job.id)
            return land(content.read(), request.output.with_name(f"{request.output.stem}.source.mp4"))


def video_seconds(seconds: float) -> int:
    """The clip length to ask for: the shortest the API offers that covers the shot (a longer shot holds)."""
    return next((s for s in VIDEO_SECONDS if s >= seconds - 1e-9), VIDEO_SECONDS[-1])


def _sheets(request: RenderRequest) -> list[Path]:
    from tools.consistency import STYLE_REFERENCE

    ordered = [request.references[c] for c in request.shot.characters if c in request.references]
    if STYLE_REFERENCE in request.references:
        ordered.append(request.references[STYLE_REFERENCE])
    return ordered[:4]


def _save_image(answer: Any, output: Path, options: OpenAIRenderer.Options, stop: Stop) -> Path:  # noqa: ANN401
    if not answer.data:
        raise RenderError("OpenAI returned no image")
    image = answer.data[0]
    if getattr(image, "b64_json", None):
        return land(base64.b64decode(image.b64_json), output)
    if getattr(image, "url", None):
        return download(image.url, output, options, stop)
    raise RenderError("OpenAI returned an image with neither data nor a URL")


def _client(key: str, options: OpenAIRenderer.Options) -> Any:  # noqa: ANN401 - openai.OpenAI
    try:
        from openai import OpenAI
    except ImportError:
        raise RenderError("the openai backend needs the openai SDK: pip install openai") from None
    url = options.base_url or os.environ.get(URL_VARIABLE) or OPENAI_URL
    return OpenAI(api_key=key, base_url=url, timeout=options.timeout, max_retries=options.retries)


def _describe(exc: Exception) -> str:
    status = getattr(exc, "status_code", None)
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"HTTP {status}: {text}"[:400] if status else f"{type(exc).__name__}: {text}"[:400]


def register_renderers(register: Callable[[type[Renderer]], None]) -> None:
    """Entry-point hook: register the OpenAI backend."""
    register(OpenAIRenderer)
