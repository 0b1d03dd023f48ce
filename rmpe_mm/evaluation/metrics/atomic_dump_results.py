"""MMEngine's ``DumpResults``, writing the pickle atomically."""
from mmengine.evaluator import DumpResults
from mmengine.logging import print_log
from mmpose.registry import METRICS

from ...utils.atomic_io import atomic_dump


@METRICS.register_module()
class AtomicDumpResults(DumpResults):
    """Dump the raw predictions to ``out_file_path`` (``.pkl``) whole or
    not at all (:mod:`rmpe_mm.utils.atomic_io`); otherwise MMEngine's
    ``DumpResults`` (``tools/test.py --dump`` uses it).

    Args:
        out_file_path (str): The ``.pkl``/``.pickle`` file.
        collect_device (str): ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        collect_dir (str, optional): Temporary folder of the CPU
            collection. Defaults to None.
    """

    def compute_metrics(self, results: list) -> dict:
        """Write ``results``; no metrics."""
        atomic_dump(results, self.out_file_path)
        print_log(
            f'Results have been saved to {self.out_file_path}.',
            logger='current')
        return {}
