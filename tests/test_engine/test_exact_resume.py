"""Exact resume through ``tools/train.py`` (subprocesses, the realistic
path), for a plain MMPose ``TopdownPoseEstimator`` smoke config and
``RMPEPoseEstimator`` with its parallel SPPE, ``num_workers`` 0 and 2:

- A: 2 epochs straight;
- K: 2 epochs killed by SIGKILL after iteration 1 of epoch 2
  (``rmpe_mm.testing.fault_hooks.SigkillHook``), then ``--auto-resume``
  (from the latest checkpoint of the work directory: epoch 1);
- B: ``--resume B/epoch_1.pth`` to 2 epochs, from a copy of the epoch-1
  checkpoint K wrote before it was killed (1 epoch + resume 1, without a
  separate 1-epoch run: K's first epoch is that run).

Every weight and every optimizer state tensor of ``epoch_2.pth`` must be
equal (``torch.equal``) in A, B and K. Independent runs go two at a time
(A with K's killed run, then the two resumptions) to keep the test short.
"""
import os
import os.path as osp
import shutil
import signal
import subprocess
import sys

import pytest
import torch

import rmpe_mm  # noqa: F401  (checkpoints load with weights_only=True)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TRAIN = osp.join(REPO, 'tools', 'train.py')
CONFIGS = {
    'topdown':
    'tests/configs/td-hm_hourglass52_1xb2-3e_mpii-sample-64x64.py',
    'rmpe_parallel_sppe':
    'tests/configs/rmpe_sstn-hourglass52-2stack_1xb2-3e_mpii-sample-64x64.py',
}


def _start(config, work_dir, num_workers, max_epochs, resume=()):
    """Start ``tools/train.py`` in a subprocess; :func:`_finish` waits."""
    options = [
        f'train_cfg.max_epochs={max_epochs}',
        f'train_dataloader.num_workers={num_workers}',
        f'train_dataloader.persistent_workers={num_workers > 0}',
        'randomness.seed=0'
    ]
    env = dict(os.environ, OMP_NUM_THREADS='1')
    env['PYTHONPATH'] = os.pathsep.join([REPO, env.get('PYTHONPATH',
                                                       '')]).rstrip(os.pathsep)
    cmd = [
        sys.executable, TRAIN, config, '--work-dir',
        str(work_dir), *resume, '--cfg-options', *options
    ]
    return subprocess.Popen(
        cmd,
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True)


def _finish(proc, expect_kill=False):
    _, stderr = proc.communicate()
    if expect_kill:
        assert proc.returncode == -signal.SIGKILL, stderr[-3000:]
    else:
        assert proc.returncode == 0, stderr[-3000:]


def _killing_config(config, tmp_path):
    """``config`` plus a hook that SIGKILLs after iteration 1 of epoch 2."""
    path = tmp_path / 'killed_config.py'
    path.write_text(
        f'_base_ = [{osp.join(REPO, config)!r}]\n'
        "custom_imports = dict(imports=['rmpe_mm', "
        "'rmpe_mm.testing.fault_hooks'], allow_failed_imports=False)\n"
        'custom_hooks = _base_.custom_hooks + '
        "[dict(type='SigkillHook', epoch=1, iter_in_epoch=1)]\n")
    return str(path)


def _load(path):
    return torch.load(str(path), map_location='cpu', weights_only=True)


def _assert_identical(a, b):
    assert a['state_dict'].keys() == b['state_dict'].keys()
    for key, value in a['state_dict'].items():
        assert torch.equal(value, b['state_dict'][key]), key
    sa, sb = a['optimizer']['state'], b['optimizer']['state']
    assert sa.keys() == sb.keys() and len(sa) > 0
    for param, state in sa.items():
        for key, value in state.items():
            other = sb[param][key]
            if torch.is_tensor(value):
                assert torch.equal(value, other), (param, key)
            else:
                assert value == other, (param, key)


@pytest.mark.parametrize('num_workers', [0, 2])
@pytest.mark.parametrize('model', sorted(CONFIGS))
def test_resumed_and_killed_runs_equal_straight_run(tmp_path, model,
                                                    num_workers):
    config = CONFIGS[model]
    a, b, k = tmp_path / 'A', tmp_path / 'B', tmp_path / 'K'
    straight_run = _start(config, a, num_workers, 2)
    killed_run = _start(_killing_config(config, tmp_path), k, num_workers, 2)
    _finish(killed_run, expect_kill=True)
    _finish(straight_run)
    assert not (k / 'epoch_2.pth').exists()
    assert (k / 'last_checkpoint').read_text().endswith('epoch_1.pth')
    b.mkdir()
    shutil.copy(k / 'epoch_1.pth', b / 'epoch_1.pth')
    resumed = _start(config, b, num_workers, 2,
                     ['--resume', str(b / 'epoch_1.pth')])
    auto_resumed = _start(config, k, num_workers, 2,
                          ['--auto-resume'])  # latest: epoch_1
    _finish(resumed)
    _finish(auto_resumed)
    straight = _load(a / 'epoch_2.pth')
    assert straight['meta']['epoch'] == 2
    _assert_identical(straight, _load(b / 'epoch_2.pth'))
    _assert_identical(straight, _load(k / 'epoch_2.pth'))
    leftovers = [n for n in os.listdir(k) if '.tmp' in n]
    assert leftovers == []
