# Smoke test: configs/rmpe/coco/rmpe_sstn-hourglass52-8stack_8xb32-60e_coco-256x192.py shrunk  # noqa: E501
# to train on the COCO samples the repo ships (tests/data/coco: 4 images, 14
# people) on a CPU: 2-stack hourglass SPPE, 1-stack parallel SPPE without
# checkpoint (random, frozen; a warning says so), tiny ResNet-18 STN, 64x48
# crops, 16x12 heatmaps; evaluated with ground-truth boxes. It checks the
# plumbing, nothing more.
#   python tools/train.py \
#       tests/configs/rmpe_sstn-hourglass52-2stack_1xb2-3e_coco-sample-64x48.py
_base_ = [
    '../../configs/rmpe/coco/rmpe_sstn-hourglass52-8stack_8xb32-60e_coco-256x192.py',  # noqa: E501
    './_base_/sample_coco.py',
]

load_from = None
data_root = _base_.sample_root
codec = _base_.sample_codec
tiny_head = dict(_base_.tiny_cpm_head, out_channels=17, decoder=codec)
model = dict(
    backbone=_base_.tiny_hourglass,
    head=tiny_head,
    stn=_base_.tiny_stn,
    parallel_sppe=dict(
        backbone=dict(_base_.tiny_hourglass, num_stacks=1),
        head=dict(tiny_head, num_stages=1),
        checkpoint=None))

train_cfg = dict(max_epochs=3, val_interval=1)
param_scheduler = _base_.constant_lr
optim_wrapper = _base_.smoke_optim_wrapper
default_hooks = dict(
    logger=dict(interval=1),
    checkpoint=dict(interval=1, save_best='coco/AP', rule='greater'))

# `__name`: a helper of this file (MMEngine leaves names that start with `__`
# out of the config)
__load = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=_base_.padding),
]
__crop = [dict(type='TopdownAffine', input_size=codec['input_size'])]
__pack = [dict(type='PackPoseInputs')]
train_pipeline = __load + [
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomHalfBody'),
    # smoke test: no fitted PGPG model for the samples, so the reference
    # code's pose-independent Gaussian (model_file=None)
    dict(type='PoseGuidedProposals', model_file=None, padding=_base_.padding),
    dict(type='RandomPairedBBoxTransform', shift_prob=0),
] + __crop + [
    dict(type='GenerateTarget', encoder=codec),
    dict(type='GenerateCenterTarget', encoder=codec),
] + __pack
val_pipeline = __load + __crop + __pack
train_dataloader = dict(
    _base_.cpu_loader,
    batch_size=2,
    dataset=dict(_base_.sample_files, pipeline=train_pipeline))
val_dataloader = dict(
    _base_.cpu_loader,
    batch_size=8,
    dataset=dict(_base_.sample_gt_boxes, pipeline=val_pipeline))
# testing: the samples' 118 real detector boxes + parametric pose NMS
test_dataloader = dict(
    _base_.cpu_loader,
    batch_size=8,
    dataset=dict(_base_.sample_detections, pipeline=val_pipeline))
val_evaluator = _base_.sample_metric
test_evaluator = _base_.sample_metric
