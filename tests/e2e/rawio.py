"""Byte-level access to the server, for what an SDK would never send or would hide:
malformed lines on stdin, every byte of stdout, raw HTTP headers, the first SSE event.

Only the standard library is used here, so these helpers behave the same under both SDKs.
"""

from __future__ import annotations

import http.client
import json
import queue
import socket
import subprocess
import threading
import time
from typing import Any


class RawStdio:
    """A `switchyard serve` process on pipes: write raw bytes, read stdout line by line.

    Every stdout line is kept (`lines`) so a test can check that stdout carried nothing but
    JSON-RPC. stderr goes to a file (`stderr_path`).
    """

    def __init__(self, argv: list[str], env: dict[str, str], cwd: str, stderr_path: str):
        self.stderr_path = stderr_path
        self._stderr = open(stderr_path, "wb")
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
            cwd=cwd,
        )
        self.lines: list[bytes] = []
        self._queue: queue.Queue[bytes | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._next_id = 1000

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)
            self._queue.put(line)
        self._queue.put(None)

    def write(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message: dict[str, Any]) -> None:
        self.write(json.dumps(message).encode() + b"\n")

    def recv(self, timeout: float = 15.0) -> dict[str, Any]:
        """The next stdout line, parsed (fails the test if it is not JSON)."""
        try:
            line = self._queue.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no message on stdout within {timeout} s; stderr:\n{self.stderr_text()}") from None
        if line is None:
            raise AssertionError(f"stdout closed (exit {self.proc.poll()}); stderr:\n{self.stderr_text()}")
        try:
            return json.loads(line)
        except json.JSONDecodeError as exc:
            raise AssertionError(f"stdout carried a line that is not JSON: {line[:300]!r}") from exc

    def recv_response(self, request_id: Any, timeout: float = 15.0) -> dict[str, Any]:
        """The response to `request_id`, skipping notifications."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no response to id {request_id!r} within {timeout} s")
            message = self.recv(remaining)
            if "method" in message and "id" not in message:
                continue  # a notification
            if message.get("id") == request_id:
                return message
            raise AssertionError(f"expected the response to id {request_id!r}, got {message}")

    def request(self, method: str, params: dict[str, Any] | None = None, timeout: float = 15.0) -> dict[str, Any]:
        self._next_id += 1
        request_id = self._next_id
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return self.recv_response(request_id, timeout)

    def initialize(self) -> dict[str, Any]:
        reply = self.request(
            "initialize",
            {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "switchyard-e2e-raw", "version": "0"},
            },
        )
        assert "result" in reply, reply
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return reply["result"]

    def close(self, timeout: float = 10.0) -> int:
        """Close stdin (the server's cue to stop) and wait for the exit code."""
        try:
            if self.proc.stdin and not self.proc.stdin.closed:
                self.proc.stdin.close()
        except BrokenPipeError:
            pass
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"the server did not exit within {timeout} s of stdin closing")
        finally:
            self._reader.join(timeout=5)
            self._stderr.close()
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if not self._stderr.closed:
            self._stderr.close()

    def stderr_text(self) -> str:
        if not self._stderr.closed:
            self._stderr.flush()
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")


# -- HTTP -----------------------------------------------------------------------------------


def http_request(
    port: int,
    method: str,
    path: str,
    body: bytes | str | dict | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 15.0,
) -> tuple[int, dict[str, str], bytes]:
    """One plain HTTP/1.1 request to 127.0.0.1:port; returns (status, lowercased headers, body)."""
    if isinstance(body, dict):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data
    finally:
        conn.close()


def mcp_post(port: int, message: dict, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], Any]:
    """POST one JSON-RPC message to /mcp and decode the reply (JSON or a single SSE event)."""
    all_headers = {
        "Content-Type": "application/json",
        "Accept": "application/json, text/event-stream",
    }
    all_headers.update(headers or {})
    status, response_headers, data = http_request(port, "POST", "/mcp", message, all_headers)
    return status, response_headers, decode_mcp_body(response_headers, data)


def decode_mcp_body(headers: dict[str, str], data: bytes) -> Any:
    if not data:
        return None
    if headers.get("content-type", "").startswith("text/event-stream"):
        messages = []
        for event in data.decode().split("\n\n"):
            payload = "\n".join(line[5:].lstrip() for line in event.splitlines() if line.startswith("data:"))
            if payload:
                try:
                    messages.append(json.loads(payload))
                except json.JSONDecodeError:
                    pass
        # The reply to a request is the last message (notifications may come first).
        return messages[-1] if messages else None
    try:
        return json.loads(data)
    except json.JSONDecodeError:
        return data.decode("utf-8", "replace")


class SseStream:
    """A raw `GET /sse` stream, read event by event (comments are kept separately)."""

    def __init__(self, port: int, headers: dict[str, str] | None = None, timeout: float = 15.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        request = "GET /sse HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAccept: text/event-stream\r\n" % port
        for name, value in (headers or {}).items():
            request += f"{name}: {value}\r\n"
        request += "\r\n"
        self.sock.sendall(request.encode())
        self.file = self.sock.makefile("rb")
        status_line = self.file.readline().decode()
        self.status = int(status_line.split()[1])
        self.headers: dict[str, str] = {}
        while True:
            line = self.file.readline().decode().rstrip("\r\n")
            if not line:
                break
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        self.chunked = self.headers.get("transfer-encoding", "").lower() == "chunked"
        self._buffer = b""
        self.comments: list[str] = []

    def _more(self) -> bool:
        if not self.chunked:
            data = self.file.read1(65536)
            self._buffer += data
            return bool(data)
        size_line = self.file.readline()
        if not size_line:
            return False
        size = int(size_line.strip().split(b";")[0], 16)
        if size == 0:
            return False
        self._buffer += self.file.read(size)
        self.file.readline()  # the CRLF after the chunk
        return True

    def next_event(self) -> tuple[str, str]:
        """The next (event, data) pair; SSE comments (keep-alives) are recorded and skipped."""
        while True:
            normalized = self._buffer.replace(b"\r\n", b"\n")
            if b"\n\n" in normalized:
                raw, _, rest = normalized.partition(b"\n\n")
                self._buffer = rest
                event, data = "message", []
                only_comments = True
                for line in raw.decode().split("\n"):
                    if line.startswith(":"):
                        self.comments.append(line)
                        continue
                    only_comments = False
                    field, _, value = line.partition(":")
                    value = value[1:] if value.startswith(" ") else value
                    if field == "event":
                        event = value
                    elif field == "data":
                        data.append(value)
                if only_comments:
                    continue
                return event, "\n".join(data)
            if not self._more():
                raise AssertionError("the SSE stream ended")

    def close(self) -> None:
        try:
            self.file.close()
        finally:
            self.sock.close()
