"""AtomicCheckpointHook: checkpoints and ``last_checkpoint`` go through the
atomic path, old checkpoints are removed only after the new one exists, a
failed save leaves the previous state intact."""
import os

import pytest
import torch
from mmengine.model import BaseModel
from mmengine.runner import Runner
from torch import nn

from rmpe_mm.engine import AtomicCheckpointHook
from rmpe_mm.utils import atomic_io


class _Model(BaseModel):

    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Linear(2, 1)

    def forward(self, inputs, mode='tensor'):
        inputs = torch.stack(inputs)
        out = self.net(inputs)
        return dict(loss=out.pow(2).mean()) if mode == 'loss' else [out]


def _runner(work_dir, max_epochs, name, resume=False, **hook_args):
    return Runner(
        model=_Model(),
        work_dir=str(work_dir),
        experiment_name=f'atomic_{name}',
        train_dataloader=dict(
            dataset=[dict(inputs=torch.ones(2))] * 4,
            sampler=dict(type='DefaultSampler', shuffle=False),
            batch_size=2,
            num_workers=0),
        train_cfg=dict(by_epoch=True, max_epochs=max_epochs),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
        default_hooks=dict(
            checkpoint=AtomicCheckpointHook(interval=1, **hook_args)),
        resume=resume,
        default_scope='mmengine')


def test_checkpoints_written_atomically(tmp_path, monkeypatch):
    replaced = []
    real_replace = os.replace

    def spy(src, dst):
        replaced.append((os.path.basename(src), os.path.basename(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(atomic_io.os, 'replace', spy)
    _runner(tmp_path, 3, 'spy', max_keep_ckpts=2).train()
    targets = [dst for _, dst in replaced]
    assert targets == [
        'epoch_1.pth', 'last_checkpoint', 'epoch_2.pth', 'last_checkpoint',
        'epoch_3.pth', 'last_checkpoint'
    ]
    assert all(src.startswith('.' + dst + '.tmp') for src, dst in replaced)
    files = sorted(
        n for n in os.listdir(tmp_path) if not os.path.isdir(tmp_path / n))
    assert [n for n in files
            if n.endswith('.pth')] == ['epoch_2.pth', 'epoch_3.pth']
    assert not [n for n in files if '.tmp' in n]
    assert (tmp_path / 'last_checkpoint').read_text() == str(tmp_path /
                                                             'epoch_3.pth')


def test_failed_save_keeps_previous_checkpoint(tmp_path, monkeypatch):
    _runner(tmp_path, 1, 'first', max_keep_ckpts=1).train()
    calls = []
    real = atomic_io._fsync_file

    def fail_on_checkpoint(path):
        calls.append(path)
        if '.epoch_2.pth.tmp' in path:
            raise OSError('killed while saving')
        real(path)

    monkeypatch.setattr(atomic_io, '_fsync_file', fail_on_checkpoint)
    runner = _runner(tmp_path, 2, 'second', resume=True, max_keep_ckpts=1)
    with pytest.raises(OSError, match='killed while saving'):
        runner.train()
    names = [
        n for n in os.listdir(tmp_path) if not os.path.isdir(tmp_path / n)
    ]
    # epoch_1.pth is still there (max_keep_ckpts=1 removes it only after
    # epoch_2.pth is saved), and the pointer still names it
    assert sorted(n for n in names if n.endswith('.pth')) == ['epoch_1.pth']
    assert (tmp_path / 'last_checkpoint').read_text() == str(tmp_path /
                                                             'epoch_1.pth')
    assert not [n for n in names if '.tmp' in n]
    assert torch.load(
        str(tmp_path / 'epoch_1.pth'), weights_only=True)['meta']['epoch'] == 1


def test_remote_out_dir_keeps_mmengine_backend():
    hook = AtomicCheckpointHook(out_dir='s3://bucket/ckpts')
    assert hook.backend_args is None
    assert AtomicCheckpointHook().backend_args == dict(backend='atomic_local')
