"""Tests of PoseGuidedLocalizer (issue 22)."""
import pytest
import torch
from mmengine.logging import MessageHub
from mmpose.registry import MODELS

from rmpe_mm.models.stn import PoseGuidedLocalizer
from rmpe_mm.models.utils.affine import (affine_inverse, box_in_window_theta,
                                         compose_affine, normalized_to_pixel,
                                         pixel_to_normalized, transform_points,
                                         warp_images)
from rmpe_mm.models.utils.soft_argmax import soft_argmax

CROP = (64, 64)
HEATMAP = (16, 16)
CONTEXT = 2  # window 128x128, the crop at its center


def render(points: torch.Tensor, size, sigma: float) -> torch.Tensor:
    """(N, K, h, w) Gaussians (peak 1) at (N, K, 2) pixel points."""
    w, h = size
    ys, xs = torch.meshgrid(
        torch.arange(h, dtype=points.dtype),
        torch.arange(w, dtype=points.dtype),
        indexing='ij')
    dx = xs - points[..., 0, None, None]
    dy = ys - points[..., 1, None, None]
    return torch.exp(-(dx**2 + dy**2) / (2 * sigma**2))


def joints() -> torch.Tensor:
    """Crop-pixel joints, inside the crop by more than a peak's radius;
    with padding 1.5 the first set's box leaves the crop (needs context)."""
    return torch.tensor([[[25., 10.], [50., 25.], [40., 50.], [30., 40.]],
                         [[12., 20.], [28., 22.], [20., 44.], [16., 30.]]],
                        dtype=torch.float64)


def center_located(points: torch.Tensor, padding: float) -> torch.Tensor:
    """The joints in the crop of their own padded, aspect-fixed box
    (MMPose's convention: box center -> W / 2, box size -> W)."""
    low, high = points.amin(dim=1), points.amax(dim=1)
    center = (low + high) / 2
    side = ((high - low) * padding).amax(dim=1)  # square crop
    return (points - center[:, None]) * CROP[0] / side[:, None, None] + (
        CROP[0] / 2)


def test_theta_maps_the_window_onto_the_center_located_crop():
    points = joints()
    heatmaps = render(points * HEATMAP[0] / CROP[0], HEATMAP, sigma=2.)
    localizer = PoseGuidedLocalizer(padding=1.5)
    theta = localizer(heatmaps, CROP, 'scale')
    assert localizer.last_num_fallback == 0
    # the window: the crop's marks at the window's pixels
    window_points = points + (CONTEXT - 1) * CROP[0] / 2
    window = render(window_points, (CONTEXT * CROP[0], ) * 2, sigma=1.5)
    full = compose_affine(
        box_in_window_theta(2, (CONTEXT * CROP[0], ) * 2, CROP, torch.float64),
        theta)
    warped = warp_images(window, full, CROP)
    seen, _ = soft_argmax(warped, threshold_ratio=0.3)
    expected = center_located(points, 1.5)
    error = (seen - expected).norm(dim=-1) * HEATMAP[0] / CROP[0]
    assert float(error.max()) < 0.5, error  # heatmap pixels
    # analytically too: theta^-1 takes each joint to its center-located spot
    mapped = normalized_to_pixel(
        transform_points(
            pixel_to_normalized(points, CROP), affine_inverse(theta)), CROP)
    assert torch.allclose(mapped, expected, atol=0.1)
    # the first joint set's box leaves the crop: only the window has it
    assert float(full[0, 0, 2] + full[0, 0, 0]) > CROP[0] / (CONTEXT * CROP[0])


def test_box_convention_parameters_move_the_box():
    heatmaps = render(joints() * 0.25, HEATMAP, sigma=2.)
    plain = PoseGuidedLocalizer()(heatmaps, CROP, 'scale')
    shifted = PoseGuidedLocalizer(center_offset=(0., 0.1))(heatmaps, CROP,
                                                           'scale')
    bigger = PoseGuidedLocalizer(extent_scale=(1., 1.2))(heatmaps, CROP,
                                                         'scale')
    assert float(shifted[0, 1, 2] - plain[0, 1, 2]) > 0.05
    assert float(bigger[0, 1, 1] / plain[0, 1, 1]) == pytest.approx(1.2)


def test_degenerate_heatmaps_fall_back_to_theta_box_with_a_count():
    points = joints()
    heatmaps = render(points * 0.25, HEATMAP, sigma=2.)
    heatmaps = torch.cat([
        heatmaps,
        torch.zeros(1, 4, 16, 16, dtype=torch.float64),  # nothing
        heatmaps[:1] *
        torch.tensor([1., 0.1, 0.1, 0.1], dtype=torch.float64)[:, None, None],
        render(torch.full((1, 4, 2), 7.), HEATMAP, 2.),  # one point
        torch.full((1, 4, 16, 16), -1., dtype=torch.float64)  # negative
    ]).requires_grad_(True)
    hub = MessageHub.get_current_instance()
    localizer = PoseGuidedLocalizer()
    theta = localizer(heatmaps, CROP, 'scale')
    assert localizer.last_num_fallback == 4
    assert localizer.num_fallback_total == 4
    assert hub.get_info('stn/num_fallback_total') == 4
    eye = torch.tensor([[1., 0., 0.], [0., 1., 0.]], dtype=torch.float64)
    assert all(torch.equal(theta[i], eye) for i in range(2, 6))
    assert not torch.allclose(theta[0], eye)
    assert torch.isfinite(theta).all()
    theta.sum().backward()
    assert torch.isfinite(heatmaps.grad).all()
    assert float(heatmaps.grad[:2].abs().sum()) > 0


def test_correction_starts_at_zero_and_learns():
    heatmaps = render(joints() * 0.25, HEATMAP, sigma=2.).float()
    plain = PoseGuidedLocalizer()(heatmaps, CROP, 'scale')
    localizer = MODELS.build(
        dict(type='PoseGuidedLocalizer', correction=True, num_keypoints=4))
    localizer.init_weights()
    theta = localizer(heatmaps, CROP, 'scale')
    assert torch.allclose(theta, plain, atol=1e-6)
    theta.sum().backward()
    assert float(localizer.correction[-1].bias.grad.abs().sum()) > 0


def test_constructor_errors():
    with pytest.raises(ValueError, match='min_joints'):
        PoseGuidedLocalizer(min_joints=1)
    with pytest.raises(ValueError, match='num_keypoints'):
        PoseGuidedLocalizer(correction=True)
    with pytest.raises(ValueError, match='extent_scale'):
        PoseGuidedLocalizer(extent_scale=(1., 0.))
