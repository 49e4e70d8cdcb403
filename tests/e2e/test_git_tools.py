"""Every git tool against a small real repository made with the git CLI (see conftest.git_repo):

    main:  Initial commit (Alice) → Greet by name (Bob, tag v1.0) → Add release notes (Alice)
    feature/login: … → Add login stub (Bob)
    working tree: README.md modified, scratch.txt untracked

One test calls all eight tools over every transport and era; the others look closer at one
tool each over stdio (in the newest era this SDK speaks). Assertions are on what a user reads:
subjects, authors, ids, file lines, paths, and the git:// URIs items carry.
"""

from __future__ import annotations

import re

import pytest

from mcpclient import ERAS, GIT_TOOLS, connect, require_tools

pytestmark = [pytest.mark.anyio, pytest.mark.git]

COMMIT_URI = re.compile(r"git://demo/commit/([0-9a-f]{7,40})\b")


async def test_every_git_tool_over_every_transport(combo, target_for, git_repo):
    transport, era = combo
    async with connect(transport, target_for(transport), era) as conn:
        require_tools(await conn.tool_names(), *GIT_TOOLS)

        log = await conn.ok("git_log", {})
        assert_in_order(log, ["Add release notes", "Greet by name", "Initial commit"])
        assert "Add login stub" not in log, "git_log defaults to HEAD (main)"

        show = await conn.ok("git_show_commit", {"rev": git_repo.commits["greet"]})
        assert "Greet by name" in show and "Bob Builder" in show
        assert 'Hello, {name}!' in show, "the commit's diff is shown"

        diff = await conn.ok("git_diff", {"from": git_repo.commits["initial"], "to": git_repo.commits["greet"]})
        assert "src/app.py" in diff
        assert diff_has(diff, "-", 'return "hi " + name') and diff_has(diff, "+", 'return f"Hello, {name}!"')

        blame = await conn.ok("git_blame", {"path": "src/app.py"})
        assert "Bob Builder" in blame or "bob@example.com" in blame
        assert "Alice Example" in blame or "alice@example.com" in blame

        read = await conn.ok("git_read_file", {"path": "README.md"})
        assert "A small repository for the Switchyard end-to-end tests." in read
        assert "Uncommitted line." not in read, "git_read_file reads HEAD, not the working tree"

        search = await conn.ok("git_search_code", {"query": "switchyard_needle_42"})
        assert "src/app.py" in search

        refs = await conn.ok("git_list_refs", {})
        for name in ["main", "feature/login", "v1.0"]:
            assert name in refs, refs

        status = await conn.ok("git_status", {})
        assert "README.md" in status and "scratch.txt" in status


# -- one tool at a time, over stdio ----------------------------------------------------------


@pytest.fixture
def stdio_conn_args(stdio_target, fresh_data_dir):
    return ("stdio", stdio_target(fresh_data_dir), ERAS[-1])


async def test_git_log_filters_and_uris(stdio_conn_args, git_repo):
    async with connect(*stdio_conn_args) as conn:
        require_tools(await conn.tool_names(), "git_log")
        log = await conn.ok("git_log", {})
        uris = COMMIT_URI.findall(log)
        assert len(uris) == 3, f"one git://demo/commit/<sha> URI per commit:\n{log}"
        for label in ["notes", "greet", "initial"]:
            assert git_repo.short(label) in log

        by_bob = await conn.ok("git_log", {"author": "bob"})
        assert "Greet by name" in by_bob
        assert "Initial commit" not in by_bob and "Add release notes" not in by_bob

        by_path = await conn.ok("git_log", {"path": "docs/release.md"})
        assert "Add release notes" in by_path and "Greet by name" not in by_path

        by_grep = await conn.ok("git_log", {"grep": "GREET"})
        assert "Greet by name" in by_grep and "Initial commit" not in by_grep

        branch = await conn.ok("git_log", {"rev": "feature/login"})
        assert_in_order(branch, ["Add login stub", "Add release notes", "Greet by name", "Initial commit"])

        since = await conn.ok("git_log", {"since": "2024-02-15"})
        assert "Add release notes" in since and "Greet by name" not in since

        named = await conn.ok("git_log", {"repo": "demo", "limit": 5})
        assert_in_order(named, ["Add release notes", "Greet by name", "Initial commit"])

        page = await conn.ok("git_log", {"limit": 1})
        assert "Add release notes" in page and "Greet by name" not in page
        cursor = re.search(r"next_cursor\W+([A-Za-z0-9_\-=.:]+)", page)
        assert cursor, f"a cut page says how to continue:\n{page}"
        rest = await conn.ok("git_log", {"limit": 5, "cursor": cursor.group(1)})
        assert "Greet by name" in rest and "Add release notes" not in rest

        # Each item's URI resolves through read_context.
        first = COMMIT_URI.search(log)
        assert first
        commit = await conn.ok("read_context", {"uri": first.group(0)})
        assert "Add release notes" in commit


async def test_git_show_commit(stdio_conn_args, git_repo):
    async with connect(*stdio_conn_args) as conn:
        require_tools(await conn.tool_names(), "git_show_commit")
        by_tag = await conn.ok("git_show_commit", {"rev": "v1.0"})
        assert "Greet by name" in by_tag and "The greeting now names the person." in by_tag
        assert git_repo.short("greet") in by_tag
        assert "Bob Builder" in by_tag and "src/app.py" in by_tag

        head = await conn.ok("git_show_commit", {})
        assert "Add release notes" in head and "docs/release.md" in head

        short = await conn.ok("git_show_commit", {"rev": git_repo.short("initial"), "include_diff": False})
        assert "Initial commit" in short and "README.md" in short
        assert 'return "hi " + name' not in short, "include_diff=false leaves the diff out"

        parent = await conn.ok("git_show_commit", {"rev": "HEAD~2"})
        assert "Initial commit" in parent


async def test_git_diff(stdio_conn_args, git_repo):
    async with connect(*stdio_conn_args) as conn:
        require_tools(await conn.tool_names(), "git_diff")
        worktree = await conn.ok("git_diff", {})
        assert "README.md" in worktree and diff_has(worktree, "+", "Uncommitted line.")

        ranged = await conn.ok("git_diff", {"from": "v1.0", "to": "main"})
        assert "docs/release.md" in ranged and diff_has(ranged, "+", "- greet names the person")
        assert "src/app.py" not in ranged

        only_path = await conn.ok("git_diff", {"from": git_repo.commits["initial"], "to": "feature/login", "path": "src/login.py"})
        assert "src/login.py" in only_path and "docs/release.md" not in only_path


async def test_git_blame(stdio_conn_args, git_repo):
    async with connect(*stdio_conn_args) as conn:
        require_tools(await conn.tool_names(), "git_blame")
        blame = await conn.ok("git_blame", {"path": "src/app.py"})
        greeting = blamed_by(blame, 'Hello, {name}!')
        assert git_repo.short("greet") in greeting and "Bob Builder" in greeting, blame
        assert f"git://demo/commit/{git_repo.commits['greet']}" in greeting
        main = blamed_by(blame, "def main():")
        assert git_repo.short("initial") in main and "Alice Example" in main, blame

        ranged = await conn.ok("git_blame", {"path": "src/app.py", "start_line": 3, "end_line": 3})
        assert 'Hello, {name}!' in ranged and "def main():" not in ranged

        old = await conn.ok("git_blame", {"path": "src/app.py", "rev": git_repo.commits["initial"]})
        assert 'return "hi " + name' in old and "Bob" not in old


async def test_git_read_file(stdio_conn_args, git_repo):
    async with connect(*stdio_conn_args) as conn:
        require_tools(await conn.tool_names(), "git_read_file")
        at_tag = await conn.ok("git_read_file", {"path": "src/app.py", "rev": "v1.0"})
        assert 'return f"Hello, {name}!"' in at_tag
        old = await conn.ok("git_read_file", {"path": "src/app.py", "rev": git_repo.commits["initial"]})
        assert 'return "hi " + name' in old and "Hello" not in old
        window = await conn.ok("git_read_file", {"path": "src/app.py", "start_line": 2, "end_line": 3})
        assert "def greet(name):" in window and "switchyard_needle_42" not in window and "def main" not in window
        root = await conn.ok("git_read_file", {"path": ""})
        for entry in ["README.md", "src", "docs"]:
            assert entry in root, root
        directory = await conn.ok("git_read_file", {"path": "src", "rev": "feature/login"})
        assert "app.py" in directory and "login.py" in directory
        # The file URI resolves too.
        resource = await conn.read_resource("git://demo/file/v1.0/src/app.py")
        assert 'return f"Hello, {name}!"' in resource


async def test_git_search_code(stdio_conn_args):
    async with connect(*stdio_conn_args) as conn:
        require_tools(await conn.tool_names(), "git_search_code")
        hit = await conn.ok("git_search_code", {"query": "def greet"})
        assert "src/app.py" in hit
        regex = await conn.ok("git_search_code", {"query": r"def (greet|main)\(", "regex": True})
        assert "def greet" in regex and "def main" in regex
        nocase = await conn.ok("git_search_code", {"query": "RELEASE NOTES", "ignore_case": True})
        assert "docs/release.md" in nocase
        scoped = await conn.ok("git_search_code", {"query": "greet", "path": "docs/"})
        assert "docs/release.md" in scoped and "src/app.py" not in scoped
        branch = await conn.ok("git_search_code", {"query": "def login", "rev": "feature/login"})
        assert "src/login.py" in branch
        none = await conn.call("git_search_code", {"query": "no_such_text_anywhere_123"})
        assert not none.is_error
        assert "src/" not in none.text and "docs/" not in none.text


async def test_git_list_refs(stdio_conn_args, git_repo):
    async with connect(*stdio_conn_args) as conn:
        require_tools(await conn.tool_names(), "git_list_refs")
        tags = await conn.ok("git_list_refs", {"kind": "tags"})
        assert "v1.0" in tags and "feature/login" not in tags
        branches = await conn.ok("git_list_refs", {"kind": "branches"})
        assert "main" in branches and "feature/login" in branches and "v1.0" not in branches
        assert git_repo.short("login") in branches
        contains = await conn.ok("git_list_refs", {"contains": "LOGIN"})
        assert "feature/login" in contains and "v1.0" not in contains


async def test_git_status(stdio_conn_args):
    async with connect(*stdio_conn_args) as conn:
        require_tools(await conn.tool_names(), "git_status")
        status = await conn.ok("git_status", {})
        readme = next(line for line in status.splitlines() if "README.md" in line)
        scratch = next(line for line in status.splitlines() if "scratch.txt" in line)
        assert re.search(r"modified|\bM\b", readme, re.I), readme
        assert re.search(r"untracked|\?\?", scratch, re.I), scratch
        assert "main" in status, "status names the current branch"
        resource = await conn.read_resource("git://demo/status")
        assert "README.md" in resource and "scratch.txt" in resource


async def test_git_resources_and_search_context(stdio_conn_args):
    async with connect(*stdio_conn_args) as conn:
        require_tools(await conn.tool_names(), *GIT_TOOLS)
        templates = await conn.list_resource_templates()
        assert any(t.startswith("git://") for t in templates), templates
        found = await conn.ok("search_context", {"query": "release notes"})
        assert "git://demo/" in found, found
        assert re.search(r"- git: ok", found), found


# -- helpers ---------------------------------------------------------------------------------


def assert_in_order(text: str, needles: list[str]) -> None:
    positions = []
    for needle in needles:
        assert needle in text, f"{needle!r} missing from:\n{text}"
        positions.append(text.index(needle))
    assert positions == sorted(positions), f"expected in this order {needles}:\n{text}"


def blamed_by(blame: str, content: str) -> str:
    """The text that attributes the line holding `content`: the line itself and the nearest
    line above it that names a commit (blame output may group consecutive lines)."""
    lines = blame.splitlines()
    index = next((i for i, line in enumerate(lines) if content in line), None)
    assert index is not None, f"{content!r} missing from the blame:\n{blame}"
    for above in range(index, -1, -1):
        if re.search(r"\b[0-9a-f]{7,40}\b", lines[above]):
            return lines[above] + "\n" + lines[index]
    raise AssertionError(f"no commit attributed to {content!r}:\n{blame}")


def diff_has(diff: str, sign: str, content: str) -> bool:
    """Whether a unified diff has a `sign` line (+/-) with `content`."""
    return any(line.startswith(sign) and content in line for line in diff.splitlines())


async def test_zero_config_serves_the_repository_of_the_working_directory(switchyard_bin, sandbox, git_repo, tmp_path):
    """The README's promise: run `switchyard serve` inside a checkout, with no config and no
    --repo, and a client's git_log answers with that repository's history."""
    from mcpclient import StdioTarget

    subdir = git_repo.path / "src"  # from a subdirectory, as an IDE may start it
    env = sandbox.env()
    env["SWITCHYARD_DATA_DIR"] = str(tmp_path / "zero-config-data")
    with open(tmp_path / "zero-config.stderr", "w") as errlog:
        target = StdioTarget(command=switchyard_bin, args=["serve"], env=env, cwd=str(subdir), errlog=errlog)
        async with connect("stdio", target, ERAS[-1]) as conn:
            result = await conn.call("git_log", {"limit": 10})
    assert not result.is_error, result.text
    assert f"commits in repository {git_repo.name}" in result.text, result.text
    for label in ["initial", "greet", "notes"]:
        assert git_repo.commits[label][:10] in result.text, (label, result.text)
    assert git_repo.commits["login"][:10] not in result.text, "a commit of another branch was listed"
