# RMPE stage 1a on MPII: the 8-stack hourglass SPPE alone (a plain
# TopdownPoseEstimator, no STN), trained on PGPG proposals with MMPose's
# hourglass schedule. Its checkpoint is stage 2's `load_from`
# (rmpe_sstn-hourglass52-8stack_8xb32-60e_mpii-256x256.py). Recipe: ./README.md.  # noqa: E501
#   python tools/train.py configs/rmpe/mpii/sppe_hourglass52-8stack_8xb32-210e_mpii-256x256.py  # noqa: E501
_base_ = [
    '../../_base_/schedules/sppe_210e.py',
    '../../_base_/datasets/mpii_multi_person_256x256.py',
    '../../_base_/models/hourglass_sppe.py',
]

model = dict(head=dict(out_channels=_base_.num_joints, decoder=_base_.codec))

train_dataloader = dict(
    batch_size=32, dataset=dict(pipeline=_base_.pgpg_pipeline))
default_hooks = dict(checkpoint=dict(save_best='Total', rule='greater'))
