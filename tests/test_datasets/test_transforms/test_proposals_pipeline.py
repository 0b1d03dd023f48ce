"""Proposal transforms in a top-down pipeline with the center target."""
import numpy as np
import pytest
from mmpose.registry import TRANSFORMS
from mmpose.testing import get_coco_sample

from rmpe_mm.datasets.pgpg import OffsetMixture, PGPGModel

CODEC = dict(
    type='MSRAHeatmap', input_size=(48, 64), heatmap_size=(12, 16), sigma=1)


def _sample():
    results = get_coco_sample(
        img_shape=(240, 320), num_instances=1, random_keypoints_visible=False)
    del results['bbox_center'], results['bbox_scale']
    return results


def _pipeline(proposal):
    steps = [dict(type='GetBBoxCenterScale', padding=1.25)]
    if proposal is not None:
        steps.append(proposal)
    steps += [
        dict(type='TopdownAffine', input_size=CODEC['input_size']),
        dict(type='GenerateTarget', encoder=CODEC),
        dict(type='GenerateCenterTarget', encoder=CODEC),
        dict(type='PackPoseInputs'),
    ]
    transforms = [TRANSFORMS.build(step) for step in steps]

    def run(results):
        for t in transforms:
            results = t(results)
        return results

    return run


@pytest.fixture
def shifted_model(tmp_path):
    """A PGPG model whose proposals are the GT box moved right and up."""
    mix = OffsetMixture([1.0], [[0.15, -0.1, 0.15, -0.1]],
                        np.eye(4)[None] * 1e-12, 'global')
    path = str(tmp_path / 'shift.json')
    PGPGModel(mix).save(path)
    return path


@pytest.mark.parametrize('kind', ['pgpg', 'jitter'])
def test_center_target_uses_kept_gt_box(kind, shifted_model):
    np.random.seed(0)
    if kind == 'pgpg':
        proposal = dict(
            type='PoseGuidedProposals',
            model_file=shifted_model,
            patch_prob=0.0,
            clip_to_image=False)
    else:
        proposal = dict(
            type='RandomJitterProposals',
            shift_factor=0.3,
            clip_to_image=False)
    with_prop = _pipeline(proposal)(_sample())
    plain = _pipeline(None)(_sample())
    gt_heatmaps = plain['data_samples'].gt_fields.heatmaps
    main = with_prop['data_samples'].gt_fields.heatmaps
    center = with_prop['data_samples'].gt_fields.center_heatmaps
    # Center target = the ordinary target of the GT box; the main target
    # follows the proposal.
    np.testing.assert_allclose(center.numpy(), gt_heatmaps.numpy(), atol=1e-5)
    assert not np.allclose(main.numpy(), gt_heatmaps.numpy(), atol=1e-3)
    assert not np.allclose(with_prop['inputs'].numpy(),
                           plain['inputs'].numpy())


def test_patch_sample_center_target_is_the_patch(shifted_model):
    np.random.seed(0)
    proposal = dict(
        type='PoseGuidedProposals',
        model_file=shifted_model,
        patch_prob=1.0,
        clip_to_image=False)
    out = _pipeline(proposal)(_sample())
    fields = out['data_samples'].gt_fields
    np.testing.assert_allclose(fields.center_heatmaps.numpy(),
                               fields.heatmaps.numpy())
