"""Tests of the differentiable soft-argmax."""
import pytest
import torch

from rmpe_mm.models.utils.soft_argmax import soft_argmax


def gaussian_maps(points: torch.Tensor, size=(16, 12), sigma=2.0):
    """(N, K, h, w) Gaussians (peak 1) at (N, K, 2) sub-pixel points."""
    w, h = size
    ys, xs = torch.meshgrid(
        torch.arange(h, dtype=torch.float64),
        torch.arange(w, dtype=torch.float64),
        indexing='ij')
    dx = xs - points[..., 0, None, None]
    dy = ys - points[..., 1, None, None]
    return torch.exp(-(dx**2 + dy**2) / (2 * sigma**2))


def test_subpixel_peaks_are_found():
    points = torch.tensor([[[3.3, 4.6], [10.0, 2.0], [7.75, 8.25]]],
                          dtype=torch.float64)
    coords, scores = soft_argmax(gaussian_maps(points))
    assert torch.allclose(coords, points, atol=0.05)
    assert torch.allclose(scores, torch.ones_like(scores), atol=0.1)
    # a plain softmax would be pulled toward the center by the background
    flat = gaussian_maps(points).flatten(2).softmax(-1)
    xs = torch.arange(16, dtype=torch.float64).repeat(12)
    assert float(((flat * xs).sum(-1) - points[..., 0]).abs().max()) > 0.5


def test_empty_and_negative_maps_give_center_and_no_nan():
    maps = torch.stack([torch.zeros(12, 16), -torch.rand(12, 16)])[None]
    maps.requires_grad_(True)
    coords, scores = soft_argmax(maps)
    assert torch.equal(coords, torch.tensor([[[7.5, 5.5], [7.5, 5.5]]]))
    assert bool((scores <= 0).all())
    coords.sum().backward()
    assert torch.isfinite(maps.grad).all()


def test_gradient_moves_the_position():
    points = torch.tensor([[[5.0, 5.0]]], dtype=torch.float64)
    maps = gaussian_maps(points).requires_grad_(True)
    coords, _ = soft_argmax(maps)
    coords[0, 0, 0].backward()
    # more mass right of the peak moves x right
    assert float(maps.grad[0, 0, 5, 6]) > 0 > float(maps.grad[0, 0, 5, 4])


def test_bad_input():
    with pytest.raises(ValueError, match='heatmaps'):
        soft_argmax(torch.zeros(3, 4, 5))
    with pytest.raises(ValueError, match='threshold_ratio'):
        soft_argmax(torch.zeros(1, 1, 4, 4), threshold_ratio=1.0)
