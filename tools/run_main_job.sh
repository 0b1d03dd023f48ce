#!/usr/bin/env bash
# The README's main job: make sure the environment exists, then run RMPE end
# to end on the synthetic multi-person benchmark (a simulation the repo makes
# itself; see projects/synthetic_benchmark/): make the data if absent, fit
# PGPG, train the full RMPE recipe, test on the simulated detections with
# parametric pose NMS, print the MPII mAP table and render the predictions to
# work_dirs/main_job/vis/. Extra arguments go to
# projects/synthetic_benchmark/tools/main_job.py.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
bash tools/setup_env.sh
exec "${RMPE_VENV:-$ROOT/.venv}/bin/python" \
  projects/synthetic_benchmark/tools/main_job.py "$@"
