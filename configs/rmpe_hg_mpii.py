# Alias kept for the documented entry point
#   python tools/train.py configs/rmpe_hg_mpii.py
# of RMPE stage 2 on MPII; the config itself (and its recipe, stages 0-2) is
# configs/rmpe/mpii/rmpe_sstn-hourglass52-8stack_8xb32-60e_mpii-256x256.py
# (configs/rmpe/mpii/README.md). Other configs have no alias.
_base_ = ['./rmpe/mpii/rmpe_sstn-hourglass52-8stack_8xb32-60e_mpii-256x256.py']
