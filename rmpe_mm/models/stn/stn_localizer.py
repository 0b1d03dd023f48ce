"""Localisation network of the symmetric STN (docs/method.md, section 1)."""
import copy
import logging
from typing import Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmengine.logging import MessageHub, print_log
from mmengine.model import BaseModule
from mmpose.registry import MODELS
from mmpose.utils.typing import OptConfigType, OptMultiConfig
from torch import Tensor, nn

from ..utils.affine import guard_singular_theta

#: Bias of the final linear layer: the identity map ``[[1, 0, 0], [0, 1, 0]]``.
IDENTITY_BIAS = (1., 0., 0., 0., 1., 0.)


def _project_similarity(theta: Tensor) -> Tensor:
    """Nearest (Frobenius) ``A = [[a, -b], [b, a]]``: scale and rotation."""
    a = 0.5 * (theta[:, 0, 0] + theta[:, 1, 1])
    b = 0.5 * (theta[:, 1, 0] - theta[:, 0, 1])
    lin = torch.stack(
        [torch.stack([a, -b], dim=-1),
         torch.stack([b, a], dim=-1)], dim=1)
    return torch.cat([lin, theta[:, :, 2:]], dim=2)


def _project_scale_translation(theta: Tensor) -> Tensor:
    """Nearest (Frobenius) ``A = s I``: isotropic zoom, no rotation."""
    s = 0.5 * (theta[:, 0, 0] + theta[:, 1, 1])
    zero = torch.zeros_like(s)
    lin = torch.stack(
        [torch.stack([s, zero], dim=-1),
         torch.stack([zero, s], dim=-1)],
        dim=1)
    return torch.cat([lin, theta[:, :, 2:]], dim=2)


_CONSTRAINTS = {
    'affine': lambda theta: theta,
    'similarity': _project_similarity,
    'scale_translation': _project_scale_translation,
}


@MODELS.register_module()
class STNLocalizer(BaseModule):
    """Predict the STN's affine ``theta`` (N, 2, 3) from the input crop.

    A backbone (default MMPose ``ResNet(depth=18)``), global average pooling
    and ``Linear(feat_channels, 6)`` whose weights are 0 and bias
    ``[1, 0, 0, 0, 1, 0]``: the network starts as the identity map, so an
    SSTN model starts exactly as its SPPE. ``theta`` is in PyTorch's
    normalized (x, y) coordinates, ``align_corners=False`` (see
    :mod:`rmpe_mm.models.utils.affine`).

    Near-singular guard (documented behaviour): a sample whose ``theta`` has
    a non-finite entry or ``|det A| < min_abs_det`` gets the identity
    ``theta`` instead (no gradient from that sample in that step), so the
    warp and its exact inverse never produce NaN/inf. Guarded samples are
    counted: :attr:`last_num_guarded` (last call), :attr:`num_guarded_total`
    (since construction, also published as the MessageHub runtime info
    ``'stn/num_guarded_total'``), and an MMLogger warning is written the
    first time and each time the total reaches a power of two.
    :class:`RMPEPoseEstimator` also logs the per-batch count as the
    training scalar ``stn_guarded``.

    Args:
        backbone (dict, optional): Backbone config; its last output feature
            map is pooled. Defaults to None: ``dict(type='ResNet',
            depth=18)`` (MMPose's ResNet, Kaiming init, no download).
        feat_channels (int): Channels of the backbone's last feature map.
            Defaults to 512 (ResNet-18).
        input_size (tuple[int, int], optional): (w, h) the localisation net
            sees; the crop is resized to it (bilinear, antialiased) before
            the backbone. ``theta`` is resolution independent, so this only
            trades accuracy of the localisation for compute. Defaults to
            None: the full crop, as in the paper.
        constraint (str): Family of ``theta``. ``'affine'`` (paper): all 6
            parameters free. ``'similarity'``: the predicted ``A`` is
            projected on ``[[a, -b], [b, a]]`` (scale, rotation) plus
            translation, which keeps aspect and cannot shear or collapse
            (``det = a^2 + b^2``). ``'scale_translation'``: ``A = s I``.
            The projections are the Frobenius-nearest members, so the
            identity initialisation is kept. Defaults to 'affine'.
        min_abs_det (float): Threshold of the singular guard; ``|det A|`` is
            the area ratio of the sampled region to the crop, 1e-3 means
            a ~32x zoom. Defaults to 1e-3.
        init_cfg (dict | list[dict], optional): Initialisation config of
            this module; the final linear layer is reset to the identity
            after it in :meth:`init_weights`. Defaults to None.
    """

    def __init__(self,
                 backbone: OptConfigType = None,
                 feat_channels: int = 512,
                 input_size: Optional[Sequence[int]] = None,
                 constraint: str = 'affine',
                 min_abs_det: float = 1e-3,
                 init_cfg: OptMultiConfig = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if constraint not in _CONSTRAINTS:
            raise ValueError('constraint must be one of '
                             f'{sorted(_CONSTRAINTS)}, got {constraint!r}')
        if min_abs_det < 0:
            raise ValueError(f'min_abs_det must be >= 0, got {min_abs_det}')
        if input_size is not None and (len(input_size) != 2
                                       or min(int(v)
                                              for v in input_size) <= 0):
            raise ValueError(
                f'input_size must be (w, h) > 0 or None, got {input_size}')
        if backbone is None:
            backbone = dict(type='ResNet', depth=18)
        self.backbone = MODELS.build(copy.deepcopy(backbone))
        self.fc = nn.Linear(feat_channels, 6)
        self.input_size: Optional[Tuple[int,
                                        int]] = (None if input_size is None
                                                 else (int(input_size[0]),
                                                       int(input_size[1])))
        self.constraint = constraint
        self.min_abs_det = float(min_abs_det)
        self.last_num_guarded = 0
        self.num_guarded_total = 0
        self.reset_identity()

    def reset_identity(self) -> None:
        """Set the final layer to the identity map (weights 0, bias I)."""
        with torch.no_grad():
            self.fc.weight.zero_()
            self.fc.bias.copy_(torch.tensor(IDENTITY_BIAS))

    def init_weights(self) -> None:
        """Initialise the backbone, then reset the final layer to identity."""
        super().init_weights()
        self.reset_identity()

    def _resize(self, x: Tensor) -> Tensor:
        """Resize the crop to :attr:`input_size` when one is set."""
        if self.input_size is None:
            return x
        w, h = self.input_size
        if tuple(x.shape[-2:]) == (h, w):
            return x
        return F.interpolate(
            x,
            size=(h, w),
            mode='bilinear',
            align_corners=False,
            antialias=True)

    def predict_raw(self, x: Tensor) -> Tensor:
        """Constrained ``theta`` before the singular guard.

        Args:
            x (Tensor): (N, C, H, W) input crops.

        Returns:
            Tensor: (N, 2, 3) theta.
        """
        feats = self.backbone(self._resize(x))
        if isinstance(feats, (tuple, list)):
            feats = feats[-1]
        pooled = F.adaptive_avg_pool2d(feats, 1).flatten(1)
        theta = self.fc(pooled).view(-1, 2, 3)
        return _CONSTRAINTS[self.constraint](theta)

    def forward(self, x: Tensor) -> Tensor:
        """Predict the guarded ``theta`` of each crop.

        Args:
            x (Tensor): (N, C, H, W) input crops (normalized images).

        Returns:
            Tensor: (N, 2, 3) theta, finite with ``|det A| >= min_abs_det``.
        """
        theta, guarded = guard_singular_theta(
            self.predict_raw(x), self.min_abs_det)
        self._record_guarded(int(guarded.sum()))
        return theta

    def _record_guarded(self, num: int) -> None:
        """Count guarded samples and report them (see class docstring)."""
        self.last_num_guarded = num
        if num == 0:
            return
        before = self.num_guarded_total
        self.num_guarded_total += num
        MessageHub.get_current_instance().update_info('stn/num_guarded_total',
                                                      self.num_guarded_total)
        # warn at the first event and whenever the total passes 2^k
        if before == 0 or (self.num_guarded_total.bit_length() >
                           before.bit_length()):
            print_log(
                f'STNLocalizer: {num} near-singular theta replaced by the '
                f'identity in this batch (|det A| < {self.min_abs_det} or '
                f'non-finite); {self.num_guarded_total} in total.',
                logger='current',
                level=logging.WARNING)
