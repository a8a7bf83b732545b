"""Local HTTP servers on 127.0.0.1 that speak Runway's and OpenAI's generation protocols, for driving the
real `runwayml` and `openai` SDKs in tests. Every request is recorded (the model boundary); failures,
stalls and 5xx answers are injected by prompt words or counts."""

from __future__ import annotations

import base64
import io
import json
import re
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from PIL import Image

from tools.media.codec import ffmpeg_exe


@dataclass
class Seen:
    """One request as the server got it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:  # noqa: ANN401
        return json.loads(self.body or b"{}")


def png_bytes(colour: tuple[int, int, int] = (40, 90, 160), size: tuple[int, int] = (192, 108)) -> bytes:
    """A small picture with a gradient, so a camera move over it changes pixels."""
    image = Image.new("RGB", size, colour)
    for x in range(size[0]):
        for y in range(0, size[1], 6):
            image.putpixel((x, y), (x % 256, 255 - x % 256, 128))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def mp4_bytes(folder: Path, seconds: int = 2) -> bytes:
    """A short real H.264 clip (ffmpeg's test pattern), as a video API would return."""
    path = folder / "clip.mp4"
    if not path.exists():
        subprocess.run(
            [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
             f"testsrc=size=160x90:rate=24:duration={seconds}", "-pix_fmt", "yuv420p", str(path)],
            check=True,
        )  # fmt: skip
    return path.read_bytes()


@dataclass
class FakeAPI:
    """What both servers share: recording, injected failures, files to download."""

    folder: Path
    fail_words: set[str] = field(default_factory=set)  # a prompt with one of these fails its task
    stall_words: set[str] = field(default_factory=set)  # a prompt with one of these never finishes
    errors_first: int = 0  # answer this many generation POSTs with 500 first
    polls_to_finish: int = 2  # status checks before a task is done
    slow_first: int = 0  # answer this many generation POSTs only after `slowness` seconds
    slowness: float = 2.0
    seen: list[Seen] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeAPI:
        api = self
        mp4_bytes(self.folder)  # made once, before two requests could race to make it

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with api.lock:
                    api.seen.append(
                        Seen(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                    )
                status, kind, payload = api.route(
                    self.command, self.path.split("?")[0], body, {k.lower(): v for k, v in self.headers.items()}
                )
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a timeout test): nothing to answer

            do_GET = do_POST = do_DELETE = _answer  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def paths(self, method: str, pattern: str) -> list[Seen]:
        """Requests with this method whose path matches the pattern."""
        with self.lock:
            return [s for s in self.seen if s.method == method and re.search(pattern, s.path)]

    def _new_task(self, prompt: str, kind: str) -> str:
        with self.lock:
            task_id = f"task-{len(self.tasks) + 1}"
            self.tasks[task_id] = {"prompt": prompt, "kind": kind, "polls": 0, "cancelled": False}
        return task_id

    def _inject_error(self) -> bool:
        with self.lock:
            slow = self.slow_first > 0
            self.slow_first -= 1 if slow else 0
        if slow:
            time.sleep(self.slowness)
        with self.lock:
            if self.errors_first > 0:
                self.errors_first -= 1
                return True
        return False

    def _outcome(self, task: dict[str, Any]) -> str:
        """'running', 'failed' or 'done' after this poll."""
        task["polls"] += 1
        if task["cancelled"]:
            return "cancelled"
        if any(word in task["prompt"] for word in self.fail_words):
            return "failed"
        if any(word in task["prompt"] for word in self.stall_words) or task["polls"] < self.polls_to_finish:
            return "running"
        return "done"

    def file(self, name: str) -> tuple[int, str, bytes]:
        if name.endswith(".mp4"):
            return 200, "video/mp4", mp4_bytes(self.folder)
        return 200, "image/png", png_bytes()

    def route(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, str, bytes]:
        raise NotImplementedError


def _json(status: int, payload: object) -> tuple[int, str, bytes]:
    return status, "application/json", json.dumps(payload).encode()


class RunwayAPI(FakeAPI):
    """POST /v1/text_to_image and /v1/image_to_video start tasks; GET/DELETE /v1/tasks/{id}; GET /files/..."""

    def route(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, str, bytes]:
        if path.startswith("/files/"):
            return self.file(path)
        if method == "POST" and path in ("/v1/text_to_image", "/v1/image_to_video"):
            if self._inject_error():
                return _json(500, {"error": "injected"})
            request = json.loads(body)
            kind = "image" if path.endswith("image") else "video"
            return _json(200, {"id": self._new_task(request.get("promptText", ""), kind)})
        match = re.fullmatch(r"/v1/tasks/([\w-]+)", path)
        if match and match.group(1) in self.tasks:
            task_id = match.group(1)
            task = self.tasks[task_id]
            if method == "DELETE":
                task["cancelled"] = True
                self.cancelled.append(task_id)
                return 204, "application/json", b""
            state = self._outcome(task)
            base = {"id": task_id, "createdAt": "2026-11-25T12:00:00Z"}
            if state == "running":
                return _json(200, base | {"status": "RUNNING", "progress": 0.5, "estimatedCost": {"credits": 5}})
            if state == "cancelled":
                return _json(200, base | {"status": "CANCELLED", "cost": {"credits": 0}})
            if state == "failed":
                failure = {"failure": "the prompt was refused", "failureCode": "SAFETY.INPUT.TEXT"}
                return _json(200, base | failure | {"status": "FAILED", "cost": {"credits": 0}})
            suffix = "png" if task["kind"] == "image" else "mp4"
            credits = 8 if task["kind"] == "image" else 10
            output = [f"{self.url}/files/{task_id}.{suffix}"]
            return _json(200, base | {"status": "SUCCEEDED", "output": output, "cost": {"credits": credits}})
        return _json(404, {"error": f"no route {method} {path}"})


class OpenAIAPI(FakeAPI):
    """POST /v1/images/generations and /v1/images/edits; /v1/videos (create, retrieve, content, delete)."""

    def route(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, str, bytes]:
        if method == "POST" and path in ("/v1/images/generations", "/v1/images/edits"):
            if self._inject_error():
                return _json(500, {"error": {"message": "injected", "type": "server_error"}})
            prompt = _prompt_of(body, headers)
            if any(word in prompt for word in self.fail_words):
                return _json(400, {"error": {"message": "the prompt was refused", "type": "invalid_request_error"}})
            picture = base64.b64encode(png_bytes()).decode()
            return _json(200, {"created": 0, "data": [{"b64_json": picture}]})
        if method == "POST" and path == "/v1/videos":
            task_id = self._new_task(_prompt_of(body, headers), "video")
            return _json(200, self._video(task_id, "queued"))
        match = re.fullmatch(r"/v1/videos/([\w-]+)(/content)?", path)
        if match and match.group(1) in self.tasks:
            task_id = match.group(1)
            task = self.tasks[task_id]
            if method == "DELETE":
                task["cancelled"] = True
                self.cancelled.append(task_id)
                return _json(200, {"id": task_id, "object": "video.deleted", "deleted": True})
            if match.group(2):
                return self.file(f"{task_id}.mp4")
            state = self._outcome(task)
            status = {"running": "in_progress", "done": "completed", "failed": "failed", "cancelled": "failed"}[state]
            return _json(200, self._video(task_id, status))
        return _json(404, {"error": {"message": f"no route {method} {path}", "type": "not_found"}})

    def _video(self, task_id: str, status: str) -> dict[str, Any]:
        video: dict[str, Any] = {"id": task_id, "object": "video", "status": status, "progress": 50, "created_at": 0,
                                 "model": "sora-2", "seconds": "4", "size": "1280x720"}  # fmt: skip
        if status == "failed":
            video["error"] = {"code": "refused", "message": "the prompt was refused"}
        return video


def _prompt_of(body: bytes, headers: dict[str, str]) -> str:
    kind = headers.get("content-type", "")
    if "json" in kind:
        return str(json.loads(body).get("prompt", ""))
    match = re.search(rb'name="prompt"\r\n\r\n(.*?)\r\n--', body, re.DOTALL)
    return match.group(1).decode(errors="replace") if match else ""


def image_parts(body: bytes) -> int:
    """How many image files a multipart request carried."""
    return len(re.findall(rb'name="image(?:\[\])?"; filename=', body))
