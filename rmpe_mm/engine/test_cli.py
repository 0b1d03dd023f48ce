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
from typing import Optional, Sequence

from mmengine.config import Config
from mmengine.runner import Runner

import rmpe_mm  # noqa: F401  (registers the components)
from rmpe_mm.engine import (SaveMetricsHook, merge_test_args,
                            prepare_cpu_distributed)
from rmpe_mm.engine.runner_args import add_runner_arguments, parse_tool_args


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Command-line arguments (MMPose's)."""
    parser = argparse.ArgumentParser(description='Test (and eval) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='directory for logs and results')
    parser.add_argument('--out', help='file to save the metrics to')
    parser.add_argument(
        '--dump', help='pickle file to dump the raw predictions to')
    add_runner_arguments(parser, 'predictions')
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
