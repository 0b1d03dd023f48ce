# Smoke test: configs/rmpe/mpii/rmpe_sstn-hg8_8xb32-60e_mpii-256x256.py shrunk
# to train on the MPII samples the repo ships (tests/data/mpii, 5 people, 15
# detector-like boxes) on a CPU: 2-stack hourglass SPPE and 1-stack parallel
# SPPE (MMPose's HourglassNet needs 256 channels at the first level: its stem
# outputs 256), tiny ResNet-18 STN (16 base channels), 64x64 crops, 16x16
# heatmaps. The parallel SPPE has no checkpoint (random, frozen; a warning says
# so). It checks the plumbing, nothing more.
#   python tools/train.py \
#       tests/configs/rmpe_sstn-hg2_1xb2-3e_mpii-sample-64x64.py
_base_ = [
    '../../configs/rmpe/mpii/rmpe_sstn-hg8_8xb32-60e_mpii-256x256.py'
]

load_from = None
data_root = 'tests/data/mpii/'
codec = dict(
    type='MSRAHeatmap', input_size=(64, 64), heatmap_size=(16, 16), sigma=1)
tiny_hourglass = dict(
    type='HourglassNet',
    downsample_times=2,
    num_stacks=2,
    stage_channels=(256, 32, 32),
    stage_blocks=(1, 1, 1),
    feat_channel=32)
tiny_head = dict(
    type='CPMHead',
    in_channels=32,
    out_channels=16,
    num_stages=2,
    deconv_out_channels=None,
    loss=dict(type='KeypointMSELoss', use_target_weight=True),
    decoder=codec)

model = dict(
    backbone=tiny_hourglass,
    head=tiny_head,
    stn=dict(
        backbone=dict(
            type='ResNet', depth=18, stem_channels=16, base_channels=16),
        feat_channels=128,
        input_size=None),  # 32x32 would leave 1x1 maps: BN fails at batch 1
    parallel_sppe=dict(
        backbone=dict(tiny_hourglass, num_stacks=1),
        head=dict(tiny_head, num_stages=1),
        checkpoint=None))

train_cfg = dict(max_epochs=3, val_interval=1)
param_scheduler = [dict(type='ConstantLR', factor=1.0, by_epoch=True)]
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3))
default_hooks = dict(
    logger=dict(interval=1),
    checkpoint=dict(interval=1))

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=_base_.padding),
    dict(type='RandomFlip', direction='horizontal'),
    # smoke test: no fitted PGPG model for the samples, so the reference
    # code's pose-independent Gaussian (model_file=None)
    dict(type='PoseGuidedProposals', model_file=None,
         padding=_base_.padding),
    dict(type='RandomPairedBBoxTransform', shift_prob=0),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='GenerateCentreTarget', encoder=codec),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=_base_.padding),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs')
]
ann_file = 'test_mpii_multi.json'
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
# testing: the 15 detector-like boxes of the samples + pose NMS + mAP
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
