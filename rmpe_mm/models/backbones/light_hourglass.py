"""A small, configurable stacked hourglass that trains on a CPU."""
import copy
from typing import Dict, List, Optional, Sequence, Tuple

import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from mmpose.models.backbones.base_backbone import BaseBackbone
from mmpose.models.backbones.resnet import BasicBlock, Bottleneck, ResLayer
from mmpose.registry import MODELS
from mmpose.utils.typing import ConfigType, OptMultiConfig
from torch import Tensor, nn

#: Residual units the hourglass can be built from.
BLOCKS: Dict[str, type] = dict(basic=BasicBlock, bottleneck=Bottleneck)


def _res_layer(block: type, num_blocks: int, in_channels: int,
               out_channels: int, norm_cfg: ConfigType) -> nn.Module:
    """``num_blocks`` residual units (stride 1), ``in -> out`` channels."""
    return ResLayer(
        block,
        num_blocks,
        in_channels,
        out_channels,
        norm_cfg=copy.deepcopy(norm_cfg))


class HourglassLevel(BaseModule):
    """One level of a recursive hourglass (Newell et al., 2016).

    ``out = skip(x) + upsample(up(inner(down(maxpool(x)))))`` where ``inner``
    is the next level, or residual units at the lowest resolution. Unlike
    MMPose's ``HourglassModule`` it down-samples by max pooling (as Newell
    et al.), passes ``norm_cfg`` to every level and up-samples to the exact
    size of the skip branch, so odd feature sizes work.

    Args:
        channels (Sequence[int]): Channels of this level and the levels
            below it; ``len(channels) == depth + 1``.
        blocks (Sequence[int]): Residual units per level, same length.
        block (type): Residual unit class (``BasicBlock`` or
            ``Bottleneck``).
        norm_cfg (dict): Normalization layer config.
    """

    def __init__(self, channels: Sequence[int], blocks: Sequence[int],
                 block: type, norm_cfg: ConfigType) -> None:
        super().__init__()
        cur, nxt = int(channels[0]), int(channels[1])
        self.skip = _res_layer(block, blocks[0], cur, cur, norm_cfg)
        self.down = _res_layer(block, blocks[0], cur, nxt, norm_cfg)
        if len(channels) > 2:
            self.inner: nn.Module = HourglassLevel(channels[1:], blocks[1:],
                                                   block, norm_cfg)
        else:
            self.inner = _res_layer(block, blocks[1], nxt, nxt, norm_cfg)
        self.up = _res_layer(block, blocks[0], nxt, cur, norm_cfg)

    def forward(self, x: Tensor) -> Tensor:
        """Features of the same shape as ``x``."""
        low = self.down(F.max_pool2d(x, kernel_size=2, stride=2))
        low = self.up(self.inner(low))
        return self.skip(x) + F.interpolate(
            low, size=x.shape[-2:], mode='nearest')


@MODELS.register_module()
class LightHourglassNet(BaseBackbone):
    """Stacked hourglass with configurable stem and stage widths.

    Newell et al.'s stacked hourglass, small enough to train on a CPU:
    MMPose's ``HourglassNet`` always has a 256-channel stem, which makes
    even a 1-stack model cost tens of seconds per batch-32 step on a 2-core
    CPU. Here every width is an argument.

    Layout: stem (``3x3`` stride-2 convolution to ``stem_channels``, then a
    residual layer to ``stage_channels[0]`` that is strided when
    ``stem_stride == 4``); ``num_stacks`` hourglasses
    (:class:`HourglassLevel`, ``downsample_times`` max-pool levels), each
    followed by a ``3x3`` convolution to ``feat_channels`` whose output is
    that stack's feature map. Between stacks the input of the next
    hourglass is ``relu(x + proj(feat))`` (``proj``: ``1x1`` convolution +
    BN), the feature-space form of Newell's ``x + ll + remap(heatmaps)``
    (the heatmaps live in the head, which the backbone cannot see).
    Intermediate supervision: pair it with ``CPMHead(num_stages=num_stacks,
    deconv_out_channels=None)``; the feature stride (heatmap size = input
    size / ``stem_stride``) is ``stem_stride``.

    Args:
        num_stacks (int): Number of hourglasses. Defaults to 2.
        downsample_times (int): Max-pool levels per hourglass. Defaults to 3.
        stem_channels (int): Channels of the stem convolution. Defaults to
            32.
        stem_stride (int): Total stride of the stem, 2 or 4 (Newell: 4).
            Defaults to 2, which keeps small crops at usable heatmap sizes.
        stage_channels (Sequence[int]): Channels of each hourglass level,
            top first; ``downsample_times + 1`` entries. Defaults to
            ``(64, 64, 64, 64)``.
        stage_blocks (Sequence[int]): Residual units per level, same length
            as ``stage_channels``. Defaults to ``(1, 1, 1, 1)``.
        feat_channels (int): Channels of each stack's output feature map.
            Defaults to 64.
        block (str): ``'basic'`` (two ``3x3`` convs, as MMPose's
            ``HourglassNet``) or ``'bottleneck'`` (Newell's unit). Defaults
            to ``'basic'``.
        norm_cfg (dict, optional): Normalization config. Defaults to None:
            ``dict(type='BN', requires_grad=True)``.
        init_cfg (dict | list[dict], optional): Initialisation config.
            Defaults to None: the layers' own initialisation (``ConvModule``:
            Kaiming-normal; residual units: PyTorch's default). On the
            synthetic benchmark this trained as fast as MMPose ResNet's
            Kaiming ``init_cfg`` (``dict(type='Kaiming', layer='Conv2d')``)
            or faster (27.5 vs 30.4 val mAP after 4 epochs).

    Example:
        >>> import torch
        >>> net = LightHourglassNet(num_stacks=2)
        >>> net.eval()
        >>> [tuple(f.shape) for f in net(torch.rand(1, 3, 64, 64))]
        [(1, 64, 32, 32), (1, 64, 32, 32)]
    """

    def __init__(self,
                 num_stacks: int = 2,
                 downsample_times: int = 3,
                 stem_channels: int = 32,
                 stem_stride: int = 2,
                 stage_channels: Sequence[int] = (64, 64, 64, 64),
                 stage_blocks: Sequence[int] = (1, 1, 1, 1),
                 feat_channels: int = 64,
                 block: str = 'basic',
                 norm_cfg: Optional[ConfigType] = None,
                 init_cfg: OptMultiConfig = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self._check_args(num_stacks, downsample_times, stem_channels,
                         stem_stride, stage_channels, stage_blocks,
                         feat_channels, block)
        norm_cfg = (
            dict(type='BN', requires_grad=True)
            if norm_cfg is None else copy.deepcopy(norm_cfg))
        unit = BLOCKS[block]
        width = int(stage_channels[0])
        self.num_stacks = int(num_stacks)
        self.stem_stride = int(stem_stride)
        self.stem = nn.Sequential(
            ConvModule(
                3, stem_channels, 3, stride=2, padding=1, norm_cfg=norm_cfg),
            ResLayer(
                unit,
                1,
                stem_channels,
                width,
                stride=self.stem_stride // 2,
                norm_cfg=copy.deepcopy(norm_cfg)))
        self.hourglasses = nn.ModuleList([
            HourglassLevel(stage_channels, stage_blocks, unit, norm_cfg)
            for _ in range(num_stacks)
        ])
        self.out_convs = nn.ModuleList([
            ConvModule(width, feat_channels, 3, padding=1, norm_cfg=norm_cfg)
            for _ in range(num_stacks)
        ])
        self.merges = nn.ModuleList([
            ConvModule(
                feat_channels, width, 1, norm_cfg=norm_cfg, act_cfg=None)
            for _ in range(num_stacks - 1)
        ])

    @staticmethod
    def _check_args(num_stacks: int, downsample_times: int, stem_channels: int,
                    stem_stride: int, stage_channels: Sequence[int],
                    stage_blocks: Sequence[int], feat_channels: int,
                    block: str) -> None:
        """Raise ValueError naming the first bad argument."""
        if int(num_stacks) < 1:
            raise ValueError(f'num_stacks must be >= 1, got {num_stacks}')
        if int(downsample_times) < 1:
            raise ValueError('downsample_times must be >= 1, got '
                             f'{downsample_times}')
        if stem_stride not in (2, 4):
            raise ValueError(f'stem_stride must be 2 or 4, got {stem_stride}')
        if block not in BLOCKS:
            raise ValueError(f'block must be one of {sorted(BLOCKS)}, got '
                             f'{block!r}')
        for name, seq in (('stage_channels', stage_channels), ('stage_blocks',
                                                               stage_blocks)):
            if len(seq) != downsample_times + 1:
                raise ValueError(
                    f'{name} needs downsample_times + 1 = '
                    f'{downsample_times + 1} entries, got {tuple(seq)}')
        if min(stage_channels) < 1 or stem_channels < 1 or feat_channels < 1:
            raise ValueError(
                'channels must be positive, got stem_channels='
                f'{stem_channels}, stage_channels={tuple(stage_channels)}, '
                f'feat_channels={feat_channels}')
        if min(stage_blocks) < 1:
            raise ValueError(
                f'stage_blocks must be >= 1, got {tuple(stage_blocks)}')

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        """Per-stack feature maps, ``(N, feat_channels, H/s, W/s)`` each.

        Args:
            x (Tensor): (N, 3, H, W) images.

        Returns:
            tuple[Tensor]: ``num_stacks`` feature maps (``s = stem_stride``).
        """
        inter = self.stem(x)
        feats: List[Tensor] = []
        for i, (hourglass,
                out_conv) in enumerate(zip(self.hourglasses, self.out_convs)):
            feat = out_conv(hourglass(inter))
            feats.append(feat)
            if i < self.num_stacks - 1:
                inter = F.relu(inter + self.merges[i](feat))
        return tuple(feats)
