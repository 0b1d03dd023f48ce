# MPII multi-person (configs/_base_/datasets/mpii_multi_person.py) with
# RMPE's pipelines on 256x256 crops (64x64 heatmaps, 16 joints), boxes
# enlarged by 30 % as in the paper. Every RMPE config of configs/rmpe/mpii/
# picks its training pipeline here:
#   gt_box_pipeline  ground-truth boxes (the parallel SPPE, stage 1b)
#   pgpg_pipeline    PGPG proposals (the SPPE, stage 1a)
#   rmpe_pipeline    PGPG proposals + center-located targets (stage 2)
# e.g. train_dataloader = dict(dataset=dict(pipeline=_base_.pgpg_pipeline)).
# Validation and testing use `val_pipeline` (set below).
_base_ = ['./mpii_multi_person.py']

# `codec` and `num_joints` are exported for the model configs to read
# (`_base_.codec`); they describe the pipelines below and are no setting:
# another input size is another dataset base, as in MMPose.
num_joints = 16
codec = dict(
    type='MSRAHeatmap', input_size=(256, 256), heatmap_size=(64, 64), sigma=2)

# Settings: environment variables (MMEngine's `{{$NAME:default}}`, read when
# the file is parsed, so they reach every pipeline below; the same names in
# ./coco_topdown_256x192.py and, for RMPE_DATA_ROOT, the data set base):
#   RMPE_PGPG_MODEL  the PGPG model fitted on the TRAINING split
#                    (tools/fit_pgpg.py; configs/rmpe/mpii/README.md), or
#                    `none`: the reference code's pose-independent Gaussian,
#                    no atomic poses
# e.g. RMPE_PGPG_MODEL=none python tools/train.py CONFIG
# (`__name`: a helper of this file; MMEngine leaves names that start with
# `__` out of the config, so `--cfg-options` cannot mistake them for
# settings.)
__pgpg_file = '{{$RMPE_PGPG_MODEL:data/mpii/pgpg/mpii_pgpg_model.json}}'
__pgpg_model_file = None if __pgpg_file.lower() == 'none' else __pgpg_file
__padding = 1.3  # the paper enlarges boxes by 30 %

# The pipelines, from shared steps.
__load = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=__padding),
]
__augment = [dict(type='RandomFlip', direction='horizontal')]
__gt_box = [dict(type='RandomBBoxTransform', shift_prob=0)]
# PGPG replaces the ground-truth box by a proposal after the flip and keeps
# the GT box (gt_bbox_center/scale) for GenerateCenterTarget;
# RandomPairedBBoxTransform zooms/rotates both boxes alike, so the fed crop
# and the center-located crop differ by the proposal error alone.
__proposals = [
    dict(
        type='PoseGuidedProposals',
        model_file=__pgpg_model_file,
        padding=__padding),
    dict(type='RandomPairedBBoxTransform', shift_prob=0),
]
__crop = [dict(type='TopdownAffine', input_size=codec['input_size'])]
__target = [dict(type='GenerateTarget', encoder=codec)]
__center_target = [
    dict(type='GenerateCenterTarget', encoder=codec, use_rotation=True)
]
__pack = [dict(type='PackPoseInputs')]

gt_box_pipeline = __load + __augment + __gt_box + __crop + __target + __pack
pgpg_pipeline = __load + __augment + __proposals + __crop + __target + __pack
rmpe_pipeline = (
    __load + __augment + __proposals + __crop + __target + __center_target +
    __pack)
val_pipeline = __load + __crop + __pack

# The SSTN's context window (issue 22, docs/sstn.md; not the paper's): the
# same pipelines with the image cut `context` times the padded box at the
# crop's pixel density (TopdownContextAffine); targets, center targets and
# meta stay the crop's. Used by configs/rmpe/*/rmpe_sstn-ctx2-*.py.
__context = 2.0  # the "ctx2" of the config names; not a setting
__context_crop = [
    dict(
        type='TopdownContextAffine',
        input_size=codec['input_size'],
        context=__context)
]
rmpe_context_pipeline = (
    __load + __augment + __proposals + __context_crop + __target +
    __center_target + __pack)
context_val_pipeline = __load + __context_crop + __pack

val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=val_pipeline))  # detections
