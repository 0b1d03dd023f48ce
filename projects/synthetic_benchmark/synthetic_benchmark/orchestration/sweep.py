"""Box-error sweep: the ablation's models tested at several detector errors.

RMPE's SSTN and parallel SPPE exist to fix imperfect boxes, so their worth
depends on how imperfect the boxes are. The sweep trains the ablation's
models (plain, + PGPG, + SSTN, + parallel SPPE) for several seeds on the
calibrated simulated detections, re-runs the simulated detector on the
validation split with its box errors multiplied by each ``offset_scale``
(same people, misses, duplicates and scores: only the boxes move, see
:mod:`synthetic_benchmark.generator.redetect`) and tests every model at
every level, with and without the parametric pose NMS, in one process.
"""
import dataclasses
import json
import os
import os.path as osp
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from rmpe_mm.utils.atomic_io import atomic_open, atomic_save_with
from .plan import BenchmarkSettings, ablation_plan
from .steps import TestRun, TrainRun

#: Box-error levels: multiples of the calibrated simulated detector error
#: (``DetectorConfig.offset_scale``); 1 is the calibrated level, 0 exact
#: ground-truth boxes (with the detector's duplicates and misses).
DEFAULT_SCALES: Tuple[float, ...] = (0.0, 0.5, 1.0, 2.0, 3.0)

#: The ablation's training runs that the sweep's models need.
SWEEP_TRAIN_RUNS: Tuple[str,
                        ...] = ('sppe_gt_boxes', 'sppe_pgpg', 'parallel_sppe',
                                'rmpe_sstn', 'rmpe_sstn_parallel')


@dataclass(frozen=True)
class SweepModel:
    """One trained model of the sweep (tested with and without PPNMS).

    Args:
        key (str): Row key (``plain``, ``pgpg``, ``sstn``,
            ``sstn_parallel``); the PPNMS row is ``<key>_ppnms``.
        label (str): Row label without PPNMS.
        test (TestRun): The ablation's test of this model (config,
            checkpoint, options).
    """
    key: str
    label: str
    test: TestRun

    @property
    def is_sstn(self) -> bool:
        """Whether the model has an STN (diagnostics apply)."""
        return self.key.startswith('sstn')


#: The stage-1 runs (no STN): what ``--stage1-from`` shares.
STAGE1_RUNS: Tuple[str, ...] = ('sppe_gt_boxes', 'sppe_pgpg', 'parallel_sppe')


def sweep_plan(
    settings: BenchmarkSettings, root: str, stage2_options: Sequence[str] = ()
) -> Tuple[List[TrainRun], List[SweepModel]]:
    """Training runs (dependency order) and models of one seed's sweep.

    Args:
        settings (BenchmarkSettings): Epochs, seed, data.
        root (str): The seed's work directory.
        stage2_options (Sequence[str]): Extra ``--cfg-options`` of the two
            SSTN runs (e.g. an STN learning-rate multiplier), for
            investigations in another work directory.
    """
    trains, tests = ablation_plan(settings, root)
    runs = [
        dataclasses.replace(
            r, cfg_options=r.cfg_options +
            tuple(stage2_options)) if r.name not in STAGE1_RUNS else r
        for r in trains if r.name in SWEEP_TRAIN_RUNS
    ]
    by_name = {t.name: t for t in tests}
    models = [
        SweepModel('plain', 'Plain two-step', by_name['plain']),
        SweepModel('pgpg', '+ PGPG', by_name['pgpg']),
        SweepModel('sstn', '+ PGPG + SSTN', by_name['sstn']),
        SweepModel('sstn_parallel', '+ PGPG + SSTN + parallel SPPE',
                   by_name['sstn_parallel']),
    ]
    return runs, models


def link_stage1(source_root: str, root: str) -> List[str]:
    """Reuse another sweep's stage-1 runs and their evaluations (symbolic
    links), so that an investigation trains only the SSTN runs.

    Args:
        source_root (str): The other sweep's seed directory.
        root (str): This sweep's seed directory.

    Returns:
        list[str]: The links made (existing entries are kept).

    Raises:
        FileNotFoundError: A stage-1 run is missing in ``source_root``.
    """
    made = []
    pairs = [(name, name) for name in STAGE1_RUNS]
    pairs += [(osp.join('sweep', key), osp.join('sweep', key))
              for key in ('plain', 'pgpg')]
    for src_name, dst_name in pairs:
        src = osp.abspath(osp.join(source_root, src_name))
        dst = osp.join(root, dst_name)
        if not osp.exists(src):
            if src_name in STAGE1_RUNS:
                raise FileNotFoundError(
                    f'--stage1-from: {src} does not exist (train it there '
                    'first)')
            continue
        if osp.lexists(dst):
            continue
        os.makedirs(osp.dirname(dst), exist_ok=True)
        os.symlink(src, dst)
        made.append(dst)
    return made


def row_label(model: SweepModel, ppnms: bool) -> str:
    """Table label of a model with or without PPNMS."""
    if not ppnms:
        return model.label
    if model.key == 'sstn_parallel':
        return 'Full RMPE (+ PPNMS)'
    return model.label + ' + PPNMS'


def scale_tag(scale: float) -> str:
    """File-name tag of a level, e.g. ``x1.5``."""
    return f'x{scale:g}'


def level_det_file(data_root: str, scale: float) -> str:
    """Validation detections at a box-error level (made by the sweep)."""
    return osp.join(data_root, 'detections',
                    f'val_det_{scale_tag(scale)}.json')


def level_meta_file(data_root: str, scale: float) -> str:
    """Per-detection kind / ground-truth / offset records of a level."""
    return osp.join(data_root, 'detections',
                    f'val_det_{scale_tag(scale)}_meta.json')


def ensure_level_detections(data_root: str, scale: float) -> str:
    """Write a level's detections (and meta) unless present; returns the
    detection file."""
    from synthetic_benchmark.generator.redetect import redetect_split
    det_file = level_det_file(data_root, scale)
    meta_file = level_meta_file(data_root, scale)
    if osp.isfile(det_file) and osp.isfile(meta_file):
        return det_file
    dets, meta = redetect_split(data_root, 'val', scale)
    with atomic_open(meta_file) as f:
        json.dump(meta, f)
    with atomic_open(det_file) as f:
        json.dump(dets, f)
    return det_file


def result_file(root: str, model: SweepModel, scale: float) -> str:
    """Where one (model, level) evaluation is stored."""
    return osp.join(root, 'sweep', model.key, f'{scale_tag(scale)}.json')


def offset_rms(meta: Sequence[Dict]) -> float:
    """Root-mean-square normalized offset of the true and duplicate
    detections (mean over the 4 coordinates): the level's box error."""
    import numpy as np
    offsets = np.array([m['offset'] for m in meta if m['offset'] is not None],
                       np.float64)
    if offsets.size == 0:
        return 0.0
    return float(np.sqrt((offsets**2).mean(axis=0)).mean())


def summarise(values: Sequence[float]) -> Tuple[float, float]:
    """Mean and sample standard deviation (0 for a single value)."""
    import numpy as np
    arr = np.asarray(values, np.float64)
    std = float(arr.std(ddof=1)) if arr.size > 1 else 0.0
    return float(arr.mean()), std


def collect_totals(
        results: Dict[int, Dict[str, Dict[str, Dict]]],
        scales: Sequence[float]) -> Dict[str, Dict[float, List[float]]]:
    """``{row: {scale: [Total per seed]}}`` from per-seed results
    ``{seed: {model_key: {scale_tag: evaluation}}}``."""
    rows: Dict[str, Dict[float, List[float]]] = {}
    for seed in sorted(results):
        for key, per_scale in results[seed].items():
            for scale in scales:
                ev = per_scale[scale_tag(scale)]
                for suffix, metrics in (('', ev['raw']), ('_ppnms',
                                                          ev['ppnms'])):
                    rows.setdefault(key + suffix,
                                    {}).setdefault(scale, []).append(
                                        float(metrics['Total']))
    return rows


def sweep_markdown(totals: Dict[str, Dict[float, List[float]]],
                   labels: Dict[str, str], scales: Sequence[float],
                   rms: Dict[float, float], seeds: Sequence[int]) -> str:
    """Total mAP (mean +- std over seeds) per row and box-error level."""
    head = ['Variant'] + [f'x{s:g} (rms {rms[s]:.3f})' for s in scales]
    lines = [
        '| ' + ' | '.join(head) + ' |',
        '|' + '|'.join(['---'] + ['---:'] * len(scales)) + '|'
    ]
    for key, label in labels.items():
        cells = [label]
        for s in scales:
            mean, std = summarise(totals[key][s])
            cells.append(f'{mean:.1f} ± {std:.1f}')
        lines.append('| ' + ' | '.join(cells) + ' |')
    lines.append('')
    lines.append(f'MPII multi-person Total mAP (%), mean ± sample std over '
                 f'seeds {list(seeds)}; columns: box-error level (multiple '
                 'of the calibrated simulated detector error) and its rms '
                 'normalized box offset.')
    return '\n'.join(lines)


def paired_differences(totals: Dict[str, Dict[float, List[float]]],
                       pairs: Sequence[Tuple[str, str, str]],
                       scales: Sequence[float]) -> str:
    """Per-seed paired differences ``a - b`` with their mean and spread,
    and whether every seed agrees in sign and the mean exceeds twice the
    standard error (``|mean| > 2 std / sqrt(n)``)."""
    import numpy as np
    head = ['Difference'] + [f'x{s:g}' for s in scales]
    lines = [
        '| ' + ' | '.join(head) + ' |',
        '|' + '|'.join(['---'] + ['---:'] * len(scales)) + '|'
    ]
    for a, b, label in pairs:
        cells = [label]
        for s in scales:
            diff = np.subtract(totals[a][s], totals[b][s])
            mean, std = summarise(diff)
            n = diff.size
            clear = n > 1 and (np.all(diff > 0) or np.all(diff < 0)) and (
                abs(mean) > 2 * std / np.sqrt(n))
            cells.append(f'{mean:+.1f} ± {std:.1f}' + (' *' if clear else ''))
        lines.append('| ' + ' | '.join(cells) + ' |')
    lines.append('')
    lines.append('Paired by seed (same data, same stage-1 start); `*`: every '
                 'seed agrees in sign and |mean| > 2 std / sqrt(seeds).')
    return '\n'.join(lines)


def plot_sweep(totals: Dict[str, Dict[float, List[float]]],
               labels: Dict[str, str], scales: Sequence[float],
               rms: Dict[float, float], out_file: str, title: str) -> None:
    """mAP vs box error (rms offset), one line per row, seed spread bars."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5))
    xs = [rms[s] for s in scales]
    for key, label in labels.items():
        stats = [summarise(totals[key][s]) for s in scales]
        style = '--' if key.endswith('_ppnms') else '-'
        ax.errorbar(
            xs, [m for m, _ in stats],
            yerr=[d for _, d in stats],
            label=label,
            linestyle=style,
            marker='o',
            capsize=3)
    for s in scales:
        ax.annotate(
            f'x{s:g}', (rms[s], 0),
            textcoords='offset points',
            xytext=(0, 4),
            ha='center',
            fontsize=8,
            xycoords=('data', 'axes fraction'))
    ax.set_xlabel('box error: rms normalized offset of the simulated boxes')
    ax.set_ylabel('MPII multi-person Total mAP (%)')
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(
        fontsize=8, loc='upper center', bbox_to_anchor=(0.5, -0.15), ncol=2)
    fig.tight_layout()
    atomic_save_with(out_file, lambda tmp: fig.savefig(tmp, dpi=110))
    plt.close(fig)


def load_json(path: str) -> Optional[Dict]:
    """A JSON file's content, or None when absent."""
    if not osp.isfile(path):
        return None
    with open(path) as f:
        return json.load(f)
