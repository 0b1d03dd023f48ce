# Synthetic benchmark, "+ parallel SPPE" with the SSTN's context window
# (issue 22; not the paper's): rmpe_lhg2_synthetic_sstn_parallel.py fed a
# window twice the padded box at the crop's pixel density
# (TopdownContextAffine, `context` in _base_/synthetic_light_hourglass.py);
# the STN starts at the box inside it (theta_box), sees the whole window at
# the crop's size and learns at 10x the LR.
#   python tools/train.py \
#     projects/synthetic_benchmark/configs/rmpe_lhg2_synthetic_sstn_ctx2.py
# (other checkpoints: SYNTHETIC_STAGE1_CHECKPOINT=PATH
#  SYNTHETIC_PARALLEL_CHECKPOINT=PATH)
_base_ = ['./rmpe_lhg2_synthetic_sstn_parallel.py']

model = dict(
    sppe_input_size=_base_.input_size, stn=dict(input_size=_base_.input_size))
train_dataloader = dict(dataset=dict(pipeline=_base_.pgpg_context_pipeline))
val_dataloader = dict(dataset=dict(pipeline=_base_.context_val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=_base_.context_val_pipeline))
optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys={'stn.': dict(lr_mult=10.)}))
