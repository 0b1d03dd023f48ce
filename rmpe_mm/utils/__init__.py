"""Utilities that do not belong to a single component."""
from .checkpoint_compat import allow_checkpoint_globals
from .mmpose_files import mmpose_dataset_metainfo, package_config_root
from .warning_filters import filter_known_warnings

__all__ = [
    'allow_checkpoint_globals', 'mmpose_dataset_metainfo',
    'package_config_root', 'filter_known_warnings'
]
