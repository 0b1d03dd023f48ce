# RMPE stage 2 on MPII with the SSTN's context window (issue 22; a
# deviation from the paper, whose recipe stays the headline:
# ./rmpe_sstn-hourglass52-8stack_8xb32-60e_mpii-256x256.py). The pipelines cut
# a window twice the padded box at the crop's pixel density
# (TopdownContextAffine; `context` in the dataset base); the STN's theta
# maps from that window, starting at the box inside it (theta_box), so the
# untrained model is the SPPE and a re-centering finds real pixels instead
# of zeros. The localisation net sees the whole window at half its
# resolution (the crop's size), and learns at 10x the SPPE's LR (the issue's
# measurements: at 1e-4 it stays at the identity). docs/sstn.md.
#   python tools/train.py \
#       configs/rmpe/mpii/rmpe_sstn-ctx2-hourglass52-8stack_8xb32-60e_mpii-256x256.py \  # noqa: E501
#       --cfg-options load_from=<1a.pth> \
#       model.parallel_sppe.checkpoint=<1b.pth>
_base_ = ['./rmpe_sstn-hourglass52-8stack_8xb32-60e_mpii-256x256.py']

model = dict(
    sppe_input_size=_base_.codec['input_size'],
    stn=dict(input_size=(256, 256)),
    # the parallel SPPE's soft-argmax joints vs the center-located ones,
    # beside its heatmap MSE (0: off, the paper's loss alone)
    parallel_position_loss_weight=0.0)
train_dataloader = dict(dataset=dict(pipeline=_base_.rmpe_context_pipeline))
val_dataloader = dict(dataset=dict(pipeline=_base_.context_val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=_base_.context_val_pipeline))
optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys={'stn.': dict(lr_mult=10.)}))
