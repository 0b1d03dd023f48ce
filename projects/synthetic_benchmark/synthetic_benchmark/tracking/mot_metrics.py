"""MOT metrics of tracked people against the clips' ground truth.

Maintained evaluators, not our own: ``motmetrics`` (py-motmetrics) for
MOTA, IDF1 and ID switches, ``trackeval`` (TrackEval, packaged on PyPI) for
HOTA. Both see the same pairing similarity, a documented choice: the **box
IoU** between a ground-truth person's tight silhouette box and the box of
the predicted pose (the detection box the pose NMS kept for it); a pair
needs IoU >= ``iou_threshold`` (default 0.5, the MOTChallenge rule) to
count for MOTA/IDF1, HOTA averages over its own thresholds 0.05..0.95.
"""
from dataclasses import dataclass
from typing import Dict, List, Sequence

import motmetrics
import numpy as np
from trackeval.metrics import HOTA


@dataclass
class TrackedFrame:
    """The people of one frame: ``ids (n,)`` int, ``boxes (n, 4)`` xyxy."""
    ids: np.ndarray
    boxes: np.ndarray

    def __post_init__(self) -> None:
        self.ids = np.asarray(self.ids, np.int64).reshape(-1)
        self.boxes = np.asarray(self.boxes, np.float64).reshape(-1, 4)
        if len(self.ids) != len(self.boxes):
            raise ValueError(f'ids has {len(self.ids)} entries for '
                             f'{len(self.boxes)} boxes')
        if len(np.unique(self.ids)) != len(self.ids):
            raise ValueError(f'ids must be unique in a frame, got {self.ids}')


def box_iou(gt: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """``(n, m)`` IoU of xyxy boxes (motmetrics' ``iou_matrix``)."""
    if len(gt) == 0 or len(pred) == 0:
        return np.zeros((len(gt), len(pred)))
    xywh = [
        np.concatenate([b[:, :2], b[:, 2:] - b[:, :2]], 1) for b in (gt, pred)
    ]
    return 1.0 - motmetrics.distances.iou_matrix(*xywh, max_iou=1.0)


def _check_lengths(truth: Sequence, pred: Sequence) -> None:
    if len(truth) != len(pred):
        raise ValueError(f'truth has {len(truth)} frames, predictions '
                         f'{len(pred)}')


def accumulate(truth: Sequence[TrackedFrame],
               pred: Sequence[TrackedFrame],
               iou_threshold: float = 0.5) -> motmetrics.MOTAccumulator:
    """A motmetrics accumulator of one clip (pairs need IoU >=
    ``iou_threshold``)."""
    _check_lengths(truth, pred)
    acc = motmetrics.MOTAccumulator(auto_id=True)
    for gt, pr in zip(truth, pred):
        dist = 1.0 - box_iou(gt.boxes, pr.boxes)
        dist[dist > 1.0 - iou_threshold] = np.nan
        acc.update(gt.ids.tolist(), pr.ids.tolist(), dist)
    return acc


def _dense(ids_per_frame: List[np.ndarray]) -> List[np.ndarray]:
    """Map ids to ``0..n-1`` (TrackEval's convention)."""
    every = np.unique(np.concatenate(ids_per_frame)) if ids_per_frame else []
    lookup = {int(v): i for i, v in enumerate(every)}
    return [
        np.array([lookup[int(v)] for v in ids], int) for ids in ids_per_frame
    ]


def hota_sequence(truth: Sequence[TrackedFrame],
                  pred: Sequence[TrackedFrame]) -> Dict[str, np.ndarray]:
    """TrackEval's HOTA result of one clip (box IoU similarity)."""
    _check_lengths(truth, pred)
    gt_ids = _dense([f.ids for f in truth])
    pr_ids = _dense([f.ids for f in pred])
    data = dict(
        gt_ids=gt_ids,
        tracker_ids=pr_ids,
        similarity_scores=[
            box_iou(g.boxes, p.boxes) for g, p in zip(truth, pred)
        ],
        num_gt_dets=sum(len(i) for i in gt_ids),
        num_tracker_dets=sum(len(i) for i in pr_ids),
        num_gt_ids=len(set(np.concatenate(gt_ids).tolist())),
        num_tracker_ids=len(set(np.concatenate(pr_ids).tolist())),
        num_timesteps=len(truth))
    return HOTA().eval_sequence(data)


def mot_metrics(truth: Sequence[Sequence[TrackedFrame]],
                pred: Sequence[Sequence[TrackedFrame]],
                iou_threshold: float = 0.5) -> Dict[str, float]:
    """MOTA, IDF1, ID switches (motmetrics, all clips' events together) and
    HOTA (TrackEval, its combination over clips) of several clips.

    Args:
        truth (Sequence[Sequence[TrackedFrame]]): Ground truth, per clip
            per frame.
        pred (Sequence[Sequence[TrackedFrame]]): Predictions, same layout.
        iou_threshold (float): Box IoU a MOTA/IDF1 pair needs. Default 0.5.

    Returns:
        dict: ``mota``, ``idf1``, ``hota`` (fractions), ``id_switches``,
        ``false_positives``, ``misses`` (counts).
    """
    if not 0.0 < iou_threshold <= 1.0:
        raise ValueError(
            f'iou_threshold must be in (0, 1], got {iou_threshold}')
    if len(truth) != len(pred) or not truth:
        raise ValueError('truth and pred must hold the same number (> 0) of '
                         f'clips, got {len(truth)} and {len(pred)}')
    accs = [accumulate(t, p, iou_threshold) for t, p in zip(truth, pred)]
    names = [str(i) for i in range(len(accs))]
    summary = motmetrics.metrics.create().compute_many(
        accs,
        names=names,
        metrics=[
            'mota', 'idf1', 'num_switches', 'num_false_positives', 'num_misses'
        ],
        generate_overall=True)
    overall = summary.loc['OVERALL']
    hota = HOTA()
    combined = hota.combine_sequences(
        {n: hota_sequence(t, p)
         for n, t, p in zip(names, truth, pred)})
    return dict(
        mota=float(overall['mota']),
        idf1=float(overall['idf1']),
        hota=float(np.mean(combined['HOTA'])),
        id_switches=int(overall['num_switches']),
        false_positives=int(overall['num_false_positives']),
        misses=int(overall['num_misses']))
