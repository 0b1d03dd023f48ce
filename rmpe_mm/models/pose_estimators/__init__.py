"""rmpe_mm.models.pose_estimators."""
from .rmpe import RMPEPoseEstimator

__all__ = ['RMPEPoseEstimator']
