"""rmpe_mm.models."""
from .backbones import LightHourglassNet
from .pose_estimators import RMPEPoseEstimator
from .stn import PoseGuidedLocalizer, STNLocalizer

__all__ = [
    'LightHourglassNet', 'PoseGuidedLocalizer', 'RMPEPoseEstimator',
    'STNLocalizer'
]
