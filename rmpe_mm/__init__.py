"""rmpe_mm: RMPE (Regional Multi-Person Pose Estimation) for MMPose.

``import rmpe_mm`` registers every component into MMPose's registries
(``mmpose.registry``) and makes MMEngine checkpoints loadable on
torch >= 2.6 (see :mod:`rmpe_mm.utils.checkpoint_compat`), and hides
MMEngine's ``pkg_resources`` deprecation warning, which a user cannot act on
(:mod:`rmpe_mm.utils.warning_filters`).
"""
from .utils import allow_checkpoint_globals, filter_known_warnings
from .version import __version__

filter_known_warnings()
allow_checkpoint_globals()

from . import apis, datasets, engine, evaluation, models  # noqa: E402,F401

__all__ = ['__version__']
