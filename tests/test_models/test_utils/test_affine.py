"""Tests of the SSTN geometry helpers (rmpe_mm.models.utils.affine)."""
import math

import numpy as np
import pytest
import torch
from mmpose.codecs import MSRAHeatmap

# yapf: disable
from rmpe_mm.models.utils.affine import (affine_inverse, guard_singular_theta,
                                         identity_theta, normalized_to_pixel,
                                         pixel_to_normalized,
                                         theta_in_heatmap_frame,
                                         transform_points,
                                         unwarp_heatmap_stages,
                                         unwarp_heatmaps, warp_images,
                                         warped_to_crop_pixels)

# yapf: enable


def random_theta(num: int, seed: int, max_shift: float = 0.15) -> torch.Tensor:
    """Random invertible maps: scale 0.75-1.25 (per axis), rotation +-30
    degrees, small shear, translation +-max_shift."""
    g = torch.Generator().manual_seed(seed)

    def uniform(lo, hi):
        return lo + (hi - lo) * torch.rand(num, generator=g)

    angle = uniform(-math.pi / 6, math.pi / 6)
    sx, sy = uniform(0.75, 1.25), uniform(0.75, 1.25)
    shear = uniform(-0.1, 0.1)
    cos, sin = torch.cos(angle), torch.sin(angle)
    rot = torch.stack(
        [torch.stack([cos, -sin], -1),
         torch.stack([sin, cos], -1)], 1)
    scale_shear = torch.stack([
        torch.stack([sx, shear * sy], -1),
        torch.stack([torch.zeros_like(sx), sy], -1)
    ], 1)
    lin = rot @ scale_shear
    t = uniform(-max_shift, max_shift)[:, None].repeat(1, 2)
    t[:, 1] = uniform(-max_shift, max_shift)
    return torch.cat([lin, t[:, :, None]], dim=2)


def smooth_images(num: int, size: int, seed: int) -> torch.Tensor:
    """Low-frequency images (sums of wide Gaussian blobs), values ~[0, 1]."""
    g = torch.Generator().manual_seed(seed)
    ys, xs = torch.meshgrid(
        torch.arange(size, dtype=torch.float32),
        torch.arange(size, dtype=torch.float32),
        indexing='ij')
    out = torch.zeros(num, 2, size, size)
    for _ in range(6):
        cx = torch.rand(num, 2, 1, 1, generator=g) * size
        cy = torch.rand(num, 2, 1, 1, generator=g) * size
        sigma = size / 6
        out += torch.exp(-((xs - cx)**2 + (ys - cy)**2) / (2 * sigma**2))
    return out


def compose(theta_a: torch.Tensor, theta_b: torch.Tensor) -> torch.Tensor:
    """Matrix of ``p -> a(b(p))``."""
    bottom = torch.tensor([[[0., 0., 1.]]]).expand(theta_a.shape[0], 1, 3)
    full_a = torch.cat([theta_a, bottom], 1)
    full_b = torch.cat([theta_b, bottom], 1)
    return (full_a @ full_b)[:, :2]


def test_affine_inverse_is_exact_inverse():
    theta = random_theta(16, seed=0).double()
    gamma = affine_inverse(theta)
    eye = identity_theta(16, torch.float64)
    assert torch.allclose(compose(gamma, theta), eye, atol=1e-12)
    assert torch.allclose(compose(theta, gamma), eye, atol=1e-12)
    # gamma = [A^-1 | -A^-1 t]
    inv_a = torch.linalg.inv(theta[:, :, :2])
    assert torch.allclose(gamma[:, :, :2], inv_a, atol=1e-12)
    assert torch.allclose(
        gamma[:, :, 2:], -inv_a @ theta[:, :, 2:], atol=1e-12)


def test_affine_inverse_gradient():
    theta = random_theta(3, seed=1).double().requires_grad_(True)
    assert torch.autograd.gradcheck(affine_inverse, (theta, ))


@pytest.mark.parametrize('bad', ['singular', 'nan', 'shape'])
def test_affine_inverse_rejects_bad_theta(bad):
    theta = identity_theta(3)
    if bad == 'singular':
        theta[1, :, :2] = torch.tensor([[1., 2.], [2., 4.]])
        match = r'samples \[1\]'
    elif bad == 'nan':
        theta[2, 0, 2] = float('nan')
        match = r'samples \[2\]'
    else:
        theta = theta[:, :, :2]
        match = r'\(N, 2, 3\)'
    with pytest.raises(ValueError, match=match):
        affine_inverse(theta)


def test_identity_warp_reproduces_input():
    x = torch.rand(2, 3, 20, 28)
    out = warp_images(x, identity_theta(2))
    assert torch.allclose(out, x, atol=1e-5)


def test_warp_moves_content_where_theta_says():
    """A blob at crop pixel p appears in the warped image at q with
    theta(q) = p, and warped_to_crop_pixels maps q back to p."""
    size = 64
    theta = random_theta(4, seed=2, max_shift=0.1)
    p = torch.tensor([[30.0, 26.0]]).expand(4, 1, 2)
    ys, xs = torch.meshgrid(
        torch.arange(size, dtype=torch.float32),
        torch.arange(size, dtype=torch.float32),
        indexing='ij')
    blob = torch.exp(-((xs - p[0, 0, 0])**2 + (ys - p[0, 0, 1])**2) / 8.)
    warped = warp_images(blob.expand(4, 1, size, size).contiguous(), theta)
    weights = warped[:, 0] / warped[:, 0].sum(dim=(1, 2), keepdim=True)
    q = torch.stack([(weights * xs).sum((1, 2)), (weights * ys).sum((1, 2))],
                    -1)[:, None]
    back = warped_to_crop_pixels(q, theta, (size, size))
    assert torch.allclose(back, p, atol=0.15)
    # and the warp really moved it (the test could fail)
    assert (q - p).norm(dim=-1).max() > 2


@pytest.mark.parametrize('seed', [3, 4])
def test_unwarp_of_warp_recovers_input_away_from_borders(seed):
    size = 64
    x = smooth_images(6, size, seed)
    theta = random_theta(6, seed)
    gamma = affine_inverse(theta)
    # warp at one resolution, un-warp at another: one theta serves both
    warped = warp_images(x, theta)
    restored = unwarp_heatmaps(warped, gamma)
    # valid where gamma(p) falls well inside the warped image
    grid = pixel_to_normalized(
        torch.stack(
            torch.meshgrid(
                torch.arange(size, dtype=torch.float32),
                torch.arange(size, dtype=torch.float32),
                indexing='xy'), -1).reshape(1, -1, 2).expand(6, -1, -1),
        (size, size))
    inside = (transform_points(grid, gamma).abs() < 0.9).all(-1)
    inside &= (grid.abs() < 0.9).all(-1)
    inside = inside.reshape(6, 1, size, size).expand_as(x)
    err = (restored - x).abs()[inside]
    assert inside.float().mean() > 0.3
    assert err.max() < 0.03 * float(x.max())
    # without the un-warp the images differ a lot (the test can fail)
    assert (warped - x).abs()[inside].max() > 0.2 * float(x.max())


def test_unwarp_heatmap_stages_matches_per_stage():
    theta = random_theta(2, seed=5)
    gamma = affine_inverse(theta)
    stages = [torch.rand(2, 3, 16, 12), torch.rand(2, 4, 16, 12)]
    merged = unwarp_heatmap_stages(stages, gamma)
    for got, stage in zip(merged, stages):
        assert torch.allclose(got, unwarp_heatmaps(stage, gamma), atol=1e-6)
    with pytest.raises(ValueError, match='differ in size'):
        unwarp_heatmap_stages([stages[0], torch.rand(2, 3, 8, 6)], gamma)


def gaussian_heatmaps(points: torch.Tensor, size: int,
                      sigma: float) -> torch.Tensor:
    """(N, K, size, size) Gaussians at (N, K, 2) heatmap-pixel points."""
    ys, xs = torch.meshgrid(
        torch.arange(size, dtype=torch.float32),
        torch.arange(size, dtype=torch.float32),
        indexing='ij')
    dx = xs - points[..., 0, None, None]
    dy = ys - points[..., 1, None, None]
    return torch.exp(-(dx**2 + dy**2) / (2 * sigma**2))


def test_keypoints_decoded_from_unwarped_heatmaps_match_crop_keypoints():
    """Heatmaps predicted in the warped frame, un-warped by the SDTN and
    decoded by MMPose's codec give the crop-frame keypoints."""
    num, joints, hm, inp = 4, 8, 64, 256
    theta = random_theta(num, seed=6, max_shift=0.1)
    gamma = affine_inverse(theta)
    g = torch.Generator().manual_seed(7)
    crop_pts = 16 + 32 * torch.rand(num, joints, 2, generator=g)  # heatmap px
    # where each crop point appears in the STN output: gamma(p)
    warped_pts = normalized_to_pixel(
        transform_points(pixel_to_normalized(crop_pts, (hm, hm)), gamma),
        (hm, hm))
    warped_hm = gaussian_heatmaps(warped_pts, hm, sigma=2.)
    codec = MSRAHeatmap(
        input_size=(inp, inp), heatmap_size=(hm, hm), sigma=2, unbiased=True)
    unwarped = unwarp_heatmaps(warped_hm, gamma)
    stride = inp / hm
    for i in range(num):
        kpts, _ = codec.decode(unwarped[i].numpy())
        err = np.abs(kpts[0] / stride - crop_pts[i].numpy())
        assert err.max() < 0.3, err.max()
        # decoding the warped heatmaps directly is off (the test can fail)
        kpts_w, _ = codec.decode(warped_hm[i].numpy())
        assert np.abs(kpts_w[0] / stride - crop_pts[i].numpy()).max() > 1.


def test_guard_singular_theta():
    theta = random_theta(4, seed=8).requires_grad_(True)
    bad = theta.detach().clone()
    bad[1, :, :2] = 1e-4  # |det| ~ 0
    bad[2, 0, 1] = float('inf')
    mixed = torch.where(
        torch.tensor([False, True, True, False])[:, None, None], bad, theta)
    safe, guarded = guard_singular_theta(mixed, min_abs_det=1e-3)
    assert guarded.tolist() == [False, True, True, False]
    assert torch.equal(safe[1], identity_theta(1)[0])
    assert torch.equal(safe[2], identity_theta(1)[0])
    assert torch.allclose(safe[[0, 3]], theta[[0, 3]])
    assert torch.isfinite(affine_inverse(safe)).all()
    safe.sum().backward()
    assert theta.grad[[0, 3]].abs().sum() > 0
    assert theta.grad[[1, 2]].abs().sum() == 0
    with pytest.raises(ValueError, match='min_abs_det'):
        guard_singular_theta(theta, -1.)


def peak_centroids(heatmaps: torch.Tensor, radius: int = 6) -> torch.Tensor:
    """(N, K, 2) sub-pixel peaks: intensity centroid around each maximum."""
    n, k, h, w = heatmaps.shape
    flat = heatmaps.flatten(2).argmax(-1)
    out = torch.zeros(n, k, 2)
    ys, xs = torch.meshgrid(
        torch.arange(h, dtype=torch.float32),
        torch.arange(w, dtype=torch.float32),
        indexing='ij')
    for i in range(n):
        for j in range(k):
            cy, cx = divmod(int(flat[i, j]), w)
            win = ((xs - cx).abs() <= radius) & ((ys - cy).abs() <= radius)
            m = heatmaps[i, j] * win
            out[i, j, 0] = (m * xs).sum() / m.sum()
            out[i, j, 1] = (m * ys).sum() / m.sum()
    return out


@pytest.mark.parametrize('inp,hm', [((256, 256), (64, 64)),
                                    ((48, 64), (24, 32))])
def test_sdtn_exact_across_resolutions(inp, hm):
    """A pose seen through a non-identity STN, encoded with MMPose's codec
    convention (input pixel x at heatmap pixel x * w / W), un-warped by the
    SDTN at the heatmap size: peaks within 0.1 heatmap pixel of the crop
    pose. One theta at both sizes (the 'normalized' reading) is off."""
    num, joints = 3, 6
    theta = random_theta(num, seed=11, max_shift=0.05)
    theta[:, :, :2] = theta[:, :, :2] * 1.4  # clearly non-identity A
    ratio = torch.tensor([hm[0] / inp[0], hm[1] / inp[1]])
    g = torch.Generator().manual_seed(3)
    lo = torch.tensor([0.35 * inp[0], 0.35 * inp[1]])
    crop_in = lo + 0.3 * torch.tensor(
        inp, dtype=torch.float32) * torch.rand(
            num, joints, 2, generator=g)
    # the joint is seen in the STN output at q with theta(q) = p (input px)
    warped_in = normalized_to_pixel(
        transform_points(
            pixel_to_normalized(crop_in, inp), affine_inverse(theta)), inp)
    # sigma 1: the whole (warped) Gaussian fits in the centroid window
    warped_hm = gaussian_heatmaps_2d(warped_in * ratio, hm, sigma=1.)
    expected = crop_in * ratio
    gamma = theta_in_heatmap_frame(affine_inverse(theta), inp, hm, 'scale')
    err = (peak_centroids(unwarp_heatmaps(warped_hm, gamma)) -
           expected).abs().max()
    assert err < 0.1, err
    naive = theta_in_heatmap_frame(
        affine_inverse(theta), inp, hm, 'normalized')
    naive_err = (peak_centroids(unwarp_heatmaps(warped_hm, naive)) -
                 expected).abs().max()
    assert naive_err > 0.2, naive_err


def gaussian_heatmaps_2d(points: torch.Tensor, size, sigma: float):
    """(N, K, h, w) Gaussians at (N, K, 2) heatmap-pixel points."""
    ys, xs = torch.meshgrid(
        torch.arange(size[1], dtype=torch.float32),
        torch.arange(size[0], dtype=torch.float32),
        indexing='ij')
    dx = xs - points[..., 0, None, None]
    dy = ys - points[..., 1, None, None]
    return torch.exp(-(dx**2 + dy**2) / (2 * sigma**2))


@pytest.mark.parametrize('mapping', ['scale', 'udp', 'normalized'])
def test_theta_in_heatmap_frame_maps_points_as_the_codec(mapping):
    """Mapping a crop point through theta and then to the heatmap equals
    mapping it to the heatmap and then through the converted theta."""
    inp, hm = (192, 256), (48, 64)
    theta = random_theta(4, seed=5)
    pts = torch.rand(4, 5, 2) * torch.tensor([150., 200.]) + 20.
    if mapping == 'scale':
        to_hm = pts.new_tensor([48 / 192, 64 / 256])
    elif mapping == 'udp':
        to_hm = pts.new_tensor([47 / 191, 63 / 255])
    else:
        to_hm = None
    out_in = normalized_to_pixel(
        transform_points(pixel_to_normalized(pts, inp), theta), inp)
    hm_theta = theta_in_heatmap_frame(theta, inp, hm, mapping)
    if to_hm is None:  # normalized coordinates are shared
        got = transform_points(pixel_to_normalized(pts, inp), hm_theta)
        want = pixel_to_normalized(out_in, inp)
    else:
        got = normalized_to_pixel(
            transform_points(pixel_to_normalized(pts * to_hm, hm), hm_theta),
            hm)
        want = out_in * to_hm
    assert torch.allclose(got, want, atol=1e-4)
    # and it commutes with inversion
    assert torch.allclose(
        affine_inverse(hm_theta),
        theta_in_heatmap_frame(affine_inverse(theta), inp, hm, mapping),
        atol=1e-5)


def test_theta_in_heatmap_frame_rejects_unknown_mapping():
    with pytest.raises(ValueError, match='mapping must be one of'):
        theta_in_heatmap_frame(identity_theta(1), (8, 8), (4, 4), 'bogus')
