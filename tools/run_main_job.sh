#!/usr/bin/env bash
# The README's main job: make sure the environment exists, train the sample
# config on the data the repo ships, test the trained model and print its
# metrics. Work directory: work_dirs/main_job (override with WORK_DIR=...).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
bash tools/setup_env.sh
PY="${RMPE_VENV:-$ROOT/.venv}/bin/python"
CONFIG="${CONFIG:-configs/hg_mpii_baseline_sample.py}"
WORK_DIR="${WORK_DIR:-work_dirs/main_job}"

echo "[main_job] training $CONFIG -> $WORK_DIR"
"$PY" tools/train.py "$CONFIG" --work-dir "$WORK_DIR"
CKPT="$(cat "$WORK_DIR/last_checkpoint")"
echo "[main_job] testing $CKPT"
"$PY" tools/test.py "$CONFIG" "$CKPT" --work-dir "$WORK_DIR/test" \
  --out "$WORK_DIR/test/metrics.json" --show-dir vis
echo "[main_job] metrics ($WORK_DIR/test/metrics.json):"
"$PY" -c "import json,sys; [print(f'  {k}: {v}') for k, v in json.load(open(sys.argv[1])).items()]" "$WORK_DIR/test/metrics.json"
