"""rmpe_mm.datasets.transforms."""
from .center_target import GenerateCenterTarget
from .context_window import TopdownContextAffine
from .paired_bbox_transform import RandomPairedBBoxTransform
from .pose_guided_proposals import PoseGuidedProposals
from .random_jitter_proposals import RandomJitterProposals

__all__ = [
    'GenerateCenterTarget', 'PoseGuidedProposals', 'RandomJitterProposals',
    'RandomPairedBBoxTransform', 'TopdownContextAffine'
]
