"""Tests of the context-window affine helpers (issue 22)."""
import pytest
import torch

from rmpe_mm.models.utils.affine import (affine_inverse, box_in_window_theta,
                                         compose_affine,
                                         heatmap_to_input_pixels,
                                         input_to_heatmap_pixels, mirror_theta,
                                         transform_points, warp_images)


def test_compose_applies_inner_first():
    g = torch.Generator().manual_seed(0)
    outer = torch.randn(3, 2, 3, generator=g)
    inner = torch.randn(3, 2, 3, generator=g)
    points = torch.randn(3, 5, 2, generator=g)
    expected = transform_points(transform_points(points, inner), outer)
    got = transform_points(points, compose_affine(outer, inner))
    assert torch.allclose(got, expected, atol=1e-5)
    back = compose_affine(affine_inverse(outer), compose_affine(outer, inner))
    assert torch.allclose(back, inner, atol=1e-4)


@pytest.mark.parametrize('window,crop', [((64, 48), (32, 24)),
                                         ((40, 40), (32, 32)),
                                         ((32, 24), (32, 24))])
def test_theta_box_samples_the_centered_crop_exactly(window, crop):
    """Window pixel i + (W_w - W) / 2 is crop pixel i: no interpolation."""
    image = torch.rand(2, 3, window[1], window[0])
    theta = box_in_window_theta(2, window, crop)
    got = warp_images(image, theta, crop)
    dx, dy = (window[0] - crop[0]) // 2, (window[1] - crop[1]) // 2
    expected = image[:, :, dy:dy + crop[1], dx:dx + crop[0]]
    assert got.shape == expected.shape
    assert torch.allclose(got, expected, atol=1e-5)


def test_theta_box_errors():
    with pytest.raises(ValueError, match='crop_size'):
        box_in_window_theta(1, (32, 32), (64, 32))
    with pytest.raises(ValueError, match='output_size'):
        warp_images(
            torch.zeros(1, 1, 8, 8), box_in_window_theta(1, (8, 8), (8, 8)),
            (0, 8))


@pytest.mark.parametrize('mapping,expected',
                         [('scale', (16.0, 8.0)),
                          ('udp', (4 * 63 / 15, 2 * 63 / 15))])
def test_heatmap_input_pixel_mappings(mapping, expected):
    points = torch.tensor([[4.0, 2.0]])
    got = heatmap_to_input_pixels(points, (64, 64), (16, 16), mapping)
    assert torch.allclose(got, torch.tensor([expected]), atol=1e-4)
    back = input_to_heatmap_pixels(got, (64, 64), (16, 16), mapping)
    assert torch.allclose(back, points, atol=1e-5)


def test_mirror_theta_is_the_warp_of_the_flipped_image():
    g = torch.Generator().manual_seed(2)
    image = torch.rand(2, 3, 20, 16, generator=g)
    theta = torch.tensor([[[0.8, 0.1, 0.2], [-0.1, 0.9, -0.15]],
                          [[1.1, -0.2, -0.3], [0.05, 0.7, 0.1]]])
    expected = warp_images(image, theta).flip(-1)
    got = warp_images(image.flip(-1), mirror_theta(theta))
    assert torch.allclose(got, expected, atol=1e-5)
    assert torch.equal(mirror_theta(mirror_theta(theta)), theta)
