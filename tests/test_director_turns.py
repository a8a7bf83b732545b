"""Director turns in-process: retries, corrections, errors, several turns, a restart, all on a real server."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import small_project
from langgraph.checkpoint.sqlite import SqliteSaver
from listening import click_track, tone, write_wav
from llm_server import ChatServer, error, text, tool_call

from agent.commands import ImportMusic, RecordLine
from agent.directors import ModelDirector
from agent.graph import THREAD, TurnContext, build_graph
from agent.llm import ModelSettings
from agent.production import Production
from agent.state import TurnPlan
from agent.tools import MAX_CALLS, MAX_STORY_SHOTS, Toolbox, ToolError, tool_specs
from story import Project, ProjectFolder, Shot, apply

BRIEF = (Path(__file__).resolve().parent.parent / "agent" / "examples" / "keeper.txt").read_text()


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("turns") / "film"
    Production.new(root, BRIEF)[0].close()
    assert len(Production.open(root).project.shots) >= 3
    return root


@pytest.fixture
def film(planned: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(planned, tmp_path / "film"))


def turn(root: Path, server: ChatServer, message: str, *, retries: int = 0, timeout: float = 10) -> object:
    production = Production.open(root)
    settings = ModelSettings(base_url=server.url, api_key="x", model="m", timeout_s=timeout, max_retries=retries)
    parts = TurnContext(production=production, director=ModelDirector(settings))
    with SqliteSaver.from_conn_string(str(root / "agent.sqlite")) as saver:
        out = build_graph(saver).invoke({"message": message}, THREAD, context=parts)
    production.close()
    return out["result"]


def sizes(root: Path) -> list[str]:
    return [shot.size for shot in Production.open(root).project.shots]


@pytest.mark.slow
def test_malformed_call_is_corrected_on_retry(film: Path) -> None:
    before = sizes(film)
    with ChatServer() as server:
        server.queue += [
            tool_call("update_shot", '{"shot": 1, "size": "GIANT"}'),
            tool_call("update_shot", '{"shot": 1, "size": "ECU"}'),
            text("Shot 1 is an extreme close-up."),
        ]
        turn(film, server, "much tighter on shot 1")
    assert sizes(film) == ["ECU", *before[1:]]
    feedback = server.requests[1]["messages"][-1]
    assert feedback["role"] == "tool" and feedback["content"].startswith("error: invalid arguments for update_shot")


@pytest.mark.slow
def test_three_turn_revision_and_a_restart_between_turns(film: Path) -> None:
    with ChatServer() as server:
        server.queue += [tool_call("update_shot", {"shot": 1, "size": "CU"}), text("ok")]
        turn(film, server, "shot 1 closer")
        server.queue += [tool_call("move_shot", {"shot": 1, "position": 2}), text("ok")]
        turn(film, server, "swap the first two")  # a fresh Production and graph: a restart
        first_id = Production.open(film).project.shots[1].id
        server.queue += [tool_call("update_shot", {"shot": first_id, "angle": "low"}), text("ok")]
        turn(film, server, "shoot it from below")
    shots = Production.open(film).project.shots
    assert shots[1].size == "CU" and shots[1].id == first_id and shots[1].angle == "low"
    assert all(request["tools"] for request in server.requests)


@pytest.mark.slow
def test_429_and_500_are_retried_by_the_client(film: Path) -> None:
    with ChatServer() as server:
        server.queue += [error(429), error(500), tool_call("update_shot", {"shot": 2, "size": "WS"}), text("ok")]
        turn(film, server, "wider on 2", retries=2)
    assert sizes(film)[1] == "WS"
    assert len(server.requests) == 4


@pytest.mark.slow
def test_errors_past_the_retries_and_slow_replies_change_nothing(film: Path) -> None:
    before = sizes(film)
    with ChatServer() as server:
        server.queue += [error(500), error(500)]
        result = turn(film, server, "wider on 2", retries=1)
        assert "nothing was changed" in result.reply  # type: ignore[attr-defined]
        server.queue += [{"delay": 1.5, **tool_call("update_shot", {"shot": 2, "size": "WS"})}]
        result = turn(film, server, "wider on 2", timeout=0.5)
        assert "nothing was changed" in result.reply  # type: ignore[attr-defined]
    assert sizes(film) == before


# Strict arguments, all or nothing -------------------------------------------------------------


def direct(project: Project, server: ChatServer, *, stream: bool = False) -> TurnPlan:
    """One turn of the model director's tool loop against `server`, no graph and nothing saved."""
    settings = ModelSettings(base_url=server.url, api_key="x", model="m", max_retries=0, stream=stream)
    return ModelDirector(settings).turn(project, "fix it", route_as="revise", toolbox=Toolbox(project))


def raw_call(name: str, arguments: object, n: int = 0) -> dict[str, object]:
    """A tool call exactly as a server might send it, arguments not necessarily a string."""
    return {"id": f"call_{n}", "type": "function", "function": {"name": name, "arguments": arguments}}


@pytest.mark.parametrize(
    ("name", "arguments", "where"),
    [
        ("update_shot", {"shot": True, "size": "CU"}, "shot"),
        ("update_shot", {"shot": "²", "size": "CU"}, "shot"),
        ("update_shot", {"shot": "1" * 5000, "size": "CU"}, "shot"),
        ("update_shot", {"shot": 1.0, "size": "CU"}, "shot"),
        ("update_shot", {"shot": 1, "lens_mm": "50"}, "lens_mm"),
        ("update_shot", {"shot": 1, "duration_frames": 1e400}, "duration_frames"),
        ("set_style", {"title_card": "yes"}, "title_card"),
        ("set_style", {"title_card_frames": 10**6}, "title_card_frames"),
        ("move_shot", {"shot": 1, "position": True}, "position"),
        ("request_takes", {"shot": 1, "count": "2"}, "count"),
        ("update_character", {"character": "mara", "traits": {"coat": "x" * 500}}, "traits.coat"),
        ("recall", {"query": "who", "kinds": ["character"] * 7}, "kinds"),
        ("set_music", {"path": "media/music/a.wav", "cut_to_beats": "yes"}, "cut_to_beats"),
        ("set_music", {"path": "media/music/a.wav", "gain_db": 60}, "gain_db"),
        ("record_line", {"shot": 3, "line": True}, "line"),
        ("record_line", {"shot": True, "line": 1}, "shot"),
        ("set_budget", {"dollars": "20"}, "dollars"),
        ("choose_renderer", {"backend": "animatic", "every_shot": 1}, "every_shot"),
        ("choose_renderer", {"backend": "diffusers", "options": {"model": "/etc"}}, "options"),
    ],
)
def test_loose_values_are_refused_not_coerced(name: str, arguments: dict[str, object], where: str) -> None:
    box = Toolbox(small_project())
    with pytest.raises(ToolError, match=f"invalid arguments for {name}: {re.escape(where)}"):
        box.call(name, json.dumps(arguments))
    assert box.edits == [] and box.project == small_project()


@pytest.mark.parametrize(
    ("name", "arguments"),
    [
        ("update_shot", {"shot": 1, "backend": "../../etc/passwd"}),
        ("add_shot", {"action": "a gull", "backend": "../../etc/passwd"}),
        ("render", {"shots": [1], "backend": "../../etc/passwd"}),
        ("create_story", {"bible": {"title": "T"}, "shots": [{"action": "a gull", "backend": "../../etc/passwd"}]}),
        ("choose_renderer", {"backend": "../../etc/passwd"}),
        ("choose_renderer", {"backend": "../../etc/passwd", "shot": 2}),
    ],
)
def test_an_unknown_renderer_is_refused_wherever_a_field_names_one(name: str, arguments: dict[str, object]) -> None:
    box = Toolbox(small_project())
    with pytest.raises(ToolError, match=r"unknown renderer '\.\./\.\./etc/passwd'; known: .*animatic"):
        box.call(name, json.dumps(arguments))
    assert box.edits == []
    box.call(name, json.dumps(arguments).replace("../../etc/passwd", "animatic"))  # a registered one is fine


def test_arguments_that_are_not_a_string_go_back_to_the_model() -> None:
    project = small_project()
    with ChatServer() as server:
        server.queue += [
            {"tool_calls": [raw_call("update_shot", {"shot": 1, "size": "CU"}), raw_call("remove_shot", 3, 1)]},
            {"tool_calls": [raw_call("update_shot", [1, "CU"]), raw_call({"not": "a name"}, "{}", 1)]},
            {"tool_calls": [raw_call("update_shot", '{"shot": 1, "size": "CU"}')]},
            text("Shot 1 is a close-up."),
        ]
        plan = direct(project, server)
    answers = [[m["content"] for m in r["messages"] if m["role"] == "tool"][-2:] for r in server.requests[1:3]]
    assert answers[0] == [
        "error: `arguments` of update_shot must be a string holding a JSON object, but is a JSON object",
        "error: `arguments` of remove_shot must be a string holding a JSON object, but is a number",
    ]
    assert answers[1][0].endswith("but is a JSON array") and answers[1][1].startswith('error: unknown tool {"not"')
    assert [e.op for e in plan.edits] == ["update_shot"] and plan.reply == "Shot 1 is a close-up."


def test_a_reply_with_one_bad_call_keeps_none_of_them() -> None:
    project = small_project()
    good, bad = {"shot": 2, "size": "CU"}, {"shot": 99, "size": "WS"}
    with ChatServer() as server:
        server.queue += [
            {"tool_calls": [raw_call("update_shot", json.dumps(good)), raw_call("update_shot", json.dumps(bad), 1)]},
            text("Shot 2 is a close-up."),  # the model gives up: the good call must not be saved alone
        ]
        plan = direct(project, server)
    assert plan.edits == [] and plan.action == "none"
    assert "nothing was changed" in plan.reply and "between 1 and 5 but is 99" in plan.reply
    answers = [m["content"] for m in server.requests[1]["messages"] if m["role"] == "tool"]
    assert answers[0].startswith("not applied: another call in this reply was invalid")
    assert answers[1].startswith("error: `shot` must be between 1 and 5")


def test_a_refused_reply_sent_again_whole_and_corrected_applies_every_call() -> None:
    project = small_project()
    good, bad, fixed = {"shot": 2, "size": "CU"}, {"shot": 99, "size": "WS"}, {"shot": 5, "size": "WS"}
    with ChatServer() as server:
        server.queue += [
            {"tool_calls": [raw_call("update_shot", json.dumps(good)), raw_call("update_shot", json.dumps(bad), 1)]},
            {"tool_calls": [raw_call("update_shot", json.dumps(good)), raw_call("update_shot", json.dumps(fixed), 1)]},
            text("Done: 2 is close, 5 is wide."),
        ]
        plan = direct(project, server, stream=True)
    after = apply(project, plan.edits)
    assert [s.size for s in after.shots] == ["EWS", "CU", "MCU", "MS", "WS"]
    assert len(plan.edits) == 2  # the first attempt left nothing behind


def test_a_reply_past_the_calls_a_turn_takes_is_refused_whole() -> None:
    project = small_project()
    many = [raw_call("add_shot", json.dumps({"action": f"gull {n}"}), n) for n in range(600)]
    with ChatServer() as server:
        server.queue += [{"tool_calls": many}, text("Added 600 shots.")]
        plan = direct(project, server)
    assert plan.edits == [] and "nothing was changed" in plan.reply
    answers = [m["content"] for m in server.requests[1]["messages"] if m["role"] == "tool"]
    assert len(answers) == 600 and all(f"at most {MAX_CALLS}" in a for a in answers)


def test_the_director_grows_a_project_to_at_most_200_shots() -> None:
    box = Toolbox(small_project())
    box.run_reply([("add_shot", json.dumps({"action": f"gull {n}"})) for n in range(MAX_CALLS)])
    shots = [Shot(id=f"s{n}", action="a gull") for n in range(1, MAX_STORY_SHOTS + 1)]
    full = Toolbox(small_project(shots=shots, next_shot=MAX_STORY_SHOTS + 1))
    with pytest.raises(ToolError, match=f"at most {MAX_STORY_SHOTS} shots"):
        full.call("add_shot", '{"action": "one more"}')
    full.call("remove_shot", '{"shot": 1}')  # a full project can still change
    assert len(box.project.shots) == 5 + MAX_CALLS and len(full.project.shots) == MAX_STORY_SHOTS - 1


def test_every_string_number_list_and_map_the_model_is_offered_is_bounded() -> None:
    loose: list[str] = []

    def walk(schema: dict[str, object], defs: dict[str, dict], path: str, seen: tuple[str, ...] = ()) -> None:
        if "$ref" in schema:
            name = str(schema["$ref"]).rsplit("/", 1)[-1]
            if name not in seen:
                walk(defs[name], defs, path, (*seen, name))
            return
        for branch in schema.get("anyOf", []) + schema.get("oneOf", []):  # type: ignore[operator]
            walk(branch, defs, path, seen)
        kind = schema.get("type")
        if kind == "string" and not {"maxLength", "pattern", "enum", "const"} & set(schema):
            loose.append(f"{path}: string")
        if kind in ("integer", "number") and "enum" not in schema and not {"minimum", "maximum"} <= set(schema):
            loose.append(f"{path}: {kind}")
        if kind == "array":
            if "maxItems" not in schema:
                loose.append(f"{path}: array")
            walk(schema.get("items", {}), defs, f"{path}[]", seen)  # type: ignore[arg-type]
        if kind == "object" and path.count(".metadata") == 0:
            for key, sub in schema.get("properties", {}).items():  # type: ignore[attr-defined]
                walk(sub, defs, f"{path}.{key}", seen)
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict):
                if "maxProperties" not in schema:
                    loose.append(f"{path}: map")
                walk(extra, defs, f"{path}.*", seen)

    for spec in tool_specs():
        function = spec["function"]
        walk(function["parameters"], function["parameters"].get("$defs", {}), function["name"])
    assert loose == []


def test_a_null_the_schema_allows_leaves_a_field_as_it_is_or_clears_one_that_may_be_empty() -> None:
    box = Toolbox(small_project())
    box.call("update_shot", '{"shot": 2, "action": null, "scene": null, "size": "CU", "location": null}')
    box.call("update_character", '{"character": "mara", "name": null, "description": "in blue"}')
    shot, mara = box.project.shots[1], box.project.characters[0]
    assert (shot.action, shot.scene, shot.size, shot.location) == ("Mara walks along the quay.", 1, "CU", None)
    assert (mara.name, mara.description) == ("Mara", "in blue")
    with pytest.raises(ToolError, match="at least one field"):
        box.call("update_shot", '{"shot": 2, "action": null}')


def test_a_path_from_the_model_stays_inside_the_project_folder(tmp_path: Path) -> None:
    root = tmp_path / "film"
    folder = ProjectFolder.create(root, small_project())
    (root / "media/music").mkdir(parents=True)
    song = write_wav(tmp_path / "song.wav", click_track(120, 2.0)[0])  # beside the project, not in it
    (root / "media/music/link.wav").symlink_to(song)
    before = sorted(p for p in tmp_path.rglob("*"))
    box = Toolbox(folder.load(), folder=folder)
    for path in (str(song), "../song.wav", "media/music/../../../song.wav", "media/music/link.wav", "nothing.wav"):
        for name, arguments in (("set_music", {"path": path}), ("record_line", {"shot": 3, "line": 1, "path": path})):
            with pytest.raises(ToolError, match=r"^`path` .*(not inside|no such file|relative)"):
                box.call(name, json.dumps(arguments))
    with pytest.raises(ToolError, match="no project folder"):
        Toolbox(small_project()).call("set_music", json.dumps({"path": "media/music/link.wav"}))
    assert box.edits == [] and sorted(p for p in tmp_path.rglob("*")) == before  # nothing written, anywhere

    inside = write_wav(root / "media/music/gulls.wav", click_track(120, 2.0)[0])
    voice = write_wav(root / "media/voice.wav", tone(220, 0.5))
    music = box.call("set_music", '{"path": "media/music/gulls.wav"}')
    line = box.call("record_line", '{"shot": "s3", "line": 1, "path": "./media/voice.wav"}')
    assert music.built == [ImportMusic(path=str(inside.resolve()))]  # the command the person's door builds
    assert line.built == [RecordLine(shot=3, line=1, path=str(voice.resolve()))]
    project = box.project
    assert project.music is not None and (root / project.music.path).is_file()
    recorded = project.shots[2].dialogue[0].recording
    assert recorded is not None and recorded.startswith("media/voice/") and (root / recorded).is_file()
    assert folder.load() == small_project().model_copy(update={"revision": 1})  # nothing committed yet


@pytest.mark.slow
def test_the_model_lays_music_from_the_project_folder_under_the_reel(film: Path) -> None:
    (film / "media/music").mkdir(parents=True, exist_ok=True)
    write_wav(film / "media/music/gulls.wav", click_track(120, 4.0)[0])
    with ChatServer() as server:
        server.queue += [
            tool_call("set_music", {"path": "media/music/gulls.wav", "gain_db": -12.0}),
            tool_call("set_budget", {"dollars": 5.0}),
            text("The gulls are under the reel, and renders stop at $5."),
        ]
        result = turn(film, server, "put media/music/gulls.wav under it and spend at most $5")
    project = Production.open(film).project
    assert not result.refused and project.music is not None and project.music.gain_db == -12.0  # type: ignore[attr-defined]
    assert project.music.source == "gulls.wav" and project.budget == 5.0
    assert [r.message for r in ProjectFolder.open(film).revisions()][-1].startswith("put media/music")
