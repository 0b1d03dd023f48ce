# RMPE stage 1b on COCO: the 4-stack hourglass that becomes the frozen
# parallel SPPE, trained on ground-truth boxes. Its checkpoint is stage 2's
# `parallel_checkpoint` (rmpe_sstn-hourglass52-8stack_8xb32-60e_coco-256x192.py).  # noqa: E501
#   python tools/train.py \
#       configs/rmpe/coco/parallel-sppe_hourglass52-4stack_8xb32-210e_coco-256x192.py
_base_ = ['./sppe_hourglass52-8stack_8xb32-210e_coco-256x192.py']

model = dict(backbone=dict(num_stacks=4), head=dict(num_stages=4))

train_dataloader = dict(dataset=dict(pipeline=_base_.gt_box_pipeline))
