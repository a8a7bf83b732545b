"""Text from a model or a file is data: shown as written, never as markup, escape codes or HTML."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import small_project
from llm_server import ChatServer, text, tool_call
from rich.console import Console

from story import ProjectFolder
from ui.text import html_text, plain, print_plain

REPO = Path(__file__).resolve().parent.parent
TITLE = "\x1b]0;pwned\x07"  # sets the terminal window's title
CLEAR = "\x1b[2J"  # clears the screen
HOSTILE = f"Done [/] [bold]loud[/bold] [link=file:///etc/passwd]x[/link] {TITLE}{CLEAR}\x9b31m\x00 <b>ok</b>"


def test_plain_removes_escape_sequences_and_controls_and_keeps_the_words() -> None:
    assert plain(f"a{TITLE}b{CLEAR}c\x1b[31mred\x1b[0m") == "abcred"
    assert plain("bell\x07 nul\x00 c1\x85\x9b del\x7f") == "bell nul c1 del"
    assert plain("an OSC with no end \x1b]8;;http://x\nstays on its line") == "an OSC with no end \nstays on its line"
    assert plain("tab\tnewline\nwindows\r\nend") == "tab\tnewline\nwindows\nend"
    assert plain("[/] [bold]x[/bold] é ² 日本 🎬") == "[/] [bold]x[/bold] é ² 日本 🎬"
    assert plain(None) == "None" and plain(3) == "3"


def test_print_plain_shows_markup_as_written_and_no_escape_from_the_text() -> None:
    console = Console(file=io.StringIO(), force_terminal=True, color_system="truecolor", width=200)
    print_plain(console, ("error", "red"), ": ", HOSTILE)
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert "[/] [bold]loud[/bold] [link=file:///etc/passwd]x[/link]" in shown
    assert "\x1b]" not in shown and CLEAR not in shown and "\x9b" not in shown and "\x00" not in shown
    assert shown.startswith("\x1b[31merror\x1b[0m: ")  # our own label keeps its colour


def test_html_text_escapes_what_a_browser_would_run() -> None:
    assert html_text('<img src=x onerror="alert(1)"> & <script>') == (
        '&lt;img src=x onerror="alert(1)"&gt; &amp; &lt;script&gt;'
    )
    assert html_text(f"a{TITLE}b") == "ab"


def test_the_studio_chat_escapes_the_model_s_words_and_the_turn_s_result() -> None:
    from agent.production import TurnResult
    from ui.studio.handlers import Studio, reply_text
    from ui.studio.turns import StudioEvent

    result = TurnResult(reply="<img src=x onerror=alert(1)> [/]", changes=["shot 1: action -> <script>x</script>"])
    shown = reply_text(result)
    assert "<img" not in shown and "<script>" not in shown
    assert "&lt;img src=x onerror=alert(1)&gt; [/]" in shown and "&lt;script&gt;x&lt;/script&gt;" in shown

    pieces = ["<img src=x ", "onerror=alert(1)> [/]"]
    events = [*(StudioEvent("text", piece) for piece in pieces), StudioEvent("done", result=result)]
    chat, *_ = list(Studio._chat_turn(None, iter(events), []))[-1]  # type: ignore[arg-type]
    contents = [str(message["content"]) for message in chat]
    assert contents[0] == "&lt;img src=x onerror=alert(1)&gt; [/]"  # streamed, escaped piece by piece
    assert not any("<img" in c or "<script>" in c for c in contents) and len(contents) == 2


@pytest.fixture
def film(tmp_path: Path) -> Path:
    root = tmp_path / "film"
    project = small_project()
    ProjectFolder.create(root, project.model_copy(update={"style": project.style.model_copy(update={"width": 160})}))
    return root


def storyreel(*args: str | Path, server: ChatServer, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "STORYREEL_MODEL"}
    env |= {"OPENAI_BASE_URL": server.url, "STORYREEL_MEMORY": "off", "STORYREEL_APPROVE_ABOVE": ""}
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=REPO,
        input=stdin,
        env=env,
        timeout=300,
    )


@pytest.mark.slow
def test_say_prints_a_hostile_reply_and_field_as_data(film: Path) -> None:
    with ChatServer() as server:
        server.queue += [tool_call("update_shot", {"shot": 1, "action": f"Boats [/] rock {TITLE}"}), text(HOSTILE)]
        done = storyreel("say", film, "change shot 1", server=server)
    assert done.returncode == 0, done.stderr
    saved = json.loads((film / "story.json").read_text())["shots"][0]["action"]
    assert saved == f"Boats [/] rock {TITLE}"  # the story keeps what was said; only the terminal is spared
    printed = done.stdout + done.stderr
    assert "Done [/] [bold]loud[/bold]" in printed and "Boats [/] rock" in printed
    assert "\x1b" not in printed and "\x9b" not in printed and "\x00" not in printed


@pytest.mark.slow
def test_chat_goes_on_after_a_reply_with_markup(film: Path) -> None:
    with ChatServer() as server:
        server.queue += [text(HOSTILE), text("Second answer.")]
        done = storyreel("chat", film, server=server, stdin="who is in shot 2?\nand in shot 3?\nquit\n")
    assert done.returncode == 0, done.stderr
    assert "Done [/] [bold]loud[/bold]" in done.stdout and "Second answer." in done.stdout
    assert "\x1b" not in done.stdout + done.stderr


def test_show_prints_titles_actions_and_lines_from_a_file_as_data(tmp_path: Path) -> None:
    from story import Bible, DialogueLine

    root = tmp_path / "film"
    project = small_project()
    hostile = "[bold red]Storm[/] \x1b]0;pwned\x07\x1b[2J"
    shots = list(project.shots)
    line = DialogueLine(speaker=project.characters[0].id, text="Run [/] now\x1b[31m")
    shots[0] = shots[0].model_copy(update={"action": f"{hostile} rolls in", "dialogue": [line]})
    project = project.model_copy(update={"bible": Bible(title=hostile, logline=project.bible.logline), "shots": shots})
    ProjectFolder.create(root, project)
    env = os.environ | {"COLUMNS": "200", "STORYREEL_MEMORY": "off"}
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli", "show", str(root)], capture_output=True, text=True, cwd=REPO, env=env
    )
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    assert "[bold red]Storm[/]" in done.stdout and "Run [/] now" in done.stdout
