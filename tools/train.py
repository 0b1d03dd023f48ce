"""Train a pose model with rmpe_mm's components registered.

Same arguments as MMPose's ``tools/train.py``::

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]] [--amp]
        [--no-validate] [--auto-scale-lr] [--show-dir DIR] [--show]
        [--cfg-options k=v ...] [--launcher {none,pytorch,slurm,mpi}]

Distributed: ``bash tools/dist_train.sh CONFIG NPROC`` (``torchrun``; works
on CPU with the gloo backend).
"""
from rmpe_mm.engine.train_cli import main, parse_args

__all__ = ['main', 'parse_args']

if __name__ == '__main__':
    main()
