"""Straightforward per-pick reference of the parametric pose NMS.

Written from docs/method.md section 3 (AlphaPose master ``pose_nms_body`` /
``pose_nms_fullbody`` semantics) as plainly as possible: a Python loop over
picks, each comparing the reference with every alive pose. It is the ground
truth of the tests and the "loop" column of ``benchmarks/bench_pose_nms.py``;
it shares no code with ``rmpe_mm.evaluation.functional`` (an intentional
oracle: its repeats of the NMS are the point).

Usage::

    from rmpe_mm.testing import reference_pose_nms
    out = reference_pose_nms(bboxes, bbox_scores, keypoints,
                             keypoint_scores, **params)
"""
from typing import Any, Dict, List

import numpy as np

# AlphaPose master pose_nms_body constants (the same defaults as the plugin).
DEFAULTS: Dict[str, Any] = dict(
    delta1=1.0,
    mu=1.7,
    delta2=2.65,
    gamma=22.48,
    alpha=0.1,
    score_thr=0.3,
    score_thr_mode='max',
    match_thr=5.0,
    area_thr=0.0,
    merge_radius_cap=15.0,
    match_radius_cap=7.0,
    distance_form='pixel',
    gate_radius=1.0,
    gate_box_frac=0.1,
    merge_score='weighted',
    zero_score=1e-5,
    max_score_weight=1.25,
    layout='body',
    face_factor=1.9,
    hand_factor=0.55,
    face_weight_score=1.0,
    hand_weight_score=0.1,
    face_weight_dist=1.0,
    hand_weight_dist=1.5,
    num_face=68,
    num_hand=42,
    match_part_bounds=(26, 94))


def _cap(value: float, cap) -> float:
    return value if cap is None else min(value, cap)


def _similarity(p: dict, r: int, others: np.ndarray, kpts: np.ndarray,
                scores: np.ndarray, ref: np.ndarray, wh: np.ndarray,
                thr: float) -> np.ndarray:
    """Similarity of every pose in ``others`` to the reference ``r``."""
    diff = kpts[r][None] - kpts[others]
    dist = np.sqrt(np.sum(diff**2, axis=-1))
    if p['distance_form'] == 'pixel':
        gate, q = dist <= p['gate_radius'], dist
    elif p['distance_form'] == 'normalized':
        with np.errstate(divide='ignore', invalid='ignore'):
            q = np.where(dist == 0, 0.0, dist / ref[r])
        gate = q <= p['gate_radius']
    else:
        half_w = p['gate_box_frac'] * wh[r, 0] / 2
        half_h = p['gate_box_frac'] * wh[r, 1] / 2
        gate = (np.abs(diff[..., 0]) <= half_w) & (
            np.abs(diff[..., 1]) <= half_h)
        q = dist**2
    t_ref = np.tanh(scores[r] / p['delta1'])
    t_oth = np.tanh(scores[others] / p['delta1'])
    if p['layout'] == 'body':
        ksim = np.sum(np.where(gate, t_ref[None] * t_oth, 0.0), axis=1)
        hsim = np.sum(np.exp(-q / p['delta2']), axis=1)
        return ksim + p['mu'] * hsim
    num_k = kpts.shape[1]
    hs = num_k - p['num_hand']
    fs = hs - p['num_face']
    low = scores[others] < thr
    kterm = np.where(gate & low, t_ref[None] * t_oth, 0.0)
    scale = np.full(num_k, p['delta2'])
    scale[fs:hs] *= p['face_factor']
    scale[hs:] *= p['hand_factor']
    point = np.exp(-q / scale)
    point[low] = 0.0

    def parts(x, w_face, w_hand):
        return (x[:, :fs].mean(axis=1) + x[:, fs:hs].mean(axis=1) * w_face +
                x[:, hs:].mean(axis=1) * w_hand)

    return parts(kterm, p['face_weight_score'], p['hand_weight_score']) + \
        p['mu'] * parts(point, p['face_weight_dist'], p['hand_weight_dist'])


def _match(p: dict, r: int, others: np.ndarray, kpts: np.ndarray,
           scores: np.ndarray, ref: np.ndarray, half_thr: float) -> np.ndarray:
    """Boolean "matches the reference" of every pose in ``others``."""
    if p['match_thr'] is None:
        return np.zeros(len(others), dtype=bool)
    dist = np.sqrt(np.sum((kpts[r][None] - kpts[others])**2, axis=-1))
    radius = _cap(ref[r], p['match_radius_cap'])
    with np.errstate(divide='ignore', invalid='ignore'):
        ratio = dist / radius
    if p['layout'] == 'body':
        return np.sum(ratio <= 1, axis=1) >= p['match_thr']
    num_k = kpts.shape[1]
    num_valid = int(np.sum(scores[r] > half_thr))
    if num_valid == 0:
        value = np.zeros(len(others), dtype=np.float32)
    else:
        b0, b1 = p['match_part_bounds']
        count = (
            np.sum(ratio[:, :b0] <= 1, axis=1) +
            np.sum(ratio[:, b0:b1] <= p['face_factor'], axis=1) +
            np.sum(ratio[:, b1:] <= p['hand_factor'], axis=1))
        denom = np.float32(2 * len(others) * num_valid)
        value = count.astype(np.float32) / denom / np.float32(2)
        value = value * np.float32(num_k)
    return value >= np.float32(p['match_thr'])


def _merge(p: dict, r: int, cluster: np.ndarray, kpts: np.ndarray,
           scores: np.ndarray, ref: np.ndarray):
    """AlphaPose ``p_merge_fast``: score-weighted merge around ``r``."""
    dist = np.sqrt(np.sum((kpts[r][None] - kpts[cluster])**2, axis=-1))
    mask = dist <= _cap(ref[r], p['merge_radius_cap'])
    masked = scores[cluster] * mask
    total = masked.sum(axis=0)
    pose = kpts[r].copy()
    score = np.zeros(kpts.shape[1])
    for n in range(kpts.shape[1]):
        if total[n] == 0:
            continue
        normed = masked[:, n] / total[n]
        pose[n] = np.sum(kpts[cluster, n] * normed[:, None], axis=0)
        if p['merge_score'] == 'weighted':
            score[n] = np.sum(masked[:, n] * normed)
        else:
            score[n] = np.max(scores[cluster, n][mask[:, n]])
    return pose, score


def _person(values: np.ndarray, mode: str) -> float:
    return float(values.max() if mode == 'max' else values.mean())


def reference_pose_nms(bboxes: np.ndarray,
                       bbox_scores: np.ndarray,
                       keypoints: np.ndarray,
                       keypoint_scores: np.ndarray,
                       score_dtype=np.float64,
                       **params: Any) -> Dict[str, Any]:
    """Per-pick loop pose NMS of one image (see the module docstring).

    Args:
        bboxes (np.ndarray): (N, 4) x1y1x2y2.
        bbox_scores (np.ndarray): (N,).
        keypoints (np.ndarray): (N, K, 2).
        keypoint_scores (np.ndarray): (N, K).
        score_dtype: precision the score thresholds are rounded to.
        **params: Overrides of :data:`DEFAULTS`.

    Returns:
        dict: ``keep`` (list), ``keypoints`` (M, K, 2), ``keypoint_scores``
        (M, K), ``scores`` (M,), ``clusters`` (list of sorted index arrays).
    """
    p = dict(DEFAULTS)
    p.update(params)
    kpts = np.array(keypoints, dtype=np.float64)
    scores = np.array(keypoint_scores, dtype=np.float64)
    boxes = np.array(bboxes, dtype=np.float64).reshape(-1, 4)
    rnd = lambda v: float(np.asarray(v, dtype=score_dtype))  # noqa: E731
    if p['zero_score'] is not None:
        scores[scores == 0] = rnd(p['zero_score'])
    thr, half_thr = rnd(p['score_thr']), rnd(p['score_thr'] / 2)
    wh = boxes[:, 2:] - boxes[:, :2]
    ref = p['alpha'] * np.maximum(wh[:, 0], wh[:, 1])
    human = scores.mean(axis=1)
    alive = np.ones(len(kpts), dtype=bool)
    picks: List[int] = []
    clusters: List[np.ndarray] = []
    while alive.any():
        others = np.flatnonzero(alive)
        r = int(others[np.argmax(human[others])])
        sim = _similarity(p, r, others, kpts, scores, ref, wh, thr)
        match = _match(p, r, others, kpts, scores, ref, half_thr)
        cluster = others[(sim > p['gamma']) | match]
        cluster = np.union1d(cluster, [r]).astype(np.int64)
        alive[cluster] = False
        picks.append(r)
        clusters.append(cluster)
    return _finish(p, picks, clusters, kpts, scores, ref,
                   np.asarray(bbox_scores, dtype=np.float64), thr)


def _finish(p, picks, clusters, kpts, scores, ref, bbox_scores, thr):
    out = dict(
        keep=[], keypoints=[], keypoint_scores=[], scores=[], clusters=[])
    for r, cluster in zip(picks, clusters):
        if _person(scores[r], p['score_thr_mode']) < thr:
            continue
        pose, score = _merge(p, r, cluster, kpts, scores, ref)
        if _person(score, p['score_thr_mode']) < thr:
            continue
        area = 1.5**2 * (pose[:, 0].max() - pose[:, 0].min()) * (
            pose[:, 1].max() - pose[:, 1].min())
        if area < p['area_thr']:
            continue
        out['keep'].append(r)
        out['keypoints'].append(pose)
        out['keypoint_scores'].append(score)
        out['scores'].append(score.mean() + bbox_scores[r] +
                             p['max_score_weight'] * score.max())
        out['clusters'].append(cluster)
    num_k = kpts.shape[1]
    out['keypoints'] = np.array(out['keypoints']).reshape(-1, num_k, 2)
    out['keypoint_scores'] = np.array(out['keypoint_scores']).reshape(
        -1, num_k)
    out['scores'] = np.array(out['scores'])
    return out
