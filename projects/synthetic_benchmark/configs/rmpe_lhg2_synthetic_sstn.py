# Synthetic benchmark, ablation row "+ SSTN": RMPE stage 2 without the
# parallel SPPE. The stage-1 SPPE (lhg2_synthetic_pgpg.py, epoch
# `stage1_epochs`) is
# wrapped in the symmetric STN (identity-initialised ResNet-18 localisation
# net in front, SDTN on every stack's heatmaps) and fine-tuned on PGPG
# proposals at the lower LR for `stage2_epochs` (SYNTHETIC_STAGE2_EPOCHS, 4)
# epochs; tested on the SIMULATED detections without pose NMS.
#   python tools/train.py \
#       projects/synthetic_benchmark/configs/rmpe_lhg2_synthetic_sstn.py
# (another stage-1 checkpoint: SYNTHETIC_STAGE1_CHECKPOINT=PATH)
_base_ = ['./lhg2_synthetic_pgpg.py']

stage1_checkpoint = '{{$SYNTHETIC_STAGE1_CHECKPOINT:work_dirs/lhg2_synthetic_pgpg/epoch_10.pth}}'  # noqa: E501
load_from = stage1_checkpoint
model = dict(type='RMPEPoseEstimator', stn=_base_.stn)

max_epochs = _base_.stage2_epochs
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-4))
param_scheduler = [dict(type='ConstantLR', factor=1.0, by_epoch=True)]
# every epoch: a killed run resumes from the last one (docs/exact_resume.md)
default_hooks = dict(checkpoint=dict(interval=1))
