"""The model director against a server as strict as the small local ones (tests/conformance_server.py):
it plans and revises through tool calls, and never sends what such a server refuses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conformance_server import StrictServer
from llm_server import text, tool_call

from agent.directors import ModelDirector, sent_schema
from agent.llm import ModelSettings
from agent.tools import Toolbox
from story import Project, ReplaceStory, ShotSize, UpdateShot, apply

PLAN = {
    "bible": {"title": "Night Ferry", "logline": "A boy crosses the bay alone to find his sister."},
    "characters": [{"id": "ivo", "name": "Ivo", "description": "a boy of ten in a green raincoat"}],
    "locations": [{"id": "ferry", "name": "the ferry deck", "description": "a rusty deck at night"}],
    "shots": [
        {"size": "EWS", "action": "The ferry leaves the quay.", "location": "ferry", "duration_frames": 36},
        {"size": "MS", "action": "Ivo grips the rail.", "characters": ["ivo"], "location": "ferry",
         "duration_frames": 30},
    ],
}  # fmt: skip


def director(server: StrictServer, **options: Any) -> ModelDirector:
    settings = ModelSettings(base_url=server.url, api_key="x", model="m", timeout_s=20, max_retries=0, **options)
    return ModelDirector(settings)


def planned() -> Project:
    with StrictServer() as server:
        server.queue += [tool_call("create_story", PLAN)]
        return apply(Project(), director(server).plan("A boy crosses the bay at night."))


def test_a_planning_turn_names_its_tool_and_sends_what_a_strict_server_takes() -> None:
    with StrictServer() as server:
        server.queue += [tool_call("create_story", PLAN)]
        edits = director(server).plan("A boy crosses the bay at night to find his sister.")
    assert server.refusals == []
    assert isinstance(edits[0], ReplaceStory) and edits[0].bible.title == "Night Ferry"
    first = server.requests[0]
    assert first["tool_choice"] == {"type": "function", "function": {"name": "create_story"}}
    assert 256 <= first["max_tokens"] <= 2048 and "maxLength" not in json.dumps(first["tools"])
    assert [m["role"] for m in first["messages"]].count("system") == 1


def test_a_revision_reaches_the_model_as_a_tool_call_though_streamed_auto_choice_is_refused() -> None:
    project = planned()
    with StrictServer() as server:
        server.queue += [
            tool_call("update_shot", {"shot": 2, "size": "CU"}),  # eaten by the empty stream
            tool_call("update_shot", {"shot": 2, "size": "CU"}),
            text("Shot 2 is a close-up now."),
        ]
        box = Toolbox(project)
        plan = director(server).turn(project, "make shot 2 a close-up", toolbox=box)
    assert server.refusals == ["Automatic streaming tool choice is not supported"]  # once, then no more streaming
    assert [type(e) for e in plan.edits] == [UpdateShot] and apply(project, plan.edits).shots[1].size == ShotSize.CU
    assert plan.reply == "Shot 2 is a close-up now."
    assert [r.get("stream", False) for r in server.requests] == [True, False, False]
    assert all(r["tool_choice"] == "auto" for r in server.requests)
    answered = server.requests[-1]["messages"]
    assistant = next(m for m in answered if m["role"] == "assistant")
    assert assistant["content"] == "" and assistant["tool_calls"]


def test_a_long_conversation_keeps_one_system_message_and_fits_the_context_the_server_states() -> None:
    project = planned()
    history = []
    for n in range(40):
        history += [
            {"role": "user", "content": f"request {n}: make shot 1 a little warmer and slower " * 4},
            {"role": "assistant", "content": f"answer {n}: done, shot 1 is warmer " * 4},
        ]
    with StrictServer(context=6000) as server:
        server.queue += [tool_call("update_shot", {"shot": 1, "size": "WS"}), text("ok")]
        chosen = director(server, stream=False)
        plan = chosen.turn(project, "make shot 1 wide", history=history, toolbox=Toolbox(project))
    assert chosen.context == 6000  # from GET /props
    assert server.refusals == [] and [type(e) for e in plan.edits] == [UpdateShot]
    first = server.requests[0]["messages"]
    assert [m["role"] for m in first].count("system") == 1 and first[0]["role"] == "system"
    assert "Earlier in this conversation" in first[0]["content"]
    assert first[-1] == {"role": "user", "content": "make shot 1 wide"}


def test_a_context_too_small_for_any_turn_says_how_to_raise_it() -> None:
    project = planned()
    with StrictServer(context=600) as server:
        plan = director(server).turn(project, "make shot 1 wide", toolbox=Toolbox(project))
    assert server.requests == [] and plan.edits == []
    assert "context is 600" in plan.reply and "STORYREEL_CONTEXT" in plan.reply


def test_the_context_setting_wins_over_the_server() -> None:
    with StrictServer(context=6000) as server:
        assert director(server, context=5000).context == 5000


def test_every_request_fits_its_token_target_and_a_plan_is_shown_the_story_s_bones() -> None:
    from evals.prompt_size import measure

    sizes = {size.request: (size.tokens, size.target) for size in measure()}
    assert all(tokens <= target for tokens, target in sizes.values()), sizes
    with StrictServer(context=2048) as server:  # llama-cpp-python's default context
        server.queue += [tool_call("create_story", PLAN), text("")]
        director(server, max_tokens=512).plan(Path(REPO / "agent/examples/keeper.txt").read_text())
    sent = json.dumps(server.requests[0]["tools"])
    assert server.refusals == [] and '"props"' not in sent and '"acting"' not in sent and '"dialogue"' in sent


@pytest.mark.parametrize("schema", [{"type": "string", "maxLength": 2000}, {"items": [{"maxLength": 9}], "x": 1}])
def test_sent_schemas_lose_only_their_string_bounds(schema: dict[str, Any]) -> None:
    assert "maxLength" not in json.dumps(sent_schema(schema))
    assert set(json.dumps(sent_schema(schema))) <= set(json.dumps(schema))


# Through the command line ---------------------------------------------------------------------

REPO = Path(__file__).resolve().parent.parent


def storyreel(
    server: StrictServer, *args: str | Path, stdin: str = "", **settings: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"STORYREEL_MODEL", "STORYREEL_CONTEXT"}}
    env |= {"OPENAI_BASE_URL": server.url, "STORYREEL_MEMORY": "off", "STORYREEL_RETRIES": "0", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env | settings,
        input=stdin,
        timeout=300,
    )


@pytest.mark.slow
def test_a_model_that_cannot_plan_loses_no_brief_and_one_that_says_nothing_fails_in_one_line(tmp_path: Path) -> None:
    film = tmp_path / "film"
    with StrictServer() as server:
        server.queue += [text("I would love to help with that!"), text(""), text(""), text("")]  # named: still nothing
        made = storyreel(server, "new", film, "--brief", "Mara climbs the lighthouse at dusk. She lights the lamp.")
        assert made.returncode == 0, made.stderr
        assert made.stderr.count("the offline director planned it instead") == 1
        assert "Reel:" in made.stdout and (film / "cut" / "storyreel.mp4").is_file()
        before = (film / "story.json").read_bytes()
        said = storyreel(server, "say", film, "make shot 1 a close-up")
    assert said.returncode == 1, said.stdout + said.stderr
    assert said.stderr.strip() == "failed: The model gave no answer; nothing was changed."
    assert (film / "story.json").read_bytes() == before


# A model's plan held against the brief; what a failed turn says ---------------------------------

BRIEF = "Mara climbs the lighthouse at dusk to light the lamp. Her father Tomas waits below in the boat."


def model_plan(*actions: str) -> dict[str, Any]:
    shots = [{"size": "MS", "action": action, "duration_frames": 30} for action in actions]
    return {"bible": {"title": "The Lamp"}, "shots": shots}


def test_a_plan_that_leaves_out_who_the_brief_names_is_completed_and_keeps_the_brief() -> None:
    with StrictServer() as server:
        server.queue += [tool_call("create_story", model_plan("Mara climbs the stairs.", "The lamp turns.")), text("")]
        chosen = director(server)
        edits = chosen.plan(BRIEF)
    story = apply(Project(), edits)
    assert story.bible.brief == BRIEF  # the person's words, as given
    names = {c.name: c.id for c in story.characters}
    assert {"Mara", "Tomas"} <= set(names)
    assert names["Mara"] in story.shots[0].characters and story.shots[1].characters == []
    assert len(chosen.notes) == 1 and "left out Mara (in shot 1)" in chosen.notes[0]
    assert "Tomas (in no shot yet)" in chosen.notes[0]


def test_what_a_planned_shot_shows_is_read_from_its_words_when_the_model_says_nothing_of_it() -> None:
    stormy = model_plan("A storm breaks over the sea as Mara lights the great lamp.", "Tomas rows the boat.")
    stormy["shots"][1]["weather"] = "fog"  # what the model did say stays
    with StrictServer() as server:
        server.queue += [tool_call("create_story", stormy), text("")]
        story = apply(Project(), director(server).plan(BRIEF))
    first, second = story.shots
    assert first.weather == "storm" and "lamp" in [p.name for p in first.props]
    assert second.weather == "fog"


def test_a_plan_with_no_one_in_it_is_refused_with_the_reason() -> None:
    from agent.director import DirectorError

    with StrictServer() as server:
        server.queue += [tool_call("create_story", model_plan("A lighthouse at dusk.", "Waves.")), text("")]
        with pytest.raises(DirectorError, match="puts no one in any of its 2 shots, though the brief has Mara"):
            director(server).plan(BRIEF)
    with StrictServer() as server:
        server.queue += [tool_call("create_story", model_plan("A lighthouse at dusk.")), text("")]
        with pytest.raises(DirectorError, match="puts no one in its only shot, though the brief has Mara"):
            director(server).plan(BRIEF)


def test_a_refused_change_says_what_was_asked_and_why_nothing_applied() -> None:
    project = planned()
    both = {
        "tool_calls": [
            tool_call("add_shot", {"action": "The sea.", "position": 3})["tool_calls"][0],
            tool_call("redo", {})["tool_calls"][0],
        ]
    }
    with StrictServer() as server:
        server.queue += [both, both, both]
        plan = director(server, stream=False).turn(project, "add a shot of the sea after shot 2")
    assert plan.refused and plan.edits == []
    assert plan.reply.startswith('You asked: "add a shot of the sea after shot 2". The model\'s change was refused')
    assert "redo cannot be combined with changes" in plan.reply and plan.reply.endswith("nothing was changed.")


def test_words_without_a_change_say_that_nothing_changed() -> None:
    project = planned()
    with StrictServer() as server:
        server.queue += [text("Sure, a close-up will look great!")]
        plan = director(server, stream=False).turn(project, "make shot 2 a close-up")
    assert plan.edits == [] and plan.reply.startswith("Sure, a close-up will look great!\n")
    assert plan.reply.endswith('You asked: "make shot 2 a close-up". The model called no tool; nothing was changed.')


@pytest.mark.slow
def test_new_says_in_one_line_what_a_model_plan_was_completed_with(tmp_path: Path) -> None:
    film = tmp_path / "film"
    with StrictServer() as server:
        server.queue += [tool_call("create_story", model_plan("Mara climbs the stairs.", "Tomas rows.")), text("")]
        made = storyreel(server, "new", film, "--brief", BRIEF)
    assert made.returncode == 0, made.stderr
    warned = [line for line in made.stderr.splitlines() if line.startswith("warning:")]
    assert len(warned) == 1 and "left out" in warned[0] and "Mara (in shot 1)" in warned[0], made.stderr
    saved = json.loads((film / "story.json").read_text())
    assert saved["bible"]["brief"] == BRIEF and len(saved["characters"]) >= 2


@pytest.mark.slow
def test_chat_goes_on_after_a_failed_turn_and_every_turn_prints_something(tmp_path: Path) -> None:
    film = tmp_path / "film"
    with StrictServer() as server:
        server.queue += [tool_call("create_story", PLAN)]
        assert storyreel(server, "new", film, "--brief", "A boy crosses the bay at night.").returncode == 0
        server.queue += [
            {"raw": {"id": "c", "object": "chat.completion", "choices": []}},  # a 200 with no answer in it,
            {"raw": {"id": "c", "object": "chat.completion", "choices": []}},  # and again when its tool is named
            {"status": 500, "message": "the model crashed"},
            tool_call("update_shot", {"shot": 2, "size": "CU"}),
            text("Shot 2 is a close-up."),
        ]
        env = {"STORYREEL_STREAM": "off"}
        said = storyreel(
            server, "chat", film, stdin="make shot 1 wide\nmake shot 1 wide\nmake shot 2 a close-up\n", **env
        )
    assert said.returncode == 0, said.stdout + said.stderr
    assert "The model gave no answer; nothing was changed." in said.stdout + said.stderr
    assert "the model crashed" in said.stdout + said.stderr
    assert "Shot 2 is a close-up." in said.stdout
    assert json.loads((film / "story.json").read_text())["shots"][1]["size"] == "CU"


class Overstated(StrictServer):
    """A server that states a larger context than it holds (or one STORYREEL_CONTEXT overstates)."""

    def get(self, path: str) -> dict[str, Any] | None:
        return {"default_generation_settings": {"n_ctx": 32768}} if path.rstrip("/").endswith("/props") else None


def test_a_prompt_the_server_cannot_hold_says_how_to_raise_the_context() -> None:
    project = planned()
    with Overstated(context=900) as server:
        server.queue += [tool_call("update_shot", {"shot": 2, "size": "CU"})]
        plan = director(server).turn(project, "make shot 2 a close-up", toolbox=Toolbox(project))
    assert server.refusals and "but the context is 900" in server.refusals[0]
    assert plan.edits == [] and plan.unanswered
    assert "did not fit the model's context" in plan.reply and "STORYREEL_CONTEXT" in plan.reply, plan.reply
    assert "--n_ctx" in plan.reply and "nothing was changed" in plan.reply


def test_a_revision_answered_in_vanished_words_is_asked_again_naming_its_tool() -> None:
    """llama-cpp-python gives a model's words back empty under automatic tool choice: the turn names
    the tool its words call for, once, and the change reaches the model as a tool call."""
    project = planned()
    with StrictServer(words_vanish=True) as server:
        server.queue += [
            text("I would make it a close-up."),  # eaten by the empty stream
            text("I would make it a close-up."),  # comes back empty
            tool_call("update_shot", {"shot": 2, "size": "CU"}),
        ]
        plan = director(server).turn(project, "make shot 2 a close-up", toolbox=Toolbox(project))
    assert [r.get("tool_choice") for r in server.requests] == [
        "auto",
        "auto",
        {"type": "function", "function": {"name": "update_shot"}},
    ]
    assert apply(project, plan.edits).shots[1].size == ShotSize.CU and not plan.unanswered


@pytest.mark.parametrize(
    ("message", "tool"),
    [
        ("make shot 2 a close-up", "update_shot"),
        ("undo that", "undo"),
        ("Ivo wears a yellow hat", "update_character"),
        ("add a shot of gulls after shot 1", "add_shot"),
        ("get rid of the last shot", "remove_shot"),
    ],
)
def test_the_named_retry_picks_the_tool_the_words_call_for(message: str, tool: str) -> None:
    from agent.directors import likely_tool, offered_tools, revise_tools

    project = planned()
    offered = offered_tools(Toolbox(project).specs(), revise_tools(project, message))
    assert likely_tool(project, message, offered) == tool


def test_a_change_the_model_made_without_words_is_listed_once(tmp_path: Path) -> None:
    film = tmp_path / "film"
    with StrictServer() as server:
        server.queue += [tool_call("create_story", PLAN)]
        assert storyreel(server, "new", film, "--brief", "A boy crosses the bay at night.").returncode == 0
        server.queue += [
            tool_call("update_shot", {"shot": 2, "size": "CU"}),  # eaten by the empty stream
            tool_call("update_shot", {"shot": 2, "size": "CU"}),
            text(""),
        ]
        said = storyreel(server, "say", film, "make shot 2 a close-up")
    assert said.returncode == 0, said.stdout + said.stderr
    lines = [line for line in said.stdout.splitlines() if not line.startswith("Playing as it renders")]
    assert lines[0] == "Done.", said.stdout
    assert said.stdout.count("shot 2: size MS -> CU") == 1, said.stdout


def test_a_question_the_model_answers_with_nothing_is_answered_from_the_story() -> None:
    project = planned()
    with StrictServer(words_vanish=True) as server:
        server.queue += [text("Ivo is there."), text("Ivo is there."), text("Ivo is there.")]
        plan = director(server).turn(project, "who is in shot 2?", toolbox=Toolbox(project))
    assert plan.edits == [] and not plan.unanswered
    assert plan.reply.startswith("Shot 2: Ivo.") and "The model gave no answer" in plan.reply, plan.reply
