#!/usr/bin/env bash
# Lint the tree as MMPose does: flake8, isort, yapf and codespell, with the
# settings in setup.cfg (the same hooks as .pre-commit-config.yaml). Exits
# non-zero on the first linter that finds a violation; run by
# tools/run_tests.sh, so CI fails on one.
#
#   bash tools/lint.sh          # check
#   bash tools/lint.sh --fix    # sort imports and format in place first
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
BIN="${RMPE_VENV:-$ROOT/.venv}/bin"
PATHS=(rmpe_mm tools tests benchmarks projects configs)

if [ "${1:-}" = "--fix" ]; then
  "$BIN/isort" -q "${PATHS[@]}"
  "$BIN/yapf" -r -p -i "${PATHS[@]}"
fi
echo "[lint] flake8"
"$BIN/flake8" "${PATHS[@]}"
echo "[lint] isort"
"$BIN/isort" --check-only -q "${PATHS[@]}"
echo "[lint] yapf"
if ! diff_out="$("$BIN/yapf" -r -p -d "${PATHS[@]}")" || [ -n "$diff_out" ]; then
  printf '%s\n' "$diff_out"
  echo "[lint] yapf would reformat the files above (bash tools/lint.sh --fix)"
  exit 1
fi
echo "[lint] codespell"
"$BIN/codespell" -q 3
echo "[lint] passed"
