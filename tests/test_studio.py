"""The studio: its checks on their own, its API through gradio_client, and what a person sees in Chromium.

The app runs in this process on 127.0.0.1 on a free port (tests/studio_app.py); what a person sees
in Chromium is in tests/test_studio_browser.py.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from studio_app import LIGHTHOUSE, free_port, running_studio, story
from typer.testing import CliRunner

from ui.studio.safety import (
    BRIEF,
    IMAGE,
    MB,
    MUSIC,
    StudioError,
    check_binding,
    check_upload,
    inside,
    is_loopback,
    parse_auth,
    publish,
)

# The checks on their own (fast) ------------------------------------------------------------------


def test_binding_beyond_this_machine_needs_accounts() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.20")
    check_binding("127.0.0.1", [])
    with pytest.raises(StudioError, match="STORYREEL_STUDIO_AUTH"):
        check_binding("0.0.0.0", [])
    check_binding("0.0.0.0", parse_auth("ana:long-secret"))
    assert parse_auth("ana:long-secret, ben:another-one") == [("ana", "long-secret"), ("ben", "another-one")]
    for bad in ("ana", "ana:", ":secret12", "ana:short"):
        with pytest.raises(StudioError):
            parse_auth(bad)


def test_studio_command_refuses_open_host_without_auth(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from ui.cli import _register_commands, app

    _register_commands()
    monkeypatch.delenv("STORYREEL_STUDIO_AUTH", raising=False)
    result = CliRunner().invoke(app, ["studio", str(tmp_path), "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "STORYREEL_STUDIO_AUTH" in result.output
    result = CliRunner().invoke(app, ["studio", str(tmp_path), "--host", "0.0.0.0", "--auth", "ana:short"])
    assert result.exit_code == 2 and "at least 8" in result.output


def test_uploads_are_checked_by_type_size_and_contents(tmp_path: Path) -> None:
    from PIL import Image

    brief = tmp_path / "story.fountain"
    brief.write_text("EXT. PIER - NIGHT\n\nA gull lands.")
    assert check_upload(brief, BRIEF) == brief
    big = tmp_path / "huge.txt"
    big.write_bytes(b"a" * (BRIEF.max_bytes + 1))
    with pytest.raises(StudioError, match="at most"):
        check_upload(big, BRIEF)
    wrong = tmp_path / "brief.pdf"
    wrong.write_bytes(b"%PDF-1.4")
    with pytest.raises(StudioError, match="not a brief file"):
        check_upload(wrong, BRIEF)
    binary = tmp_path / "brief.txt"
    binary.write_bytes(b"\x00\x01\x02")
    with pytest.raises(StudioError, match="contents"):
        check_upload(binary, BRIEF)

    png = tmp_path / "mara.png"
    Image.new("RGB", (8, 8), (200, 30, 30)).save(png)
    assert check_upload(png, IMAGE) == png
    fake = tmp_path / "fake.png"
    fake.write_text("not an image at all")
    with pytest.raises(StudioError, match="contents"):
        check_upload(fake, IMAGE)
    torn = tmp_path / "torn.png"
    torn.write_bytes(png.read_bytes()[:20])
    with pytest.raises(StudioError, match="readable image"):
        check_upload(torn, IMAGE)

    song = tmp_path / "song.wav"
    song.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 32)
    assert check_upload(song, MUSIC) == song
    with song.open("r+b") as handle:  # sparse: 100 MB and a byte, without writing them
        handle.truncate(100 * MB + 1)
    with pytest.raises(StudioError, match="100.0 MB"):
        check_upload(song, MUSIC)
    with pytest.raises(StudioError, match="no music"):
        check_upload(None, MUSIC)


def test_only_files_inside_the_project_go_out(tmp_path: Path) -> None:
    from gradio.utils import get_upload_folder

    project = tmp_path / "film"
    (project / "cut").mkdir(parents=True)
    (project / "cut" / "storyreel.mp4").write_bytes(b"reel")
    (tmp_path / "secret.txt").write_text("not yours")
    (project / "cut" / "escape.txt").symlink_to(tmp_path / "secret.txt")
    copy = Path(publish(project, project / "cut" / "storyreel.mp4"))
    assert copy.read_bytes() == b"reel" and copy.is_relative_to(get_upload_folder())
    for outside in (tmp_path / "secret.txt", project / ".." / "secret.txt", project / "cut" / "escape.txt"):
        with pytest.raises(StudioError, match="outside the open project"):
            inside(project, outside)
        with pytest.raises(StudioError):
            publish(project, outside)


# The app, launched in this process ---------------------------------------------------------------


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The studio on a free port over an empty projects folder: (url, projects folder)."""
    with running_studio(tmp_path_factory) as running:
        yield running


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_an_open_host_asks_for_a_login(tmp_path: Path) -> None:
    """Listening beyond this machine: nothing but the login page answers until the person logs in."""
    import httpx

    from ui.studio import launch_studio

    port = free_port()
    demo = launch_studio(tmp_path, host="0.0.0.0", port=port, auth=[("ana", "long-secret")], block=False)
    try:
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{base}/config").status_code == 401
        assert httpx.get(f"{base}/gradio_api/info").status_code == 401
        with httpx.Client(base_url=base) as browser:
            assert browser.post("/login", data={"username": "ana", "password": "wrong-one"}).status_code == 400
            assert browser.post("/login", data={"username": "ana", "password": "long-secret"}).status_code == 200
            assert browser.get("/config").status_code == 200
    finally:
        demo.close()


@pytest.mark.slow
def test_api_drives_a_project_with_the_same_edits_as_words(
    studio: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """gradio_client: new (with memory on), select, edit with the controls, say, undo, redo, open."""
    from gradio_client import Client

    from agent.offline import OfflineDirector
    from story import parse_project

    monkeypatch.setenv("STORYREEL_MEMORY", "on")
    url, root = studio
    client = Client(url, verbose=False)
    endpoints = set(client.view_api(print_info=False, return_format="dict")["named_endpoints"])
    assert {"/new_project", "/open_project", "/say", "/undo", "/redo", "/select_shot", "/edit_shot"} <= endpoints

    out = client.predict("api-film", LIGHTHOUSE, None, api_name="/new_project")
    chat, title, board, reel, downloads = out[0], out[2], out[3], out[4], out[5]
    project = root / "api-film"
    shots = story(project)["shots"]
    assert "The Keeper's Light" in title and f"{len(shots)} shots" in title
    assert len(board) == len(shots) and board[1]["caption"].startswith("#2 · ")
    assert Path(reel).stat().st_size > 10_000 and any(Path(d).name == "storyreel.mp4" for d in downloads)
    assert any((m.get("metadata") or {}).get("title", "").startswith("rendering") for m in chat)
    assert (project / "memory").is_dir()  # memory followed the new project
    monkeypatch.setenv("STORYREEL_MEMORY", "off")  # the rest only needs the story; memory costs time on 2 cores

    picked = client.predict("2", api_name="/select_shot")
    assert picked[0]["value"] == "2" and picked[2] == shots[1]["size"]
    before = parse_project((project / "story.json").read_bytes())
    client.predict("CU", picked[3], picked[4], picked[5], picked[6]["value"], api_name="/edit_shot")
    assert story(project)["shots"][1]["size"] == "CU"
    by_controls = json.loads((project / "history" / "r000002.json").read_text())["edits"]
    by_words = OfflineDirector().turn(before, "make shot 2 a close-up").edits
    assert by_controls == [edit.model_dump(mode="json") for edit in by_words]  # the same typed edit as saying it

    out = client.predict("make the last shot longer", api_name="/say")
    after = story(project)["shots"]
    assert after[-1]["duration_frames"] > shots[-1]["duration_frames"]
    assert "duration" in json.dumps(out[1])

    client.predict(api_name="/undo")
    assert story(project)["shots"][-1]["duration_frames"] == shots[-1]["duration_frames"]
    client.predict(api_name="/redo")
    assert story(project)["shots"][-1]["duration_frames"] == after[-1]["duration_frames"]

    # A new client is a new person: nothing open until they open it.
    other = Client(url, verbose=False)
    assert other.predict(api_name="/list_projects")["choices"] == [["api-film", "api-film"]]
    opened = other.predict("api-film", api_name="/open_project")
    assert "make the last shot longer" in json.dumps(opened[0])
    with pytest.raises(Exception, match="not in the list of choices|not a project name"):
        other.predict("../api-film", api_name="/open_project")


@pytest.mark.slow
def test_a_model_directors_tool_calls_and_words_show_in_the_chat(
    studio: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a model configured, each tool call is a finished step in the chat and the reply streams in."""
    from gradio_client import Client
    from llm_server import ChatServer, text, tool_call

    url, root = studio
    client = Client(url, verbose=False)
    client.predict("modelled", "Title: Dock\n\nAt dawn a boat drifts to the dock.", None, api_name="/new_project")
    with ChatServer() as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("STORYREEL_MODEL", "m")
        server.queue += [
            tool_call("update_shot", {"shot": 1, "size": "ECU"}),
            text("Shot 1 is an extreme close-up now."),
        ]
        out = client.predict("much tighter on shot 1", api_name="/say")
    assert story(root / "modelled")["shots"][0]["size"] == "ECU"
    steps = [m["metadata"] for m in out[1] if m.get("metadata")]
    tools = [step for step in steps if step["title"].startswith("🛠 update_shot")]
    assert tools and tools[0]["status"] == "done"
    assert "Shot 1 is an extreme close-up now." in json.dumps(out[1])  # the streamed words
    assert server.requests[0]["messages"][-1]["content"] == "much tighter on shot 1"


@pytest.mark.slow
def test_api_refuses_bad_input_and_serves_no_project_paths(studio: tuple[str, Path], tmp_path: Path) -> None:
    from gradio_client import Client, handle_file

    url, root = studio
    client = Client(url, verbose=False)
    out = client.predict("empty", "   ", None, api_name="/new_project")
    assert "the brief is empty" in json.dumps(out[0])
    assert not (root / "empty").exists()

    wrong = tmp_path / "brief.docx"
    wrong.write_bytes(b"PK\x03\x04")
    with pytest.raises(Exception, match="Invalid file type|not a brief file"):
        client.predict("docx", "", handle_file(str(wrong)), api_name="/new_project")

    fountain = tmp_path / "pier.fountain"
    fountain.write_text("Title: Pier\n\nEXT. PIER - NIGHT\n\nA gull lands on the rail.\n\nNED\nGo on, then.\n")
    out = client.predict("", "", handle_file(str(fountain)), api_name="/new_project")
    assert (root / "pier" / "story.json").is_file() and "Pier" in out[2]

    fake = tmp_path / "face.png"
    fake.write_text("<svg onload=alert(1)>")
    with pytest.raises(Exception, match="Invalid file type|not a reference image"):
        client.predict(handle_file(str(fake)), api_name="/add_image")

    # Project files are reachable only as the copies the handlers hand out.
    for name in ("story.json", "cut/storyreel.mp4", "agent.sqlite"):
        assert get(f"{url}gradio_api/file={root / 'pier' / name}") == 403
    served = Client(url, verbose=False, download_files=False).predict("pier", api_name="/open_project")
    assert get(served[3]["url"]) == 200  # the reel, as the copy the handler published


@pytest.mark.slow
def test_api_waits_for_approval_and_lays_music(
    studio: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A turn that costs more than allowed waits for a yes in the chat; uploaded music goes under the reel."""
    from gradio_client import Client, handle_file

    url, root = studio
    client = Client(url, verbose=False)
    client.predict(
        "harbour", "Title: Harbour\n\nAt night a gull lands on the harbour wall.", None, api_name="/new_project"
    )
    project = root / "harbour"
    size = story(project)["shots"][0]["size"]

    monkeypatch.setenv("STORYREEL_APPROVE_ABOVE", "-1")  # every render costs more than that
    out = client.predict("make shot 1 a close-up", api_name="/say")
    assert "Answer **yes** or **no**" in json.dumps(out[1])
    assert story(project)["shots"][0]["size"] == size  # nothing changed while it waits
    client.predict("yes", api_name="/say")
    assert story(project)["shots"][0]["size"] == "CU"
    monkeypatch.delenv("STORYREEL_APPROVE_ABOVE")

    fake = tmp_path / "song.mp3"
    fake.write_text("la la la")
    with pytest.raises(Exception, match="not a music file"):
        client.predict(handle_file(str(fake)), api_name="/add_music")
    song = tmp_path / "clicks.wav"
    rate = 8000
    clicks = np.zeros(rate * 3, dtype=np.int16)
    for beat in range(6):  # 120 BPM
        clicks[beat * rate // 2 : beat * rate // 2 + 200] = 12_000
    with wave.open(str(song), "wb") as stream:
        stream.setnchannels(1)
        stream.setsampwidth(2)
        stream.setframerate(rate)
        stream.writeframes(clicks.tobytes())
    out = client.predict(handle_file(str(song)), api_name="/add_music")
    assert story(project)["music"]["source"] == "clicks.wav"
    assert "music" in json.dumps(out[0])


# What a person sees, in Chromium -----------------------------------------------------------------


def test_module_keeps_no_person_state() -> None:
    """Handlers hold only the projects folder; every per-person value is a gr.State."""
    import ui.studio.app as studio_app
    import ui.studio.handlers as studio_handlers

    handlers = studio_handlers.Studio(Path("."))
    assert set(vars(handlers)) == {"root", "start"}
    for module in (studio_app, studio_handlers):
        shared = [n for n, v in vars(module).items() if isinstance(v, list | dict | set) and not n.startswith("_")]
        assert all(name.isupper() for name in shared), shared  # constants only


# Projects that lead outside themselves, and IPv6 ---------------------------------------------------


@pytest.mark.parametrize("link", ["cut", "cut/storyreel.mp4"])
def test_a_project_whose_reel_or_cut_links_outside_is_refused_in_one_line(tmp_path: Path, link: str) -> None:
    import gradio as gr
    from conftest import small_project

    from story import ProjectFolder
    from ui.cli import _register_commands, app
    from ui.studio.handlers import Studio

    root = tmp_path / "projects"
    film = root / "film"
    ProjectFolder.create(film, small_project())
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "cut").mkdir(parents=True)
    (elsewhere / "cut" / "storyreel.mp4").write_bytes(b"someone else's")
    if link == "cut":
        (film / "cut").symlink_to(elsewhere / "cut")
    else:
        (film / "cut").mkdir()
        (film / "cut" / "storyreel.mp4").symlink_to(elsewhere / "cut" / "storyreel.mp4")
    reason = f"film cannot be opened: {link}{'/' if link == 'cut' else ''} links outside the project"

    with pytest.raises(gr.Error) as caught:
        Studio(root).open_project("film")
    assert str(caught.value.message).startswith(reason)
    assert "\n" not in str(caught.value.message)

    _register_commands()
    done = CliRunner().invoke(app, ["studio", str(film), "--port", str(free_port())])
    assert done.exit_code == 2
    said = " ".join(done.output.split())  # one message, however the test terminal wraps it
    assert said.startswith(f"error: {reason}") and said.count("error") == 1, said
    assert "Traceback" not in done.output


def test_the_studio_listens_on_an_ipv6_literal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
            port = int(probe.getsockname()[1])
    except OSError as exc:
        pytest.skip(f"this machine has no IPv6 loopback ({exc})")
    from ui.studio import launch_studio

    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio-cache"))
    for host in ("::1", "[::1]"):
        demo = launch_studio(tmp_path / "projects", host=host, port=port, block=False)
        try:
            assert get(f"http://[::1]:{port}/") == 200
        finally:
            demo.close()
