"""Utilities that do not belong to a single component."""
from .atomic_io import (atomic_dump, atomic_open, atomic_path,
                        atomic_save_with, atomic_write_bytes,
                        atomic_write_text, remove_stale_temporaries)
from .checkpoint_compat import allow_checkpoint_globals
from .file_errors import naming_file
from .mmpose_files import mmpose_dataset_metainfo, package_config_root
from .warning_filters import filter_known_warnings

__all__ = [
    'atomic_dump', 'atomic_open', 'atomic_path', 'atomic_save_with',
    'atomic_write_bytes', 'atomic_write_text', 'remove_stale_temporaries',
    'allow_checkpoint_globals', 'mmpose_dataset_metainfo', 'naming_file',
    'package_config_root', 'filter_known_warnings'
]
