#!/usr/bin/env bash
# The one command that runs every test of Switchyard on a fresh machine.
#
# It needs the Rust toolchain, git, Python 3.10+ with venv, npm, and a PostgreSQL server
# (SWITCHYARD_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test, trust auth on
# loopback is enough) for the store suite; it installs the rest itself
# into .tools/ (the official Python MCP SDK 1.x and 2.x in two venvs, Node 22 and the MCP
# conformance suite). Steps:
#   1. formatting and lints (rustfmt, clippy -D warnings)
#   2. Rust tests: unit, connector test kits, real git repositories, tools/list snapshot
#   3. end to end with the Python SDK (both generations) over stdio, Streamable HTTP and SSE
#   4. delegation against a real small model (SmolLM2-135M served by llama-cpp-python on
#      loopback; the first run builds llama-cpp-python, minutes on 2 cores, then reuses it)
#   5. the official MCP conformance suite, handshake era and 2026-07-28
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

for tool in cargo git python3 npm; do
  command -v "$tool" >/dev/null || { echo "scripts/test.sh: $tool is required but not installed" >&2; exit 1; }
done

step "formatting"
cargo fmt --all -- --check

step "clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "build"
cargo build --locked
export SWITCHYARD_BIN="$PWD/target/debug/switchyard"

step "rust tests"
# The store suite (tests/store) runs its PostgreSQL half against this server: a database of
# its own per test, created and dropped through this URL (the role needs CREATEDB).
export SWITCHYARD_TEST_POSTGRES_URL="${SWITCHYARD_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast
else
  cargo test --workspace --locked --no-fail-fast
fi

step "end to end (Python MCP SDK 1.x and 2.x)"
scripts/e2e.sh

step "delegation against a real local model (SmolLM2-135M via llama-cpp-python)"
scripts/real-model.sh

step "MCP conformance suite"
scripts/conformance.sh

step "all tests passed"
