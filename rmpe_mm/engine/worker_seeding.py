"""Seed data-loader workers from (seed, rank, epoch, worker id).

MMEngine 0.10.7 gives every worker ``seed + num_workers * rank + worker_id``
in every epoch (``mmengine.dataset.worker_init_fn``): non-persistent workers
repeat the same augmentation numbers each epoch, and persistent workers
carry their states over epochs, which a resumed run cannot reproduce.
:class:`EpochWorkerSeeder` seeds each worker from a NumPy ``SeedSequence``
of the four numbers, so a worker's stream depends on nothing but where it is
in the run; :meth:`EpochWorkerSeeder.start_epoch` restarts persistent
workers so that they are seeded for the new epoch.
"""
import functools
import random
from typing import Callable, Optional

import numpy as np
import torch
from mmengine.dataset import worker_init_fn as mmengine_worker_init_fn
from torch.utils.data import DataLoader


class EpochWorkerSeeder:
    """A ``worker_init_fn`` seeding Python's ``random``, NumPy's global
    generator and torch from ``SeedSequence([seed, rank, epoch,
    worker_id])``.

    Picklable (works with the ``spawn`` start method). Set :attr:`epoch`
    (:meth:`start_epoch`) before the workers of an epoch start.

    Args:
        seed (int): The run's seed (``runner.seed``), >= 0.
        rank (int): The process rank.
        epoch (int): The epoch the next workers serve. Defaults to 0.
        then (Callable[[int], None], optional): A user ``worker_init_fn``
            called after seeding. Defaults to None.
    """

    def __init__(self,
                 seed: int,
                 rank: int,
                 epoch: int = 0,
                 then: Optional[Callable[[int], None]] = None) -> None:
        if seed < 0 or rank < 0 or epoch < 0:
            raise ValueError('seed, rank and epoch must be >= 0, got '
                             f'seed={seed}, rank={rank}, epoch={epoch}')
        self.seed = seed
        self.rank = rank
        self.epoch = epoch
        self.then = then

    def worker_seeds(self, worker_id: int) -> np.ndarray:
        """Four 32-bit words derived from (seed, rank, epoch, worker_id)."""
        sequence = np.random.SeedSequence(
            [self.seed, self.rank, self.epoch, worker_id])
        return sequence.generate_state(4, dtype=np.uint32)

    def __call__(self, worker_id: int) -> None:
        words = self.worker_seeds(worker_id)
        random.seed(int(words[0]) << 32 | int(words[1]))
        np.random.seed(words)
        torch.manual_seed(int(words[2]) << 32 | int(words[3]))
        if self.then is not None:
            self.then(worker_id)

    def start_epoch(self, loader: DataLoader, epoch: int) -> None:
        """Seed the workers of ``epoch``: set :attr:`epoch` and shut down
        the persistent workers of ``loader`` so the next ``iter(loader)``
        starts new ones (torch's ``DataLoader._iterator``)."""
        self.epoch = epoch
        iterator = getattr(loader, '_iterator', None)
        if iterator is not None:
            iterator._shutdown_workers()
            loader._iterator = None


def _is_mmengine_default(fn: Optional[Callable]) -> bool:
    return isinstance(
        fn, functools.partial) and (fn.func is mmengine_worker_init_fn)


def install_worker_seeder(loader: DataLoader, seed: int,
                          rank: int) -> Optional[EpochWorkerSeeder]:
    """Make ``loader`` seed its workers with an :class:`EpochWorkerSeeder`.

    MMEngine's default ``worker_init_fn`` is replaced; a user's own is kept
    and called after seeding (it may reseed, which then is its choice).

    Returns:
        EpochWorkerSeeder | None: The installed seeder, or None when the
        loader has no workers.
    """
    if loader.num_workers == 0:
        return None
    current = loader.worker_init_fn
    if isinstance(current, EpochWorkerSeeder):
        current.seed, current.rank = seed, rank
        return current
    then = None if current is None or _is_mmengine_default(current) else (
        current)
    seeder = EpochWorkerSeeder(seed, rank, then=then)
    loader.worker_init_fn = seeder
    return seeder
