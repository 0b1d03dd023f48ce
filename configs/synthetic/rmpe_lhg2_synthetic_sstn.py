# Synthetic benchmark, ablation row "+ SSTN": RMPE stage 2 without the
# parallel SPPE. The stage-1 SPPE (lhg2_synthetic_pgpg.py, epoch 10) is
# wrapped in the symmetric STN (identity-initialised ResNet-18 localisation
# net in front, SDTN on every stack's heatmaps) and fine-tuned on PGPG
# proposals at the lower LR for 4 epochs; tested on the SIMULATED detections
# without pose NMS.
#   python tools/train.py configs/synthetic/rmpe_lhg2_synthetic_sstn.py
# (another stage-1 checkpoint: --cfg-options load_from=PATH)
_base_ = ['./lhg2_synthetic_pgpg.py']

load_from = 'work_dirs/lhg2_synthetic_pgpg/epoch_10.pth'
model = dict(type='RMPEPoseEstimator', stn=_base_.stn)

max_epochs = 4
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-4))
param_scheduler = [
    dict(type='ConstantLR', factor=1.0, by_epoch=True)
]
default_hooks = dict(checkpoint=dict(interval=max_epochs))
