#!/usr/bin/env bash
# The test command of the README and of CI: make sure the environment exists
# (tools/setup_env.sh; the first run on a machine compiles MMCV, ~15 min),
# lint the tree (tools/lint.sh), then run the whole test suite. Extra
# arguments go to pytest.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
bash tools/setup_env.sh
bash tools/lint.sh
echo "[run_tests] pytest $*"
exec "${RMPE_VENV:-$ROOT/.venv}/bin/python" -m pytest "$@"
