"""Test (and evaluate) a pose model with rmpe_mm's components registered.

Same arguments as MMPose's ``tools/test.py``::

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--out FILE]
        [--dump FILE.pkl] [--show-dir DIR] [--show] [--cfg-options k=v ...]
        [--launcher {none,pytorch,slurm,mpi}]

``--out`` writes the metrics as JSON/YAML/pickle (by extension); ``--dump``
writes the raw predictions (a pickle), e.g. for ``tools/tune_ppnms.py``.
"""
from rmpe_mm.engine.test_cli import main, parse_args

__all__ = ['main', 'parse_args']

if __name__ == '__main__':
    main()
