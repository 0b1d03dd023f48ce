"""Two-process distributed training on CPU (gloo) through torchrun."""
import os.path as osp

import torch

import rmpe_mm  # noqa: F401  (torch.load of MMEngine checkpoints)


def test_two_process_cpu_training(run_torchrun, tmp_path):
    work_dir = str(tmp_path)
    _, log = run_torchrun(
        'tools/train.py', 'tests/configs/'
        'td-hm_hourglass52_1xb2-3e_mpii-sample-64x64.py', '--launcher',
        'pytorch', '--work-dir', work_dir, '--cfg-options',
        'train_cfg.max_epochs=1')
    assert 'Distributed training: True' in log
    assert "dist_cfg: {'backend': 'gloo'}" in log
    # 5 samples, batch 2, split over 2 ranks: 2 iterations per epoch
    # (one process alone would need 3).
    assert 'Epoch(train) [1][2/2]' in log
    ckpt = torch.load(osp.join(work_dir, 'epoch_1.pth'), map_location='cpu')
    assert ckpt['meta']['epoch'] == 1
