"""Fixtures of the end-to-end suite: the built binary, an isolated environment, a small real
git repository, servers on free ports (stdio targets and HTTP servers), torn down after use.

Isolation: every server gets `--config` (a test config in a temp dir), `--data-dir` (a temp
dir), a temp working directory that holds no switchyard.toml and is not inside a git
repository, and HOME / XDG_* pointing at empty temp dirs, so nothing of the developer's own
configuration, notes or repositories can leak in.
"""

from __future__ import annotations

import os
import subprocess
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from mcpclient import ERAS, HANDSHAKE, MODERN, SDK_GEN, SDK_VERSION, StdioTarget
from servers import HttpServer, serve_argv

ROOT = Path(__file__).resolve().parents[2]
REPO_NAME = "demo"


# -- the binary and its version -------------------------------------------------------------


def pytest_report_header(config):
    return [f"mcp SDK {SDK_VERSION} (generation {SDK_GEN}); eras: {', '.join(ERAS)}; binary: {binary_path()}"]


def binary_path() -> Path:
    return Path(os.environ.get("SWITCHYARD_BIN") or ROOT / "target" / "debug" / "switchyard")


@pytest.fixture(scope="session")
def switchyard_bin() -> str:
    path = binary_path()
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.exit(f"no switchyard binary at {path}: run `cargo build` or set SWITCHYARD_BIN", returncode=2)
    return str(path)


@pytest.fixture(scope="session")
def package_version() -> str:
    """The version the server must report: the package version in Cargo.toml."""
    manifest = tomllib.loads((ROOT / "Cargo.toml").read_text())
    version = manifest.get("package", {}).get("version")
    if not isinstance(version, str):
        version = manifest["workspace"]["package"]["version"]
    return version


@pytest.fixture
def anyio_backend():
    return "asyncio"


# -- isolation ------------------------------------------------------------------------------


@dataclass
class Sandbox:
    root: Path
    home: Path
    cwd: Path
    config: Path

    def env(self, **extra: str) -> dict[str, str]:
        """A minimal environment: nothing of the caller's (no RUST_LOG, SWITCHYARD_*, …)."""
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "HOME": str(self.home),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "XDG_DATA_HOME": str(self.home / ".local" / "share"),
            "XDG_CACHE_HOME": str(self.home / ".cache"),
            "XDG_STATE_HOME": str(self.home / ".local" / "state"),
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        env.update(extra)
        return env


TEST_CONFIG = """\
# The configuration of the end-to-end tests (repositories come from --repo).
[identity]
user = "e2e-user"

[connectors.git]
type = "git"

[notes]
enabled = true
"""


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory) -> Sandbox:
    root = tmp_path_factory.mktemp("sandbox")
    home = root / "home"
    for sub in [".config", ".local/share", ".local/state", ".cache"]:
        (home / sub).mkdir(parents=True)
    cwd = root / "cwd"
    cwd.mkdir()
    config = root / "e2e.toml"
    config.write_text(TEST_CONFIG)
    return Sandbox(root=root, home=home, cwd=cwd, config=config)


# -- a small real repository ----------------------------------------------------------------


@dataclass
class RepoInfo:
    path: Path
    name: str
    commits: dict[str, str] = field(default_factory=dict)  # label -> full sha

    def short(self, label: str) -> str:
        return self.commits[label][:7]


def _git(repo: Path, env: dict[str, str], *args: str, date: str | None = None, author: tuple[str, str] | None = None) -> str:
    env = dict(env)
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    if author:
        env["GIT_AUTHOR_NAME"], env["GIT_AUTHOR_EMAIL"] = author
        env["GIT_COMMITTER_NAME"], env["GIT_COMMITTER_EMAIL"] = author
    result = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
    return result.stdout.strip()


ALICE = ("Alice Example", "alice@example.com")
BOB = ("Bob Builder", "bob@example.com")

APP_V1 = """\
def greet(name):
    return "hi " + name


def main():
    print(greet("world"))
"""

APP_V2 = """\
# switchyard_needle_42: a unique word for code search
def greet(name):
    return f"Hello, {name}!"


def main():
    print(greet("world"))
"""


@pytest.fixture(scope="session")
def git_repo(tmp_path_factory, sandbox) -> RepoInfo:
    """`demo`: 3 commits on main (Alice, Bob, Alice), tag v1.0, branch feature/login with one
    more commit, and a dirty working tree (README.md modified, scratch.txt untracked)."""
    repo = tmp_path_factory.mktemp("repos") / REPO_NAME
    repo.mkdir()
    env = sandbox.env()
    info = RepoInfo(path=repo, name=REPO_NAME)
    _git(repo, env, "init", "-q", "-b", "main")

    (repo / "README.md").write_text("# Demo\n\nA small repository for the Switchyard end-to-end tests.\n")
    (repo / "src").mkdir()
    (repo / "src" / "app.py").write_text(APP_V1)
    _git(repo, env, "add", "-A")
    _git(repo, env, "commit", "-q", "-m", "Initial commit", date="2024-01-10T10:00:00Z", author=ALICE)
    info.commits["initial"] = _git(repo, env, "rev-parse", "HEAD")

    (repo / "src" / "app.py").write_text(APP_V2)
    _git(repo, env, "commit", "-q", "-am", "Greet by name\n\nThe greeting now names the person.", date="2024-02-10T10:00:00Z", author=BOB)
    info.commits["greet"] = _git(repo, env, "rev-parse", "HEAD")
    _git(repo, env, "tag", "-a", "v1.0", "-m", "Release 1.0", date="2024-02-10T10:00:00Z", author=BOB)

    (repo / "docs").mkdir()
    (repo / "docs" / "release.md").write_text("# Release notes\n\n- greet names the person\n")
    _git(repo, env, "add", "-A")
    _git(repo, env, "commit", "-q", "-m", "Add release notes", date="2024-03-10T10:00:00Z", author=ALICE)
    info.commits["notes"] = _git(repo, env, "rev-parse", "HEAD")

    _git(repo, env, "checkout", "-q", "-b", "feature/login")
    (repo / "src" / "login.py").write_text("def login(user):\n    return True\n")
    _git(repo, env, "add", "-A")
    _git(repo, env, "commit", "-q", "-m", "Add login stub", date="2024-04-10T10:00:00Z", author=BOB)
    info.commits["login"] = _git(repo, env, "rev-parse", "HEAD")
    _git(repo, env, "checkout", "-q", "main")

    (repo / "README.md").write_text("# Demo\n\nA small repository for the Switchyard end-to-end tests.\nUncommitted line.\n")
    (repo / "scratch.txt").write_text("not tracked\n")
    return info


# -- servers --------------------------------------------------------------------------------


@pytest.fixture
def start_http(switchyard_bin, sandbox, git_repo, tmp_path):
    """A factory: start an HTTP server on `data_dir` (stopped at the end of the test)."""
    servers: list[HttpServer] = []

    def start(data_dir: Path, *extra: str) -> HttpServer:
        log = tmp_path / f"http-{len(servers)}.stderr"
        server = HttpServer(serve_argv(switchyard_bin, sandbox.config, git_repo.path, data_dir, *extra), sandbox.env(), sandbox.cwd, log)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def serve_config(switchyard_bin, sandbox, git_repo, tmp_path):
    """A factory: `switchyard serve` on a configuration of its own (TOML text), over
    `transport`; returns the connection target (a `StdioTarget`, or the base URL of a started
    HTTP server, stopped at the end of the test). `env` adds to the sandbox's environment."""
    servers: list[HttpServer] = []
    logs = []

    def start(config_text: str, transport: str, env: dict[str, str] | None = None):
        index = len(servers) + len(logs)
        config = tmp_path / f"config-{index}.toml"
        config.write_text(config_text)
        data_dir = tmp_path / f"data-{index}"
        data_dir.mkdir()
        argv = serve_argv(switchyard_bin, config, git_repo.path, data_dir)
        environment = sandbox.env(**(env or {}))
        if transport == "stdio":
            errlog = open(tmp_path / f"stdio-{index}.stderr", "w")
            logs.append(errlog)
            return StdioTarget(command=argv[0], args=argv[1:], env=environment, cwd=str(sandbox.cwd), errlog=errlog)
        server = HttpServer(argv, environment, sandbox.cwd, tmp_path / f"http-{index}.stderr")
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.stop()
    for errlog in logs:
        errlog.close()


@pytest.fixture(scope="session")
def shared_data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("data-shared")


@pytest.fixture(scope="session")
def http_server(switchyard_bin, sandbox, git_repo, shared_data_dir, tmp_path_factory):
    """One HTTP server for the whole session (transport tests share it)."""
    log = tmp_path_factory.mktemp("logs") / "http-shared.stderr"
    server = HttpServer(serve_argv(switchyard_bin, sandbox.config, git_repo.path, shared_data_dir), sandbox.env(), sandbox.cwd, log)
    yield server
    server.stop()


@pytest.fixture
def stdio_target(switchyard_bin, sandbox, git_repo, tmp_path):
    """A factory: how to spawn `switchyard serve` on stdio for `data_dir`."""
    logs = []

    def make(data_dir: Path, *extra: str) -> StdioTarget:
        argv = serve_argv(switchyard_bin, sandbox.config, git_repo.path, data_dir, *extra)
        errlog = open(tmp_path / f"stdio-{len(logs)}.stderr", "w")
        logs.append(errlog)
        return StdioTarget(command=argv[0], args=argv[1:], env=sandbox.env(), cwd=str(sandbox.cwd), errlog=errlog)

    yield make
    for errlog in logs:
        errlog.close()


@pytest.fixture
def raw_stdio(switchyard_bin, sandbox, git_repo, tmp_path):
    """A factory: a `RawStdio` server process (killed at the end of the test if still running)."""
    from rawio import RawStdio

    procs: list[RawStdio] = []

    def start(data_dir: Path | None = None, *extra: str, global_args: tuple[str, ...] = ()) -> RawStdio:
        data_dir = data_dir or tmp_path / f"data-raw-{len(procs)}"
        argv = serve_argv(switchyard_bin, sandbox.config, git_repo.path, data_dir, *extra)
        argv[1:1] = list(global_args)
        proc = RawStdio(argv, sandbox.env(), str(sandbox.cwd), str(tmp_path / f"raw-{len(procs)}.stderr"))
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        proc.kill()


# -- transports x eras ----------------------------------------------------------------------

#: Every (transport, era) this SDK generation can drive. The legacy SSE pair is the
#: 2024-11-05 transport: it only carries the handshake era.
COMBOS = [("stdio", era) for era in ERAS] + [("http", era) for era in ERAS] + [("sse", HANDSHAKE)]


@pytest.fixture(params=COMBOS, ids=[f"{t}-{'modern' if e == MODERN else e}" for t, e in COMBOS])
def combo(request):
    return request.param


@pytest.fixture
def target_for(stdio_target, http_server, shared_data_dir):
    """The connection target of a transport: the shared HTTP server, or a stdio process on
    the same data directory."""

    def target(transport: str):
        if transport == "stdio":
            return stdio_target(shared_data_dir)
        return http_server.url

    return target


@pytest.fixture
def fresh_data_dir(tmp_path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path
