# Stage 1b of configs/rmpe_hg_coco.py: the 4-stack hourglass that becomes
# the frozen parallel SPPE, trained on ground-truth boxes.
#   python tools/train.py configs/hg4_coco_parallel.py
_base_ = ['./hg8_coco_sppe.py']

model = dict(
    backbone=dict(num_stacks=4),
    head=dict(num_stages=4))

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=_base_.padding),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomHalfBody'),
    dict(type='RandomBBoxTransform', shift_prob=0),
    dict(type='TopdownAffine', input_size=_base_.codec['input_size']),
    dict(type='GenerateTarget', encoder=_base_.codec),
    dict(type='PackPoseInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
