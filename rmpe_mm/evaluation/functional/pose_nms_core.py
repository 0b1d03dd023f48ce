"""Numpy core of the parametric pose NMS (validated float64 arrays in)."""
from typing import Callable, List, NamedTuple, Optional, Tuple

import numpy as np

from .pose_nms_cluster import (Clusters, final_scores,
                               fullbody_min_match_count, greedy_clusters,
                               keep_mask, merge_clusters, person_score)
from .pose_nms_pairs import (CandidatePairs, candidate_pairs,
                             low_score_mask, match_counts, pair_geometry,
                             prune_radius, score_term, spatial_term)
from .pose_nms_params import PoseNMSParams


class SortedCandidates(NamedTuple):
    """Candidates in sorted space (group, then score desc, then index).

    Attributes:
        perm (np.ndarray): (N,) input index of each position.
        group_end (np.ndarray): (N,) exclusive end position of the group.
        kxy (np.ndarray): (2K, N) joint x (rows 0..K-1) then y, joint-major.
        kx, ky (np.ndarray): (K, N) views of the x and y rows of ``kxy``.
        scores (np.ndarray): (K, N) keypoint scores, zeros replaced.
        bbox_scores (np.ndarray): (N,) box scores.
        wh (np.ndarray): (N, 2) box widths and heights.
        ref (np.ndarray): (N,) ``alpha * max(w, h)``.
        score_thr (float): ``score_thr`` rounded to the scores' precision.
        half_thr (float): ``score_thr / 2`` rounded likewise (fullbody).
    """
    perm: np.ndarray
    group_end: np.ndarray
    kxy: np.ndarray
    kx: np.ndarray
    ky: np.ndarray
    scores: np.ndarray
    bbox_scores: np.ndarray
    wh: np.ndarray
    ref: np.ndarray
    score_thr: float
    half_thr: float


class CoreResult(NamedTuple):
    """Output of :func:`run_pose_nms` (input indices, numpy float64).

    Attributes:
        keep (np.ndarray): (M,) input index of each kept reference.
        keypoints (np.ndarray): (M, K, 2) merged joints.
        keypoint_scores (np.ndarray): (M, K) merged scores.
        scores (np.ndarray): (M,) final person scores.
        clusters (list[np.ndarray]): input indices merged into each pose,
            ascending.
    """
    keep: np.ndarray
    keypoints: np.ndarray
    keypoint_scores: np.ndarray
    scores: np.ndarray
    clusters: List[np.ndarray]


_ROUNDED = {}


def _round_to(value: float, dtype: np.dtype) -> float:
    """``value`` as the nearest number of ``dtype`` (as torch compares)."""
    key = (value, dtype.str)
    if key not in _ROUNDED:
        _ROUNDED[key] = float(np.asarray(value, dtype=dtype))
    return _ROUNDED[key]


def _score_order(human: np.ndarray,
                 group_codes: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Sort order (group, score desc, index) and each position's group end.
    """
    num = human.shape[0]
    if num and group_codes[0] == group_codes[-1] and (
            group_codes == group_codes[0]).all():
        return np.argsort(-human, kind='stable'), np.full(num, num)
    perm = np.lexsort((-human, group_codes))
    groups = group_codes[perm]
    ends = np.flatnonzero(groups[1:] != groups[:-1]) + 1
    ends = np.concatenate([ends, [num]])
    sizes = ends - np.concatenate([[0], ends[:-1]])
    return perm, np.repeat(ends, sizes)


def sort_candidates(params: PoseNMSParams, bboxes: np.ndarray,
                    bbox_scores: np.ndarray, keypoints: np.ndarray,
                    keypoint_scores: np.ndarray, group_codes: np.ndarray,
                    score_dtype: np.dtype) -> SortedCandidates:
    """Replace zero scores, compute human scores and sort the candidates.

    The human score is the mean keypoint score (after the zero
    replacement), as in AlphaPose; ties keep the input order.
    """
    scores = keypoint_scores
    if params.zero_score is not None:
        zero = scores == 0
        if zero.any():
            scores = np.where(zero, _round_to(params.zero_score, score_dtype),
                              scores)
    perm, group_end = _score_order(
        scores.sum(axis=1) / scores.shape[1], group_codes)
    boxes = bboxes.take(perm, axis=0)
    wh = boxes[:, 2:] - boxes[:, :2]
    kpt = keypoints.transpose(2, 1, 0).take(perm, axis=2)
    return SortedCandidates(
        perm=perm,
        group_end=group_end,
        kxy=kpt.reshape(-1, kpt.shape[2]),
        kx=kpt[0],
        ky=kpt[1],
        scores=scores.T.take(perm, axis=1),
        bbox_scores=bbox_scores.take(perm),
        wh=wh,
        ref=params.alpha * wh.max(axis=1),
        score_thr=_round_to(params.score_thr, score_dtype),
        half_thr=_round_to(params.score_thr / 2, score_dtype))


def build_pairs(params: PoseNMSParams,
                cands: SortedCandidates) -> CandidatePairs:
    """Exactly pruned candidate pairs for these parameters."""
    radius = prune_radius(params, cands.ref, cands.wh, cands.kx.shape[0])
    return candidate_pairs(cands.kxy, cands.group_end, radius)


def pair_similarity(params: PoseNMSParams, cands: SortedCandidates,
                    pairs: CandidatePairs) -> np.ndarray:
    """(P,) similarity ``score term + mu * spatial term`` of every pair."""
    gate, q = pair_geometry(params, pairs, cands.ref, cands.wh)
    low = None
    if params.layout == 'fullbody':
        low = low_score_mask(cands.scores, pairs, cands.score_thr)
    tanh_scores = np.tanh(cands.scores / params.delta1)
    return score_term(params, pairs, gate, tanh_scores, low) + \
        params.mu * spatial_term(params, q, low)


def min_count_fn(params: PoseNMSParams,
                 cands: SortedCandidates) -> Callable[[int, int], int]:
    """Fullbody dynamic match threshold ``f(position, num_alive)``."""
    num_valid = (cands.scores > cands.half_thr).sum(axis=0).tolist()
    num_keypoints = cands.kx.shape[0]
    cache = {}

    def min_count(pos: int, num_alive: int) -> int:
        key = (num_alive, num_valid[pos])
        if key not in cache:
            cache[key] = fullbody_min_match_count(params.match_thr,
                                                  num_alive, num_valid[pos],
                                                  num_keypoints)
        return cache[key]

    return min_count


def cluster_candidates(params: PoseNMSParams, cands: SortedCandidates,
                       pairs: CandidatePairs, similarity: np.ndarray,
                       counts: Optional[np.ndarray]) -> Clusters:
    """Greedy clustering from the pair similarity and match counts."""
    suppress = similarity > params.gamma
    num = cands.kx.shape[1]
    if counts is None or params.match_thr is None:
        return greedy_clusters(num, pairs.a, pairs.b, suppress,
                               cands.group_end)
    if params.layout == 'body':
        return greedy_clusters(num, pairs.a, pairs.b,
                               suppress | (counts >= params.match_thr),
                               cands.group_end)
    return greedy_clusters(num, pairs.a, pairs.b, suppress, cands.group_end,
                           counts, min_count_fn(params, cands))


def finish_clusters(params: PoseNMSParams,
                    cands: SortedCandidates,
                    clusters: Clusters,
                    with_clusters: bool = True) -> CoreResult:
    """Merge, filter and score the clusters; map back to input indices.

    ``with_clusters=False`` leaves ``clusters`` empty (saves a Python loop
    over the kept poses when only the merged poses are needed).
    """
    picks, members, bounds = clusters
    num_keypoints = cands.kx.shape[0]
    if picks.size == 0:
        return _empty_core(num_keypoints)
    own_ok = person_score(cands.scores.take(picks, axis=1),
                          params.score_thr_mode) >= cands.score_thr
    mx, my, mc = merge_clusters(params, cands.kxy, cands.scores, cands.ref,
                                picks, members, bounds)
    keep = own_ok & keep_mask(params, cands.score_thr, mx, my, mc)
    kept = np.flatnonzero(keep)
    merged_c = mc[:, kept]
    keypoints = np.empty((kept.size, num_keypoints, 2))
    keypoints[:, :, 0] = mx[:, kept].T
    keypoints[:, :, 1] = my[:, kept].T
    return CoreResult(
        keep=cands.perm[picks[kept]],
        keypoints=keypoints,
        keypoint_scores=merged_c.T,
        scores=final_scores(params, merged_c,
                            cands.bbox_scores[picks[kept]]),
        clusters=_cluster_lists(cands.perm, members, bounds, kept)
        if with_clusters else [])


def _cluster_lists(perm: np.ndarray, members: np.ndarray,
                   bounds: np.ndarray, kept: np.ndarray) -> List[np.ndarray]:
    """Input indices of the kept clusters, each ascending."""
    orig = perm[members]
    ends = bounds.tolist()
    out = []
    for c in kept.tolist():
        piece = orig[ends[c]:ends[c + 1]]
        if piece.size > 1:
            piece = np.sort(piece)
        out.append(piece)
    return out


def _empty_core(num_keypoints: int) -> CoreResult:
    return CoreResult(
        np.zeros(0, dtype=np.int64), np.zeros((0, num_keypoints, 2)),
        np.zeros((0, num_keypoints)), np.zeros(0), [])


def run_pose_nms(params: PoseNMSParams, bboxes: np.ndarray,
                 bbox_scores: np.ndarray, keypoints: np.ndarray,
                 keypoint_scores: np.ndarray, group_codes: np.ndarray,
                 score_dtype: np.dtype) -> CoreResult:
    """Parametric pose NMS on validated float64 numpy arrays.

    Args:
        params (PoseNMSParams): The NMS parameters.
        bboxes (np.ndarray): (N, 4) x1y1x2y2.
        bbox_scores (np.ndarray): (N,).
        keypoints (np.ndarray): (N, K, 2).
        keypoint_scores (np.ndarray): (N, K).
        group_codes (np.ndarray): (N,) int group (image) of each candidate;
            groups never interact.
        score_dtype (np.dtype): Precision of the input scores; score
            thresholds and ``zero_score`` are rounded to it (AlphaPose
            compares float32 tensors with Python floats).
    """
    num_keypoints = keypoints.shape[1]
    if keypoints.shape[0] == 0:
        return _empty_core(num_keypoints)
    cands = sort_candidates(params, bboxes, bbox_scores, keypoints,
                            keypoint_scores, group_codes, score_dtype)
    pairs = build_pairs(params, cands)
    counts = None
    if params.match_thr is not None:
        counts = match_counts(params, pairs, cands.ref)
    if params.layout == 'body' and counts is not None:
        # Pairs the match count already suppresses need no similarity.
        similarity = np.full(pairs.a.shape, np.inf)
        undecided = counts < params.match_thr
        if undecided.any():
            similarity[undecided] = pair_similarity(
                params, cands,
                pairs.subset(undecided,
                             offsets=params.distance_form == 'paper'))
    else:
        similarity = pair_similarity(params, cands, pairs)
    clusters = cluster_candidates(params, cands, pairs, similarity, counts)
    return finish_clusters(params, cands, clusters)
