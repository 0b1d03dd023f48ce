# Synthetic benchmark: the baseline SPPE trained on randomly jittered boxes
# (IoU > 0.5 with the ground truth, pose independent; the paper's baseline
# for PGPG) instead of pose-guided proposals. Stage 1 of
# rmpe_lhg2_synthetic_jitter.py (the ablation row "random jitter instead of
# PGPG"); tested alone, without pose NMS.
#   python tools/train.py \
#       projects/synthetic_benchmark/configs/lhg2_synthetic_jitter.py
_base_ = ['./lhg2_synthetic_baseline.py']

train_dataloader = dict(dataset=dict(pipeline=_base_.jitter_pipeline))
