"""The README's main job: RMPE end to end on the synthetic benchmark (CPU).

Makes the SIMULATED dataset if absent (tools/make_synthetic_dataset.py),
fits PGPG on its train split, trains the full RMPE recipe of the project's
``configs/`` (stage 1a: the SPPE on PGPG proposals; stage 1b: the
smaller parallel SPPE on ground-truth boxes; stage 2: SSTN + frozen
parallel SPPE fine-tuning at a lower LR), tests it on the val split's
simulated detections with parametric pose NMS, prints the MPII mAP table and
draws the predicted poses of every val image into ``<work-dir>/vis/``::

    python projects/synthetic_benchmark/tools/main_job.py
        [--work-dir work_dirs/main_job] [--seed 0] [--epochs E1]
        [--finetune-epochs E2] [--parallel-epochs P] [--train-people N]
        [--quick] [--num-vis N] [--data-root data/synthetic] [--verbose]

(``bash tools/run_main_job.sh`` from the repository root runs it.) The
epochs default to ``main_job`` in the project's ``configs/schedules.py``.
Relative paths resolve against the current directory. Resumable: finished
steps (checkpoints, metrics) are skipped when the same command runs again.
Subprocesses run with ``OMP_NUM_THREADS=1`` unless it is set (one model
thread + one data-loader process on a 2-core CPU).
"""
import argparse
import json
import os
import os.path as osp
import sys
import time
from typing import Dict, Optional, Sequence

from rmpe_mm.evaluation.functional.mpii_map import format_mpii_ap_table
from rmpe_mm.utils.atomic_io import atomic_open
from synthetic_benchmark.orchestration import (StepRunner, contact_sheet,
                                               ensure_pgpg_model,
                                               ensure_synthetic_data,
                                               main_job_plan,
                                               render_predictions)
from synthetic_benchmark.orchestration.cli import (add_schedule_arguments,
                                                   settings_from_args)
from synthetic_benchmark.orchestration.plan import record_settings

TABLE_KEYS = ('Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle',
              'Total')


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Command-line arguments."""
    parser = argparse.ArgumentParser(
        description='RMPE main job on the synthetic benchmark (CPU)')
    parser.add_argument(
        '--work-dir',
        default='work_dirs/main_job',
        help='output directory (default: %(default)s)')
    add_schedule_arguments(parser, 'main_job')
    parser.add_argument(
        '--num-vis',
        type=int,
        default=None,
        help='render only the first N val images '
        '(default: all)')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the main job; returns the exit status."""
    args = parse_args(argv)
    settings = settings_from_args(args)
    root = args.work_dir
    record_settings(root, settings, args.force)
    runner = StepRunner(os.getcwd(), verbose=args.verbose)
    say = runner.echo
    start = time.perf_counter()
    timings_file = osp.join(root, 'timings.json')
    timings: Dict[str, float] = {}
    if osp.isfile(timings_file):  # steps of an earlier, resumed run
        with open(timings_file) as f:
            timings.update(json.load(f).get('timings', {}))

    def note(name: str, seconds: Optional[float]) -> None:
        if seconds is None:
            say(f'[main_job]   {name}: already done, skipped')
        else:
            timings[name] = seconds
            say(f'[main_job]   {name}: {seconds:.0f} s (elapsed '
                f'{(time.perf_counter() - start) / 60:.1f} min)')

    say(f'[main_job] settings: {settings.to_dict()}')
    trains, test = main_job_plan(settings, root)
    total = len(trains) + 4
    say(f'[main_job] (1/{total}) synthetic data in {settings.data_root}')
    note(
        'data',
        ensure_synthetic_data(runner, settings.data_root,
                              osp.join(root, 'make_data.log')))
    say(f'[main_job] (2/{total}) PGPG fit on the train split')
    note(
        'pgpg_fit',
        ensure_pgpg_model(runner, settings.data_root, settings.pgpg_file,
                          settings.seed, osp.join(root, 'fit_pgpg.log')))
    for i, run in enumerate(trains, 3):
        say(f'[main_job] ({i}/{total}) train {run.name}: {run.config}, '
            f'{run.epochs} epochs')
        note(run.name, runner.train(run, root))
    say(f'[main_job] ({total - 1}/{total}) test on the simulated '
        'detections with PPNMS')
    note('test', runner.test(test, root))
    say(f'[main_job] ({total}/{total}) rendering predictions')
    vis_dir = osp.join(root, 'vis')
    t0 = time.perf_counter()
    files = render_predictions(
        test.dump_file(root), vis_dir, max_images=args.num_vis)
    contact_sheet(files[:8], osp.join(root, 'vis_sheet.png'))
    note('render', time.perf_counter() - t0)
    with open(test.metrics_file(root)) as f:
        metrics = json.load(f)
    with atomic_open(timings_file) as f:
        json.dump(
            dict(
                settings=settings.to_dict(), timings=timings, metrics=metrics),
            f,
            indent=1)
    say('\nMPII multi-person AP (%), val split, simulated detections, '
        'full RMPE with parametric pose NMS:')
    say(format_mpii_ap_table({k: metrics[k] for k in TABLE_KEYS}))
    minutes = (time.perf_counter() - start) / 60
    say(f'\n[main_job] {len(files)} rendered images in {vis_dir} '
        f'(first 8 tiled in {osp.join(root, "vis_sheet.png")}); metrics in '
        f'{test.metrics_file(root)}; total {minutes:.1f} min')
    return 0


if __name__ == '__main__':
    sys.exit(main())
