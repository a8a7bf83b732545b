"""The `runway` backend: Runway's API through the official `runwayml` SDK.

1. The keyframe is text-to-image with the shot's reference sheets as tagged reference images
   (the characters', then the style's; at most three), so every shot is drawn against the same
   sheets; the prompt names each character by its tag.
2. Motion is image-to-video from that keyframe when `video_model` is set (the default), for the
   shot's length rounded up to whole seconds; with `video_model=null` the animatic's camera move
   runs over the keyframe instead.
3. Each task is polled with backoff under a deadline; a deadline passed or a stopped render
   cancels it (DELETE on the task). Results are downloaded into the project atomically, the
   clip is conformed to the project's profile, and the credits Runway reports are the take's cost.

The key is RUNWAYML_API_SECRET, read from the environment only. `pip install 'storyreel[hosted]'`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import Field

from story import Shot
from tools.render.base import Renderer, RenderError, RenderRequest, RenderResult, Stop
from tools.render.hosted.tasks import HostedOptions, api_key, data_uri, download, scrub, wait_for

KEY_VARIABLE = "RUNWAYML_API_SECRET"
INSTALL_HINT = "the runway backend needs the runwayml SDK: pip install 'storyreel[hosted]'"
MAX_PROMPT = 1000  # Runway's limit, in UTF-16 code units


class RunwayRenderer(Renderer):
    """Keyframes by Runway text-to-image with reference images; motion by Runway image-to-video."""

    name = "runway"
    version = "1"
    supports_references = True
    image_to_video = True
    max_seconds = 10.0
    cost_per_second = 0.05  # gen4_turbo: 5 credits a second at $0.01 a credit
    cpus = 0.25  # the work happens on Runway's side

    class Options(Renderer.Options, HostedOptions):
        """Models, sizes and prices (prices as published when written; set them to what you pay)."""

        image_model: str = Field("gen4_image", description="Text-to-image model for keyframes.")
        image_ratio: str = Field("1920:1080", description="Keyframe resolution, width:height.")
        video_model: str | None = Field("gen4_turbo", description="Image-to-video model; None moves the keyframe.")
        video_ratio: str = Field("1280:720", description="Clip resolution, width:height.")
        image_credits: float = Field(8.0, ge=0, description="Credits one keyframe costs.")
        video_credits_per_second: float = Field(5.0, ge=0, description="Credits one second of motion costs.")
        dollars_per_credit: float = Field(0.01, ge=0, description="US dollars a credit costs.")

    def __init__(self, options: Any = None) -> None:  # noqa: ANN401 - the Options model
        super().__init__(options)
        chosen: RunwayRenderer.Options = self.options  # type: ignore[assignment]
        rate = chosen.video_credits_per_second if chosen.video_model else 0.0
        self.cost_per_second = rate * chosen.dollars_per_credit  # type: ignore[misc]

    def estimate_cost(self, shot: Shot, fps: int) -> float:
        """One keyframe plus the clip's billed seconds."""
        options: RunwayRenderer.Options = self.options  # type: ignore[assignment]
        credits = options.image_credits
        if options.video_model:
            credits += options.video_credits_per_second * clip_seconds(shot.duration_frames / fps)
        return credits * options.dollars_per_credit

    def render(self, request: RenderRequest) -> RenderResult:
        """Keyframe, then motion, then the take; returns the frames, the prompt and the credits spent."""
        from tools.render.animatic import check_inputs as check_request
        from tools.render.prompt import shot_prompt
        from tools.render.stills import camera_move, conform_video, write_take

        # 1. Check the request; the key from the environment; the client.
        check_request(request)
        options: RunwayRenderer.Options = self.options  # type: ignore[assignment]
        key = api_key(KEY_VARIABLE, self.name)
        client = _client(key, options)
        tags = reference_tags(request)
        prompt = _prompt(shot_prompt(request.project, request.shot).text, tags)
        spent = 0

        # 2. The keyframe, against the reference sheets.
        references = [{"uri": data_uri(path), "tag": tag} for tag, path in tags[:3]]
        try:
            created = client.text_to_image.create(
                model=options.image_model,
                prompt_text=prompt,
                ratio=options.image_ratio,
                reference_images=references,
                seed=request.seed,
            )
            task = self._finish(client, created.id, "the keyframe", options, request.stop)
            spent += _credits(task)
            keyframe = download(task.output[0], _beside(request.output, "keyframe.png"), options, request.stop)
            if request.on_frame:
                request.on_frame(0)

            # 3. Motion from the keyframe, or the camera move over it.
            if options.video_model:
                created = client.image_to_video.create(
                    model=options.video_model,
                    prompt_image=data_uri(keyframe),
                    prompt_text=prompt,
                    ratio=options.video_ratio,
                    duration=clip_seconds(request.project.seconds(request.shot.duration_frames)),
                    seed=request.seed,
                )
                task = self._finish(client, created.id, "the clip", options, request.stop)
                spent += _credits(task)
                clip = download(task.output[0], _beside(request.output, "source.mp4"), options, request.stop)
                frames = conform_video(clip, request)
            else:
                from PIL import Image

                with Image.open(keyframe) as picture:
                    frames = write_take(request, camera_move(picture.convert("RGB"), request))
        except RenderError as exc:
            raise RenderError(scrub(str(exc), key)) from None
        except Exception as exc:  # noqa: BLE001 - the SDK's errors, shown as one line without the key
            raise RenderError(f"Runway: {scrub(_describe(exc), key)}") from None
        details = {"image_model": options.image_model, "video_model": options.video_model, "credits": spent}
        return RenderResult(frames=frames, cost=spent * options.dollars_per_credit, prompt=prompt, details=details)

    def _finish(self, client: Any, task_id: str, what: str, options: Options, stop: Stop) -> Any:  # noqa: ANN401
        """Wait for a task with backoff; cancel it on deadline or `stop`; raise on failure."""
        task = wait_for(
            lambda: client.tasks.retrieve(task_id),
            lambda t: t.status in ("SUCCEEDED", "FAILED", "CANCELLED"),
            what=f"Runway task {task_id} ({what})",
            options=options,
            cancel=lambda: client.tasks.delete(task_id),
            stop=stop,
        )
        if task.status == "FAILED":
            code = f" [{task.failure_code}]" if getattr(task, "failure_code", None) else ""
            raise RenderError(f"Runway could not make {what}: {task.failure}{code}")
        if task.status == "CANCELLED":
            raise RenderError(f"Runway task {task_id} ({what}) was cancelled")
        if not task.output:
            raise RenderError(f"Runway task {task_id} ({what}) succeeded with no output")
        return task


def clip_seconds(seconds: float) -> int:
    """The clip length to ask for: whole seconds, 2 to 10 (a longer shot holds its last frame)."""
    return max(2, min(10, math.ceil(seconds - 1e-9)))


def reference_tags(request: RenderRequest) -> list[tuple[str, Path]]:
    """(tag, sheet) for each character in the shot, then the style: tags as Runway wants them."""
    from tools.consistency import STYLE_REFERENCE

    found: list[tuple[str, Path]] = []
    used: set[str] = set()
    for cid in request.shot.characters:
        if cid in request.references:
            name = request.project.character(cid).name
            tag = re.sub(r"[^A-Za-z0-9_]", "", name) or "person"
            tag = (tag if tag[0].isalpha() else f"c{tag}")[:16].ljust(3, "_")
            while tag in used:
                tag = f"{tag[:14]}{len(used)}"
            used.add(tag)
            found.append((tag, request.references[cid]))
    if STYLE_REFERENCE in request.references:
        found.append(("style", request.references[STYLE_REFERENCE]))
    return found


def _prompt(text: str, tags: list[tuple[str, Path]]) -> str:
    people = [f"@{tag}" for tag, _ in tags[:3] if tag != "style"]
    lead = f"{', '.join(people)} as in the references. " if people else ""
    style = "Drawn in the look of @style. " if any(tag == "style" for tag, _ in tags[:3]) else ""
    return (lead + text + " " + style).strip()[:MAX_PROMPT]


def _client(key: str, options: RunwayRenderer.Options) -> Any:  # noqa: ANN401 - runwayml.RunwayML
    try:
        from runwayml import RunwayML
    except ImportError:
        raise RenderError(INSTALL_HINT) from None
    return RunwayML(api_key=key, base_url=options.base_url, timeout=options.timeout, max_retries=options.retries)


def _credits(task: Any) -> int:  # noqa: ANN401
    cost = getattr(task, "cost", None)
    return int(getattr(cost, "credits", 0) or 0)


def _beside(output: Path, suffix: str) -> Path:
    return output.with_name(f"{output.stem}.{suffix}")


def _describe(exc: Exception) -> str:
    status = getattr(exc, "status_code", None)
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"HTTP {status}: {text}"[:400] if status else f"{type(exc).__name__}: {text}"[:400]


def register_renderers(register: Callable[[type[Renderer]], None]) -> None:
    """Entry-point hook: register the Runway backend."""
    register(RunwayRenderer)
