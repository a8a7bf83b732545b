"""The `diffusers` backend: a keyframe from local weights, then motion, for every shot.

1. The keyframe is text-to-image from a local pipeline folder (or a repo id already in the local
   Hugging Face cache; `local_files_only=True`, never a download). With `init="reference"` it
   is image-to-image from the first character's reference sheet (the style's sheet when the
   shot has nobody), so the same sheet steers every shot a character is in; when the pipeline
   has an IP-Adapter (loaded from `ip_adapter`, or saved with the model) the sheet goes to it too.
2. Motion comes from an image-to-video pipeline when `video_model` is set (any diffusers video
   pipeline whose call returns `frames`: LTX-Video, CogVideoX, Wan take the keyframe as `image`;
   AnimateDiff animates the prompt), resampled to the shot's exact frame count. Without one,
   the animatic's camera move runs over the keyframe.
3. Seeds are the shot's (each take its own), drawn from a CPU `torch.Generator`, so a take is
   the same on every run and device. Device and dtype are chosen automatically (cuda, mps, cpu);
   CPU offload, VAE tiling and attention slicing are options for small GPUs.

torch and diffusers are imported inside the backend: `pip install 'storyreel[diffusers]'`.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import numpy as np
from PIL import Image
from pydantic import Field

from tools.render.base import Renderer, RenderError, RenderRequest, RenderResult
from tools.render.stills import camera_move, clip_frames, write_take

INSTALL_HINT = "the diffusers backend needs diffusers and transformers: pip install 'storyreel[diffusers]'"
NEGATIVE = "blurry, distorted, extra limbs, text, watermark, low quality"

_pipelines: dict[tuple[Any, ...], Any] = {}
_loading = threading.Lock()
_devices: dict[str, threading.Lock] = {}  # one generation at a time per device


class DiffusersRenderer(Renderer):
    """Keyframes from a local diffusers pipeline; motion by an image-to-video pipeline or a camera move."""

    name = "diffusers"
    version = "1"
    supports_references = True
    image_to_video = True
    gpus = 1
    cost_per_second = 0.0

    class Options(Renderer.Options):
        """Where the weights are and how to run them."""

        model: str | None = Field(None, description="Text-to-image pipeline: a local folder or a cached repo id.")
        video_model: str | None = Field(None, description="Image-to-video pipeline (folder or cached repo id).")
        cache_dir: str | None = Field(None, description="Hugging Face cache to look in; None uses the default one.")
        steps: int = Field(25, ge=1, le=200, description="Denoising steps for the keyframe.")
        video_steps: int = Field(25, ge=1, le=200, description="Denoising steps for the motion.")
        video_frames: int = Field(16, ge=2, le=257, description="Frames the video pipeline makes per shot.")
        guidance: float | None = Field(None, ge=0, le=30, description="Guidance scale; None keeps the pipeline's.")
        negative_prompt: str = Field(NEGATIVE, max_length=1000, description="What the pictures must avoid.")
        width: int | None = Field(None, ge=64, le=2048, description="Keyframe width; None follows the style.")
        height: int | None = Field(None, ge=64, le=2048, description="Keyframe height; None follows the style.")
        init: Literal["reference", "text"] = Field(
            "reference", description="reference: image-to-image from the reference sheet; text: prompt only."
        )
        strength: float = Field(0.6, gt=0, le=1, description="How far image-to-image departs from the sheet.")
        ip_adapter: str | None = Field(None, description="IP-Adapter folder or cached repo id to load.")
        ip_adapter_subfolder: str = Field("models", description="Subfolder of the IP-Adapter weights.")
        ip_adapter_weight: str = Field("ip-adapter_sd15.safetensors", description="IP-Adapter weight file.")
        ip_adapter_scale: float = Field(0.6, ge=0, le=2, description="How strongly the sheet steers through it.")
        device: Literal["auto", "cuda", "mps", "cpu"] = Field("auto", description="Where to run.")
        dtype: Literal["auto", "float32", "float16", "bfloat16"] = Field("auto", description="Weights' precision.")
        cpu_offload: bool = Field(False, description="Keep weights in RAM, move each part to the GPU when used.")
        vae_tiling: bool = Field(False, description="Decode large pictures in tiles to save GPU memory.")
        attention_slicing: bool = Field(False, description="Compute attention in slices to save GPU memory.")

    def __init__(self, options: Any = None) -> None:  # noqa: ANN401 - the Options model
        super().__init__(options)
        # On a cluster a shot asks for a GPU unless told to run on the CPU (Ray's `num_gpus`).
        self.gpus = 0 if getattr(self.options, "device", "auto") == "cpu" else 1  # type: ignore[misc]

    def render(self, request: RenderRequest) -> RenderResult:
        """Generate the keyframe, move it (or animate it), write the take; return frames and prompt."""
        from tools.render.animatic import check_inputs as check_request
        from tools.render.prompt import shot_prompt

        # 1. Check the request and the options before loading anything.
        check_request(request)
        options: DiffusersRenderer.Options = self.options  # type: ignore[assignment]
        check_inputs(options)
        project, shot = request.project, request.shot
        style = project.style
        prompt = shot_prompt(project, shot).text

        # 2. The pipelines, loaded once per process and kept.
        request.stop.check()
        torch = _torch()
        device, dtype = pick_device(options.device, options.dtype)
        text_to_image = load_pipeline(options.model or "", "image", device, dtype, options)
        lock = _devices.setdefault(device, threading.Lock())

        # 3. The keyframe: image-to-image from the sheet, or from the words alone.
        width, height = keyframe_size(options, style.width, style.height, _size_step(text_to_image))
        sheet = reference_image(request)
        call: dict[str, Any] = {
            "prompt": prompt,
            "negative_prompt": options.negative_prompt or None,
            "num_inference_steps": options.steps,
            "output_type": "np",
        }
        if options.guidance is not None:
            call["guidance_scale"] = options.guidance
        if sheet is not None and _has_ip_adapter(text_to_image):
            call["ip_adapter_image"] = sheet
        with lock:
            call["generator"] = torch.Generator("cpu").manual_seed(request.seed)
            if options.init == "reference" and sheet is not None:
                image_to_image = _image_to_image(text_to_image, options)
                picture = sheet.resize((width, height), Image.Resampling.LANCZOS)
                images = image_to_image(image=picture, strength=options.strength, **call).images
            else:
                images = text_to_image(width=width, height=height, **call).images
        keyframe = Image.fromarray(_uint8(images[0])).convert("RGB")
        if request.on_frame:
            request.on_frame(0)

        # 4. Motion: the video pipeline's frames, or the camera move over the keyframe; then the take.
        request.stop.check()  # between the keyframe and the motion; the take's frames check again as they are written
        if options.video_model:
            video = load_pipeline(options.video_model, "video", device, dtype, options)
            with lock:
                clip = animate(video, keyframe, prompt, request.seed, options, torch)
            frames = write_take(request, clip_frames(clip, request))
        else:
            frames = write_take(request, camera_move(keyframe, request))
        details = {
            "model": options.model,
            "video_model": options.video_model,
            "device": device,
            "size": [width, height],
        }
        return RenderResult(frames=frames, cost=0.0, prompt=prompt, details=details)


def check_inputs(options: DiffusersRenderer.Options) -> None:
    """Raise `RenderError` naming the option and its value when the backend cannot run as set."""
    if not options.model:
        raise RenderError(
            "`model` must name a local diffusers pipeline folder or a repo id in the local Hugging Face cache "
            "but is not set; e.g. storyreel render DIR --backend diffusers --model PATH"
        )
    for field in ("model", "video_model", "ip_adapter"):
        value = getattr(options, field)
        if value and _looks_like_path(value) and not Path(value).expanduser().exists():
            raise RenderError(f"`{field}` must be an existing folder but {value!r} does not exist")
    for field in ("width", "height"):
        value = getattr(options, field)
        if value is not None and value % 8:
            raise RenderError(f"`{field}` has to be divisible by 8 but is {value}")


def _looks_like_path(value: str) -> bool:
    return value.startswith((".", "/", "~")) or "\\" in value or value.count("/") > 1 or Path(value).exists()


def _torch() -> Any:  # noqa: ANN401 - the torch module
    try:
        import diffusers  # noqa: F401
        import torch
    except ImportError:
        raise RenderError(INSTALL_HINT) from None
    return torch


def pick_device(device: str, dtype: str) -> tuple[str, Any]:
    """The device and torch dtype to run on: the best there is unless told."""
    torch = _torch()
    if device == "auto":
        if torch.cuda.is_available():
            device = "cuda"
        elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            device = "mps"
        else:
            device = "cpu"
    if dtype == "auto":
        if device == "cuda":
            dtype = "bfloat16" if torch.cuda.is_bf16_supported() else "float16"
        else:
            dtype = "float16" if device == "mps" else "float32"
    return device, getattr(torch, dtype)


def keyframe_size(options: DiffusersRenderer.Options, width: int, height: int, step: int) -> tuple[int, int]:
    """The keyframe's size: as set, else the style's frame, rounded down to what the model can make."""
    w, h = options.width or width, options.height or height
    return max(step, w // step * step), max(step, h // step * step)


def _size_step(pipe: Any) -> int:  # noqa: ANN401
    return int(getattr(pipe, "vae_scale_factor", 8) or 8)


def load_pipeline(model: str, kind: Literal["image", "video"], device: str, dtype: Any, options: Any) -> Any:  # noqa: ANN401
    """A pipeline from local files only, placed on its device with the memory savers asked for; cached."""
    key = (model, kind, device, str(dtype), options.cache_dir, options.cpu_offload, options.vae_tiling)
    key += (options.attention_slicing,)
    if kind == "image":
        key += (options.ip_adapter, options.ip_adapter_subfolder, options.ip_adapter_weight, options.ip_adapter_scale)
    with _loading:
        if key in _pipelines:
            return _pipelines[key]
        _torch()
        from diffusers import AutoPipelineForText2Image, DiffusionPipeline

        source = str(Path(model).expanduser()) if _looks_like_path(model) else model
        loader = AutoPipelineForText2Image if kind == "image" else DiffusionPipeline
        field = "model" if kind == "image" else "video_model"
        try:
            pipe = loader.from_pretrained(source, dtype=dtype, local_files_only=True, cache_dir=options.cache_dir)
        except (OSError, ValueError) as exc:
            raise RenderError(
                f"cannot load `{field}` {model!r} from local files ({_first_line(exc)}); storyreel never "
                "downloads weights: save the pipeline to a folder, or fetch it into the Hugging Face cache yourself"
            ) from None
        if kind == "image" and options.ip_adapter:
            try:
                pipe.load_ip_adapter(
                    options.ip_adapter,
                    subfolder=options.ip_adapter_subfolder,
                    weight_name=options.ip_adapter_weight,
                    local_files_only=True,
                )
                pipe.set_ip_adapter_scale(options.ip_adapter_scale)
            except (OSError, ValueError) as exc:
                raise RenderError(f"cannot load `ip_adapter` {options.ip_adapter!r} ({_first_line(exc)})") from None
        _place(pipe, device, options)
        pipe.set_progress_bar_config(disable=True)
        _pipelines[key] = pipe
        return pipe


def _place(pipe: Any, device: str, options: Any) -> None:  # noqa: ANN401
    if options.cpu_offload and device != "cpu":
        try:
            pipe.enable_model_cpu_offload(device=device)
        except (ImportError, RuntimeError) as exc:
            raise RenderError(f"`cpu_offload` needs accelerate ({_first_line(exc)}): pip install accelerate") from None
    else:
        pipe.to(device)
    if options.vae_tiling and getattr(pipe, "vae", None) is not None and hasattr(pipe.vae, "enable_tiling"):
        pipe.vae.enable_tiling()
    if options.attention_slicing and hasattr(pipe, "enable_attention_slicing"):
        pipe.enable_attention_slicing()


def _image_to_image(text_to_image: Any, options: Any) -> Any:  # noqa: ANN401
    """The image-to-image pipeline sharing the text-to-image one's weights (no second copy in memory)."""
    from diffusers import AutoPipelineForImage2Image

    with _loading:
        key = ("img2img", id(text_to_image))
        if key not in _pipelines:
            pipe = AutoPipelineForImage2Image.from_pipe(text_to_image)
            pipe.set_progress_bar_config(disable=True)
            _pipelines[key] = pipe
        return _pipelines[key]


def _has_ip_adapter(pipe: Any) -> bool:  # noqa: ANN401
    unet = getattr(pipe, "unet", None)
    config = getattr(unet, "config", None)
    return getattr(config, "encoder_hid_dim_type", None) == "ip_image_proj" or (
        getattr(unet, "encoder_hid_proj", None) is not None and getattr(pipe, "image_encoder", None) is not None
    )


def reference_image(request: RenderRequest) -> Image.Image | None:
    """The sheet that steers the keyframe: the first character's, else the style's; None when there is none."""
    from tools.consistency import STYLE_REFERENCE

    refs = request.references
    chosen = next((refs[cid] for cid in request.shot.characters if cid in refs), refs.get(STYLE_REFERENCE))
    if chosen is None:
        return None
    try:
        with Image.open(chosen) as image:
            return image.convert("RGB")
    except OSError as exc:
        raise RenderError(f"reference sheet {chosen} cannot be read ({exc})") from None


def animate(pipe: Any, keyframe: Image.Image, prompt: str, seed: int, options: Any, torch: Any) -> list[np.ndarray]:  # noqa: ANN401
    """Frames from a video pipeline, whatever its family: arguments it does not take are not sent."""
    accepted = inspect.signature(pipe.__call__).parameters
    frames = _frame_count(type(pipe).__name__, options.video_frames)
    step = _size_step(pipe) * 2
    width, height = (max(step, keyframe.width // step * step), max(step, keyframe.height // step * step))
    call: dict[str, Any] = {
        "prompt": prompt,
        "negative_prompt": options.negative_prompt or None,
        "image": keyframe.resize((width, height), Image.Resampling.LANCZOS),
        "num_frames": frames,
        "height": height,
        "width": width,
        "num_inference_steps": options.video_steps,
        "generator": torch.Generator("cpu").manual_seed(seed),
        "output_type": "np",
    }
    if options.guidance is not None:
        call["guidance_scale"] = options.guidance
    output = pipe(**{k: v for k, v in call.items() if k in accepted})
    clip = getattr(output, "frames", None)
    if clip is None:
        raise RenderError(f"`video_model` {options.video_model!r} returned no frames ({type(output).__name__})")
    first = clip[0]
    pictures = [_uint8(np.asarray(frame)) for frame in first]
    if not pictures:
        raise RenderError(f"`video_model` {options.video_model!r} returned an empty clip")
    return pictures


def _frame_count(family: str, wanted: int) -> int:
    """LTX-Video wants 8k+1 frames; CogVideoX and Wan 4k+1; the others take what they are given."""
    if family.startswith("LTX"):
        return max(9, (wanted - 1 + 7) // 8 * 8 + 1)
    if family.startswith(("CogVideoX", "Wan")):
        return max(5, (wanted - 1 + 3) // 4 * 4 + 1)
    return wanted


def _uint8(picture: Any) -> np.ndarray:  # noqa: ANN401
    array = np.asarray(picture)
    if array.dtype != np.uint8:
        array = (np.clip(array, 0.0, 1.0) * 255).round().astype(np.uint8)
    if array.ndim == 3 and array.shape[0] in (1, 3) and array.shape[-1] not in (1, 3):
        array = np.moveaxis(array, 0, -1)  # channels first -> last
    if array.ndim == 3 and array.shape[-1] == 1:
        array = np.repeat(array, 3, axis=-1)
    return np.ascontiguousarray(array)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


def register_renderers(register: Callable[[type[Renderer]], None]) -> None:
    """Entry-point hook: register the diffusers backend."""
    register(DiffusersRenderer)


__all__ = ["DiffusersRenderer", "check_inputs", "keyframe_size", "pick_device", "register_renderers"]
