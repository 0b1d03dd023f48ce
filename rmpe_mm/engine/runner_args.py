"""Apply the command-line arguments of ``tools/train.py``/``tools/test.py``.

The arguments mirror MMPose's tools; the logic lives here so that both tools
share one implementation and tests can exercise it without a subprocess.
"""
import os.path as osp
from argparse import Namespace
from typing import Optional

from mmengine.config import Config


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
    if args.show or args.show_dir is not None:
        _enable_visualization(cfg, args.show_dir, args.show, args.interval,
                              args.wait_time)


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
            raise ValueError(
                f'--amp needs optim_wrapper.type OptimWrapper or '
                f'AmpOptimWrapper, got {wrapper!r}')
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        if not osp.isfile(args.resume):
            raise FileNotFoundError(
                f'--resume checkpoint not found: {args.resume!r}')
        cfg.resume = True
        cfg.load_from = args.resume
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    return cfg


def merge_test_args(cfg: Config, args: Namespace) -> Config:
    """Merge ``tools/test.py`` arguments into ``cfg`` (returned, updated).

    ``--cfg-options`` are merged before ``--dump`` appends its
    ``DumpResults`` evaluator, so options such as ``test_evaluator.<key>``
    still address the config's own (dict) evaluator.

    Args:
        cfg (Config): The loaded config.
        args (Namespace): Parsed arguments of ``tools/test.py``.

    Returns:
        Config: ``cfg``, updated.

    Raises:
        FileNotFoundError: If ``args.checkpoint`` is neither an existing file
            nor a URL.
        ValueError: If ``args.dump`` does not end in ``.pkl``/``.pickle``.
    """
    if not osp.isfile(args.checkpoint) and '://' not in args.checkpoint:
        raise FileNotFoundError(
            f'checkpoint not found: {args.checkpoint!r}')
    _merge_common(cfg, args)
    cfg.load_from = args.checkpoint
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    if args.dump is not None:
        if not args.dump.endswith(('.pkl', '.pickle')):
            raise ValueError(
                f'--dump must name a .pkl or .pickle file, got {args.dump!r}')
        dump = dict(type='DumpResults', out_file_path=args.dump)
        evaluators = cfg.test_evaluator
        if not isinstance(evaluators, (list, tuple)):
            evaluators = [evaluators]
        cfg.test_evaluator = [*evaluators, dump]
    return cfg
