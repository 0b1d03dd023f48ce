"""Pairwise part of the parametric pose NMS: exact pruning and similarity.

All arrays here live in "sorted space": candidates are ordered by group
(image), then by decreasing human score (ties: input order), so a candidate
can only ever be suppressed by one before it. A pair ``(a, b)`` always has
``a < b`` and ``a`` is the reference.

Pruning is exact: a pair is dropped only when every joint of ``b`` is farther
than a radius ``R_a`` from the same joint of ``a``, where ``R_a`` is chosen so
that no criterion (similarity > gamma, match count) can fire beyond it:
past the gate radius the keypoint term is 0 and the spatial term is bounded by
``mu * W * exp(-R / (delta2 * f_max))``.
"""
import math
from functools import lru_cache
from typing import NamedTuple, Optional, Tuple

import numpy as np

from .pose_nms_params import PoseNMSParams

# Relative and absolute margins added to the pruning radius so that floating
# point rounding of distances can never prune a pair that interacts.
_RADIUS_REL_MARGIN = 1e-9
_RADIUS_ABS_MARGIN = 1e-9
# A single image with at least this many candidates uses the x sweep instead
# of the dense (N, N) box-gap test in stage 1 of the pruning.
_SWEEP_MIN = 48


class CandidatePairs(NamedTuple):
    """Pairs that survived the exact pruning, with their joint geometry.

    Per-joint arrays are joint-major, (K, P), so that reductions over the
    joints are fast row operations.

    Attributes:
        a (np.ndarray): (P,) reference positions.
        b (np.ndarray): (P,) candidate positions, ``b > a``, same group.
        dist (np.ndarray): (K, P) joint distances in pixels.
        dx (np.ndarray): (K, P) x offsets ``x_a - x_b`` (pixels).
        dy (np.ndarray): (K, P) y offsets.
    """
    a: np.ndarray
    b: np.ndarray
    dist: np.ndarray
    dx: np.ndarray
    dy: np.ndarray

    def subset(self, mask: np.ndarray,
               offsets: bool = True) -> 'CandidatePairs':
        """The pairs selected by a (P,) boolean mask (``offsets=False``
        leaves ``dx``/``dy`` empty, for forms that do not use them)."""
        if not offsets:
            empty = self.dist[:0]
            return CandidatePairs(self.a[mask], self.b[mask],
                                  self.dist[:, mask], empty, empty)
        return CandidatePairs(self.a[mask], self.b[mask],
                              self.dist[:, mask], self.dx[:, mask],
                              self.dy[:, mask])


def fullbody_parts(params: PoseNMSParams,
                   num_keypoints: int) -> Tuple[int, int]:
    """Start indices of the face and hand parts of the fullbody similarity.

    Returns:
        tuple[int, int]: ``(face_start, hand_start)``.
    """
    hand_start = num_keypoints - params.num_hand
    face_start = hand_start - params.num_face
    if params.num_face < 1 or params.num_hand < 1 or face_start < 1:
        raise ValueError(
            'layout="fullbody" needs K > num_face + num_hand with num_face, '
            f'num_hand >= 1; got K={num_keypoints}, num_face='
            f'{params.num_face}, num_hand={params.num_hand}')
    return face_start, hand_start


def joint_factors(params: PoseNMSParams, num_keypoints: int) -> np.ndarray:
    """(K,) per-joint distance factors of the spatial term (1 for body)."""
    factors = np.ones(num_keypoints)
    if params.layout == 'fullbody':
        face_start, hand_start = fullbody_parts(params, num_keypoints)
        factors[face_start:hand_start] = params.face_factor
        factors[hand_start:] = params.hand_factor
    return factors


def match_factors(params: PoseNMSParams, num_keypoints: int) -> np.ndarray:
    """(K,) per-joint factors of the match radius (1 for body)."""
    factors = np.ones(num_keypoints)
    if params.layout == 'fullbody':
        b0, b1 = params.match_part_bounds
        factors[b0:b1] = params.face_factor
        factors[b1:] = params.hand_factor
    return factors


def match_radius(params: PoseNMSParams, ref: np.ndarray) -> np.ndarray:
    """``min(ref, match_radius_cap)`` (or ``ref`` without a cap)."""
    if params.match_radius_cap is None:
        return ref
    return np.minimum(ref, params.match_radius_cap)


def merge_radius(params: PoseNMSParams, ref: np.ndarray) -> np.ndarray:
    """``min(ref, merge_radius_cap)`` (or ``ref`` without a cap)."""
    if params.merge_radius_cap is None:
        return ref
    return np.minimum(ref, params.merge_radius_cap)


def spatial_radius(params: PoseNMSParams, num_keypoints: int) -> float:
    """Distance (in the units of the form's spatial term, before the square
    of the paper form) beyond which the spatial term cannot exceed gamma.

    Returns ``inf`` when no finite radius exists (gamma <= 0).
    """
    if params.layout == 'fullbody':
        weight = 1.0 + params.face_weight_dist + params.hand_weight_dist
    else:
        weight = float(num_keypoints)
    top = params.mu * weight
    if top <= params.gamma:
        return 0.0
    if params.gamma <= 0:
        return math.inf
    f_max = float(joint_factors(params, num_keypoints).max())
    return params.delta2 * f_max * math.log(top / params.gamma)


def prune_radius(params: PoseNMSParams, ref: np.ndarray, wh: np.ndarray,
                 num_keypoints: int) -> np.ndarray:
    """(N,) pixel radius per reference beyond which nothing can interact.

    Args:
        params (PoseNMSParams): The NMS parameters.
        ref (np.ndarray): (N,) ``alpha * max(w, h)``.
        wh (np.ndarray): (N, 2) box widths and heights.
        num_keypoints (int): K.
    """
    form = params.distance_form
    spatial = spatial_radius(params, num_keypoints)
    if form == 'pixel':
        scalar = max(params.gate_radius, spatial)
        per_ref = None
    elif form == 'normalised':
        scalar = 0.0
        per_ref = ref * params.gate_radius if math.isinf(spatial) else \
            ref * max(params.gate_radius, spatial)
        if math.isinf(spatial):
            scalar = math.inf
    else:
        scalar = math.sqrt(spatial)
        per_ref = params.gate_box_frac / 2 * wh.max(axis=1)
    if params.match_thr is not None:
        if params.match_thr <= 0:
            scalar = math.inf
        else:
            match = match_radius(params, ref) * float(
                match_factors(params, num_keypoints).max())
            per_ref = match if per_ref is None else np.maximum(
                per_ref, match)
    if per_ref is None:
        radius = np.full(ref.shape, scalar)
    else:
        radius = np.maximum(per_ref, scalar)
    return radius * (1 + _RADIUS_REL_MARGIN) + _RADIUS_ABS_MARGIN


@lru_cache(maxsize=16)
def _upper_triangle(num: int) -> np.ndarray:
    """(num, num) bool mask of the strict upper triangle (read-only)."""
    mask = np.triu(np.ones((num, num), dtype=bool), 1)
    mask.flags.writeable = False
    return mask


def _box_gap_pairs(xmin: np.ndarray, xmax: np.ndarray, ymin: np.ndarray,
                   ymax: np.ndarray, group_end: np.ndarray,
                   radius: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Stage 1: within-group pairs whose keypoint boxes are within R_a."""
    num = xmin.shape[0]
    if group_end[0] == num:
        if num >= _SWEEP_MIN:
            return _sweep_pairs(xmin, xmax, ymin, ymax, radius)
        # Small single group: dense (N, N) test;
        # gap_x(a, b) = max(D[a, b], D[b, a]) with D[a, b] = xmin_b - xmax_a.
        gap = np.maximum(xmin[None, :] - xmax[:, None],
                         xmin[:, None] - xmax[None, :])
        np.maximum(gap, ymin[None, :] - ymax[:, None], out=gap)
        np.maximum(gap, ymin[:, None] - ymax[None, :], out=gap)
        ok = gap <= radius[:, None]
        ok &= _upper_triangle(num)
        flat = np.flatnonzero(ok)
        return flat // num, flat % num
    counts = group_end - 1 - np.arange(num)
    total = int(counts.sum())
    a = np.repeat(np.arange(num), counts)
    starts = np.cumsum(counts) - counts
    b = a + 1 + (np.arange(total) - np.repeat(starts, counts))
    gap = np.maximum(
        np.maximum(xmin[b] - xmax[a], xmin[a] - xmax[b]),
        np.maximum(ymin[b] - ymax[a], ymin[a] - ymax[b]))
    keep = gap <= radius[a]
    return a[keep], b[keep]


def _sweep_pairs(xmin: np.ndarray, xmax: np.ndarray, ymin: np.ndarray,
                 ymax: np.ndarray,
                 radius: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Stage 1 of one large group by sweep and prune along x.

    With the boxes sorted by ``xmin``, the partners ``j > i`` of ``i`` whose
    x-gap can be within ``max(radius)`` are a contiguous run found by
    ``searchsorted``; those candidate pairs then get the exact test.
    Returns pairs ``a < b`` sorted by ``(a, b)``.
    """
    num = xmin.shape[0]
    order = np.argsort(xmin, kind='stable')
    xs = xmin[order]
    end = np.searchsorted(xs, xmax[order] + radius.max(), side='right')
    counts = end - np.arange(1, num + 1)
    i = np.repeat(np.arange(num), counts)
    j = i + 1 + (np.arange(i.size) - np.repeat(np.cumsum(counts) - counts,
                                                counts))
    p, q = order[i], order[j]
    a, b = np.minimum(p, q), np.maximum(p, q)
    gap = np.maximum(
        np.maximum(xmin[b] - xmax[a], xmin[a] - xmax[b]),
        np.maximum(ymin[b] - ymax[a], ymin[a] - ymax[b]))
    keep = np.flatnonzero(gap <= radius[a])
    key = a[keep] * num + b[keep]
    key.sort()
    return key // num, key % num


def candidate_pairs(kxy: np.ndarray, group_end: np.ndarray,
                    radius: np.ndarray) -> CandidatePairs:
    """All within-group pairs ``a < b`` that may interact.

    Stage 1 drops pairs whose keypoint bounding boxes are more than
    ``radius[a]`` apart along x or y (then every joint distance is larger);
    stage 2 drops pairs whose closest joint pair is farther than
    ``radius[a]``. Both are exact.

    Args:
        kxy (np.ndarray): (2K, N) joint x (first K rows) and y in sorted
            space.
        group_end (np.ndarray): (N,) exclusive end position of each
            candidate's group.
        radius (np.ndarray): (N,) pruning radius of each reference.
    """
    num_k = kxy.shape[0] // 2
    num = kxy.shape[1]
    if num < 2:
        idx = np.zeros(0, dtype=np.int64)
        empty = np.zeros((num_k, 0))
        return CandidatePairs(idx, idx, empty, empty, empty)
    kx, ky = kxy[:num_k], kxy[num_k:]
    a, b = _box_gap_pairs(
        kx.min(axis=0), kx.max(axis=0), ky.min(axis=0), ky.max(axis=0),
        group_end, radius)
    rad = radius[a]
    # Stage 2a: some joint must be within the radius along x.
    dx = kx.take(a, axis=1)
    dx -= kx.take(b, axis=1)
    keep = (np.abs(dx) <= rad).any(axis=0)
    if not keep.all():
        a, b, rad, dx = a[keep], b[keep], rad[keep], dx[:, keep]
    # Stage 2b: the closest joint pair must be within the radius.
    dy = ky.take(a, axis=1)
    dy -= ky.take(b, axis=1)
    dist2 = dx * dx
    dist2 += dy * dy
    keep = dist2.min(axis=0) <= rad * rad
    if not keep.all():
        a, b, dx, dy, dist2 = a[keep], b[keep], dx[:, keep], dy[:, keep], \
            dist2[:, keep]
    return CandidatePairs(a, b, np.sqrt(dist2), dx, dy)


def pair_geometry(params: PoseNMSParams, pairs: CandidatePairs,
                  ref: np.ndarray,
                  wh: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Gate mask and spatial distance ``q`` of every joint of every pair.

    The spatial term of a joint is ``exp(-q / (delta2 * factor))`` with
    ``q = dist`` (pixel), ``dist / ref`` (normalised; 0/0 := 0, x/0 := inf)
    or ``dist**2`` (paper).

    Returns:
        tuple: ``gate (K, P) bool`` and ``q (K, P) float``.
    """
    form = params.distance_form
    dist = pairs.dist
    if form == 'pixel':
        return dist <= params.gate_radius, dist
    if form == 'normalised':
        with np.errstate(divide='ignore', invalid='ignore'):
            q = dist / ref[pairs.a]
        q = np.where(dist == 0, 0.0, q)
        return q <= params.gate_radius, q
    half = params.gate_box_frac * wh[pairs.a] / 2
    gate = (np.abs(pairs.dx) <= half[:, 0]) & (np.abs(pairs.dy) <= half[:, 1])
    return gate, dist * dist


def reduce_joints(params: PoseNMSParams, values: np.ndarray,
                  weights: Tuple[float, float]) -> np.ndarray:
    """Sum over joints (body) or weighted part means (fullbody).

    Args:
        params (PoseNMSParams): The NMS parameters.
        values (np.ndarray): (K, P) per-joint terms.
        weights (tuple[float, float]): Face and hand weights (fullbody).
    """
    if params.layout == 'body':
        return values.sum(axis=0)
    face_start, hand_start = fullbody_parts(params, values.shape[0])
    return (values[:face_start].mean(axis=0) +
            values[face_start:hand_start].mean(axis=0) * weights[0] +
            values[hand_start:].mean(axis=0) * weights[1])


def low_score_mask(scores: np.ndarray, pairs: CandidatePairs,
                   score_thr: float) -> np.ndarray:
    """(K, P) fullbody mask: joint score of candidate b below score_thr."""
    return scores.take(pairs.b, axis=1) < score_thr


def score_term(params: PoseNMSParams, pairs: CandidatePairs,
               gate: np.ndarray, tanh_scores: np.ndarray,
               low: Optional[np.ndarray]) -> np.ndarray:
    """(P,) keypoint-match term ``sum gate * tanh(c_a/d1) * tanh(c_b/d1)``.

    Args:
        params (PoseNMSParams): The NMS parameters.
        pairs (CandidatePairs): The pairs.
        gate (np.ndarray): (K, P) gate mask.
        tanh_scores (np.ndarray): (K, N) ``tanh(c / delta1)``.
        low (np.ndarray, optional): (K, P) fullbody mask "score of b below
            score_thr" (only those joints count in this term).
    """
    if low is not None:
        gate = gate & low
    prod = tanh_scores.take(pairs.a, axis=1) * tanh_scores.take(pairs.b,
                                                                axis=1)
    prod[~gate] = 0.0
    return reduce_joints(params,
                         prod, (params.face_weight_score,
                                params.hand_weight_score))


def spatial_term(params: PoseNMSParams, q: np.ndarray,
                 low: Optional[np.ndarray]) -> np.ndarray:
    """(P,) spatial term ``sum exp(-q / (delta2 * factor))``.

    Args:
        params (PoseNMSParams): The NMS parameters.
        q (np.ndarray): (K, P) spatial distances (see :func:`pair_geometry`).
        low (np.ndarray, optional): (K, P) fullbody mask; those joints do
            not count in this term.
    """
    if params.layout == 'body':
        values = np.exp(-q / params.delta2)
    else:
        scale = params.delta2 * joint_factors(params, q.shape[0])
        values = np.exp(-q / scale[:, None])
        values[low] = 0.0
    return reduce_joints(params,
                         values, (params.face_weight_dist,
                                  params.hand_weight_dist))


def match_counts(params: PoseNMSParams, pairs: CandidatePairs,
                 ref: np.ndarray) -> np.ndarray:
    """(P,) number of joints of b within the match radius of a's joints.

    AlphaPose tests ``dist / radius <= factor``; with a zero radius this is
    never true (NaN or inf), not even for coincident joints, and so here.
    """
    rad = match_radius(params, ref)[pairs.a]
    if rad.size and rad.min() > 0:
        ratio = pairs.dist / rad
    else:
        with np.errstate(divide='ignore', invalid='ignore'):
            ratio = pairs.dist / rad
    if params.layout == 'body':
        return np.count_nonzero(ratio <= 1, axis=0)
    factors = match_factors(params, ratio.shape[0])[:, None]
    return np.count_nonzero(ratio <= factors, axis=0)
