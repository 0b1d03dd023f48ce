"""Tests of the box-convention fit (PoseGuidedLocalizer's box)."""
import json

import numpy as np
import pytest

from rmpe_mm.datasets.box_convention import (fit_box_convention,
                                             load_coco_people)


def people(scale=(1.2, 1.1), offset=(0.0, -0.05), n=7, seed=0):
    rng = np.random.default_rng(seed)
    keypoints = rng.uniform(0, 100, (n, 5, 2)) + rng.uniform(0, 300, (n, 1, 2))
    visible = np.ones((n, 5))
    low, high = keypoints.min(1), keypoints.max(1)
    extent = high - low
    center = (low + high) / 2 + np.array(offset) * extent
    size = extent * np.array(scale)
    boxes = np.concatenate([center - size / 2, center + size / 2], axis=1)
    return keypoints, visible, boxes


def test_recovers_a_planted_convention():
    fit = fit_box_convention(*people())
    assert fit['extent_scale'] == pytest.approx((1.2, 1.1), abs=1e-4)
    assert fit['center_offset'] == pytest.approx((0.0, -0.05), abs=1e-4)
    assert fit['num_people'] == 7


def test_invisible_joints_and_small_people_are_ignored():
    keypoints, visible, boxes = people()
    visible[0, 1:] = 0  # one joint: skipped
    keypoints[1, 2] = (1e5, 1e5)  # an unlabelled outlier
    visible[1, 2] = 0
    fit = fit_box_convention(keypoints, visible, boxes)
    assert fit['num_people'] == 6
    # person 1's extent shrank without joint 2 (its box did not): the
    # median is still the planted value
    assert fit['extent_scale'] == pytest.approx((1.2, 1.1), abs=0.05)
    with pytest.raises(ValueError, match='no person'):
        fit_box_convention(keypoints, np.zeros_like(visible), boxes)
    with pytest.raises(ValueError, match='bboxes'):
        fit_box_convention(keypoints, visible, boxes[:, :2])


def test_coco_file(tmp_path):
    keypoints, visible, boxes = people()
    anns = [
        dict(
            keypoints=np.concatenate([k, v[:, None]], 1).ravel().tolist(),
            bbox=[b[0], b[1], b[2] - b[0], b[3] - b[1]])
        for k, v, b in zip(keypoints, visible, boxes)
    ]
    path = tmp_path / 'ann.json'
    path.write_text(json.dumps(dict(annotations=anns + [dict(bbox=[0] * 4)])))
    loaded = load_coco_people(str(path))
    np.testing.assert_allclose(loaded[0], keypoints)
    np.testing.assert_allclose(loaded[2], boxes)
