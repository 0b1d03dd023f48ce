"""Make MMEngine checkpoints loadable on torch >= 2.6.

Since torch 2.6, ``torch.load`` defaults to ``weights_only=True`` and refuses
to unpickle any global that is not on its allow-list. MMEngine 0.10.7 calls
``torch.load`` without ``weights_only``, and its checkpoints hold a few such
globals: the :class:`~mmengine.logging.HistoryBuffer` objects of the message
hub and the numpy arrays, dtypes and scalars of the dataset meta information.
So ``--resume``, ``load_from`` and ``tools/test.py CKPT`` fail with
``Weights only load failed``.

rmpe_mm fixes this on import with the least invasive tool torch offers: it
adds exactly these globals to torch's allow-list of safe globals
(:func:`torch.serialization.add_safe_globals`). One of them needs care: the
message hub pickles HistoryBuffer's statistics methods as
``builtins.getattr(HistoryBuffer, 'mean')``. Allowing ``getattr`` itself
would let a checkpoint reach any attribute of any allowed object, so the name
``builtins.getattr`` is bound to :func:`history_buffer_method` instead, which
returns only HistoryBuffer's registered statistics methods. Loading stays
``weights_only``: no arbitrary code can run from a checkpoint, unlike setting
``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1``, which switches the protection off for
every ``torch.load`` in the process.

A checkpoint that holds other globals (some old published checkpoints carry
their config as a Python object) still fails with torch's own message naming
the global. If you trust the file, set ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1``
in the environment, or call :func:`allow_checkpoint_globals` with the extra
classes.
"""
import pickle
from typing import Callable, Iterable, List, Optional

import numpy as np
import torch


def _numpy_globals() -> List[object]:
    """Numpy callables and classes a pickled array, dtype or scalar needs."""
    if np.lib.NumpyVersion(np.__version__) >= '2.0.0':
        from numpy._core import multiarray
    else:
        from numpy.core import multiarray
    globals_: List[object] = [
        np.ndarray,
        np.dtype,
        multiarray._reconstruct,
        multiarray.scalar,
        bytes  # the (empty) data of an empty array
    ]
    dtypes = getattr(np, 'dtypes', None)
    if dtypes is not None:  # numpy >= 1.25 pickles dtypes by their class
        globals_ += [
            getattr(dtypes, name) for name in dir(dtypes)
            if name.endswith('DType')
        ]
    return globals_


def history_buffer_method(owner: type, name: str) -> Callable:
    """Stand-in for ``getattr`` while unpickling MMEngine checkpoints.

    Args:
        owner (type): Must be :class:`~mmengine.logging.HistoryBuffer`.
        name (str): A statistics method registered on it (``'mean'``,
            ``'min'``, ``'max'``, ``'current'`` or a custom one).

    Returns:
        Callable: ``getattr(owner, name)``.

    Raises:
        pickle.UnpicklingError: For any other owner or name.
    """
    from mmengine.logging import HistoryBuffer

    # Read the registered names off a fresh buffer: the class fills its
    # table of statistics methods in __init__.
    allowed = HistoryBuffer()._statistics_methods
    if owner is not HistoryBuffer or name not in allowed:
        raise pickle.UnpicklingError(
            f'checkpoint asks for getattr({owner!r}, {name!r}); only '
            f'HistoryBuffer statistics methods {sorted(allowed)} are allowed')
    return getattr(owner, name)


def _mmengine_globals() -> List[object]:
    """MMEngine objects stored in the checkpoints its runner writes."""
    from mmengine.logging import HistoryBuffer
    return [HistoryBuffer, (history_buffer_method, 'builtins.getattr')]


def allow_checkpoint_globals(extra: Optional[Iterable[object]] = None) -> None:
    """Allow-list the globals of MMEngine checkpoints for ``torch.load``.

    Idempotent; a no-op on torch versions without
    :func:`torch.serialization.add_safe_globals` (< 2.4), whose ``torch.load``
    does not default to ``weights_only`` anyway.

    Args:
        extra (Iterable, optional): More classes or functions to allow, for
            checkpoints that hold other trusted globals. Defaults to None.
    """
    add_safe_globals = getattr(torch.serialization, 'add_safe_globals', None)
    if add_safe_globals is None:
        return
    add_safe_globals(_numpy_globals() + _mmengine_globals() +
                     list(extra or []))
