#!/usr/bin/env bash
# Run the official MCP conformance suite (@modelcontextprotocol/conformance) against
# `switchyard serve --http … --conformance`, for both protocol eras:
#
#   2025-11-25  the handshake era (initialize, sessions):  server --spec-version 2025-11-25
#   2026-07-28  the stateless era (per-request _meta):      server --requirements 2026-07-28
#
# Usage: scripts/conformance.sh [2025-11-25|2026-07-28]...   (default: both)
#
# Node 22 and the suite are installed once, at pinned versions, into .tools/node22 (git-ignored).
# The server binary is $SWITCHYARD_BIN, or target/debug/switchyard after `cargo build`.
# Results (checks.json per scenario), suite logs and the server's log go to target/conformance/.
# Known failures are listed in tests/conformance/expected-failures.yaml; the exit status is
# non-zero when any suite has a failure that is not listed there (or a listed one that passes).
set -euo pipefail

NODE_VERSION=22.23.3
SUITE_VERSION=0.2.0-alpha.12

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools="$root/.tools/node22"
bin_dir="$tools/node_modules/.bin"
results="$root/target/conformance"
baseline="$root/tests/conformance/expected-failures.yaml"

suites=("$@")
if [ ${#suites[@]} -eq 0 ]; then
  suites=(2025-11-25 2026-07-28)
fi
for suite in "${suites[@]}"; do
  case "$suite" in
    2025-11-25 | 2026-07-28) ;;
    *) echo "unknown suite $suite; use 2025-11-25 and/or 2026-07-28" >&2; exit 2 ;;
  esac
done

installed_version() { # package directory → its version, or nothing
  sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$1/package.json" 2>/dev/null | head -n 1
}

# 1. Node 22 and the suite, pinned, installed only when missing or at another version.
if [ "$(installed_version "$tools/node_modules/node")" != "$NODE_VERSION" ] \
  || [ "$(installed_version "$tools/node_modules/@modelcontextprotocol/conformance")" != "$SUITE_VERSION" ] \
  || [ ! -x "$bin_dir/conformance" ] || [ ! -x "$bin_dir/node" ]; then
  echo "installing node@$NODE_VERSION and @modelcontextprotocol/conformance@$SUITE_VERSION into $tools"
  mkdir -p "$tools"
  npm install --prefix "$tools" --save-exact --no-audit --no-fund --loglevel=error \
    "node@$NODE_VERSION" "@modelcontextprotocol/conformance@$SUITE_VERSION"
fi
export PATH="$bin_dir:$PATH"
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" != 22 ]; then
  echo "expected Node 22 from $bin_dir, found $(node --version)" >&2
  exit 1
fi

# 2. The server binary.
if [ -z "${SWITCHYARD_BIN:-}" ]; then
  (cd "$root" && cargo build --bin switchyard)
  SWITCHYARD_BIN="$root/target/debug/switchyard"
fi
case "$SWITCHYARD_BIN" in
  /*) ;;
  *) SWITCHYARD_BIN="$PWD/$SWITCHYARD_BIN" ;; # the server runs from a scratch directory
esac
if [ ! -x "$SWITCHYARD_BIN" ]; then
  echo "no server binary at $SWITCHYARD_BIN" >&2
  exit 1
fi

# 3. The server, on a free loopback port, in a scratch directory (no repository, fresh data).
rm -rf "$results"
mkdir -p "$results"
scratch=$(mktemp -d)
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$scratch"
}
trap stop_server EXIT
trap 'exit 130' INT TERM

free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# Up when /healthz answers at all (503 only means a connector check failed).
wait_for_health() {
  node -e '
    const url = process.argv[1], deadline = Date.now() + 20000;
    (async function poll() {
      try { await fetch(url); process.exit(0); } catch {}
      if (Date.now() > deadline) process.exit(1);
      setTimeout(poll, 100);
    })();' "$1"
}

port=""
for attempt in 1 2 3; do
  port=$(free_port)
  (cd "$scratch" && exec "$SWITCHYARD_BIN" serve --http "127.0.0.1:$port" --conformance \
    --data-dir "$scratch/data") 2>"$results/server.log" >/dev/null &
  server_pid=$!
  if wait_for_health "http://127.0.0.1:$port/healthz" && kill -0 "$server_pid" 2>/dev/null; then
    break
  fi
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  echo "the server did not come up on port $port (attempt $attempt); see $results/server.log" >&2
done
if [ -z "$server_pid" ]; then
  exit 1
fi
url="http://127.0.0.1:$port/mcp"
echo "switchyard serving the conformance fixtures at $url"

# Scenarios run and those with a failing check (FAILURE or WARNING), scored or not, from the
# checks.json files of one suite's results.
scenario_counts() {
  node -e '
    const fs = require("fs"), path = require("path"), dir = process.argv[1];
    const failing = [];
    let total = 0;
    for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      const file = path.join(dir, entry, "checks.json");
      if (!fs.existsSync(file)) continue;
      total += 1;
      const checks = JSON.parse(fs.readFileSync(file, "utf8"));
      if (checks.some((c) => c.status === "FAILURE" || c.status === "WARNING")) {
        failing.push(entry.replace(/^server-/, "").replace(/-\d{4}-\d{2}-\d{2}T.*$/, ""));
      }
    }
    console.log(`${total} scenarios, ${failing.length} with a failing check` +
      (failing.length ? ` (${failing.join(", ")})` : ""));' "$1"
}

# 4. The suites.
status=0
summaries=()
for suite in "${suites[@]}"; do
  case "$suite" in
    2025-11-25) selection=(--spec-version 2025-11-25); era="handshake era" ;;
    2026-07-28) selection=(--requirements 2026-07-28); era="stateless era" ;;
  esac
  log="$results/$suite.log"
  echo "running the $suite suite ($era); log: $log"
  suite_status=0
  conformance server --url "$url" "${selection[@]}" \
    --expected-failures "$baseline" -o "$results/$suite" >"$log" 2>&1 || suite_status=$?
  totals=$(grep -E '^Total: ' "$log" | tail -n 1 | sed 's/^Total: //' || true)
  scenarios=$(scenario_counts "$results/$suite")
  if [ "$suite_status" -eq 0 ]; then
    verdict="ok"
  else
    verdict="FAILED (exit $suite_status: unexpected failures or stale baseline entries, see $log)"
    status=1
  fi
  line="$suite ($era): checks ${totals:-(no totals, see the log)}; $scenarios — $verdict"
  summaries+=("$line")
  if [ "$suite_status" -ne 0 ]; then
    # The baseline verdict: what the suite printed after its totals.
    sed -e 's/\x1b\[[0-9;]*m//g' "$log" | sed -n '/^Total: /,$p' | sed '1d;/^ *$/d' >&2 || true
  fi
done

# 5. Stop the server and summarise.
if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "the server exited during the run; see $results/server.log" >&2
  status=1
fi
stop_server
server_pid=""
echo
for line in "${summaries[@]}"; do
  echo "$line"
done
exit "$status"
