# Synthetic benchmark: the context window with the pose-guided localiser
# (issue 22; not the paper's): the SPPE's first look gives soft-argmax
# joints, the crop of their padded box is cut from the window twice the box
# and the SPPE looks again (samples without confident joints keep today's
# crop, counted as `stn_fallback`).
#   python tools/train.py projects/synthetic_benchmark/configs/\
#     rmpe_lhg2_synthetic_sstn_ctx2_pose_guided.py
_base_ = ['./rmpe_lhg2_synthetic_sstn_ctx2.py']

model = dict(
    stn=dict(
        _delete_=True,
        type='PoseGuidedLocalizer',
        score_thr=0.2,
        min_joints=2,
        padding=1.3))  # the base's box padding
