"""rmpe_mm.evaluation."""
from . import functional, metrics  # noqa: F401
