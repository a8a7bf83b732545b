"""A real chat-completions server on 127.0.0.1 for tests: scripted replies, recorded requests."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def tool_call(name: str, arguments: dict[str, Any] | str) -> dict[str, Any]:
    """A scripted reply that calls one tool."""
    args = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return {"tool_calls": [{"id": f"call_{name}", "type": "function", "function": {"name": name, "arguments": args}}]}


def text(content: str) -> dict[str, Any]:
    """A scripted plain reply."""
    return {"content": content}


def error(status: int) -> dict[str, Any]:
    """A scripted HTTP error (429, 500...)."""
    return {"status": status}


def stalled(
    reply: dict[str, Any],
    *,
    first: float = 0.0,
    after: int = 0,
    stall: float = 0.0,
    pace: float = 0.0,
    ping: float | None = None,
) -> dict[str, Any]:
    """A scripted reply that a slow model streams: the headers at once, the first piece `first` s later,
    a pause of `stall` s after `after` pieces, and `pace` s between pieces; with `ping`, a keep-alive
    comment every `ping` s while it pauses (as llama-cpp-python's server sends every 15 s)."""
    timing = {"first_token_delay": first, "stall_after": after, "stall": stall, "pace": pace, "ping": ping}
    return {**reply, **timing}


class ChatServer:
    """Answers POST /v1/chat/completions from a queue; records every request body, how many requests
    were open at once (`most_at_once`) and how many the client left before their answer was sent
    (`left_early`)."""

    def __init__(self) -> None:
        self.queue: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        self.open_now = 0
        self.most_at_once = 0
        self.left_early = 0
        self.finished = threading.Event()
        """Set each time a request's handling ends (answered, or the client gone)."""
        self.transcripts: list[str | dict[str, Any]] = []
        """What POST /v1/audio/transcriptions answers, in turn: the text, or `error(status)`."""
        self.recordings: list[dict[str, Any]] = []
        """Each recording sent to be transcribed: its `model`, `filename` and `bytes`."""
        self._count = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            disable_nagle_algorithm = True  # small streamed chunks go out at once

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                found = server.get(self.path)
                self._send(404 if found is None else 200, found or {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                with server._count:
                    server.open_now += 1
                    server.most_at_once = max(server.most_at_once, server.open_now)
                try:
                    if self.path.rstrip("/").endswith("/audio/transcriptions"):
                        self._transcribe()
                    else:
                        self._answer()
                finally:
                    with server._count:
                        server.open_now -= 1
                    server.finished.set()

            def _answer(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append(body)
                reply = server.queue.pop(0) if server.queue else text("ok")
                if reply.get("delay"):
                    time.sleep(reply["delay"])
                reply = server.screen(body, reply)
                if "status" in reply:
                    why = reply.get("message", "scripted")
                    self._send(reply["status"], {"error": {"message": why, "type": "scripted"}})
                    return
                if "raw" in reply:  # a 200 whose body is whatever the script says
                    self._send(200, reply["raw"])
                    return
                if reply.get("empty_stream"):  # a 200 that says nothing, as some servers answer what they refuse
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.end_headers()
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        self.wfile.write(b"data: [DONE]\n\n")
                    return
                message = {"role": "assistant", "content": reply.get("content"), "tool_calls": reply.get("tool_calls")}
                if body.get("stream"):
                    self._stream(reply)
                    return
                self._send(
                    200,
                    {
                        "id": "c",
                        "object": "chat.completion",
                        "created": 0,
                        "model": body.get("model", "m"),
                        "choices": [
                            {
                                "index": 0,
                                "message": message,
                                "finish_reason": "tool_calls" if reply.get("tool_calls") else "stop",
                            }
                        ],
                    },
                )

            def _transcribe(self) -> None:
                """The transcription API: a multipart form (`model`, `file`) in, `{"text": ...}` out."""
                from email import message_from_bytes
                from email.policy import HTTP

                body = self.rfile.read(int(self.headers["Content-Length"]))
                head = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode()
                form = {
                    part.get_param("name", header="content-disposition"): part
                    for part in message_from_bytes(head + body, policy=HTTP).iter_parts()
                }
                upload = form["file"]
                server.recordings.append(
                    {
                        "model": form["model"].get_payload(decode=True).decode(),
                        "filename": upload.get_filename(),
                        "bytes": upload.get_payload(decode=True),
                    }
                )
                reply = server.transcripts.pop(0) if server.transcripts else ""
                if isinstance(reply, dict):
                    self._send(reply["status"], {"error": {"message": reply.get("message", "scripted")}})
                    return
                self._send(200, {"text": reply})

            def _stream(self, reply: dict[str, Any]) -> None:
                """Server-sent events as the API sends them: the words twelve characters at a time, then each
                tool call's name and its arguments in pieces, then the finish reason."""
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
                content = reply.get("content") or ""
                deltas += [{"content": content[i : i + 12]} for i in range(0, len(content), 12)]
                for index, call in enumerate(reply.get("tool_calls") or []):
                    head = {"index": index, "id": call["id"], "type": "function"}
                    deltas.append(
                        {"tool_calls": [head | {"function": {"name": call["function"]["name"], "arguments": ""}}]}
                    )
                    arguments = call["function"]["arguments"]
                    for i in range(0, len(arguments), 16):
                        function = {"arguments": arguments[i : i + 16]}
                        if reply.get("repeat_name"):  # llama-cpp-python sends the whole name again in every piece
                            function = {"name": call["function"]["name"]} | function
                        deltas.append({"tool_calls": [{"index": index, "function": function}]})
                finish = "tool_calls" if reply.get("tool_calls") else "stop"
                chunks = [(delta, None) for delta in deltas] + [({}, finish)]

                def pause(seconds: float) -> None:
                    ping, until = reply.get("ping"), time.monotonic() + seconds
                    while ping and time.monotonic() + ping < until:
                        time.sleep(ping)
                        self.wfile.write(b": ping\n\n")
                        self.wfile.flush()
                    time.sleep(max(0.0, until - time.monotonic()))

                try:
                    self.wfile.flush()
                    pause(reply.get("first_token_delay", 0.0))
                    for n, (delta, reason) in enumerate(chunks):
                        if n and n == reply.get("stall_after"):
                            pause(reply.get("stall", 0.0))
                        elif n:
                            pause(reply.get("pace", 0.0))
                        chunk = {
                            "id": "c",
                            "object": "chat.completion.chunk",
                            "created": 0,
                            "model": "m",
                            "choices": [{"index": 0, "delta": delta, "finish_reason": reason}],
                        }
                        self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                        self.wfile.flush()
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    with server._count:
                        server.left_early += 1

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                    self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def screen(self, body: dict[str, Any], reply: dict[str, Any]) -> dict[str, Any]:
        """The reply as this server sends it for this request (the OpenAI API sends it as scripted)."""
        return reply

    def get(self, path: str) -> dict[str, Any] | None:
        """A GET endpoint's answer, or None for 404."""
        return None

    def __enter__(self) -> ChatServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
