# Synthetic benchmark, ablation row "+ PGPG": the baseline SPPE trained on
# pose-guided proposals (docs/method.md section 4) instead of ground-truth
# boxes, tested on the SIMULATED detections without pose NMS. This run is
# also RMPE's stage 1: its epoch-`stage1_epochs` checkpoint is where the SSTN
# configs (rmpe_lhg2_synthetic*.py) start.
#
# Needs the PGPG model fitted on the TRAIN split (ground truth + simulated
# detections; the project's tools fit data/synthetic/pgpg_model_seed<seed>.json
# when absent and pass it in SYNTHETIC_PGPG_MODEL). By hand:
#   python tools/fit_pgpg.py data/synthetic/annotations/train.json \
#       data/synthetic/detections/train_det.json \
#       --out data/synthetic/pgpg_model.json
#   SYNTHETIC_PGPG_MODEL=data/synthetic/pgpg_model.json python tools/train.py \
#       projects/synthetic_benchmark/configs/lhg2_synthetic_pgpg.py
# (the model file is SYNTHETIC_PGPG_MODEL; default
# data/synthetic/pgpg_model.json)
_base_ = ['./lhg2_synthetic_baseline.py']

train_dataloader = dict(dataset=dict(pipeline=_base_.pgpg_pipeline))
