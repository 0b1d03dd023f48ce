"""Fit a pose-guided proposals generator (PGPG) model (docs/method.md
section 4)::

    python tools/fit_pgpg.py ANN_FILE DET_FILE --out pgpg.json [options]

The same as ``python -m rmpe_mm.datasets.pgpg.fit_cli``, whose docstring
and ``--help`` list the options.
"""
import sys

from rmpe_mm.datasets.pgpg.fit_cli import main, parse_args

__all__ = ['main', 'parse_args']

if __name__ == '__main__':
    sys.exit(main())
