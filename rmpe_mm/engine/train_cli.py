"""Train a pose model with rmpe_mm's components registered.

The one implementation of ``tools/train.py`` (a thin wrapper), runnable
without the repository's ``tools/`` as ``python -m rmpe_mm.engine.train_cli``.

Same arguments as MMPose 1.3.2's ``tools/train.py``, all of them, plus
``--auto-resume``::

    python -m rmpe_mm.engine.train_cli CONFIG [--work-dir DIR]
        [--resume [CKPT] | --auto-resume] [--amp] [--no-validate]
        [--auto-scale-lr] [--cfg-options k=v ...] [--show-dir DIR] [--show]
        [--interval N] [--wait-time S] [--launcher {none,pytorch,slurm,mpi}]
        [--local_rank N]

``--show-dir``/``--show`` draw the validation predictions (every
``--interval``-th sample, shown for ``--wait-time`` s).

Distributed: ``bash tools/dist_train.sh CONFIG NPROC`` (``torchrun``; works
on CPU with the gloo backend).
"""
import argparse
from typing import Optional, Sequence

from mmengine.config import Config
from mmengine.runner import Runner

import rmpe_mm  # noqa: F401  (registers the components)
from rmpe_mm.engine import merge_train_args, prepare_cpu_distributed
from rmpe_mm.engine.runner_args import add_runner_arguments, parse_tool_args


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Command-line arguments (MMPose's)."""
    parser = argparse.ArgumentParser(description='Train a pose model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from this checkpoint; without a path, from the latest '
        'checkpoint in the work directory')
    parser.add_argument(
        '--auto-resume',
        action='store_true',
        help='the same as --resume without a path (MMDetection 2.x\'s name)')
    parser.add_argument(
        '--amp', action='store_true', help='automatic mixed precision')
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='do not evaluate checkpoints during training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the LR by the actual total batch size')
    add_runner_arguments(parser, 'validation images')
    return parse_tool_args(parser, argv)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Train the config with MMEngine's Runner."""
    args = parse_args(argv)
    cfg = merge_train_args(Config.fromfile(args.config), args)
    prepare_cpu_distributed(cfg)
    runner = Runner.from_cfg(cfg)
    runner.train()


if __name__ == '__main__':
    main()
