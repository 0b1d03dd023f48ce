"""rmpe_mm.datasets.transforms."""
from .pose_guided_proposals import PoseGuidedProposals
from .random_jitter_proposals import RandomJitterProposals

__all__ = ['PoseGuidedProposals', 'RandomJitterProposals']
