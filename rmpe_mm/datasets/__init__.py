"""rmpe_mm.datasets."""
from .mpii_multi_person_dataset import MpiiMultiPersonDataset

__all__ = ['MpiiMultiPersonDataset']
