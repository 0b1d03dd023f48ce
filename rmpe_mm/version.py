"""Version of rmpe_mm."""

__version__ = '0.1.0'
