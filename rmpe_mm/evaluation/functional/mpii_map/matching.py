"""``assignGTmulti.m``: match one group's predictions to its ground truth."""
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .constants import HEAD_SIZE_FACTOR, MPII_EVAL_JOINT_IDS, PCKH_THRESHOLD


@dataclass(frozen=True)
class GroupMatch:
    """The detections one group contributes.

    Attributes:
        scores (np.ndarray): ``(P, J)`` joint scores of the predictions.
        labels (np.ndarray): ``(P, J)`` bool, True = correct detection.
        has_pred (np.ndarray): ``(P, J)`` bool, False = joint not predicted
            (non-finite coordinates or score); such joints are no detection.
        num_gt (np.ndarray): ``(J,)`` annotated GT joints counted.
        pred_to_gt (np.ndarray): ``(P,)`` index of the assigned GT, or -1.
    """
    scores: np.ndarray
    labels: np.ndarray
    has_pred: np.ndarray
    num_gt: np.ndarray
    pred_to_gt: np.ndarray


def head_sizes(head_bboxes: np.ndarray,
               factor: float = HEAD_SIZE_FACTOR) -> np.ndarray:
    """``factor`` times the diagonal of each head box.

    Args:
        head_bboxes (np.ndarray): ``(G, 4)`` boxes ``x1 y1 x2 y2``.
        factor (float): The toolkit's ``SC_BIAS``. Default: 0.6.

    Returns:
        np.ndarray: ``(G,)`` head sizes.

    Raises:
        ValueError: a head size is not positive and finite.
    """
    boxes = np.asarray(head_bboxes, dtype=np.float64).reshape(-1, 4)
    sizes = factor * np.linalg.norm(boxes[:, 2:] - boxes[:, :2], axis=1)
    bad = ~(np.isfinite(sizes) & (sizes > 0))
    if bad.any():
        raise ValueError('head_bbox must have a positive diagonal, got '
                         f'{boxes[bad][0].tolist()}')
    return sizes


def _check_shapes(pred_keypoints: np.ndarray, pred_scores: np.ndarray,
                  gt_keypoints: np.ndarray, gt_visible: np.ndarray,
                  gt_head_bboxes: np.ndarray) -> None:
    """ValueError unless the arrays have consistent shapes."""
    if pred_keypoints.ndim != 3 or pred_keypoints.shape[-1] != 2:
        raise ValueError('pred_keypoints must be (P, K, 2), got '
                         f'{pred_keypoints.shape}')
    if pred_scores.shape != pred_keypoints.shape[:2]:
        raise ValueError(f'pred_scores must be {pred_keypoints.shape[:2]}, '
                         f'got {pred_scores.shape}')
    if gt_keypoints.ndim != 3 or gt_keypoints.shape[-1] != 2:
        raise ValueError('gt_keypoints must be (G, K, 2), got '
                         f'{gt_keypoints.shape}')
    if gt_visible.shape != gt_keypoints.shape[:2]:
        raise ValueError(f'gt_visible must be {gt_keypoints.shape[:2]}, '
                         f'got {gt_visible.shape}')
    if gt_keypoints.shape[1] != pred_keypoints.shape[1]:
        raise ValueError('predictions and GT have different joint counts: '
                         f'{pred_keypoints.shape[1]} vs '
                         f'{gt_keypoints.shape[1]}')
    if gt_head_bboxes.shape != (gt_keypoints.shape[0], 4):
        raise ValueError(f'gt_head_bboxes must be ({gt_keypoints.shape[0]}, '
                         f'4), got {gt_head_bboxes.shape}')


def match_group(pred_keypoints: np.ndarray,
                pred_scores: np.ndarray,
                gt_keypoints: np.ndarray,
                gt_visible: np.ndarray,
                gt_head_bboxes: np.ndarray,
                thr: float = PCKH_THRESHOLD,
                head_size_factor: float = HEAD_SIZE_FACTOR,
                joint_ids: Sequence[int] = MPII_EVAL_JOINT_IDS,
                count_unpredicted_groups: bool = False) -> GroupMatch:
    """``assignGTmulti.m`` for one group.

    Args:
        pred_keypoints (np.ndarray): ``(P, K, 2)`` predicted joints.
        pred_scores (np.ndarray): ``(P, K)`` their scores.
        gt_keypoints (np.ndarray): ``(G, K, 2)`` GT joints.
        gt_visible (np.ndarray): ``(G, K)``; > 0 = joint annotated.
        gt_head_bboxes (np.ndarray): ``(G, 4)`` head boxes ``x1 y1 x2 y2``.
        thr (float): PCKh threshold. Default: 0.5.
        head_size_factor (float): Head size factor. Default: 0.6.
        joint_ids (Sequence[int]): Evaluated joints (MPII ids), in output
            order. Default: the toolkit's 14.
        count_unpredicted_groups (bool): Count the GT joints of a group that
            has no prediction. Default: False (the official code's
            behaviour).

    Returns:
        GroupMatch: ``J = len(joint_ids)`` columns.
    """
    pk = np.asarray(pred_keypoints, dtype=np.float64)
    ps = np.asarray(pred_scores, dtype=np.float64)
    gk = np.asarray(gt_keypoints, dtype=np.float64)
    gv = np.asarray(gt_visible)
    hb = np.asarray(gt_head_bboxes, dtype=np.float64).reshape(-1, 4)
    _check_shapes(pk, ps, gk, gv, hb)
    jids = np.asarray(joint_ids, dtype=np.int64)
    pk, ps, gk = pk[:, jids], ps[:, jids], gk[:, jids]
    has_gt = gv[:, jids] > 0
    num_p, num_j = ps.shape
    has_pred = np.isfinite(pk).all(-1) & np.isfinite(ps)
    counted = num_p > 0 or count_unpredicted_groups
    num_gt = has_gt.sum(0) if counted else np.zeros(num_j, dtype=np.int64)
    pred_to_gt = np.full(num_p, -1, dtype=np.int64)
    labels = np.zeros((num_p, num_j), dtype=bool)
    if num_p and len(gk):
        dist = np.linalg.norm(pk[:, None] - gk[None], axis=-1)
        dist = dist / head_sizes(hb, head_size_factor)[None, :, None]
        match = (dist <= thr) & has_pred[:, None] & has_gt[None]
        num_ann = has_gt.sum(1)
        pck = np.where(num_ann > 0,
                       match.sum(-1) / np.maximum(num_ann, 1), 0.0)
        # each prediction keeps its best GT only
        rows = np.arange(num_p)
        best_gt = pck.argmax(1)
        kept = np.zeros_like(pck)
        kept[rows, best_gt] = pck[rows, best_gt]
        # each GT takes its best remaining prediction
        best_pred, best_val = kept.argmax(0), kept.max(0)
        assigned = np.nonzero(best_val > 0)[0]
        pred_to_gt[best_pred[assigned]] = assigned
        hit = pred_to_gt >= 0
        labels[hit] = match[rows[hit], pred_to_gt[hit]]
    return GroupMatch(
        scores=np.where(has_pred, ps, 0.0),
        labels=labels,
        has_pred=has_pred,
        num_gt=num_gt.astype(np.int64),
        pred_to_gt=pred_to_gt)
