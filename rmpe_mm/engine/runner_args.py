"""The command-line arguments of the train and test tools (MMPose's).

Defines the flags ``train_cli``, ``test_cli`` (what ``tools/train.py`` and
``tools/test.py`` wrap) and ``tools/detect.py`` share, and merges the
parsed arguments into a config, so that every tool has one implementation
and tests can exercise it without a subprocess.
"""
import os
import os.path as osp
from argparse import ArgumentParser, Namespace
from typing import Optional, Sequence

from mmengine.config import Config, DictAction

#: ``--launcher`` choices of MMPose's train/test tools.
LAUNCHERS = ('none', 'pytorch', 'slurm', 'mpi')


def add_launcher_arguments(parser: ArgumentParser,
                           launchers: Sequence[str] = LAUNCHERS) -> None:
    """``--launcher`` and ``--local_rank`` (set by older launchers)."""
    parser.add_argument(
        '--launcher',
        choices=list(launchers),
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def add_runner_arguments(parser: ArgumentParser, shown: str) -> None:
    """The flags ``tools/train.py`` and ``tools/test.py`` share (MMPose's):
    ``--cfg-options``, visualisation (``--show-dir``, ``--show``,
    ``--interval``, ``--wait-time``; ``shown`` names what is shown) and the
    launcher."""
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, key=value pairs (e.g. '
        'train_cfg.max_epochs=2)')
    parser.add_argument(
        '--show-dir', help=f'directory to save visualised {shown}')
    parser.add_argument('--show', action='store_true', help=f'show {shown}')
    parser.add_argument(
        '--interval', type=int, default=1, help='visualise every N samples')
    parser.add_argument(
        '--wait-time', type=float, default=1, help='display time (s)')
    add_launcher_arguments(parser)


def parse_tool_args(parser: ArgumentParser,
                    argv: Optional[Sequence[str]] = None) -> Namespace:
    """Parse ``argv`` and export ``--local_rank`` as ``LOCAL_RANK`` (unless
    the launcher already set it), as MMPose's tools do."""
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def _default_work_dir(config_path: str) -> str:
    return osp.join('./work_dirs', osp.splitext(osp.basename(config_path))[0])


def _set_work_dir(cfg: Config, args: Namespace) -> None:
    """CLI ``--work-dir`` > ``work_dir`` in the file > config file name."""
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = _default_work_dir(args.config)


def _enable_visualization(cfg: Config, show_dir: Optional[str], show: bool,
                          interval: int, wait_time: float) -> None:
    """Switch on the config's ``PoseVisualizationHook``."""
    hooks = cfg.get('default_hooks', {})
    if 'visualization' not in hooks:
        raise ValueError(
            'default_hooks has no "visualization" entry; add '
            'visualization=dict(type="PoseVisualizationHook") to use '
            '--show/--show-dir')
    vis = hooks['visualization']
    vis.enable = True
    vis.show = show
    vis.out_dir = show_dir
    vis.interval = interval
    if show:
        vis.wait_time = wait_time


def _merge_common(cfg: Config, args: Namespace) -> None:
    cfg.launcher = args.launcher
    _set_work_dir(cfg, args)
    # with --badcase, --show shows the bad cases (BadCaseAnalysisHook), not
    # every prediction (as in MMPose's tools/test.py)
    badcase = getattr(args, 'badcase', False)
    if (args.show and not badcase) or args.show_dir is not None:
        _enable_visualization(cfg, args.show_dir, args.show and not badcase,
                              args.interval, args.wait_time)


#: ``metric_type`` values of MMPose's ``BadCaseAnalysisHook``.
BADCASE_METRIC_TYPES = ('loss', 'accuracy')


def _enable_badcase(cfg: Config, show: bool, interval: int,
                    wait_time: float) -> None:
    """Switch on the config's ``BadCaseAnalysisHook`` (``--badcase``).

    As MMPose's ``tools/test.py``: the hook's ``metric``, when the config
    sets none, is the model head's loss (``metric_type='loss'``) or the test
    evaluator (``'accuracy'``).
    """
    hooks = cfg.get('default_hooks', {})
    if 'badcase' not in hooks:
        raise ValueError(
            'default_hooks has no "badcase" entry; add badcase=dict('
            'type="BadCaseAnalysisHook", out_dir="badcase") to use --badcase')
    hook = hooks['badcase']
    metric_type = hook.get('metric_type', 'loss')
    if metric_type not in BADCASE_METRIC_TYPES:
        raise ValueError(f'default_hooks.badcase.metric_type must be one of '
                         f'{BADCASE_METRIC_TYPES}, got {metric_type!r}')
    hook.enable = True
    hook.show = show
    hook.interval = interval
    if show:
        hook.wait_time = wait_time
    if hook.get('metric'):
        return
    if metric_type == 'accuracy':
        hook.metric = cfg.test_evaluator
        return
    loss = cfg.model.get('head', {}).get('loss')
    if not loss:
        raise ValueError(
            '--badcase with metric_type="loss" needs model.head.loss (or '
            'default_hooks.badcase.metric); the model config has none')
    hook.metric = loss


def _check_badcase_ground_truth(cfg: Config) -> None:
    """``BadCaseAnalysisHook`` compares each prediction with the sample's
    ground-truth keypoints; samples made from detector boxes have none
    (MMPose fills them with zeros), so the comparison would be
    meaningless."""
    bbox_file = cfg.test_dataloader.dataset.get('bbox_file')
    if bbox_file:
        raise ValueError(
            f'--badcase compares predictions with ground-truth keypoints, '
            f'but test_dataloader.dataset.bbox_file={bbox_file!r} makes the '
            f'test samples from detector boxes, which have none; test on '
            f'ground-truth boxes with --cfg-options '
            f'test_dataloader.dataset.bbox_file=None')


def merge_train_args(cfg: Config, args: Namespace) -> Config:
    """Merge ``tools/train.py`` arguments into ``cfg`` (returned, updated).

    Args:
        cfg (Config): The loaded config.
        args (Namespace): Parsed arguments of ``tools/train.py``.

    Returns:
        Config: ``cfg``, updated.
    """
    _merge_common(cfg, args)
    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None
    if args.amp:
        wrapper = cfg.optim_wrapper.get('type', 'OptimWrapper')
        if wrapper not in ('OptimWrapper', 'AmpOptimWrapper'):
            raise ValueError(f'--amp needs optim_wrapper.type OptimWrapper or '
                             f'AmpOptimWrapper, got {wrapper!r}')
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    resume = args.resume
    if getattr(args, 'auto_resume', False):
        if resume not in (None, 'auto'):
            raise ValueError('--auto-resume and --resume CKPT exclude each '
                             f'other, got --resume {resume!r}')
        resume = 'auto'
    if resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif resume is not None:
        if not osp.isfile(resume):
            raise FileNotFoundError(
                f'--resume checkpoint not found: {resume!r}')
        cfg.resume = True
        cfg.load_from = resume
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    return cfg


def merge_test_args(cfg: Config, args: Namespace) -> Config:
    """Merge ``tools/test.py`` arguments into ``cfg`` (returned, updated).

    ``--cfg-options`` are merged after ``--badcase`` has switched on the
    ``BadCaseAnalysisHook`` (so ``default_hooks.badcase.<key>`` options
    refine it, as in MMPose) and before ``--dump`` appends its
    ``AtomicDumpResults`` evaluator (MMEngine's ``DumpResults``, written
    atomically), so options such as ``test_evaluator.<key>`` still address
    the config's own (dict) evaluator.

    Args:
        cfg (Config): The loaded config.
        args (Namespace): Parsed arguments of ``tools/test.py``.

    Returns:
        Config: ``cfg``, updated.

    Raises:
        FileNotFoundError: If ``args.checkpoint`` is neither an existing file
            nor a URL.
        ValueError: If ``args.dump`` does not end in ``.pkl``/``.pickle``;
            with ``args.badcase``, if the config has no ``badcase`` hook, an
            unknown ``metric_type``, no loss to rank samples by, or a test
            set made from detector boxes (``bbox_file``), whose samples have
            no ground-truth keypoints.
    """
    if not osp.isfile(args.checkpoint) and '://' not in args.checkpoint:
        raise FileNotFoundError(f'checkpoint not found: {args.checkpoint!r}')
    _merge_common(cfg, args)
    cfg.load_from = args.checkpoint
    if args.badcase:
        _enable_badcase(cfg, args.show, args.interval, args.wait_time)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    if args.badcase:
        _check_badcase_ground_truth(cfg)
    if args.dump is not None:
        if not args.dump.endswith(('.pkl', '.pickle')):
            raise ValueError(
                f'--dump must name a .pkl or .pickle file, got {args.dump!r}')
        dump = dict(type='AtomicDumpResults', out_file_path=args.dump)
        evaluators = cfg.test_evaluator
        if not isinstance(evaluators, (list, tuple)):
            evaluators = [evaluators]
        cfg.test_evaluator = [*evaluators, dump]
    return cfg
