# Smoke test: configs/rmpe/coco/rmpe_sstn-hg8_8xb32-60e_coco-256x192.py shrunk
# to train on the COCO samples the repo ships (tests/data/coco: 4 images, 14
# people) on a CPU: 2-stack hourglass SPPE, 1-stack parallel SPPE without
# checkpoint (random, frozen; a warning says so), tiny ResNet-18 STN, 64x48
# crops, 16x12 heatmaps; evaluated with ground-truth boxes. It checks the
# plumbing, nothing more.
#   python tools/train.py \
#       tests/configs/rmpe_sstn-hg2_1xb2-3e_coco-sample-64x48.py
_base_ = [
    '../../configs/rmpe/coco/rmpe_sstn-hg8_8xb32-60e_coco-256x192.py'
]

load_from = None
data_root = 'tests/data/coco/'
codec = dict(
    type='MSRAHeatmap', input_size=(48, 64), heatmap_size=(12, 16), sigma=1)
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
    out_channels=17,
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
        input_size=None),
    parallel_sppe=dict(
        backbone=dict(tiny_hourglass, num_stacks=1),
        head=dict(tiny_head, num_stages=1),
        checkpoint=None))

train_cfg = dict(max_epochs=3, val_interval=1)
param_scheduler = [dict(type='ConstantLR', factor=1.0, by_epoch=True)]
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3))
default_hooks = dict(
    logger=dict(interval=1),
    checkpoint=dict(interval=1, save_best='coco/AP', rule='greater'))

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=_base_.padding),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomHalfBody'),
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
train_dataloader = dict(
    batch_size=2,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        data_root=data_root,
        ann_file='test_coco.json',
        data_prefix=dict(img=''),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        data_root=data_root,
        ann_file='test_coco.json',
        bbox_file=None,
        data_prefix=dict(img=''),
        pipeline=val_pipeline))
# testing: the samples' 118 real detector boxes + parametric pose NMS
test_dataloader = dict(
    batch_size=8,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        data_root=data_root,
        ann_file='test_coco.json',
        bbox_file=data_root + 'test_coco_det_AP_H_56.json',
        data_prefix=dict(img=''),
        pipeline=val_pipeline))
val_evaluator = dict(ann_file=data_root + 'test_coco.json')
test_evaluator = dict(ann_file=data_root + 'test_coco.json')
