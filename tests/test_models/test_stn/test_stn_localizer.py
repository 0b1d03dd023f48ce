"""Tests of STNLocalizer."""
import pytest
import torch
from mmengine.logging import MessageHub
from mmpose.registry import MODELS

from rmpe_mm.models.stn import STNLocalizer
from rmpe_mm.models.utils.affine import affine_det, identity_theta

TINY_RESNET = dict(
    type='ResNet', depth=18, stem_channels=8, base_channels=8, init_cfg=None)


def tiny_stn(**kwargs) -> STNLocalizer:
    return STNLocalizer(backbone=TINY_RESNET, feat_channels=64, **kwargs)


def test_default_is_resnet18_with_identity_head():
    stn = STNLocalizer()
    assert type(stn.backbone).__name__ == 'ResNet'
    assert stn.backbone.depth == 18
    assert stn.fc.in_features == 512 and stn.fc.out_features == 6
    assert torch.count_nonzero(stn.fc.weight) == 0
    assert stn.fc.bias.tolist() == [1., 0., 0., 0., 1., 0.]


def test_registered_and_identity_after_init_weights():
    stn = MODELS.build(
        dict(type='STNLocalizer', backbone=TINY_RESNET, feat_channels=64))
    torch.nn.init.normal_(stn.fc.weight)
    stn.init_weights()
    theta = stn(torch.randn(3, 3, 32, 32))
    assert torch.equal(theta, identity_theta(3))
    assert stn.last_num_guarded == 0


@pytest.mark.parametrize('constraint', ['similarity', 'scale_translation'])
def test_constraints_project_the_linear_part(constraint):
    stn = tiny_stn(constraint=constraint)
    with torch.no_grad():
        stn.fc.bias.copy_(torch.tensor([1.2, -0.3, 0.1, 0.5, 0.8, -0.2]))
    theta = stn(torch.randn(2, 3, 32, 32))[0]
    a = theta[:, :2]
    if constraint == 'similarity':
        expected = torch.tensor([[1.0, -0.4], [0.4, 1.0]])
    else:
        expected = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    assert torch.allclose(a, expected, atol=1e-6)
    assert torch.allclose(theta[:, 2], torch.tensor([0.1, -0.2]))


def test_affine_keeps_all_parameters():
    stn = tiny_stn()
    bias = torch.tensor([1.2, -0.3, 0.1, 0.5, 0.8, -0.2])
    with torch.no_grad():
        stn.fc.bias.copy_(bias)
    theta = stn(torch.randn(2, 3, 32, 32))
    assert torch.allclose(theta, bias.view(1, 2, 3).expand(2, 2, 3))


def test_input_size_resizes_what_the_backbone_sees():
    stn = tiny_stn(input_size=(24, 16))
    seen = []
    stn.backbone.register_forward_hook(
        lambda mod, args, out: seen.append(tuple(args[0].shape)))
    theta = stn(torch.randn(2, 3, 64, 48))
    assert seen == [(2, 3, 16, 24)]
    assert theta.shape == (2, 2, 3)


@pytest.mark.parametrize('kwargs, match', [
    (dict(constraint='shear'), 'constraint'),
    (dict(min_abs_det=-1), 'min_abs_det'),
    (dict(input_size=(0, 4)), 'input_size'),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        tiny_stn(**kwargs)


def test_near_singular_theta_is_guarded_and_counted():
    stn = tiny_stn(min_abs_det=1e-2)
    with torch.no_grad():
        stn.fc.bias.copy_(torch.tensor([0.05, 0., 0.3, 0., 0.05, 0.]))
    hub = MessageHub.get_current_instance()
    theta = stn(torch.randn(3, 3, 32, 32))
    assert torch.equal(theta, identity_theta(3))
    assert stn.last_num_guarded == 3
    stn(torch.randn(2, 3, 32, 32))
    assert stn.num_guarded_total == 5
    assert hub.get_info('stn/num_guarded_total') == 5
    # above the threshold nothing is guarded
    with torch.no_grad():
        stn.fc.bias.copy_(torch.tensor([0.2, 0., 0.3, 0., 0.2, 0.]))
    theta = stn(torch.randn(2, 3, 32, 32))
    assert stn.last_num_guarded == 0
    assert torch.allclose(affine_det(theta), torch.full((2, ), 0.04))


def test_gradients_reach_the_localisation_net():
    stn = tiny_stn()
    theta = stn(torch.randn(2, 3, 32, 32))
    (theta**2).sum().backward()
    assert stn.fc.bias.grad.abs().sum() > 0
