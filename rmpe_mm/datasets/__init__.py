"""rmpe_mm.datasets."""
from . import transforms  # noqa: F401  (registers the transforms)
from .mpii_multi_person_dataset import MpiiMultiPersonDataset

__all__ = ['MpiiMultiPersonDataset']
