"""The diffusers backend on tiny pipelines built from configs (nothing downloaded), saved with
`save_pretrained` and loaded back by the backend from local files only."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from probing import frames_rgb, probe
from scripted import ScriptedDirector, small_story

from agent.production import Production
from story import Project, ProjectFolder, SetBackend, apply
from tools.consistency import STYLE_REFERENCE
from tools.render.base import RenderError, RenderRequest, get_renderer

pytest.importorskip("diffusers")
torch = pytest.importorskip("torch")

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def no_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about pictures; memory's embedding model would only slow them down."""
    monkeypatch.setenv("STORYREEL_MEMORY", "off")


def byte_level_vocab() -> dict[str, int]:
    """A CLIP vocabulary of single bytes only (no merges): enough to tokenize any prompt."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    codes, extra = list(printable), 0
    for byte in range(256):
        if byte not in printable:
            codes.append(256 + extra)
            extra += 1
    chars = [chr(c) for c in codes]
    vocab = {c: i for i, c in enumerate(chars)}
    vocab.update({f"{c}</w>": len(chars) + i for i, c in enumerate(chars)})
    vocab["<|startoftext|>"] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    return vocab


def tiny_text_to_image(folder: Path) -> Path:
    """A seeded Stable Diffusion pipeline a few hundred kilobytes big, saved to `folder`."""
    from diffusers import AutoencoderKL, DDIMScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    vocab = byte_level_vocab()
    words = folder.parent / "tokenizer-files"
    words.mkdir(parents=True, exist_ok=True)
    (words / "vocab.json").write_text(json.dumps(vocab))
    (words / "merges.txt").write_text("#version: 0.2\n")
    tokenizer = CLIPTokenizer.from_pretrained(str(words), model_max_length=77)
    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        block_out_channels=(4, 8),
        layers_per_block=1,
        sample_size=32,
        in_channels=4,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=32,
        norm_num_groups=2,
    ).eval()
    vae = AutoencoderKL(
        block_out_channels=[4, 8],
        in_channels=3,
        out_channels=3,
        down_block_types=["DownEncoderBlock2D"] * 2,
        up_block_types=["UpDecoderBlock2D"] * 2,
        latent_channels=4,
        norm_num_groups=2,
    ).eval()
    end = vocab["<|endoftext|>"]
    text = CLIPTextConfig(
        bos_token_id=vocab["<|startoftext|>"],
        eos_token_id=end,
        pad_token_id=end,
        hidden_size=32,
        intermediate_size=64,
        num_attention_heads=4,
        num_hidden_layers=2,
        vocab_size=len(vocab),
    )
    scheduler = DDIMScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        clip_sample=False,
        set_alpha_to_one=False,
        steps_offset=1,
    )
    pipe = StableDiffusionPipeline(
        unet=unet,
        vae=vae,
        text_encoder=CLIPTextModel(text).eval(),
        tokenizer=tokenizer,
        scheduler=scheduler,
        safety_checker=None,
        feature_extractor=None,
        image_encoder=None,
        requires_safety_checker=False,
    )
    pipe.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_text_to_image(tmp_path_factory.mktemp("weights") / "tiny-sd")


@pytest.fixture(scope="module")
def tiny_video_model(tmp_path_factory: pytest.TempPathFactory, tiny_model: Path) -> Path:
    """An AnimateDiff pipeline on the tiny Stable Diffusion parts, with a tiny motion adapter."""
    from diffusers import AnimateDiffPipeline, MotionAdapter, StableDiffusionPipeline

    base = StableDiffusionPipeline.from_pretrained(tiny_model, local_files_only=True)
    torch.manual_seed(0)
    adapter = MotionAdapter(
        block_out_channels=(4, 8), motion_layers_per_block=1, motion_norm_num_groups=2, motion_num_attention_heads=2
    ).eval()
    pipe = AnimateDiffPipeline(
        vae=base.vae,
        text_encoder=base.text_encoder,
        tokenizer=base.tokenizer,
        unet=base.unet,
        motion_adapter=adapter,
        scheduler=base.scheduler,
    )
    folder = tmp_path_factory.mktemp("weights") / "tiny-animatediff"
    pipe.save_pretrained(folder)
    return folder


def project_with(**options: object) -> Project:
    return apply(
        Project(), [small_story(width=128, height=72, shots=3), SetBackend(backend="diffusers", options=options)]
    )


def request_for(project: Project, output: Path, seed: int, references: dict[str, Path] | None = None) -> RenderRequest:
    shot = project.shots[1]  # Mara and Tomas, a line of dialogue, a push-in
    return RenderRequest(project=project, shot=shot, number=2, output=output, references=references or {}, seed=seed)


def sheet(path: Path, colour: tuple[int, int, int]) -> Path:
    Image.new("RGB", (96, 64), colour).save(path)
    return path


def test_a_reel_renders_from_a_local_pipeline_folder(tmp_path: Path, tiny_model: Path) -> None:
    plan = [
        small_story(width=128, height=72, shots=3),
        SetBackend(backend="diffusers", options={"model": str(tiny_model), "steps": 2}),
    ]
    production, result = Production.new(tmp_path / "film", "a brief", director=ScriptedDirector(story=plan))  # type: ignore[arg-type]
    assert result.failed == {}, result.failed
    project = production.project
    facts = probe(production.folder.root / "cut" / "storyreel.mp4")
    assert (facts.width, facts.height, facts.fps) == (128, 72, 24)
    assert facts.frames == project.total_frames()
    for shot in project.shots:
        take = shot.takes[-1]
        assert take.backend == "diffusers" and not take.failed
        assert probe(production.folder.root / take.path).frames == shot.duration_frames
        assert "Mara" in take.prompt, "characters are described by their canonical text"
        assert take.options["model"] == str(tiny_model) and take.options["steps"] == 2
        assert any(ref.startswith("media/refs/mara-") for ref in take.references)
        assert take.cost == 0.0


def test_same_seed_same_frames_other_seed_other_frames(tmp_path: Path, tiny_model: Path) -> None:
    backend = get_renderer("diffusers", {"model": str(tiny_model), "steps": 2, "init": "text"})
    project = project_with()
    outputs = {}
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        outputs[name] = tmp_path / f"{name}.mp4"
        result = backend.render(request_for(project, outputs[name], seed))
        assert result.frames == project.shots[1].duration_frames
    first = frames_rgb(outputs["a"])
    assert len(first) == project.shots[1].duration_frames
    assert first == frames_rgb(outputs["b"])
    assert first != frames_rgb(outputs["c"])


def test_the_reference_sheet_steers_the_keyframe(tmp_path: Path, tiny_model: Path) -> None:
    """Image-to-image from the character's sheet: other sheet pixels, other pictures; prompt only, no change."""
    project = project_with()
    red, blue = (sheet(tmp_path / "red.png", (220, 20, 20)), sheet(tmp_path / "blue.png", (20, 20, 220)))
    style = sheet(tmp_path / "style.png", (128, 128, 128))
    pictures = {}
    for init in ("reference", "text"):
        backend = get_renderer("diffusers", {"model": str(tiny_model), "steps": 2, "init": init, "strength": 0.9})
        for name, path in (("red", red), ("blue", blue)):
            output = tmp_path / f"{init}-{name}.mp4"
            backend.render(request_for(project, output, 3, {"mara": path, "tomas": style, STYLE_REFERENCE: style}))
            pictures[init, name] = frames_rgb(output)[0]
    assert pictures["reference", "red"] != pictures["reference", "blue"]
    assert pictures["text", "red"] == pictures["text", "blue"]


def test_a_repo_id_loads_from_the_local_hugging_face_cache(tmp_path: Path, tiny_model: Path) -> None:
    cache = tmp_path / "hub"
    snapshot = cache / "models--storyreel--tiny-sd" / "snapshots" / ("0" * 40)
    shutil.copytree(tiny_model, snapshot)
    (cache / "models--storyreel--tiny-sd" / "refs").mkdir()
    (cache / "models--storyreel--tiny-sd" / "refs" / "main").write_text("0" * 40)
    backend = get_renderer("diffusers", {"model": "storyreel/tiny-sd", "cache_dir": str(cache), "steps": 2})
    project = project_with()
    assert backend.render(request_for(project, tmp_path / "take.mp4", 1)).frames == project.shots[1].duration_frames
    missing = get_renderer("diffusers", {"model": "storyreel/not-there", "cache_dir": str(cache)})
    with pytest.raises(RenderError, match="never downloads"):
        missing.render(request_for(project, tmp_path / "none.mp4", 1))


def test_bad_settings_name_the_option(tmp_path: Path) -> None:
    project = project_with()
    with pytest.raises(RenderError, match="`model` must name a local diffusers pipeline"):
        get_renderer("diffusers").render(request_for(project, tmp_path / "x.mp4", 1))
    with pytest.raises(RenderError, match="`model` must be an existing folder"):
        get_renderer("diffusers", {"model": str(tmp_path / "nowhere")}).render(
            request_for(project, tmp_path / "x.mp4", 1)
        )
    with pytest.raises(RenderError, match="divisible by 8"):
        get_renderer("diffusers", {"model": str(tmp_path), "width": 100}).render(
            request_for(project, tmp_path / "x.mp4", 1)
        )
    with pytest.raises(RenderError, match="option `steps`"):
        get_renderer("diffusers", {"steps": 0})


def test_device_and_dtype_are_chosen_for_the_machine() -> None:
    from tools.render.diffusers_backend import pick_device

    expected = "cuda" if torch.cuda.is_available() else "cpu"
    device, dtype = pick_device("auto", "auto")
    assert device in (expected, "mps")
    if device == "cpu":
        assert dtype == torch.float32
    assert pick_device("cpu", "bfloat16") == ("cpu", torch.bfloat16)


@pytest.mark.slow
def test_an_image_to_video_pipeline_makes_the_motion(tmp_path: Path, tiny_model: Path, tiny_video_model: Path) -> None:
    options = {"model": str(tiny_model), "steps": 2, "video_model": str(tiny_video_model), "video_frames": 4}
    backend = get_renderer("diffusers", options | {"video_steps": 1})
    project = project_with()
    outputs = [tmp_path / "a.mp4", tmp_path / "b.mp4"]
    for output in outputs:
        assert backend.render(request_for(project, output, 5)).frames == project.shots[1].duration_frames
    facts = probe(outputs[0])
    assert (facts.width, facts.height, facts.frames) == (128, 72, project.shots[1].duration_frames)
    frames = frames_rgb(outputs[0])
    assert frames == frames_rgb(outputs[1]), "the same seed makes the same clip"
    assert len(set(frames)) >= 2, "the clip moves"


@pytest.mark.slow
def test_cli_renders_the_reel_with_diffusers_the_same_as_another_run(tmp_path: Path, tiny_model: Path) -> None:
    """`storyreel render DIR --backend diffusers --model PATH` in a process of its own, then the same project
    rendered again in this one: the same reel, frame for frame."""
    reels = []
    for name in ("cli", "here"):
        root = tmp_path / name
        ProjectFolder.create(root, apply(Project(), small_story(width=128, height=72, shots=2)))
        if name == "cli":
            done = subprocess.run(
                [sys.executable, "-m", "ui.cli", "render", str(root), "--backend", "diffusers",
                 "--model", str(tiny_model), "--option", "steps=2"],
                capture_output=True, text=True, cwd=REPO, env=os.environ | {"STORYREEL_MEMORY": "off"},
            )  # fmt: skip
            assert done.returncode == 0, done.stderr
            data = json.loads((root / "story.json").read_text())
            assert data["backend"] == "diffusers" and data["renderer_options"]["diffusers"]["steps"] == 2
        else:
            folder = ProjectFolder.open(root)
            folder.commit([SetBackend(backend="diffusers", options={"model": str(tiny_model), "steps": 2})])
            production = Production(folder)
            assert production.render().failed == {}
        reels.append(root / "cut" / "storyreel.mp4")
    project = ProjectFolder.open(tmp_path / "cli").load()
    assert probe(reels[0]).frames == project.total_frames()
    assert frames_rgb(reels[0]) == frames_rgb(reels[1])


def tiny_ip_adapter(folder: Path, tiny_model: Path) -> Path:
    """An IP-Adapter for the tiny UNet: an image projection, key/value weights per cross-attention layer and a
    tiny CLIP image encoder, laid out as `load_ip_adapter` reads them (models/...)."""
    from diffusers import UNet2DConditionModel
    from safetensors.torch import save_file
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection

    unet = UNet2DConditionModel.from_pretrained(tiny_model, subfolder="unet", local_files_only=True)
    cross, embed = unet.config.cross_attention_dim, 16
    torch.manual_seed(0)
    weights = {
        "image_proj.proj.weight": torch.randn(4 * cross, embed),
        "image_proj.proj.bias": torch.zeros(4 * cross),
        "image_proj.norm.weight": torch.ones(cross),
        "image_proj.norm.bias": torch.zeros(cross),
    }
    key_id = 1
    channels = unet.config.block_out_channels
    for name in unet.attn_processors:
        if name.endswith("attn1.processor"):
            continue
        if name.startswith("mid_block"):
            hidden = channels[-1]
        elif name.startswith("up_blocks"):
            hidden = list(reversed(channels))[int(name[len("up_blocks.")])]
        else:
            hidden = channels[int(name[len("down_blocks.")])]
        weights[f"ip_adapter.{key_id}.to_k_ip.weight"] = torch.randn(hidden, cross)
        weights[f"ip_adapter.{key_id}.to_v_ip.weight"] = torch.randn(hidden, cross)
        key_id += 2
    (folder / "models").mkdir(parents=True)
    save_file(weights, str(folder / "models" / "ip-adapter.safetensors"))
    vision = CLIPVisionConfig(
        hidden_size=32, projection_dim=embed, num_hidden_layers=2, num_attention_heads=4, intermediate_size=37,
        image_size=32, patch_size=8,
    )  # fmt: skip
    CLIPVisionModelWithProjection(vision).eval().save_pretrained(folder / "models" / "image_encoder")
    return folder


def test_an_ip_adapter_carries_the_reference_sheet(tmp_path: Path, tiny_model: Path) -> None:
    adapter = tiny_ip_adapter(tmp_path / "ip-adapter", tiny_model)
    options = {"model": str(tiny_model), "steps": 2, "init": "text", "ip_adapter": str(adapter)}
    backend = get_renderer("diffusers", options | {"ip_adapter_weight": "ip-adapter.safetensors"})
    project = project_with()
    red, blue = sheet(tmp_path / "red.png", (220, 20, 20)), sheet(tmp_path / "blue.png", (20, 20, 220))
    first = {}
    for name, path in (("red", red), ("blue", blue)):
        output = tmp_path / f"{name}.mp4"
        backend.render(request_for(project, output, 3, {"mara": path, STYLE_REFERENCE: path}))
        first[name] = frames_rgb(output)[0]
    assert first["red"] != first["blue"], "with words alone, only the IP-Adapter can carry the sheet"
