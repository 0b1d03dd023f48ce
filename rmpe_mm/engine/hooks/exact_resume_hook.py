"""A hook that makes a resumed training run bit-identical to the
uninterrupted one (on CPU; on GPU see ``docs/exact_resume.md``)."""
import random
from typing import Any, Dict, Optional

import numpy as np
import torch
from mmengine.dist import all_gather_object, get_rank, get_world_size
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmpose.registry import HOOKS

from ..worker_seeding import EpochWorkerSeeder, install_worker_seeder

#: Checkpoint key of what the hook saves.
CHECKPOINT_KEY = 'random_state'


def capture_random_state() -> Dict[str, Any]:
    """The global random states of this process: Python's ``random``,
    NumPy's global generator, torch's CPU generator and, if CUDA is
    available, every CUDA device's generator. Plain Python values and
    tensors only, so ``torch.load(weights_only=True)`` reads them."""
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    state = dict(
        python=random.getstate(),
        numpy=dict(
            kind=kind,
            keys=[int(k) for k in keys],
            pos=int(pos),
            has_gauss=int(has_gauss),
            cached_gaussian=float(cached)),
        torch=torch.get_rng_state())
    if torch.cuda.is_available():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def restore_random_state(state: Dict[str, Any]) -> None:
    """Set the global random states to ``state`` (from
    :func:`capture_random_state`).

    Raises:
        ValueError: If ``state`` holds CUDA states but this process has a
            different number of CUDA devices.
    """
    random.setstate(state['python'])
    np_state = state['numpy']
    np.random.set_state(
        (np_state['kind'], np.asarray(np_state['keys'], dtype=np.uint32),
         np_state['pos'], np_state['has_gauss'], np_state['cached_gaussian']))
    torch.set_rng_state(state['torch'])
    cuda = state.get('cuda')
    if cuda is not None and torch.cuda.is_available():
        if len(cuda) != torch.cuda.device_count():
            raise ValueError(
                f'random_state.cuda holds {len(cuda)} device states, this '
                f'process sees {torch.cuda.device_count()} CUDA devices')
        torch.cuda.set_rng_state_all(cuda)


@HOOKS.register_module()
class ExactResumeHook(Hook):
    """Make ``--resume`` continue the very random streams of the
    uninterrupted run, so that resuming (also after a kill mid-epoch, from
    the last epoch checkpoint) ends bit-identical on CPU.

    Every process saves its own states (gathered into rank 0's checkpoint)
    and restores them, so distributed runs resume with the same number of
    processes.

    What MMEngine 0.10.7 leaves out, and what this hook does about it:

    - **Global random states.** A resumed run seeds Python, NumPy and torch
      from ``randomness.seed`` and then draws from them while it builds and
      initialises the model (``Runner._init_model_weights``), so the
      transforms (``@cache_randomness`` ones such as PGPG's proposals, flips,
      the paired box transform) and the model (dropout, ...) of the resumed
      epochs see other numbers. The hook snapshots the states at the end of
      each training epoch, saves the snapshot in every checkpoint
      (``checkpoint['random_state']``) and restores it at the start of the
      next epoch, in the uninterrupted run as well as after a resume. So
      whatever is drawn between epochs (validation, model building, loading
      the parallel SPPE) cannot shift the streams.
    - **Data-loader workers.** MMEngine seeds worker ``i`` with
      ``seed + num_workers * rank + i`` in every epoch; with
      ``persistent_workers=True`` (MMPose's configs) the workers keep their
      states across epochs, and resumed workers start again from the seed.
      The hook installs :class:`~rmpe_mm.engine.EpochWorkerSeeder` (seeds
      from seed, rank, epoch and worker id, so epochs also differ from each
      other) and restarts persistent workers at the start of every epoch
      (one worker start per epoch, as with non-persistent workers).
    - **The sampler.** ``DefaultSampler`` shuffles with ``seed + epoch``;
      its seed is fixed when the loader is built, before the checkpoint is
      read, so with ``randomness.seed=None`` a resumed run would shuffle
      differently. The hook saves the sampler's seed and sets it back; it
      also sets the sampler's epoch (as ``DistSamplerSeedHook`` does).

    The snapshot is restored only when the run continues at the epoch the
    checkpoint was saved at: loading weights with ``load_from`` (a new run)
    does not touch the streams. A checkpoint saved in the middle of an
    epoch (``CheckpointHook(by_epoch=False)``) carries no snapshot, and
    resuming from it logs that the run will not be exact: MMEngine's
    ``EpochBasedTrainLoop`` restarts the interrupted epoch from its first
    batch anyway.

    Use it from any MMPose config (rmpe_mm's configs have it by default)::

        custom_hooks = [dict(type='ExactResumeHook')]

    GPU: cuDNN and some CUDA kernels are not deterministic; set
    ``randomness=dict(seed=0, deterministic=True)`` and
    ``CUBLAS_WORKSPACE_CONFIG=:4096:8`` for bit-identical GPU runs (see
    ``docs/exact_resume.md``).
    """

    # before CheckpointHook (VERY_LOW) saves at the end of an epoch
    priority = 'VERY_HIGH'

    def __init__(self) -> None:
        self._snapshot: Optional[Dict[str, Any]] = None
        self._snapshot_epoch: Optional[int] = None
        self._sampler_seed: Optional[int] = None
        self._seeder: Optional[EpochWorkerSeeder] = None

    @staticmethod
    def _sampler(runner):
        return getattr(runner.train_dataloader, 'sampler', None)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Keep the checkpoint's snapshot (used if the run resumes at its
        epoch)."""
        saved = checkpoint.get(CHECKPOINT_KEY)
        if saved is None:
            self._snapshot = self._snapshot_epoch = None
            return
        self._snapshot = saved['state']
        self._snapshot_epoch = saved['epoch']
        self._sampler_seed = saved.get('sampler_seed')

    def before_train(self, runner) -> None:
        """Check what a resume restores, install the worker seeder."""
        resumed = runner.epoch > 0 or runner.iter > 0
        if resumed and self._snapshot_epoch != runner.epoch:
            print_log(
                f'ExactResumeHook: the run resumes at epoch {runner.epoch}, '
                f'iteration {runner.iter} from a checkpoint without the '
                'random state of that point (saved without this hook, or in '
                'the middle of an epoch): the resumed run will not be '
                'bit-identical to an uninterrupted one',
                logger='current',
                level='WARNING')
            self._snapshot = self._snapshot_epoch = None
        if not resumed:  # load_from: a new run keeps its own streams
            self._snapshot = self._snapshot_epoch = None
            self._sampler_seed = None
        sampler = self._sampler(runner)
        if self._sampler_seed is not None and hasattr(sampler, 'seed'):
            sampler.seed = self._sampler_seed
        self._seeder = install_worker_seeder(runner.train_dataloader,
                                             runner.seed, get_rank())

    def before_train_epoch(self, runner) -> None:
        """Restore the end-of-last-epoch snapshot, set the sampler's epoch,
        reseed (restart) the data-loader workers for this epoch."""
        if self._snapshot is not None and self._snapshot_epoch == runner.epoch:
            ranks = self._snapshot['ranks']
            if len(ranks) != get_world_size():
                raise ValueError(
                    f'random_state holds the states of {len(ranks)} '
                    f'processes, this run has {get_world_size()}: resume '
                    'with as many processes as the checkpoint was saved by')
            restore_random_state(ranks[get_rank()])
        sampler = self._sampler(runner)
        if hasattr(sampler, 'set_epoch'):
            sampler.set_epoch(runner.epoch)
        if self._seeder is not None:
            self._seeder.start_epoch(runner.train_dataloader, runner.epoch)

    def after_train_epoch(self, runner) -> None:
        """Snapshot the random states of every rank at the end of the epoch
        (before the checkpoint hook saves and before validation draws
        anything)."""
        self._snapshot = dict(ranks=all_gather_object(capture_random_state()))
        self._snapshot_epoch = runner.epoch + 1  # epochs completed

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Put the snapshot of the checkpoint's epoch into it."""
        epoch = checkpoint.get('meta', {}).get('epoch')
        if self._snapshot is None or epoch != self._snapshot_epoch:
            return  # saved mid-epoch: no snapshot of that point
        sampler = self._sampler(runner)
        checkpoint[CHECKPOINT_KEY] = dict(
            epoch=self._snapshot_epoch,
            state=self._snapshot,
            sampler_seed=getattr(sampler, 'seed', None))
