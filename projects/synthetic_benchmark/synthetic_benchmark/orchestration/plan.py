"""What the synthetic ablation and the main job train and test.

The configs live in the project's ``configs/``; this module only chooses
which of them run, for how many epochs, from which checkpoints, on which
data, and sets those through the variables the configs expose
(:mod:`..config_variables`). The epochs of each tool are in
``configs/schedules.py`` and can be changed on the tools' command lines.
"""
import json
import os
import os.path as osp
from dataclasses import asdict, dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from rmpe_mm.utils.atomic_io import atomic_open
from ..paths import config_path
from .steps import TestRun, TrainRun

#: Where the configs expect the data (their ``data_root``).
DEFAULT_DATA_ROOT = 'data/synthetic'


@dataclass(frozen=True)
class BenchmarkSettings:
    """Epochs, seed and data of a benchmark run.

    The epochs have no defaults here: each tool's are in the project's
    ``configs/schedules.py`` (:func:`.schedules.tool_schedule`).

    Args:
        stage1_epochs (int): Epochs of the SPPE alone at LR 1e-3 (stage 1).
        stage2_epochs (int): Epochs of the SSTN fine-tuning at LR 1e-4
            (stage 2); the stage-1 runs of the ablation continue for as many
            epochs at that LR (the "no SSTN" control).
        parallel_epochs (int): Epochs of the parallel SPPE (stage 1b).
        seed (int): Training seed (the configs' ``seed``) and PGPG fit seed.
            Defaults to 0.
        train_people (int, optional): Train on the first N people only
            (the configs' ``train_people``). Defaults to None: all.
        data_root (str): Synthetic dataset root. Defaults to
            ``'data/synthetic'`` (the configs' own).
    """
    stage1_epochs: int
    stage2_epochs: int
    parallel_epochs: int
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


def record_settings(work_dir: str,
                    settings: BenchmarkSettings,
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
    with atomic_open(path) as f:
        json.dump(wanted, f, indent=1)


def common_variables(settings: BenchmarkSettings) -> Dict[str, Any]:
    """Config variables of every run: data, seed, training subset, epochs
    (each config uses the epochs of its own stage)."""
    return dict(
        data_root=settings.data_root,
        seed=settings.seed,
        train_people=settings.train_people,
        stage1_epochs=settings.stage1_epochs,
        stage2_epochs=settings.stage2_epochs,
        parallel_epochs=settings.parallel_epochs,
        pgpg_model_file=settings.pgpg_file)


def test_variables(settings: BenchmarkSettings) -> Dict[str, Any]:
    """Config variables of a test run: the data."""
    return dict(data_root=settings.data_root)


def _stage1_run(name: str,
                config: str,
                settings: BenchmarkSettings,
                control: bool,
                needs: Sequence[str] = ()) -> TrainRun:
    """A stage-1 SPPE run, with (``control``) or without the LR-1e-4 tail.

    Checkpoints are kept at ``stage1_epochs`` (stage 2's start) and at the
    end.
    """
    e1, e2 = settings.stage1_epochs, settings.stage2_epochs
    return TrainRun(
        name,
        config,
        e1 + e2 if control else e1,
        dict(common_variables(settings), with_control=control),
        needs=tuple(needs))


def _parallel_run(name: str, settings: BenchmarkSettings) -> TrainRun:
    """Stage 1b: the parallel SPPE on ground-truth boxes."""
    return TrainRun(name, config_path('lhg1_synthetic_parallel'),
                    settings.parallel_epochs, common_variables(settings))


def _stage2_run(
    name: str,
    config: str,
    settings: BenchmarkSettings,
    root: str,
    stage1: TrainRun,
    parallel: Optional[TrainRun],
    needs: Sequence[str] = ()) -> TrainRun:
    """A stage-2 (SSTN) run starting from ``stage1``'s stage-1 checkpoint."""
    start = stage1.checkpoint(root, settings.stage1_epochs)
    variables = dict(common_variables(settings), stage1_checkpoint=start)
    needs = (start, ) + tuple(needs)
    if parallel is not None:
        par = parallel.checkpoint(root)
        variables['parallel_checkpoint'] = par
        needs += (par, )
    return TrainRun(
        name, config, settings.stage2_epochs, variables, needs=needs)


#: Test-time switches of the ablation's extra rows (MMEngine
#: ``--cfg-options`` of the test tool: the evaluator and the boxes).
PPNMS_OPTION = 'test_evaluator.pose_nms=paper_mpii'
GT_BOXES_OPTION = 'test_dataloader.dataset.bbox_file=None'


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
    gt = _stage1_run(
        'sppe_gt_boxes',
        config_path('lhg2_synthetic_baseline'),
        settings,
        control=True)
    sppe_pgpg = _stage1_run(
        'sppe_pgpg',
        config_path('lhg2_synthetic_pgpg'),
        settings,
        control=True,
        needs=(pgpg, ))
    jitter = _stage1_run(
        'sppe_jitter',
        config_path('lhg2_synthetic_jitter'),
        settings,
        control=False)
    parallel = _parallel_run('parallel_sppe', settings)
    sstn = _stage2_run('rmpe_sstn', config_path('rmpe_lhg2_synthetic_sstn'),
                       settings, root, sppe_pgpg, None, (pgpg, ))
    sstn_par = _stage2_run('rmpe_sstn_parallel',
                           config_path('rmpe_lhg2_synthetic_sstn_parallel'),
                           settings, root, sppe_pgpg, parallel, (pgpg, ))
    rmpe_jitter = _stage2_run('rmpe_jitter',
                              config_path('rmpe_lhg2_synthetic_jitter'),
                              settings, root, jitter, parallel)
    trains = [gt, sppe_pgpg, jitter, parallel, sstn, sstn_par, rmpe_jitter]

    data = test_variables(settings)
    full = config_path('rmpe_lhg2_synthetic')

    def row(name: str,
            label: str,
            config: str,
            run: TrainRun,
            options: Tuple[str, ...] = ()) -> TestRun:
        return TestRun(name, label, config, run.checkpoint(root), data,
                       options)

    tests = [
        row('plain', 'Plain two-step', gt.config, gt),
        row('pgpg', '+ PGPG', sppe_pgpg.config, sppe_pgpg),
        row('sstn', '+ SSTN', sstn.config, sstn),
        row('sstn_parallel', '+ parallel SPPE', sstn_par.config, sstn_par),
        row('full', '+ PPNMS (full RMPE)', full, sstn_par),
        row('jitter', 'Random jitter instead of PGPG (full)',
            rmpe_jitter.config, rmpe_jitter),
        row('plain_ppnms', 'Plain two-step + PPNMS', gt.config, gt,
            (PPNMS_OPTION, )),
        row('pgpg_ppnms', '+ PGPG + PPNMS (no SSTN, no parallel)',
            sppe_pgpg.config, sppe_pgpg, (PPNMS_OPTION, )),
        row('sstn_ppnms', '+ SSTN + PPNMS (no parallel SPPE)', sstn.config,
            sstn, (PPNMS_OPTION, )),
        row('full_gt_boxes', 'Full RMPE, ground-truth boxes (bound)', full,
            sstn_par, (GT_BOXES_OPTION, )),
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
    full = config_path('rmpe_lhg2_synthetic')
    stage1 = _stage1_run(
        'stage1_sppe_pgpg',
        config_path('lhg2_synthetic_pgpg'),
        settings,
        control=False,
        needs=(pgpg, ))
    parallel = _parallel_run('stage1_parallel_sppe', settings)
    stage2 = _stage2_run('stage2_rmpe', full, settings, root, stage1, parallel,
                         (pgpg, ))
    test = TestRun(
        'rmpe_ppnms',
        'Full RMPE (PPNMS)',
        full,
        stage2.checkpoint(root),
        test_variables(settings),
        dump=True)
    return [stage1, parallel, stage2], test
