# Smoke test: PGPG training proposals on the COCO samples the repo ships
# (tests/data/coco: 4 images, 14 people) with a tiny 1-stack hourglass on
# 48x64 crops. It checks the plumbing, nothing more. (No configs/ counterpart:
# it is the test of switching PGPG on mid-training.)
#
# Epochs before the hook's `switch_epoch` (1) train on ground-truth boxes;
# from it on, MMDetection's PipelineSwitchHook swaps in the pipeline with
# PoseGuidedProposals (AlphaPose turns its generator on late in training,
# epoch 140 of 200; a full config would set switch_epoch=140). The
# GenerateCenterTarget step draws the center-located target in the ground-truth
# box the proposal transform keeps (used by RMPEPoseEstimator; a plain
# TopdownPoseEstimator ignores it).
#
# With the published pose-independent Gaussian (RMPE_PGPG_MODEL unset or
# `none`, as in configs/_base_/datasets/*_256x*.py but with `none` the
# default: no fitted model exists for the samples):
#   python tools/train.py \
#       tests/configs/sppe-pgpg-switch_hourglass52_1xb2-2e_coco-sample-64x48.py
# With a fitted model (atomic poses + per-atom mixtures):
#   PGPG=work_dirs/pgpg_samples.json
#   python tools/fit_pgpg.py tests/data/coco/test_coco.json \
#       tests/data/coco/test_coco_det_AP_H_56.json --out $PGPG \
#       -k 2 --num-components 1 --min-samples 5
#   RMPE_PGPG_MODEL=$PGPG python tools/train.py \
#       tests/configs/sppe-pgpg-switch_hourglass52_1xb2-2e_coco-sample-64x48.py
_base_ = [
    '../../configs/_base_/default_runtime.py',
    '../../configs/_base_/datasets/coco_topdown.py',
    './_base_/sample_coco.py',
]

# `__name`: a helper of this file (MMEngine leaves names that start with `__`
# out of the config)
__padding = 1.25  # must match GetBBoxCenterScale (the paper uses 1.3)
__pgpg_file = '{{$RMPE_PGPG_MODEL:none}}'
__pgpg_model_file = None if __pgpg_file.lower() == 'none' else __pgpg_file

codec = _base_.sample_codec
model = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(_base_.tiny_hourglass, num_stacks=1),
    head=dict(
        _base_.tiny_cpm_head, out_channels=17, num_stages=1, decoder=codec),
    test_cfg=dict(flip_test=False))

train_cfg = dict(max_epochs=2, val_interval=2)
optim_wrapper = _base_.smoke_optim_wrapper
param_scheduler = _base_.constant_lr
default_hooks = dict(
    logger=dict(interval=1), checkpoint=dict(interval=1, max_keep_ckpts=1))

__load_and_flip = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=__padding),
    dict(type='RandomFlip', direction='horizontal'),
]
__augment_and_targets = [
    dict(type='RandomPairedBBoxTransform', shift_prob=0, rotate_factor=30),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='GenerateCenterTarget', encoder=codec),
    dict(type='PackPoseInputs')
]
gt_box_pipeline = __load_and_flip + __augment_and_targets
pgpg_pipeline = __load_and_flip + [
    dict(
        type='PoseGuidedProposals',
        model_file=__pgpg_model_file,
        padding=__padding,
        patch_prob=0.15,
        patch_scale_range=(0.85, 1.0))
] + __augment_and_targets
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=__padding),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs')
]
custom_hooks = [
    dict(
        type='mmdet.PipelineSwitchHook',
        switch_epoch=1,
        switch_pipeline=pgpg_pipeline),
    dict(type='SyncBuffersHook'),
    dict(type='ExactResumeHook')
]

train_dataloader = dict(
    _base_.cpu_loader,
    batch_size=2,
    dataset=dict(_base_.sample_files, pipeline=gt_box_pipeline))
val_dataloader = dict(
    _base_.cpu_loader,
    batch_size=4,
    dataset=dict(_base_.sample_gt_boxes, pipeline=val_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(_base_.sample_metric, type='CocoMetric')
test_evaluator = val_evaluator
