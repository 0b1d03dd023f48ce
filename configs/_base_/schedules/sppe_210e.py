# MMPose's hourglass schedule, RMPE's stage 1 (the SPPE and the parallel
# SPPE): Adam at 5e-4 for 210 epochs, linear warm-up over 500 iterations,
# x0.1 at epochs 170 and 200; the LR is for a total batch of 256 (8 GPUs x
# 32), scaled with `--auto-scale-lr`. MMPose's runtime comes with it: its
# runtime already sets `train_cfg`, and two bases of one config may not set
# the same key.
_base_ = ['../default_runtime.py']

train_cfg = dict(max_epochs=210, val_interval=10)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=5e-4))
param_scheduler = [
    dict(
        type='LinearLR', begin=0, end=500, start_factor=0.001, by_epoch=False),
    dict(
        type='MultiStepLR',
        begin=0,
        end=210,
        milestones=[170, 200],
        gamma=0.1,
        by_epoch=True)
]
auto_scale_lr = dict(base_batch_size=256)
