"""Reading GT / detection files and matching them (PGPG)."""
import json
import os.path as osp

import numpy as np
import pytest

from rmpe_mm.datasets.pgpg import (box_iou_matrix, load_matched_pairs,
                                   normalized_offsets)

COCO_DIR = osp.join(osp.dirname(__file__), '..', '..', 'data', 'coco')
ANN = osp.join(COCO_DIR, 'test_coco.json')
DET = osp.join(COCO_DIR, 'test_coco_det_AP_H_56.json')


def test_real_sample_pairs():
    pairs = load_matched_pairs(ANN, DET, progress=False)
    n = len(pairs.offsets)
    assert 0 < n <= 14
    assert pairs.stats['num_gt'] == 14
    assert pairs.stats['num_detections'] == 118
    assert pairs.keypoints.shape == (n, 17, 2)
    assert (pairs.ious > 0.5).all()
    np.testing.assert_allclose(
        pairs.offsets, normalized_offsets(pairs.det_boxes, pairs.gt_boxes))
    # One-to-one within each image.
    for image_id in np.unique(pairs.image_ids):
        sel = pairs.image_ids == image_id
        assert len(np.unique(pairs.det_boxes[sel], axis=0)) == sel.sum()
    # Real detector offsets are small.
    assert np.abs(pairs.offsets).max() < 0.5
    # A lower threshold can only add pairs.
    more = load_matched_pairs(ANN, DET, iou_thr=0.3, progress=False)
    assert len(more.offsets) >= n
    greedy = load_matched_pairs(ANN, DET, match='greedy', progress=False)
    assert len(greedy.offsets) <= n


def test_score_and_category_filters(tmp_path):
    dets = json.load(open(DET))
    for d in dets:
        d['category_id'] = 2
    path = tmp_path / 'dets.json'
    path.write_text(json.dumps(dets))
    with pytest.raises(ValueError, match='no detection'):
        load_matched_pairs(ANN, str(path), progress=False)
    pairs = load_matched_pairs(ANN, str(path), category_id=2, progress=False)
    assert len(pairs.offsets) > 0
    high = load_matched_pairs(ANN, DET, min_score=0.99, progress=False)
    assert high.stats['num_detections'] < 118


def _write(tmp_path, name, obj):
    path = tmp_path / name
    path.write_text(obj if isinstance(obj, str) else json.dumps(obj))
    return str(path)


def test_bad_inputs(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.json'):
        load_matched_pairs(str(tmp_path / 'nope.json'), DET)
    with pytest.raises(FileNotFoundError, match='detection file'):
        load_matched_pairs(ANN, str(tmp_path / 'nope.json'))
    broken = _write(tmp_path, 'broken.json', '{"annotations": [')
    with pytest.raises(ValueError, match='not valid JSON'):
        load_matched_pairs(broken, DET)
    with pytest.raises(ValueError, match='"annotations" list'):
        load_matched_pairs(_write(tmp_path, 'a.json', [1, 2]), DET)
    with pytest.raises(ValueError, match='list of COCO results'):
        load_matched_pairs(ANN, _write(tmp_path, 'd.json', {'a': 1}))
    gt = json.load(open(ANN))
    gt['annotations'][3]['keypoints'] = gt['annotations'][3]['keypoints'][:48]
    aid = gt['annotations'][3]['id']
    with pytest.raises(
            ValueError, match=f'id={aid} has 16 keypoints, expected 17'):
        load_matched_pairs(_write(tmp_path, 'k.json', gt), DET)
    with pytest.raises(ValueError, match='expected 16'):
        load_matched_pairs(ANN, DET, num_keypoints=16)
    gt = json.load(open(ANN))
    gt['annotations'][0]['bbox'] = [1, 2, 3]
    with pytest.raises(ValueError, match=r'bbox=\[1, 2, 3\]'):
        load_matched_pairs(_write(tmp_path, 'b.json', gt), DET)
    dets = json.load(open(DET))
    del dets[5]['image_id']
    with pytest.raises(ValueError, match='detection #5 has no image_id'):
        load_matched_pairs(ANN, _write(tmp_path, 'd2.json', dets))


def test_crowd_people_are_ignored(tmp_path):
    gt = json.load(open(ANN))
    pairs = load_matched_pairs(ANN, DET, progress=False)
    # Mark the person of the first matched pair as a crowd.
    first_box = pairs.gt_boxes[0]
    for ann in gt['annotations']:
        x, y, w, h = ann['bbox']
        if np.allclose([x, y, x + w, y + h], first_box):
            ann['iscrowd'] = 1
    crowd = load_matched_pairs(
        _write(tmp_path, 'c.json', gt), DET, progress=False)
    assert crowd.stats['num_gt'] == 13
    assert box_iou_matrix(crowd.gt_boxes, first_box[None]).max() < 1
