"""rmpe_mm.models."""
from .backbones import LightHourglassNet
from .pose_estimators import RMPEPoseEstimator
from .stn import STNLocalizer

__all__ = ['LightHourglassNet', 'RMPEPoseEstimator', 'STNLocalizer']
