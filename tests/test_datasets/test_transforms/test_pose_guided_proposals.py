"""PoseGuidedProposals: kept GT box, distributions, patch, IoU floor."""
import numpy as np
import pytest
from mmcv.transforms.utils import cache_random_params
from mmpose.datasets.transforms import GetBBoxCenterScale
from mmpose.registry import TRANSFORMS

from rmpe_mm.datasets.pgpg import (PUBLISHED_MEAN, PUBLISHED_STD,
                                   OffsetMixture, PGPGFitConfig, PGPGModel,
                                   fit_pgpg, normalized_offsets,
                                   paired_box_iou)
from rmpe_mm.datasets.transforms import PoseGuidedProposals
from rmpe_mm.testing import make_planted_pairs

PADDING = 1.25


def _results(gt_boxes,
             keypoints=None,
             visible=None,
             img_shape=(2000, 2000),
             padding=PADDING):
    """Result dict as after LoadImage + GetBBoxCenterScale."""
    results = dict(bbox=np.asarray(gt_boxes, np.float32), img_shape=img_shape)
    if keypoints is not None:
        results['keypoints'] = np.asarray(keypoints, np.float32)
        results['keypoints_visible'] = np.minimum(
            np.asarray(visible, np.float32), 1)
    return GetBBoxCenterScale(padding=padding)(results)


def _random_gt(n, seed=0):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(300, 900, (n, 2))
    wh = rng.uniform(50, 400, (n, 2))
    return np.concatenate([xy, xy + wh], axis=1)


def _offsets(out):
    """Offsets of the output tight boxes from the kept tight GT boxes."""
    half = out['gt_bbox_scale'] / (2 * PADDING)
    gt = np.concatenate(
        [out['gt_bbox_center'] - half, out['gt_bbox_center'] + half], axis=1)
    return normalized_offsets(out['bbox'], gt), gt


@pytest.fixture(scope='module')
def planted(tmp_path_factory):
    pairs = make_planted_pairs(2000, seed=7)
    model, _ = fit_pgpg(
        pairs.keypoints,
        pairs.visible,
        pairs.offsets,
        cfg=PGPGFitConfig(num_atoms=4, num_components=1),
        progress=False)
    path = str(tmp_path_factory.mktemp('pgpg') / 'pgpg.json')
    model.save(path)
    return pairs, model, path


def test_registered_and_keeps_gt_box():
    t = TRANSFORMS.build(dict(type='PoseGuidedProposals', clip_to_image=False))
    assert isinstance(t, PoseGuidedProposals)
    results = _results(_random_gt(5))
    center = results['bbox_center'].copy()
    scale = results['bbox_scale'].copy()
    np.random.seed(0)
    out = t(dict(results))
    np.testing.assert_array_equal(out['gt_bbox_center'], center)
    np.testing.assert_array_equal(out['gt_bbox_scale'], scale)
    np.testing.assert_array_equal(results['bbox_center'], center)  # intact
    assert out['proposal_is_patch'].shape == (5, ) and \
        out['proposal_is_patch'].dtype == bool
    assert not np.allclose(out['bbox_center'], center)
    # bbox, bbox_center and bbox_scale describe the same (enlarged) box.
    np.testing.assert_allclose(
        out['bbox_center'],
        0.5 * (out['bbox'][:, :2] + out['bbox'][:, 2:]),
        rtol=1e-5)
    np.testing.assert_allclose(
        out['bbox_scale'],
        PADDING * (out['bbox'][:, 2:] - out['bbox'][:, :2]),
        rtol=1e-5)
    assert out['bbox'].dtype == out['bbox_center'].dtype == np.float32


def _fixed_offset_model(tmp_path, mean):
    mix = OffsetMixture([1.0], [mean], np.eye(4)[None] * 1e-14, 'global')
    path = tmp_path / 'fixed.json'
    PGPGModel(mix).save(str(path))
    return str(path)


def test_offsets_apply_to_the_tight_box(tmp_path):
    # A degenerate mixture with a known offset: x1 moves by 0.1 tight widths
    # and y2 by -0.2 tight heights; the enlarged scale follows the padding.
    path = _fixed_offset_model(tmp_path, [0.1, 0.0, 0.0, -0.2])
    t = PoseGuidedProposals(
        model_file=path, padding=1.3, patch_prob=0., clip_to_image=False)
    gt = np.array([[100., 200., 300., 600.]])
    out = t(_results(gt, padding=1.3))
    np.testing.assert_allclose(
        out['bbox'], [[120., 200., 300., 520.]], rtol=1e-5)
    np.testing.assert_allclose(
        out['bbox_scale'], [[1.3 * 180, 1.3 * 320]], rtol=1e-5)
    zero = PoseGuidedProposals(
        model_file=_fixed_offset_model(tmp_path, [0.] * 4),
        padding=1.3,
        patch_prob=0.,
        clip_to_image=False)
    res = _results(gt, padding=1.3)
    out = zero(dict(res))
    np.testing.assert_allclose(out['bbox_center'], res['bbox_center'])
    np.testing.assert_allclose(out['bbox_scale'], res['bbox_scale'], rtol=1e-6)
    np.testing.assert_allclose(out['bbox'], gt, rtol=1e-6)


def test_published_gaussian_moments():
    t = PoseGuidedProposals(patch_prob=0., clip_to_image=False)
    np.random.seed(1)
    n = 20000
    out = t(_results(_random_gt(n)))
    off, _ = _offsets(out)
    std = np.asarray(PUBLISHED_STD)
    np.testing.assert_allclose(
        off.mean(0), PUBLISHED_MEAN, atol=5 * std.max() / np.sqrt(n))
    np.testing.assert_allclose(off.std(0), std, rtol=0.04)
    assert abs(np.corrcoef(off.T)[0, 2]) < 0.05  # independent coordinates


def test_fitted_model_moments_per_atom(planted):
    pairs, model, path = planted
    t = PoseGuidedProposals(
        model_file=path, patch_prob=0., clip_to_image=False)
    np.random.seed(2)
    out = t(_results(pairs.gt_boxes, pairs.keypoints, pairs.visible))
    off, _ = _offsets(out)
    ids = model.assign_atoms(pairs.keypoints, pairs.visible)
    for j in range(model.num_atoms):
        sel = off[ids == j]
        mix = model.atom_mixtures[j]
        sd = np.sqrt(np.diag(mix.covariance()))
        np.testing.assert_allclose(
            sel.mean(0), mix.mean(), atol=5 * sd.max() / np.sqrt(len(sel)))
        np.testing.assert_allclose(
            np.cov(sel.T), mix.covariance(), atol=0.25 * sd.max()**2)


def test_cached_randomness_and_keypoint_checks(planted):
    pairs, _, path = planted
    t = PoseGuidedProposals(model_file=path, clip_to_image=False)
    res = _results(pairs.gt_boxes[:3], pairs.keypoints[:3], pairs.visible[:3])
    with cache_random_params(t):
        a, b = t(dict(res)), t(dict(res))
    np.testing.assert_array_equal(a['bbox'], b['bbox'])
    bad = dict(
        res,
        keypoints=res['keypoints'][:, :16],
        keypoints_visible=res['keypoints_visible'][:, :16])
    with pytest.raises(ValueError, match='fitted on 17 keypoints'):
        t(bad)
    no_kpts = {k: v for k, v in res.items() if k != 'keypoints'}
    with pytest.raises(ValueError, match='keypoints'):
        t(no_kpts)


def test_patch_branch_probability_and_geometry():
    t = PoseGuidedProposals(patch_prob=0.3, clip_to_image=False)
    np.random.seed(3)
    n = 10000
    out = t(_results(_random_gt(n)))
    patch = out['proposal_is_patch']
    assert abs(patch.mean() - 0.3) < 4 * np.sqrt(0.3 * 0.7 / n)
    off, gt = _offsets(out)
    box = out['bbox'][patch].astype(np.float64)
    g = gt[patch]
    ratio = (box[:, 2:] - box[:, :2]) / (g[:, 2:] - g[:, :2])
    np.testing.assert_allclose(ratio[:, 0], ratio[:, 1], rtol=1e-4)
    assert ratio.min() >= 0.85 - 1e-4 and ratio.max() <= 1 + 1e-4
    assert (box[:, :2] >= g[:, :2] - 1e-3).all()
    assert (box[:, 2:] <= g[:, 2:] + 1e-3).all()
    # Positions are uniform: mean relative position of x1 about 0.5.
    rel = (box[:, 0] - g[:, 0]) / np.maximum(
        (g[:, 2] - g[:, 0]) - (box[:, 2] - box[:, 0]), 1e-9)
    assert abs(rel.mean() - 0.5) < 0.03
    assert not PoseGuidedProposals(patch_prob=0.)(_results(
        _random_gt(200)))['proposal_is_patch'].any()


def test_iou_floor_holds():
    gt = _random_gt(5000)
    np.random.seed(4)
    free = PoseGuidedProposals(clip_to_image=False)(_results(gt))
    _, g = _offsets(free)
    assert (paired_box_iou(free['bbox'].astype(float), g) <= 0.7).any()
    np.random.seed(4)
    floored = PoseGuidedProposals(
        min_iou=0.7, clip_to_image=False)(
            _results(gt))
    _, g = _offsets(floored)
    assert (paired_box_iou(floored['bbox'].astype(float), g) > 0.7).all()


def test_prob_and_clipping():
    gt = _random_gt(4000)
    gt[:, 0] = 1.0  # touching the left border
    res = _results(gt, img_shape=(1000, 1100))
    np.random.seed(5)
    out = PoseGuidedProposals(prob=0.4)(dict(res))
    same = (out['bbox_center'] == res['bbox_center']).all(axis=1) & \
        (out['bbox_scale'] == res['bbox_scale']).all(axis=1)
    assert abs((~same).mean() - 0.4) < 0.03
    assert not out['proposal_is_patch'][same].any()
    changed = out['bbox'][~same]
    assert (changed[:, [0, 1]] >= 0).all()
    assert (changed[:, 2] <= 1100).all() and (changed[:, 3] <= 1000).all()
    no_shape = {k: v for k, v in res.items() if k != 'img_shape'}
    with pytest.raises(ValueError, match='img_shape'):
        PoseGuidedProposals()(no_shape)


def test_bad_arguments(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.json'):
        PoseGuidedProposals(model_file=str(tmp_path / 'nope.json'))
    bad = tmp_path / 'bad.json'
    bad.write_text('[1, 2')
    with pytest.raises(ValueError, match='not valid JSON'):
        PoseGuidedProposals(model_file=str(bad))
    with pytest.raises(ValueError, match='patch_prob'):
        PoseGuidedProposals(patch_prob=1.5)
    with pytest.raises(ValueError, match='patch_scale_range'):
        PoseGuidedProposals(patch_scale_range=(0.9, 1.2))
    with pytest.raises(ValueError, match='padding'):
        PoseGuidedProposals(padding=0)
    with pytest.raises(ValueError, match='min_iou'):
        PoseGuidedProposals(min_iou=1.0)
    assert 'patch_prob=0.15' in repr(PoseGuidedProposals())
