#!/usr/bin/env bash
# End-to-end tests: drive the built `switchyard` binary with the official Python MCP SDK, once
# per SDK generation:
#   1  mcp>=1.20,<2  handshake era only (initialize + sessions)
#   2  mcp>=2,<3     both eras, including the stateless 2026-07-28 era (server/discover)
# over stdio, Streamable HTTP (/mcp) and the legacy SSE pair (/sse + /message).
#
# Usage: scripts/e2e.sh [1|2] [-- pytest args...]
#   scripts/e2e.sh                 both generations
#   scripts/e2e.sh 2 -- -k notes   generation 2 only, a subset
#
# Environment:
#   SWITCHYARD_BIN   the binary under test (default: target/debug/switchyard, built first
#                    with `cargo build` unless E2E_NO_BUILD=1)
#   PYTHON           the interpreter for the venvs (default python3; 3.10 or newer)
#
# The venvs live in .tools/e2e-mcp1 and .tools/e2e-mcp2 (git-ignored) and are reinstalled
# when their requirements file changes. Exits non-zero if any generation fails.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
suite=$root/tests/e2e
python=${PYTHON:-python3}

gens=()
while [ $# -gt 0 ]; do
  case $1 in
    1|2) gens+=("$1"); shift ;;
    --) shift; break ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "e2e.sh: unknown argument $1 (expected 1, 2 or -- pytest args)" >&2; exit 2 ;;
  esac
done
[ ${#gens[@]} -gt 0 ] || gens=(1 2)

if [ -z "${SWITCHYARD_BIN:-}" ]; then
  export SWITCHYARD_BIN=$root/target/debug/switchyard
  if [ "${E2E_NO_BUILD:-0}" != 1 ]; then
    echo "==> cargo build"
    (cd "$root" && cargo build --quiet)
  fi
fi
if [ ! -x "$SWITCHYARD_BIN" ]; then
  echo "e2e.sh: no executable at $SWITCHYARD_BIN; build it or set SWITCHYARD_BIN" >&2
  exit 2
fi

venv_for() {
  local gen=$1 venv=$root/.tools/e2e-mcp$1 req=$suite/requirements-mcp$1.txt
  local stamp=$venv/.requirements.sha256 want
  want=$(sha256sum "$req" | cut -d' ' -f1)
  if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "==> creating $venv (generation $gen)" >&2
    rm -rf "$venv"
    mkdir -p "$root/.tools"
    "$python" -m venv "$venv" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" >&2
    echo "$want" > "$stamp"
  fi
  echo "$venv"
}

status=0
summary=()
for gen in "${gens[@]}"; do
  venv=$(venv_for "$gen")
  version=$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("mcp"))')
  echo "==> generation $gen: mcp $version, $SWITCHYARD_BIN"
  set +e
  (cd "$suite" && MCP_SDK_GEN=$gen PYTHONDONTWRITEBYTECODE=1 "$venv/bin/python" -m pytest "$@")
  rc=$?
  set -e
  if [ $rc -eq 0 ]; then
    summary+=("generation $gen (mcp $version): passed")
  else
    summary+=("generation $gen (mcp $version): FAILED (pytest exit $rc)")
    status=1
  fi
done

echo
printf '%s\n' "${summary[@]}"
exit $status
