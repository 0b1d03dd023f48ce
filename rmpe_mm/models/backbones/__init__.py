"""rmpe_mm.models.backbones."""
from .light_hourglass import HourglassLevel, LightHourglassNet

__all__ = ['HourglassLevel', 'LightHourglassNet']
