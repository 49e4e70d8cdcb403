"""Bad input gets a precise answer and the server goes on serving.

* raw bytes on stdin (written straight to the process, not through an SDK): a malformed JSON
  line, a line that is not UTF-8, JSON that is not a request → JSON-RPC errors, then the
  same process still answers;
* stdout on stdio carries nothing but JSON-RPC, logs go to stderr;
* through the SDKs: an unknown tool is a JSON-RPC (protocol) error; wrong argument types,
  revisions and paths that do not exist are tool results with isError naming the culprit;
  a 10 MB argument gets a clear error and the server keeps answering.
"""

from __future__ import annotations

import json

import pytest

from mcpclient import ERAS, ProtocolError, connect, require_tools

pytestmark = pytest.mark.anyio

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
INVALID_PARAMS = -32602

TEN_MB = 10 * 1024 * 1024


# -- raw stdin -------------------------------------------------------------------------------


def test_malformed_line_gets_parse_error_and_server_goes_on(raw_stdio):
    server = raw_stdio()
    server.initialize()

    server.write(b'{"jsonrpc": "2.0", "id": 7, "method": "tools/list"\n')  # unterminated object
    reply = server.recv()
    assert reply["jsonrpc"] == "2.0"
    assert reply["id"] is None, "a parse error cannot know the id: it must be null"
    assert reply["error"]["code"] == PARSE_ERROR
    assert "parse error" in reply["error"]["message"].lower()

    server.write(b"this is not json at all\n")
    reply = server.recv()
    assert reply["id"] is None and reply["error"]["code"] == PARSE_ERROR

    server.write(b"[1, 2, 3]\n")  # JSON, but not a request
    reply = server.recv()
    assert reply["error"]["code"] == INVALID_REQUEST

    # tools/call with a name that is not a string: invalid params, with the request's id.
    server.send({"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": {"name": 5}})
    reply = server.recv_response(9)
    assert reply["error"]["code"] == INVALID_PARAMS

    # The same process still answers, and the session is intact.
    listed = server.request("tools/list", {})
    names = [tool["name"] for tool in listed["result"]["tools"]]
    assert "note_add" in names
    called = server.request("tools/call", {"name": "note_list", "arguments": {}})
    assert called["result"]["isError"] is False
    assert server.close() == 0


def test_line_that_is_not_utf8_gets_parse_error_and_server_goes_on(raw_stdio):
    server = raw_stdio()
    server.initialize()
    server.write(b'{"jsonrpc": "2.0", "id": 8, "method": "tools/list", "params": {}}\xff\xfe\n')
    reply = server.recv()
    assert reply["id"] is None and reply["error"]["code"] == PARSE_ERROR
    assert "UTF-8" in reply["error"]["message"]
    # The next request is still answered (the session did not end).
    pong = server.request("ping", {}, timeout=5)
    assert pong.get("result") == {}, pong
    assert server.proc.poll() is None, "the server must not exit after a bad line"
    assert server.close() == 0


def test_line_over_the_size_limit_is_skipped_and_server_goes_on(raw_stdio):
    """stdin lines are capped at 64 MiB; a longer one is answered with an error and skipped."""
    server = raw_stdio()
    server.initialize()
    server.write(b"x" * (64 * 1024 * 1024 + 16) + b"\n")
    reply = server.recv(timeout=30)
    assert reply["id"] is None and reply["error"]["code"] == INVALID_REQUEST
    assert "longer than" in reply["error"]["message"]
    pong = server.request("ping", {}, timeout=10)
    assert pong.get("result") == {}, pong
    assert server.close() == 0


def test_malformed_line_before_initialize(raw_stdio):
    server = raw_stdio()
    server.write(b"{oops\n")
    reply = server.recv()
    assert reply["id"] is None and reply["error"]["code"] == PARSE_ERROR
    init = server.initialize()
    assert init["serverInfo"]["name"] == "switchyard"
    assert server.close() == 0


def test_stdout_carries_only_json_rpc(raw_stdio):
    """A whole session at debug log level (lots of logging): every stdout line is a JSON-RPC
    message; the logs are on stderr."""
    server = raw_stdio(global_args=("--log-level", "debug"))
    server.initialize()
    server.request("tools/list", {})
    server.request("tools/call", {"name": "note_add", "arguments": {"text": "stdout purity check"}})
    server.request("tools/call", {"name": "note_list", "arguments": {"limit": "abc"}})
    server.request("tools/call", {"name": "no_such_tool", "arguments": {}})
    server.request("tools/call", {"name": "git_log", "arguments": {"limit": 2}})
    server.request("tools/call", {"name": "git_diff", "arguments": {}})
    server.request("resources/read", {"uri": "git://demo/refs"})
    server.request("tools/call", {"name": "search_context", "arguments": {"query": "greet"}})
    server.request("resources/templates/list", {})
    server.request("prompts/list", {})
    server.write(b"garbage\n")
    server.recv()
    server.request("ping", {})
    assert server.close() == 0

    assert server.lines, "the server wrote nothing to stdout"
    for raw in server.lines:
        assert raw.endswith(b"\n")
        message = json.loads(raw)  # raises on anything that is not JSON
        assert isinstance(message, dict) and message.get("jsonrpc") == "2.0", raw
        assert ("result" in message or "error" in message) != ("method" in message), raw
    stderr = server.stderr_text()
    assert "switchyard" in stderr and "starting" in stderr, f"logs belong on stderr:\n{stderr[:2000]}"
    assert "tool call" in stderr


# -- through the SDKs ------------------------------------------------------------------------

async def test_unknown_tool_is_a_protocol_error(combo, target_for):
    transport, era = combo
    async with connect(transport, target_for(transport), era) as conn:
        with pytest.raises(ProtocolError) as caught:
            await conn.call("no_such_tool", {})
        assert caught.value.code == INVALID_PARAMS, caught.value
        assert "no_such_tool" in caught.value.message
        assert "note_add" in await conn.tool_names(), "the session still answers"


async def expect_named_errors(conn, cases: list[tuple[str, dict, list[str]]], max_chars: int | None = None) -> None:
    """Call each (tool, arguments, words) case; every one must be a tool result with isError
    whose text contains every word (and, with max_chars, is at most that long). All cases
    run, then every miss is reported at once."""
    misses = []
    for tool, arguments, words in cases:
        result = await conn.call(tool, arguments)
        shown = {k: (v if len(str(v)) < 60 else f"<{len(str(v))} chars>") for k, v in arguments.items()}
        excerpt = result.text[:300] if len(result.text) < 600 else f"{result.text[:250]} … {result.text[-250:]}"
        if not result.is_error:
            misses.append(f"{tool}({shown}) succeeded; expected isError naming {words}:\n  {excerpt}")
        elif missing := [w for w in words if w not in result.text]:
            misses.append(f"{tool}({shown}) does not name {missing}:\n  {excerpt}")
        if max_chars is not None and len(result.text) > max_chars:
            misses.append(f"{tool}({shown}) answered with {len(result.text)} chars (at most {max_chars}):\n  {excerpt}")
    assert not misses, "\n".join(misses)


async def test_wrong_argument_types_name_the_argument(combo, target_for):
    transport, era = combo
    async with connect(transport, target_for(transport), era) as conn:
        await expect_named_errors(
            conn,
            [
                ("note_list", {"limit": "abc"}, ["limit", "invalid_arguments"]),
                ("note_list", {"limit": -1}, ["limit"]),
                ("note_add", {"text": "x", "tags": "not-a-list"}, ["tags"]),
                ("note_add", {"text": 42}, ["text"]),
                ("note_add", {"text": "x", "colour": "red"}, ["colour"]),  # unknown argument
                ("search_context", {}, ["query"]),  # missing argument
                ("search_context", {"query": "x", "limit": "many"}, ["limit"]),
                ("read_context", {"uri": ["git://demo/refs"]}, ["uri"]),
            ],
        )
        assert "note_add" in await conn.tool_names(), "the session still answers"


@pytest.mark.git
async def test_git_wrong_argument_types_name_the_argument(combo, target_for):
    transport, era = combo
    async with connect(transport, target_for(transport), era) as conn:
        require_tools(await conn.tool_names(), "git_log", "git_read_file", "git_blame", "git_search_code")
        await expect_named_errors(
            conn,
            [
                ("git_log", {"limit": "abc"}, ["limit", "invalid_arguments"]),
                ("git_log", {"rev": 5}, ["rev"]),
                ("git_read_file", {}, ["path"]),  # missing argument
                ("git_blame", {"path": "src/app.py", "start_line": -3}, ["start_line"]),
                ("git_search_code", {"query": "x", "regex": "yes"}, ["regex"]),
                ("git_list_refs", {"kind": "remotes"}, ["kind"]),
                ("git_diff", {"from": "main", "context_lines": 1.5}, ["context_lines"]),
                ("git_status", {"bogus": 1}, ["bogus"]),  # unknown argument
            ],
        )


@pytest.mark.git
async def test_missing_revision_and_path_are_named(combo, target_for):
    transport, era = combo
    async with connect(transport, target_for(transport), era) as conn:
        require_tools(await conn.tool_names(), "git_log", "git_show_commit", "git_read_file", "git_diff", "git_blame")
        missing_sha = "0123456789abcdef0123456789abcdef01234567"
        await expect_named_errors(
            conn,
            [
                ("git_log", {"rev": "no-such-branch"}, ["no-such-branch", "not_found"]),
                ("git_show_commit", {"rev": missing_sha}, [missing_sha]),
                ("git_diff", {"from": "v9.9", "to": "main"}, ["v9.9"]),
                ("git_read_file", {"path": "no/such/file.txt"}, ["no/such/file.txt", "not_found"]),
                ("git_read_file", {"path": "README.md", "rev": "nope-rev"}, ["nope-rev"]),
                ("git_blame", {"path": "missing.rs"}, ["missing.rs"]),
                ("git_search_code", {"query": "x", "rev": "gone"}, ["gone"]),
                ("git_log", {"repo": "nope"}, ["nope", "demo"]),  # names the repositories there are
                ("read_context", {"uri": "git://demo/commit/no-such-rev"}, ["no-such-rev"]),
            ],
        )
        assert not (await conn.call("git_log", {"limit": 1})).is_error, "the session still answers"


async def test_missing_note_and_unknown_uri_are_named(combo, target_for):
    transport, era = combo
    async with connect(transport, target_for(transport), era) as conn:
        result = await conn.call("note_read", {"id": "987654321"})
        assert result.is_error and "987654321" in result.text and "does not exist" in result.text, result.text

        result = await conn.call("read_context", {"uri": "jira://PROJ-1"})
        assert result.is_error and "jira" in result.text, result.text

        with pytest.raises(ProtocolError) as caught:
            await conn.read_resource("note://987654321")
        assert "987654321" in caught.value.message


@pytest.mark.parametrize("transport", ["stdio", "http"])
async def test_ten_megabyte_note_is_refused(transport, target_for):
    async with connect(transport, target_for(transport), ERAS[-1]) as conn:
        result = await conn.call("note_add", {"text": "a" * TEN_MB})
        assert result.is_error, result.text[:500]
        assert "note_add failed [invalid_arguments]" in result.text, result.text[:500]
        assert str(TEN_MB) in result.text and "65536" in result.text, result.text[:500]
        assert len(result.text) < 10_000, "the error does not echo the 10 MB back"
        # The server keeps answering, in the same session.
        assert not (await conn.call("note_list", {"limit": 1})).is_error
        assert "note_add" in await conn.tool_names()


@pytest.mark.parametrize("transport", ["stdio", "http"])
async def test_ten_megabyte_search_query_is_refused(transport, target_for):
    async with connect(transport, target_for(transport), ERAS[-1]) as conn:
        result = await conn.call("search_context", {"query": "word " * (TEN_MB // 5)})
        assert result.is_error and len(result.text) < 10_000, (
            f"a 10 MB query should be refused with a short, clear error; got isError={result.is_error} "
            f"and {len(result.text)} chars of text:\n{result.text[:200]}\n…\n{result.text[-300:]}"
        )
        assert "query" in result.text and "invalid_arguments" in result.text, result.text[:500]
        # The server keeps answering, in the same session.
        assert not (await conn.call("search_context", {"query": "word"})).is_error
        assert "note_add" in await conn.tool_names()


@pytest.mark.git
async def test_ten_megabyte_arguments_to_git_tools_and_read_context(stdio_target, fresh_data_dir):
    """Each 10 MB argument gets a short error naming the argument (not the argument echoed
    back, not a search for it), and the server keeps answering."""
    big = "w" * TEN_MB
    async with connect("stdio", stdio_target(fresh_data_dir), ERAS[-1]) as conn:
        require_tools(await conn.tool_names(), "git_search_code", "git_log", "git_read_file")
        await expect_named_errors(
            conn,
            [
                ("git_search_code", {"query": big}, ["query"]),
                ("git_log", {"grep": big}, ["grep"]),
                ("git_read_file", {"path": big}, ["path"]),
                ("read_context", {"uri": "note://" + big}, ["uri"]),
            ],
            max_chars=10_000,
        )
        assert not (await conn.call("git_log", {"limit": 1})).is_error, "the session still answers"


# -- signals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGINT"])
def test_a_signal_ends_the_stdio_server_while_stdin_stays_open(raw_stdio, sig):
    """A host may signal before it closes the pipe: the process must not wait for stdin."""
    import signal
    import subprocess

    server = raw_stdio()
    server.initialize()
    server.proc.send_signal(getattr(signal, sig))
    try:
        code = server.proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the server was still running 5 s after {sig} with stdin open")
    assert code == 0
