# Stage 1a of configs/rmpe_hg_coco.py: the 8-stack hourglass SPPE alone,
# trained on PGPG proposals with MMPose's schedule.
#   python tools/train.py configs/hg8_coco_sppe.py
_base_ = ['./rmpe_hg_coco.py']

load_from = None
model = dict(
    _delete_=True,
    type='TopdownPoseEstimator',
    data_preprocessor=_base_.preprocessor,
    backbone=_base_.hourglass,
    head=_base_.multi_stage_head,
    test_cfg=_base_.model_test_cfg)

train_cfg = dict(max_epochs=210, val_interval=10)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=5e-4))
param_scheduler = [
    dict(
        type='LinearLR', begin=0, end=500, start_factor=0.001,
        by_epoch=False),
    dict(
        type='MultiStepLR',
        begin=0,
        end=210,
        milestones=[170, 200],
        gamma=0.1,
        by_epoch=True)
]

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=_base_.padding),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomHalfBody'),
    dict(
        type='PoseGuidedProposals',
        model_file=_base_.pgpg_model_file,
        padding=_base_.padding),
    dict(type='RandomPairedBBoxTransform', shift_prob=0),
    dict(type='TopdownAffine', input_size=_base_.codec['input_size']),
    dict(type='GenerateTarget', encoder=_base_.codec),
    dict(type='PackPoseInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
