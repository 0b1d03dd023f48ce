"""Tests of GenerateCenterTarget."""
import copy
from typing import Callable, List, Optional

import numpy as np
import pytest
from mmpose.datasets.transforms import (GenerateTarget, GetBBoxCenterScale,
                                        PackPoseInputs, RandomFlip,
                                        TopdownAffine)
from mmpose.registry import TRANSFORMS
from mmpose.testing import get_coco_sample

from rmpe_mm.datasets.transforms import GenerateCenterTarget

CODEC = dict(
    type='MSRAHeatmap', input_size=(48, 64), heatmap_size=(12, 16), sigma=2)


def fake_proposal(
        shift=(12., -8.), scale=1.15,
        is_patch: Optional[bool] = None) -> Callable:
    """Stand-in for a proposal transform (the interface of PGPG/jitter):
    keep the incoming box as gt_*, move and rescale the fed box."""

    def transform(results):
        results['gt_bbox_center'] = results['bbox_center'].copy()
        results['gt_bbox_scale'] = results['bbox_scale'].copy()
        results['bbox_center'] = results['bbox_center'] + np.array([shift],
                                                                   np.float32)
        results['bbox_scale'] = results['bbox_scale'] * scale
        if is_patch is not None:
            results['proposal_is_patch'] = np.array([is_patch])
        return results

    return transform


def set_rotation(angle: float) -> Callable:

    def transform(results):
        results['bbox_rotation'] = np.array([angle], np.float32)
        return results

    return transform


def run(steps: List[Callable]) -> dict:
    results = get_coco_sample(img_shape=(120, 160), num_instances=1)
    for step in [GetBBoxCenterScale(padding=1.25)] + steps:
        results = step(results)
    return results


def head(**kwargs) -> List[Callable]:
    return [
        TopdownAffine(input_size=CODEC['input_size']),
        GenerateTarget(encoder=CODEC),
        GenerateCenterTarget(encoder=CODEC, **kwargs)
    ]


def test_without_proposals_center_target_is_the_ordinary_target():
    res = run(head())
    assert res['center_heatmaps'].shape == (17, 16, 12)
    np.testing.assert_array_equal(res['center_heatmaps'], res['heatmaps'])
    np.testing.assert_array_equal(res['center_keypoint_weights'],
                                  res['keypoint_weights'])
    assert res['heatmaps'].max() > 0.5


def test_center_target_is_drawn_in_the_ground_truth_crop():
    shifted = run([fake_proposal()] + head())
    plain = run(head())
    # the ordinary target follows the shifted crop ...
    assert np.abs(shifted['heatmaps'] - plain['heatmaps']).max() > 0.5
    # ... the center target is the ground-truth crop's
    np.testing.assert_allclose(
        shifted['center_heatmaps'], plain['heatmaps'], atol=1e-6)
    np.testing.assert_allclose(
        shifted['center_keypoints'], plain['transformed_keypoints'], atol=1e-3)


def test_rotation_is_shared_by_default_and_optional():
    rotated = run([set_rotation(20.), fake_proposal()] + head())
    rotated_plain = run([set_rotation(20.)] + head())
    upright_plain = run(head())
    np.testing.assert_allclose(
        rotated['center_heatmaps'], rotated_plain['heatmaps'], atol=1e-6)
    unrotated = run([set_rotation(20.), fake_proposal()] +
                    head(use_rotation=False))
    np.testing.assert_allclose(
        unrotated['center_heatmaps'], upright_plain['heatmaps'], atol=1e-6)
    assert np.abs(rotated['center_heatmaps'] -
                  unrotated['center_heatmaps']).max() > 0.5


def test_flip_before_proposals_is_respected():
    flip = RandomFlip(prob=1., direction='horizontal')
    flipped = run([flip, fake_proposal()] + head())
    flipped_plain = run([copy.deepcopy(flip)] + head())
    assert flipped['flip']
    np.testing.assert_allclose(
        flipped['center_heatmaps'], flipped_plain['heatmaps'], atol=1e-6)


def test_patch_samples_use_the_ordinary_target():
    res = run([fake_proposal(is_patch=True)] + head())
    np.testing.assert_array_equal(res['center_heatmaps'], res['heatmaps'])
    res = run([fake_proposal(is_patch=False)] + head())
    assert np.abs(res['center_heatmaps'] - res['heatmaps']).max() > 0.5


def test_packed_beside_the_ordinary_target():
    res = run([fake_proposal()] + head() + [PackPoseInputs()])
    sample = res['data_samples']
    assert sample.gt_fields.heatmaps.shape == (17, 16, 12)
    assert sample.gt_fields.center_heatmaps.shape == (17, 16, 12)
    assert sample.gt_instance_labels.keypoint_weights.shape == (1, 17)
    assert sample.gt_instance_labels.center_keypoint_weights.shape == (1, 17)
    assert not np.allclose(sample.gt_fields.heatmaps.numpy(),
                           sample.gt_fields.center_heatmaps.numpy())


def test_dataset_keypoint_weights():
    res = run(head(use_dataset_keypoint_weights=True))
    np.testing.assert_allclose(res['center_keypoint_weights'][0],
                               res['dataset_keypoint_weights'])


def test_registered_and_repr():
    t = TRANSFORMS.build(dict(type='GenerateCenterTarget', encoder=CODEC))
    assert 'GenerateCenterTarget(encoder=' in repr(t)


def test_errors_name_the_field():
    t = GenerateCenterTarget(encoder=CODEC)
    before_affine = GetBBoxCenterScale()(get_coco_sample(num_instances=1))
    with pytest.raises(ValueError, match='input_size'):
        t(before_affine)
    res = run([TopdownAffine(input_size=CODEC['input_size'])])
    res['gt_bbox_center'] = res['bbox_center']
    with pytest.raises(ValueError, match='gt_bbox_scale'):
        t(res)
    with pytest.raises(ValueError, match='encoder'):
        GenerateCenterTarget(encoder=[CODEC])


@pytest.mark.skipif(
    TRANSFORMS.get('PoseGuidedProposals') is None,
    reason='proposal transforms (issue 5) not registered')
@pytest.mark.parametrize('proposal', [
    dict(type='PoseGuidedProposals', padding=1.25, patch_prob=0.),
    dict(type='RandomJitterProposals', padding=1.25),
])
def test_with_the_real_proposal_transforms(proposal):
    """The center target of a proposal pipeline is the target of the
    ground-truth box; the ordinary target follows the proposal."""
    np.random.seed(0)
    jittered = run([TRANSFORMS.build(proposal)] + head())
    plain = run(head())
    assert 'gt_bbox_center' in jittered
    np.testing.assert_allclose(
        jittered['center_heatmaps'], plain['heatmaps'], atol=1e-6)
    assert np.abs(jittered['heatmaps'] - plain['heatmaps']).max() > 0.1
