# Smoke test: configs/rmpe/coco/rmpe_sstn-hrnet-w32_8xb64-210e_coco-256x192.py
# on the COCO samples the repo ships (tests/data/coco) on a CPU, one epoch:
# checks that the MMPose-config example builds, trains and evaluates. No
# ImageNet download (the HRNet backbone starts from random weights here).
#   python tools/train.py \
#       tests/configs/rmpe_sstn-hrnet-w32_1xb2-1e_coco-sample-256x192.py
_base_ = [
    '../../configs/rmpe/coco/rmpe_sstn-hrnet-w32_8xb64-210e_coco-256x192.py',
    './_base_/sample_coco.py',
]

model = dict(backbone=dict(init_cfg=None))

train_cfg = dict(max_epochs=1, val_interval=1)
param_scheduler = _base_.constant_lr
default_hooks = dict(logger=dict(interval=1), checkpoint=dict(interval=1))
train_dataloader = dict(
    _base_.cpu_loader, batch_size=2, dataset=_base_.sample_files)
val_dataloader = dict(
    _base_.cpu_loader, batch_size=8, dataset=_base_.sample_gt_boxes)
test_dataloader = val_dataloader
val_evaluator = _base_.sample_metric
test_evaluator = val_evaluator
