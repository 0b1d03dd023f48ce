"""Affine helpers of the symmetric spatial transformer (STN + SDTN).

Conventions (docs/method.md, section 1):

- ``theta`` (N, 2, 3) = ``[A | t]`` maps *target* (output grid) normalized
  coordinates to *source* (input) normalized coordinates,
  ``[x_s, y_s]^T = A @ [x_t, y_t]^T + t``, in PyTorch's (x, y) order.
- Normalized coordinates follow ``align_corners=False``: -1 and +1 are the
  outer borders of the image at every resolution. Every sampling call here
  uses ``align_corners=False``.
- One ``theta`` is *not* exactly the same map on a crop and on its heatmaps
  under MMPose's codecs: ``MSRAHeatmap`` puts input pixel ``x`` at heatmap
  pixel ``x * w / W`` (pixel centers at integers), which in normalized
  coordinates is a shift by ``1/w - 1/W``; ``UDPHeatmap`` scales by
  ``(w - 1) / (W - 1)``. :func:`theta_in_heatmap_frame` conjugates ``theta``
  by that change of frame, so the SDTN is exact at the heatmap resolution
  (a non-identity ``A`` would otherwise misplace peaks by
  ``(A - I)`` times the shift: 1.5 input pixels at 256 -> 64).
- Samples that fall outside the input are zeros (``padding_mode='zeros'``).
- The SDTN parameter is the exact inverse affine
  ``gamma = [A^-1 | -A^-1 t]`` (:func:`affine_inverse`).

Pure torch: importable without MMPose.
"""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

#: Default threshold of :func:`affine_inverse`: ``|det A|`` at or below it is
#: refused as singular. The STN guards far earlier (see
#: :func:`guard_singular_theta`), so the model never reaches it.
DEFAULT_INVERSE_MIN_ABS_DET = 1e-8


def check_theta(theta: Tensor, name: str = 'theta') -> None:
    """Validate a batch of 2x3 affine matrices.

    Args:
        theta (Tensor): Candidate batch, expected shape (N, 2, 3), floating.
        name (str): Field name used in error messages. Defaults to 'theta'.

    Raises:
        ValueError: If ``theta`` is not a floating tensor of shape (N, 2, 3).
    """
    if not isinstance(theta, Tensor):
        raise ValueError(f'{name} must be a torch.Tensor, got {type(theta)}')
    if theta.dim() != 3 or tuple(theta.shape[1:]) != (2, 3):
        raise ValueError(
            f'{name} must have shape (N, 2, 3), got {tuple(theta.shape)}')
    if not theta.is_floating_point():
        raise ValueError(f'{name} must be floating point, got {theta.dtype}')


def identity_theta(num: int,
                   dtype: torch.dtype = torch.float32,
                   device: torch.device = None) -> Tensor:
    """Identity affine parameters.

    Args:
        num (int): Batch size N.
        dtype (torch.dtype): Data type. Defaults to float32.
        device (torch.device, optional): Device. Defaults to None (CPU).

    Returns:
        Tensor: (N, 2, 3) batch of ``[[1, 0, 0], [0, 1, 0]]``.
    """
    eye = torch.tensor([[1., 0., 0.], [0., 1., 0.]],
                       dtype=dtype,
                       device=device)
    return eye.expand(num, 2, 3).clone()


def affine_det(theta: Tensor) -> Tensor:
    """Determinant of the linear part ``A`` of each affine map.

    Args:
        theta (Tensor): (N, 2, 3) affine parameters.

    Returns:
        Tensor: (N,) determinants ``a00 * a11 - a01 * a10``.
    """
    check_theta(theta)
    return theta[:, 0, 0] * theta[:, 1, 1] - theta[:, 0, 1] * theta[:, 1, 0]


def affine_inverse(theta: Tensor,
                   min_abs_det: float = DEFAULT_INVERSE_MIN_ABS_DET) -> Tensor:
    """Exact inverse affine map: the SDTN parameter ``gamma``.

    ``gamma = [A^-1 | -A^-1 t]``, computed in closed form for 2x2 ``A``
    (``A^-1 = adj(A) / det A``), which is differentiable and equal to
    ``torch.linalg.inv`` while avoiding a batched LAPACK call.

    Args:
        theta (Tensor): (N, 2, 3) affine parameters ``[A | t]``.
        min_abs_det (float): Smallest accepted ``|det A|``. Defaults to
            :data:`DEFAULT_INVERSE_MIN_ABS_DET` (1e-8).

    Returns:
        Tensor: (N, 2, 3) ``gamma`` with ``gamma o theta = identity``.

    Raises:
        ValueError: If ``theta`` has a wrong shape, a non-finite value or a
            ``|det A| <= min_abs_det`` (the indices of the offending samples
            are named). No silent fallback: callers that must never fail
            guard ``theta`` first (:func:`guard_singular_theta`).
    """
    det = affine_det(theta)
    bad = ~torch.isfinite(theta).flatten(1).all(dim=1) | (
        det.abs() <= min_abs_det)
    if bool(bad.any()):
        idx = torch.nonzero(bad).flatten().tolist()
        raise ValueError(
            f'theta is singular or non-finite (|det A| <= {min_abs_det}) '
            f'for samples {idx}: det={det[bad].tolist()}')
    a00, a01 = theta[:, 0, 0], theta[:, 0, 1]
    a10, a11 = theta[:, 1, 0], theta[:, 1, 1]
    inv_a = torch.stack([
        torch.stack([a11, -a01], dim=-1),
        torch.stack([-a10, a00], dim=-1),
    ],
                        dim=1) / det[:, None, None]
    inv_t = -(inv_a @ theta[:, :, 2:])
    return torch.cat([inv_a, inv_t], dim=2)


#: How a heatmap codec maps input-crop pixels to heatmap pixels:
#: ``'scale'`` ``x_h = x * w / W`` (MMPose's ``MSRAHeatmap``,
#: ``MegviiHeatmap``, ``SimCC``-style ratios), ``'udp'``
#: ``x_h = x * (w - 1) / (W - 1)`` (``UDPHeatmap``), ``'normalized'`` the same
#: normalized coordinates at both sizes (one ``theta`` for both; exact only
#: if the codec maps pixel borders to borders).
HEATMAP_MAPPINGS = ('scale', 'udp', 'normalized')


def _frame_change(input_len: int, heatmap_len: int,
                  mapping: str) -> Tuple[float, float]:
    """``(a, b)`` with ``v = a * u + b`` from input to heatmap normalized
    coordinates along one axis (``u = (2 x + 1) / W - 1``)."""
    big, small = float(input_len), float(heatmap_len)
    if mapping == 'scale':
        return 1.0, 1.0 / small - 1.0 / big
    if mapping == 'udp':
        if input_len < 2 or heatmap_len < 2:
            raise ValueError('udp mapping needs sizes >= 2, got input '
                             f'{input_len} and heatmap {heatmap_len}')
        r = (small - 1.0) / (big - 1.0)
        return r * big / small, (r * big - r + 1.0) / small - 1.0
    if mapping == 'normalized':
        return 1.0, 0.0
    raise ValueError(f'mapping must be one of {HEATMAP_MAPPINGS}, got '
                     f'{mapping!r}')


def theta_in_heatmap_frame(theta: Tensor,
                           input_size: Sequence[int],
                           heatmap_size: Sequence[int],
                           mapping: str = 'scale') -> Tensor:
    """Express an input-frame affine map in heatmap normalized coordinates.

    With the per-axis change of frame ``v = a * u + b`` (see
    :data:`HEATMAP_MAPPINGS`), ``theta = [A | t]`` becomes
    ``[D A D^-1 | a * t + b - D A D^-1 b]`` with ``D = diag(a)``: the same
    geometric map, sampled on the heatmap grid. Works for ``theta`` and for
    its inverse alike (conjugation commutes with inversion).

    Args:
        theta (Tensor): (N, 2, 3) map in input-crop normalized coordinates.
        input_size (Sequence[int]): Crop size (w, h).
        heatmap_size (Sequence[int]): Heatmap size (w, h).
        mapping (str): One of :data:`HEATMAP_MAPPINGS`. Defaults to
            ``'scale'`` (MMPose's ``MSRAHeatmap``).

    Returns:
        Tensor: (N, 2, 3) map in heatmap normalized coordinates.
    """
    check_theta(theta)
    ax, bx = _frame_change(int(input_size[0]), int(heatmap_size[0]), mapping)
    ay, by = _frame_change(int(input_size[1]), int(heatmap_size[1]), mapping)
    a = theta.new_tensor([ax, ay])
    b = theta.new_tensor([bx, by])
    lin = theta[:, :, :2] * a[None, :, None] / a[None, None, :]
    trans = a * theta[:, :, 2] + b - lin @ b
    return torch.cat([lin, trans[:, :, None]], dim=2)


def guard_singular_theta(theta: Tensor,
                         min_abs_det: float) -> Tuple[Tensor, Tensor]:
    """Replace near-singular or non-finite affine maps by the identity.

    A sample is *guarded* when any entry of its ``theta`` is non-finite or
    ``|det A| < min_abs_det``. Its ``theta`` becomes the identity (a
    constant: no gradient reaches the localisation net from that sample in
    that step), so its warp, its inverse and everything downstream stay
    finite and mutually exact. Other samples pass through unchanged and
    keep their gradients.

    Args:
        theta (Tensor): (N, 2, 3) affine parameters.
        min_abs_det (float): Threshold on ``|det A|`` (must be >= 0).

    Returns:
        tuple[Tensor, Tensor]: The guarded (N, 2, 3) ``theta`` and the (N,)
        bool mask of guarded samples.

    Raises:
        ValueError: If ``theta`` has a wrong shape or ``min_abs_det < 0``.
    """
    check_theta(theta)
    if min_abs_det < 0:
        raise ValueError(f'min_abs_det must be >= 0, got {min_abs_det}')
    finite = torch.isfinite(theta).flatten(1).all(dim=1)
    # nan_to_num keeps the determinant (and its gradient graph) finite; the
    # non-finite samples are masked out below anyway.
    det = affine_det(torch.nan_to_num(theta, nan=0., posinf=0., neginf=0.))
    bad = ~finite | (det.abs() < min_abs_det)
    if not bool(bad.any()):
        return theta, bad
    eye = identity_theta(theta.shape[0], theta.dtype, theta.device)
    safe = torch.where(bad[:, None, None], eye,
                       torch.nan_to_num(theta, nan=0., posinf=0., neginf=0.))
    return safe, bad


def _affine_sample(x: Tensor,
                   theta: Tensor,
                   name: str,
                   output_size: Optional[Sequence[int]] = None) -> Tensor:
    """Sample ``x`` on the grid ``theta`` (align_corners=False, zeros);
    ``output_size`` (w, h) defaults to the size of ``x``."""
    if not isinstance(x, Tensor) or x.dim() != 4:
        shape = tuple(x.shape) if isinstance(x, Tensor) else type(x)
        raise ValueError(f'{name} must be a (N, C, H, W) tensor, got {shape}')
    check_theta(theta)
    if theta.shape[0] != x.shape[0]:
        raise ValueError(f'theta has {theta.shape[0]} samples but {name} has '
                         f'{x.shape[0]}')
    shape = list(x.shape)
    if output_size is not None:
        if len(output_size) != 2 or min(int(v) for v in output_size) <= 0:
            raise ValueError(
                f'output_size must be (w, h) > 0, got {output_size}')
        shape[-1], shape[-2] = int(output_size[0]), int(output_size[1])
    grid = F.affine_grid(theta.to(x.dtype), shape, align_corners=False)
    return F.grid_sample(
        x, grid, mode='bilinear', padding_mode='zeros', align_corners=False)


def warp_images(x: Tensor,
                theta: Tensor,
                output_size: Optional[Sequence[int]] = None) -> Tensor:
    """STN warp: ``out(p_t) = x(theta @ [p_t, 1])``.

    Bilinear sampling, ``align_corners=False``, zeros outside the input
    (zeros of the *normalized* input tensor, i.e. the data preprocessor's
    mean colour for images).

    Args:
        x (Tensor): (N, C, H, W) image batch.
        theta (Tensor): (N, 2, 3) affine parameters.
        output_size (Sequence[int], optional): (w, h) of the output, e.g.
            the SPPE's input size when ``x`` is a context window. Defaults
            to None: the size of ``x``.

    Returns:
        Tensor: (N, C, h, w) warped batch.
    """
    return _affine_sample(x, theta, 'x', output_size)


def unwarp_heatmaps(heatmaps: Tensor, gamma: Tensor) -> Tensor:
    """SDTN: map heatmaps from the warped frame back to the crop frame.

    ``out(p) = heatmaps(gamma @ [p, 1])``; with ``gamma`` the
    :func:`affine_inverse` of the STN's ``theta``, a peak at warped-frame
    position ``q`` moves to crop-frame position ``theta @ [q, 1]``, i.e.
    back where the joint is in the crop. Same sampling convention as
    :func:`warp_images` (align_corners=False, zeros), at heatmap resolution.

    Args:
        heatmaps (Tensor): (N, K, h, w) heatmaps in the warped frame.
        gamma (Tensor): (N, 2, 3) inverse affine parameters.

    Returns:
        Tensor: (N, K, h, w) heatmaps in the crop frame.
    """
    return _affine_sample(heatmaps, gamma, 'heatmaps')


def unwarp_heatmap_stages(heatmaps: Sequence[Tensor],
                          gamma: Tensor) -> Tuple[Tensor, ...]:
    """Apply :func:`unwarp_heatmaps` to every stage with one sampling call.

    The stages are concatenated along the channel axis, un-warped on one
    grid and split again, which is cheaper than one grid per stage.

    Args:
        heatmaps (Sequence[Tensor]): Stage heatmaps, each (N, K_s, h, w) with
            the same N, h, w.
        gamma (Tensor): (N, 2, 3) inverse affine parameters.

    Returns:
        tuple[Tensor, ...]: Un-warped stage heatmaps, same shapes.

    Raises:
        ValueError: If ``heatmaps`` is empty or the stages differ in size.
    """
    if len(heatmaps) == 0:
        raise ValueError('heatmaps must hold at least one stage, got none')
    sizes = {tuple(h.shape[-2:]) for h in heatmaps}
    if len(sizes) != 1:
        raise ValueError(f'heatmap stages differ in size: {sorted(sizes)}')
    channels = [h.shape[1] for h in heatmaps]
    merged = unwarp_heatmaps(torch.cat(list(heatmaps), dim=1), gamma)
    return tuple(torch.split(merged, channels, dim=1))


def pixel_to_normalized(points: Tensor, size: Sequence[int]) -> Tensor:
    """Pixel coordinates to ``align_corners=False`` normalized coordinates.

    Pixel ``i`` is centered at coordinate ``i`` (OpenCV / MMPose keypoint
    convention), so ``u = (2 x + 1) / W - 1``.

    Args:
        points (Tensor): (..., 2) pixel coordinates (x, y).
        size (Sequence[int]): Image size (w, h).

    Returns:
        Tensor: (..., 2) normalized coordinates.
    """
    wh = points.new_tensor([float(size[0]), float(size[1])])
    return (2 * points + 1) / wh - 1


def normalized_to_pixel(points: Tensor, size: Sequence[int]) -> Tensor:
    """Inverse of :func:`pixel_to_normalized`.

    Args:
        points (Tensor): (..., 2) normalized coordinates.
        size (Sequence[int]): Image size (w, h).

    Returns:
        Tensor: (..., 2) pixel coordinates.
    """
    wh = points.new_tensor([float(size[0]), float(size[1])])
    return ((points + 1) * wh - 1) / 2


def transform_points(points: Tensor, theta: Tensor) -> Tensor:
    """Apply an affine map to normalized points: ``A @ p + t``.

    Args:
        points (Tensor): (N, K, 2) normalized points.
        theta (Tensor): (N, 2, 3) affine parameters.

    Returns:
        Tensor: (N, K, 2) mapped points.
    """
    check_theta(theta)
    if points.dim() != 3 or points.shape[-1] != 2 or (points.shape[0] !=
                                                      theta.shape[0]):
        raise ValueError('points must have shape (N, K, 2) matching theta '
                         f'(N={theta.shape[0]}), got {tuple(points.shape)}')
    theta = theta.to(points.dtype)
    return points @ theta[:, :, :2].transpose(1, 2) + theta[:, None, :, 2]


def warped_to_crop_pixels(points: Tensor, theta: Tensor,
                          size: Sequence[int]) -> Tensor:
    """Map pixel positions in the STN output back to the input crop.

    A joint seen at pixel ``q`` of the warped image lies at
    ``theta @ [q, 1]`` in the crop (in normalized coordinates), which is the
    point form of the SDTN. Used for coordinate heads, whose predictions
    are points rather than heatmaps.

    Args:
        points (Tensor): (N, K, 2) pixel coordinates in the warped image.
        theta (Tensor): (N, 2, 3) STN parameters of each sample.
        size (Sequence[int]): Image size (w, h) of both frames.

    Returns:
        Tensor: (N, K, 2) pixel coordinates in the crop.
    """
    normalized = pixel_to_normalized(points, size)
    return normalized_to_pixel(transform_points(normalized, theta), size)


def compose_affine(outer: Tensor, inner: Tensor) -> Tensor:
    """The affine map ``outer o inner`` (apply ``inner`` first).

    Args:
        outer (Tensor): (N, 2, 3) map applied second.
        inner (Tensor): (N, 2, 3) map applied first.

    Returns:
        Tensor: (N, 2, 3) ``[A_o A_i | A_o t_i + t_o]``.
    """
    check_theta(outer, 'outer')
    check_theta(inner, 'inner')
    if outer.shape[0] != inner.shape[0]:
        raise ValueError(f'outer has {outer.shape[0]} maps but inner has '
                         f'{inner.shape[0]}')
    inner = inner.to(outer.dtype)
    lin = outer[:, :, :2] @ inner[:, :, :2]
    trans = outer[:, :, :2] @ inner[:, :, 2:] + outer[:, :, 2:]
    return torch.cat([lin, trans], dim=2)


def box_in_window_theta(num: int,
                        window_size: Sequence[int],
                        crop_size: Sequence[int],
                        dtype: torch.dtype = torch.float32,
                        device: Optional[torch.device] = None) -> Tensor:
    """``theta_box``: the box's crop inside a centered context window.

    A context window (``TopdownContextAffine``) has the crop's pixel
    density and the box at its center, offset by ``(W_w - W) / 2`` pixels,
    so crop pixel ``i`` is window pixel ``i + (W_w - W) / 2`` along each
    axis, which in ``align_corners=False`` normalized coordinates is
    ``v = u * W / W_w``: ``theta_box = [[W / W_w, 0, 0], [0, H / H_w, 0]]``.
    Sampling the window with it on a (W, H) grid reproduces the crop
    (exactly, up to float error, when ``W_w - W`` and ``H_w - H`` are
    even). With ``window_size == crop_size`` it is the identity.

    Args:
        num (int): Batch size N.
        window_size (Sequence[int]): Window size (w, h).
        crop_size (Sequence[int]): Crop (SPPE input) size (w, h), at most
            the window size.
        dtype (torch.dtype): Data type. Defaults to float32.
        device (torch.device, optional): Device. Defaults to None.

    Returns:
        Tensor: (N, 2, 3) ``theta_box``.
    """
    (ww, wh), (cw, ch) = window_size, crop_size
    if min(ww, wh, cw, ch) <= 0 or cw > ww or ch > wh:
        raise ValueError('crop_size must be positive and fit in window_size, '
                         f'got crop_size {tuple(crop_size)} and window_size '
                         f'{tuple(window_size)}')
    theta = identity_theta(num, dtype, device)
    theta[:, 0, 0] = float(cw) / float(ww)
    theta[:, 1, 1] = float(ch) / float(wh)
    return theta


def heatmap_to_input_pixels(points: Tensor, input_size: Sequence[int],
                            heatmap_size: Sequence[int],
                            mapping: str) -> Tensor:
    """Heatmap pixel coordinates to crop (input) pixel coordinates.

    The inverse of the codec's pixel mapping (:data:`HEATMAP_MAPPINGS`),
    e.g. ``x = x_h * W / w`` for ``'scale'`` (``MSRAHeatmap``).

    Args:
        points (Tensor): (..., 2) heatmap pixel coordinates (x, y).
        input_size (Sequence[int]): Crop size (w, h).
        heatmap_size (Sequence[int]): Heatmap size (w, h).
        mapping (str): One of :data:`HEATMAP_MAPPINGS`.

    Returns:
        Tensor: (..., 2) crop pixel coordinates.
    """
    ax, bx = _frame_change(int(input_size[0]), int(heatmap_size[0]), mapping)
    ay, by = _frame_change(int(input_size[1]), int(heatmap_size[1]), mapping)
    normalized = pixel_to_normalized(points, heatmap_size)
    a = points.new_tensor([ax, ay])
    b = points.new_tensor([bx, by])
    return normalized_to_pixel((normalized - b) / a, input_size)


def input_to_heatmap_pixels(points: Tensor, input_size: Sequence[int],
                            heatmap_size: Sequence[int],
                            mapping: str) -> Tensor:
    """Inverse of :func:`heatmap_to_input_pixels`.

    Args:
        points (Tensor): (..., 2) crop pixel coordinates (x, y).
        input_size (Sequence[int]): Crop size (w, h).
        heatmap_size (Sequence[int]): Heatmap size (w, h).
        mapping (str): One of :data:`HEATMAP_MAPPINGS`.

    Returns:
        Tensor: (..., 2) heatmap pixel coordinates.
    """
    ax, bx = _frame_change(int(input_size[0]), int(heatmap_size[0]), mapping)
    ay, by = _frame_change(int(input_size[1]), int(heatmap_size[1]), mapping)
    normalized = pixel_to_normalized(points, input_size)
    a = points.new_tensor([ax, ay])
    b = points.new_tensor([bx, by])
    return normalized_to_pixel(normalized * a + b, heatmap_size)


def mirror_theta(theta: Tensor) -> Tensor:
    """The same map for horizontally flipped images: ``M theta M`` with
    ``M = diag(-1, 1)``.

    Flipping an image (``x -> W - 1 - x``) negates its ``align_corners=
    False`` normalized x, so warping the flipped image with the result
    gives the flipped warp of the image: ``a01``, ``a10`` and ``t_x``
    change sign.

    Args:
        theta (Tensor): (N, 2, 3) affine parameters.

    Returns:
        Tensor: (N, 2, 3) mirrored parameters.
    """
    check_theta(theta)
    sign = theta.new_tensor([[1., -1., -1.], [-1., 1., 1.]])
    return theta * sign
