"""Workspace notes are shared by every process on the same --data-dir: a note added through
the HTTP server is read by a stdio client, and the other way round (and the legacy SSE pair
sees them too). A fresh data dir starts empty, so nothing of the developer's own notes leaks in.
"""

from __future__ import annotations

import re
import uuid

import pytest

from mcpclient import ERAS, HANDSHAKE, connect

pytestmark = pytest.mark.anyio


def note_uri(text: str) -> str:
    match = re.search(r"note://\d+", text)
    assert match, f"no note:// URI in:\n{text}"
    return match.group(0)


async def test_a_fresh_data_dir_has_no_notes(stdio_target, fresh_data_dir):
    async with connect("stdio", stdio_target(fresh_data_dir), ERAS[-1]) as conn:
        listed = await conn.call("note_list", {})
        assert not listed.is_error
        assert "note://" not in listed.text, listed.text


@pytest.mark.parametrize("era", ERAS)
async def test_http_note_is_read_over_stdio(era, start_http, stdio_target, fresh_data_dir):
    server = start_http(fresh_data_dir)
    word = f"okapi{uuid.uuid4().hex[:8]}"
    async with connect("http", server.url, era) as http:
        uri = note_uri(await http.ok("note_add", {"text": f"Written over HTTP: {word}", "tags": ["handoff"]}))

    async with connect("stdio", stdio_target(fresh_data_dir), era) as stdio:
        read = await stdio.ok("note_read", {"id": uri})
        assert f"Written over HTTP: {word}" in read and "handoff" in read
        resource = await stdio.read_resource(uri)
        assert word in resource
        listed = await stdio.ok("note_list", {"tag": "handoff"})
        assert uri in listed and word in listed
        found = await stdio.ok("search_context", {"query": word})
        assert uri in found


@pytest.mark.parametrize("era", ERAS)
async def test_stdio_note_is_read_over_http_and_sse(era, start_http, stdio_target, fresh_data_dir):
    server = start_http(fresh_data_dir)
    word = f"quokka{uuid.uuid4().hex[:8]}"
    # The HTTP server is already running when the stdio process writes: no restart, no cache.
    async with connect("stdio", stdio_target(fresh_data_dir), era) as stdio:
        uri = note_uri(await stdio.ok("note_add", {"text": f"Written over stdio: {word}", "links": ["git://demo/refs"]}))

    async with connect("http", server.url, era) as http:
        via_context = await http.ok("read_context", {"uri": uri})
        assert f"Written over stdio: {word}" in via_context and "git://demo/refs" in via_context
        found = await http.ok("search_context", {"query": word, "sources": ["note"]})
        assert uri in found
        linked = await http.ok("note_list", {"linked": "git://demo/refs"})
        assert uri in linked

    async with connect("sse", server.url, HANDSHAKE) as sse:
        read = await sse.ok("note_read", {"id": uri.removeprefix("note://")})
        assert f"Written over stdio: {word}" in read


async def test_a_deletion_over_http_is_seen_over_stdio(start_http, stdio_target, fresh_data_dir):
    server = start_http(fresh_data_dir)
    async with connect("http", server.url, HANDSHAKE) as http:
        uri = note_uri(await http.ok("note_add", {"text": "short-lived note"}))
        deleted = await http.ok("note_delete", {"id": uri})
        assert uri in deleted or "deleted" in deleted.lower()
    async with connect("stdio", stdio_target(fresh_data_dir), ERAS[-1]) as stdio:
        gone = await stdio.call("note_read", {"id": uri})
        assert gone.is_error
        assert "does not exist" in gone.text and uri.removeprefix("note://") in gone.text
