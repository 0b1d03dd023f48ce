"""Two-process distributed training on CPU (gloo) through torchrun."""
import os
import os.path as osp
import socket
import subprocess
import sys

import torch

import rmpe_mm  # noqa: F401  (torch.load of MMEngine checkpoints)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def test_two_process_cpu_training(repo_root, tmp_path):
    work_dir = str(tmp_path)
    env = dict(os.environ, OMP_NUM_THREADS='1')
    cmd = [
        sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node=2',
        '--master_addr=127.0.0.1', f'--master_port={_free_port()}',
        'tools/train.py', 'configs/hg_mpii_baseline_sample.py', '--launcher',
        'pytorch', '--work-dir', work_dir, '--cfg-options',
        'train_cfg.max_epochs=1'
    ]
    proc = subprocess.run(
        cmd, cwd=repo_root, env=env, capture_output=True, text=True,
        timeout=600)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-4000:]
    assert 'Distributed training: True' in log
    assert "dist_cfg: {'backend': 'gloo'}" in log
    # 5 samples, batch 2, split over 2 ranks: 2 iterations per epoch
    # (one process alone would need 3).
    assert 'Epoch(train) [1][2/2]' in log
    ckpt = torch.load(osp.join(work_dir, 'epoch_1.pth'), map_location='cpu')
    assert ckpt['meta']['epoch'] == 1
