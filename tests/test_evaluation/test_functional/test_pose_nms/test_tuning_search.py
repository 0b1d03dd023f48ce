"""The cached tuning problem, the coordinate search and the dump loader."""
import pickle

import numpy as np
import pytest

from rmpe_mm.evaluation.functional import (batched_parametric_pose_nms,
                                           resolve_pose_nms_params)
from rmpe_mm.evaluation.functional.pose_nms.tuning import (
    PoseNMSTuningProblem, coordinate_search, load_pose_dump, rescore)
from rmpe_mm.testing import crowded_case


def many_images(seed, num_images=40, num_keypoints=17):
    rng = np.random.default_rng(seed)
    cases = [
        crowded_case(rng, num_keypoints=num_keypoints)
        for _ in range(num_images)
    ]
    ids = np.concatenate([[i] * len(c[0]) for i, c in enumerate(cases)])
    flat = [np.concatenate([c[j] for c in cases]) for j in range(4)]
    flat[3] = flat[3].astype(np.float32)
    return flat, ids


@pytest.mark.parametrize('preset, num_k', [('alphapose_body', 17),
                                           ('paper_mpii', 16),
                                           ('alphapose_fullbody', 136)])
def test_problem_equals_batched_nms_for_every_setting(preset, num_k):
    (boxes, bs, kpts, scores), ids = many_images(0, 25 if num_k > 17 else 40,
                                                 num_k)
    base = resolve_pose_nms_params(preset)
    problem = PoseNMSTuningProblem(base, boxes, bs, kpts, scores, ids)
    settings = [
        dict(),
        dict(delta1=0.5, mu=1.2),
        dict(delta2=6.0, gamma=10.0),  # needs a larger pruning radius
        dict(score_thr=0.5, area_thr=2000.0),
        dict(mu=4.0, gamma=2.0, max_score_weight=0.5),
    ]
    if base.match_thr is not None:
        settings.append(dict(match_thr=2.0))
    for values in settings:
        params = problem.params(**values)
        got = problem.run(params)
        want = batched_parametric_pose_nms(boxes, bs, kpts, scores, ids,
                                           params)
        assert got.keep.tolist() == want.keep.tolist(), values
        np.testing.assert_allclose(got.keypoints, want.keypoints, atol=1e-9)
        np.testing.assert_allclose(got.scores, want.scores, atol=1e-9)
    with pytest.raises(ValueError, match="cannot tune \\['alpha'\\]"):
        problem.params(alpha=0.2)


def test_rescore_modes_follow_coco_metric():
    (boxes, bs, kpts, scores), ids = many_images(1, 5)
    problem = PoseNMSTuningProblem(resolve_pose_nms_params(), boxes, bs, kpts,
                                   scores, ids)
    out = problem.run(problem.params())
    box = bs[out.keep]
    ks = out.keypoint_scores
    np.testing.assert_allclose(rescore('alphapose', out, bs), out.scores)
    np.testing.assert_allclose(rescore('bbox', out, bs), box)
    np.testing.assert_allclose(rescore('keypoint', out, bs), ks.mean(1))
    np.testing.assert_allclose(
        rescore('bbox_rle', out, bs), box + ks.mean(1) + ks.max(1))
    expected = [
        b * (np.mean(k[k > 0.2]) if (k > 0.2).any() else 0.0)
        for b, k in zip(box, ks)
    ]
    np.testing.assert_allclose(rescore('bbox_keypoint', out, bs), expected)
    with pytest.raises(ValueError, match='unknown score mode'):
        rescore('oks', out, bs)


def test_coordinate_search_converges_on_a_toy_objective():
    calls = []

    def objective(v):
        calls.append(dict(v))
        return -(np.log(v['a'] / 4.0)**2) - (v['b'] - 3.0)**2 - (np.log(
            v['c'] / 0.5))**2

    rounds = []
    best, score, history = coordinate_search(
        objective,
        dict(a=1.0, b=1.0, c=1.0), [('a', 'b'), ('c', 'b')],
        dict(b=[0.0, 1.0, 2.0, 3.0, 4.0]), (0.5, 0.7, 1.0, 1.4, 2.0),
        max_rounds=20,
        progress=False,
        on_round=rounds.append)
    assert best['b'] == 3.0
    assert best['a'] == pytest.approx(4.0) and best['c'] == pytest.approx(0.5)
    assert score == pytest.approx(0.0, abs=1e-12)
    assert history[-1]['score_after'] == score
    assert [r['round'] for r in history] == sorted(r['round'] for r in history)
    # the last round brought nothing, earlier ones did
    last = history[-1]['round']
    assert all(r['score_after'] == r['score_before'] for r in history
               if r['round'] == last)
    assert len(rounds) == last
    # repeated parameter sets are evaluated once
    assert len(calls) == len({tuple(sorted(c.items())) for c in calls})


def test_load_pose_dump(tmp_path):
    sample = dict(
        id=0,
        img_id=5,
        pred_instances=dict(
            keypoints=np.zeros((1, 17, 2), np.float32),
            keypoint_scores=np.ones((1, 17), np.float32),
            bboxes=np.array([[0, 0, 10, 10]], np.float32),
            bbox_scores=np.ones(1, np.float32)))
    other = dict(sample, id=1, img_id=6)
    path = tmp_path / 'dump.pkl'
    with open(path, 'wb') as f:
        pickle.dump([sample, other, sample], f)  # padded duplicate
    data = load_pose_dump(str(path))
    assert data['image_ids'].tolist() == [5, 6]
    assert data['keypoints'].shape == (2, 17, 2)
    assert data['keypoint_scores'].dtype == np.float32
    with open(path, 'wb') as f:
        pickle.dump([dict(id=0, img_id=5)], f)
    with pytest.raises(ValueError, match='no pred_instances with bboxes'):
        load_pose_dump(str(path))


def test_problem_checks_its_inputs():
    (boxes, bs, kpts, scores), ids = many_images(2, 3)
    kpts = kpts.copy()
    kpts[1, 2, 0] = np.nan
    with pytest.raises(ValueError, match='`keypoints` must be finite'):
        PoseNMSTuningProblem(resolve_pose_nms_params(), boxes, bs, kpts,
                             scores, ids)
