# RMPE's stage-2 additions to an SPPE config (docs/method.md, sections 1-2):
# the symmetric STN (a ResNet-18 localisation net seeing the full crop; the
# SDTN acts on every stack's heatmaps) and the frozen parallel SPPE on the
# STN output, supervised with center-located targets. A stage-2 config
# inherits its stage-1 SPPE config and this file, and merges `rmpe` into
# the SPPE model together with its parallel SPPE (a full pose-estimator
# config + its checkpoint):
#   _base_ = ['./sppe_....py', '../../_base_/models/rmpe_sstn.py']
#   model = dict(_base_.rmpe, parallel_sppe=dict(..., checkpoint=PATH))
rmpe = dict(
    type='RMPEPoseEstimator',
    stn=dict(
        type='STNLocalizer',
        backbone=dict(type='ResNet', depth=18),
        feat_channels=512,
        input_size=None,  # the full crop, as in the paper
        constraint='affine',  # the paper; 'similarity' is the stable option
        min_abs_det=1e-3),
    parallel_loss_weight=1.0)
