"""RandomJitterProposals: the random-jitter ablation baseline."""
import numpy as np
import pytest
from mmcv.transforms.utils import cache_random_params
from mmpose.datasets.transforms import GetBBoxCenterScale
from mmpose.registry import TRANSFORMS

from rmpe_mm.datasets.pgpg import paired_box_iou
from rmpe_mm.datasets.transforms import RandomJitterProposals


def _results(n, seed=0, padding=1.25):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(300, 900, (n, 2))
    wh = rng.uniform(50, 400, (n, 2))
    results = dict(
        bbox=np.concatenate([xy, xy + wh], axis=1).astype(np.float32),
        img_shape=(2000, 2000))
    return GetBBoxCenterScale(padding=padding)(results)


def _tight(center, scale, padding=1.25):
    half = scale / (2 * padding)
    return np.concatenate([center - half, center + half],
                          axis=1).astype(np.float64)


def test_iou_floor_and_jitter_ranges():
    t = TRANSFORMS.build(dict(type='RandomJitterProposals'))
    res = _results(5000)
    np.random.seed(0)
    out = t(dict(res))
    gt = _tight(out['gt_bbox_center'], out['gt_bbox_scale'])
    box = out['bbox'].astype(np.float64)
    assert (paired_box_iou(box, gt) > 0.5).all()
    np.testing.assert_array_equal(out['gt_bbox_center'], res['bbox_center'])
    np.testing.assert_array_equal(out['gt_bbox_scale'], res['bbox_scale'])
    assert not out['proposal_is_patch'].any()
    size, gsize = box[:, 2:] - box[:, :2], gt[:, 2:] - gt[:, :2]
    ratio = size / gsize
    assert ratio.min() >= 0.7 - 1e-4 and ratio.max() <= 1.3 + 1e-4
    shift = (0.5 * (box[:, :2] + box[:, 2:]) - 0.5 *
             (gt[:, :2] + gt[:, 2:])) / gsize
    assert np.abs(shift).max() <= 0.2 + 1e-4
    # Aspect ratio really is jittered, and both directions are used.
    aspect = ratio[:, 0] / ratio[:, 1]
    assert aspect.std() > 0.1
    assert (shift > 0.1).any() and (shift < -0.1).any()
    np.testing.assert_allclose(out['bbox_scale'], 1.25 * size, rtol=1e-5)


def test_rejection_is_needed_and_works():
    # Wide ranges: many raw draws have IoU <= 0.5, none survives.
    res = _results(3000, seed=1)
    np.random.seed(1)
    wide = RandomJitterProposals(
        shift_factor=0.5, scale_range=(0.4, 1.6), min_iou=None)(
            dict(res))
    gt = _tight(wide['gt_bbox_center'], wide['gt_bbox_scale'])
    assert (paired_box_iou(wide['bbox'].astype(float), gt) <= 0.5).mean() \
        > 0.2
    np.random.seed(1)
    kept = RandomJitterProposals(
        shift_factor=0.5, scale_range=(0.4, 1.6), max_tries=30)(
            dict(res))
    assert (paired_box_iou(kept['bbox'].astype(float), gt) > 0.5).all()


def test_prob_cache_and_errors():
    res = _results(2000, seed=2)
    np.random.seed(2)
    out = RandomJitterProposals(prob=0.25)(dict(res))
    same = (out['bbox_center'] == res['bbox_center']).all(axis=1)
    assert abs((~same).mean() - 0.25) < 0.04
    t = RandomJitterProposals()
    with cache_random_params(t):
        a, b = t(dict(res)), t(dict(res))
    np.testing.assert_array_equal(a['bbox'], b['bbox'])
    with pytest.raises(ValueError, match='img_shape'):
        t({k: v for k, v in res.items() if k != 'img_shape'})
    with pytest.raises(ValueError, match='scale_range'):
        RandomJitterProposals(scale_range=(1.2, 0.8))
    with pytest.raises(ValueError, match='shift_factor'):
        RandomJitterProposals(shift_factor=-1)
    with pytest.raises(ValueError, match='prob'):
        RandomJitterProposals(prob=2)
