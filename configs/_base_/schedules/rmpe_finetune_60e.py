# RMPE's stage-2 schedule: fine-tuning the stage-1 SPPE with the SSTN (and
# the frozen parallel SPPE) at a lower LR, Adam at 1e-4 for 60 epochs,
# linear warm-up over 500 iterations, x0.1 at epochs 40 and 55 (a documented
# choice; the paper gives none). A stage-2 config inherits its stage-1
# config, whose schedule (./sppe_210e.py) already sets `train_cfg`,
# `optim_wrapper` and `param_scheduler`; two bases of one config may not set
# the same key, so this file names them `finetune_*` and the stage-2 config
# assigns them:
#   _base_ = ['./sppe_....py', '../../_base_/schedules/rmpe_finetune_60e.py']
#   train_cfg = _base_.finetune_train_cfg
#   optim_wrapper = _base_.finetune_optim_wrapper
#   param_scheduler = _base_.finetune_param_scheduler
finetune_train_cfg = dict(max_epochs=60, val_interval=10)
finetune_optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-4))
finetune_param_scheduler = [
    dict(
        type='LinearLR', begin=0, end=500, start_factor=0.001, by_epoch=False),
    dict(
        type='MultiStepLR',
        begin=0,
        end=60,
        milestones=[40, 55],
        gamma=0.1,
        by_epoch=True)
]
