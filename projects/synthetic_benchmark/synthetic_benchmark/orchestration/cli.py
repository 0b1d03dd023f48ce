"""Command-line pieces shared by the benchmark tools (ablation, sweep)."""
import argparse
from typing import Mapping, Optional

from .plan import DEFAULT_DATA_ROOT, BenchmarkSettings

#: ``BenchmarkSettings`` field -> the tools' flag (argparse dest).
SCHEDULE_FLAGS = (('stage1_epochs', 'epochs'),
                  ('stage2_epochs', 'finetune_epochs'),
                  ('parallel_epochs', 'parallel_epochs'),
                  ('train_people', 'train_people'))


def add_schedule_arguments(parser: argparse.ArgumentParser,
                           defaults: Mapping[str, int],
                           quick: Mapping[str, int]) -> None:
    """``--epochs``, ``--finetune-epochs``, ``--parallel-epochs``,
    ``--train-people``, ``--quick`` and the work-directory flags
    ``--data-root``, ``--force``, ``--verbose``.

    Args:
        parser (argparse.ArgumentParser): The tool's parser.
        defaults (Mapping[str, int]): The tool's epochs (shown in --help).
        quick (Mapping[str, int]): What ``--quick`` sets.
    """
    parser.add_argument('--epochs', type=int, default=None,
                        help='stage-1 epochs (SPPE alone, LR 1e-3; default '
                        f'{defaults["stage1_epochs"]})')
    parser.add_argument('--finetune-epochs', type=int, default=None,
                        help='stage-2 epochs (SSTN fine-tuning at LR 1e-4, '
                        'and the no-SSTN control; default '
                        f'{defaults["stage2_epochs"]})')
    parser.add_argument('--parallel-epochs', type=int, default=None,
                        help='parallel-SPPE epochs (default '
                        f'{defaults["parallel_epochs"]})')
    parser.add_argument('--train-people', type=int, default=None,
                        help='train on the first N people only (default: '
                        'all)')
    parser.add_argument('--quick', action='store_true',
                        help='smoke run of every path, numbers meaningless: '
                        + ', '.join(f'{k}={v}' for k, v in quick.items()) +
                        ' (explicit flags win)')
    parser.add_argument('--data-root', default=DEFAULT_DATA_ROOT,
                        help='synthetic dataset (made if absent; default: '
                        '%(default)s)')
    parser.add_argument('--force', action='store_true',
                        help='reuse a work directory made with other '
                        'settings')
    parser.add_argument('--verbose', action='store_true',
                        help='echo every line of the subprocesses')


def settings_from_args(args: argparse.Namespace,
                       defaults: Mapping[str, int],
                       quick: Mapping[str, int],
                       seed: Optional[int] = None) -> BenchmarkSettings:
    """Tool defaults < ``--quick`` < explicit flags.

    Args:
        args (argparse.Namespace): Parsed with
            :func:`add_schedule_arguments`.
        defaults (Mapping[str, int]): The tool's epochs.
        quick (Mapping[str, int]): What ``--quick`` sets.
        seed (int, optional): The seed; default ``args.seed``.
    """
    values = dict(defaults, data_root=args.data_root,
                  seed=args.seed if seed is None else seed)
    if args.quick:
        values.update(quick)
    for key, dest in SCHEDULE_FLAGS:
        if getattr(args, dest) is not None:
            values[key] = getattr(args, dest)
    return BenchmarkSettings(**values)
