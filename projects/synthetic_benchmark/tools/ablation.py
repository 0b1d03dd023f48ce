"""RMPE's ablation (the paper's Table 3) in miniature, on the synthetic data.

Makes the SIMULATED dataset if absent, fits PGPG on its train split, trains
and tests every variant of the project's ``configs/`` (plain two-step, + PGPG,
+ SSTN, + parallel SPPE, + PPNMS = full RMPE, random jitter instead of PGPG,
and extra comparisons), then writes the per-joint AP table as Markdown and a
bar plot::

    python projects/synthetic_benchmark/tools/ablation.py [--seed 0]
        [--epochs 10] [--finetune-epochs 4] [--parallel-epochs 10] [--quick]
        [--work-dir work_dirs/ablation] [--data-root data/synthetic]
        [--verbose]

(epochs: ``ablation`` in the project's ``configs/schedules.py``; relative
paths resolve against the current directory)

Outputs in the work directory: ``ablation.md``, ``ablation.png``,
``results.json`` (all metrics and timings), ``timings.json``, one
sub-directory per training run and ``tests/<row>/`` per table row (logs,
metrics). Resumable: a run whose last checkpoint exists, or a row whose
metrics exist, is skipped, and an interrupted run resumes from its last
checkpoint, so re-running the same command continues an interrupted
ablation. The settings
are kept in ``settings.json``; another seed or other epochs need another
``--work-dir`` (or ``--force``, which only lifts that check).

Subprocesses run with ``OMP_NUM_THREADS=1`` unless it is set: one model
thread plus one data-loader process suits a 2-core CPU.
"""
import argparse
import json
import os
import os.path as osp
import shlex
import sys
import time
from typing import Dict, List, Optional, Sequence

from rmpe_mm.utils.atomic_io import atomic_dump, atomic_open, atomic_write_text
from synthetic_benchmark.orchestration import (StepRunner, ablation_markdown,
                                               ablation_plan,
                                               ensure_pgpg_model,
                                               ensure_synthetic_data,
                                               plot_rows)
from synthetic_benchmark.orchestration.cli import (add_schedule_arguments,
                                                   settings_from_args)
from synthetic_benchmark.orchestration.plan import (NUM_MAIN_ROWS,
                                                    record_settings)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Command-line arguments."""
    parser = argparse.ArgumentParser(
        description='RMPE ablation (Table 3) on the synthetic benchmark')
    add_schedule_arguments(parser, 'ablation')
    parser.add_argument(
        '--work-dir',
        default='work_dirs/ablation',
        help='output directory (default: %(default)s)')
    return parser.parse_args(argv)


def previous_timings(root: str) -> Dict[str, float]:
    """Step timings saved by earlier (interrupted or finished) runs of the
    same settings (``results.json``, then ``timings.json``), so that the
    report keeps them when steps are skipped."""
    timings: Dict[str, float] = {}
    for name, key in (('results.json', 'timings'), ('timings.json', None)):
        path = osp.join(root, name)
        if osp.isfile(path):
            with open(path) as f:
                data = json.load(f)
            timings.update(data[key] if key else data)
    return timings


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the ablation; returns the exit status."""
    args = parse_args(argv)
    settings = settings_from_args(args)
    root = args.work_dir
    record_settings(root, settings, args.force)
    runner = StepRunner(os.getcwd(), verbose=args.verbose)
    command = 'python projects/synthetic_benchmark/tools/ablation.py ' + (
        ' '.join(
            shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv)))
    say = runner.echo
    say(f'[ablation] {command}\n[ablation] settings: {settings.to_dict()}')
    timings_file = osp.join(root, 'timings.json')
    timings = previous_timings(root)
    start = time.perf_counter()

    def note(name: str, seconds: Optional[float]) -> None:
        if seconds is None:
            say(f'[ablation]   {name}: already done, skipped')
        else:
            timings[name] = seconds
            atomic_dump(timings, timings_file, indent=1)
            say(f'[ablation]   {name}: done in {seconds:.0f} s '
                f'(total {(time.perf_counter() - start) / 60:.1f} min)')

    say('[ablation] data')
    note(
        'data',
        ensure_synthetic_data(runner, settings.data_root,
                              osp.join(root, 'make_data.log')))
    note(
        'pgpg_fit',
        ensure_pgpg_model(runner, settings.data_root, settings.pgpg_file,
                          settings.seed, osp.join(root, 'fit_pgpg.log')))
    trains, tests = ablation_plan(settings, root)
    steps = len(trains) + len(tests)
    for i, run in enumerate(trains, 1):
        say(f'[ablation] ({i}/{steps}) train {run.name}: {run.config}, '
            f'{run.epochs} epochs')
        note(run.name, runner.train(run, root))
    rows: List = []
    for i, test in enumerate(tests, len(trains) + 1):
        say(f'[ablation] ({i}/{steps}) test {test.name}: {test.label}')
        note(f'test_{test.name}', runner.test(test, root))
        with open(test.metrics_file(root)) as f:
            rows.append((test.name, test.label, json.load(f)))
    plot_file = osp.join(root, 'ablation.png')
    plot_rows(rows, plot_file,
              f'RMPE ablation, synthetic benchmark (seed {settings.seed})')
    text = ablation_markdown(rows, NUM_MAIN_ROWS, command, settings.to_dict(),
                             timings, plot_file)
    atomic_write_text(osp.join(root, 'ablation.md'), text)
    with atomic_open(osp.join(root, 'results.json')) as f:
        json.dump(
            dict(
                settings=settings.to_dict(),
                command=command,
                timings=timings,
                rows=[dict(key=k, label=lab, metrics=m)
                      for k, lab, m in rows]),
            f,
            indent=1)
    say('\n' + text)
    say(f'[ablation] wrote {osp.join(root, "ablation.md")} and {plot_file} '
        f'({(time.perf_counter() - start) / 60:.1f} min)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
