"""Train a pose model with rmpe_mm's components registered::

    python tools/train.py CONFIG [options]

The same as ``python -m rmpe_mm.engine.train_cli`` (MMPose's arguments),
whose docstring and ``--help`` list the options.
"""
from rmpe_mm.engine.train_cli import main, parse_args

__all__ = ['main', 'parse_args']

if __name__ == '__main__':
    main()
