# Smoke test: PGPG training proposals on the COCO samples the repo ships
# (tests/data/coco: 4 images, 14 people) with a tiny 1-stack hourglass on
# 48x64 crops. It checks the plumbing, nothing more. (No configs/ counterpart:
# it is the test of switching PGPG on mid-training.)
#
# Epochs before `pgpg_switch_epoch` train on ground-truth boxes; from it on,
# MMDetection's PipelineSwitchHook swaps in the pipeline with
# PoseGuidedProposals (AlphaPose turns its generator on late in training,
# epoch 140 of 200; a full config would set pgpg_switch_epoch = 140). The
# GenerateCentreTarget step draws the centre-located target in the ground-truth
# box the proposal transform keeps (used by RMPEPoseEstimator; a plain
# TopdownPoseEstimator ignores it).
#
# With the published pose-independent Gaussian (pgpg_model_file = None):
#   python tools/train.py \
#       tests/configs/sppe-pgpg-switch_hg1_1xb2-2e_coco-sample-64x48.py
# With a fitted model (atomic poses + per-atom mixtures):
#   PGPG=work_dirs/pgpg_samples.json
#   python tools/fit_pgpg.py tests/data/coco/test_coco.json \
#       tests/data/coco/test_coco_det_AP_H_56.json --out $PGPG \
#       -k 2 --num-components 1 --min-samples 5
#   python tools/train.py \
#       tests/configs/sppe-pgpg-switch_hg1_1xb2-2e_coco-sample-64x48.py \
#       --cfg-options custom_hooks.0.switch_pipeline.3.model_file=$PGPG
_base_ = [
    '../../configs/_base_/default_runtime.py',
    '../../configs/_base_/datasets/coco_topdown.py'
]

data_root = 'tests/data/coco/'
padding = 1.25  # must match GetBBoxCenterScale (the paper uses 1.3)
pgpg_model_file = None
pgpg_switch_epoch = 1

codec = dict(
    type='MSRAHeatmap', input_size=(48, 64), heatmap_size=(12, 16), sigma=1)
model = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='HourglassNet',
        downsample_times=2,
        num_stacks=1,
        stage_channels=(256, 32, 32),  # the stem always gives 256 channels
        stage_blocks=(1, 1, 1),
        feat_channel=32),
    head=dict(
        type='CPMHead',
        in_channels=32,
        out_channels=17,
        num_stages=1,
        deconv_out_channels=None,
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        decoder=codec),
    test_cfg=dict(flip_test=False))

train_cfg = dict(max_epochs=2, val_interval=2)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3))
param_scheduler = [dict(type='ConstantLR', factor=1.0, by_epoch=True)]
default_hooks = dict(
    logger=dict(interval=1), checkpoint=dict(interval=1, max_keep_ckpts=1))

gt_box_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=padding),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomPairedBBoxTransform', shift_prob=0, rotate_factor=30),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='GenerateCentreTarget', encoder=codec),
    dict(type='PackPoseInputs')
]
pgpg_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=padding),
    dict(type='RandomFlip', direction='horizontal'),
    dict(
        type='PoseGuidedProposals',
        model_file=pgpg_model_file,
        padding=padding,
        patch_prob=0.15,
        patch_scale_range=(0.85, 1.0)),
    dict(type='RandomPairedBBoxTransform', shift_prob=0, rotate_factor=30),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='GenerateCentreTarget', encoder=codec),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=padding),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs')
]
custom_hooks = [
    dict(
        type='mmdet.PipelineSwitchHook',
        switch_epoch=pgpg_switch_epoch,
        switch_pipeline=pgpg_pipeline),
    dict(type='SyncBuffersHook')
]

train_dataloader = dict(
    batch_size=2,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        data_root=data_root,
        ann_file='test_coco.json',
        data_prefix=dict(img=''),
        pipeline=gt_box_pipeline))
val_dataloader = dict(
    batch_size=4,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        data_root=data_root,
        ann_file='test_coco.json',
        bbox_file=None,
        data_prefix=dict(img=''),
        pipeline=val_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='CocoMetric', ann_file=data_root + 'test_coco.json')
test_evaluator = val_evaluator
