# Synthetic benchmark, RMPE stage 1b: the parallel SPPE, a smaller copy of
# the SPPE (1 stack, 32 channels; the paper: 4 vs 8 stacks), trained on
# ground-truth boxes so that it knows what a centered person looks like. The
# SSTN + parallel configs load its checkpoint, frozen
# (model.parallel_sppe.checkpoint). The SPPE's stage-1 schedule, without the
# LR drop, for `parallel_epochs` (SYNTHETIC_PARALLEL_EPOCHS).
#   python tools/train.py \
#       projects/synthetic_benchmark/configs/lhg1_synthetic_parallel.py
_base_ = ['./lhg2_synthetic_baseline.py']

parallel_epochs = {{'$SYNTHETIC_PARALLEL_EPOCHS:10'}}
max_epochs = parallel_epochs
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
# the baseline's warm-up and step scheduler, with no drop: the stage-1 part
# of the schedule
param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], end=max_epochs, milestones=[max_epochs])
]
# every epoch: a killed run resumes from the last one (docs/exact_resume.md)
default_hooks = dict(checkpoint=dict(interval=1))
model = dict(backbone=_base_.parallel_backbone, head=_base_.parallel_head)
