"""The HTTP side as a user meets it: /healthz, the loopback-only rule, Host/Origin checks, and
the legacy SSE pair (GET /sse announces where to POST; the session survives idling).

Raw HTTP (stdlib) is used where the SDKs would hide the detail under test.
"""

from __future__ import annotations

import json
import re
import subprocess
import time

import anyio
import pytest

from mcpclient import HANDSHAKE, connect
from rawio import SseStream, http_request, mcp_post
from servers import free_port, serve_argv

INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "switchyard-e2e-raw", "version": "0"},
    },
}


def test_healthz(http_server, package_version):
    status, headers, body = http_request(http_server.port, "GET", "/healthz")
    assert status == 200
    health = json.loads(body)
    assert health["status"] == "ok"
    assert health["name"] == "switchyard" and health["version"] == package_version
    assert {c["id"] for c in health["connectors"]} >= {"git", "note"}
    assert all(c["ok"] for c in health["connectors"]), health


@pytest.mark.parametrize("address", ["0.0.0.0", "192.0.2.10"])
def test_non_loopback_address_is_refused(address, switchyard_bin, sandbox, git_repo, tmp_path):
    port = free_port()
    argv = serve_argv(switchyard_bin, sandbox.config, git_repo.path, tmp_path / "data", "--http", f"{address}:{port}")
    started = time.monotonic()
    out = subprocess.run(argv, capture_output=True, text=True, env=sandbox.env(), cwd=sandbox.cwd, timeout=20)
    assert out.returncode != 0, "a non-loopback bind must fail"
    assert time.monotonic() - started < 10, "refused at once, not after serving"
    assert f"refusing to listen on {address}:{port}" in out.stderr, out.stderr
    assert "loopback" in out.stderr and "127.0.0.1" in out.stderr, out.stderr
    assert out.stdout == "", "nothing on stdout"


def test_bad_listen_address_is_explained(switchyard_bin, sandbox, git_repo, tmp_path):
    argv = serve_argv(switchyard_bin, sandbox.config, git_repo.path, tmp_path / "data", "--http", "not-an-address")
    out = subprocess.run(argv, capture_output=True, text=True, env=sandbox.env(), cwd=sandbox.cwd, timeout=20)
    assert out.returncode != 0
    assert "not-an-address" in out.stderr and "127.0.0.1:8787" in out.stderr, out.stderr


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("POST", "/mcp", INIT), ("GET", "/sse", None), ("POST", "/message?sessionId=x", INIT), ("GET", "/healthz", None)],
)
def test_foreign_origin_is_forbidden(http_server, method, path, body):
    headers = {"Origin": "https://evil.example.com", "Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    status, _, data = http_request(http_server.port, method, path, body, headers)
    assert status == 403, (status, data[:300])
    text = data.decode()
    assert "https://evil.example.com" in text and "allowed_origins" in text


def test_loopback_origin_is_allowed(http_server):
    status, headers, reply = mcp_post(http_server.port, INIT, {"Origin": "http://localhost:6274"})
    assert status == 200, reply
    assert reply["result"]["serverInfo"]["name"] == "switchyard"


def test_foreign_host_is_misdirected(http_server):
    headers = {"Host": "evil.example.com", "Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    status, _, data = http_request(http_server.port, "POST", "/mcp", INIT, headers)
    assert status == 421, (status, data[:300])
    assert "evil.example.com" in data.decode()


# -- the legacy SSE pair ---------------------------------------------------------------------


def test_sse_first_event_is_the_endpoint(http_server):
    stream = SseStream(http_server.port)
    try:
        assert stream.status == 200
        assert stream.headers.get("content-type", "").startswith("text/event-stream")
        event, data = stream.next_event()
        assert event == "endpoint", (event, data)
        match = re.fullmatch(r"/message\?sessionId=([0-9A-Za-z_-]+)", data)
        assert match, data

        # POSTing to the announced endpoint is accepted, and the answer comes on the stream.
        status, _, _ = http_request(http_server.port, "POST", data, INIT, {"Content-Type": "application/json"})
        assert status == 202
        event, payload = stream.next_event()
        assert event == "message"
        reply = json.loads(payload)
        assert reply["id"] == 1 and reply["result"]["serverInfo"]["name"] == "switchyard"

        # A malformed body is answered on the POST itself.
        status, _, body = http_request(http_server.port, "POST", data, "{nope", {"Content-Type": "application/json"})
        assert status == 400 and json.loads(body)["error"]["code"] == -32700
    finally:
        stream.close()


def test_sse_post_without_a_live_session(http_server):
    status, _, body = http_request(http_server.port, "POST", "/message?sessionId=doesnotexist", INIT, {"Content-Type": "application/json"})
    assert status == 404 and "GET /sse" in body.decode()
    status, _, body = http_request(http_server.port, "POST", "/message", INIT, {"Content-Type": "application/json"})
    assert status == 400 and "sessionId" in body.decode()


@pytest.mark.anyio
async def test_sse_session_survives_idle(http_server):
    """A legacy SSE session still answers after idling. The server keeps idle streams open
    with keep-alive comments every 15 s (and has no idle timeout on SSE sessions), but waiting
    for one would make the suite slow, so this only idles briefly; the long idle is the
    server's unit-tested keep-alive configuration, not this suite's business."""
    async with connect("sse", http_server.url, HANDSHAKE) as conn:
        assert not (await conn.call("note_list", {"limit": 1})).is_error
        await anyio.sleep(3)
        second = await conn.call("note_list", {"limit": 1})
        assert not second.is_error
        assert "note_add" in await conn.tool_names()


def test_http_mode_keeps_stdout_silent_and_stops_on_sigterm(start_http, fresh_data_dir):
    server = start_http(fresh_data_dir)
    status, _, _ = http_request(server.port, "GET", "/healthz")
    assert status == 200
    assert server.stop() == 0, "SIGTERM is a clean shutdown"
    assert server.stdout == b"", "HTTP mode writes nothing to stdout"
    log = server.stderr()
    assert f"listening on http://127.0.0.1:{server.port}/mcp" in log and "switchyard stopped" in log


def test_malformed_json_over_http_is_a_jsonrpc_parse_error(http_server):
    status, headers, body = http_request(
        http_server.port,
        "POST",
        "/mcp",
        b'{"jsonrpc": "2.0", "id": 1,',
        {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"},
    )
    assert status == 400, (status, body)
    reply = json.loads(body)
    assert reply["error"]["code"] == -32700 and reply["id"] is None
    # The server goes on answering.
    status, _, reply = mcp_post(http_server.port, INIT)
    assert status == 200 and reply["result"]["serverInfo"]["name"] == "switchyard"
