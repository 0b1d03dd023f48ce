"""tools/detect.py: person detection over a COCO-style dataset."""
import json

import numpy as np
import pipeline_models as pm
import pytest


@pytest.fixture(scope='module')
def det_checkpoint(tmp_path_factory) -> str:
    return pm.save_det_checkpoint(
        str(tmp_path_factory.mktemp('det') / 'tiny_det.pth'))


def _args(det_checkpoint: str, out: str, *extra: str) -> list:
    return [
        pm.DET_CONFIG, det_checkpoint, '--ann', pm.COCO_ANN_FILE, '--img-root',
        pm.COCO_DIR, '--out', out, *extra
    ]


def test_detect_writes_coco_results(det_checkpoint, tmp_path, load_tool):
    detect = load_tool('detect')
    out = str(tmp_path / 'dets.json')
    detect.main(_args(det_checkpoint, out, '--batch-size', '3'))
    with open(out) as f:
        records = json.load(f)
    ids = [785, 40083, 196141, 197388]
    assert sorted({r['image_id'] for r in records}) == sorted(ids)
    # dataset order, then descending score; at most 5 boxes per image
    assert [r['image_id'] for r in records] == sorted(
        (r['image_id'] for r in records), key=ids.index)
    for image_id in ids:
        mine = [r for r in records if r['image_id'] == image_id]
        assert 1 <= len(mine) <= 5
        scores = [r['score'] for r in mine]
        assert scores == sorted(scores, reverse=True)
    for r in records:
        assert set(r) == {'image_id', 'category_id', 'bbox', 'score'}
        assert r['category_id'] == 1
        x, y, w, h = r['bbox']
        assert w > 0 and h > 0 and x >= 0 and y >= 0
    # the same boxes as the API; a score threshold keeps a subset
    thr = float(np.median([r['score'] for r in records]))
    high = str(tmp_path / 'high.json')
    detect.main(_args(det_checkpoint, high, '--score-thr', str(thr)))
    with open(high) as f:
        kept = json.load(f)
    assert kept == [r for r in records if r['score'] >= thr]


def test_detect_errors(det_checkpoint, tmp_path, load_tool):
    detect = load_tool('detect')
    with pytest.raises(FileNotFoundError, match='ann_file'):
        detect.main([
            pm.DET_CONFIG, det_checkpoint, '--ann',
            str(tmp_path / 'none.json'), '--img-root', pm.COCO_DIR, '--out',
            str(tmp_path / 'o.json')
        ])


def test_detector_names_as_mmpose_takes_them(tmp_path, load_tool):
    detect = load_tool('detect')
    with pytest.raises(ValueError, match=r"close matches.*'rtmdet-t'"):
        detect.main([
            'rtmdet-tt', 'none', '--ann', pm.COCO_ANN_FILE, '--img-root',
            pm.COCO_DIR, '--out',
            str(tmp_path / 'o.json')
        ])
