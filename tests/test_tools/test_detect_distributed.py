"""tools/detect.py --launcher pytorch: two CPU processes (gloo)."""
import json

import numpy as np
import pipeline_models as pm
import pytest


def _args(det_checkpoint: str, out: str) -> list:
    return [
        pm.DET_CONFIG, det_checkpoint, '--ann', pm.COCO_ANN_FILE, '--img-root',
        pm.COCO_DIR, '--out', out
    ]


def test_detect_two_processes_match_one(tmp_path, load_tool, run_torchrun):
    """Each rank takes every 2nd image; rank 0 gathers the same file."""
    det_checkpoint = pm.save_det_checkpoint(str(tmp_path / 'tiny_det.pth'))
    one = str(tmp_path / 'one.json')
    load_tool('detect').main(_args(det_checkpoint, one))
    two = str(tmp_path / 'two.json')
    stdout, _ = run_torchrun(
        'tools/detect.py',
        *_args(det_checkpoint, two),
        '--launcher',
        'pytorch',
        timeout=300)
    # one writer (rank 0) for two processes
    assert stdout.count('(2 processes)') == 1, stdout[-2000:]
    with open(one) as f1, open(two) as f2:
        a, b = json.load(f1), json.load(f2)
    assert len(a) == len(b)
    for ra, rb in zip(a, b):
        assert ra['image_id'] == rb['image_id']
        np.testing.assert_allclose(ra['bbox'], rb['bbox'], atol=1e-3)
        assert ra['score'] == pytest.approx(rb['score'], abs=1e-5)
