"""Property tests of the parametric pose NMS (hypothesis)."""
import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from rmpe_mm.evaluation.functional import parametric_pose_nms

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def _floats(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, width=64)


@st.composite
def crowded_poses(draw, max_n=12):
    """Poses, some of them jittered copies of others."""
    n = draw(st.integers(1, max_n))
    k = draw(st.integers(1, 10))
    centers = draw(arrays(np.float64, (n, 2), elements=_floats(0, 150)))
    kpts = centers[:, None] + draw(
        arrays(np.float64, (n, k, 2), elements=_floats(-30, 30)))
    for i in range(1, n):
        if draw(st.booleans()):
            src = draw(st.integers(0, i - 1))
            jitter = draw(_floats(0, 4))
            kpts[i] = kpts[src] + jitter * draw(
                arrays(np.float64, (k, 2), elements=_floats(-1, 1)))
    scores = draw(arrays(np.float64, (n, k), elements=_floats(0, 1)))
    size = draw(arrays(np.float64, (n, 2), elements=_floats(0, 120)))
    boxes = np.concatenate([centers - size / 2, centers + size / 2], axis=1)
    bbox_scores = draw(arrays(np.float64, (n, ), elements=_floats(0, 1)))
    return boxes, bbox_scores, kpts, scores


@pytest.mark.parametrize('preset', ['alphapose_body', 'paper_mpii'])
@SETTINGS
@given(data=crowded_poses(), seed=st.integers(0, 2**31 - 1))
def test_permutation_does_not_change_the_kept_set(preset, data, seed):
    boxes, bbox_scores, kpts, scores = data
    # Distinct human scores: ties are broken by input order by design.
    assume(np.unique(scores.mean(axis=1)).size == len(scores))
    perm = np.random.default_rng(seed).permutation(len(boxes))
    base = parametric_pose_nms(boxes, bbox_scores, kpts, scores, preset)
    permuted = parametric_pose_nms(boxes[perm], bbox_scores[perm], kpts[perm],
                                   scores[perm], preset)
    mapped = perm[permuted.keep]
    assert sorted(mapped.tolist()) == sorted(base.keep.tolist())
    order = np.argsort(mapped)
    np.testing.assert_allclose(permuted.keypoints[order],
                               base.keypoints[np.argsort(base.keep)])
    clusters = [sorted(perm[c].tolist()) for c in permuted.clusters]
    assert sorted(clusters) == sorted(c.tolist() for c in base.clusters)


@pytest.mark.parametrize('preset', ['alphapose_body', 'paper_mpii'])
@SETTINGS
@given(
    n=st.integers(1, 10), k=st.integers(1, 17), seed=st.integers(0, 2**31 - 1))
def test_well_separated_poses_all_survive(preset, n, k, seed):
    rng = np.random.default_rng(seed)
    centers = np.stack([np.arange(n) * 1000.0, rng.uniform(0, 50, n)], 1)
    kpts = centers[:, None] + rng.uniform(-40, 40, (n, k, 2))
    scores = rng.uniform(0.31, 1.0, (n, k))
    size = rng.uniform(0, 100, (n, 2))
    boxes = np.concatenate([centers - size / 2, centers + size / 2], axis=1)
    out = parametric_pose_nms(boxes, rng.uniform(0, 1, n), kpts, scores,
                              preset)
    assert sorted(out.keep.tolist()) == list(range(n))
    assert all(len(c) == 1 for c in out.clusters)
    np.testing.assert_allclose(out.keypoints, kpts[out.keep], rtol=1e-12)


@SETTINGS
@given(
    copies=st.integers(2, 8),
    k=st.integers(5, 17),
    others=st.integers(0, 4),
    seed=st.integers(0, 2**31 - 1))
def test_exact_duplicates_collapse_to_one(copies, k, others, seed):
    rng = np.random.default_rng(seed)
    pose = rng.uniform(0, 100, (k, 2))
    score = rng.uniform(0, 1, k)
    # above the 0.3 score threshold even after merging: the merged score
    # of n copies of exactly 0.3 can round just below it
    score[0] = max(score[0], 0.31)
    box = np.array([0.0, 0.0, rng.uniform(1, 150), rng.uniform(1, 150)])
    far = pose[None] + 1000.0 * np.arange(1, others + 1)[:, None, None]
    kpts = np.concatenate([np.repeat(pose[None], copies, 0), far])
    scores = np.concatenate(
        [np.repeat(score[None], copies, 0),
         np.full((others, k), 0.9)])
    boxes = np.repeat(box[None], copies + others, 0)
    order = rng.permutation(copies + others)
    out = parametric_pose_nms(boxes[order], np.full(len(order), 0.5),
                              kpts[order], scores[order])
    inverse = np.argsort(order)
    dup_positions = sorted(inverse[:copies].tolist())
    kept_dups = [c for c in out.clusters if c.tolist() == dup_positions]
    assert len(kept_dups) == 1
    assert len(out.keep) == 1 + others
    i = [c.tolist() for c in out.clusters].index(dup_positions)
    assert out.keep[i] == dup_positions[0]  # ties keep input order
    np.testing.assert_allclose(out.keypoints[i], pose, rtol=1e-12)
    np.testing.assert_allclose(out.keypoint_scores[i], score, rtol=1e-12)


@SETTINGS
@given(data=crowded_poses(), as_torch=st.booleans(), f32=st.booleans())
def test_inputs_are_unchanged(data, as_torch, f32):
    boxes, bbox_scores, kpts, scores = data
    scores = scores.copy()
    scores[:, 0] = 0.0  # AlphaPose replaces zeros in place
    arrays_in = [boxes, bbox_scores, kpts, scores]
    if f32:
        arrays_in = [a.astype(np.float32) for a in arrays_in]
    if as_torch:
        arrays_in = [torch.from_numpy(a) for a in arrays_in]
    copies = [a.clone() if as_torch else a.copy() for a in arrays_in]
    parametric_pose_nms(*arrays_in)
    parametric_pose_nms(*arrays_in, 'paper_mpii', zero_score=None)
    for before, after in zip(copies, arrays_in):
        if as_torch:
            assert torch.equal(before, after)
        else:
            np.testing.assert_array_equal(before, after)
