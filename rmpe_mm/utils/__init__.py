"""Utilities that do not belong to a single component."""
from .checkpoint_compat import allow_checkpoint_globals

__all__ = ['allow_checkpoint_globals']
