"""The vectorised pose NMS against the per-pick loop reference.

Thousands of random crowded images (clusters of jittered duplicates plus
false positives, a few exact-zero scores): identical picks and clusters,
merged values within 1e-4, for every preset and distance form.
"""
import numpy as np
import pytest
import torch

from rmpe_mm.evaluation.functional import (batched_parametric_pose_nms,
                                           parametric_pose_nms,
                                           resolve_pose_nms_params)
from rmpe_mm.testing import case_with_size, crowded_case, reference_pose_nms


def assert_same(ours, ref, atol=1e-4):
    assert np.asarray(ours.keep).tolist() == list(ref['keep'])
    assert len(ours.clusters) == len(ref['clusters'])
    for mine, theirs in zip(ours.clusters, ref['clusters']):
        assert np.asarray(mine).tolist() == list(theirs)
    np.testing.assert_allclose(
        np.asarray(ours.keypoints), ref['keypoints'], atol=atol, rtol=0)
    np.testing.assert_allclose(
        np.asarray(ours.keypoint_scores),
        ref['keypoint_scores'],
        atol=atol,
        rtol=0)
    np.testing.assert_allclose(
        np.asarray(ours.scores), ref['scores'], atol=atol, rtol=0)


def compare_many(preset, num_cases, seed, num_keypoints=17, **overrides):
    """Compare on ``num_cases`` images; return (picks, merged clusters)."""
    rng = np.random.default_rng(seed)
    params = resolve_pose_nms_params(preset, **overrides)
    picks = merged = 0
    for _ in range(num_cases):
        case = crowded_case(rng, num_keypoints=num_keypoints)
        ours = parametric_pose_nms(*case, preset, **overrides)
        ref = reference_pose_nms(*case, **params.to_dict())
        assert_same(ours, ref)
        picks += len(ours.keep)
        merged += sum(len(c) > 1 for c in ours.clusters)
    return picks, merged


def test_alphapose_body_matches_loop_on_thousands_of_images():
    picks, merged = compare_many('alphapose_body', 1300, seed=0)
    # The cases are crowded: most kept poses absorbed duplicates.
    assert merged > 0.5 * picks > 1000


@pytest.mark.parametrize('preset, num_k, overrides, seed', [
    ('paper_mpii', 16, {}, 1),
    ('alphapose_body', 17, dict(distance_form='paper'), 2),
    ('alphapose_body', 17, dict(distance_form='normalized'), 3),
    ('alphapose_body', 26, dict(mu=0.6, gamma=6.0, match_thr=3), 4),
    ('alphapose_body', 17, dict(
        match_thr=None, score_thr=0.05, area_thr=500.0), 5),
    ('alphapose_body', 1, {}, 6),
    ('alphapose_body', 17, dict(merge_score='max', score_thr_mode='mean'), 7),
])
def test_other_settings_match_loop(preset, num_k, overrides, seed):
    picks, _ = compare_many(preset, 100, seed, num_k, **overrides)
    assert picks > 0


def test_large_images_match_loop():
    """Sizes of the benchmark, where stage 1 of the pruning sweeps along x.
    """
    rng = np.random.default_rng(10)
    for size in (60, 120, 250):
        for _ in range(3):
            case = case_with_size(rng, size)
            assert_same(parametric_pose_nms(*case), reference_pose_nms(*case))


@pytest.mark.parametrize('num_k', [133, 136])
def test_fullbody_matches_loop(num_k):
    compare_many('alphapose_fullbody', 25, seed=num_k, num_keypoints=num_k)


def test_float32_torch_inputs_match_loop_with_rounded_thresholds():
    rng = np.random.default_rng(8)
    params = resolve_pose_nms_params('alphapose_fullbody').to_dict()
    for _ in range(25):
        case = crowded_case(rng, num_keypoints=136)
        case32 = [x.astype(np.float32) for x in case]
        ours = parametric_pose_nms(*[torch.from_numpy(x) for x in case32],
                                   'alphapose_fullbody')
        ref = reference_pose_nms(*case32, score_dtype=np.float32, **params)
        assert ours.keypoints.dtype == torch.float32
        assert_same(ours, ref, atol=1e-3)


def test_batched_equals_per_image():
    rng = np.random.default_rng(9)
    cases = [crowded_case(rng) for _ in range(30)]
    ids = np.concatenate([[100 - i] * len(c[0]) for i, c in enumerate(cases)])
    flat = [np.concatenate([c[j] for c in cases]) for j in range(4)]
    out = batched_parametric_pose_nms(*flat, ids)
    offsets = np.cumsum([0] + [len(c[0]) for c in cases])
    expected_keep, expected_kpts = [], []
    for i in reversed(range(len(cases))):  # ascending image id
        single = parametric_pose_nms(*cases[i])
        expected_keep += (single.keep + offsets[i]).tolist()
        expected_kpts.append(single.keypoints)
    assert out.keep.tolist() == expected_keep
    np.testing.assert_array_equal(out.image_ids, ids[out.keep])
    np.testing.assert_allclose(out.keypoints, np.concatenate(expected_kpts))
    for cluster, k in zip(out.clusters, out.keep):
        assert k in cluster and (ids[cluster] == ids[k]).all()


def test_paper_gate_box_corner_is_not_pruned():
    """The paper form's gate box reaches ``gate_box_frac / 2 * hypot(w, h)``
    from the reference joint, farther than ``gate_box_frac / 2 * max(w, h)``
    and than the match radius: a pair whose joints all sit near the box
    corner interacts through the keypoint term only and must be kept by the
    pruning."""
    kpts = np.stack([np.linspace(20, 180, 17), np.linspace(10, 190, 17)], 1)
    boxes = np.array([[0.0, 0.0, 200.0, 200.0]] * 2)
    keypoints = np.stack([kpts, kpts + 9.0])  # 12.7 px: inside the 10x10 box
    scores = np.full((2, 17), 0.9)
    args = (boxes, np.array([0.9, 0.8]), keypoints, scores)
    params = resolve_pose_nms_params(distance_form='paper', gamma=5.0)
    ref = reference_pose_nms(*args, **params.to_dict())
    assert list(ref['keep']) == [0] and list(ref['clusters'][0]) == [0, 1]
    assert_same(parametric_pose_nms(*args, params), ref)
