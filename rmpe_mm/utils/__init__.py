"""Utilities that do not belong to a single component."""
from .checkpoint_compat import allow_checkpoint_globals
from .file_errors import naming_file
from .mmpose_files import mmpose_dataset_metainfo, package_config_root

__all__ = [
    'allow_checkpoint_globals', 'mmpose_dataset_metainfo', 'naming_file',
    'package_config_root'
]
