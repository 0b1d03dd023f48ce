# Smoke test: the baseline
# (configs/rmpe/mpii/td-hm_hourglass52_8xb64-210e_mpii-256x256.py) shrunk to
# run on the MPII samples the repo ships (tests/data/mpii: 5 images, one person
# each, stand-in head boxes, and 15 detector-like boxes with duplicates and
# false positives; see tests/data/mpii/make_test_mpii_multi.py) on a CPU in
# about a minute: a 1-stack hourglass (HourglassNet's stem is fixed at 256
# channels, 64 inside) on 64x64 crops. Testing runs the RMPE protocol:
# detections -> pose model -> parametric pose NMS -> MPII multi-person mAP. It
# checks the plumbing, nothing more.
#   python tools/train.py tests/configs/td-hm_hg1_1xb2-3e_mpii-sample-64x64.py
#   python tools/test.py tests/configs/td-hm_hg1_1xb2-3e_mpii-sample-64x64.py \
#       CHECKPOINT
_base_ = [
    '../../configs/rmpe/mpii/td-hm_hourglass52_8xb64-210e_mpii-256x256.py'
]

data_root = 'tests/data/mpii/'
ann_file = 'test_mpii_multi.json'
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
default_hooks = dict(logger=dict(interval=1), checkpoint=dict(interval=1))

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
sample_files = dict(
    data_root=data_root, ann_file=ann_file, data_prefix=dict(img=''))
train_dataloader = dict(
    batch_size=2,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(sample_files, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=5,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(sample_files, pipeline=val_pipeline))
test_dataloader = dict(
    batch_size=5,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        sample_files,
        bbox_file=data_root + 'test_mpii_det.json',
        pipeline=val_pipeline))
val_evaluator = dict(ann_file=data_root + ann_file)
test_evaluator = dict(ann_file=data_root + ann_file)
