#!/usr/bin/env bash
# Create (or update) the project's virtual environment in .venv/ with the
# pinned OpenMMLab stack, MMCV compiled with its ops, and rmpe_mm and the
# synthetic-benchmark project (projects/synthetic_benchmark) in editable mode.
# Idempotent: with everything in place it checks and returns in seconds.
#
#   bash tools/setup_env.sh            # create/update .venv
#   RMPE_VENV=/path/to/venv bash tools/setup_env.sh
#   RMPE_WHEEL_CACHE=/path bash tools/setup_env.sh   # MMCV wheel cache
#
# The compiled MMCV wheel is cached in $RMPE_WHEEL_CACHE (default
# ~/.cache/rmpe_mm/wheels/), keyed by MMCV, torch and Python versions.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${RMPE_VENV:-$ROOT/.venv}"
PYTHON_BIN="${PYTHON:-python3}"
MMCV_VERSION=2.1.0
TORCH_VERSION=2.14.1
CACHE="${RMPE_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rmpe_mm/wheels}"
REQ="$ROOT/requirements"
STEP="start"

say() { printf '[setup_env] %s\n' "$*"; }
fail() { say "FAILED at step: $STEP (see the output above)"; }
trap fail ERR

step() { STEP="$1"; say "$1"; }

# A stamp of everything that decides the environment's content: when it
# matches and the imports work, there is nothing to do.
stamp_value() {
  cat "$REQ"/*.txt "$ROOT/tools/setup_env.sh" "$ROOT/setup.cfg" \
    "$ROOT/projects/synthetic_benchmark/setup.cfg" | sha256sum | cut -d' ' -f1
}
STAMP_FILE="$VENV/.rmpe_mm_env_stamp"
CHECK='import rmpe_mm, synthetic_benchmark, mmpose.apis, mmdet.apis, mmcv.ops, flake8, isort, yapf, codespell_lib'

if [ -f "$STAMP_FILE" ] && [ "$(cat "$STAMP_FILE")" = "$(stamp_value)" ] \
   && "$VENV/bin/python" -c "$CHECK" >/dev/null 2>&1; then
  say "environment $VENV is up to date (nothing to do)"
  exit 0
fi

step "1/7 virtual environment $VENV"
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON_BIN" -m venv "$VENV"
fi
PY="$VENV/bin/python"
PIP=("$PY" -m pip install --disable-pip-version-check -c "$REQ/constraints.txt")

step "2/7 build tools (setuptools<82, wheel, ninja)"
"${PIP[@]}" -q -r "$REQ/build.txt"

step "3/7 torch $TORCH_VERSION + torchvision (from the local wheel store when present)"
if ! "$PY" -c "import torch, torchvision, sys; sys.exit(torch.__version__.split('+')[0] != '$TORCH_VERSION')" >/dev/null 2>&1; then
  "${PIP[@]}" -q -r "$REQ/torch.txt" "numpy<2"
fi

step "4/7 runtime dependencies (mmengine, mmdet, mmpose deps, numpy<2, opencv<5)"
"${PIP[@]}" -q -r "$REQ/runtime.txt"

step "5/7 MMCV $MMCV_VERSION with compiled ops"
if ! "$PY" -c "import mmcv, mmcv.ops, sys; sys.exit(mmcv.__version__ != '$MMCV_VERSION')" >/dev/null 2>&1; then
  PYTAG="$("$PY" -c 'import sys; print(f"cp{sys.version_info[0]}{sys.version_info[1]}")')"
  TORCH_TAG="$("$PY" -c 'import torch; print(torch.__version__.replace("+", "_"))')"
  KEY="mmcv-${MMCV_VERSION}_torch-${TORCH_TAG}_${PYTAG}_$(uname -m)"
  WHEEL_DIR="$CACHE/$KEY"
  WHEEL="$(ls "$WHEEL_DIR"/mmcv-*.whl 2>/dev/null | head -n1 || true)"
  if [ -z "$WHEEL" ]; then
    say "no cached MMCV wheel in $WHEEL_DIR"
    say "compiling MMCV $MMCV_VERSION with ops: this takes about 15 minutes on 2 cores (once per machine)"
    BUILD="$(mktemp -d)"
    "$PY" -m pip download --disable-pip-version-check --no-deps --no-binary :all: \
      "mmcv==$MMCV_VERSION" -d "$BUILD" -q
    tar -xzf "$BUILD"/mmcv-"$MMCV_VERSION".tar.gz -C "$BUILD"
    SRC="$BUILD/mmcv-$MMCV_VERSION"
    # torch >= 2.14 headers require C++20; mmcv 2.1.0 asks for C++17.
    if "$PY" -c "import torch, sys; v=tuple(int(x) for x in torch.__version__.split('+')[0].split('.')[:2]); sys.exit(v < (2, 14))"; then
      say "patching -std=c++17 -> -std=c++20 in mmcv's setup.py (torch >= 2.14)"
      sed -i 's/-std=c++17/-std=c++20/g' "$SRC/setup.py"
    fi
    mkdir -p "$WHEEL_DIR"
    (cd "$SRC" && MMCV_WITH_OPS=1 MAX_JOBS="${MAX_JOBS:-$(nproc)}" \
      "$PY" -m pip wheel --disable-pip-version-check --no-build-isolation --no-deps \
      -w "$BUILD/dist" .)
    mv "$BUILD"/dist/mmcv-*.whl "$WHEEL_DIR/"
    rm -rf "$BUILD"
    WHEEL="$(ls "$WHEEL_DIR"/mmcv-*.whl | head -n1)"
    say "cached $WHEEL"
  else
    say "using cached wheel $WHEEL"
  fi
  "${PIP[@]}" -q --no-deps "$WHEEL"
  "$PY" -m pip install --disable-pip-version-check -c "$REQ/constraints.txt" -q addict packaging pyyaml yapf
fi

step "6/7 mmpose (--no-deps), the test tools and the linters"
"${PIP[@]}" -q --no-deps -r "$REQ/mmpose.txt"
"${PIP[@]}" -q -r "$REQ/tests.txt" -r "$REQ/lint.txt"

step "7/7 rmpe_mm and projects/synthetic_benchmark in editable mode"
"${PIP[@]}" -q --no-deps --no-build-isolation -e "$ROOT"
"${PIP[@]}" -q --no-deps --no-build-isolation -e "$ROOT/projects/synthetic_benchmark"

STEP="import check"
"$PY" -c "$CHECK"
stamp_value > "$STAMP_FILE"
say "done: $VENV ($("$PY" -c 'import torch, mmcv, mmpose, mmdet; print(f"torch {torch.__version__}, mmcv {mmcv.__version__}, mmdet {mmdet.__version__}, mmpose {mmpose.__version__}")'))"
