"""rmpe_mm.datasets.transforms."""
from .centre_target import GenerateCentreTarget
from .paired_bbox_transform import RandomPairedBBoxTransform
from .pose_guided_proposals import PoseGuidedProposals
from .random_jitter_proposals import RandomJitterProposals

__all__ = [
    'GenerateCentreTarget', 'PoseGuidedProposals', 'RandomJitterProposals',
    'RandomPairedBBoxTransform'
]
