# Synthetic benchmark, ablation row "random jitter instead of PGPG": the full
# RMPE (SSTN + parallel SPPE, pose NMS at test) with every PGPG proposal
# replaced by a random jitter (IoU > 0.5): stage 1 is
# lhg2_synthetic_jitter.py (epoch 10), stage 2 fine-tunes on jittered boxes.
#   python tools/train.py configs/synthetic/rmpe_lhg2_synthetic_jitter.py
_base_ = ['./rmpe_lhg2_synthetic.py']

load_from = 'work_dirs/lhg2_synthetic_jitter/epoch_10.pth'
train_dataloader = dict(dataset=dict(pipeline=_base_.jitter_pipeline))
