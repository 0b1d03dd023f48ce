"""One-to-one matching of detected boxes to ground-truth boxes (one image).

Two rules, both one-to-one and both keeping only pairs with IoU strictly
above ``iou_thr`` (default 0.5, consistent with the paper's random-jitter
baseline, docs/method.md section 4):

- ``'hungarian'`` (default): the assignment maximising the summed IoU over the
  pairs that pass the threshold (``scipy.optimize.linear_sum_assignment`` on
  the IoU matrix with sub-threshold entries zeroed), so a detection is never
  taken away from a GT person it overlaps well to serve a poor match.
- ``'greedy'``: pairs sorted by IoU (descending), each taken if both sides are
  still free.
"""
from typing import Tuple

import numpy as np
from scipy.optimize import linear_sum_assignment

from .boxes import box_iou_matrix

MATCH_METHODS = ('hungarian', 'greedy')


def match_boxes(
        gt_boxes: np.ndarray,
        det_boxes: np.ndarray,
        iou_thr: float = 0.5,
        method: str = 'hungarian'
) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Match detections to ground-truth boxes one-to-one.

    Args:
        gt_boxes (np.ndarray): xyxy ground-truth boxes in shape (N, 4).
        det_boxes (np.ndarray): xyxy detections in shape (M, 4).
        iou_thr (float): Keep pairs with IoU > ``iou_thr``. Defaults to 0.5.
        method (str): ``'hungarian'`` or ``'greedy'``, see the module
            docstring. Defaults to ``'hungarian'``.

    Returns:
        tuple: ``(gt_idx, det_idx, ious)``, each in shape (P,), sorted by
        ``gt_idx``.

    Raises:
        ValueError: If ``method`` or ``iou_thr`` is invalid.
    """
    if method not in MATCH_METHODS:
        raise ValueError(f'method must be one of {MATCH_METHODS}, '
                         f'got {method!r}')
    if not 0.0 <= iou_thr < 1.0:
        raise ValueError(f'iou_thr must be in [0, 1), got {iou_thr}')
    empty = np.zeros(0, dtype=np.int64)
    if len(gt_boxes) == 0 or len(det_boxes) == 0:
        return empty, empty, np.zeros(0)
    iou = box_iou_matrix(gt_boxes, det_boxes)
    gated = np.where(iou > iou_thr, iou, 0.0)
    if method == 'hungarian':
        rows, cols = linear_sum_assignment(gated, maximize=True)
    else:
        rows, cols = _greedy_assignment(gated)
    keep = gated[rows, cols] > 0
    rows, cols = rows[keep], cols[keep]
    order = np.argsort(rows, kind='stable')
    rows, cols = rows[order].astype(np.int64), cols[order].astype(np.int64)
    return rows, cols, iou[rows, cols]


def _greedy_assignment(scores: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Greedy one-to-one assignment by descending score (zeros skipped)."""
    flat = np.argsort(-scores, axis=None, kind='stable')
    rows_taken = np.zeros(scores.shape[0], dtype=bool)
    cols_taken = np.zeros(scores.shape[1], dtype=bool)
    rows, cols = [], []
    for idx in flat:
        r, c = divmod(int(idx), scores.shape[1])
        if scores[r, c] <= 0:
            break
        if rows_taken[r] or cols_taken[c]:
            continue
        rows_taken[r] = cols_taken[c] = True
        rows.append(r)
        cols.append(c)
    return np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
