"""Box-error sweep: do the SSTN and the parallel SPPE fix imperfect boxes?

On the SIMULATED benchmark (made if absent), for every seed: fit PGPG on the
train split, train the ablation's models (plain two-step, + PGPG, + SSTN,
+ SSTN + parallel SPPE), then test each at several box-error levels of the
simulated detector (multiples of its calibrated error; same people, misses,
duplicates and scores at every level), without and with the parametric pose
NMS, and probe the STN: how its translation and scale follow the known
error of each box. Prints and writes the tables and a plot::

    python projects/synthetic_benchmark/tools/box_error_sweep.py
        [--seeds 0 1 2] [--scales 0 0.5 1 2 3] [--epochs 8]
        [--finetune-epochs 3] [--parallel-epochs 6] [--jobs 1] [--quick]
        [--train-only] [--work-dir work_dirs/box_error_sweep]
        [--data-root data/synthetic]

Outputs in the work directory: ``sweep.md`` (tables), ``sweep.png``
(mAP vs box error), ``results.json`` (all metrics and STN diagnostics) and
``seed<N>/`` (the training runs and per-level results). Resumable: finished
training runs and evaluations are skipped, an interrupted run resumes from
its last checkpoint. ``--jobs 2`` trains two seeds at once (one model thread
each). Epochs: ``box_error_sweep`` in the project's
``configs/schedules.py``; relative paths resolve against the current
directory.
"""
import argparse
import json
import os
import os.path as osp
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List, Optional, Sequence

from rmpe_mm.utils.atomic_io import atomic_dump, atomic_open, atomic_write_text
from synthetic_benchmark.orchestration import (BenchmarkSettings, StepRunner,
                                               ensure_pgpg_model,
                                               ensure_synthetic_data)
from synthetic_benchmark.orchestration.cli import (add_schedule_arguments,
                                                   settings_from_args)
from synthetic_benchmark.orchestration.plan import record_settings
# yapf: disable
from synthetic_benchmark.orchestration.sweep import (DEFAULT_SCALES,
                                                     collect_totals,
                                                     ensure_level_detections,
                                                     level_meta_file,
                                                     link_stage1, load_json,
                                                     offset_rms,
                                                     paired_differences,
                                                     plot_sweep, result_file,
                                                     row_label, summarise,
                                                     sweep_markdown,
                                                     sweep_plan)
# yapf: enable
from synthetic_benchmark.paths import PROJECT_ROOT

#: The repository holding the project (its shipped test data).
REPO_ROOT = osp.dirname(osp.dirname(PROJECT_ROOT))

#: Box padding and crop size of the synthetic configs
#: (the project's configs/_base_/synthetic_light_hourglass.py).
PADDING = 1.3
INPUT_SIZE = (48, 64)
#: Published reference Gaussian (docs/method.md section 4): its rms offset.
REFERENCE_RMS = 0.0976
#: Real detector boxes shipped with the tests (COCO sample, AP_H 56).
COCO_SAMPLE = tuple(
    osp.join(REPO_ROOT, 'tests', 'data', 'coco', name)
    for name in ('test_coco.json', 'test_coco_det_AP_H_56.json'))
PAIRS = (('pgpg', 'plain', '+ PGPG vs plain'),
         ('sstn', 'pgpg', '+ SSTN vs + PGPG'), ('sstn_parallel', 'pgpg',
                                                '+ SSTN + parallel vs + PGPG'),
         ('sstn_parallel', 'sstn', 'parallel SPPE (vs + SSTN)'),
         ('sstn_parallel_ppnms', 'pgpg_ppnms', 'Full RMPE vs + PGPG + PPNMS'))


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Command-line arguments."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--seeds',
        type=int,
        nargs='+',
        default=[0, 1, 2],
        help='training seeds (default: %(default)s)')
    parser.add_argument(
        '--scales',
        type=float,
        nargs='+',
        default=list(DEFAULT_SCALES),
        help='box-error levels, multiples of the calibrated '
        'detector error (default: %(default)s)')
    add_schedule_arguments(parser, 'box_error_sweep', seed_flag=False)
    parser.add_argument(
        '--jobs',
        type=int,
        default=1,
        help='seeds trained at once (default: %(default)s)')
    parser.add_argument(
        '--train-only', action='store_true', help='stop after training')
    parser.add_argument(
        '--stage2-options',
        nargs='+',
        default=[],
        metavar='KEY=VALUE',
        help='extra --cfg-options of the two SSTN runs (an '
        'investigation: use another --work-dir with '
        '--stage1-from)')
    parser.add_argument(
        '--stage1-from',
        default=None,
        metavar='DIR',
        help="reuse another sweep's stage-1 runs and their "
        'results (symbolic links; same seeds and epochs)')
    parser.add_argument(
        '--work-dir',
        default='work_dirs/box_error_sweep',
        help='output directory (default: %(default)s)')
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f'--jobs must be >= 1, got {args.jobs}')
    if any(s < 0 for s in args.scales):
        parser.error(f'--scales must be >= 0, got {args.scales}')
    return args


def seed_settings(args: argparse.Namespace, seed: int) -> BenchmarkSettings:
    """Sweep defaults < --quick < explicit flags, for one seed."""
    return settings_from_args(args, seed=seed)


def prepare_seed(runner: StepRunner, args: argparse.Namespace,
                 seed: int) -> List:
    """Settings record, stage-1 links, PGPG fit and the training runs of one
    seed. Runs in the main thread: reading configs (pkg_resources) is not
    thread-safe."""
    settings = seed_settings(args, seed)
    root = osp.join(args.work_dir, f'seed{seed}')
    record_settings(root, settings, args.force)
    if args.stage1_from:
        link_stage1(osp.join(args.stage1_from, f'seed{seed}'), root)
    ensure_pgpg_model(runner, settings.data_root, settings.pgpg_file, seed,
                      osp.join(root, 'fit_pgpg.log'))
    runs, _ = sweep_plan(settings, root, args.stage2_options)
    return runs


def train_seed(runner: StepRunner, seed: int, runs: List, root: str) -> None:
    """Train one seed's runs in order (subprocesses; thread-safe)."""
    for i, run in enumerate(runs, 1):
        start = time.perf_counter()
        took = runner.train(run, root)
        state = 'skipped (done)' if took is None else (
            f'done in {time.perf_counter() - start:.0f} s')
        runner.echo(f'[sweep] seed {seed} ({i}/{len(runs)}) {run.name}: '
                    f'{state}')


def evaluate_seed(args: argparse.Namespace, seed: int,
                  level_files: Dict[float, str]) -> Dict[str, Dict]:
    """Every model of a seed at every level (cached per evaluation)."""
    settings = seed_settings(args, seed)
    root = osp.join(args.work_dir, f'seed{seed}')
    _, models = sweep_plan(settings, root, args.stage2_options)
    val_ann = load_json(osp.join(args.data_root, 'annotations', 'val.json'))
    annotations = {a['id']: a for a in val_ann['annotations']}
    out: Dict[str, Dict] = {}
    for model in models:
        for scale, det_file in level_files.items():
            path = result_file(root, model, scale)
            result = load_json(path)
            if result is None or (model.key == 'sstn_parallel'
                                  and 'parallel_probe' not in result):
                start = time.perf_counter()
                result = evaluate_level(model, scale, det_file, result,
                                        annotations, args, root)
                atomic_dump(result, path, indent=1)
                print(
                    f'[sweep] seed {seed} {model.key} x{scale:g}: Total '
                    f'{result["raw"]["Total"]:.1f} / PPNMS '
                    f'{result["ppnms"]["Total"]:.1f} '
                    f'({time.perf_counter() - start:.0f} s)',
                    flush=True)
            out.setdefault(model.key, {})[f'x{scale:g}'] = result
    return out


def evaluate_level(model, scale: float, det_file: str, result: Optional[Dict],
                   annotations: Dict[int, Dict], args: argparse.Namespace,
                   root: str) -> Dict:
    """Metrics (and STN diagnostics) of one model at one level; only the
    parts ``result`` (an earlier, cached evaluation) lacks are computed."""
    from synthetic_benchmark.orchestration.evaluate import (
        evaluate_on_detections, parallel_sppe_probe, stn_diagnostics)
    test = model.test
    meta = load_json(level_meta_file(args.data_root, scale))
    if result is None:
        ev = evaluate_on_detections(
            test.config,
            test.variables,
            test.cfg_options,
            test.checkpoint,
            det_file,
            osp.join(root, 'sweep', 'logs'),
            probe_stn=model.is_sstn)
        result = dict(raw=ev['raw'], ppnms=ev['ppnms'])
        if model.is_sstn:
            gt_boxes = {k: a['bbox'] for k, a in annotations.items()}
            result['stn'] = stn_diagnostics(ev['thetas'], load_json(det_file),
                                            meta, gt_boxes, PADDING,
                                            INPUT_SIZE)
    if model.key == 'sstn_parallel':
        result['parallel_probe'] = parallel_sppe_probe(
            test.config, test.variables, test.cfg_options, test.checkpoint,
            det_file, meta, annotations, PADDING)
    return result


def diagnostics_markdown(results: Dict[int, Dict],
                         scales: Sequence[float]) -> str:
    """STN statistics per model and level, mean over seeds."""
    lines = [
        '| STN model | level | corr(t_x, t*_x) | corr(t_y, t*_y) | '
        'center error: identity -> STN | reduction | mean det A | '
        'mean (A_xx, A_yy) | parallel loss: fed -> ideal crop | '
        'ideal lowers it |',
        '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
    ]
    for key in ('sstn', 'sstn_parallel'):
        for s in scales:
            stats = [results[seed][key][f'x{s:g}']['stn'] for seed in results]
            if any(st.get('num', 0) == 0 for st in stats):
                continue

            def mean(name: str, stats=stats) -> float:
                return summarise([st[name] for st in stats])[0]

            sx = summarise([st['scale_mean'][0] for st in stats])[0]
            sy = summarise([st['scale_mean'][1] for st in stats])[0]
            probe = probe_cells(results, key, s)
            lines.append(
                f'| {key} | x{s:g} | {mean("corr_tx"):.2f} | '
                f'{mean("corr_ty"):.2f} | {mean("center_err_identity"):.3f} '
                f'-> {mean("center_err_stn"):.3f} | '
                f'{100 * mean("center_err_reduction"):+.0f} % | '
                f'{mean("det_mean"):.3f} | ({sx:.3f}, {sy:.3f}) | {probe} |')
    lines.append('')
    lines.append('t, A: the STN map (normalized crop coordinates); t*: the '
                 'translation that would show the center-located crop of '
                 'the detection\'s person; center error: rms |t*| (identity '
                 'STN) and rms |t - t*| (this STN); parallel loss: the frozen '
                 'parallel SPPE\'s MSE (x1e3) against the center-located '
                 'target on the crop as fed and warped by the ideal map '
                 '[diag(S_g/S) | t*], and the share of crops it lowers; mean '
                 'over seeds.')
    return '\n'.join(lines)


def probe_cells(results: Dict[int, Dict], key: str, scale: float) -> str:
    """The parallel-SPPE probe cells of a diagnostics row."""
    probes = [
        results[seed][key][f'x{scale:g}'].get('parallel_probe')
        for seed in results
    ]
    if key != 'sstn_parallel' or any(p is None or not p['num']
                                     for p in probes):
        return ' | '
    fed = summarise([1e3 * p['loss_identity'] for p in probes])[0]
    ideal = summarise([1e3 * p['loss_ideal'] for p in probes])[0]
    share = summarise([p['ideal_better'] for p in probes])[0]
    return f'{fed:.2f} -> {ideal:.2f} | {100 * share:.0f} %'


def calibration_lines(level_rms: Dict[float, float]) -> List[str]:
    """The calibration check printed with the tables."""
    import numpy as np

    from rmpe_mm.datasets.pgpg.pairs import load_matched_pairs
    pairs = load_matched_pairs(*COCO_SAMPLE, progress=False)
    coco = float(np.sqrt((pairs.offsets**2).mean(axis=0)).mean())
    return [
        f'Calibration: rms normalized box offset of the simulated detector '
        f'at x1 = {level_rms.get(1.0, float("nan")):.3f}; the RMPE '
        f'reference code\'s published Gaussian (fitted on MPII detections): '
        f'{REFERENCE_RMS:.3f}; the real detector boxes of the COCO sample '
        f'({len(pairs.offsets)} matched people, AP_H 56): {coco:.3f}.'
    ]


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the sweep; returns the exit status."""
    args = parse_args(argv)
    runner = StepRunner(os.getcwd(), verbose=args.verbose)
    start = time.perf_counter()
    os.makedirs(args.work_dir, exist_ok=True)
    ensure_synthetic_data(runner, args.data_root,
                          osp.join(args.work_dir, 'make_data.log'))
    plans = {s: prepare_seed(runner, args, s) for s in args.seeds}
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for future in [
                pool.submit(train_seed, runner, s, runs,
                            osp.join(args.work_dir, f'seed{s}'))
                for s, runs in plans.items()
        ]:
            future.result()
    print(
        f'[sweep] training done ({(time.perf_counter() - start) / 60:.1f} '
        'min)',
        flush=True)
    if args.train_only:
        return 0
    scales = sorted(set(args.scales))
    level_files = {
        s: ensure_level_detections(args.data_root, s)
        for s in scales
    }
    level_rms = {
        s: offset_rms(load_json(level_meta_file(args.data_root, s)))
        for s in scales
    }
    results = {
        seed: evaluate_seed(args, seed, level_files)
        for seed in args.seeds
    }
    totals = collect_totals(results, scales)
    labels: Dict[str, str] = {}
    _, models = sweep_plan(seed_settings(args, args.seeds[0]), args.work_dir)
    for ppnms in (False, True):
        for model in models:
            key = model.key + ('_ppnms' if ppnms else '')
            labels[key] = row_label(model, ppnms)
    plot_file = osp.join(args.work_dir, 'sweep.png')
    plot_sweep(totals, labels, scales, level_rms, plot_file,
               f'RMPE vs box error, synthetic benchmark, seeds {args.seeds}')
    text = '\n\n'.join([
        '## mAP vs box error',
        sweep_markdown(totals, labels, scales, level_rms,
                       args.seeds), '## Paired differences (Total mAP points)',
        paired_differences(totals, PAIRS, scales), '## STN diagnostics',
        diagnostics_markdown(results, scales), *calibration_lines(level_rms),
        f'Settings: {seed_settings(args, args.seeds[0]).to_dict()} '
        f'(seed varies); SSTN-run options: {args.stage2_options or "none"}; '
        f'plot: {plot_file}'
    ])
    atomic_write_text(osp.join(args.work_dir, 'sweep.md'), text + '\n')
    with atomic_open(osp.join(args.work_dir, 'results.json')) as f:
        json.dump(
            dict(
                scales=scales,
                rms=level_rms,
                seeds=args.seeds,
                results=results),
            f,
            indent=1)
    print('\n' + text, flush=True)
    print(
        f'[sweep] wrote {args.work_dir}/sweep.md and {plot_file} '
        f'({(time.perf_counter() - start) / 60:.1f} min)',
        flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
