# RMPE stage 2 on MPII with the context window and the pose-guided
# localiser (issue 22; not the paper's): the SPPE's first look at the box
# crop gives soft-argmax joints, the crop of their padded box (the data
# set's convention: padding of the pipeline) is cut from the window twice
# the box, and the SPPE looks again; samples without confident joints keep
# today's crop (counted, `stn_fallback`). Two SPPE passes at inference.
# The localiser has no weights (correction=False); the stage-2 fine-tuning
# adapts the SPPE to the re-centered crops. docs/sstn.md.
#   python tools/train.py \
#       configs/rmpe/mpii/rmpe_sstn-ctx2-pose-guided-hourglass52-8stack_8xb32-60e_mpii-256x256.py \  # noqa: E501
#       --cfg-options load_from=<1a.pth> \
#       model.parallel_sppe.checkpoint=<1b.pth>
_base_ = ['./rmpe_sstn-ctx2-hourglass52-8stack_8xb32-60e_mpii-256x256.py']

model = dict(
    stn=dict(
        _delete_=True,
        type='PoseGuidedLocalizer',
        score_thr=0.2,
        min_joints=2,
        padding=1.3,  # the dataset base's box padding (the paper's)
        extent_scale=(1.0, 1.0),
        center_offset=(0.0, 0.0)))
