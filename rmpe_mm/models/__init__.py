"""rmpe_mm.models."""
from .pose_estimators import RMPEPoseEstimator
from .stn import STNLocalizer

__all__ = ['RMPEPoseEstimator', 'STNLocalizer']
