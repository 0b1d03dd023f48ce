"""Differentiable sub-pixel joint positions from heatmaps."""
from typing import Tuple

import torch
import torch.nn.functional as F
from torch import Tensor


def soft_argmax(heatmaps: Tensor,
                threshold_ratio: float = 0.5) -> Tuple[Tensor, Tensor]:
    """Peak position and value of every heatmap, differentiably.

    Each heatmap is reduced to the centroid of ``relu(h - r * max(h))``
    (``r = threshold_ratio``): only the top of the strongest peak counts,
    so, unlike a softmax over the whole map, the background does not pull
    the position toward the center, and a symmetric peak gives its exact
    center (a Gaussian of MMPose's codecs within a fraction of a pixel on
    the discrete grid). The centroid is differentiable with respect to the
    heatmap values (almost everywhere).

    A map whose maximum is not positive has no top: its position is the
    map's center and its confidence that maximum (<= 0). No NaN either way.

    Args:
        heatmaps (Tensor): (N, K, H, W) heatmaps.
        threshold_ratio (float): ``r`` in [0, 1). Defaults to 0.5.

    Returns:
        tuple[Tensor, Tensor]: (N, K, 2) positions in heatmap pixels (x, y),
        pixel centers at integers; (N, K) confidences (the maxima).
    """
    if not isinstance(heatmaps, Tensor) or heatmaps.dim() != 4:
        shape = (
            tuple(heatmaps.shape)
            if isinstance(heatmaps, Tensor) else type(heatmaps))
        raise ValueError(
            f'heatmaps must be a (N, K, H, W) tensor, got {shape}')
    if not 0.0 <= threshold_ratio < 1.0:
        raise ValueError('threshold_ratio must be in [0, 1), got '
                         f'{threshold_ratio}')
    n, k, h, w = heatmaps.shape
    flat = heatmaps.flatten(2)
    peak = flat.amax(dim=2)
    weights = F.relu(flat - threshold_ratio * peak.clamp_min(0)[..., None])
    weights = torch.where(peak[..., None] > 0, weights,
                          torch.zeros_like(weights))
    total = weights.sum(dim=2)
    safe_total = torch.where(total > 0, total, torch.ones_like(total))
    ys, xs = torch.meshgrid(
        torch.arange(h, dtype=heatmaps.dtype, device=heatmaps.device),
        torch.arange(w, dtype=heatmaps.dtype, device=heatmaps.device),
        indexing='ij')
    x = (weights * xs.flatten()).sum(dim=2) / safe_total
    y = (weights * ys.flatten()).sum(dim=2) / safe_total
    center = heatmaps.new_tensor([(w - 1) / 2.0, (h - 1) / 2.0])
    coords = torch.stack([x, y], dim=-1)
    coords = torch.where((total > 0)[..., None], coords,
                         center.expand(n, k, 2))
    return coords, peak
