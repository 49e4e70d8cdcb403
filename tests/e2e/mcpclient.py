"""One small client API over both generations of the official Python MCP SDK.

The tests are written once against `connect(...)` and run under whichever SDK is installed:

* `mcp<2` (generation 1) speaks only the handshake era (initialize + sessions);
* `mcp>=2,<3` (generation 2) speaks the handshake era (`mode="legacy"`) and the stateless
  2026-07-28 era (`mode="auto"`: it sends `server/discover` and adopts the result; it would
  silently fall back to `initialize` if the server did not answer discover, so the tests
  check `protocol_version` afterwards).

Everything here goes through the SDK's own transports (`stdio_client`, the Streamable HTTP
client, `sse_client`) and sessions; the raw byte-level cases live in `rawio.py`.
"""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, AsyncIterator, TextIO

import mcp

SDK_VERSION: str = getattr(mcp, "__version__", None) or __import__("importlib.metadata").metadata.version("mcp")
SDK_GEN: int = int(SDK_VERSION.split(".")[0])
_declared = os.environ.get("MCP_SDK_GEN")
if _declared and int(_declared) != SDK_GEN:
    raise RuntimeError(f"MCP_SDK_GEN={_declared} but the installed mcp is {SDK_VERSION}")

HANDSHAKE = "handshake"
MODERN = "2026-07-28"

#: The eras this SDK generation can speak.
ERAS: list[str] = [HANDSHAKE] if SDK_GEN == 1 else [HANDSHAKE, MODERN]

#: The handshake-era protocol versions (any of them is a correct answer to initialize).
HANDSHAKE_VERSIONS = {"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"}

READ_TIMEOUT_S = 30.0


class ProtocolError(Exception):
    """A JSON-RPC error response, whichever SDK raised it."""

    def __init__(self, code: int, message: str, data: Any = None):
        super().__init__(f"JSON-RPC error {code}: {message}")
        self.code = code
        self.message = message
        self.data = data


@dataclass
class ToolResult:
    is_error: bool
    text: str
    raw: Any


@dataclass
class StdioTarget:
    """How to spawn the server for a stdio connection."""

    command: str
    args: list[str]
    env: dict[str, str]
    cwd: str
    errlog: TextIO


def _text_of(content: list[Any]) -> str:
    parts = []
    for block in content:
        text = getattr(block, "text", None)
        if text is not None:
            parts.append(text)
    return "\n".join(parts)


class Connection:
    """What a test sees of a connected client."""

    def __init__(self, *, transport: str, era: str, session: Any, client: Any = None, get_session_id=None):
        self.transport = transport
        self.era = era
        self._session = session  # gen 1: ClientSession; gen 2: ClientSession under Client
        self._client = client  # gen 2 only
        self._get_session_id = get_session_id
        self.server_name: str | None = None
        self.server_version: str | None = None
        self.protocol_version: str | None = None
        self.instructions: str | None = None
        self.capabilities: Any = None

    # -- the calls -------------------------------------------------------------------------

    async def _guard(self, coro):
        try:
            return await coro
        except Exception as exc:  # map both SDKs' JSON-RPC errors to one type
            err = getattr(exc, "error", None)
            code = getattr(err, "code", None)
            if code is not None:
                raise ProtocolError(code, err.message, getattr(err, "data", None)) from exc
            raise

    async def list_tools(self) -> list[Any]:
        if self._client is not None:
            result = await self._guard(self._client.list_tools())
        else:
            result = await self._guard(self._session.list_tools())
        return list(result.tools)

    async def tool_names(self) -> list[str]:
        return [tool.name for tool in await self.list_tools()]

    async def call(self, name: str, arguments: dict[str, Any] | None = None) -> ToolResult:
        if self._client is not None:
            result = await self._guard(self._client.call_tool(name, arguments or {}))
            is_error = bool(result.is_error)
        else:
            result = await self._guard(self._session.call_tool(name, arguments or {}))
            is_error = bool(result.isError)
        return ToolResult(is_error=is_error, text=_text_of(result.content), raw=result)

    async def ok(self, name: str, arguments: dict[str, Any] | None = None) -> str:
        """Call a tool that must succeed; return its text."""
        result = await self.call(name, arguments)
        assert not result.is_error, f"{name}({arguments}) failed:\n{result.text}"
        assert result.text.strip(), f"{name}({arguments}) returned an empty text"
        return result.text

    async def read_resource(self, uri: str) -> str:
        if self._client is not None:
            result = await self._guard(self._client.read_resource(uri, cache_mode="bypass"))
        else:
            from pydantic import AnyUrl

            result = await self._guard(self._session.read_resource(AnyUrl(uri)))
        texts = [getattr(c, "text", None) for c in result.contents]
        return "\n".join(t for t in texts if t is not None)

    async def list_resource_templates(self) -> list[str]:
        if self._client is not None:
            result = await self._guard(self._client.list_resource_templates(cache_mode="bypass"))
            return [t.uri_template for t in result.resource_templates]
        result = await self._guard(self._session.list_resource_templates())
        return [t.uriTemplate for t in result.resourceTemplates]

    async def list_prompts(self) -> list[str]:
        if self._client is not None:
            result = await self._guard(self._client.list_prompts(cache_mode="bypass"))
        else:
            result = await self._guard(self._session.list_prompts())
        return [p.name for p in result.prompts]

    def session_id(self) -> str | None:
        """The Mcp-Session-Id of a Streamable HTTP connection (gen 1 only exposes it)."""
        return self._get_session_id() if self._get_session_id else None

    @property
    def raw_session(self) -> Any:
        return self._session


# -- connecting ---------------------------------------------------------------------------


@asynccontextmanager
async def connect(
    transport: str,
    target: StdioTarget | str,
    era: str = HANDSHAKE,
    *,
    sampling_callback: Any = None,
) -> AsyncIterator[Connection]:
    """Connect over `transport` ("stdio", "http", "sse") in `era`.

    `target` is a `StdioTarget` for stdio, else the base URL of the HTTP server
    (e.g. http://127.0.0.1:PORT); the path (/mcp or /sse) is added here.
    `sampling_callback(context, params)` makes the client declare sampling and answer the
    server's `sampling/createMessage` requests (both SDKs take the same signature).
    """
    if era not in ERAS:
        raise ValueError(f"mcp {SDK_VERSION} cannot speak the {era} era")
    opener = _connect_gen1 if SDK_GEN == 1 else _connect_gen2
    try:
        async with opener(transport, target, era, sampling_callback) as conn:
            yield conn
    except BaseExceptionGroup as group:
        # The SDKs' task groups wrap whatever failed (a test's assertion included) in nested
        # one-member groups; surface the failure itself so pytest reports it plainly.
        leaf: BaseException = group
        while isinstance(leaf, BaseExceptionGroup) and len(leaf.exceptions) == 1:
            leaf = leaf.exceptions[0]
        if leaf is group:
            raise
        raise leaf from None


@asynccontextmanager
async def _gen1_streams(transport: str, target: StdioTarget | str):
    if transport == "stdio":
        from mcp.client.stdio import StdioServerParameters, stdio_client

        assert isinstance(target, StdioTarget)
        params = StdioServerParameters(command=target.command, args=target.args, env=target.env, cwd=target.cwd)
        async with stdio_client(params, errlog=target.errlog) as (read, write):
            yield read, write, None
    elif transport == "http":
        import mcp.client.streamable_http as sh

        url = f"{target}/mcp"
        if hasattr(sh, "streamable_http_client"):
            ctx = sh.streamable_http_client(url)
        else:  # mcp < 1.24
            ctx = sh.streamablehttp_client(url)
        async with ctx as (read, write, get_session_id):
            yield read, write, get_session_id
    elif transport == "sse":
        from mcp.client.sse import sse_client

        async with sse_client(f"{target}/sse") as (read, write):
            yield read, write, None
    else:
        raise ValueError(transport)


@asynccontextmanager
async def _connect_gen1(transport: str, target: StdioTarget | str, era: str, sampling_callback: Any = None):
    from mcp import ClientSession

    async with _gen1_streams(transport, target) as (read, write, get_session_id):
        async with ClientSession(
            read,
            write,
            read_timeout_seconds=timedelta(seconds=READ_TIMEOUT_S),
            sampling_callback=sampling_callback,
        ) as session:
            conn = Connection(transport=transport, era=era, session=session, get_session_id=get_session_id)
            init = await conn._guard(session.initialize())
            conn.server_name = init.serverInfo.name
            conn.server_version = init.serverInfo.version
            conn.protocol_version = init.protocolVersion
            conn.instructions = init.instructions
            conn.capabilities = init.capabilities
            yield conn


def _gen2_transport(transport: str, target: StdioTarget | str):
    if transport == "stdio":
        from mcp.client.stdio import StdioServerParameters, stdio_client

        assert isinstance(target, StdioTarget)
        params = StdioServerParameters(command=target.command, args=target.args, env=target.env, cwd=target.cwd)
        return stdio_client(params, errlog=target.errlog)
    if transport == "http":
        from mcp.client.streamable_http import streamable_http_client

        return streamable_http_client(f"{target}/mcp")
    if transport == "sse":
        from mcp.client.sse import sse_client

        return sse_client(f"{target}/sse")
    raise ValueError(transport)


@asynccontextmanager
async def _connect_gen2(transport: str, target: StdioTarget | str, era: str, sampling_callback: Any = None):
    from mcp import Client

    mode = "legacy" if era == HANDSHAKE else "auto"
    client = Client(
        _gen2_transport(transport, target),
        mode=mode,
        read_timeout_seconds=READ_TIMEOUT_S,
        cache=None,  # every call must reach the server
        sampling_callback=sampling_callback,
    )
    async with client:
        conn = Connection(transport=transport, era=era, session=client.session, client=client)
        info = client.server_info
        conn.server_name = info.name if info else None
        conn.server_version = info.version if info else None
        conn.protocol_version = client.protocol_version
        conn.instructions = client.instructions
        conn.capabilities = client.server_capabilities
        yield conn


GIT_TOOLS = [
    "git_log",
    "git_show_commit",
    "git_diff",
    "git_blame",
    "git_read_file",
    "git_search_code",
    "git_list_refs",
    "git_status",
]
NOTE_TOOLS = ["note_add", "note_list", "note_read", "note_delete"]
CONTEXT_TOOLS = ["read_context", "search_context"]


def require_tools(tool_names: list[str], *wanted: str) -> None:
    missing = [name for name in wanted if name not in tool_names]
    assert not missing, (
        f"tools missing from tools/list: {missing}; published: {tool_names} "
        "(a server built with the stub git crate has no git tools)"
    )


def field(obj: Any, snake: str) -> Any:
    """A model field by its snake_case name (2.x) or its camelCase name (1.x)."""
    if hasattr(obj, snake):
        return getattr(obj, snake)
    head, *rest = snake.split("_")
    return getattr(obj, head + "".join(part.title() for part in rest))
