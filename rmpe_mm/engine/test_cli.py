"""Test (and evaluate) a pose model with rmpe_mm's components registered.

The one implementation of ``tools/test.py`` (a thin wrapper), runnable
without the repository's ``tools/`` as ``python -m rmpe_mm.engine.test_cli``.

Same arguments as MMPose 1.3.2's ``tools/test.py``, all of them::

    python -m rmpe_mm.engine.test_cli CONFIG CHECKPOINT [--work-dir DIR]
        [--out FILE] [--dump FILE.pkl] [--cfg-options k=v ...]
        [--show-dir DIR] [--show] [--interval N] [--wait-time S]
        [--launcher {none,pytorch,slurm,mpi}] [--local_rank N] [--badcase]

``--out`` writes the metrics as JSON/YAML/pickle (by extension); ``--dump``
writes the raw predictions (a pickle), e.g. for ``tools/tune_ppnms.py``;
``--show-dir``/``--show`` draw the predictions (every ``--interval``-th
sample, shown for ``--wait-time`` s). ``--badcase`` switches on the
config's ``BadCaseAnalysisHook`` (MMPose's; in ``default_hooks.badcase``
of MMPose's default runtime): samples whose loss against their
ground-truth keypoints (the head's loss, by default) reaches
``badcase_thr`` are drawn (ground truth blue, prediction red) into
``WORK_DIR/<timestamp>/badcase/`` and listed in its ``results.json``;
with ``--show`` they are shown instead of every prediction. It needs a
test set on ground-truth boxes: RMPE's test sets are detector boxes
(``bbox_file``), whose samples have no ground truth, so pass
``--cfg-options test_dataloader.dataset.bbox_file=None``.
"""
import argparse
from typing import Optional, Sequence

from mmengine.config import Config
from mmengine.runner import Runner

import rmpe_mm  # noqa: F401  (registers the components)
from rmpe_mm.engine import (SaveMetricsHook, merge_test_args,
                            prepare_cpu_distributed)
from rmpe_mm.engine.runner_args import add_runner_arguments, parse_tool_args


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Command-line arguments (MMPose's, ``--badcase`` included)."""
    parser = argparse.ArgumentParser(description='Test (and eval) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='directory for logs and results')
    parser.add_argument('--out', help='file to save the metrics to')
    parser.add_argument(
        '--dump', help='pickle file to dump the raw predictions to')
    add_runner_arguments(parser, 'predictions')
    parser.add_argument(
        '--badcase',
        action='store_true',
        help='draw and list the bad cases (default_hooks.badcase, MMPose\'s '
        'BadCaseAnalysisHook); needs ground-truth test boxes')
    return parse_tool_args(parser, argv)


def main(argv: Optional[Sequence[str]] = None) -> dict:
    """Test the checkpoint with MMEngine's Runner; returns the metrics."""
    args = parse_args(argv)
    cfg = merge_test_args(Config.fromfile(args.config), args)
    prepare_cpu_distributed(cfg)
    runner = Runner.from_cfg(cfg)
    if args.out:
        runner.register_hook(SaveMetricsHook(args.out), 'LOWEST')
    return runner.test()


if __name__ == '__main__':
    main()
