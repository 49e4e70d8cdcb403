"""The same user-visible behaviour over every transport (stdio, Streamable HTTP at /mcp, the
legacy SSE pair) and every protocol era this SDK generation speaks: who the server says it
is, what it offers, and a notes / read_context / search_context round trip.

The git tools over every transport are in test_git_tools.py.

SSE: the 2.x SDK still ships the legacy SSE client (`mcp.client.sse.sse_client`), so the
SSE pair is tested with both SDK generations (handshake era only: the pair is the
2024-11-05 transport).
"""

from __future__ import annotations

import re
import subprocess
import uuid

import pytest

from mcpclient import (
    CONTEXT_TOOLS,
    GIT_TOOLS,
    HANDSHAKE,
    HANDSHAKE_VERSIONS,
    MODERN,
    NOTE_TOOLS,
    SDK_VERSION,
    connect,
    field,
    require_tools,
)

pytestmark = pytest.mark.anyio


def test_version_flag(switchyard_bin, package_version, sandbox):
    """`switchyard --version` prints the package version (what serverInfo must say too)."""
    out = subprocess.run([switchyard_bin, "--version"], capture_output=True, text=True, env=sandbox.env(), timeout=10)
    assert out.returncode == 0
    assert out.stdout.strip() == f"switchyard {package_version}"


async def test_server_identity(combo, target_for, package_version):
    transport, era = combo
    async with connect(transport, target_for(transport), era) as conn:
        assert conn.server_name == "switchyard", f"serverInfo.name is {conn.server_name!r}"
        assert conn.server_version == package_version, (
            f"serverInfo.version is {conn.server_version!r}, the package is {package_version}"
        )
        assert conn.server_version != SDK_VERSION
        if era == HANDSHAKE:
            assert conn.protocol_version in HANDSHAKE_VERSIONS
        else:
            assert conn.protocol_version == MODERN
        assert conn.instructions and "read_context" in conn.instructions
        caps = conn.capabilities
        assert caps.tools is not None and caps.resources is not None and caps.prompts is not None


async def test_tool_catalog(combo, target_for):
    transport, era = combo
    async with connect(transport, target_for(transport), era) as conn:
        tools = await conn.list_tools()
        names = [tool.name for tool in tools]
        require_tools(names, *NOTE_TOOLS, *CONTEXT_TOOLS)
        assert len(names) == len(set(names)), f"duplicate tool names: {names}"
        for tool in tools:
            assert re.fullmatch(r"[a-z0-9_]{1,48}", tool.name), tool.name
            assert tool.description, f"{tool.name} has no description"
            schema = field(tool, "input_schema")
            assert schema.get("type") == "object", f"{tool.name}: {schema}"
        by_name = {tool.name: tool for tool in tools}
        assert field(by_name["read_context"].annotations, "read_only_hint") is True
        assert field(by_name["note_add"].annotations, "read_only_hint") is False
        assert field(by_name["note_add"].annotations, "destructive_hint") is False
        assert field(by_name["note_delete"].annotations, "destructive_hint") is True
        prompts = await conn.list_prompts()
        assert {"review_change", "investigate_incident", "catch_up"} <= set(prompts)


@pytest.mark.git
async def test_tool_catalog_has_every_git_tool(combo, target_for):
    transport, era = combo
    async with connect(transport, target_for(transport), era) as conn:
        require_tools(await conn.tool_names(), *GIT_TOOLS)


async def test_notes_read_context_and_search(combo, target_for):
    """note_add → note_read, resources/read note://id, read_context, search_context, note_list."""
    transport, era = combo
    word = f"zebra{uuid.uuid4().hex[:10]}"
    async with connect(transport, target_for(transport), era) as conn:
        added = await conn.ok(
            "note_add",
            {"text": f"Deploy checklist {word}\n\nRun the migrations first.", "tags": ["deploy"], "links": ["git://demo/refs"]},
        )
        match = re.search(r"note://(\d+)", added)
        assert match, added
        uri = match.group(0)
        assert added.startswith(f"added {uri}"), added

        read = await conn.ok("note_read", {"id": uri})
        assert f"Deploy checklist {word}" in read
        assert "Run the migrations first." in read
        assert "e2e-user" in read, "the author is the configured identity"
        assert "deploy" in read and "git://demo/refs" in read

        resource = await conn.read_resource(uri)
        assert f"Deploy checklist {word}" in resource and "e2e-user" in resource

        via_context = await conn.ok("read_context", {"uri": uri})
        assert f"Deploy checklist {word}" in via_context

        found = await conn.ok("search_context", {"query": word})
        assert uri in found, found
        assert re.search(r"- note: ok, 1 hits", found), found

        listed = await conn.ok("note_list", {"tag": "deploy", "text": word})
        assert uri in listed and word in listed

        templates = await conn.list_resource_templates()
        assert "note://{id}" in templates


@pytest.mark.git
async def test_git_resource_and_read_context(combo, target_for, git_repo):
    """resources/read git://demo/refs and read_context of a commit URI."""
    transport, era = combo
    async with connect(transport, target_for(transport), era) as conn:
        require_tools(await conn.tool_names(), "git_log")
        refs = await conn.read_resource("git://demo/refs")
        for name in ["main", "feature/login", "v1.0"]:
            assert name in refs, refs
        commit = await conn.ok("read_context", {"uri": f"git://demo/commit/{git_repo.commits['greet']}"})
        assert "Greet by name" in commit and "Bob Builder" in commit
