"""Test (and evaluate) a pose model with rmpe_mm's components registered.

The one implementation of ``tools/test.py`` (a thin wrapper), runnable
without the repository's ``tools/`` as ``python -m rmpe_mm.engine.test_cli``.

Same arguments as MMPose's ``tools/test.py``::

    python -m rmpe_mm.engine.test_cli CONFIG CHECKPOINT [--work-dir DIR]
        [--out FILE] [--dump FILE.pkl] [--show-dir DIR] [--show]
        [--cfg-options k=v ...] [--launcher {none,pytorch,slurm,mpi}]

``--out`` writes the metrics as JSON/YAML/pickle (by extension); ``--dump``
writes the raw predictions (a pickle), e.g. for ``tools/tune_ppnms.py``.
"""
import argparse
import os
from typing import Optional, Sequence

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

import rmpe_mm  # noqa: F401  (registers the components)
from rmpe_mm.engine import (SaveMetricsHook, merge_test_args,
                            prepare_cpu_distributed)


def parse_args(
        argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Command-line arguments (MMPose's)."""
    parser = argparse.ArgumentParser(description='Test (and eval) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='directory for logs and results')
    parser.add_argument('--out', help='file to save the metrics to')
    parser.add_argument(
        '--dump', help='pickle file to dump the raw predictions to')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        default={},
        help='override config settings, key=value pairs')
    parser.add_argument(
        '--show-dir', help='directory to save visualised predictions')
    parser.add_argument(
        '--show', action='store_true', help='show the predictions')
    parser.add_argument(
        '--interval', type=int, default=1, help='visualise every N samples')
    parser.add_argument(
        '--wait-time', type=float, default=1, help='display time (s)')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


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
