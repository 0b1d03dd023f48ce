# Small stacked-hourglass SPPE for the synthetic benchmark (the configs of
# this directory's parent) and the pieces every variant shares: codec, model,
# RMPE parts (STN, parallel SPPE) and pipelines (schedules:
# ../lhg2_synthetic_baseline.py). Sized to
# train on a 2-core CPU in minutes; per batch-32 training step (1 thread,
# benchmarks/bench_light_hourglass.py) ~0.56 CPU s, stage 2 ~0.78, while
# MMPose's HourglassNet (256-channel stem) costs several seconds even with
# one stack at 64x64.
#   SPPE: LightHourglassNet (rmpe_mm), 2 stacks, 48 channels, 3 max-pool
#         levels, stem stride 2, 48x64 (w x h) crops -> 24x32 heatmaps,
#         CPMHead (one output per stack: intermediate supervision).
#   parallel SPPE: the same network with 1 stack and 32 channels.
#   STN: ResNet-18 with 16 base channels on the full crop, identity start.
# The paper: 8-stack (SPPE) and 4-stack (parallel) hourglasses on 256x256
# crops with 64x64 heatmaps, ResNet-18 STN. Person boxes of this data are
# ~140 px high (~180 px once enlarged by 30 %), so a 64 px high crop keeps
# the PCKh@0.5 radius (half of 0.6 x head-box diagonal, ~7.8 px on average)
# at ~1.4 heatmap pixels; MSRAHeatmap's sub-pixel decoding does the rest.
#
# Settings (set through the environment by the benchmark's orchestration,
# MMEngine's `{{$NAME:default}}`; synthetic_benchmark.config_variables):
#   SYNTHETIC_PGPG_MODEL           the PGPG model (JSON)
#   SYNTHETIC_PARALLEL_CHECKPOINT  stage-1b weights (`parallel_checkpoint`)
num_joints = 16
# `__name`: a helper of this file (MMEngine leaves names that start with
# `__` out of the config): used while the pipelines below are built, so it
# is no setting a child or --cfg-options could change.
__padding = 1.3  # the paper enlarges boxes by 30 %
input_size = (48, 64)  # (w, h): the people are taller than wide
heatmap_size = (24, 32)
codec = dict(
    type='MSRAHeatmap',
    input_size=input_size,
    heatmap_size=heatmap_size,
    sigma=1.5)
preprocessor = dict(
    type='PoseDataPreprocessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True)

sppe_backbone = dict(
    type='LightHourglassNet',
    num_stacks=2,
    downsample_times=3,
    stem_channels=32,
    stem_stride=2,
    stage_channels=(48, 48, 48, 48),
    stage_blocks=(1, 1, 1, 1),
    feat_channels=48)
sppe_head = dict(
    type='CPMHead',
    in_channels=48,
    out_channels=num_joints,
    num_stages=2,
    deconv_out_channels=None,
    loss=dict(type='KeypointMSELoss', use_target_weight=True),
    decoder=codec)
model_test_cfg = dict(flip_test=True, flip_mode='heatmap', shift_heatmap=True)

# ---- the plain SPPE (all stage-1 variants) --------------------------------
model = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=preprocessor,
    backbone=sppe_backbone,
    head=sppe_head,
    test_cfg=model_test_cfg)

# ---- RMPE parts (stage 2, ../rmpe_*.py) ------------------------------------
# the frozen parallel SPPE's weights: the stage-1b run
# (../lhg1_synthetic_parallel.py)
parallel_checkpoint = '{{$SYNTHETIC_PARALLEL_CHECKPOINT:work_dirs/lhg1_synthetic_parallel/epoch_10.pth}}'  # noqa: E501
stn = dict(
    type='STNLocalizer',
    backbone=dict(type='ResNet', depth=18, stem_channels=16, base_channels=16),
    feat_channels=128,
    input_size=None,  # the full crop, as in the paper
    constraint='affine',  # the paper
    min_abs_det=1e-3)
parallel_backbone = dict(
    sppe_backbone,
    num_stacks=1,
    stage_channels=(32, 32, 32, 32),
    feat_channels=32)
parallel_head = dict(sppe_head, in_channels=32, num_stages=1)
parallel_sppe = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=preprocessor,
    backbone=parallel_backbone,
    head=parallel_head,
    test_cfg=model_test_cfg,
    checkpoint=parallel_checkpoint,
    checkpoint_prefix=None)

# ---- pipelines --------------------------------------------------------------
# Augmentation: flip, scale 0.75-1.25, rotation +-30 deg (p=0.6), no shift
# (box errors come only from the proposal transforms).
bbox_aug = dict(
    type='RandomPairedBBoxTransform',
    shift_prob=0,
    scale_factor=(0.75, 1.25),
    rotate_factor=30)
# PGPG model fitted by rmpe_mm's tools/fit_pgpg.py on the TRAIN split's
# ground truth and simulated detections. The project's tools fit their own,
# data/synthetic/pgpg_model_seed<seed>.json, and pass it in
# SYNTHETIC_PGPG_MODEL; this default is for a model fitted by hand.
__pgpg_model_file = '{{$SYNTHETIC_PGPG_MODEL:data/synthetic/pgpg_model.json}}'
# Each pipeline from shared steps (`__name`: a helper of this file; MMEngine
# leaves names that start with `__` out of the config).
__load = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=__padding),
]
__flip = [dict(type='RandomFlip', direction='horizontal')]
__pgpg = [
    dict(
        type='PoseGuidedProposals',
        model_file=__pgpg_model_file,
        padding=__padding,
        patch_prob=0.15,
        patch_scale_range=(0.85, 1.0))
]
__jitter = [
    dict(
        type='RandomJitterProposals',
        padding=__padding,
        shift_factor=0.2,
        scale_range=(0.7, 1.3),
        min_iou=0.5)
]
__crop = [dict(type='TopdownAffine', input_size=input_size)]
__targets = [
    dict(type='GenerateTarget', encoder=codec),
    dict(type='GenerateCenterTarget', encoder=codec),
]
__pack = [dict(type='PackPoseInputs')]

gt_box_pipeline = __load + __flip + [bbox_aug] + __crop + __targets + __pack
pgpg_pipeline = (
    __load + __flip + __pgpg + [bbox_aug] + __crop + __targets + __pack)
jitter_pipeline = (
    __load + __flip + __jitter + [bbox_aug] + __crop + __targets + __pack)
val_pipeline = __load + __crop + __pack

# The SSTN's context window (issue 22, rmpe_mm's docs/sstn.md; not the
# paper's): the PGPG and validation pipelines with the image cut `context`
# times the padded box at the crop's pixel density; targets and meta stay
# the crop's. Used by ../rmpe_lhg2_synthetic_sstn_ctx2*.py.
__context = 2.0  # the "ctx2" of the config names; not a setting
__context_crop = [
    dict(
        type='TopdownContextAffine', input_size=input_size, context=__context)
]
pgpg_context_pipeline = (
    __load + __flip + __pgpg + [bbox_aug] + __context_crop + __targets +
    __pack)
context_val_pipeline = __load + __context_crop + __pack
