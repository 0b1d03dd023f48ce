"""Tests of RMPEPoseEstimator (SSTN + parallel SPPE)."""
import copy

import numpy as np
import pytest
import torch
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope
from mmpose.registry import MODELS
from mmpose.testing import get_packed_inputs

from rmpe_mm.models import RMPEPoseEstimator
from rmpe_mm.models.utils.affine import (unwarp_heatmaps, warp_images,
                                         warped_to_crop_pixels)

CODEC = dict(
    type='MSRAHeatmap', input_size=(64, 64), heatmap_size=(16, 16), sigma=2)
PREPROCESSOR = dict(
    type='PoseDataPreprocessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True)
TEST_CFG = dict(flip_mode='heatmap', shift_heatmap=True)
#: Tiny ResNet-18 (8 base channels, 64 output channels).
TINY_RESNET = dict(
    type='ResNet', depth=18, stem_channels=8, base_channels=8, init_cfg=None)
TINY_STN = dict(
    type='STNLocalizer',
    backbone=TINY_RESNET,
    feat_channels=64,
    input_size=(32, 32))


@pytest.fixture(scope='module', autouse=True)
def mmpose_scope():
    """Pose estimators build their data preprocessor in the default scope."""
    init_default_scope('mmpose')


def topdown(backbone: dict, head: dict, test_cfg: dict, **extra) -> dict:
    """A TopdownPoseEstimator config (a fresh copy) with the shared
    preprocessor."""
    return copy.deepcopy(
        dict(
            type='TopdownPoseEstimator',
            data_preprocessor=PREPROCESSOR,
            backbone=backbone,
            head=head,
            test_cfg=test_cfg,
            **extra))


def resnet_sppe(flip_test: bool = False) -> dict:
    """Tiny ResNet + HeatmapHead top-down model (64x64 in, 16x16 out)."""
    return topdown(
        TINY_RESNET,
        dict(
            type='HeatmapHead',
            in_channels=64,
            out_channels=17,
            deconv_out_channels=(16, 16, 16),
            deconv_kernel_sizes=(4, 4, 4),
            loss=dict(type='KeypointMSELoss', use_target_weight=True),
            decoder=CODEC), dict(TEST_CFG, flip_test=flip_test))


def hourglass_sppe(flip_test: bool = False) -> dict:
    """Tiny 2-stack hourglass + CPMHead (multi-stage heatmaps)."""
    return topdown(
        dict(
            type='HourglassNet',
            downsample_times=2,
            num_stacks=2,
            stage_channels=(256, 16, 16),
            stage_blocks=(1, 1, 1),
            feat_channel=16),
        dict(
            type='CPMHead',
            in_channels=16,
            out_channels=17,
            num_stages=2,
            deconv_out_channels=None,
            loss=dict(type='KeypointMSELoss', use_target_weight=True),
            decoder=CODEC), dict(TEST_CFG, flip_test=flip_test))


def regression_sppe(flip_test: bool = False) -> dict:
    """Tiny coordinate-head model (RegressionHead)."""
    return topdown(
        TINY_RESNET,
        dict(
            type='RegressionHead',
            in_channels=64,
            num_joints=17,
            loss=dict(type='SmoothL1Loss', use_target_weight=True),
            decoder=dict(type='RegressionLabel', input_size=(64, 64))),
        dict(flip_test=flip_test, shift_coords=True),
        neck=dict(type='GlobalAveragePooling'))


def rmpe_cfg(sppe: dict, **kwargs) -> dict:
    cfg = copy.deepcopy(sppe)
    cfg.update(type='RMPEPoseEstimator', stn=TINY_STN, **kwargs)
    return cfg


def packed_batch(batch_size: int = 2, center: bool = False) -> dict:
    data = get_packed_inputs(
        batch_size=batch_size,
        img_shape=(64, 64),
        input_size=(64, 64),
        heatmap_size=(16, 16),
        num_keypoints=17)
    if center:
        g = torch.Generator().manual_seed(1)
        for sample in data['data_samples']:
            sample.gt_fields.set_field(
                torch.rand(17, 16, 16, generator=g), 'center_heatmaps')
            sample.gt_instance_labels.set_field(
                torch.ones(1, 17), 'center_keypoint_weights')
    return data


def predict(model, data):
    model.eval()
    with torch.no_grad():
        return model.test_step(copy.deepcopy(data))


@pytest.mark.parametrize('sppe', [resnet_sppe, hourglass_sppe])
@pytest.mark.parametrize('flip_test', [False, True])
def test_identity_stn_predicts_like_the_sppe(sppe, flip_test):
    plain = MODELS.build(sppe(flip_test))
    model = MODELS.build(rmpe_cfg(sppe(flip_test)))
    missing, unexpected = model.load_state_dict(
        plain.state_dict(), strict=False)
    assert not unexpected and all(k.startswith('stn.') for k in missing)
    data = packed_batch(batch_size=3)
    ours = predict(model, data)
    ref = predict(plain, data)
    for a, b in zip(ours, ref):
        np.testing.assert_allclose(
            a.pred_instances.keypoints, b.pred_instances.keypoints, atol=1e-4)
        np.testing.assert_allclose(
            a.pred_instances.keypoint_scores,
            b.pred_instances.keypoint_scores,
            atol=1e-4)
    # a non-identity STN changes the prediction (the test can fail)
    with torch.no_grad():
        model.stn.fc.bias.copy_(torch.tensor([0.8, 0.1, 0.1, 0., 0.9, -0.1]))
    moved = predict(model, data)
    assert max(
        np.abs(a.pred_instances.keypoints - b.pred_instances.keypoints).max()
        for a, b in zip(moved, ref)) > 1.


def test_tensor_mode_unwarps_every_stage():
    model = MODELS.build(rmpe_cfg(hourglass_sppe())).eval()
    with torch.no_grad():
        model.stn.fc.bias.copy_(torch.tensor([0.9, 0.1, 0.05, -0.1, 1.1, 0.]))
        inputs = torch.randn(2, 3, 64, 64)
        outs = model(inputs, None, mode='tensor')
        theta = model.stn(inputs)
        raw = model.head(model.extract_feat(warp_images(inputs, theta)))
    assert isinstance(outs, list) and len(outs) == 2
    for got, stage in zip(outs, raw):
        gamma = model.sdtn_gamma(theta, (64, 64), stage.shape[-1:-3:-1])
        expected = unwarp_heatmaps(stage, gamma)
        assert torch.allclose(got, expected, atol=1e-6)
        assert not torch.allclose(got, stage, atol=1e-3)


def test_output_heatmaps_are_in_the_crop_frame():
    sppe = resnet_sppe()
    sppe['test_cfg']['output_heatmaps'] = True
    model = MODELS.build(rmpe_cfg(sppe))
    data = packed_batch()
    results = predict(model, data)
    assert results[0].pred_fields.heatmaps.shape == (17, 16, 16)


def build_with_parallel(main=resnet_sppe, **kwargs) -> RMPEPoseEstimator:
    cfg = rmpe_cfg(main(), parallel_sppe=resnet_sppe(), **kwargs)
    return MODELS.build(cfg)


def bn_stats(module):
    return {
        k: v.clone()
        for k, v in module.state_dict().items()
        if 'running_' in k or 'num_batches_tracked' in k
    }


def test_training_step_gradients_and_frozen_parallel_sppe():
    model = build_with_parallel(main=hourglass_sppe)
    model.train()
    assert not model.parallel_sppe.training
    assert model.backbone.training and model.stn.training
    assert all(not p.requires_grad for p in model.parallel_sppe.parameters())
    parallel_stats = bn_stats(model.parallel_sppe)
    main_stats = bn_stats(model.backbone)

    data = model.data_preprocessor(packed_batch(center=True), training=True)
    losses = model(**data, mode='loss')
    assert {
        'loss_kpt', 'loss_parallel', 'acc_pose', 'parallel_acc_pose',
        'stn_guarded'
    } <= set(losses)
    assert float(losses['stn_guarded']) == 0

    stn_params = [model.stn.fc.weight, model.stn.fc.bias]
    for key in ('loss_kpt', 'loss_parallel'):
        grads = torch.autograd.grad(losses[key], stn_params, retain_graph=True)
        assert all(float(g.abs().sum()) > 0 for g in grads), key
    (losses['loss_kpt'] + losses['loss_parallel']).backward()
    assert all(p.grad is None for p in model.parallel_sppe.parameters())
    assert model.stn.fc.bias.grad is not None

    after = bn_stats(model.parallel_sppe)
    assert all(torch.equal(parallel_stats[k], after[k]) for k in after)
    # the main SPPE's statistics did move (the check above can fail)
    moved = bn_stats(model.backbone)
    assert any(not torch.equal(main_stats[k], moved[k]) for k in moved)


def test_loss_is_the_head_loss_of_every_unwarped_stage():
    model = build_with_parallel(main=hourglass_sppe)
    with torch.no_grad():
        model.stn.fc.bias.copy_(torch.tensor([0.9, 0.1, 0.05, -0.1, 1.1, 0.]))
    model.train()
    data = model.data_preprocessor(packed_batch(center=True), training=True)
    samples = data['data_samples']
    with torch.no_grad():
        losses = model(**data, mode='loss')
        theta = model.stn(data['inputs'])
        stages = model.head(
            model.extract_feat(warp_images(data['inputs'], theta)))
    targets = torch.stack([d.gt_fields.heatmaps for d in samples])
    weights = torch.cat(
        [d.gt_instance_labels.keypoint_weights for d in samples])
    expected = sum(
        model.head.loss_module(
            unwarp_heatmaps(
                stage,
                model.sdtn_gamma(theta, data['inputs'].shape[-1:-3:-1],
                                 stage.shape[-1:-3:-1])), targets, weights)
        for stage in stages)
    assert torch.allclose(losses['loss_kpt'], expected, rtol=1e-4)
    warped_only = sum(
        model.head.loss_module(stage, targets, weights) for stage in stages)
    assert not torch.allclose(warped_only, expected, rtol=1e-2)
    assert isinstance(model.head.forward, type(model.forward))  # untouched


def test_train_step_updates_stn_and_sums_parallel_loss():
    model = build_with_parallel(parallel_loss_weight=2.0)
    optim = OptimWrapper(
        torch.optim.SGD([p for p in model.parameters() if p.requires_grad],
                        lr=0.5))
    frozen = {
        k: v.clone()
        for k, v in model.parallel_sppe.state_dict().items()
    }
    bias = model.stn.fc.bias.detach().clone()
    model.train()
    log_vars = model.train_step(packed_batch(center=True), optim)
    total = log_vars['loss_kpt'] + log_vars['loss_parallel']
    assert torch.allclose(log_vars['loss'], total)
    assert not torch.equal(model.stn.fc.bias.detach(), bias)
    after = model.parallel_sppe.state_dict()
    assert all(torch.equal(frozen[k], after[k]) for k in frozen)


def test_parallel_loss_weight_scales_the_parallel_loss():
    model = build_with_parallel().eval()
    data = model.data_preprocessor(packed_batch(center=True), training=True)
    with torch.no_grad():
        one = model(**data, mode='loss')['loss_parallel']
        model.parallel_loss_weight = 3.0
        three = model(**data, mode='loss')['loss_parallel']
    assert torch.allclose(three, 3 * one)


def test_missing_center_targets_are_reported():
    model = build_with_parallel()
    data = model.data_preprocessor(packed_batch(), training=True)
    with pytest.raises(ValueError, match='GenerateCenterTarget'):
        model(**data, mode='loss')


def test_coordinate_head_is_mapped_at_inference_and_refused_in_training():
    plain = MODELS.build(regression_sppe())
    model = MODELS.build(rmpe_cfg(regression_sppe()))
    model.load_state_dict(plain.state_dict(), strict=False)
    data = packed_batch()
    for a, b in zip(predict(model, data), predict(plain, data)):
        np.testing.assert_allclose(
            a.pred_instances.keypoints, b.pred_instances.keypoints, atol=1e-4)
    # with a non-identity STN, keypoints are the SPPE's on the warped crop,
    # mapped back through theta
    with torch.no_grad():
        model.stn.fc.bias.copy_(torch.tensor([0.8, 0.1, 0.1, 0., 0.9, -0.1]))
    model.eval()
    batch = model.data_preprocessor(copy.deepcopy(data), training=False)
    with torch.no_grad():
        theta = model.stn(batch['inputs'])
        feats = model.extract_feat(warp_images(batch['inputs'], theta))
        raw = model.head.predict(feats, batch['data_samples'], test_cfg={})
    results = predict(model, data)
    for i, (res, pred) in enumerate(zip(results, raw)):
        expected = warped_to_crop_pixels(
            torch.as_tensor(pred.keypoints), theta[i:i + 1], (64, 64))
        sample = data['data_samples'][i]
        center, scale = sample.metainfo['input_center'], sample.metainfo[
            'input_scale']
        in_image = expected.numpy() / 64 * scale + center - 0.5 * scale
        np.testing.assert_allclose(
            res.pred_instances.keypoints, in_image, atol=1e-3)
    # flip test runs and stays finite
    model.test_cfg['flip_test'] = True
    flipped = predict(model, data)
    assert all(np.isfinite(r.pred_instances.keypoints).all() for r in flipped)
    model.train()
    batch = model.data_preprocessor(copy.deepcopy(data), training=True)
    with pytest.raises(NotImplementedError, match='RegressionHead'):
        model(**batch, mode='loss')


@pytest.mark.parametrize('prefix', ['', 'module.', 'parallel_sppe.'])
def test_parallel_checkpoint_is_loaded_from_any_prefix(tmp_path, prefix):
    source = MODELS.build(resnet_sppe())
    for p in source.parameters():
        torch.nn.init.normal_(p)
    state = {prefix + k: v for k, v in source.state_dict().items()}
    path = tmp_path / 'parallel.pth'
    torch.save({'meta': {'epoch': 3}, 'state_dict': state}, path)
    cfg_model = MODELS.build(
        rmpe_cfg(
            hourglass_sppe(),
            parallel_sppe=dict(resnet_sppe(), checkpoint=str(path))))
    cfg_model.init_weights()
    loaded = cfg_model.parallel_sppe.state_dict()
    for key, value in source.state_dict().items():
        assert torch.equal(loaded[key], value), key
    assert not any(p.requires_grad
                   for p in cfg_model.parallel_sppe.parameters())
    # the STN is still the identity after init_weights
    assert cfg_model.stn.fc.bias.tolist() == [1., 0., 0., 0., 1., 0.]


def test_parallel_checkpoint_errors(tmp_path):
    source = MODELS.build(resnet_sppe()).state_dict()
    both = dict(source)
    both.update({'module.' + k: v for k, v in source.items()})
    ambiguous = tmp_path / 'ambiguous.pth'
    torch.save({'state_dict': both}, ambiguous)

    def build(**parallel):
        return MODELS.build(
            rmpe_cfg(
                hourglass_sppe(),
                parallel_sppe=dict(resnet_sppe(), **parallel)))

    with pytest.raises(ValueError, match='ambiguous'):
        build(checkpoint=str(ambiguous)).init_weights()
    build(
        checkpoint=str(ambiguous), checkpoint_prefix='module.').init_weights()
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        build(checkpoint=str(tmp_path / 'missing.pth')).init_weights()
    wrong = tmp_path / 'wrong.pth'
    torch.save({'state_dict': MODELS.build(hourglass_sppe()).state_dict()},
               wrong)
    with pytest.raises(ValueError, match='no prefix'):
        build(checkpoint=str(wrong)).init_weights()


def randomised(model):
    for p in model.parameters():
        torch.nn.init.normal_(p)
    return model


def test_when_the_parallel_weights_are_loaded(tmp_path):
    """As MMEngine's runner and the inferencers do: testing (load_from /
    weights, no init_weights) takes the RMPE checkpoint's parallel_sppe.*
    and never opens the parallel file; training (init_weights, then a
    load_from without parallel_sppe.*) keeps the parallel checkpoint's."""
    from mmengine.runner import load_checkpoint
    trained = randomised(build_with_parallel())
    rmpe_path = tmp_path / 'rmpe.pth'
    torch.save({'state_dict': trained.state_dict()}, rmpe_path)
    tested = MODELS.build(
        rmpe_cfg(
            resnet_sppe(),
            parallel_sppe=dict(
                resnet_sppe(), checkpoint=str(tmp_path / 'absent.pth'))))
    load_checkpoint(tested, str(rmpe_path), map_location='cpu', strict=True)
    for key, value in trained.parallel_sppe.state_dict().items():
        assert torch.equal(tested.parallel_sppe.state_dict()[key], value)

    parallel = randomised(MODELS.build(resnet_sppe()))
    parallel_path = tmp_path / 'parallel.pth'
    torch.save({'state_dict': parallel.state_dict()}, parallel_path)
    stage1_path = tmp_path / 'stage1.pth'
    torch.save(
        {'state_dict': randomised(MODELS.build(resnet_sppe())).state_dict()},
        stage1_path)
    model = MODELS.build(
        rmpe_cfg(
            resnet_sppe(),
            parallel_sppe=dict(resnet_sppe(), checkpoint=str(parallel_path))))
    model.init_weights()
    load_checkpoint(model, str(stage1_path), map_location='cpu')
    for key, value in parallel.state_dict().items():
        assert torch.equal(model.parallel_sppe.state_dict()[key], value)


def test_pretrained_init_cfg_would_load_a_wrong_checkpoint_silently(tmp_path):
    """Why the parallel SPPE has its own loader (RMPEPoseEstimator's
    docstring): MMEngine's PretrainedInit loads nothing from a checkpoint
    of another model, without an error; load_submodule_weights raises."""
    from mmengine.model.weight_init import PretrainedInit

    from rmpe_mm.models.utils import load_submodule_weights
    wrong = tmp_path / 'wrong.pth'
    torch.save({'state_dict': MODELS.build(hourglass_sppe()).state_dict()},
               wrong)
    model = MODELS.build(resnet_sppe())
    before = {k: v.clone() for k, v in model.state_dict().items()}
    PretrainedInit(checkpoint=str(wrong))(model)
    after = model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    with pytest.raises(ValueError, match='no prefix'):
        load_submodule_weights(model, str(wrong))


def test_constructor_errors():
    with pytest.raises(ValueError, match='parallel_loss_weight'):
        MODELS.build(rmpe_cfg(resnet_sppe(), parallel_loss_weight=-1))
    with pytest.raises(ValueError, match='heatmap head'):
        MODELS.build(rmpe_cfg(resnet_sppe(), parallel_sppe=regression_sppe()))
    no_type = resnet_sppe()
    no_type.pop('type')
    with pytest.raises(ValueError, match='type'):
        MODELS.build(rmpe_cfg(resnet_sppe(), parallel_sppe=no_type))
