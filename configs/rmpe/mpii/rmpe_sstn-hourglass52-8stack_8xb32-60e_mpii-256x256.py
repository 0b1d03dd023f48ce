# RMPE stage 2 on MPII, the paper's model (docs/method.md, sections 1-2):
# the stage-1a SPPE (sppe_hourglass52-8stack_8xb32-210e_mpii-256x256.py: 8-stack  # noqa: E501
# hourglass, 256x256 crops, PGPG proposals) plus the SSTN (ResNet-18
# localisation net seeing the full crop, SDTN on every stack's heatmaps) and
# the frozen stage-1b parallel SPPE (4-stack hourglass) on the STN output,
# supervised with center-located targets; fine-tuned at a lower LR.
# Recipe (fit PGPG, train 1a and 1b, then this): ./README.md.
#   python tools/train.py \
#       configs/rmpe/mpii/rmpe_sstn-hourglass52-8stack_8xb32-60e_mpii-256x256.py \  # noqa: E501
#       --cfg-options load_from=<1a.pth> \
#       model.parallel_sppe.checkpoint=<1b.pth>
_base_ = [
    './sppe_hourglass52-8stack_8xb32-210e_mpii-256x256.py',
    '../../_base_/models/rmpe_sstn.py',
    '../../_base_/schedules/rmpe_finetune_60e.py',
]

# ---- the stage-1 checkpoints (edit or override) ---------------------------
sppe_checkpoint = 'work_dirs/sppe_hourglass52-8stack_8xb32-210e_mpii-256x256/epoch_210.pth'  # noqa: E501
parallel_checkpoint = (
    'work_dirs/parallel-sppe_hourglass52-4stack_8xb32-210e_mpii-256x256/'
    'epoch_210.pth')
load_from = sppe_checkpoint

model = dict(
    _base_.rmpe,
    parallel_sppe=dict(
        _base_.model,
        backbone=dict(_base_.model.backbone, num_stacks=4),
        head=dict(_base_.model.head, num_stages=4),
        checkpoint=parallel_checkpoint,
        checkpoint_prefix=None))  # None: found automatically

train_dataloader = dict(dataset=dict(pipeline=_base_.rmpe_pipeline))

# ---- stage 2's schedule replaces stage 1's (rmpe_finetune_60e.py) -------
train_cfg = _base_.finetune_train_cfg
optim_wrapper = _base_.finetune_optim_wrapper
param_scheduler = _base_.finetune_param_scheduler
