# Synthetic benchmark, ablation row "+ parallel SPPE": RMPE stage 2 as in
# rmpe_lhg2_synthetic_sstn.py plus the frozen parallel SPPE
# (lhg1_synthetic_parallel.py, `parallel_checkpoint`) on the STN output,
# supervised with center-located targets (docs/method.md section 2); tested
# on the SIMULATED detections without pose NMS. The parallel branch is
# training-only.
#   python tools/train.py \
#     projects/synthetic_benchmark/configs/rmpe_lhg2_synthetic_sstn_parallel.py
# (other checkpoints: SYNTHETIC_STAGE1_CHECKPOINT=PATH
#  SYNTHETIC_PARALLEL_CHECKPOINT=PATH)
_base_ = ['./rmpe_lhg2_synthetic_sstn.py']

model = dict(parallel_sppe=_base_.parallel_sppe, parallel_loss_weight=1.0)
