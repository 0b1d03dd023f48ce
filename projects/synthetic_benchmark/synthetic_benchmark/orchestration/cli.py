"""Command-line pieces shared by the benchmark tools (main job, ablation,
sweep): the schedule and work-directory flags, defined once."""
import argparse
from typing import Optional

from .plan import DEFAULT_DATA_ROOT, BenchmarkSettings
from .schedules import tool_schedule

#: ``BenchmarkSettings`` field -> the tools' flag (argparse dest).
SCHEDULE_FLAGS = (('stage1_epochs', 'epochs'), ('stage2_epochs',
                                                'finetune_epochs'),
                  ('parallel_epochs', 'parallel_epochs'), ('train_people',
                                                           'train_people'))


def add_schedule_arguments(parser: argparse.ArgumentParser,
                           tool: str,
                           seed_flag: bool = True) -> None:
    """``--seed`` (with ``seed_flag``), ``--epochs``, ``--finetune-epochs``,
    ``--parallel-epochs``, ``--train-people``, ``--quick`` and the
    work-directory flags ``--data-root``, ``--force``, ``--verbose``.

    Args:
        parser (argparse.ArgumentParser): The tool's parser.
        tool (str): The tool's name in the project's
            ``configs/schedules.py`` (its epochs, shown in --help).
        seed_flag (bool): Add ``--seed`` (tools of one seed). Defaults to
            True.
    """
    defaults = tool_schedule(tool)
    quick = tool_schedule(tool, quick=True)
    if seed_flag:
        parser.add_argument(
            '--seed',
            type=int,
            default=0,
            help='training and PGPG-fit seed (default: '
            '%(default)s)')
    parser.add_argument(
        '--epochs',
        type=int,
        default=None,
        help='stage-1 epochs (SPPE alone, LR 1e-3; default '
        f'{defaults["stage1_epochs"]})')
    parser.add_argument(
        '--finetune-epochs',
        type=int,
        default=None,
        help='stage-2 epochs (SSTN fine-tuning at LR 1e-4, '
        'and the no-SSTN control; default '
        f'{defaults["stage2_epochs"]})')
    parser.add_argument(
        '--parallel-epochs',
        type=int,
        default=None,
        help='parallel-SPPE epochs (default '
        f'{defaults["parallel_epochs"]})')
    parser.add_argument(
        '--train-people',
        type=int,
        default=None,
        help='train on the first N people only (default: '
        'all)')
    parser.add_argument(
        '--quick',
        action='store_true',
        help='smoke run of every path, numbers meaningless: ' +
        ', '.join(f'{k}={v}'
                  for k, v in quick.items()) + ' (explicit flags win)')
    parser.add_argument(
        '--data-root',
        default=DEFAULT_DATA_ROOT,
        help='synthetic dataset (made if absent; default: '
        '%(default)s)')
    parser.add_argument(
        '--force',
        action='store_true',
        help='reuse a work directory made with other '
        'settings')
    parser.add_argument(
        '--verbose',
        action='store_true',
        help='echo every line of the subprocesses')
    parser.set_defaults(schedule_tool=tool)


def settings_from_args(args: argparse.Namespace,
                       seed: Optional[int] = None) -> BenchmarkSettings:
    """The tool's schedule (``configs/schedules.py``) < ``--quick`` <
    explicit flags.

    Args:
        args (argparse.Namespace): Parsed with
            :func:`add_schedule_arguments`.
        seed (int, optional): The seed; default ``args.seed``.

    Raises:
        ValueError: No ``seed`` and no ``--seed`` flag.
    """
    if seed is None:
        if 'seed' not in args:
            raise ValueError('settings_from_args: this tool has no --seed; '
                             'pass the seed')
        seed = args.seed
    values = dict(
        tool_schedule(args.schedule_tool), data_root=args.data_root, seed=seed)
    if args.quick:
        values.update(tool_schedule(args.schedule_tool, quick=True))
    for key, dest in SCHEDULE_FLAGS:
        if getattr(args, dest) is not None:
            values[key] = getattr(args, dest)
    return BenchmarkSettings(**values)
