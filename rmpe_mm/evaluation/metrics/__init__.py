"""rmpe_mm.evaluation.metrics."""
from .mpii_multi_person_metric import MpiiMultiPersonMAP
from .ppnms_coco_metric import PPNMSCocoMetric

__all__ = ['MpiiMultiPersonMAP', 'PPNMSCocoMetric']
