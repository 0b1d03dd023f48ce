"""Runner hooks."""
from .save_metrics_hook import SaveMetricsHook

__all__ = ['SaveMetricsHook']
