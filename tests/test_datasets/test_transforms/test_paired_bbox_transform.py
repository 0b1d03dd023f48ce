"""Tests of RandomPairedBBoxTransform and the center target it protects."""
import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config
from mmpose.datasets.transforms import RandomBBoxTransform
from mmpose.registry import TRANSFORMS
from mmpose.testing import get_coco_sample

from rmpe_mm.datasets.pgpg import OffsetMixture, PGPGModel
from rmpe_mm.datasets.transforms import RandomPairedBBoxTransform

REPO = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
AUG = dict(
    shift_prob=0.5,
    shift_factor=0.1,
    scale_factor=(0.5, 1.5),
    rotate_factor=40.)


def _boxes(with_gt: bool) -> dict:
    results = dict(
        bbox_center=np.array([[100., 80.]], np.float32),
        bbox_scale=np.array([[60., 120.]], np.float32))
    if with_gt:
        results['gt_bbox_center'] = np.array([[92., 86.]], np.float32)
        results['gt_bbox_scale'] = np.array([[52., 110.]], np.float32)
    return results


def test_without_gt_it_is_mmpose_random_bbox_transform():
    for seed in range(5):
        np.random.seed(seed)
        ours = RandomPairedBBoxTransform(**AUG)(_boxes(False))
        np.random.seed(seed)
        theirs = RandomBBoxTransform(**AUG)(_boxes(False))
        for key in ('bbox_center', 'bbox_scale', 'bbox_rotation'):
            np.testing.assert_array_equal(ours[key], theirs[key])


def _relative(results: dict) -> np.ndarray:
    """Fed box relative to the GT box: center offset and size, in GT units."""
    gt_c, gt_s = results['gt_bbox_center'], results['gt_bbox_scale']
    return np.concatenate(
        [(results['bbox_center'] - gt_c) / gt_s, results['bbox_scale'] / gt_s],
        axis=1)


def test_gt_box_moves_with_the_fed_box_and_the_error_is_kept():
    before = _relative(_boxes(True))
    changed = 0
    for seed in range(10):
        np.random.seed(seed)
        out = RandomPairedBBoxTransform(**AUG)(_boxes(True))
        np.testing.assert_allclose(_relative(out), before, atol=1e-5)
        changed += not np.allclose(out['gt_bbox_scale'], [[52., 110.]])
        # MMPose's transform changes the fed box only: the error changes
        np.random.seed(seed)
        plain = RandomBBoxTransform(**AUG)(_boxes(True))
        if not np.allclose(plain['bbox_scale'], [[60., 120.]]):
            assert not np.allclose(_relative(plain), before, atol=1e-3)
    assert changed > 0  # the augmentation really acted


def test_inputs_are_not_written_and_mismatched_gt_is_refused():
    results = _boxes(True)
    kept = {k: v.copy() for k, v in results.items()}
    RandomPairedBBoxTransform(**AUG)(dict(results))
    for key, value in kept.items():
        np.testing.assert_array_equal(results[key], value)
    bad = _boxes(True)
    del bad['gt_bbox_scale']
    with pytest.raises(ValueError, match='gt_bbox_scale must be given'):
        RandomPairedBBoxTransform()(bad)
    bad = _boxes(True)
    bad['gt_bbox_center'] = np.zeros((2, 2), np.float32)
    with pytest.raises(ValueError, match='must have the shapes'):
        RandomPairedBBoxTransform()(bad)


@pytest.fixture
def exact_pgpg_model(tmp_path) -> str:
    """A PGPG model whose proposals are the ground-truth box itself."""
    mix = OffsetMixture([1.0], [[0., 0., 0., 0.]],
                        np.eye(4)[None] * 1e-20, 'global')
    path = str(tmp_path / 'exact.json')
    PGPGModel(mix).save(path)
    return path


def _headline_pipeline(model_file: str, bbox_aug_type: str):
    """The MPII stage-2 config's training pipeline
    (configs/rmpe/mpii/rmpe_sstn-hourglass52-8stack_8xb32-60e_mpii-256x256.py),
    PGPG pointed at ``model_file`` with no patches, its box augmentation
    replaced by ``bbox_aug_type`` (to show what the pairing fixes)."""
    cfg = Config.fromfile(
        osp.join(REPO, 'configs', 'rmpe', 'mpii',
                 'rmpe_sstn-hourglass52-8stack_8xb32-60e_mpii-256x256.py'))
    steps = []
    for step in cfg.train_dataloader.dataset.pipeline:
        step = dict(step)
        if step['type'] == 'PoseGuidedProposals':
            step.update(
                model_file=model_file, patch_prob=0.0, clip_to_image=False)
        if step['type'] == 'RandomPairedBBoxTransform':
            step['type'] = bbox_aug_type
        steps.append(TRANSFORMS.build(step))
    return steps


def _run(steps, seed: int) -> dict:
    np.random.seed(seed)
    results = get_coco_sample(
        img_shape=(480, 640), num_instances=1, random_keypoints_visible=False)
    del results['bbox_center'], results['bbox_scale']
    for step in steps:
        results = step(results)
    return results


def test_perfect_proposal_gives_identical_targets_in_the_headline_pipeline(
        exact_pgpg_model):
    steps = _headline_pipeline(exact_pgpg_model, 'RandomPairedBBoxTransform')
    names = [type(s).__name__ for s in steps]
    assert 'RandomFlip' in names and 'GenerateCenterTarget' in names
    for seed in range(6):
        packed = _run(steps, seed)
        sample = packed['data_samples']
        np.testing.assert_allclose(
            sample.gt_fields.center_heatmaps.numpy(),
            sample.gt_fields.heatmaps.numpy(),
            atol=1e-6)
        np.testing.assert_allclose(
            sample.gt_instance_labels.center_keypoint_weights.numpy(),
            sample.gt_instance_labels.keypoint_weights.numpy())
    # with MMPose's transform the random zoom reaches the fed crop only
    plain = _headline_pipeline(exact_pgpg_model, 'RandomBBoxTransform')
    differs = 0
    for seed in range(6):
        sample = _run(plain, seed)['data_samples']
        differs += not np.allclose(
            sample.gt_fields.center_heatmaps.numpy(),
            sample.gt_fields.heatmaps.numpy(),
            atol=1e-3)
    assert differs > 0
