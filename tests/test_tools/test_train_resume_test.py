"""End to end through the tools, as a user runs them: train, resume, test.

This is also the round trip that proves checkpoints written by MMEngine load
on torch >= 2.6 (``rmpe_mm.utils.checkpoint_compat``).
"""
import json
import math
import os.path as osp

import pytest
import torch

import rmpe_mm  # noqa: F401  (torch.load of MMEngine checkpoints)

CONFIG = 'tests/configs/td-hm_hourglass52_1xb2-3e_mpii-sample-64x64.py'
COLUMNS = [
    'Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle', 'Total'
]


@pytest.fixture(scope='module')
def trained(run_python, tmp_path_factory):
    """Train the sample config for one epoch with tools/train.py."""
    work_dir = str(tmp_path_factory.mktemp('train'))
    run_python('tools/train.py', CONFIG, '--work-dir', work_dir,
               '--cfg-options', 'train_cfg.max_epochs=1')
    return work_dir


def test_train_writes_a_checkpoint(trained):
    ckpt = osp.join(trained, 'epoch_1.pth')
    assert osp.isfile(ckpt)
    state = torch.load(ckpt, map_location='cpu')  # weights_only by default
    assert state['meta']['epoch'] == 1
    assert any(k.startswith('backbone.') for k in state['state_dict'])


def test_resume_continues_from_the_checkpoint(run_python, trained):
    ckpt = osp.join(trained, 'epoch_1.pth')
    log = run_python('tools/train.py', CONFIG, '--work-dir', trained,
                     '--resume', ckpt, '--cfg-options',
                     'train_cfg.max_epochs=2')
    assert 'resumed epoch: 1' in log, log[-3000:]
    state = torch.load(osp.join(trained, 'epoch_2.pth'), map_location='cpu')
    assert state['meta']['epoch'] == 2
    assert osp.isfile(ckpt), 'resuming must not lose the earlier checkpoint'


def test_test_tool_evaluates_and_dumps(run_python, trained, tmp_path):
    out = tmp_path / 'metrics.json'
    dump = tmp_path / 'preds.pkl'
    log = run_python('tools/test.py', CONFIG, osp.join(trained, 'epoch_1.pth'),
                     '--work-dir', str(tmp_path), '--out', str(out), '--dump',
                     str(dump))
    # the MPII multi-person table (detections -> pose NMS -> official mAP)
    assert 'MPII multi-person AP (5 groups)' in log, log[-3000:]
    assert ' | '.join(c.rjust(6) for c in COLUMNS).strip() in log
    metrics = json.loads(out.read_text())
    # NaN where no ground truth counts: a column whose joint the samples
    # never annotate, or everything when the barely trained model's poses
    # fall outside every group (the official protocol then counts no GT)
    assert all(0.0 <= metrics[c] <= 100.0 or math.isnan(metrics[c])
               for c in COLUMNS), metrics
    import pickle
    with open(dump, 'rb') as f:
        preds = pickle.load(f)
    # one per detection (tests/data/mpii/test_mpii_det.json), before NMS
    assert len(preds) == 15
    assert preds[0]['pred_instances']['keypoints'].shape == (1, 16, 2)
