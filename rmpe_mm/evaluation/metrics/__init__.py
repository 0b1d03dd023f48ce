"""rmpe_mm.evaluation.metrics."""
from .atomic_dump_results import AtomicDumpResults
from .mpii_multi_person_metric import MpiiMultiPersonMAP
from .ppnms_coco_metric import PPNMSCocoMetric

__all__ = ['AtomicDumpResults', 'MpiiMultiPersonMAP', 'PPNMSCocoMetric']
