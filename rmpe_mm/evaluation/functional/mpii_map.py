"""MPII multi-person mAP: the official ``evaluateAP.m`` protocol in numpy.

The protocol (MPII evaluation toolkit: ``evaluateAP.m``,
``assignGTmulti.m``, ``getRPC.m``, ``VOCap.m``), per group of people:

1. 14 joints, in the toolkit's order: r/l ankle, knee, hip (ids 0-5),
   r/l wrist, elbow, shoulder (10-15), upper neck (8), head top (9); thorax
   and pelvis are not evaluated.
2. ``headsize(g) = 0.6 * ||(x2, y2) - (x1, y1)||`` of GT ``g``'s head box;
   ``dist(p, g, j) = ||pred - gt|| / headsize(g)`` (inf if either joint is
   missing); joint match if ``dist <= 0.5``;
   ``pck(p, g) = #matched joints / #annotated joints of g``.
3. Each prediction keeps only its best GT (first on ties); each GT then takes
   the prediction with the highest remaining pck (first on ties; none if 0).
4. Every predicted joint is a detection scored by its own score, true iff
   its prediction was assigned to a GT and that joint matched.
5. Per joint, detections of all groups are pooled in group order (within a
   group, in prediction order), sorted by score descending with equal
   scores kept in that order (MATLAB's ``sort(..., 'descend')`` is stable;
   ports that reverse an ascending sort rank ties the other way round),
   precision/recall are taken against the number of annotated GT joints,
   and AP is VOC's all-point interpolated AP; the table averages left/right
   joints; Total is the mean over the 14 joints. APs are percentages.

One detail of the official code is kept by default and can be switched off:
``assignGTmulti.m`` only counts a group's annotated GT joints inside its
loop over predictions, so a group with no prediction adds nothing to the
number of GT joints (``count_unpredicted_groups=False``).

Group assignment (RMPE's, not the toolkit's, whose submissions are already
per group): :func:`pose_anchors` and :func:`assign_anchors_to_groups`.
"""
from collections import OrderedDict
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from rmpe_mm.datasets.mpii_mp_format import (MPII_JOINT_NAMES, PELVIS_ID,
                                             THORAX_ID)

#: MPII ids of the 14 evaluated joints, in the toolkit's order (jidxMap).
MPII_EVAL_JOINT_IDS: Tuple[int, ...] = (0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14,
                                        15, 8, 9)
MPII_EVAL_JOINT_NAMES: Tuple[str, ...] = (
    'r_ankle', 'r_knee', 'r_hip', 'l_hip', 'l_knee', 'l_ankle', 'r_wrist',
    'r_elbow', 'r_shoulder', 'l_shoulder', 'l_elbow', 'l_wrist', 'upper_neck',
    'head_top')
#: Table columns -> MPII joint ids averaged in them.
MPII_TABLE_COLUMNS: 'OrderedDict[str, Tuple[int, ...]]' = OrderedDict(
    Head=(9, 8),
    Shoulder=(12, 13),
    Elbow=(11, 14),
    Wrist=(10, 15),
    Hip=(2, 3),
    Knee=(1, 4),
    Ankle=(0, 5))
HEAD_SIZE_FACTOR = 0.6
PCKH_THRESHOLD = 0.5
#: Joints whose midpoint locates a pose for the group assignment (RMPE):
#: pelvis and thorax.
MPII_ANCHOR_IDS: Tuple[int, ...] = (PELVIS_ID, THORAX_ID)
#: Fallback anchor joints: right/left hip and right/left shoulder.
MPII_TORSO_IDS: Tuple[int, ...] = (2, 3, 12, 13)


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


def voc_ap(recall: np.ndarray, precision: np.ndarray) -> float:
    """VOC all-point interpolated AP (``VOCap.m``, PASCAL VOC 2010+).

    Args:
        recall (np.ndarray): ``(N,)`` recall at each rank.
        precision (np.ndarray): ``(N,)`` precision at each rank.

    Returns:
        float: Area under the monotone precision envelope, in [0, 1].
    """
    mrec = np.concatenate([[0.0], np.asarray(recall, np.float64), [1.0]])
    mpre = np.concatenate([[0.0], np.asarray(precision, np.float64), [0.0]])
    mpre = np.maximum.accumulate(mpre[::-1])[::-1]
    steps = np.nonzero(mrec[1:] != mrec[:-1])[0] + 1
    return float(np.sum((mrec[steps] - mrec[steps - 1]) * mpre[steps]))


def joint_ap(scores: np.ndarray, labels: np.ndarray, num_gt: int) -> float:
    """AP (percent) of one joint's pooled detections (``getRPC.m``).

    Args:
        scores (np.ndarray): ``(N,)`` detection scores.
        labels (np.ndarray): ``(N,)`` bool, True = correct.
        num_gt (int): Number of annotated GT joints.

    Returns:
        float: ``100 * VOCap``; NaN when ``num_gt == 0`` (AP undefined).
    """
    if num_gt <= 0:
        return float('nan')
    order = np.argsort(-np.asarray(scores, np.float64), kind='stable')
    tp = np.cumsum(np.asarray(labels, bool)[order])
    ranks = np.arange(1, len(order) + 1)
    return 100.0 * voc_ap(tp / num_gt, tp / ranks)


class MpiiAPAccumulator:
    """Pools :class:`GroupMatch` results and computes the per-joint APs.

    Detections are pooled in the order groups are added and, within a
    group, in prediction order, then ranked by a stable descending sort:
    exactly ``evaluateAP.m``'s concatenation of ``scoresAll{j}{imgidx}``
    over the groups and ``getRPC.m``'s ``sort(scores, 'descend')``, which
    keeps equal scores in that order. Add groups in the submission's order.

    Args:
        num_joints (int): ``J``. Default: 14.
        joint_ids (Sequence[int]): MPII ids of the ``J`` joints, for
            messages. Default: the toolkit's 14.
    """

    def __init__(self,
                 num_joints: int = len(MPII_EVAL_JOINT_IDS),
                 joint_ids: Sequence[int] = MPII_EVAL_JOINT_IDS) -> None:
        if len(joint_ids) != num_joints:
            raise ValueError(f'joint_ids has {len(joint_ids)} entries for '
                             f'{num_joints} joints')
        self.num_joints = num_joints
        self.joint_ids = tuple(joint_ids)
        self._scores: List[np.ndarray] = []
        self._labels: List[np.ndarray] = []
        self._has_pred: List[np.ndarray] = []
        self.num_gt = np.zeros(num_joints, dtype=np.int64)
        self.num_groups = 0
        self.num_groups_without_pred = 0

    def add(self, match: GroupMatch) -> None:
        """Add one group's detections and GT count."""
        if match.num_gt.shape != (self.num_joints, ):
            raise ValueError(f'expected {self.num_joints} joints, got '
                             f'{match.num_gt.shape}')
        self._scores.append(match.scores)
        self._labels.append(match.labels)
        self._has_pred.append(match.has_pred)
        self.num_gt += match.num_gt
        self.num_groups += 1
        self.num_groups_without_pred += int(len(match.scores) == 0)

    def compute(self) -> np.ndarray:
        """``(J,)`` per-joint AP in percent (NaN where no GT joint)."""
        empty = np.zeros((0, self.num_joints))
        scores = np.concatenate([empty] + self._scores)
        labels = np.concatenate([empty.astype(bool)] + self._labels)
        has_pred = np.concatenate([empty.astype(bool)] + self._has_pred)
        return np.array([
            joint_ap(scores[has_pred[:, j], j], labels[has_pred[:, j], j],
                     int(self.num_gt[j])) for j in range(self.num_joints)
        ])

    def undefined_message(self) -> Optional[str]:
        """Why some APs are NaN (no annotated GT joint counted), or None.

        Returns:
            str | None: A message naming the joints and table columns
            without data and the number of groups without any prediction
            (the protocol counts a group's GT joints only if it has one).
        """
        missing = [j for j, n in zip(self.joint_ids, self.num_gt) if n == 0]
        if not missing:
            return None
        names = [MPII_JOINT_NAMES[j] for j in missing]
        columns = [c for c, ids in MPII_TABLE_COLUMNS.items()
                   if all(j in missing or j not in self.joint_ids
                          for j in ids)]
        if len(missing) == self.num_joints:
            columns.append('Total')
        where = f' (table: {", ".join(columns)})' if columns else ''
        return (f'MPII AP undefined (NaN) for {", ".join(names)}{where}: '
                'no annotated ground-truth joint of theirs was counted. '
                "The protocol counts a group's ground truth only when the "
                f'group has a prediction; {self.num_groups_without_pred} of '
                f'{self.num_groups} groups had none.')


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


def pose_anchors(keypoints: np.ndarray,
                 anchor_ids: Sequence[int] = MPII_ANCHOR_IDS,
                 fallback: bool = True) -> Tuple[np.ndarray, np.ndarray]:
    """The point that locates each pose for the group assignment.

    The anchor is the midpoint of the ``anchor_ids`` joints (RMPE: pelvis
    and thorax). A pose without all of them finite (e.g. a 14-joint
    prediction, which has neither) gets, with ``fallback``, the mean of its
    finite hips and shoulders (:data:`MPII_TORSO_IDS`, whose centre is what
    the pelvis-thorax midpoint stands for) or, without any of those, the
    mean of all its finite joints; without ``fallback``, or without any
    finite joint, it gets none (NaN).

    Args:
        keypoints (np.ndarray): ``(N, K, 2)`` poses, MPII ids as joint axis.
        anchor_ids (Sequence[int]): Joints whose midpoint locates the pose.
            Default: (6, 7), pelvis and thorax.
        fallback (bool): Use the fallbacks above. Default: True.

    Returns:
        tuple: ``anchors (N, 2)`` (NaN rows: no anchor) and ``source (N,)``
        int: 0 = ``anchor_ids``, 1 = hips/shoulders, 2 = all joints,
        -1 = none.
    """
    kpts = np.asarray(keypoints, dtype=np.float64)
    if kpts.ndim != 3 or kpts.shape[-1] != 2:
        raise ValueError(f'keypoints must be (N, K, 2), got {kpts.shape}')
    finite = np.isfinite(kpts).all(-1)
    anchors = np.full((len(kpts), 2), np.nan)
    source = np.full(len(kpts), -1, dtype=np.int64)
    candidates = [(0, list(anchor_ids), True)]
    if fallback:
        torso = [j for j in MPII_TORSO_IDS if j < kpts.shape[1]]
        candidates += [(1, torso, False),
                       (2, list(range(kpts.shape[1])), False)]
    for code, ids, need_all in candidates:
        ok = finite[:, ids].all(1) if need_all else finite[:, ids].any(1)
        todo = (source < 0) & ok
        if todo.any():
            pts = np.where(finite[todo][:, ids, None], kpts[todo][:, ids],
                           0.0)
            count = finite[todo][:, ids].sum(1, keepdims=True)
            anchors[todo] = pts.sum(1) / count
            source[todo] = code
    return anchors, source


def assign_anchors_to_groups(anchors: np.ndarray, group_bboxes: np.ndarray,
                             policy: str = 'nearest') -> np.ndarray:
    """Assign points (pose anchors) to the group boxes containing them.

    A point belongs to a group when it lies inside the group box, borders
    included. Where boxes overlap, ``policy='nearest'`` picks the group
    whose box centre is nearest to the point (first on ties); ``'first'``
    the first containing group.

    Args:
        anchors (np.ndarray): ``(N, 2)`` points; NaN rows belong nowhere.
        group_bboxes (np.ndarray): ``(G, 4)`` boxes ``x1 y1 x2 y2``.
        policy (str): ``'nearest'`` or ``'first'``. Default: 'nearest'.

    Returns:
        np.ndarray: ``(N,)`` group index (row of ``group_bboxes``) or -1.
    """
    if policy not in ('nearest', 'first'):
        raise ValueError(f"policy must be 'nearest' or 'first', got "
                         f'{policy!r}')
    mid = np.asarray(anchors, dtype=np.float64).reshape(-1, 2)
    boxes = np.asarray(group_bboxes, dtype=np.float64).reshape(-1, 4)
    inside = ((mid[:, None, 0] >= boxes[None, :, 0])
              & (mid[:, None, 0] <= boxes[None, :, 2])
              & (mid[:, None, 1] >= boxes[None, :, 1])
              & (mid[:, None, 1] <= boxes[None, :, 3]))
    if policy == 'nearest':
        centres = (boxes[:, :2] + boxes[:, 2:]) / 2
        cost = np.linalg.norm(mid[:, None] - centres[None], axis=-1)
    else:
        cost = np.broadcast_to(np.arange(len(boxes), dtype=np.float64),
                               inside.shape)
    cost = np.where(inside, cost, np.inf)
    result = np.full(len(mid), -1, dtype=np.int64)
    if len(boxes):
        found = inside.any(1)
        result[found] = cost[found].argmin(1)
    return result


def assign_poses_to_groups(keypoints: np.ndarray,
                           group_bboxes: np.ndarray,
                           anchor_ids: Sequence[int] = MPII_ANCHOR_IDS,
                           policy: str = 'nearest',
                           fallback: bool = True) -> np.ndarray:
    """Assign poses to groups by their anchor (RMPE: the pelvis-thorax
    midpoint lying inside the group box).

    :func:`pose_anchors` then :func:`assign_anchors_to_groups`.

    Args:
        keypoints (np.ndarray): ``(N, K, 2)`` poses.
        group_bboxes (np.ndarray): ``(G, 4)`` boxes ``x1 y1 x2 y2``.
        anchor_ids (Sequence[int]): Joints whose midpoint locates the pose.
            Default: (6, 7), MPII pelvis and thorax.
        policy (str): ``'nearest'`` or ``'first'``. Default: 'nearest'.
        fallback (bool): Locate poses without the anchor joints by their
            hips and shoulders, else all their joints. Default: True.

    Returns:
        np.ndarray: ``(N,)`` group index (row of ``group_bboxes``) or -1
        (outside every box, or no anchor).
    """
    anchors, _ = pose_anchors(keypoints, anchor_ids, fallback)
    return assign_anchors_to_groups(anchors, group_bboxes, policy)


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
