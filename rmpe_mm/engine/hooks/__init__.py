"""Runner hooks."""
from .atomic_checkpoint_hook import AtomicCheckpointHook, AtomicLocalBackend
from .exact_resume_hook import ExactResumeHook
from .save_metrics_hook import SaveMetricsHook

__all__ = [
    'AtomicCheckpointHook', 'AtomicLocalBackend', 'ExactResumeHook',
    'SaveMetricsHook'
]
