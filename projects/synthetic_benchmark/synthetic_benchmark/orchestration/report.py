"""The ablation table (Markdown) and its bar plot."""
import os.path as osp
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from rmpe_mm.utils.atomic_io import atomic_save_with

#: Columns of the paper's Table 3 (MpiiMultiPersonMAP's metric keys).
COLUMNS: Tuple[str, ...] = ('Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip',
                            'Knee', 'Ankle', 'Total')

#: The paper's MPII validation mAP (Table 3) of the comparison each row
#: makes, where it reports one; shown beside ours for orientation only. The
#: paper removes one component from the full model at a time, so its
#: numbers match our full-model rows and the "+ PPNMS" extra rows:
#: "without pose NMS" 75.7 is our "+ parallel SPPE" row.
PAPER_TOTAL: Dict[str, float] = {
    'plain': 71.7,  # straightforward two-step
    'sstn_parallel': 75.7,  # without pose NMS
    'full': 80.8,
    'jitter': 77.9,  # random jittering instead of PGPG
    'pgpg_ppnms': 78.2,  # without SSTN + parallel SPPE
    'sstn_ppnms': 79.1,  # without parallel SPPE
    'full_gt_boxes': 84.2,  # ground-truth boxes (upper bound)
}

Row = Tuple[str, str, Mapping[str, float]]  # (key, label, metrics)


def _check_metrics(label: str, metrics: Mapping[str, float]) -> None:
    missing = [c for c in COLUMNS if c not in metrics]
    if missing:
        raise ValueError(f'row {label!r}: metrics lack {missing} (keys: '
                         f'{sorted(metrics)})')


def markdown_table(rows: Sequence[Row],
                   num_main: Optional[int] = None,
                   paper: Optional[Mapping[str, float]] = None) -> str:
    """Per-joint AP table, one row per variant.

    Args:
        rows (Sequence[tuple]): ``(key, label, metrics)``; ``metrics`` holds
            :data:`COLUMNS` (percent).
        num_main (int, optional): Rows after this many are set apart as
            extra comparisons (a separator row). Default: None (no split).
        paper (Mapping[str, float], optional): Paper Total by row key; adds
            a "Paper (MPII)" column. Default: None.

    Returns:
        str: GitHub-flavoured Markdown.
    """
    head = ['Variant', *COLUMNS] + (['Paper (MPII)'] if paper else [])
    lines = [
        '| ' + ' | '.join(head) + ' |',
        '|' + '|'.join(['---'] + ['---:'] * (len(head) - 1)) + '|'
    ]
    for i, (key, label, metrics) in enumerate(rows):
        _check_metrics(label, metrics)
        if num_main is not None and i == num_main:
            lines.append('| *extra comparisons* |' + ' |' * (len(head) - 1))
        cells = [label] + [f'{float(metrics[c]):.1f}' for c in COLUMNS]
        if paper:
            cells.append(f'{paper[key]:.1f}' if key in paper else '')
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def plot_rows(rows: Sequence[Row], out_file: str, title: str) -> None:
    """Grouped bar plot: per-joint AP (x) for every variant (bars).

    Args:
        rows (Sequence[tuple]): As :func:`markdown_table`.
        out_file (str): PNG path (directories are created).
        title (str): Figure title.
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    import numpy as np

    for _, label, metrics in rows:
        _check_metrics(label, metrics)
    width = 0.8 / max(len(rows), 1)
    xs = np.arange(len(COLUMNS))
    fig, ax = plt.subplots(figsize=(12, 6))
    cmap = plt.get_cmap('tab10')
    for i, (_, label, metrics) in enumerate(rows):
        values = [float(metrics[c]) for c in COLUMNS]
        ax.bar(
            xs + (i - (len(rows) - 1) / 2) * width,
            values,
            width,
            label=label,
            color=cmap(i % 10))
    ax.set_xticks(xs)
    ax.set_xticklabels(COLUMNS)
    ax.set_ylabel('AP (%)')
    ax.set_ylim(0, 100)
    ax.set_title(title)
    ax.grid(axis='y', alpha=0.3)
    ax.legend(
        fontsize=8,
        loc='upper center',
        bbox_to_anchor=(0.5, -0.08),
        ncol=3,
        frameon=False)
    fig.tight_layout()
    atomic_save_with(out_file, lambda tmp: fig.savefig(tmp, dpi=110))
    plt.close(fig)


def ablation_markdown(rows: Sequence[Row],
                      num_main: int,
                      command: str,
                      settings: Mapping,
                      timings: Mapping[str, float],
                      plot_file: Optional[str] = None) -> str:
    """The whole ``ablation.md``: table, command, settings, timings."""
    total = sum(timings.values())
    timing_line = (f'Wall time of the steps: {total / 60:.1f} min (' +
                   ', '.join(f'{k} {v:.0f} s' for k, v in timings.items()) +
                   '); steps done earlier are not re-run.'
                   if timings else 'No timings recorded.')
    parts: List[str] = [
        '# RMPE ablation on the synthetic benchmark (Table 3 in miniature)',
        '',
        'SIMULATED data (tools/make_synthetic_dataset.py: drawn people, '
        'simulated detector). MPII multi-person AP (%) on the val split\'s '
        'simulated detections; "Paper (MPII)" is the paper\'s MPII '
        'validation mAP of the same comparison, for orientation only.',
        '',
        markdown_table(rows, num_main, PAPER_TOTAL),
        '',
        f'Command: `{command}`',
        '',
        'Settings: ' + ', '.join(f'{k}={v}' for k, v in settings.items()),
        '',
        timing_line,
    ]
    if plot_file:
        parts += ['', f'![ablation]({osp.basename(plot_file)})']
    return '\n'.join(parts) + '\n'
