"""rmpe_mm.models.stn."""
from .stn_localizer import STNLocalizer

__all__ = ['STNLocalizer']
