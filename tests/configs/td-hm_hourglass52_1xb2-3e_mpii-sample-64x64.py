# Smoke test: the baseline
# (configs/rmpe/mpii/td-hm_hourglass52_8xb64-210e_mpii-256x256.py) shrunk to
# run on the MPII samples the repo ships (tests/data/mpii: 5 images, one person
# each, stand-in head boxes, and 15 detector-like boxes with duplicates and
# false positives; see tests/data/mpii/make_test_mpii_multi.py) on a CPU in
# about a minute: a 1-stack hourglass (HourglassNet's stem is fixed at 256
# channels, 64 inside) on 64x64 crops. Testing runs the RMPE protocol:
# detections -> pose model -> parametric pose NMS -> MPII multi-person mAP. It
# checks the plumbing, nothing more.
#   python tools/train.py tests/configs/td-hm_hourglass52_1xb2-3e_mpii-sample-64x64.py  # noqa: E501
#   python tools/test.py tests/configs/td-hm_hourglass52_1xb2-3e_mpii-sample-64x64.py \  # noqa: E501
#       CHECKPOINT
_base_ = [
    '../../configs/rmpe/mpii/td-hm_hourglass52_8xb64-210e_mpii-256x256.py',
    './_base_/sample_mpii.py',
]

data_root = _base_.sample_root
codec = _base_.sample_codec

model = dict(
    backbone=dict(
        _base_.tiny_hourglass,
        num_stacks=1,
        stage_channels=(256, 64, 64),
        feat_channel=64),
    head=dict(in_channels=64, decoder=codec))

train_cfg = dict(max_epochs=3, val_interval=1)
param_scheduler = _base_.constant_lr
optim_wrapper = _base_.smoke_optim_wrapper
default_hooks = dict(logger=dict(interval=1), checkpoint=dict(interval=1))

# `__name`: a helper of this file (MMEngine leaves names that start with `__`
# out of the config)
__load = [dict(type='LoadImage'), dict(type='GetBBoxCenterScale')]
__crop = [dict(type='TopdownAffine', input_size=codec['input_size'])]
__pack = [dict(type='PackPoseInputs')]
train_pipeline = __load + [
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomBBoxTransform', shift_prob=0),
] + __crop + [dict(type='GenerateTarget', encoder=codec)] + __pack
val_pipeline = __load + __crop + __pack
train_dataloader = dict(
    _base_.cpu_loader,
    batch_size=2,
    dataset=dict(_base_.sample_files, pipeline=train_pipeline))
val_dataloader = dict(
    _base_.cpu_loader,
    batch_size=5,
    dataset=dict(_base_.sample_files, pipeline=val_pipeline))
test_dataloader = dict(
    _base_.cpu_loader,
    batch_size=5,
    dataset=dict(_base_.sample_detections, pipeline=val_pipeline))
val_evaluator = _base_.sample_metric
test_evaluator = _base_.sample_metric
