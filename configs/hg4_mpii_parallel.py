# Stage 1b of configs/rmpe_hg_mpii.py: the 4-stack hourglass that becomes
# the frozen parallel SPPE, trained on ground-truth boxes (no proposals: it
# must know what a centre-located person looks like). Its checkpoint is
# stage 2's `parallel_checkpoint`.
#   python tools/train.py configs/hg4_mpii_parallel.py
_base_ = ['./hg8_mpii_sppe.py']

model = dict(
    backbone=dict(num_stacks=4),
    head=dict(num_stages=4))

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=_base_.padding),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomBBoxTransform', shift_prob=0),
    dict(type='TopdownAffine', input_size=_base_.codec['input_size']),
    dict(type='GenerateTarget', encoder=_base_.codec),
    dict(type='PackPoseInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
