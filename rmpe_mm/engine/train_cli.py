"""Train a pose model with rmpe_mm's components registered.

The one implementation of ``tools/train.py`` (a thin wrapper), runnable
without the repository's ``tools/`` as ``python -m rmpe_mm.engine.train_cli``.

Same arguments as MMPose's ``tools/train.py``::

    python -m rmpe_mm.engine.train_cli CONFIG [--work-dir DIR]
        [--resume [CKPT]] [--amp] [--no-validate] [--auto-scale-lr]
        [--show-dir DIR] [--show]
        [--cfg-options k=v ...] [--launcher {none,pytorch,slurm,mpi}]

Distributed: ``bash tools/dist_train.sh CONFIG NPROC`` (``torchrun``; works
on CPU with the gloo backend).
"""
import argparse
import os
from typing import Optional, Sequence

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

import rmpe_mm  # noqa: F401  (registers the components)
from rmpe_mm.engine import merge_train_args, prepare_cpu_distributed


def parse_args(
        argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
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
        '--amp', action='store_true', help='automatic mixed precision')
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='do not evaluate checkpoints during training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the LR by the actual total batch size')
    parser.add_argument(
        '--show-dir', help='directory to save visualised validation images')
    parser.add_argument(
        '--show', action='store_true', help='show validation images')
    parser.add_argument(
        '--interval', type=int, default=1, help='visualise every N samples')
    parser.add_argument(
        '--wait-time', type=float, default=1, help='display time (s)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, key=value pairs (e.g. '
        'train_cfg.max_epochs=2)')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Train the config with MMEngine's Runner."""
    args = parse_args(argv)
    cfg = merge_train_args(Config.fromfile(args.config), args)
    prepare_cpu_distributed(cfg)
    runner = Runner.from_cfg(cfg)
    runner.train()


if __name__ == '__main__':
    main()
