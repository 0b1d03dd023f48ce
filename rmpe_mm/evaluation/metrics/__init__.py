"""rmpe_mm.evaluation.metrics."""
from .ppnms_coco_metric import PPNMSCocoMetric

__all__ = ['PPNMSCocoMetric']
