# Synthetic benchmark, ablation row "random jitter instead of PGPG": the full
# RMPE (SSTN + parallel SPPE, pose NMS at test) with every PGPG proposal
# replaced by a random jitter (IoU > 0.5): stage 1 is
# lhg2_synthetic_jitter.py (epoch `stage1_epochs`), stage 2 fine-tunes on
# jittered boxes.
#   python tools/train.py \
#       projects/synthetic_benchmark/configs/rmpe_lhg2_synthetic_jitter.py
# (another stage-1 checkpoint: SYNTHETIC_STAGE1_CHECKPOINT=PATH)
_base_ = ['./rmpe_lhg2_synthetic.py']

stage1_checkpoint = '{{$SYNTHETIC_STAGE1_CHECKPOINT:work_dirs/lhg2_synthetic_jitter/epoch_10.pth}}'  # noqa: E501
load_from = stage1_checkpoint
train_dataloader = dict(dataset=dict(pipeline=_base_.jitter_pipeline))
