"""A loop-by-loop reading of the toolkit's evaluateAP.m on .mat files.

Independent of rmpe_mm: the files are read with ``loadmat(squeeze_me=True)``
and walked as ``assignGTmulti.m`` walks them (every point present is a GT
joint / a detection, first point of an id wins, head size from x1 y1 x2 y2,
GT joints counted inside the loop over predictions), then per joint the
detections are concatenated over groups in file order and ranked as
``getRPC.m``'s ``sort(scores, 'descend')`` ranks them: MATLAB's sort is
stable, so equal scores keep their concatenated order. ``ranking=
'flipped_ascending'`` ranks as Python ports that reverse an ascending
argsort do (equal scores in reverse order), to show a case is tie-sensitive.
Not covered: GT people without any point (MATLAB's max over their NaN pck
has corner cases); the files given to it must have none.
"""
from typing import Any, List

import numpy as np
from scipy.io import loadmat

JIDX_MAP = (0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 8, 9)


def _items(value: Any) -> List[Any]:
    """Elements of a squeezed MATLAB value ([] if empty)."""
    if isinstance(value, np.ndarray):
        return list(value.flat)
    return [value]


def _point(rect: Any, jid: int):
    """First point of id ``jid`` of a person, or None."""
    annopoints = getattr(rect, 'annopoints', None)
    if annopoints is None or (isinstance(annopoints, np.ndarray)
                              and annopoints.size == 0):
        return None
    for point in _items(annopoints.point):
        if int(point.id) == jid:
            return point
    return None


def _voc_ap(rec: List[float], prec: List[float]) -> float:
    mrec, mpre = [0.] + rec + [1.], [0.] + prec + [0.]
    for i in range(len(mpre) - 2, -1, -1):
        mpre[i] = max(mpre[i], mpre[i + 1])
    return sum((mrec[i] - mrec[i - 1]) * mpre[i] for i in range(1, len(mrec))
               if mrec[i] != mrec[i - 1])


def _rank(scores: List[float], ranking: str) -> List[int]:
    if ranking == 'matlab':
        return sorted(range(len(scores)), key=lambda k: -scores[k])
    ascending = sorted(range(len(scores)), key=lambda k: scores[k])
    return ascending[::-1]


def evaluate_ap(gt_path: str,
                pred_path: str,
                thresh: float = .5,
                ranking: str = 'matlab') -> np.ndarray:
    """(14,) per-joint AP in percent (NaN where no GT joint counted)."""
    gt = _items(
        loadmat(gt_path, squeeze_me=True,
                struct_as_record=False)['annolist_test_multi'])
    pred = _items(
        loadmat(pred_path, squeeze_me=True, struct_as_record=False)['pred'])
    assert len(gt) == len(pred)
    scores_all = [[] for _ in JIDX_MAP]
    labels_all = [[] for _ in JIDX_MAP]
    n_gt = np.zeros(len(JIDX_MAP))
    for gt_img, pred_img in zip(gt, pred):
        rects_gt = _items(gt_img.annorect)
        rects_pred = _items(pred_img.annorect)
        num_p, num_g, num_j = len(rects_pred), len(rects_gt), len(JIDX_MAP)
        dist = np.full((num_p, num_g, num_j), np.inf)
        score = np.full((num_p, num_j), np.nan)
        has_pred = np.zeros((num_p, num_j), bool)
        has_gt = np.zeros((num_g, num_j), bool)
        for p, rp in enumerate(rects_pred):
            for g, rg in enumerate(rects_gt):
                ref = .6 * np.hypot(rg.x2 - rg.x1, rg.y2 - rg.y1)
                for i, jid in enumerate(JIDX_MAP):
                    pp, pg = _point(rp, jid), _point(rg, jid)
                    if pp is not None:
                        score[p, i] = pp.score
                        has_pred[p, i] = True
                    if pg is not None:
                        has_gt[g, i] = True
                    if pp is not None and pg is not None:
                        dist[p, g,
                             i] = np.hypot(pg.x - pp.x, pg.y - pp.y) / ref
        match = dist <= thresh
        with np.errstate(invalid='ignore', divide='ignore'):
            pck = match.sum(2) / has_gt.sum(1)[None, :]
        for p in range(num_p):  # keep each prediction's best GT only
            row = pck[p]
            if num_g and not np.isnan(row).all():
                best = int(np.nanargmax(row))
                pck[p, [g for g in range(num_g) if g != best]] = 0
        pred_to_gt = {}
        for g in range(num_g):
            col = pck[:, g]
            if num_p and not np.isnan(col).all() and np.nanmax(col) != 0:
                pred_to_gt[int(np.nanargmax(col))] = g
        for p in range(num_p):
            for i in np.nonzero(has_pred[p])[0]:
                scores_all[i].append(score[p, i])
                ok = p in pred_to_gt and match[p, pred_to_gt[p], i]
                labels_all[i].append(bool(ok))
        n_gt += has_gt.sum(0)  # stays 0 without predictions, as in MATLAB
    ap = []
    for i in range(len(JIDX_MAP)):
        if n_gt[i] == 0:
            ap.append(np.nan)
            continue
        order = _rank(scores_all[i], ranking)
        tp, prec, rec = 0, [], []
        for rank, k in enumerate(order, 1):
            tp += labels_all[i][k]
            prec.append(tp / rank)
            rec.append(tp / n_gt[i])
        ap.append(100 * _voc_ap(rec, prec))
    return np.array(ap)
