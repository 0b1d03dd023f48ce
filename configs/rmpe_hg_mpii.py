# RMPE's SSTN + parallel SPPE on MPII: the paper's model (rmpe-method.md,
# sections 1-2). 8-stack hourglass SPPE on 256x256 crops (64x64 heatmaps,
# 16 MPII joints), ResNet-18 localisation net (STN) seeing the full crop,
# SDTN on every stack's heatmaps, frozen 4-stack hourglass parallel SPPE on
# the STN output supervised with centre-located targets, PGPG proposals.
#
# Recipe (reference code; the paper gives no schedule):
#   0.  fit PGPG on the TRAINING split: run a person detector on the training
#       images (tools/detect.py, COCO results format), then
#         python tools/fit_pgpg.py data/mpii/annotations/mpii_mp_train.json \
#           data/mpii/person_detection_results/mpii_mp_train_det.json \
#           --out data/mpii/pgpg/mpii_pgpg_model.json
#       (`pgpg_model_file` below; without a fitted model set it to None:
#       the reference code's pose-independent Gaussian, no atomic poses)
#   1a. the SPPE alone, trained on PGPG proposals:
#         python tools/train.py configs/hg8_mpii_sppe.py
#   1b. the parallel SPPE (4-stack), trained on ground-truth boxes:
#         python tools/train.py configs/hg4_mpii_parallel.py
#   2.  this config: SSTN + parallel SPPE fine-tuning at a lower LR, starting
#       from 1a (`load_from`), with 1b frozen (`parallel_checkpoint`):
#         python tools/train.py configs/rmpe_hg_mpii.py \
#           --cfg-options load_from=<1a.pth> \
#           model.parallel_sppe.checkpoint=<1b.pth>
#
# Hourglass: MMPose's HourglassNet configured like Newell et al.'s network
# (256 channels everywhere, 4 down-samplings per hourglass, one residual
# block per level); MMPose builds it from basic (3x3-3x3) residual blocks
# where Newell used bottlenecks, and down-samples by strided convolution.
#
# Data and test protocol: the MPII multi-person JSON of
# tools/dataset_converters/mpii_multi_person.py; validation on ground-truth
# boxes, testing on detector boxes + parametric pose NMS (paper MPII preset)
# + the official MPII multi-person mAP (configs/_base_/datasets/
# mpii_multi_person.py has the expected layout).
_base_ = [
    './_base_/default_runtime.py',
    './_base_/datasets/mpii_multi_person.py',
]

# ---- paths of the stage-1 checkpoints (edit or override) -----------------
sppe_checkpoint = 'work_dirs/hg8_mpii_sppe/epoch_210.pth'
parallel_checkpoint = 'work_dirs/hg4_mpii_parallel/epoch_210.pth'
load_from = sppe_checkpoint
# the PGPG model of step 0 (tools/fit_pgpg.py on the training split)
pgpg_model_file = 'data/mpii/pgpg/mpii_pgpg_model.json'

# ---- shared pieces (the stage-1 configs reuse them through _base_) -------
num_joints = 16
padding = 1.3  # the paper enlarges boxes by 30 %
codec = dict(
    type='MSRAHeatmap', input_size=(256, 256), heatmap_size=(64, 64), sigma=2)
preprocessor = dict(
    type='PoseDataPreprocessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True)
hourglass = dict(
    type='HourglassNet',
    downsample_times=4,
    num_stacks=8,
    stage_channels=(256, 256, 256, 256, 256),
    stage_blocks=(1, 1, 1, 1, 1),
    feat_channel=256)
multi_stage_head = dict(
    type='CPMHead',
    in_channels=256,
    out_channels=num_joints,
    num_stages=8,
    deconv_out_channels=None,
    loss=dict(type='KeypointMSELoss', use_target_weight=True),
    decoder=codec)
model_test_cfg = dict(flip_test=True, flip_mode='heatmap', shift_heatmap=True)

# the parallel SPPE: a full pose-estimator config + its checkpoint
parallel_sppe = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=preprocessor,
    backbone=dict(hourglass, num_stacks=4),
    head=dict(multi_stage_head, num_stages=4),
    test_cfg=model_test_cfg,
    checkpoint=parallel_checkpoint,
    checkpoint_prefix=None)  # None: found automatically

# ---- model -----------------------------------------------------------------
model = dict(
    type='RMPEPoseEstimator',
    data_preprocessor=preprocessor,
    backbone=hourglass,
    head=multi_stage_head,
    test_cfg=model_test_cfg,
    stn=dict(
        type='STNLocalizer',
        backbone=dict(type='ResNet', depth=18),
        feat_channels=512,
        input_size=None,  # the full 256x256 crop, as in the paper
        constraint='affine',  # the paper; 'similarity' is the stable option
        min_abs_det=1e-3),
    parallel_sppe=parallel_sppe,
    parallel_loss_weight=1.0)

# ---- stage-2 schedule: fine-tuning at a lower LR (a documented choice) ----
train_cfg = dict(max_epochs=60, val_interval=10)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-4))
param_scheduler = [
    dict(
        type='LinearLR', begin=0, end=500, start_factor=0.001,
        by_epoch=False),
    dict(
        type='MultiStepLR',
        begin=0,
        end=60,
        milestones=[40, 55],
        gamma=0.1,
        by_epoch=True)
]
auto_scale_lr = dict(base_batch_size=256)
default_hooks = dict(checkpoint=dict(save_best='Total', rule='greater'))

# ---- pipelines -------------------------------------------------------------
# PGPG replaces the ground-truth box by a proposal after the flip and keeps
# the GT box (gt_bbox_center/scale) for GenerateCentreTarget;
# RandomPairedBBoxTransform zooms/rotates both boxes alike, so the fed crop
# and the centre-located crop differ by the proposal error alone.
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=padding),
    dict(type='RandomFlip', direction='horizontal'),
    dict(
        type='PoseGuidedProposals',
        model_file=pgpg_model_file,
        padding=padding),
    dict(type='RandomPairedBBoxTransform', shift_prob=0),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='GenerateCentreTarget', encoder=codec, use_rotation=True),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=padding),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs')
]
train_dataloader = dict(batch_size=32, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=val_pipeline))  # detections
