"""Both protocol eras.

* Handshake era (every SDK generation): `initialize` negotiates a 2025-era version and, over
  Streamable HTTP, opens a session (Mcp-Session-Id).
* 2026-07-28 (SDK 2.x only, `mode="auto"`): the client sends `server/discover`, adopts the
  result and then sends self-contained requests (protocol version, client info and
  capabilities in each request's `_meta`), with no initialize and no HTTP session.

The raw HTTP checks at the end do not depend on the SDK; they run under both generations.
"""

from __future__ import annotations

import pytest

from mcpclient import ERAS, HANDSHAKE, HANDSHAKE_VERSIONS, MODERN, SDK_GEN, connect
from rawio import RawStdio, http_request, mcp_post

pytestmark = pytest.mark.anyio

needs_gen2 = pytest.mark.skipif(SDK_GEN < 2, reason="mcp 1.x speaks only the handshake era")
only_gen1 = pytest.mark.skipif(SDK_GEN != 1, reason="checks what a 1.x client negotiates")

MODERN_META = {
    "io.modelcontextprotocol/protocolVersion": MODERN,
    "io.modelcontextprotocol/clientInfo": {"name": "switchyard-e2e-raw", "version": "0"},
    "io.modelcontextprotocol/clientCapabilities": {},
}


@only_gen1
@pytest.mark.parametrize("transport", ["stdio", "http", "sse"])
async def test_gen1_client_negotiates_its_latest_version(transport, target_for):
    import mcp.types

    async with connect(transport, target_for(transport), HANDSHAKE) as conn:
        assert conn.protocol_version == mcp.types.LATEST_PROTOCOL_VERSION
        if transport == "http":
            assert conn.session_id(), "a handshake-era Streamable HTTP connection has a session id"


@needs_gen2
@pytest.mark.parametrize("transport", ["stdio", "http"])
async def test_auto_mode_reaches_the_stateless_era(transport, target_for, package_version):
    async with connect(transport, target_for(transport), MODERN) as conn:
        assert conn.protocol_version == MODERN, "server/discover was not adopted; the client fell back to initialize"
        discovered = conn.raw_session.discover_result
        assert discovered is not None and conn.raw_session.initialize_result is None
        assert MODERN in discovered.supported_versions
        assert conn.server_name == "switchyard" and conn.server_version == package_version
        # Requests work without any session state.
        assert "note_add" in await conn.tool_names()
        assert not (await conn.call("note_list", {"limit": 1})).is_error


@needs_gen2
@pytest.mark.parametrize("transport", ["stdio", "http", "sse"])
async def test_legacy_mode_uses_the_handshake(transport, target_for):
    async with connect(transport, target_for(transport), HANDSHAKE) as conn:
        assert conn.protocol_version in HANDSHAKE_VERSIONS
        assert conn.raw_session.initialize_result is not None
        assert conn.raw_session.discover_result is None


# -- raw, SDK-independent --------------------------------------------------------------------


def test_http_handshake_opens_a_session(http_server):
    status, headers, reply = mcp_post(
        http_server.port,
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"}},
        },
    )
    assert status == 200, reply
    assert reply["result"]["protocolVersion"] == "2025-11-25"
    session = headers.get("mcp-session-id")
    assert session, headers
    common = {"Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"}
    status, _, _ = mcp_post(http_server.port, {"jsonrpc": "2.0", "method": "notifications/initialized"}, common)
    assert status == 202
    status, _, reply = mcp_post(http_server.port, {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}, common)
    assert status == 200 and "note_add" in [t["name"] for t in reply["result"]["tools"]]

    # DELETE ends the session; the ended session is then unknown (404, the cue to re-initialize).
    # 204, not rmcp's 202: both SDK generations log "Session termination failed" unless 200/204.
    status, _, _ = http_request(http_server.port, "DELETE", "/mcp", headers={"Mcp-Session-Id": session})
    assert status == 204
    status, _, reply = mcp_post(http_server.port, {"jsonrpc": "2.0", "id": 3, "method": "tools/list"}, common)
    assert status == 404, (status, reply)

    # A handshake-era request without a session id is refused with a reason.
    status, _, reply = mcp_post(http_server.port, {"jsonrpc": "2.0", "id": 4, "method": "tools/list"})
    assert status == 400 and "Session" in str(reply), (status, reply)


def test_http_discover_and_a_stateless_call(http_server, package_version):
    headers = {"MCP-Protocol-Version": MODERN, "Mcp-Method": "server/discover"}
    status, response_headers, reply = mcp_post(
        http_server.port,
        {"jsonrpc": "2.0", "id": 1, "method": "server/discover", "params": {"_meta": MODERN_META}},
        headers,
    )
    assert status == 200, reply
    result = reply["result"]
    assert MODERN in result["supportedVersions"]
    assert "tools" in result["capabilities"]
    assert "mcp-session-id" not in response_headers, "the 2026-07-28 era has no sessions"
    info = result.get("_meta", {}).get("io.modelcontextprotocol/serverInfo")
    assert info and info["name"] == "switchyard" and info["version"] == package_version, result

    headers = {"MCP-Protocol-Version": MODERN, "Mcp-Method": "tools/call", "Mcp-Name": "note_list"}
    status, _, reply = mcp_post(
        http_server.port,
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "note_list", "arguments": {"limit": 1}, "_meta": MODERN_META}},
        headers,
    )
    assert status == 200, reply
    assert reply["result"]["isError"] is False


def test_stdio_discover_without_initialize(raw_stdio, package_version):
    server: RawStdio = raw_stdio()
    reply = server.request("server/discover", {"_meta": MODERN_META})
    assert "result" in reply, reply
    assert MODERN in reply["result"]["supportedVersions"]
    listed = server.request("tools/list", {"_meta": MODERN_META})
    assert "note_add" in [t["name"] for t in listed["result"]["tools"]], listed
    assert server.close() == 0

