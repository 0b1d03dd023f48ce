"""A hook that writes the test metrics to a file."""
from typing import Dict, Optional

from mmengine.hooks import Hook
from mmpose.registry import HOOKS

from ...utils.atomic_io import atomic_dump


@HOOKS.register_module()
class SaveMetricsHook(Hook):
    """Dump the metrics of a test run to ``out_file`` (``test.py --out``),
    whole or not at all (:mod:`rmpe_mm.utils.atomic_io`).

    The format follows the file extension (``.json``, ``.yaml``/``.yml`` or
    ``.pkl``), as :func:`mmengine.dump` decides.

    Args:
        out_file (str): Where to write the metrics dict.
    """

    priority = 'LOWEST'

    def __init__(self, out_file: str) -> None:
        if not out_file.endswith(
            ('.json', '.yaml', '.yml', '.pkl', '.pickle')):
            raise ValueError(
                'out_file must end with .json, .yaml, .yml, .pkl or .pickle, '
                f'got {out_file!r}')
        self.out_file = out_file

    def after_test_epoch(self,
                         runner,
                         metrics: Optional[Dict[str, float]] = None) -> None:
        if metrics is not None:
            atomic_dump(metrics, self.out_file)
