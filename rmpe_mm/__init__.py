"""rmpe_mm: RMPE (Regional Multi-Person Pose Estimation) for MMPose.

``import rmpe_mm`` registers every component into MMPose's registries
(``mmpose.registry``) and makes MMEngine checkpoints loadable on
torch >= 2.6 (see :mod:`rmpe_mm.utils.checkpoint_compat`).
"""
from .utils import allow_checkpoint_globals
from .version import __version__

allow_checkpoint_globals()

from . import apis, datasets, engine, evaluation, models  # noqa: E402,F401

__all__ = ['__version__']
