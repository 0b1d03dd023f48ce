# The baseline, shrunk to train on the MPII samples the repo ships
# (tests/data/mpii, 5 people) on a CPU in about a minute: a 1-stack hourglass
# (stem fixed at 256 channels by HourglassNet, 64 inside) on 64x64 crops.
# It checks the plumbing, nothing more.
#   python tools/train.py configs/hg_mpii_baseline_sample.py
_base_ = ['./hg_mpii_baseline.py']

data_root = 'tests/data/mpii/'
codec = dict(
    type='MSRAHeatmap', input_size=(64, 64), heatmap_size=(16, 16), sigma=1)

model = dict(
    backbone=dict(
        type='HourglassNet',
        downsample_times=2,
        num_stacks=1,
        stage_channels=(256, 64, 64),
        stage_blocks=(1, 1, 1),
        feat_channel=64),
    head=dict(in_channels=64, decoder=codec))

train_cfg = dict(max_epochs=3, val_interval=1)
param_scheduler = [dict(type='ConstantLR', factor=1.0, by_epoch=True)]
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3))
default_hooks = dict(
    logger=dict(interval=1),
    checkpoint=dict(interval=1, save_best='PCK', rule='greater'))

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomBBoxTransform', shift_prob=0),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs')
]
train_dataloader = dict(
    batch_size=2,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        data_root=data_root,
        ann_file='test_mpii.json',
        data_prefix=dict(img=''),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=5,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        data_root=data_root,
        ann_file='test_mpii.json',
        headbox_file=None,
        data_prefix=dict(img=''),
        pipeline=val_pipeline))
test_dataloader = val_dataloader
# The samples have no head boxes: PCK normalised by the box, not PCKh.
val_evaluator = dict(type='PCKAccuracy', thr=0.5, norm_item='bbox')
test_evaluator = val_evaluator
