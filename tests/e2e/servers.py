"""Starting `switchyard serve` processes: the command line, a free port, waiting for
/healthz, stopping cleanly (SIGTERM, then SIGKILL)."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any


def serve_argv(binary: str, config: Path, repo: Path, data_dir: Path, *extra: str) -> list[str]:
    """`switchyard --config C serve --repo R --data-dir D …`: never the developer's own config or data."""
    return [binary, "--config", str(config), "serve", "--repo", str(repo), "--data-dir", str(data_dir), *extra]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_healthz(port: int, proc: subprocess.Popen, timeout: float = 20.0) -> dict:
    """Poll GET /healthz until it answers; fail early if the process exits."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode} before answering /healthz")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as err:  # 503 = degraded but up
            return json.loads(err.read())
        except (urllib.error.URLError, ConnectionError, OSError) as err:
            last_error = err
            time.sleep(0.05)
    raise RuntimeError(f"/healthz did not answer within {timeout} s: {last_error}")


class HttpServer:
    """`switchyard serve --http 127.0.0.1:<free port>` with its stderr in a file."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path, log: Path):
        self.log = log
        self.stdout = b""
        for _attempt in range(3):
            self.port = free_port()
            self._logfile = open(log, "wb")
            self.proc = subprocess.Popen(
                [*argv, "--http", f"127.0.0.1:{self.port}"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=self._logfile,
                env=env,
                cwd=cwd,
            )
            try:
                self.health = wait_for_healthz(self.port, self.proc)
                return
            except RuntimeError:
                if self.proc.poll() is None:
                    self.stop()
                    raise
                self._logfile.close()
                if "cannot listen" not in self.stderr():  # not a port race: give up
                    raise RuntimeError(f"the HTTP server did not start:\n{self.stderr()}")
        raise RuntimeError(f"the HTTP server did not start:\n{self.stderr()}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stderr(self) -> str:
        return self.log.read_bytes().decode("utf-8", "replace")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout and not self.proc.stdout.closed:
            self.stdout = self.proc.stdout.read()
            self.proc.stdout.close()
        self._logfile.close()
        return self.proc.returncode
