"""A localiser that re-centers from the SPPE's own first look (issue 22)."""
import logging
from typing import Optional, Sequence, Tuple

import torch
from mmengine.logging import MessageHub, print_log
from mmengine.model import BaseModule
from mmpose.registry import MODELS
from mmpose.utils.typing import OptMultiConfig
from torch import Tensor, nn

from ..utils.affine import (compose_affine, heatmap_to_input_pixels,
                            identity_theta)
from ..utils.soft_argmax import soft_argmax


def _pair(value: Sequence[float], name: str) -> Tuple[float, float]:
    """A (x, y) pair of floats, validated."""
    if len(value) != 2:
        raise ValueError(f'{name} must be an (x, y) pair, got {value}')
    return float(value[0]), float(value[1])


def box_to_theta(center: Tensor, size: Tensor,
                 input_size: Sequence[int]) -> Tensor:
    """``theta`` of the crop of a box given in crop pixels.

    MMPose's crop convention (``get_warp_matrix``): the box center goes to
    output pixel ``W / 2`` and the box width to ``W`` pixels, so output
    pixel ``i`` samples crop pixel ``c + (i - W / 2) s / W``. In
    ``align_corners=False`` normalized coordinates that is
    ``v = (s / W) u + (2 c + 1 - s / W) / W - 1`` along each axis.

    Args:
        center (Tensor): (N, 2) box centers in crop pixels.
        size (Tensor): (N, 2) box sizes (w, h) in crop pixels.
        input_size (Sequence[int]): Crop size (w, h).

    Returns:
        Tensor: (N, 2, 3) maps from the output crop to the input crop.
    """
    wh = center.new_tensor([float(input_size[0]), float(input_size[1])])
    ratio = size / wh
    trans = (2 * center + 1 - ratio) / wh - 1
    zero = torch.zeros_like(ratio[:, 0])
    return torch.stack([
        torch.stack([ratio[:, 0], zero, trans[:, 0]], dim=-1),
        torch.stack([zero, ratio[:, 1], trans[:, 1]], dim=-1)
    ],
                       dim=1)


@MODELS.register_module()
class PoseGuidedLocalizer(BaseModule):
    """``theta`` from the joints the SPPE finds in a first look.

    :class:`~rmpe_mm.models.RMPEPoseEstimator` runs the SPPE once on the
    box crop (``theta_box`` of the context window) and passes its last-stage
    heatmaps here (:attr:`uses_first_look`). Joints come from
    :func:`~rmpe_mm.models.utils.soft_argmax` (differentiable), those with a
    peak ``>= score_thr`` are *confident*, and the box is built from them
    with the data set's box convention: the midpoint of their extent plus
    ``center_offset`` times the extent, the extent times ``extent_scale``
    and ``padding`` (the pipeline's ``GetBBoxCenterScale`` padding), then
    enlarged to the crop's aspect ratio as ``TopdownAffine`` does. ``theta``
    is the crop of that box (:func:`box_to_theta`) in the box crop's
    normalized coordinates; the estimator composes it with ``theta_box``, so
    a context window supplies the pixels outside the box. On ground-truth
    joints this is the crop of the ground-truth box up to the convention's
    fit, i.e. the center-located crop.

    Fallback (documented, counted): a sample with fewer than ``min_joints``
    confident joints, or whose box is smaller than ``min_box_ratio`` of the
    crop on both axes, gets the identity (``theta_box``: today's crop).
    Counted in :attr:`last_num_fallback`, :attr:`num_fallback_total` (also
    the MessageHub runtime info ``'stn/num_fallback_total'``) and logged as
    a warning when the total passes a power of two; the estimator logs the
    batch count as ``stn_fallback``. ``theta`` is finite in every case.

    Optional learned correction (``correction=True``): a small MLP on the
    joints (normalized to the pose box) and their confidences predicts
    ``delta``, initialised to 0, and ``theta = theta_pose o (I + delta)``.

    Args:
        score_thr (float): Heatmap peak of a confident joint. Defaults to
            0.2 (MMPose heatmaps peak at 1).
        min_joints (int): Fewest confident joints for a box. Defaults to 2.
        threshold_ratio (float): Of :func:`soft_argmax`. Defaults to 0.5.
        padding (float): Box enlargement, as the data pipeline's. Defaults
            to 1.25 (MMPose's ``GetBBoxCenterScale``; the MPII configs use
            1.3).
        extent_scale (Sequence[float]): Ground-truth box size over the
            joints' extent, (x, y). Defaults to (1.0, 1.0).
        center_offset (Sequence[float]): Ground-truth box center minus the
            joints' extent midpoint, in units of the extent, (x, y).
            Defaults to (0.0, 0.0).
        min_box_ratio (float): Smallest accepted box size relative to the
            crop (largest axis). Defaults to 0.05.
        detach_first_look (bool): Run the first look without gradient (the
            estimator reads it). Defaults to True: the SPPE learns from the
            second look only and the first costs no backward pass.
        correction (bool): Add the learned correction. Defaults to False.
        num_keypoints (int, optional): K, required with ``correction``.
        hidden_channels (int): Width of the correction MLP. Defaults to 64.
        init_cfg (dict | list[dict], optional): Init config. Defaults to
            None.
    """

    #: The estimator passes the first look's heatmaps, not the crop.
    uses_first_look = True

    def __init__(self,
                 score_thr: float = 0.2,
                 min_joints: int = 2,
                 threshold_ratio: float = 0.5,
                 padding: float = 1.25,
                 extent_scale: Sequence[float] = (1.0, 1.0),
                 center_offset: Sequence[float] = (0.0, 0.0),
                 min_box_ratio: float = 0.05,
                 detach_first_look: bool = True,
                 correction: bool = False,
                 num_keypoints: Optional[int] = None,
                 hidden_channels: int = 64,
                 init_cfg: OptMultiConfig = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if min_joints < 2:
            raise ValueError(f'min_joints must be >= 2, got {min_joints}')
        if padding <= 0 or min_box_ratio <= 0:
            raise ValueError('padding and min_box_ratio must be > 0, got '
                             f'{padding} and {min_box_ratio}')
        self.extent_scale = _pair(extent_scale, 'extent_scale')
        self.center_offset = _pair(center_offset, 'center_offset')
        if min(self.extent_scale) <= 0:
            raise ValueError(f'extent_scale must be > 0, got {extent_scale}')
        self.score_thr = float(score_thr)
        self.min_joints = int(min_joints)
        self.threshold_ratio = float(threshold_ratio)
        self.padding = float(padding)
        self.min_box_ratio = float(min_box_ratio)
        self.detach_first_look = bool(detach_first_look)
        self.correction: Optional[nn.Module] = None
        if correction:
            if num_keypoints is None or num_keypoints <= 0:
                raise ValueError('correction=True needs num_keypoints > 0, '
                                 f'got {num_keypoints}')
            self.correction = nn.Sequential(
                nn.Linear(3 * num_keypoints, hidden_channels), nn.ReLU(),
                nn.Linear(hidden_channels, 6))
        self.last_num_fallback = 0
        self.num_fallback_total = 0
        self.last_num_guarded = 0
        self.reset_correction()

    def reset_correction(self) -> None:
        """Zero the correction's output layer (theta_pose unchanged)."""
        if self.correction is None:
            return
        with torch.no_grad():
            self.correction[-1].weight.zero_()
            self.correction[-1].bias.zero_()

    def init_weights(self) -> None:
        """Initialise, then zero the correction's output layer."""
        super().init_weights()
        self.reset_correction()

    def pose_box(self, keypoints: Tensor, scores: Tensor,
                 input_size: Sequence[int]) -> Tuple[Tensor, Tensor, Tensor]:
        """The box convention applied to the confident joints.

        Args:
            keypoints (Tensor): (N, K, 2) joints in crop pixels.
            scores (Tensor): (N, K) their confidences.
            input_size (Sequence[int]): Crop size (w, h).

        Returns:
            tuple[Tensor, Tensor, Tensor]: (N, 2) centers and (N, 2) sizes in
            crop pixels (finite, placeholders where invalid) and the (N,)
            bool mask of valid boxes.
        """
        confident = scores >= self.score_thr
        big = torch.finfo(keypoints.dtype).max
        mask = confident[..., None]
        low = torch.where(mask, keypoints, torch.full_like(keypoints,
                                                           big)).amin(dim=1)
        high = torch.where(mask, keypoints, torch.full_like(keypoints,
                                                            -big)).amax(dim=1)
        valid = confident.sum(dim=1) >= self.min_joints
        low = torch.where(valid[:, None], low, torch.zeros_like(low))
        high = torch.where(valid[:, None], high, torch.zeros_like(high))
        extent = high - low
        center = 0.5 * (low + high) + extent * extent.new_tensor(
            self.center_offset)
        size = extent * extent.new_tensor(self.extent_scale) * self.padding
        wh = size.new_tensor([float(input_size[0]), float(input_size[1])])
        aspect = wh[0] / wh[1]
        # enlarge the shorter side to the crop's aspect, as TopdownAffine
        width = torch.maximum(size[:, 0], size[:, 1] * aspect)
        size = torch.stack([width, width / aspect], dim=-1)
        valid = valid & ((size / wh).amax(dim=1) >= self.min_box_ratio)
        return center, size, valid

    def forward(self, heatmaps: Tensor, input_size: Sequence[int],
                heatmap_mapping: str) -> Tensor:
        """``theta`` (in the box crop's frame) from first-look heatmaps.

        Args:
            heatmaps (Tensor): (N, K, h, w) last-stage heatmaps of the box
                crop.
            input_size (Sequence[int]): Crop (SPPE input) size (w, h).
            heatmap_mapping (str): The codec's pixel mapping
                (:data:`~rmpe_mm.models.utils.affine.HEATMAP_MAPPINGS`).

        Returns:
            Tensor: (N, 2, 3) finite ``theta``; the identity for fallbacks.
        """
        points, scores = soft_argmax(heatmaps, self.threshold_ratio)
        keypoints = heatmap_to_input_pixels(
            points, input_size, (heatmaps.shape[-1], heatmaps.shape[-2]),
            heatmap_mapping)
        center, size, valid = self.pose_box(keypoints, scores, input_size)
        eye = identity_theta(heatmaps.shape[0], heatmaps.dtype,
                             heatmaps.device)
        safe_size = torch.where(
            valid[:, None], size,
            size.new_tensor([float(input_size[0]),
                             float(input_size[1])]))
        theta = box_to_theta(center, safe_size, input_size)
        if self.correction is not None:
            theta = self._corrected(theta, keypoints, scores, center,
                                    safe_size)
        theta = torch.where(valid[:, None, None], theta, eye)
        self._record_fallback(int((~valid).sum()))
        return theta

    def _corrected(self, theta: Tensor, keypoints: Tensor, scores: Tensor,
                   center: Tensor, size: Tensor) -> Tensor:
        """``theta o (I + delta)`` with the MLP's ``delta``."""
        relative = (keypoints - center[:, None]) / size[:, None]
        features = torch.cat([relative.flatten(1), scores], dim=1)
        delta = self.correction(features).view(-1, 2, 3)
        inner = identity_theta(theta.shape[0], theta.dtype,
                               theta.device) + delta
        return compose_affine(theta, inner)

    def _record_fallback(self, num: int) -> None:
        """Count fallbacks and report them (see class docstring)."""
        self.last_num_fallback = num
        if num == 0:
            return
        before = self.num_fallback_total
        self.num_fallback_total += num
        MessageHub.get_current_instance().update_info('stn/num_fallback_total',
                                                      self.num_fallback_total)
        if before == 0 or (self.num_fallback_total.bit_length() >
                           before.bit_length()):
            print_log(
                f'PoseGuidedLocalizer: {num} samples without a pose box '
                f'(< {self.min_joints} joints scoring >= {self.score_thr} or '
                f'a box under {self.min_box_ratio} of the crop) kept '
                f'theta_box in this batch; {self.num_fallback_total} in '
                'total.',
                logger='current',
                level=logging.WARNING)
