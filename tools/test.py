"""Test (and evaluate) a pose model with rmpe_mm's components registered::

    python tools/test.py CONFIG CHECKPOINT [options]

The same as ``python -m rmpe_mm.engine.test_cli`` (MMPose's arguments,
plus ``--dump``), whose docstring and ``--help`` list the options.
"""
from rmpe_mm.engine.test_cli import main, parse_args

__all__ = ['main', 'parse_args']

if __name__ == '__main__':
    main()
