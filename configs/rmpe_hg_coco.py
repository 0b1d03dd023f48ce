# COCO counterpart of configs/rmpe_hg_mpii.py (read it for the design): the
# paper's SSTN + parallel SPPE on COCO person keypoints, 256x192 crops
# (64x48 heatmaps, 17 joints). 8-stack hourglass SPPE, ResNet-18 STN,
# frozen 4-stack hourglass parallel SPPE, PGPG proposals.
#
# Recipe:
#   0.  fit PGPG on the TRAINING split's detections (tools/detect.py), e.g.
#         python tools/fit_pgpg.py \
#           data/coco/annotations/person_keypoints_train2017.json \
#           data/coco/person_detection_results/train2017_det.json \
#           --out data/coco/pgpg/coco_pgpg_model.json
#       (`pgpg_model_file`; None: the reference pose-independent Gaussian)
#   1a. python tools/train.py configs/hg8_coco_sppe.py      (SPPE on PGPG)
#   1b. python tools/train.py configs/hg4_coco_parallel.py  (GT boxes)
#   2.  python tools/train.py configs/rmpe_hg_coco.py \
#         --cfg-options load_from=<1a.pth> \
#         model.parallel_sppe.checkpoint=<1b.pth>
_base_ = [
    './_base_/default_runtime.py',
    './_base_/datasets/coco_topdown.py',
]

sppe_checkpoint = 'work_dirs/hg8_coco_sppe/epoch_210.pth'
parallel_checkpoint = 'work_dirs/hg4_coco_parallel/epoch_210.pth'
load_from = sppe_checkpoint
pgpg_model_file = 'data/coco/pgpg/coco_pgpg_model.json'  # step 0

num_joints = 17
padding = 1.3
codec = dict(
    type='MSRAHeatmap', input_size=(192, 256), heatmap_size=(48, 64), sigma=2)
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

parallel_sppe = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=preprocessor,
    backbone=dict(hourglass, num_stacks=4),
    head=dict(multi_stage_head, num_stages=4),
    test_cfg=model_test_cfg,
    checkpoint=parallel_checkpoint,
    checkpoint_prefix=None)

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
        input_size=None,
        constraint='affine',
        min_abs_det=1e-3),
    parallel_sppe=parallel_sppe,
    parallel_loss_weight=1.0)

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
default_hooks = dict(checkpoint=dict(save_best='coco/AP', rule='greater'))

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=padding),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomHalfBody'),
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
test_dataloader = val_dataloader
# COCO AP with the parametric pose NMS (AlphaPose's body preset and final
# person score) in place of MMPose's OKS NMS, on the detector boxes of
# `bbox_file`.
val_evaluator = dict(
    type='PPNMSCocoMetric',
    pose_nms=dict(type='ParametricPoseNMS', preset='alphapose_body'),
    score_mode='alphapose',
    nms_mode='none')
test_evaluator = val_evaluator
