"""Test (and evaluate) a pose model with rmpe_mm's components registered::

    python tools/test.py CONFIG CHECKPOINT [options]

The same as ``python -m rmpe_mm.engine.test_cli`` (every argument of
MMPose 1.3.2's ``tools/test.py``: ``--work-dir``, ``--out``, ``--dump``,
``--cfg-options``, ``--show-dir``, ``--show``, ``--interval``,
``--wait-time``, ``--launcher``, ``--local_rank``, ``--badcase``), whose
docstring and ``--help`` say what they do.
"""
from rmpe_mm.engine.test_cli import main, parse_args

__all__ = ['main', 'parse_args']

if __name__ == '__main__':
    main()
