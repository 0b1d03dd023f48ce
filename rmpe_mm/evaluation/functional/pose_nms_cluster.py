"""Greedy clustering, merging and filtering of the parametric pose NMS.

Positions are in sorted space (see :mod:`.pose_nms_pairs`): walking them in
order, the first alive candidate of a group is always the highest-scored
alive one, i.e. the next reference pose.
"""
from typing import Callable, List, NamedTuple, Optional

import numpy as np

from .pose_nms_pairs import merge_radius
from .pose_nms_params import PoseNMSParams


class Clusters(NamedTuple):
    """Result of the greedy pass.

    Attributes:
        picks (np.ndarray): (C,) reference positions in pick order.
        members (np.ndarray): (Q,) member positions, cluster after cluster;
            each cluster starts with its reference.
        bounds (np.ndarray): (C + 1,) cluster ``c`` is
            ``members[bounds[c]:bounds[c + 1]]``.
    """
    picks: np.ndarray
    members: np.ndarray
    bounds: np.ndarray


def fullbody_min_match_count(match_thr: float, num_alive: int,
                             num_valid: int, num_keypoints: int) -> int:
    """Smallest joint count that AlphaPose's fullbody match accepts.

    AlphaPose's ``PCK_match_fullbody`` returns
    ``count / (2 * num_alive * num_valid) / 2 * K`` in float32 (zero when the
    reference has no joint scored above ``score_thr / 2``), compared with
    ``>= match_thr``; the float32 arithmetic is reproduced exactly here.

    Returns:
        int: The threshold on the count (``K + 1`` if none is enough).
    """
    if num_valid == 0:
        return 0 if match_thr <= 0 else num_keypoints + 1
    counts = np.arange(num_keypoints + 1, dtype=np.float32)
    value = counts / np.float32(2 * num_alive * num_valid) / np.float32(2)
    value = value * np.float32(num_keypoints)
    hits = np.flatnonzero(value >= np.float32(match_thr))
    return int(hits[0]) if hits.size else num_keypoints + 1


def greedy_clusters(num: int,
                    pair_a: np.ndarray,
                    pair_b: np.ndarray,
                    suppress: np.ndarray,
                    group_end: np.ndarray,
                    counts: Optional[np.ndarray] = None,
                    min_count: Optional[Callable[[int, int], int]] = None
                    ) -> Clusters:
    """Pick references in score order and remove what each suppresses.

    Args:
        num (int): Number of candidates N.
        pair_a (np.ndarray): (P,) reference positions, non-decreasing.
        pair_b (np.ndarray): (P,) candidate positions.
        suppress (np.ndarray): (P,) bool, the pair's static criterion.
        group_end (np.ndarray): (N,) exclusive group end of each position.
        counts (np.ndarray, optional): (P,) match counts for a dynamic
            criterion (fullbody), with ``min_count``.
        min_count (callable, optional): ``min_count(position, num_alive)``
            -> the count a pair needs to be suppressed by that reference
            when ``num_alive`` candidates of its group are alive.

    Returns:
        Clusters: The picks and their members.
    """
    if counts is None:
        pair_a, pair_b = pair_a[suppress], pair_b[suppress]
    ptr = np.searchsorted(pair_a, np.arange(num + 1)).tolist()
    nbrs = pair_b.tolist()
    alive = bytearray(b'\x01') * num
    picks: List[int] = []
    members: List[int] = []
    bounds = [0]
    if counts is None:
        for p in range(num):
            if not alive[p]:
                continue
            alive[p] = 0
            picks.append(p)
            members.append(p)
            for j in nbrs[ptr[p]:ptr[p + 1]]:
                if alive[j]:
                    alive[j] = 0
                    members.append(j)
            bounds.append(len(members))
    else:
        _greedy_dynamic(ptr, nbrs, suppress.tolist(), counts.tolist(),
                        group_end.tolist(), min_count, alive, picks, members,
                        bounds)
    return Clusters(
        np.asarray(picks, dtype=np.int64), np.asarray(members,
                                                      dtype=np.int64),
        np.asarray(bounds, dtype=np.int64))


def _greedy_dynamic(ptr: list, nbrs: list, flags: list, counts: list,
                    group_end: list, min_count: Callable[[int, int], int],
                    alive: bytearray, picks: list, members: list,
                    bounds: list) -> None:
    """Greedy pass whose match criterion depends on the alive count."""
    remaining = {}
    for end in group_end:
        remaining[end] = remaining.get(end, 0) + 1
    for p in range(len(alive)):
        if not alive[p]:
            continue
        group = group_end[p]
        need = min_count(p, remaining[group])
        alive[p] = 0
        picks.append(p)
        members.append(p)
        size = 1
        for i in range(ptr[p], ptr[p + 1]):
            j = nbrs[i]
            if alive[j] and (flags[i] or counts[i] >= need):
                alive[j] = 0
                members.append(j)
                size += 1
        remaining[group] -= size
        bounds.append(len(members))


def merge_clusters(params: PoseNMSParams, kxy: np.ndarray, scores: np.ndarray,
                   ref: np.ndarray, picks: np.ndarray, members: np.ndarray,
                   bounds: np.ndarray):
    """Score-weighted merge of every cluster around its reference.

    ``w_j = c_j * [dist(k_r, k_j) <= min(ref_r, merge_radius_cap)]`` per
    joint; merged joint ``sum w k / sum w``; merged score ``sum w^2 / sum w``
    (``'weighted'``) or the max score of the joints within the radius
    (``'max'``). Where ``sum w == 0`` (only with ``zero_score=None`` or
    negative scores) the merged joint is the reference's joint with score 0.

    Args:
        params (PoseNMSParams): The NMS parameters.
        kxy (np.ndarray): (2K, N) joints in sorted space (x rows, y rows).
        scores (np.ndarray): (K, N) keypoint scores (zeros replaced).
        ref (np.ndarray): (N,) ``alpha * max(w, h)``.
        picks (np.ndarray): (C,) cluster references.
        members (np.ndarray): (Q,) cluster members (see :class:`Clusters`).
        bounds (np.ndarray): (C + 1,) cluster bounds.

    Returns:
        tuple: merged ``x (K, C)``, ``y (K, C)``, ``scores (K, C)``.
    """
    num_k = scores.shape[0]
    ref_pos = np.repeat(picks, bounds[1:] - bounds[:-1])
    mem = kxy.take(members, axis=1)
    diff = mem - kxy.take(ref_pos, axis=1)
    diff *= diff
    dist = np.sqrt(diff[:num_k] + diff[num_k:])
    within = dist <= merge_radius(params, ref)[ref_pos]
    mem_c = scores.take(members, axis=1)
    weights = np.where(within, mem_c, 0.0)
    starts = bounds[:-1]
    total = np.add.reduceat(weights, starts, axis=1)
    sums = np.add.reduceat(mem * np.concatenate([weights, weights]), starts,
                           axis=1)
    if params.merge_score == 'weighted':
        merged_c = np.add.reduceat(weights * weights, starts, axis=1)
    else:
        merged_c = np.maximum.reduceat(
            np.where(within, mem_c, -np.inf), starts, axis=1)
    empty = total == 0
    if empty.any():
        safe = np.where(empty, 1.0, total)
        merged = np.where(np.concatenate([empty, empty]),
                          kxy.take(picks, axis=1),
                          sums / np.concatenate([safe, safe]))
        if params.merge_score == 'weighted':
            merged_c = merged_c / safe
        merged_c = np.where(empty, 0.0, merged_c)
    else:
        merged = sums / np.concatenate([total, total])
        if params.merge_score == 'weighted':
            merged_c = merged_c / total
    return merged[:num_k], merged[num_k:], merged_c


def person_score(values: np.ndarray, mode: str) -> np.ndarray:
    """Max or mean over joints of (K, C) scores."""
    if mode == 'max':
        return values.max(axis=0)
    return values.sum(axis=0) / values.shape[0]


def keep_mask(params: PoseNMSParams, score_thr: float, merged_x: np.ndarray,
              merged_y: np.ndarray, merged_c: np.ndarray) -> np.ndarray:
    """(C,) merged poses passing the merged-score and area thresholds."""
    keep = person_score(merged_c, params.score_thr_mode) >= score_thr
    if merged_x.shape[1] and params.area_thr > 0:
        area = 1.5**2 * (merged_x.max(axis=0) - merged_x.min(axis=0)) * (
            merged_y.max(axis=0) - merged_y.min(axis=0))
        keep &= ~(area < params.area_thr)
    return keep


def final_scores(params: PoseNMSParams, merged_c: np.ndarray,
                 bbox_scores: np.ndarray) -> np.ndarray:
    """``mean(c) + bbox_score + max_score_weight * max(c)`` per pose.

    Args:
        merged_c (np.ndarray): (K, M) merged joint scores.
        bbox_scores (np.ndarray): (M,) box scores of the references.
    """
    if merged_c.shape[1] == 0:
        return np.zeros(0)
    return merged_c.sum(axis=0) / merged_c.shape[0] + bbox_scores + \
        params.max_score_weight * merged_c.max(axis=0)
