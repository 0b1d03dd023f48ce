"""The simulated detector matches its configured error statistics."""
import json
import os.path as osp

import numpy as np
import pytest

from synthetic_benchmark.generator import (POSE_CLASSES, AppearanceConfig,
                                           DetectorConfig, GeneratorConfig,
                                           SceneConfig, SimulatedDetector,
                                           generate_split, mixture_moments)


def _offsets(dets, gt):
    wh = np.tile(gt[2:] - gt[:2], 2)
    return [(d.bbox - gt) / wh for d in dets if d.kind != 'fp']


@pytest.fixture(scope='module')
def unclipped_run():
    """1500 one-person images per class, boxes not clipped."""
    det = SimulatedDetector(clip_to_image=False)
    rng = np.random.default_rng(0)
    gt = np.array([40.0, 30.0, 100.0, 190.0])
    out = {}
    for cls in POSE_CLASSES:
        out[cls] = [
            det.detect(rng, gt[None], [cls], (256, 256)) for _ in range(1500)
        ]
    return det, gt, out


def test_offsets_follow_the_pose_class_mixture(unclipped_run):
    det, gt, runs = unclipped_run
    for cls, images in runs.items():
        off = np.array([o for dets in images for o in _offsets(dets, gt)])
        mean, std = mixture_moments(det.cfg.offset_models[cls])
        n = len(off)
        # 4.5 standard errors for the mean, 8 % for the std
        assert np.all(np.abs(off.mean(0) - mean) < 4.5 * std / np.sqrt(n)), cls
        assert np.allclose(off.std(0), std, rtol=0.08), cls


def test_pose_classes_have_different_offsets(unclipped_run):
    _, gt, runs = unclipped_run
    means = {
        cls: np.mean([o for d in imgs for o in _offsets(d, gt)], 0)
        for cls, imgs in runs.items()
    }
    assert means['arms_up'][1] > means['arms_down'][1] + 0.05  # top cut
    assert means['arms_out'][0] > means['arms_down'][0] + 0.05  # narrower
    assert means['arms_out'][2] < means['arms_down'][2] - 0.05


def test_miss_duplicate_and_false_positive_rates(unclipped_run):
    det, _, runs = unclipped_run
    images = [d for imgs in runs.values() for d in imgs]
    n = len(images)
    kinds = [[x.kind for x in dets] for dets in images]
    tp = np.array([k.count('tp') for k in kinds])
    dup = np.array([k.count('duplicate') for k in kinds])
    fp = np.array([k.count('fp') for k in kinds])
    assert set(tp) <= {0, 1} and not (dup[tp == 0]).any()

    def close(rate, expected, var):
        return abs(rate - expected) < 4.5 * np.sqrt(var / n)

    miss = det.cfg.miss_rate
    assert close(1 - tp.mean(), miss, miss * (1 - miss))
    d = det.cfg.duplicate_rate
    assert abs(dup[tp == 1].mean() - d) < 4.5 * np.sqrt(d * (1 - d) / tp.sum())
    assert close(fp.mean(), det.cfg.fp_per_image, det.cfg.fp_per_image)


def test_scores_and_order(unclipped_run):
    det, _, runs = unclipped_run
    by_kind = {'tp': [], 'duplicate': [], 'fp': []}
    for dets in runs['arms_down']:
        scores = [x.score for x in dets]
        assert scores == sorted(scores, reverse=True)
        for x in dets:
            by_kind[x.kind].append(x.score)
    for kind, (mean, _) in dict(
            tp=det.cfg.tp_score,
            duplicate=det.cfg.duplicate_score,
            fp=det.cfg.fp_score).items():
        s = np.array(by_kind[kind])
        assert (s >= 0.01).all() and (s <= 1).all()
        assert abs(s.mean() - mean) < 0.03, kind


def test_clipping_and_validation():
    det = SimulatedDetector(fp_per_image=3.0)
    rng = np.random.default_rng(1)
    gt = np.array([[0.0, 0.0, 30.0, 60.0], [40.0, 10.0, 64.0, 64.0]])
    for _ in range(200):
        for d in det.detect(rng, gt, ['crouched', 'arms_out'], (64, 64)):
            assert (d.bbox >= 0).all() and (d.bbox[[0, 2]] <= 64).all()
            assert (d.bbox[2:] - d.bbox[:2] >= det.cfg.min_box_size).all()
    with pytest.raises(ValueError, match='miss_rate'):
        SimulatedDetector(miss_rate=1.5)
    with pytest.raises(ValueError, match='offset_models'):
        SimulatedDetector(offset_models=dict(arms_up=[]))
    with pytest.raises(ValueError, match='pose_classes'):
        det.detect(rng, gt, ['crouched'], (64, 64))


def test_written_detections_match_configured_statistics(tmp_path):
    """End to end through the files: 120 small images, unclipped boxes."""
    cfg = GeneratorConfig(
        seed=3,
        scene=SceneConfig(
            img_size=(64, 64),
            min_people=2,
            max_people=4,
            max_placement_tries=10),
        appearance=AppearanceConfig(num_shapes_range=(0, 2)),
        detector=DetectorConfig(clip_to_image=False, fp_per_image=1.0))
    paths = generate_split(cfg, 'val', 120, str(tmp_path), progress=False)
    with open(paths['ann_file']) as f:
        anns = {a['id']: a for a in json.load(f)['annotations']}
    with open(paths['bbox_file']) as f:
        dets = json.load(f)
    with open(paths['meta_file']) as f:
        meta = json.load(f)
    assert len(meta['detections']) == len(dets)
    cls_of = {a['id']: a['pose_class'] for a in meta['annotations']}
    offsets = {c: [] for c in POSE_CLASSES}
    detected = set()
    for det, info in zip(dets, meta['detections']):
        assert det['image_id'] == info['image_id']
        if info['kind'] == 'fp':
            continue
        ann = anns[info['gt_ann_id']]
        assert ann['image_id'] == det['image_id']
        gx, gy, gw, gh = ann['bbox']
        x, y, w, h = det['bbox']
        off = np.array([(x - gx) / gw, (y - gy) / gh, (x + w - gx - gw) / gw,
                        (y + h - gy - gh) / gh])
        # the file's box is the GT box moved by the recorded offset
        assert np.allclose(off, info['offset'], atol=0.02 / min(gw, gh) + 1e-3)
        offsets[cls_of[ann['id']]].append(off)
        detected.add(ann['id'])
    for cls, offs in offsets.items():
        offs = np.array(offs)
        mean, std = mixture_moments(cfg.detector.offset_models[cls])
        assert len(offs) > 30, cls
        assert np.all(
            np.abs(offs.mean(0) - mean) < 4.5 * std / np.sqrt(len(offs))), cls
    kinds = [m['kind'] for m in meta['detections']]
    num_gt, num_img = len(anns), 120
    miss = 1 - kinds.count('tp') / num_gt
    assert abs(miss - 0.05) < 4.5 * np.sqrt(0.05 * 0.95 / num_gt)
    assert len(detected) == kinds.count('tp')
    dup = kinds.count('duplicate') / kinds.count('tp')
    assert abs(dup - 0.3) < 4.5 * np.sqrt(0.3 * 0.7 / kinds.count('tp'))
    assert abs(kinds.count('fp') / num_img - 1.0) < 4.5 * np.sqrt(1 / num_img)
    assert osp.isfile(osp.join(tmp_path, 'images', 'val_000000.jpg'))
