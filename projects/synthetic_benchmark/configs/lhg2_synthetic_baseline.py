# Synthetic benchmark, ablation row "plain two-step": the small SPPE
# (./_base_/synthetic_light_hourglass.py) trained on the
# ground-truth boxes of the train split, tested on the val split's SIMULATED
# detections without pose NMS (every detection's pose is kept).
#
# Every other variant in this directory inherits this file:
#   lhg2_synthetic_pgpg.py                + PGPG training proposals
#   lhg2_synthetic_jitter.py              random jitter instead of PGPG
#   lhg1_synthetic_parallel.py            the parallel SPPE (stage 1b)
#   rmpe_lhg2_synthetic_sstn.py           + SSTN (stage 2)
#   rmpe_lhg2_synthetic_sstn_parallel.py  + parallel SPPE (stage 2)
#   rmpe_lhg2_synthetic.py                full RMPE (+ PPNMS at test)
#   rmpe_lhg2_synthetic_jitter.py         full RMPE with random jitter
# tools/ablation.py trains and tests them all; tools/main_job.py the full one
# (paths relative to projects/synthetic_benchmark/; run from the repository
# root):
#
#   python projects/synthetic_benchmark/tools/make_synthetic_dataset.py
#   python tools/train.py \
#       projects/synthetic_benchmark/configs/lhg2_synthetic_baseline.py
#   python tools/test.py \
#       projects/synthetic_benchmark/configs/lhg2_synthetic_baseline.py \
#       work_dirs/lhg2_synthetic_baseline/epoch_14.pth
#
# Settings (the orchestration sets them through the environment, MMEngine's
# `{{$NAME:default}}`; synthetic_benchmark.config_variables), besides the
# data and model ones of the two bases:
#   stage1_epochs  SYNTHETIC_STAGE1_EPOCHS  stage-1 epochs at LR 1e-3
#   stage2_epochs  SYNTHETIC_STAGE2_EPOCHS  stage-2 epochs at LR 1e-4
#   with_control   SYNTHETIC_WITH_CONTROL   stage-1 runs go on for
#                                           stage2_epochs at LR 1e-4
#   seed           SYNTHETIC_SEED           randomness.seed
_base_ = [
    '../../../configs/_base_/default_runtime.py',
    './_base_/synthetic_mpii_multi_person.py',
    './_base_/synthetic_light_hourglass.py'
]

# ---- schedule ---------------------------------------------------------------
# Stage 1 (the SPPE alone): Adam 1e-3 for `stage1_epochs`, then (with
# `with_control`) the stage-2 LR (1e-4) for `stage2_epochs` more. The
# epoch-`stage1_epochs` checkpoint is where stage 2 (SSTN [+ parallel SPPE],
# rmpe_*.py) starts; the rest of this run is the control "same fine-tuning
# without SSTN" (same epochs and LR; Adam's state is kept here, reset in
# stage 2).
stage1_epochs = {{'$SYNTHETIC_STAGE1_EPOCHS:10'}}
stage2_epochs = {{'$SYNTHETIC_STAGE2_EPOCHS:4'}}
with_control = {{'$SYNTHETIC_WITH_CONTROL:True'}}
seed = {{'$SYNTHETIC_SEED:0'}}
max_epochs = stage1_epochs + (stage2_epochs if with_control else 0)
train_cfg = dict(
    by_epoch=True, max_epochs=max_epochs, val_interval=stage1_epochs)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3))
param_scheduler = [
    dict(type='LinearLR', begin=0, end=50, start_factor=0.01, by_epoch=False),
    dict(
        type='MultiStepLR',
        begin=0,
        end=max_epochs,
        milestones=[stage1_epochs],
        gamma=0.1,  # stage-2 LR: 1e-4
        by_epoch=True)
]
# a checkpoint every epoch (epoch_<stage1_epochs>.pth is what stage 2 starts
# from): a killed run resumes from the last one, bit-identical to an
# uninterrupted run (ExactResumeHook, docs/exact_resume.md)
default_hooks = dict(logger=dict(interval=10), checkpoint=dict(interval=1))
randomness = dict(seed=seed)

# ---- data -------------------------------------------------------------------
train_dataloader = dict(dataset=dict(pipeline=_base_.gt_box_pipeline))
val_dataloader = dict(dataset=dict(pipeline=_base_.val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=_base_.val_pipeline))
test_evaluator = dict(pose_nms=None)  # "without PPNMS"
