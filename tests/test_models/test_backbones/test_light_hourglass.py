"""Tests of LightHourglassNet."""
import pytest
import torch
from mmpose.models.backbones.resnet import BasicBlock
from mmpose.registry import MODELS

from rmpe_mm.models.backbones import HourglassLevel, LightHourglassNet

TINY = dict(
    num_stacks=2,
    downsample_times=2,
    stem_channels=4,
    stage_channels=(8, 8, 8),
    stage_blocks=(1, 1, 1),
    feat_channels=6)


@pytest.mark.parametrize('stem_stride', [2, 4])
def test_outputs_one_map_per_stack_at_stem_stride(stem_stride):
    net = LightHourglassNet(stem_stride=stem_stride, **TINY)
    net.eval()
    feats = net(torch.rand(2, 3, 32, 24))
    assert isinstance(feats, tuple) and len(feats) == 2
    for feat in feats:
        assert feat.shape == (2, 6, 32 // stem_stride, 24 // stem_stride)


def test_registered_and_builds_bottleneck_variant():
    net = MODELS.build(
        dict(type='LightHourglassNet', block='bottleneck', **TINY))
    assert isinstance(net, LightHourglassNet)
    assert type(net.hourglasses[0].skip[0]).__name__ == 'Bottleneck'
    assert len(net.hourglasses) == 2 and len(net.merges) == 1


def test_odd_feature_sizes_keep_skip_shape():
    level = HourglassLevel((4, 4, 4), (1, 1, 1), BasicBlock, dict(type='BN'))
    level.eval()
    x = torch.rand(1, 4, 7, 5)
    assert level(x).shape == x.shape


def test_second_stack_depends_on_first_stack_features():
    """The merge feeds stack 1's features into stack 2 (gradients flow)."""
    net = LightHourglassNet(**TINY)
    net.train()
    feats = net(torch.rand(2, 3, 16, 16))
    feats[1].sum().backward()
    grad = net.out_convs[0].conv.weight.grad
    assert grad is not None and grad.abs().sum() > 0


def test_widths_are_configurable():
    small = LightHourglassNet(**TINY)
    wide = LightHourglassNet(**dict(TINY, stage_channels=(16, 16, 16)))
    count = lambda m: sum(p.numel() for p in m.parameters())  # noqa: E731
    assert count(wide) > 2 * count(small)
    assert small.stem[0].conv.out_channels == 4


@pytest.mark.parametrize('kwargs, field', [
    (dict(num_stacks=0), 'num_stacks'),
    (dict(downsample_times=0), 'downsample_times'),
    (dict(stem_stride=3), 'stem_stride'),
    (dict(block='dense'), 'block'),
    (dict(stage_channels=(8, 8)), 'stage_channels'),
    (dict(stage_blocks=(1, 1)), 'stage_blocks'),
    (dict(stage_channels=(8, 0, 8)), 'channels'),
    (dict(stage_blocks=(1, 0, 1)), 'stage_blocks'),
])
def test_bad_arguments_raise_naming_the_field(kwargs, field):
    with pytest.raises(ValueError, match=field):
        LightHourglassNet(**dict(TINY, **kwargs))
