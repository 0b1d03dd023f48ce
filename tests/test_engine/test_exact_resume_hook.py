"""ExactResumeHook on a toy MMEngine run (fast, in process): a dataset whose
every sample draws from Python's ``random``, NumPy and torch, a model with
dropout, a validation loop that draws too, ``num_workers`` 0 and 2 with
persistent workers. Straight 3 epochs vs 2 + resume 1 must be bit-identical
with the hook, and are not without it (so the test can fail)."""
import random

import numpy as np
import pytest
import torch
from mmengine.evaluator import BaseMetric
from mmengine.model import BaseModel
from mmengine.runner import Runner
from torch import nn

from rmpe_mm.engine import (AtomicCheckpointHook, EpochWorkerSeeder,
                            ExactResumeHook)
from rmpe_mm.engine.hooks.exact_resume_hook import (capture_random_state,
                                                    restore_random_state)


class _NoisyDataset(torch.utils.data.Dataset):
    """Every item draws from all three global generators."""

    def __len__(self) -> int:
        return 8

    def __getitem__(self, index: int) -> dict:
        noise = (random.random() + np.random.rand() + torch.rand(1).item())
        x = torch.full((4, ), float(index)) + noise
        return dict(inputs=x, target=torch.tensor([noise], dtype=torch.float))


class _ToyModel(BaseModel):

    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(4, 8), nn.Dropout(0.5), nn.Linear(8, 1))

    def forward(self, inputs, target, mode='tensor'):
        inputs = torch.stack(inputs) if isinstance(inputs, list) else inputs
        target = torch.stack(target) if isinstance(target, list) else target
        out = self.net(inputs)
        if mode == 'loss':
            return dict(loss=((out - target)**2).mean())
        return [out]


class _DrawingMetric(BaseMetric):
    """Validation that consumes randomness (as a random val transform
    would)."""

    def process(self, data_batch, data_samples) -> None:
        torch.rand(3)
        np.random.rand(3)
        self.results.append(0.0)

    def compute_metrics(self, results) -> dict:
        return dict(score=0.0)


def _runner(work_dir, max_epochs, num_workers, hook, resume=False, name=''):
    loader = dict(
        dataset=_NoisyDataset(),
        sampler=dict(type='DefaultSampler', shuffle=True),
        batch_size=2,
        num_workers=num_workers,
        persistent_workers=num_workers > 0)
    torch.manual_seed(0)  # the same initial weights in every run
    model = _ToyModel()
    return Runner(
        model=model,
        work_dir=str(work_dir),
        experiment_name=f'toy_{name}_{work_dir.name}_{max_epochs}_{resume}',
        train_dataloader=loader,
        val_dataloader=dict(loader, sampler=dict(type='DefaultSampler')),
        val_evaluator=[_DrawingMetric()],
        val_cfg=dict(),
        train_cfg=dict(by_epoch=True, max_epochs=max_epochs, val_interval=1),
        optim_wrapper=dict(optimizer=dict(type='Adam', lr=0.01)),
        default_hooks=dict(
            checkpoint=AtomicCheckpointHook(interval=1),
            logger=dict(type='LoggerHook', interval=100)),
        custom_hooks=[ExactResumeHook()] if hook else [],
        randomness=dict(seed=3),
        resume=resume,
        load_from=str(work_dir / 'epoch_2.pth') if resume else None,
        default_scope='mmengine')


def _final_state(work_dir):
    ckpt = torch.load(str(work_dir / 'epoch_3.pth'), weights_only=False)
    return ckpt['state_dict'], ckpt['optimizer']['state']


def _equal(a, b) -> bool:
    sa, oa = a
    sb, ob = b
    weights = all(torch.equal(sa[k], sb[k]) for k in sa)
    optim = all(
        torch.equal(oa[p][k], ob[p][k]) for p in oa for k in oa[p]
        if torch.is_tensor(oa[p][k]))
    return weights and optim


@pytest.mark.parametrize('num_workers', [0, 2])
@pytest.mark.parametrize('hook', [True, False])
def test_resume_is_exact_only_with_the_hook(tmp_path, num_workers, hook):
    straight, resumed = tmp_path / 'straight', tmp_path / 'resumed'
    _runner(straight, 3, num_workers, hook, name='a').train()
    _runner(resumed, 2, num_workers, hook, name='b').train()
    # the interrupted process is gone: the resumed one starts elsewhere
    torch.manual_seed(12345)
    np.random.seed(12345)
    random.seed(12345)
    _runner(resumed, 3, num_workers, hook, resume=True, name='c').train()
    assert _equal(_final_state(straight), _final_state(resumed)) is hook


def test_checkpoint_carries_the_state(tmp_path):
    _runner(tmp_path, 1, 0, True).train()
    ckpt = torch.load(str(tmp_path / 'epoch_1.pth'), weights_only=True)
    saved = ckpt['random_state']
    assert saved['epoch'] == 1
    assert saved['sampler_seed'] == 3
    assert len(saved['state']['ranks']) == 1  # one process
    assert set(saved['state']['ranks'][0]) >= {'python', 'numpy', 'torch'}


def test_capture_restore_round_trip():
    state = capture_random_state()
    first = (random.random(), np.random.rand(), torch.rand(1).item())
    restore_random_state(state)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == first


def test_worker_seeder_depends_on_every_input():
    seeds = {
        tuple(EpochWorkerSeeder(s, r, e).worker_seeds(w))
        for s, r, e, w in [(0, 0, 0, 0), (1, 0, 0, 0), (0, 1, 0,
                                                        0), (0, 0, 1,
                                                             0), (0, 0, 0, 1)]
    }
    assert len(seeds) == 5
    with pytest.raises(ValueError, match='seed=-1'):
        EpochWorkerSeeder(-1, 0)
