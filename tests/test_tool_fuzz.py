"""More than a thousand tool calls drawn from the tools' own JSON schemas, then mutated, through the
model director's tool loop and a real project folder.

What runs: `ModelDirector.turn` (the graph's `direct` node) against the local chat-completions
server of tests/llm_server.py through the real openai SDK, streaming and not, with the Toolbox
the graph gives it over the project as loaded from its folder; the turn's plan is then committed
to the folder as the graph's `apply` node does (`ProjectFolder.commit`, `undo`, `redo`), without
rendering, which would take minutes and is not what is under test. The expected outcome of each
turn is worked out call by call with `Toolbox.call` on a fresh copy (the rule in docs/director.md:
a reply holds whole or not at all; a turn saves nothing unless its last reply with changes held).

The property: no exception escapes the director (a bad call is a `ToolError` sent back to the
model), story.json is either byte for byte unchanged or a whole revision with every kept call in
it, and no file is written outside the project folder. Every project holds a music file, a
recording and a link that leads outside it, which the calls that take a path are pointed at, with
paths that leave the folder now and then.
"""

from __future__ import annotations

import functools
import json
import os
import string
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from conftest import small_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from listening import click_track, tone, write_wav
from llm_server import ChatServer, text

from agent.directors import MAX_ATTEMPTS, ModelDirector
from agent.llm import ModelSettings
from agent.state import TurnEvent, TurnPlan
from agent.tools import MAX_CALLS, TOOLS, Toolbox, ToolError, tool_specs
from story import Project, ProjectFolder
from story.continuity import check
from story.folder import NothingToUndo

pytestmark = pytest.mark.slow  # about half a minute on a quiet machine

SCHEMAS = {spec["function"]["name"]: spec["function"]["parameters"] for spec in tool_specs()}
WEIGHTED_NAMES = [  # the tools a revision mostly uses come up most
    *["update_shot"] * 6,
    *["add_shot"] * 3,
    *["remove_shot", "move_shot", "update_character", "set_style", "render", "request_takes", "choose_take"] * 2,
    *["set_music", "record_line", "choose_renderer"] * 2,
    "create_story",
    "add_character",
    "add_location",
    "set_bible",
    "remove_music",
    "cut_to_beats",
    "set_budget",
    "recall",
    "check_continuity",
    "undo",
    "redo",
    *["vary_shot", "vary_scene", "keep_variation", "surprise", "try_on_branch", "branch"],
    "renumber_shots",
]
CLEAN_NAMES = [  # these fail in a set, or without music, or with no versions on offer or no such branch
    name
    for name in WEIGHTED_NAMES
    if name not in ("undo", "redo", "choose_take", "cut_to_beats", "keep_variation", "branch")
]
SOLO = sorted(set(CLEAN_NAMES))  # the tools a project may open with, each as likely
MUSIC, RECORDING, ESCAPE = "media/music/gulls.wav", "media/voice/line.wav", "media/music/escape.wav"
PATHS = [MUSIC, RECORDING, ESCAPE, "../outside.wav", "/etc/passwd", "story.json", "media/music/../../../outside.wav"]
BAD_VALUES: list[Any] = [
    True,
    False,
    "yes",
    "²",
    "1" * 5000,
    "x" * 5000,
    1.5,
    -1,
    0,
    10**30,
    -(10**30),
    [],
    {},
    None,
    "",
    "../../etc/passwd",
    [1] * 300,
    "\x00\x1b[2J",
]
BAD_NAMES: list[Any] = ["", "rm -rf /", "update_shot ", "UPDATE_SHOT", None, 3, {"name": "update_shot"}, ["undo"]]
MUTATIONS = ["none"] * 4 + [
    "wrong_type",
    "out_of_range",
    "missing",
    "extra",
    "not_a_string",
    "garbage_json",
    "bad_name",
    "renderer",
]
CAST = ["mara", "tom"]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))  # enough for well over 1,000 calls drawn from the schemas


# Drawing calls --------------------------------------------------------------------------------


def aim(data: st.DataObject, name: str, args: dict[str, Any], shots: int, solo: bool = False) -> dict[str, Any]:
    """Point a schema-valid call at this project (a shot it has, a known character, a registered
    renderer), so that a good share of the turns can hold and be saved."""
    args = dict(args)
    position = st.integers(1, max(shots, 1))
    for key in ("characters", "positions", "location", "dialogue"):
        args.pop(key, None)
    if "shot" in args:
        args["shot"] = data.draw(position)
    if name == "move_shot" or (name == "add_shot" and args.get("position") is not None):
        args["position"] = data.draw(position)
    if name == "update_character":
        args["character"] = data.draw(st.sampled_from(CAST))
        args.pop("voice", None)
    given = [key for key, value in args.items() if value is not None and key not in ("shot", "character")]
    if not given:  # a change that changes something
        extra = {
            "update_shot": ("size", "CU"),
            "update_character": ("description", "in blue"),
            "set_style": ("look", ["ink"]),
        }
        if name in extra:
            args[extra[name][0]] = extra[name][1]
    if name == "render":
        args["shots"] = [data.draw(position)] if args.get("shots") else []
    if args.get("backend") is not None:
        args["backend"] = "animatic"
    if args.get("path") is not None or (solo and name in ("set_music", "record_line")):
        # a file in the project, mostly the right kind; now and then one outside
        right = MUSIC if name == "set_music" else RECORDING
        args["path"] = right if solo else data.draw(st.sampled_from([right, right, right, *PATHS]))
    if name == "record_line":  # the one line of small_project, in shot 3 until the shots move
        args["shot"], args["line"] = min(3, shots), 1
    if name == "create_story":
        args["characters"], args["locations"] = [], []
        args["shots"] = [
            {k: v for k, v in shot.items() if k not in ("characters", "positions", "location", "dialogue")}
            | ({"backend": "animatic"} if shot.get("backend") is not None else {})
            for shot in args["shots"]
        ]
    return args


def mutate(data: st.DataObject, name: Any, args: dict[str, Any], how: str) -> tuple[Any, Any]:
    """The call as the server sends it: (name, arguments), broken in the way `how` says."""
    args = dict(args)
    keys = sorted(args)
    if how == "wrong_type":
        args[data.draw(st.sampled_from([*keys, "shot"]))] = data.draw(st.sampled_from(BAD_VALUES))
    elif how == "out_of_range":
        key = data.draw(st.sampled_from([*keys, "shot"]))
        value = args.get(key, 1)
        big: Any = 10**12 if isinstance(value, int) else "x" * 100_000 if isinstance(value, str) else [value] * 600
        args[key] = data.draw(st.sampled_from([big, -(10**12), 10**400 if isinstance(value, int) else big]))
    elif how == "missing" and keys:
        args.pop(data.draw(st.sampled_from(keys)))
    elif how == "extra":
        args[data.draw(st.sampled_from(["unexpected", "metadata", "id", "takes", "__class__"]))] = 1
    elif how == "not_a_string":
        return name, data.draw(st.sampled_from([args, list(args.values()), 42, 3.5, True, [args]]))
    elif how == "garbage_json":
        encoded = json.dumps(args)
        garbage = [
            encoded[: data.draw(st.integers(0, max(len(encoded) - 1, 0)))],
            "{not json",
            "[" * 5000,
            '{"shot": NaN, "size": Infinity}',
            encoded.replace('"', "'"),
            '{"shot": 1, "shot": "s2", "size": "CU"}',
            "null",
            "\x00\xff",
            data.draw(st.text(string.printable, max_size=40)),
        ]
        return name, data.draw(st.sampled_from(garbage))
    elif how == "bad_name":
        name = data.draw(st.sampled_from(BAD_NAMES))
    elif how == "renderer":
        args[data.draw(st.sampled_from(["backend", "shot", "path"]))] = "../../etc/passwd"
    return name, json.dumps(args)


@functools.cache
def arguments_of(name: str) -> st.SearchStrategy[dict[str, Any]]:
    """Arguments that fit the schema the model is sent for `name` (built once: building is slow)."""
    return from_schema(SCHEMAS[name])


def draw_reply(data: st.DataObject, shots: int, solo: str | None = None) -> list[tuple[Any, Any]]:
    """One reply's calls, drawn from the schemas and mutated; now and then a reply of more calls than a
    turn takes (the same valid `add_shot` many times), which is counted apart. `solo` asks for one
    aimed call of that tool alone, each tool's sure way to hold."""
    if solo is None and data.draw(st.integers(0, 39)) == 17:  # not 0: Hypothesis draws the ends of a range often
        many = data.draw(st.sampled_from([MAX_CALLS, MAX_CALLS + 1, 3 * MAX_CALLS]))
        return [("add_shot", json.dumps({"action": f"gull {n}"})) for n in range(many)]
    if solo is not None or data.draw(st.integers(0, 5), label="solo") == 3:
        name = solo or data.draw(st.sampled_from(CLEAN_NAMES))
        return [(name, json.dumps(aim(data, name, data.draw(arguments_of(name), label=name), shots, solo=True)))]
    calls = []
    clean = data.draw(st.integers(0, 2), label="clean") > 0  # most replies aim to hold whole
    for _ in range(data.draw(st.integers(1, 4))):
        name = data.draw(st.sampled_from(CLEAN_NAMES if clean else WEIGHTED_NAMES))
        drawn = data.draw(arguments_of(name), label=name)
        for _ in range(data.draw(st.integers(1, 3))):  # a drawing is slow: each serves a few calls
            if clean:
                calls.append((name, json.dumps(aim(data, name, drawn, shots))))
                continue
            args = aim(data, name, drawn, shots) if data.draw(st.integers(0, 2)) > 0 else drawn
            calls.append(mutate(data, name, args, data.draw(st.sampled_from(MUTATIONS))))
    return calls


# What a turn must leave -----------------------------------------------------------------------


def expected(project: Project, replies: list[list[tuple[Any, Any]]], folder: ProjectFolder) -> tuple[Project, str]:
    """The project and action a turn of these replies must end with, worked out one call at a time."""
    box = Toolbox(project, check=check, folder=folder)
    kept, failures, refused = 0, 0, False
    for reply in replies:
        saved = (box.project, box.edits, box.action)
        held, changes = kept + len(reply) <= MAX_CALLS, False
        for name, arguments in reply if held else []:
            try:
                changes = box.call(name, arguments).action is not None or changes
            except ToolError:
                held = False
        if held:
            kept, refused = kept + len(reply), refused and not changes
            continue
        box.project, box.edits, box.action = saved
        refused, failures = True, failures + 1
        if failures >= MAX_ATTEMPTS:
            break
    if refused:
        return project, "none"
    return box.project, box.action or "none"


def commit_like_the_graph(folder: ProjectFolder, plan: TurnPlan, counts: Counter[str]) -> None:
    """What the graph's apply node does with a plan, less the rendering."""
    try:
        if plan.action == "undo":
            folder.undo()
        elif plan.action == "redo":
            folder.redo()
        elif plan.edits:
            folder.commit(plan.edits, message="fuzz")
    except NothingToUndo:
        counts["nothing to undo or redo (typed error)"] += 1


def files_under(root: Path, *, leave_out: Path | None = None) -> dict[str, int]:
    return {
        str(path): path.stat().st_size
        for path in root.rglob("*")
        if path.is_file() and (leave_out is None or leave_out not in path.parents)
    }


# The property ---------------------------------------------------------------------------------


def test_fuzzed_tool_calls_change_a_project_whole_or_not_at_all(tmp_path: Path) -> None:
    films = tmp_path / "films"
    films.mkdir()
    outside = write_wav(tmp_path / "outside.wav", tone(440, 1.5))  # a sound a path might reach out to
    around = tmp_path.parent  # this test's folder and its home sit here
    outside_before = files_under(around, leave_out=films)
    start = small_project()
    counts: Counter[str] = Counter()
    applied: Counter[str] = Counter()  # calls drawn from the schemas and saved, by tool
    called: Counter[str] = Counter()  # calls drawn from the schemas, by tool
    errors: dict[str, Counter[str]] = defaultdict(Counter)  # why drawn calls were refused, by tool

    with ChatServer() as server:
        directors = {
            stream: ModelDirector(
                ModelSettings(base_url=server.url, api_key="x", model="m", max_retries=0, stream=stream)
            )
            for stream in (False, True)
        }

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(data=st.data())
        def turns(data: st.DataObject) -> None:
            root = films / f"film{counts['projects']}"
            counts["projects"] += 1
            ProjectFolder.create(root, start, message="start")
            for place in ("media/music", "media/voice"):
                (root / place).mkdir(parents=True)
            write_wav(root / MUSIC, click_track(100, 24.0, first=0.3)[0])  # beats off the shots' boundaries
            write_wav(root / RECORDING, tone(220, 0.5))
            (root / ESCAPE).symlink_to(outside)  # inside by its name, outside by where it leads
            allowed = {p.relative_to(root).parts[0] for p in root.rglob("*")} | {"history", "story.json"}
            for turn in range(data.draw(st.integers(1, 4), label="turns")):
                folder = ProjectFolder.open(root)
                before, before_bytes = folder.load(), folder.story_path.read_bytes()
                replies = [draw_reply(data, len(before.shots)) for _ in range(data.draw(st.integers(1, 3)))]
                if turn == 0:  # each project opens with one tool's aimed call alone
                    replies[0] = draw_reply(data, len(before.shots), solo=data.draw(st.sampled_from(SOLO)))
                strings = all(isinstance(n, str) and isinstance(a, str) for reply in replies for n, a in reply)
                stream = strings and data.draw(st.booleans(), label="stream")
                server.queue[:] = [
                    {"tool_calls": [_call(n, name, arguments) for n, (name, arguments) in enumerate(reply)]}
                    for reply in replies
                ] + [text("ok")]
                events: list[TurnEvent] = []
                box = Toolbox(before, check=check, folder=folder)
                plan = directors[stream].turn(before, "fuzz", route_as="revise", toolbox=box, emit=events.append)
                commit_like_the_graph(folder, plan, counts)

                project, action = expected(before, replies, folder)
                after, after_bytes = folder.load(), folder.story_path.read_bytes()
                assert plan.action == action, (plan.reply, replies)
                if action in ("undo", "redo"):
                    assert plan.edits == [] and json.loads(after_bytes) in [r.project for r in folder.revisions()]
                elif project != before:
                    assert after == project.model_copy(update={"revision": after.revision}), plan.reply
                    assert after.revision > before.revision
                else:
                    assert after_bytes == before_bytes, plan.reply
                assert {p.relative_to(root).parts[0] for p in root.rglob("*")} <= allowed

                saved = action != "none" and (action in ("undo", "redo") or project != before)
                answered = [e for e in events if e.kind == "tool"]  # in the order the calls were sent
                drawn = [len(reply) < MAX_CALLS for reply in replies for _ in reply]
                for kind, event in zip(drawn, answered, strict=False):
                    what = "drawn" if kind else "bulk"
                    called[str(event.data["name"])] += kind
                    if not event.data["ok"]:
                        why = "with an error" if " -> error: " in event.text else "with the rest of its reply"
                        errors[str(event.data["name"])][event.text.partition(" -> ")[2][:120]] += kind
                        counts[f"{what} rejected"] += 1
                        counts[f"{what} rejected {why}"] += 1
                    else:
                        counts[f"{what} {'applied' if saved else 'discarded'}"] += 1
                        if saved and kind:
                            applied[event.data["name"]] += 1
                counts["turns"] += 1
                counts["drawn calls"] += sum(drawn)
                counts["bulk calls"] += len(drawn) - sum(drawn)
                counts["calls answered"] += len(answered)
                counts["turns saved"] += saved
                counts["turns streamed"] += stream
            server.queue.clear()

        turns()

    outside_after = files_under(around, leave_out=films)
    calls = counts["drawn calls"] + counts["bulk calls"]
    c = counts
    print(
        f"\nfuzz: {calls} tool calls in {c['turns']} turns on {c['projects']} projects, "
        f"{c['turns streamed']} turns streamed, {c['turns saved']} saved; "
        f"{c['drawn calls']} calls drawn from the schemas and mutated: {c['drawn rejected']} rejected "
        f"({c['drawn rejected with an error']} with an error, {c['drawn rejected with the rest of its reply']} "
        f"with the rest of their reply), {c['drawn applied']} applied, {c['drawn discarded']} held but not "
        f"saved (read-only, or a later reply failed); {c['bulk calls']} calls in replies of {MAX_CALLS}, "
        f"{MAX_CALLS + 1} or {3 * MAX_CALLS} add_shot calls: {c['bulk rejected']} rejected, {c['bulk applied']} "
        f"applied; 0 tracebacks; {len(set(outside_after) - set(outside_before))} files written outside the projects"
    )
    print("saved of drawn, by tool: " + ", ".join(f"{name} {applied[name]}/{called[name]}" for name in TOOLS))
    assert counts["drawn calls"] >= 1_000 and counts["calls answered"] >= calls // 2
    assert [name for name in TOOLS if name not in WEIGHTED_NAMES] == []  # every tool is fuzzed
    for name in ("set_music", "record_line", "choose_renderer"):  # tools that take a file or a renderer
        assert applied[name], f"no {name} call held: {errors[name].most_common(3)}"
    assert counts["drawn rejected"] > 0 and counts["drawn applied"] > 0 and counts["bulk rejected"] > 0
    assert outside_after == outside_before  # nothing written (or changed in size) outside the projects


def _call(n: int, name: Any, arguments: Any) -> dict[str, Any]:
    return {"id": f"call_{n}", "type": "function", "function": {"name": name, "arguments": arguments}}
