"""The paper's MPII table (Head ... Ankle, Total) and its text form."""
from collections import OrderedDict
from typing import Dict, Sequence

import numpy as np

from .constants import MPII_EVAL_JOINT_IDS, MPII_TABLE_COLUMNS


def summarize_mpii_ap(
    ap: np.ndarray,
    joint_ids: Sequence[int] = MPII_EVAL_JOINT_IDS
) -> 'OrderedDict[str, float]':
    """The paper's table: Head, Shoulder, ..., Ankle, Total.

    Args:
        ap (np.ndarray): ``(J,)`` per-joint AP, ordered as ``joint_ids``.
        joint_ids (Sequence[int]): MPII ids of ``ap``'s entries.

    Returns:
        OrderedDict: Column name -> mean AP of its joints; ``Total`` = mean
        of all joints. Joints with no GT (NaN) are left out of the means.
    """
    ap = np.asarray(ap, dtype=np.float64)
    pos = {jid: i for i, jid in enumerate(joint_ids)}
    table = OrderedDict()
    for name, jids in MPII_TABLE_COLUMNS.items():
        table[name] = _nanmean([ap[pos[j]] for j in jids if j in pos])
    table['Total'] = _nanmean(ap)
    return table


def _nanmean(values) -> float:
    """Mean of the finite values; NaN if there is none."""
    values = np.asarray(values, dtype=np.float64)
    values = values[~np.isnan(values)]
    return float(values.mean()) if values.size else float('nan')


def format_mpii_ap_table(table: Dict[str, float]) -> str:
    """A fixed-width text table of :func:`summarize_mpii_ap`'s output."""
    names = list(table)
    widths = [max(len(n), 6) for n in names]
    header = ' | '.join(n.rjust(w) for n, w in zip(names, widths))
    row = ' | '.join(f'{table[n]:.1f}'.rjust(w) for n, w in zip(names, widths))
    rule = '-+-'.join('-' * w for w in widths)
    return '\n'.join([header, rule, row])
