# Adding RMPE's symmetric STN to an unmodified MMPose config by inheritance:
# MMPose's HRNet-W32 COCO model, with the STN (ResNet-18, identity
# initialised, so training starts exactly from the plain model) in front of
# it and the SDTN on its heatmaps. Everything else (data, schedule,
# pipelines, evaluation) is MMPose's config, untouched.
#   python tools/train.py \
#       configs/rmpe/coco/rmpe_sstn-hrnet-w32_8xb64-210e_coco-256x192.py
#
# RMPEPoseEstimator accepts every argument of TopdownPoseEstimator, so the
# `model` dict below merges into MMPose's. To also train with the frozen
# parallel SPPE, add
#   parallel_sppe=dict(type='TopdownPoseEstimator', ..., checkpoint=PATH)
# to `model` and dict(type='GenerateCenterTarget', encoder=codec) after
# GenerateTarget in the train pipeline (see
# rmpe_sstn-hourglass52-8stack_8xb32-60e_coco-256x192.py).
_base_ = [
    'mmpose::body_2d_keypoint/topdown_heatmap/coco/'
    'td-hm_hrnet-w32_8xb64-210e_coco-256x192.py',
    '../../_base_/plugin.py',
]

model = dict(
    type='RMPEPoseEstimator',
    stn=dict(
        type='STNLocalizer',
        backbone=dict(type='ResNet', depth=18),
        feat_channels=512,
        constraint='affine'))

# rmpe_mm's runtime additions (configs/_base_/default_runtime.py): atomic
# checkpoints, exact resume
default_hooks = dict(checkpoint=dict(type='AtomicCheckpointHook'))
custom_hooks = _base_.custom_hooks + [dict(type='ExactResumeHook')]
