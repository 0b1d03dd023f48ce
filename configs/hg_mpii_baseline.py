# The plain two-step baseline: MMPose's stacked hourglass (hourglass52) on
# MPII, 256x256 crops, unchanged, with rmpe_mm loaded. Train with
#   python tools/train.py configs/hg_mpii_baseline.py
# (expects MPII in data/mpii/ as MMPose lays it out).
_base_ = [
    'mmpose::body_2d_keypoint/topdown_heatmap/mpii/'
    'td-hm_hourglass52_8xb64-210e_mpii-256x256.py',
    './_base_/plugin.py',
]

# A 1-stack HourglassNet builds inter-stack layers it never uses; DDP must be
# told, or distributed training stops at the first backward pass.
find_unused_parameters = True
