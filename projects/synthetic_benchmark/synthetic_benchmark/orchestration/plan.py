"""What the synthetic ablation and the main job train and test.

The configs live in ``configs/synthetic/``; this module only chooses which
of them run, for how many epochs, from which checkpoints, on which data.
Every number here is a documented default of ``tools/ablation.py`` /
``tools/main_job.py`` and can be changed on their command lines.
"""
import json
import os
import os.path as osp
from dataclasses import asdict, dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from .steps import TestRun, TrainRun

CONFIG_DIR = 'configs/synthetic'
#: Where the configs expect the data (their ``data_root``).
DEFAULT_DATA_ROOT = 'data/synthetic'


def config_path(name: str) -> str:
    """``configs/synthetic/<name>.py``."""
    return osp.join(CONFIG_DIR, f'{name}.py')


@dataclass(frozen=True)
class BenchmarkSettings:
    """Epochs, seed and data of a benchmark run.

    Args:
        stage1_epochs (int): Epochs of the SPPE alone at LR 1e-3 (stage 1).
            Defaults to 10.
        stage2_epochs (int): Epochs of the SSTN fine-tuning at LR 1e-4
            (stage 2); the stage-1 runs of the ablation continue for as many
            epochs at that LR (the "no SSTN" control). Defaults to 4.
        parallel_epochs (int): Epochs of the parallel SPPE (stage 1b).
            Defaults to 10.
        seed (int): Training seed (``randomness.seed``) and PGPG fit seed.
            Defaults to 0.
        train_people (int, optional): Train on the first N people only
            (``train_dataloader.dataset.indices``). Defaults to None: all.
        data_root (str): Synthetic dataset root. Defaults to
            ``'data/synthetic'`` (the configs' own).
    """
    stage1_epochs: int = 10
    stage2_epochs: int = 4
    parallel_epochs: int = 10
    seed: int = 0
    train_people: Optional[int] = None
    data_root: str = DEFAULT_DATA_ROOT

    def __post_init__(self) -> None:
        for name in ('stage1_epochs', 'stage2_epochs', 'parallel_epochs'):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f'{name} must be an integer >= 1, got '
                                 f'{value!r}')
        if self.train_people is not None and self.train_people < 1:
            raise ValueError(
                f'train_people must be >= 1 or None, got {self.train_people}')

    def to_dict(self) -> Dict:
        """Plain dict (for the settings file and the report)."""
        return asdict(self)

    @property
    def pgpg_file(self) -> str:
        """The PGPG model fitted on the train split, beside the data."""
        return osp.join(self.data_root, f'pgpg_model_seed{self.seed}.json')


def record_settings(work_dir: str, settings: BenchmarkSettings,
                    force: bool = False) -> None:
    """Write ``settings.json``; refuse a work directory made with others.

    Runs are skipped when their outputs exist, so mixing settings in one
    directory would silently reuse results made with other ones.

    Raises:
        ValueError: ``work_dir`` holds other settings and not ``force``.
    """
    path = osp.join(work_dir, 'settings.json')
    wanted = settings.to_dict()
    if osp.isfile(path) and not force:
        with open(path) as f:
            existing = json.load(f)
        if existing != wanted:
            raise ValueError(
                f'{work_dir} holds runs made with other settings '
                f'({existing}, now {wanted}); use another work directory or '
                '--force')
    os.makedirs(work_dir, exist_ok=True)
    with open(path, 'w') as f:
        json.dump(wanted, f, indent=1)


def data_root_options(data_root: str) -> Tuple[str, ...]:
    """``--cfg-options`` pointing a synthetic config at another data root.

    Empty for the configs' own root (``data/synthetic``).
    """
    root = data_root.rstrip('/') + '/'
    if root == DEFAULT_DATA_ROOT + '/':
        return ()
    return (
        f'train_dataloader.dataset.data_root={root}',
        f'val_dataloader.dataset.data_root={root}',
        f'test_dataloader.dataset.data_root={root}',
        f'test_dataloader.dataset.bbox_file={root}detections/val_det.json',
        f'val_evaluator.ann_file={root}annotations/val.json',
        f'test_evaluator.ann_file={root}annotations/val.json',
    )


def schedule_options(epochs: int, lr_drop_epoch: int,
                     checkpoint_interval: int) -> Tuple[str, ...]:
    """Options setting a synthetic config's stage-1 style schedule.

    The configs' ``param_scheduler`` is ``[LinearLR warm-up, MultiStepLR]``
    (stage 1) or ``[ConstantLR]`` (stage 2); only stage-1 configs take
    ``lr_drop_epoch``.
    """
    return (
        f'train_cfg.max_epochs={epochs}',
        f'train_cfg.val_interval={checkpoint_interval}',
        f'param_scheduler.1.milestones=[{lr_drop_epoch}]',
        f'param_scheduler.1.end={epochs}',
        f'default_hooks.checkpoint.interval={checkpoint_interval}',
    )


def stage2_options(epochs: int) -> Tuple[str, ...]:
    """Options setting a stage-2 config's number of epochs."""
    return (
        f'train_cfg.max_epochs={epochs}',
        f'train_cfg.val_interval={epochs}',
        f'default_hooks.checkpoint.interval={epochs}',
    )


def common_options(settings: BenchmarkSettings) -> Tuple[str, ...]:
    """Seed, data root and training subset options of every train run."""
    opts = (f'randomness.seed={settings.seed}', )
    if settings.train_people is not None:
        opts += (f'train_dataloader.dataset.indices={settings.train_people}',)
    return opts + data_root_options(settings.data_root)


def pipeline_index(config: str, transform: str) -> int:
    """Index of ``transform`` in a config's training pipeline.

    Raises:
        ValueError: The pipeline has no such transform.
    """
    from mmengine.config import Config
    pipeline = Config.fromfile(config).train_dataloader.dataset.pipeline
    for i, step in enumerate(pipeline):
        if step['type'] == transform:
            return i
    raise ValueError(f'{config}: train pipeline has no {transform!r} '
                     f'(types: {[s["type"] for s in pipeline]})')


def pgpg_options(config: str, pgpg_file: str) -> Tuple[str, ...]:
    """Option pointing a PGPG config's ``PoseGuidedProposals`` at a model."""
    index = pipeline_index(config, 'PoseGuidedProposals')
    return (f'train_dataloader.dataset.pipeline.{index}.model_file='
            f'{pgpg_file}', )


def _stage1_run(name: str, config: str, settings: BenchmarkSettings,
                control: bool, extra: Sequence[str] = (),
                needs: Sequence[str] = ()) -> TrainRun:
    """A stage-1 SPPE run, with (``control``) or without the LR-1e-4 tail.

    Checkpoints are kept at ``stage1_epochs`` (stage 2's start) and at the
    end.
    """
    e1, e2 = settings.stage1_epochs, settings.stage2_epochs
    epochs = e1 + e2 if control else e1
    return TrainRun(
        name, config, epochs,
        schedule_options(epochs, e1, e1) + common_options(settings) +
        tuple(extra), tuple(needs))


def _parallel_run(settings: BenchmarkSettings) -> TrainRun:
    """Stage 1b: the parallel SPPE on ground-truth boxes."""
    p = settings.parallel_epochs
    return TrainRun(
        'parallel_sppe', config_path('lhg1_synthetic_parallel'), p,
        schedule_options(p, p, p) + common_options(settings))


def _stage2_run(name: str, config: str, settings: BenchmarkSettings,
                root: str, stage1: TrainRun,
                parallel: Optional[TrainRun], extra: Sequence[str] = (),
                needs: Sequence[str] = ()) -> TrainRun:
    """A stage-2 (SSTN) run starting from ``stage1``'s stage-1 checkpoint."""
    start = stage1.checkpoint(root, settings.stage1_epochs)
    opts = stage2_options(settings.stage2_epochs) + common_options(
        settings) + (f'load_from={start}', )
    needs = (start, ) + tuple(needs)
    if parallel is not None:
        par = parallel.checkpoint(root)
        opts += (f'model.parallel_sppe.checkpoint={par}', )
        needs += (par, )
    return TrainRun(name, config, settings.stage2_epochs, opts + tuple(extra),
                    needs)


def ablation_plan(settings: BenchmarkSettings,
                  root: str) -> Tuple[List[TrainRun], List[TestRun]]:
    """Training runs and table rows of the ablation (Table 3 in miniature).

    Rows (all tested on the val split's simulated detections):

    1. plain two-step: SPPE on ground-truth boxes, no pose NMS;
    2. + PGPG: SPPE on PGPG proposals (same schedule), no pose NMS;
    3. + SSTN: stage 2 from row 2's stage-1 checkpoint, no parallel SPPE;
    4. + parallel SPPE: stage 2 with the frozen parallel SPPE;
    5. + PPNMS: row 4's model with parametric pose NMS = full RMPE;
    6. random jitter instead of PGPG: full RMPE with jittered proposals in
       both stages;
    7-9. (extra) rows 1, 2 and 3 tested with PPNMS (rows 8 and 9 are the
       paper's "without SSTN + parallel SPPE" and "without parallel SPPE");
    10. (extra) full RMPE on ground-truth boxes (upper bound).

    Returns:
        tuple: (train runs in dependency order, test runs in row order).
    """
    pgpg = settings.pgpg_file
    cfg_pgpg = config_path('lhg2_synthetic_pgpg')
    gt = _stage1_run('sppe_gt_boxes', config_path('lhg2_synthetic_baseline'),
                     settings, control=True)
    sppe_pgpg = _stage1_run('sppe_pgpg', cfg_pgpg, settings, control=True,
                            extra=pgpg_options(cfg_pgpg, pgpg), needs=(pgpg,))
    jitter = _stage1_run('sppe_jitter', config_path('lhg2_synthetic_jitter'),
                         settings, control=False)
    parallel = _parallel_run(settings)
    cfg_sstn = config_path('rmpe_lhg2_synthetic_sstn')
    cfg_par = config_path('rmpe_lhg2_synthetic_sstn_parallel')
    sstn = _stage2_run('rmpe_sstn', cfg_sstn, settings, root, sppe_pgpg,
                       None, pgpg_options(cfg_sstn, pgpg), (pgpg, ))
    sstn_par = _stage2_run('rmpe_sstn_parallel', cfg_par, settings, root,
                           sppe_pgpg, parallel, pgpg_options(cfg_par, pgpg),
                           (pgpg, ))
    rmpe_jitter = _stage2_run('rmpe_jitter',
                              config_path('rmpe_lhg2_synthetic_jitter'),
                              settings, root, jitter, parallel)
    trains = [gt, sppe_pgpg, jitter, parallel, sstn, sstn_par, rmpe_jitter]

    data = data_root_options(settings.data_root)
    ppnms = 'test_evaluator.pose_nms=paper_mpii'
    full = config_path('rmpe_lhg2_synthetic')
    tests = [
        TestRun('plain', 'Plain two-step', gt.config, gt.checkpoint(root),
                data),
        TestRun('pgpg', '+ PGPG', sppe_pgpg.config,
                sppe_pgpg.checkpoint(root), data),
        TestRun('sstn', '+ SSTN', sstn.config, sstn.checkpoint(root), data),
        TestRun('sstn_parallel', '+ parallel SPPE', sstn_par.config,
                sstn_par.checkpoint(root), data),
        TestRun('full', '+ PPNMS (full RMPE)', full,
                sstn_par.checkpoint(root), data),
        TestRun('jitter', 'Random jitter instead of PGPG (full)',
                rmpe_jitter.config, rmpe_jitter.checkpoint(root), data),
        TestRun('plain_ppnms', 'Plain two-step + PPNMS', gt.config,
                gt.checkpoint(root), data + (ppnms, )),
        TestRun('pgpg_ppnms', '+ PGPG + PPNMS (no SSTN, no parallel)',
                sppe_pgpg.config, sppe_pgpg.checkpoint(root),
                data + (ppnms, )),
        TestRun('sstn_ppnms', '+ SSTN + PPNMS (no parallel SPPE)',
                sstn.config, sstn.checkpoint(root), data + (ppnms, )),
        TestRun('full_gt_boxes', 'Full RMPE, ground-truth boxes (bound)',
                full, sstn_par.checkpoint(root),
                data + ('test_dataloader.dataset.bbox_file=None', )),
    ]
    return trains, tests


#: Rows 1-6 are the ablation proper; the rest are extra comparisons.
NUM_MAIN_ROWS = 6


def main_job_plan(settings: BenchmarkSettings,
                  root: str) -> Tuple[List[TrainRun], TestRun]:
    """The full RMPE recipe: stage 1a (PGPG SPPE), 1b (parallel), 2, test.

    The test dumps its predictions (for rendering).
    """
    pgpg = settings.pgpg_file
    cfg_pgpg = config_path('lhg2_synthetic_pgpg')
    full = config_path('rmpe_lhg2_synthetic')
    stage1 = _stage1_run('stage1_sppe_pgpg', cfg_pgpg, settings,
                         control=False, extra=pgpg_options(cfg_pgpg, pgpg),
                         needs=(pgpg, ))
    parallel = _parallel_run(settings)
    parallel = TrainRun('stage1_parallel_sppe', parallel.config,
                        parallel.epochs, parallel.cfg_options)
    stage2 = _stage2_run('stage2_rmpe', full, settings, root, stage1,
                         parallel, pgpg_options(full, pgpg), (pgpg, ))
    test = TestRun('rmpe_ppnms', 'Full RMPE (PPNMS)', full,
                   stage2.checkpoint(root),
                   data_root_options(settings.data_root), dump=True)
    return [stage1, parallel, stage2], test
