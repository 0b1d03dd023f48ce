# RMPE stage 1a on COCO: the 8-stack hourglass SPPE alone (a plain
# TopdownPoseEstimator, no STN), trained on PGPG proposals with MMPose's
# hourglass schedule; tested on detector boxes with the parametric pose NMS.
# Its checkpoint is stage 2's `load_from`
# (rmpe_sstn-hourglass52-8stack_8xb32-60e_coco-256x192.py). Recipe: ./README.md.  # noqa: E501
#   python tools/train.py configs/rmpe/coco/sppe_hourglass52-8stack_8xb32-210e_coco-256x192.py  # noqa: E501
_base_ = [
    '../../_base_/schedules/sppe_210e.py',
    '../../_base_/datasets/coco_topdown_256x192.py',
    '../../_base_/models/hourglass_sppe.py',
]

model = dict(head=dict(out_channels=_base_.num_joints, decoder=_base_.codec))

train_dataloader = dict(
    batch_size=32, dataset=dict(pipeline=_base_.pgpg_pipeline))
default_hooks = dict(checkpoint=dict(save_best='coco/AP', rule='greater'))
