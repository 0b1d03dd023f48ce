"""rmpe_mm.models.stn."""
from .pose_guided_localizer import PoseGuidedLocalizer
from .stn_localizer import STNLocalizer

__all__ = ['PoseGuidedLocalizer', 'STNLocalizer']
