"""Walk MATLAB structs loaded by ``scipy.io.loadmat``.

Files are loaded with ``loadmat(squeeze_me=False, struct_as_record=False)``
(:func:`load_mat_variable`): every value is then an array, structs are
``mat_struct`` objects with ``_fieldnames``, and 1x1 values, struct arrays
and cell arrays are all walked alike with :func:`mat_elements`. Fields are
looked up by name, so the order in which a file stores them does not matter.
Missing values (MATLAB ``[]``) are empty arrays; the readers below return
None for them.
"""
import os.path as osp
from typing import Any, List, Optional, Sequence

import numpy as np
from scipy.io import loadmat, whosmat
from scipy.io.matlab import MatReadError


def mat_variable_names(mat_path: str) -> List[str]:
    """Names of the variables a ``.mat`` file holds (nothing is loaded).

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: it is not a MATLAB file scipy can read (e.g. v7.3/HDF5).
    """
    if not osp.isfile(mat_path):
        raise FileNotFoundError(f'.mat file not found: {mat_path}')
    try:
        return [name for name, _, _ in whosmat(mat_path)]
    except (MatReadError, NotImplementedError, ValueError, TypeError) as exc:
        raise ValueError(f'{mat_path} is not a MATLAB file scipy can read '
                         f'(save it with -v7, not -v7.3): {exc}') from None


def load_mat_variable(mat_path: str, names: Sequence[str]) -> Any:
    """Load the first of ``names`` that the file holds.

    Args:
        mat_path (str): The ``.mat`` file.
        names (Sequence[str]): Accepted variable names, by preference.

    Returns:
        The variable, as ``loadmat(squeeze_me=False,
        struct_as_record=False)`` gives it.

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: the file holds none of ``names`` (the message lists what
            it holds) or cannot be read.
    """
    found = mat_variable_names(mat_path)
    wanted = [name for name in names if name in found]
    if not wanted:
        accepted = ' or '.join(repr(n) for n in names)
        raise ValueError(f'{mat_path} has no variable {accepted} (found '
                         f'{sorted(found)})')
    data = loadmat(
        mat_path,
        squeeze_me=False,
        struct_as_record=False,
        variable_names=[wanted[0]])
    return data[wanted[0]]


def mat_elements(value: Any) -> List[Any]:
    """The elements of a MATLAB array/cell/struct array (``[]`` if empty)."""
    if value is None:
        return []
    if isinstance(value, np.ndarray):
        return list(value.flat)
    return [value]


def mat_field(struct: Any, name: str) -> Any:
    """``struct.name`` or None when the struct has no such field."""
    names = getattr(struct, '_fieldnames', None)
    if names is None or name not in names:
        return None
    return getattr(struct, name)


def mat_single(value: Any) -> Any:
    """Unwrap 1x1 arrays/cells down to one scalar; None when empty."""
    while isinstance(value, np.ndarray):
        if value.size == 0:
            return None
        if value.dtype.kind == 'U':
            return ''.join(value.flat)
        if value.size != 1:
            raise ValueError(f'expected one value, got shape {value.shape}')
        value = value.flat[0]
    return value


def mat_number(value: Any, where: str) -> Optional[float]:
    """A finite float from a MATLAB number or numeric string; None when
    empty.

    Raises:
        ValueError: not one finite number; the message starts with
            ``where`` (the field's MATLAB path) and shows the value.
    """
    try:
        value = mat_single(value)
    except ValueError as exc:
        raise ValueError(f'{where}: {exc}') from None
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f'{where} must be a number, got {value!r}') from None
    if not np.isfinite(number):
        raise ValueError(f'{where} must be finite, got {value!r}')
    return number


def mat_string(value: Any, where: str) -> str:
    """A non-empty string from a MATLAB char array; ValueError if absent."""
    value = mat_single(value)
    if not isinstance(value, str) or not value:
        raise ValueError(f'{where} must be a non-empty string, got {value!r}')
    return value
