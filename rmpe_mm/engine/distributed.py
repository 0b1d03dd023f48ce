"""Distributed launch on machines without CUDA.

MMEngine 0.10.7 assumes a GPU per process when it starts distributed training
with ``--launcher pytorch``: it calls ``torch.cuda.set_device(local_rank)``
and wraps the model in DDP with ``device_ids=[local_rank]``. Both fail on a
CPU-only machine. :func:`prepare_cpu_distributed` starts the process group
with the ``gloo`` backend itself (MMEngine then skips its own start) and asks
for a DDP wrapper without device ids, so ``torchrun --nproc_per_node=N
tools/train.py CFG --launcher pytorch`` works on CPU too. With CUDA present
it changes nothing.
"""
import os

import torch
import torch.distributed as torch_dist
from mmengine.config import Config

_CPU_LAUNCHERS = ('pytorch', )


def prepare_cpu_distributed(cfg: Config) -> None:
    """Start a CPU (gloo) process group for ``cfg.launcher`` if needed.

    Does nothing when ``cfg.launcher`` is ``'none'`` or CUDA is available.

    Args:
        cfg (Config): The run's config; ``launcher``, ``env_cfg`` and
            ``model_wrapper_cfg`` are read and, on CPU, updated.

    Raises:
        ValueError: If the launcher is not supported without CUDA.
    """
    launcher = cfg.get('launcher', 'none')
    if launcher == 'none' or torch.cuda.is_available():
        return
    if launcher not in _CPU_LAUNCHERS:
        raise ValueError(
            f'launcher={launcher!r} needs CUDA with MMEngine 0.10.7; without '
            f'a GPU use one of {_CPU_LAUNCHERS} (torchrun).')
    env_cfg = cfg.setdefault('env_cfg', {})
    dist_cfg = env_cfg.setdefault('dist_cfg', {})
    dist_cfg['backend'] = 'gloo'
    if cfg.get('model_wrapper_cfg') is None:
        cfg.model_wrapper_cfg = dict(
            type='MMDistributedDataParallel',
            device_ids=None,
            broadcast_buffers=False,
            find_unused_parameters=cfg.get('find_unused_parameters', False))
    if not torch_dist.is_initialized():
        torch_dist.init_process_group(
            backend='gloo',
            rank=int(os.environ['RANK']),
            world_size=int(os.environ['WORLD_SIZE']))
