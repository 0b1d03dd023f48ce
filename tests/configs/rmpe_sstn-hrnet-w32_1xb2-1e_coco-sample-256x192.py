# Smoke test: configs/rmpe/coco/rmpe_sstn-hrnet-w32_8xb64-210e_coco-256x192.py
# on the COCO samples the repo ships (tests/data/coco) on a CPU, one epoch:
# checks that the MMPose-config example builds, trains and evaluates. No
# ImageNet download (the HRNet backbone starts from random weights here).
#   python tools/train.py \
#       tests/configs/rmpe_sstn-hrnet-w32_1xb2-1e_coco-sample-256x192.py
_base_ = [
    '../../configs/rmpe/coco/rmpe_sstn-hrnet-w32_8xb64-210e_coco-256x192.py'
]

data_root = 'tests/data/coco/'
model = dict(backbone=dict(init_cfg=None))

train_cfg = dict(max_epochs=1, val_interval=1)
param_scheduler = [dict(type='ConstantLR', factor=1.0, by_epoch=True)]
default_hooks = dict(logger=dict(interval=1), checkpoint=dict(interval=1))
train_dataloader = dict(
    batch_size=2,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        data_root=data_root,
        ann_file='test_coco.json',
        data_prefix=dict(img='')))
val_dataloader = dict(
    batch_size=8,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        data_root=data_root,
        ann_file='test_coco.json',
        bbox_file=None,
        data_prefix=dict(img='')))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'test_coco.json')
test_evaluator = val_evaluator
