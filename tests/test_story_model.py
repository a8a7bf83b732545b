"""The typed story: round trips, the stored vocabulary, validation, exact time, schema upgrades, light imports."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import ValidationError

from story import (
    Angle,
    Cut,
    MissingTake,
    Movement,
    Project,
    ProjectError,
    Shot,
    ShotSize,
    Style,
    Take,
    Transition,
    dump_project,
    parse_project,
)

REPO = Path(__file__).resolve().parent.parent
MakeProject = Callable[..., Project]


def full_project(make_project: MakeProject) -> Project:
    """The small project with every optional part filled: takes, a cut, metadata, a custom style."""
    base = make_project()
    take = Take(render_key="0123456789abcdef", path="media/shots/s2/take1.mp4", backend="animatic", seed=7, frames=96)
    failed = Take(
        render_key="fedcba9876543210",
        path="media/shots/s2/take2.png",
        backend="animatic",
        frames=1,
        failed=True,
        error="renderer ran out of memory",
    )
    shots = list(base.shots)
    shots[1] = shots[1].model_copy(update={"takes": [take, failed], "metadata": {"note": ["a", 1, 2.5, None]}})
    return base.model_copy(
        update={
            "shots": shots,
            "cut": Cut(frames=base.total_frames(), shot_keys=["0123456789abcdef"]),
            "style": Style(look=["ink"], palette=["#000000", "#FFFFFF"], fps=25, title_card=False),
            "metadata": {"made_by": "test", "nested": {"x": [1, 2]}},
            "revision": 3,
        }
    )


def test_a_full_project_survives_a_json_round_trip(make_project: MakeProject) -> None:
    project = full_project(make_project)
    raw = dump_project(project)
    again = parse_project(raw)
    assert again == project
    assert dump_project(again) == raw
    assert parse_project(raw.decode()) == project


def test_story_json_names_its_schema_and_version(make_project: MakeProject) -> None:
    stored = json.loads(dump_project(make_project()))
    assert stored["schema"] == "storyreel.Project.3"
    assert "schema_" not in stored


def test_a_shot_is_stored_under_the_documented_field_names(make_project: MakeProject) -> None:
    shot = json.loads(dump_project(full_project(make_project)))["shots"][1]
    documented = {
        "id",
        "size",
        "angle",
        "movement",
        "lens_mm",
        "time_of_day",
        "characters",
        "location",
        "action",
        "dialogue",
        "transition",
    }
    assert documented <= set(shot)
    assert {"duration_frames", "takes", "metadata"} <= set(shot)
    assert shot["size"] == "WS" and shot["angle"] == "eye-level" and shot["movement"] == "static"
    assert shot["transition"] == "cut" and shot["time_of_day"] == "day"


@pytest.mark.parametrize(
    ("enum", "words"),
    [
        (ShotSize, {"ECU", "CU", "MCU", "MS", "MWS", "WS", "EWS"}),
        (Angle, {"eye-level", "high", "low", "overhead", "dutch", "pov", "over-the-shoulder"}),
        (
            Movement,
            {
                "static",
                "pan-left",
                "pan-right",
                "tilt-up",
                "tilt-down",
                "push-in",
                "pull-out",
                "dolly-left",
                "dolly-right",
                "crane-up",
                "crane-down",
                "handheld",
                "tracking",
            },
        ),
        (Transition, {"cut", "dissolve", "fade-in", "fade-out"}),
    ],
)
def test_every_vocabulary_is_exactly_the_documented_one(enum: type, words: set[str]) -> None:
    assert {member.value for member in enum} == words


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("size", "XL"),
        ("angle", "sideways"),
        ("movement", "zoom"),
        ("transition", "wipe"),
        ("time_of_day", "teatime"),
        ("lens_mm", 2),
        ("duration_frames", 0),
        ("id", "Shot One"),
        ("positions", {"mara": 1.5}),
    ],
)
def test_a_bad_shot_value_is_refused_naming_the_field(field: str, value: object) -> None:
    data: dict[str, object] = {"id": "s1", "characters": ["mara"], field: value}
    with pytest.raises(ValidationError) as caught:
        Shot.model_validate(data)
    assert caught.value.errors()[0]["loc"][0] == field
    assert field in str(caught.value)


def test_a_bad_value_inside_a_project_is_refused_with_its_path(make_project: MakeProject) -> None:
    stored = json.loads(dump_project(make_project()))
    stored["shots"][2]["size"] = "huge"
    with pytest.raises(ValidationError) as caught:
        parse_project(json.dumps(stored))
    assert caught.value.errors()[0]["loc"] == ("shots", 2, "size")


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError, match="colour"):
        Shot.model_validate({"id": "s1", "colour": "red"})


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"characters": ["mara", "ghost"]}, "unknown characters ['ghost']"),
        ({"location": "moon"}, "unknown location 'moon'"),
        ({"positions": {"tom": 0.5}}, "places characters who are not in it"),
        ({"dialogue": [{"speaker": "ghost", "text": "Boo."}]}, "dialogue by unknown characters ['ghost']"),
    ],
)
def test_unknown_references_are_refused(make_project: MakeProject, change: dict[str, object], words: str) -> None:
    stored = json.loads(dump_project(make_project()))
    stored["shots"][1] |= change
    with pytest.raises(ValidationError) as caught:
        parse_project(json.dumps(stored))
    assert words in str(caught.value)
    assert "shot 2" in str(caught.value)


def test_duplicate_ids_are_refused(make_project: MakeProject) -> None:
    project = make_project()
    stored = json.loads(dump_project(project))
    stored["shots"][4]["id"] = "s1"
    with pytest.raises(ValidationError, match="shot ids must be unique"):
        parse_project(json.dumps(stored))
    stored = json.loads(dump_project(project))
    stored["characters"].append(stored["characters"][0])
    with pytest.raises(ValidationError, match="character ids must be unique"):
        parse_project(json.dumps(stored))


def test_total_frames_is_the_title_card_plus_every_shot_exactly(make_project: MakeProject) -> None:
    project = make_project()
    assert project.total_frames() == 72 + (72 + 96 + 48 + 120 + 30)
    untitled = project.model_copy(update={"style": project.style.model_copy(update={"title_card": False})})
    assert untitled.total_frames() == 72 + 96 + 48 + 120 + 30
    assert Project().total_frames() == Style().title_card_frames


def test_seconds_and_frames_convert_at_the_project_fps(make_project: MakeProject) -> None:
    project = make_project()
    assert project.fps == 24
    assert project.frames(2.5) == 60
    assert project.seconds(60) == 2.5


def test_media_for_a_shot_without_a_take_raises_missing_take(make_project: MakeProject) -> None:
    shot = make_project().shots[0]
    assert shot.take_for("0123456789abcdef") is None
    with pytest.raises(MissingTake, match="render it first") as caught:
        shot.media_for("0123456789abcdef")
    assert "'s1'" in str(caught.value)


def test_media_for_returns_the_newest_take_for_the_key(make_project: MakeProject) -> None:
    older = Take(render_key="0123456789abcdef", path="a.mp4", backend="animatic", frames=96)
    newer = older.model_copy(update={"path": "b.mp4"})
    other = Take(render_key="ffffffffffffffff", path="c.mp4", backend="animatic", frames=96)
    shot = make_project().shots[1].model_copy(update={"takes": [older, newer, other]})
    assert shot.media_for("0123456789abcdef").path == "b.mp4"
    with pytest.raises(MissingTake):
        shot.media_for("eeeeeeeeeeeeeeee")


def test_a_schema_0_project_upgrades_seconds_to_frames() -> None:
    old = {
        "bible": {"title": "Old draft"},
        "style": {"fps": 25},
        "characters": [{"id": "mara", "name": "Mara"}],
        "shots": [
            {"id": "s1", "action": "A door opens.", "duration": 2.0},
            {"id": "s2", "characters": ["mara"], "duration": 3.5},
        ],
    }
    project = parse_project(json.dumps(old))
    assert [s.duration_frames for s in project.shots] == [50, 88]
    assert project.bible.title == "Old draft"
    assert json.loads(dump_project(project))["schema"] == "storyreel.Project.3"


def test_a_schema_0_shot_shorter_than_the_minimum_still_opens() -> None:
    old = {"shots": [{"id": "s1", "duration": 0.1}, {"id": "s2", "duration": 600}]}
    project = parse_project(json.dumps(old))
    assert [s.duration_frames for s in project.shots] == [6, 24 * 120]


def test_a_newer_schema_version_gives_a_clear_error(make_project: MakeProject) -> None:
    stored = json.loads(dump_project(make_project()))
    stored["schema"] = "storyreel.Project.7"
    with pytest.raises(ProjectError, match=r"schema version 7, newer than this storyreel \(3\); upgrade storyreel"):
        parse_project(json.dumps(stored))


def test_a_foreign_schema_is_refused(make_project: MakeProject) -> None:
    stored = json.loads(dump_project(make_project()))
    stored["schema"] = "otio.Timeline.1"
    with pytest.raises(ProjectError, match="expected storyreel.Project.N"):
        parse_project(json.dumps(stored))


def test_models_are_frozen(make_project: MakeProject) -> None:
    project = make_project()
    with pytest.raises(ValidationError):
        project.shots[0].size = ShotSize.CU  # type: ignore[misc]


HEAVY = [
    "agent",
    "tools",
    "memory",
    "ui",
    "evals",
    "torch",
    "numpy",
    "PIL",
    "diffusers",
    "chromadb",
    "gradio",
    "moviepy",
    "langgraph",
    "openai",
]


def test_import_story_pulls_nothing_of_ours_and_no_heavy_library() -> None:
    probe = (
        "import json, sys; import story; "
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(done.stdout) == []
