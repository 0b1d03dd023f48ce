"""The whole MPII AP protocol over a list of groups."""
from collections import OrderedDict
from typing import List, Optional, Sequence, Tuple

import numpy as np

from .average_precision import MpiiAPAccumulator
from .constants import HEAD_SIZE_FACTOR, MPII_EVAL_JOINT_IDS, PCKH_THRESHOLD
from .matching import match_group
from .table import summarize_mpii_ap


def evaluate_mpii_groups(
        groups: Sequence[Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                               np.ndarray]],
        thr: float = PCKH_THRESHOLD,
        head_size_factor: float = HEAD_SIZE_FACTOR,
        count_unpredicted_groups: bool = False,
        joint_ids: Sequence[int] = MPII_EVAL_JOINT_IDS,
        ap_out: Optional[List[np.ndarray]] = None
) -> 'OrderedDict[str, float]':
    """The whole protocol over a list of groups.

    Args:
        groups (Sequence[tuple]): Per group ``(pred_keypoints (P, K, 2),
            pred_scores (P, K), gt_keypoints (G, K, 2), gt_visible (G, K),
            gt_head_bboxes (G, 4))``, in evaluation order.
        thr (float): PCKh threshold. Default: 0.5.
        head_size_factor (float): Default: 0.6.
        count_unpredicted_groups (bool): See :func:`match_group`.
            Default: False.
        joint_ids (Sequence[int]): Evaluated joints. Default: the 14.
        ap_out (list, optional): If given, the ``(J,)`` per-joint APs are
            appended to it.

    Returns:
        OrderedDict: :func:`summarize_mpii_ap` of the per-joint APs.
    """
    acc = MpiiAPAccumulator(len(joint_ids))
    for group in groups:
        acc.add(
            match_group(
                *group,
                thr=thr,
                head_size_factor=head_size_factor,
                joint_ids=joint_ids,
                count_unpredicted_groups=count_unpredicted_groups))
    ap = acc.compute()
    if ap_out is not None:
        ap_out.append(ap)
    return summarize_mpii_ap(ap, joint_ids)
