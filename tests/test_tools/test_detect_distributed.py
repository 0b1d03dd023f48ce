"""tools/detect.py --launcher pytorch: two CPU processes (gloo)."""
import json
import os
import os.path as osp
import socket
import subprocess
import sys

import numpy as np
import pipeline_models as pm
import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _args(det_checkpoint: str, out: str) -> list:
    return [
        pm.DET_CONFIG, det_checkpoint, '--ann', pm.COCO_ANN_FILE,
        '--img-root', pm.COCO_DIR, '--out', out
    ]


def test_detect_two_processes_match_one(tmp_path, repo_root, load_tool):
    """Each rank takes every 2nd image; rank 0 gathers the same file."""
    det_checkpoint = pm.save_det_checkpoint(str(tmp_path / 'tiny_det.pth'))
    one = str(tmp_path / 'one.json')
    load_tool('detect').main(_args(det_checkpoint, one))
    two = str(tmp_path / 'two.json')
    cmd = [
        sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node=2',
        '--master_addr=127.0.0.1', f'--master_port={_free_port()}',
        'tools/detect.py', *_args(det_checkpoint, two), '--launcher',
        'pytorch'
    ]
    proc = subprocess.run(
        cmd,
        cwd=repo_root,
        env=dict(os.environ, OMP_NUM_THREADS='1'),
        capture_output=True,
        text=True,
        timeout=300)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    # one writer (rank 0) for two processes
    assert proc.stdout.count('(2 processes)') == 1, proc.stdout[-2000:]
    with open(one) as f1, open(two) as f2:
        a, b = json.load(f1), json.load(f2)
    assert len(a) == len(b)
    for ra, rb in zip(a, b):
        assert ra['image_id'] == rb['image_id']
        np.testing.assert_allclose(ra['bbox'], rb['bbox'], atol=1e-3)
        assert ra['score'] == pytest.approx(rb['score'], abs=1e-5)
