"""The director's conversation: planning through a model, every tool, routing, streaming, the
terminal chat, and a conversation that survives a restart. Real chat-completions server on
127.0.0.1 driven by the real openai SDK; real rendering and ffprobe."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import small_project
from llm_server import ChatServer, text, tool_call
from probing import probe

from agent.directors import route
from agent.graph import stream_turn
from agent.prompt import MAX_PROMPT_CHARS, system_prompt
from agent.state import TurnEvent
from agent.tools import MAX_ARGUMENTS, Toolbox, ToolError, tool_specs
from story import Project, ProjectFolder, Shot

REPO = Path(__file__).resolve().parent.parent
STORYREEL = [sys.executable, "-m", "ui.cli"]
QUIET = {"STORYREEL_MEMORY": "off"}

PLAN = {
    "bible": {"title": "Night Ferry", "logline": "A boy crosses the bay alone to find his sister.", "genre": "drama"},
    "characters": [
        {"id": "ivo", "name": "Ivo", "description": "a boy of ten in a green raincoat", "traits": {"coat": "green"}},
        {"id": "lena", "name": "Lena", "description": "his sister, twenty, in a white dress"},
    ],
    "locations": [{"id": "ferry", "name": "the ferry deck", "description": "a rusty deck at night"}],
    "shots": [
        {"size": "EWS", "action": "The ferry leaves the quay.", "location": "ferry", "duration_frames": 36},
        {"size": "MCU", "action": "Ivo grips the rail.", "characters": ["ivo"], "location": "ferry",
         "duration_frames": 30, "time_of_day": "night"},
        {"size": "CU", "action": "Lena turns.", "characters": ["lena"], "location": "ferry", "duration_frames": 30,
         "dialogue": [{"speaker": "lena", "text": "You came."}]},
    ],
}  # fmt: skip


def run(
    *args: str | Path, env: dict[str, str] | None = None, stdin: str = "", code: int = 0
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"OPENAI_BASE_URL", "STORYREEL_MODEL"}}
    done = subprocess.run(
        [*STORYREEL, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=REPO,
        input=stdin,
        env=base | QUIET | (env or {}),
        timeout=300,
    )
    assert done.returncode == code, f"{done.stdout}\n{done.stderr}"
    return done


def story(directory: Path) -> dict:
    return json.loads((directory / "story.json").read_text())


def shots(directory: Path) -> list[dict]:
    return [{k: v for k, v in s.items() if k != "takes"} for s in story(directory)["shots"]]


def revisions(directory: Path) -> int:
    return len(list((directory / "history").glob("*.json")))


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("chat") / "film"
    project = small_project()
    project = project.model_copy(update={"style": project.style.model_copy(update={"title_card": False})})
    ProjectFolder.create(root, project, message="test")
    run("render", root)
    return root


@pytest.fixture
def film(planned: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(planned, tmp_path / "film"))


# Planning through a model ---------------------------------------------------------------------


@pytest.mark.slow
def test_a_model_plans_a_brief_with_create_story_after_correcting_a_bad_reference(tmp_path: Path) -> None:
    bad = json.loads(json.dumps(PLAN))
    bad["shots"][1]["characters"] = ["ivan"]
    brief = "Ivo, ten, crosses the bay alone on the night ferry to find his sister Lena."
    with ChatServer() as server:
        server.queue += [tool_call("create_story", bad), tool_call("create_story", PLAN), text("Planned three shots.")]
        run("new", tmp_path / "ferry", "--brief", brief, "--no-title-card", env={"OPENAI_BASE_URL": server.url})
    first = server.requests[0]
    assert [t["function"]["name"] for t in first["tools"]] == ["create_story"]
    assert brief in first["messages"][-1]["content"]
    assert "not in `characters`" in server.requests[1]["messages"][-1]["content"]
    planned = story(tmp_path / "ferry")
    assert planned["bible"]["title"] == "Night Ferry"
    assert [s["size"] for s in planned["shots"]] == ["EWS", "MCU", "CU"]
    assert [s["id"] for s in planned["shots"]] == ["s1", "s2", "s3"]
    assert planned["shots"][2]["dialogue"][0]["speaker"] == "lena"
    assert probe(tmp_path / "ferry" / "cut" / "storyreel.mp4").frames == 36 + 30 + 30


@pytest.mark.slow
def test_a_model_that_never_plans_hands_the_brief_to_the_offline_planner(tmp_path: Path) -> None:
    with ChatServer() as server:
        server.queue += [text("I would rather not.")]
        done = run("new", tmp_path / "none", "--brief", "Mara climbs the stairs.", env={"OPENAI_BASE_URL": server.url})
    said = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert said == [
        "warning: the model did not plan a story (I would rather not.); the offline director planned it instead"
    ]
    assert (tmp_path / "none" / "story.json").exists() and "Reel:" in done.stdout


@pytest.mark.slow
def test_the_studio_plans_a_new_brief_through_the_configured_model(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The studio's new project goes through the director the settings choose, as `new` and `chat` do."""
    from gradio_client import Client
    from studio_app import running_studio

    brief = "Ivo, ten, crosses the bay alone on the night ferry to find his sister Lena."
    with ChatServer() as server, running_studio(tmp_path_factory) as (url, root):
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("STORYREEL_MODEL", "m")
        server.queue += [tool_call("create_story", PLAN)]
        out = Client(url, verbose=False).predict("ferry", brief, None, api_name="/new_project")
    assert len(server.requests) == 1 and brief in server.requests[0]["messages"][-1]["content"]
    assert [t["function"]["name"] for t in server.requests[0]["tools"]] == ["create_story"]
    planned = story(root / "ferry")
    assert planned["bible"]["title"] == "Night Ferry" and "Night Ferry" in out[2]
    assert [s["action"] for s in planned["shots"]] == [s["action"] for s in PLAN["shots"]]
    assert planned["characters"][0]["description"] == "a boy of ten in a green raincoat"


# Tools and routing ----------------------------------------------------------------------------


@pytest.mark.slow
def test_add_then_change_the_new_shot_in_one_turn_is_one_revision(film: Path) -> None:
    before, count = shots(film), revisions(film)
    calls = {
        "tool_calls": [
            tool_call(
                "add_shot", {"position": 1, "size": "EWS", "action": "Gulls over the bay.", "duration_frames": 24}
            )["tool_calls"][0],
            tool_call("update_shot", {"shot": 1, "movement": "pan-left"})["tool_calls"][0] | {"id": "call_2"},
        ]
    }
    with ChatServer() as server:
        server.queue += [calls, text("Opened on the bay.")]
        run("say", film, "open on gulls over the bay, panning", env={"OPENAI_BASE_URL": server.url})
    after = shots(film)
    assert len(after) == len(before) + 1 and revisions(film) == count + 1
    assert after[0]["size"] == "EWS" and after[0]["movement"] == "pan-left" and after[0]["id"] == "s6"
    assert after[1:] == before
    assert [m["content"] for m in server.requests[1]["messages"] if m["role"] == "tool"][-2:] == [
        "done; the film now has 6 shots",
        "done; the film now has 6 shots",
    ]


@pytest.mark.slow
def test_update_character_and_set_style_reach_the_project(film: Path) -> None:
    calls = {
        "tool_calls": [
            tool_call("update_character", {"character": "Mara", "traits": {"coat": "blue"}})["tool_calls"][0],
            tool_call("set_style", {"look": ["charcoal", "rough"]})["tool_calls"][0] | {"id": "call_2"},
        ]
    }
    with ChatServer() as server:
        server.queue += [calls, text("Mara's coat is blue now; charcoal look.")]
        run("say", film, "give her a blue coat and make it look like charcoal", env={"OPENAI_BASE_URL": server.url})
    after = story(film)
    assert after["characters"][0]["traits"]["coat"] == "blue"
    assert after["style"]["look"] == ["charcoal", "rough"]


@pytest.mark.slow
def test_a_question_is_offered_only_reading_tools_and_changes_nothing(film: Path) -> None:
    before, count = shots(film), revisions(film)
    with ChatServer() as server:
        server.queue += [tool_call("check_continuity", {}), text("Tom speaks in shot 3 and is in it.")]
        done = run("say", film, "who speaks in shot 3?", env={"OPENAI_BASE_URL": server.url})
    offered = {t["function"]["name"] for t in server.requests[0]["tools"]}
    assert offered == {"recall", "check_continuity"}
    assert shots(film) == before and revisions(film) == count
    assert "Tom speaks in shot 3" in done.stdout
    assert "continuity" in server.requests[1]["messages"][-1]["content"]


@pytest.mark.slow
def test_a_model_that_never_finishes_changes_nothing_and_never_says_done(film: Path) -> None:
    from agent.directors import MAX_STEPS

    before, count = shots(film), revisions(film)
    with ChatServer() as server:
        server.queue += [tool_call("update_shot", {"shot": 1, "size": "WS"})] * MAX_STEPS
        done = run("say", film, "make the first shot wider", env={"OPENAI_BASE_URL": server.url})
    assert "Done" not in done.stdout + done.stderr and "nothing was changed" in done.stdout, done.stdout
    assert shots(film) == before and revisions(film) == count


@pytest.mark.slow
def test_a_change_the_model_cannot_make_exits_2_with_one_line(film: Path) -> None:
    before, count = shots(film), revisions(film)
    with ChatServer() as server:
        server.queue += [tool_call("update_shot", {"shot": 12, "size": "CU"})] * 3
        done = run("say", film, "make shot 12 a close-up", env={"OPENAI_BASE_URL": server.url}, code=2)
    assert done.stdout == "" and done.stderr.startswith("error: ") and len(done.stderr.splitlines()) == 1
    assert "nothing was changed" in done.stderr, done.stderr
    assert shots(film) == before and revisions(film) == count


@pytest.mark.slow
def test_recall_asks_the_projects_memory(film: Path) -> None:
    with ChatServer() as server:
        server.queue += [
            tool_call("recall", {"query": "the woman in the red coat", "kinds": ["character"]}),
            text("Mara."),
        ]
        run(
            "say",
            film,
            "who is the woman in the red coat?",
            env={"OPENAI_BASE_URL": server.url, "STORYREEL_MEMORY": "on"},
        )
    answer = server.requests[1]["messages"][-1]["content"]
    assert " character mara" in answer.splitlines()[0], answer


def test_routes() -> None:
    project = small_project()
    assert route(Project(), "a story about a lighthouse") == "new"
    assert route(project, "who is in shot 2?") == "question"
    assert route(project, "what if shot 2 were a close-up") == "question"
    assert route(project, "can you make shot 2 a close-up?") == "revise"
    assert route(project, "how about a close-up on shot 2") == "revise"
    assert route(project, "render shot 4 with the animatic") == "render"
    assert route(project, "make shot 3 a close-up") == "revise"


def test_tool_arguments_are_bounded_and_errors_are_for_the_model() -> None:
    box = Toolbox(small_project())
    with pytest.raises(ToolError, match="duration_frames"):
        box.call("update_shot", json.dumps({"shot": 1, "duration_frames": 10**9}))
    with pytest.raises(ToolError, match="too long"):
        box.call("update_shot", json.dumps({"shot": 1, "action": "x" * (MAX_ARGUMENTS + 1)}))
    with pytest.raises(ToolError, match="at most 2000"):
        box.call("update_shot", json.dumps({"shot": 1, "action": "x" * 3000}))
    with pytest.raises(ToolError, match="between 1 and 5"):
        box.call("remove_shot", '{"shot": 0}')
    with pytest.raises(ToolError, match="not in the cast"):
        box.call("update_character", '{"character": "Zed", "description": "new"}')
    with pytest.raises(ToolError, match="unknown renderer"):
        box.call("render", '{"backend": "nope"}')
    with pytest.raises(ToolError, match="invalid arguments"):
        box.call("update_shot", "{not json")
    with pytest.raises(ToolError, match="List should have at most 200"):
        box.call("create_story", json.dumps(PLAN | {"shots": PLAN["shots"] * 70}))
    assert box.edits == [] and box.project == small_project()  # nothing half-applied
    box.call("update_shot", '{"shot": "s2", "size": "CU"}')
    with pytest.raises(ToolError, match="cannot be combined"):
        box.call("undo", "{}")
    assert [e.op for e in box.edits] == ["update_shot"]


def test_every_tool_has_an_object_schema_and_a_description() -> None:
    specs = {s["function"]["name"]: s["function"] for s in tool_specs()}
    wanted = {"create_story", "update_shot", "add_shot", "remove_shot", "move_shot", "update_character"}
    assert wanted | {"set_style", "recall", "render", "undo", "check_continuity"} <= set(specs)
    for name, spec in specs.items():
        assert spec["parameters"]["type"] == "object" and len(spec["description"]) > 20, name
    shot_fields = set(specs["update_shot"]["parameters"]["properties"])
    assert {"shot", "size", "angle", "movement", "lens_mm", "time_of_day", "characters", "location"} <= shot_fields
    assert {"action", "dialogue", "transition"} <= shot_fields


def test_a_long_project_is_summarised_within_the_budget_and_says_so() -> None:
    project = small_project()
    many = [Shot(id=f"s{n}", action="A long action line " * 5, scene=1 + n // 20) for n in range(1, 401)]
    big = project.model_copy(update={"shots": many, "next_shot": 401})
    prompt = system_prompt(big)
    assert len(prompt) <= MAX_PROMPT_CHARS
    assert "400 shots in 21 scenes" in prompt and "scene 20: shots" in prompt
    assert "400. s400" in prompt and "1. s1" in prompt
    small = system_prompt(project)
    assert all(f"{n}. s{n}" in small for n in range(1, 6)) and "180-degree" in small
    # the vocabulary is in the tools a revision is shown (their enums), not repeated in the prompt
    from agent.directors import offered_tools, revise_tools
    from agent.tools import Toolbox

    shown = json.dumps(offered_tools(Toolbox(project).specs(), revise_tools(project, "make shot 2 a close-up")))
    assert all(value in shown for value in ("over-the-shoulder", "EWS", "crane-up", "dissolve", "dusk"))


# Streaming and the terminal chat ----------------------------------------------------------------


@pytest.mark.slow
def test_a_turn_streams_words_then_tool_activity_then_render_progress(
    film: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agent.production import Production

    monkeypatch.setenv("STORYREEL_MEMORY", "off")
    production = Production.open(film)
    with ChatServer() as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        reply = "Shot two is now a close-up, tighter on her face as she walks."
        server.queue += [tool_call("update_shot", {"shot": 2, "size": "CU"}), text(reply)]
        events: list[TurnEvent] = list(stream_turn(production, "tighter on Mara in shot two"))
    production.close()
    kinds = [e.kind for e in events]
    words = [e.text for e in events if e.kind == "text"]
    assert server.requests[0]["stream"] is True
    assert len(words) > 3 and "".join(words).strip() == reply  # streamed in pieces
    assert kinds.index("tool") < kinds.index("announce") < kinds.index("progress") < kinds.index("done")
    assert kinds[-1] == "done" and events[-1].result is not None and events[-1].result.rendered == [2]
    assert sum(e.data["frames"] for e in events if e.kind == "progress") == 96


@pytest.mark.slow
def test_chat_in_the_terminal_with_a_model_and_a_restart_between_conversations(film: Path) -> None:
    env = {"STORYREEL_APPROVE_ABOVE": ""}
    with ChatServer() as server:
        server.queue += [tool_call("update_shot", {"shot": 1, "size": "WS"}), text("Shot one is wide now.")]
        first = run("chat", film, stdin="make the first shot wider\nquit\n", env=env | {"OPENAI_BASE_URL": server.url})
        server.queue += [tool_call("undo", {}), text("Undone.")]
        run("chat", film, stdin="take that back\n", env=env | {"OPENAI_BASE_URL": server.url})  # ends at EOF
    assert "director> Shot one is wide now." in first.stdout
    assert "tool update_shot" in first.stderr
    assert shots(film)[0]["size"] == "EWS"  # undone in the second conversation
    second = server.requests[2]["messages"]
    earlier = [m["content"] for m in second if m["role"] in ("user", "assistant")]
    assert earlier[:2] == ["make the first shot wider", "Shot one is wide now."]  # remembered across the restart


@pytest.mark.slow
def test_offline_chat_asks_for_approval_inline(film: Path) -> None:
    before = shots(film)
    done = run(
        "chat",
        film,
        stdin="make shot 2 a close-up\ny\nmake shot 3 a wide shot\nn\nquit\n",
        env={"STORYREEL_APPROVE_ABOVE": "-1"},  # every render asks first
    )
    assert done.stdout.count("Go ahead? [y/N]") == 2
    assert "Not approved; nothing changed." in done.stdout
    after = shots(film)
    assert after[1]["size"] == "CU" and after[:1] + after[2:] == before[:1] + before[2:]  # shot 3 was refused


@pytest.mark.slow
def test_a_paid_backend_over_the_threshold_waits_for_a_yes(film: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from agent.production import Production

    monkeypatch.setenv("STORYREEL_MEMORY", "off")
    monkeypatch.setenv("STORYREEL_APPROVE_ABOVE", "0.01")
    before, count = shots(film), revisions(film)
    production = Production.open(film)
    try:
        events = list(stream_turn(production, "render shot 2 with runway"))
        assert events[-1].kind == "question" and events[-1].data["cost"] > 0.01, events[-1]
        refused = list(stream_turn(production, "", resume="no"))
    finally:
        production.close()
    assert refused[-1].result is not None and refused[-1].result.reply == "Not approved; nothing changed."
    assert shots(film) == before and revisions(film) == count


def test_takes_are_asked_for_and_chosen_through_tools() -> None:
    box = Toolbox(small_project())
    box.call("request_takes", '{"shot": 5, "count": 3}')
    assert len(box.project.shots[4].variations) == 3
    with pytest.raises(ToolError, match="count"):
        box.call("request_takes", '{"shot": 5, "count": 99}')
    with pytest.raises(ToolError):
        box.call("choose_take", '{"shot": 5, "take": 7}')  # no such take yet
    assert [e.op for e in box.edits] == ["request_takes"]
