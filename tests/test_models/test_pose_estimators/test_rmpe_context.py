"""RMPEPoseEstimator with a context window and the pose-guided localiser
(issue 22)."""
import copy

import numpy as np
import pytest
import torch
from mmpose.registry import MODELS
from mmpose.testing import get_packed_inputs
from test_rmpe import (TINY_RESNET, hourglass_sppe, mmpose_scope, predict,
                       resnet_sppe)

from rmpe_mm.models.utils.affine import (affine_inverse, box_in_window_theta,
                                         compose_affine, normalized_to_pixel,
                                         pixel_to_normalized, transform_points)
from rmpe_mm.models.utils.soft_argmax import soft_argmax

assert mmpose_scope  # the autouse fixture of test_rmpe, used here too

CROP = (64, 64)
WINDOW = (128, 128)
STN = dict(
    type='STNLocalizer',
    backbone=TINY_RESNET,
    feat_channels=64,
    input_size=(32, 32))


def context_rmpe(sppe: dict, stn: dict = STN, **kwargs) -> dict:
    cfg = copy.deepcopy(sppe)
    cfg.update(
        type='RMPEPoseEstimator',
        stn=copy.deepcopy(stn),
        sppe_input_size=CROP,
        **kwargs)
    return cfg


def window_batch(batch_size: int = 2, center: bool = False) -> dict:
    """Packed samples whose inputs are 128x128 windows of 64x64 crops."""
    data = get_packed_inputs(
        batch_size=batch_size,
        img_shape=WINDOW,
        input_size=CROP,
        heatmap_size=(16, 16),
        num_keypoints=17)
    g = torch.Generator().manual_seed(3)
    for i, sample in enumerate(data['data_samples']):
        data['inputs'][i] = torch.randint(
            0, 255, data['inputs'][i].shape,
            generator=g).to(data['inputs'][i].dtype)
        if center:
            sample.gt_fields.set_field(
                torch.rand(17, 16, 16, generator=g), 'center_heatmaps')
            sample.gt_instance_labels.set_field(
                torch.ones(1, 17), 'center_keypoint_weights')
            sample.gt_instance_labels.set_field(
                torch.rand(1, 17, 2, generator=g) * 64, 'center_keypoints')
    return data


def crop_batch(data: dict) -> dict:
    """The same samples with the window's central crop as inputs."""
    cropped = copy.deepcopy(data)
    cropped['inputs'] = [x[:, 32:96, 32:96] for x in data['inputs']]
    return cropped


@pytest.mark.parametrize('sppe', [resnet_sppe, hourglass_sppe])
@pytest.mark.parametrize('flip_test', [False, True])
def test_untrained_sstn_with_context_equals_the_sppe(sppe, flip_test):
    plain = MODELS.build(sppe(flip_test))
    model = MODELS.build(context_rmpe(sppe(flip_test)))
    model.load_state_dict(plain.state_dict(), strict=False)
    data = window_batch(3)
    ours = predict(model, data)
    ref = predict(plain, crop_batch(data))
    for a, b in zip(ours, ref):
        np.testing.assert_allclose(
            a.pred_instances.keypoints, b.pred_instances.keypoints, atol=1e-4)
        np.testing.assert_allclose(
            a.pred_instances.keypoint_scores,
            b.pred_instances.keypoint_scores,
            atol=1e-4)
    # the window is really used: with a shift the prediction changes
    with torch.no_grad():
        model.stn.fc.bias.copy_(torch.tensor([1., 0., 0.3, 0., 1., 0.]))
    moved = predict(model, data)
    assert max(
        np.abs(a.pred_instances.keypoints - b.pred_instances.keypoints).max()
        for a, b in zip(moved, ref)) > 1.


def test_sdtn_is_exact_with_a_context_window():
    """A heatmap drawn where the SPPE sees a joint comes back to the joint
    in the box crop's frame, for a theta that reaches outside the box."""
    model = MODELS.build(context_rmpe(resnet_sppe())).eval()
    theta = torch.tensor([[[0.7, 0.1, 0.35], [-0.05, 0.8, -0.3]]])
    # where the SPPE sees three joints (a peak's radius from the borders)
    seen = torch.tensor([[[16., 24.], [30., 40.], [20., 44.]]])
    # where they are in the box crop: theta of the seen position
    joints = normalized_to_pixel(
        transform_points(pixel_to_normalized(seen, CROP), theta), CROP)
    assert bool(((joints > 12) & (joints < 52)).all())
    ys, xs = torch.meshgrid(
        torch.arange(16.), torch.arange(16.), indexing='ij')
    hm_seen = seen / 4  # MSRAHeatmap: x_h = x * 16 / 64
    stage = torch.exp(-((xs - hm_seen[..., 0, None, None])**2 +
                        (ys - hm_seen[..., 1, None, None])**2) / 8)
    warped = torch.zeros(1, 3, *CROP)
    back = model._unwarp_outputs(stage, theta, warped)
    found, _ = soft_argmax(back)
    error = (found - joints / 4).norm(dim=-1)
    assert float(error.max()) < 0.1  # heatmap pixels
    # the warp samples the window where the crop frame says
    window = torch.zeros(1, 1, *WINDOW)
    window[0, 0, 32 + 44, 32 + 66] = 1.  # crop pixel (66, 44): off the crop
    full = compose_affine(box_in_window_theta(1, WINDOW, CROP), theta)
    point = normalized_to_pixel(
        transform_points(
            pixel_to_normalized(torch.tensor([[[66., 44.]]]), CROP),
            affine_inverse(theta)), CROP)[0, 0]
    from rmpe_mm.models.utils.affine import warp_images
    out = warp_images(window, full, CROP)[0, 0]
    peak = divmod(int(out.argmax()), CROP[0])
    assert abs(peak[1] - float(point[0])) <= 1 and abs(peak[0] -
                                                       float(point[1])) <= 1


def pose_guided_rmpe(**kwargs) -> dict:
    return context_rmpe(
        resnet_sppe(),
        stn=dict(type='PoseGuidedLocalizer', score_thr=0.0, **kwargs))


def test_pose_guided_localizer_looks_twice_and_trains():
    model = MODELS.build(
        dict(
            pose_guided_rmpe(),
            parallel_sppe=resnet_sppe(),
            parallel_position_loss_weight=0.5))
    model.train()
    data = model.data_preprocessor(window_batch(center=True), training=True)
    calls = []
    handle = model.backbone.register_forward_hook(
        lambda m, i, o: calls.append(tuple(i[0].shape)))
    losses = model(**data, mode='loss')
    handle.remove()
    assert calls == [(2, 3, 64, 64)] * 2  # first look, second look
    assert {
        'loss_kpt', 'loss_parallel', 'loss_parallel_position', 'stn_fallback',
        'stn_guarded'
    } <= set(losses)
    assert all(torch.isfinite(v).all() for v in losses.values())
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    results = predict(model, window_batch())
    assert all(np.isfinite(r.pred_instances.keypoints).all() for r in results)


def test_position_loss_reaches_the_stn_and_needs_center_keypoints():
    model = MODELS.build(
        dict(
            context_rmpe(resnet_sppe()),
            parallel_sppe=resnet_sppe(),
            parallel_position_loss_weight=1.0))
    data = model.data_preprocessor(window_batch(center=True), training=True)
    losses = model(**data, mode='loss')
    grads = torch.autograd.grad(losses['loss_parallel_position'],
                                [model.stn.fc.weight, model.stn.fc.bias])
    assert all(float(g.abs().sum()) > 0 for g in grads)
    for sample in data['data_samples']:
        del sample.gt_instance_labels.center_keypoints
    with pytest.raises(ValueError, match='center_keypoints'):
        model(**data, mode='loss')


def test_constructor_errors():
    with pytest.raises(ValueError, match='sppe_input_size'):
        MODELS.build(dict(context_rmpe(resnet_sppe()), sppe_input_size=(0, )))
    with pytest.raises(ValueError, match='parallel_position_loss_weight'):
        MODELS.build(
            dict(
                context_rmpe(resnet_sppe()), parallel_position_loss_weight=-1))


def test_pose_guided_flip_test_mirrors_the_first_theta():
    """Flip test with a first-look localiser: 3 SPPE passes, the flipped
    branch on the mirrored crop (its own first look is not taken)."""
    cfg = pose_guided_rmpe()
    cfg['test_cfg']['flip_test'] = True
    model = MODELS.build(cfg).eval()
    calls = []
    model.backbone.register_forward_hook(
        lambda m, i, o: calls.append(i[0].detach().clone()))
    predict(model, window_batch())
    assert len(calls) == 3  # first look, second look, flipped second look
    assert torch.allclose(calls[2], calls[1].flip(-1), atol=1e-4)
