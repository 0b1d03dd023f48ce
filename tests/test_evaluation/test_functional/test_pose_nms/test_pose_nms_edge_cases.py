"""Edge cases, errors, presets, input kinds and the config object."""
import json

import numpy as np
import pytest
import torch

from rmpe_mm.evaluation.functional import (POSE_NMS_PRESETS, ParametricPoseNMS,
                                           PoseNMSParams,
                                           batched_parametric_pose_nms,
                                           parametric_pose_nms,
                                           resolve_pose_nms_params)


def one_pose(k=17, score=0.9, offset=0.0):
    kpts = np.stack([np.linspace(0, 60, k), np.linspace(0, 120, k)], 1)
    return (np.array([[0.0, 0.0, 60.0, 120.0]]) + offset, np.array([0.8]),
            kpts[None] + offset, np.full((1, k), score))


def stack(*cases):
    return [np.concatenate(parts) for parts in zip(*cases)]


def test_empty_input():
    out = parametric_pose_nms(
        np.zeros((0, 4)), np.zeros(0), np.zeros((0, 17, 2)), np.zeros((0, 17)))
    assert out.keep.shape == (0, ) and out.keypoints.shape == (0, 17, 2)
    assert out.keypoint_scores.shape == (0, 17) and out.scores.shape == (0, )
    assert out.clusters == [] and len(out) == 0
    batched = batched_parametric_pose_nms(
        np.zeros((0, 4)), np.zeros(0), np.zeros((0, 5, 2)), np.zeros((0, 5)),
        np.zeros(0, dtype=int))
    assert batched.keypoints.shape == (0, 5, 2)


def test_single_pose_is_kept_unchanged_with_alphapose_score():
    boxes, bs, kpts, scores = one_pose()
    out = parametric_pose_nms(boxes, bs, kpts, scores)
    assert out.keep.tolist() == [0] and out.clusters[0].tolist() == [0]
    np.testing.assert_allclose(out.keypoints, kpts)
    np.testing.assert_allclose(out.keypoint_scores, scores)
    np.testing.assert_allclose(out.scores, [0.9 + 0.8 + 1.25 * 0.9])


def test_single_keypoint():
    boxes, bs, kpts, scores = stack(one_pose(1), one_pose(1, 0.5))
    out = parametric_pose_nms(boxes, bs, kpts, scores)
    # K = 1 < match_thr and mu * 1 < gamma: coincident poses do not
    # suppress each other with the AlphaPose constants.
    assert out.keep.tolist() == [0, 1]
    out = parametric_pose_nms(boxes, bs, kpts, scores, match_thr=1)
    assert out.keep.tolist() == [0] and out.clusters[0].tolist() == [0, 1]


def test_all_zero_scores():
    boxes, bs, kpts, _ = stack(one_pose(), one_pose(offset=500.0))
    zeros = np.zeros((2, 17))
    assert len(parametric_pose_nms(boxes, bs, kpts, zeros)) == 0
    kept = parametric_pose_nms(boxes, bs, kpts, zeros, score_thr=0.0)
    assert kept.keep.tolist() == [0, 1]
    np.testing.assert_allclose(kept.keypoint_scores, 1e-5)
    # Without the replacement the merge weights are zero: the reference's
    # joints are kept, with score 0.
    raw = parametric_pose_nms(
        boxes, bs, kpts, zeros, score_thr=0.0, zero_score=None)
    np.testing.assert_allclose(raw.keypoints, kpts)
    np.testing.assert_array_equal(raw.keypoint_scores, 0.0)


def test_coincident_poses_collapse_into_the_first():
    case = one_pose()
    boxes, bs, kpts, scores = stack(case, case, case)
    out = parametric_pose_nms(boxes, bs, kpts, scores)
    assert out.keep.tolist() == [0] and out.clusters[0].tolist() == [0, 1, 2]
    np.testing.assert_allclose(out.keypoints[0], kpts[0])


def test_zero_size_boxes():
    boxes, bs, kpts, scores = stack(one_pose(), one_pose())
    boxes = np.zeros((2, 4))
    kpts = kpts.copy()
    kpts[1] += 0.5  # within the 1-pixel gate, not coincident
    out = parametric_pose_nms(boxes, bs, kpts, scores)
    # ref = 0: no joint matches (AlphaPose's 0/0); the similarity (gate and
    # spatial terms) still suppresses; only coincident joints merge.
    assert out.keep.tolist() == [0] and out.clusters[0].tolist() == [0, 1]
    np.testing.assert_allclose(out.keypoints[0], kpts[0])
    out = parametric_pose_nms(boxes, bs, kpts, scores, gamma=1e3)
    assert out.keep.tolist() == [0, 1]


@pytest.mark.parametrize(
    'name', ['bboxes', 'bbox_scores', 'keypoints', 'keypoint_scores'])
@pytest.mark.parametrize('bad', [np.nan, np.inf, -np.inf])
def test_non_finite_inputs_raise_naming_the_input(name, bad):
    args = dict(
        zip(['bboxes', 'bbox_scores', 'keypoints', 'keypoint_scores'],
            stack(one_pose(), one_pose())))
    args[name] = args[name].copy()
    args[name].reshape(-1)[-1] = bad
    with pytest.raises(ValueError, match=f'`{name}` must be finite'):
        parametric_pose_nms(**args)


@pytest.mark.parametrize('name, shape', [('bboxes', (2, 5)),
                                         ('bbox_scores', (3, )),
                                         ('keypoint_scores', (2, 16)),
                                         ('keypoints', (2, 17, 3))])
def test_shape_mismatch_raises_naming_the_input(name, shape):
    args = dict(
        zip(['bboxes', 'bbox_scores', 'keypoints', 'keypoint_scores'],
            stack(one_pose(), one_pose())))
    args[name] = np.zeros(shape)
    with pytest.raises(ValueError, match=f'`{name}` must have shape'):
        parametric_pose_nms(**args)


def test_negative_box_size_raises():
    boxes, bs, kpts, scores = stack(one_pose(), one_pose())
    boxes[1] = [10, 10, 5, 20]
    with pytest.raises(ValueError, match='`bboxes`.*negative size at index 1'):
        parametric_pose_nms(boxes, bs, kpts, scores)


def test_batched_image_ids_shape_raises():
    with pytest.raises(ValueError, match='`image_ids` must have shape'):
        batched_parametric_pose_nms(*one_pose(), np.zeros(2))


def test_bad_parameters_raise():
    with pytest.raises(ValueError, match='`preset` must be one of'):
        parametric_pose_nms(*one_pose(), 'nope')
    with pytest.raises(ValueError, match="parameter.*'sigma'"):
        parametric_pose_nms(*one_pose(), sigma=1.0)
    with pytest.raises(ValueError, match='`delta2` must be > 0'):
        resolve_pose_nms_params(delta2=0.0)
    with pytest.raises(ValueError, match='`distance_form` must be one of'):
        resolve_pose_nms_params(distance_form='squared')
    with pytest.raises(ValueError, match='`gamma` must be a finite number'):
        resolve_pose_nms_params(gamma=float('nan'))
    with pytest.raises(ValueError, match='layout="fullbody" needs K'):
        parametric_pose_nms(*stack(one_pose(), one_pose()),
                            'alphapose_fullbody')


def test_presets_hold_the_published_constants():
    body = resolve_pose_nms_params()
    assert (body.delta1, body.mu, body.delta2, body.gamma, body.alpha,
            body.score_thr, body.match_thr, body.area_thr,
            body.merge_radius_cap, body.match_radius_cap,
            body.zero_score) == (1, 1.7, 2.65, 22.48, 0.1, 0.3, 5, 0, 15, 7,
                                 1e-5)
    mpii = resolve_pose_nms_params('paper_mpii')
    assert (mpii.delta1, mpii.mu, mpii.delta2, mpii.gamma, mpii.match_thr,
            mpii.distance_form, mpii.merge_score,
            mpii.score_thr_mode) == (0.01, 2.08, 2.08, 22.48, None,
                                     'normalized', 'max', 'mean')
    full = resolve_pose_nms_params('alphapose_fullbody')
    assert (full.delta1, full.mu, full.delta2, full.gamma, full.alpha,
            full.score_thr, full.match_thr,
            full.layout) == (1.0, 1.65, 8.0, 3.6, 0.15, 0.01, 3, 'fullbody')
    assert set(POSE_NMS_PRESETS) == {
        'alphapose_body', 'paper_mpii', 'alphapose_fullbody'
    }


def test_numpy_float32_and_torch_outputs_keep_kind_and_dtype():
    case = stack(one_pose(), one_pose(offset=1.0), one_pose(offset=300.0))
    ref = parametric_pose_nms(*case)
    out32 = parametric_pose_nms(*[c.astype(np.float32) for c in case])
    assert out32.keypoints.dtype == np.float32
    assert out32.keep.dtype == np.int64
    t = parametric_pose_nms(*[torch.from_numpy(c) for c in case])
    assert isinstance(t.keep, torch.Tensor) and t.keep.dtype == torch.int64
    assert t.keypoints.dtype == torch.float64
    assert all(isinstance(c, torch.Tensor) for c in t.clusters)
    assert t.keep.tolist() == ref.keep.tolist()
    np.testing.assert_allclose(t.keypoints.numpy(), ref.keypoints)
    grad = [torch.from_numpy(c).float().requires_grad_() for c in case]
    out = parametric_pose_nms(*grad)
    assert out.keypoints.dtype == torch.float32
    assert out.keypoints.device == grad[2].device
    assert not out.keypoints.requires_grad


def test_parametric_pose_nms_object(tmp_path):
    from mmpose.registry import TASK_UTILS
    nms = TASK_UTILS.build(dict(type='ParametricPoseNMS', preset='paper_mpii'))
    assert isinstance(nms, ParametricPoseNMS)
    assert nms.params == resolve_pose_nms_params('paper_mpii')
    tuned = tmp_path / 'tuned.json'
    tuned.write_text(
        json.dumps(
            dict(preset='alphapose_body', params=dict(gamma=10.0, mu=2.0))))
    nms = ParametricPoseNMS(params_file=str(tuned), mu=3.0)
    assert (nms.params.gamma, nms.params.mu) == (10.0, 3.0)  # overrides last
    assert 'gamma' in repr(nms)
    with pytest.raises(ValueError, match="tuned from preset 'alphapose_body'"):
        ParametricPoseNMS(preset='paper_mpii', params_file=str(tuned))
    flat = tmp_path / 'flat.json'
    flat.write_text(json.dumps(dict(delta2=4.0)))
    assert ParametricPoseNMS(params_file=str(flat)).params.delta2 == 4.0
    with pytest.raises(FileNotFoundError, match='`params_file`'):
        ParametricPoseNMS(params_file=str(tmp_path / 'missing.json'))
    case = stack(one_pose(), one_pose(offset=1.0))
    single = nms(*case)
    batched = nms(*case, image_ids=np.array([7, 7]))
    assert single.keep.tolist() == batched.keep.tolist() == [0]
    assert batched.image_ids.tolist() == [7]
    assert isinstance(nms.params, PoseNMSParams)


def test_slow_first_kernel_call_is_announced(monkeypatch):
    """The first call of a process may compile the kernel (about 20 s on a
    new machine): after COMPILE_NOTICE_DELAY a message says so."""
    import time

    from rmpe_mm.evaluation.functional.pose_nms import _core as core
    real = core.kernel.run_pose_nms_kernel
    messages = []

    def slow(*args):
        time.sleep(0.5)
        return real(*args)

    monkeypatch.setattr(core, '_kernel_ready', False)
    monkeypatch.setattr(core, 'COMPILE_NOTICE_DELAY', 0.05)
    monkeypatch.setattr(
        core, 'print_log', lambda msg, logger=None: messages.append(msg))
    monkeypatch.setattr(core.kernel, 'run_pose_nms_kernel', slow)
    out = parametric_pose_nms(*one_pose())
    assert out.keep.tolist() == [0]
    assert len(messages) == 1
    assert 'compiling the parametric pose NMS kernel' in messages[0]
    assert core._kernel_ready
    parametric_pose_nms(*one_pose())  # later calls: no timer, no message
    assert len(messages) == 1


@pytest.mark.parametrize('as_tensor', [False, True])
def test_complex_inputs_raise(as_tensor):
    """Found by benchmarks/fuzz_readers.py: complex values were accepted
    with their imaginary part dropped."""
    boxes, bs, kpts, scores = stack(one_pose(), one_pose())
    kpts = kpts + 1j
    if as_tensor:
        kpts = torch.from_numpy(kpts)
    with pytest.raises(ValueError, match='`keypoints` must be real'):
        parametric_pose_nms(boxes, bs, kpts, scores)
