"""RMPE's group assignment: locate each pose, find the group box holding it.

Not part of the toolkit, whose submissions are already per group.
"""
from typing import Sequence, Tuple

import numpy as np

from .constants import MPII_ANCHOR_IDS, MPII_TORSO_IDS


def pose_anchors(keypoints: np.ndarray,
                 anchor_ids: Sequence[int] = MPII_ANCHOR_IDS,
                 fallback: bool = True) -> Tuple[np.ndarray, np.ndarray]:
    """The point that locates each pose for the group assignment.

    The anchor is the midpoint of the ``anchor_ids`` joints (RMPE: pelvis
    and thorax). A pose without all of them finite (e.g. a 14-joint
    prediction, which has neither) gets, with ``fallback``, the mean of its
    finite hips and shoulders (:data:`MPII_TORSO_IDS`, whose center is what
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
            pts = np.where(finite[todo][:, ids, None], kpts[todo][:, ids], 0.0)
            count = finite[todo][:, ids].sum(1, keepdims=True)
            anchors[todo] = pts.sum(1) / count
            source[todo] = code
    return anchors, source


def assign_anchors_to_groups(anchors: np.ndarray,
                             group_bboxes: np.ndarray,
                             policy: str = 'nearest') -> np.ndarray:
    """Assign points (pose anchors) to the group boxes containing them.

    A point belongs to a group when it lies inside the group box, borders
    included. Where boxes overlap, ``policy='nearest'`` picks the group
    whose box center is nearest to the point (first on ties); ``'first'``
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
        centers = (boxes[:, :2] + boxes[:, 2:]) / 2
        cost = np.linalg.norm(mid[:, None] - centers[None], axis=-1)
    else:
        cost = np.broadcast_to(
            np.arange(len(boxes), dtype=np.float64), inside.shape)
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
