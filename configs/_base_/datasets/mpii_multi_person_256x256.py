# MPII multi-person (configs/_base_/datasets/mpii_multi_person.py) with
# RMPE's pipelines on 256x256 crops (64x64 heatmaps, 16 joints), boxes
# enlarged by 30 % as in the paper. Every RMPE config of configs/rmpe/mpii/
# picks its training pipeline here:
#   gt_box_pipeline  ground-truth boxes (the parallel SPPE, stage 1b)
#   pgpg_pipeline    PGPG proposals (the SPPE, stage 1a)
#   rmpe_pipeline    PGPG proposals + centre-located targets (stage 2)
# e.g. train_dataloader = dict(dataset=dict(pipeline=_base_.pgpg_pipeline)).
# Validation and testing use `val_pipeline` (set below).
_base_ = ['./mpii_multi_person.py']

num_joints = 16
padding = 1.3  # the paper enlarges boxes by 30 %
codec = dict(
    type='MSRAHeatmap', input_size=(256, 256), heatmap_size=(64, 64), sigma=2)
# the PGPG model fitted on the TRAINING split (tools/fit_pgpg.py; see
# configs/rmpe/mpii/README.md). None: the reference code's pose-independent
# Gaussian, no atomic poses.
pgpg_model_file = 'data/mpii/pgpg/mpii_pgpg_model.json'

gt_box_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=padding),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomBBoxTransform', shift_prob=0),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs')
]
# PGPG replaces the ground-truth box by a proposal after the flip and keeps
# the GT box (gt_bbox_center/scale) for GenerateCentreTarget;
# RandomPairedBBoxTransform zooms/rotates both boxes alike, so the fed crop
# and the centre-located crop differ by the proposal error alone.
pgpg_pipeline = [
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
    dict(type='PackPoseInputs')
]
rmpe_pipeline = [
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

val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=val_pipeline))  # detections
