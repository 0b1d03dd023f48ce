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
import struct
import zlib
from typing import Any, List, Optional, Sequence

import numpy as np
from scipy.io import loadmat, whosmat


def mat_variable_names(mat_path: str) -> List[str]:
    """Names of the variables a ``.mat`` file holds (nothing is loaded).

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: it is not a MATLAB file scipy can read (e.g. v7.3/HDF5).
    """
    if not osp.isfile(mat_path):
        raise FileNotFoundError(f'.mat file not found: {mat_path}')
    check_mat_structure(mat_path)
    try:
        return [name for name, _, _ in whosmat(mat_path)]
    except Exception as exc:  # noqa: B902 -- damaged files: any type
        raise ValueError(f'{mat_path} is not a MATLAB file scipy can read '
                         f'(save it with -v7, not -v7.3): {exc}') from None


#: MAT v5 data types and array classes the structure check walks.
_MI_INT8, _MI_INT32, _MI_UINT32, _MI_MATRIX, _MI_COMPRESSED = 1, 5, 6, 14, 15
_MX_CELL, _MX_STRUCT, _MX_OBJECT, _MX_SPARSE = 1, 2, 3, 5
#: Bytes per element of the MAT v5 numeric data types (miINT8 ... miUINT64;
#: the UTF types are variable-length and not checked).
_MI_SIZES = {1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8, 13: 8}
_MI_UTF = (16, 17, 18)


class _MatStructureError(ValueError):
    """An inconsistent MAT v5 element (see :func:`check_mat_structure`)."""


def _tag(buf: bytes, pos: int, end: int, order: str) -> tuple:
    """``(type, nbytes, data start, next element)`` of the element at
    ``pos`` (small elements: data in the tag's second word)."""
    if pos + 8 > end:
        raise _MatStructureError(f'element tag at byte {pos} runs past the '
                                 'end')
    first, second = struct.unpack_from(order + 'II', buf, pos)
    if first >> 16:
        if first >> 16 > 4:
            raise _MatStructureError(f'small element at byte {pos} claims '
                                     f'{first >> 16} bytes')
        return first & 0xffff, first >> 16, pos + 4, pos + 8
    stop = pos + 8 + second
    if stop > end:
        raise _MatStructureError(f'element at byte {pos} holds {second} '
                                 f'bytes, only {end - pos - 8} remain')
    padded = stop if first == _MI_COMPRESSED else stop + (-second) % 8
    return first, second, pos + 8, min(padded, end)


def _check_matrix(buf: bytes, start: int, end: int, order: str,
                  depth: int) -> None:
    """Check one miMATRIX payload ``buf[start:end]``: every array holds
    as many elements as its dimensions say, each inside the payload."""
    if start == end:  # an empty array
        return
    if depth > 64:
        raise _MatStructureError('arrays nested more than 64 deep')
    kind, size, data, pos = _tag(buf, start, end, order)
    if kind != _MI_UINT32 or size != 8:
        raise _MatStructureError(f'array flags at byte {start} malformed')
    mx_class = struct.unpack_from(order + 'I', buf, data)[0] & 0xff
    kind, size, data, pos = _tag(buf, pos, end, order)
    if kind != _MI_INT32 or size % 4 or size < 8:
        raise _MatStructureError(f'array dimensions at byte {data} malformed')
    dims = struct.unpack_from(f'{order}{size // 4}i', buf, data)
    if min(dims) < 0:
        raise _MatStructureError(f'negative array dimensions {dims}')
    count = 1
    for dim in dims:
        count *= dim
    pos = _tag(buf, pos, end, order)[3]  # the array name
    if mx_class == _MX_SPARSE:
        return  # left to scipy
    if mx_class not in (_MX_CELL, _MX_STRUCT, _MX_OBJECT):
        # numeric or char: the data must hold every element (scipy
        # allocates the array from the dimensions before reading it)
        kind, size, _, _ = _tag(buf, pos, end, order)
        if kind not in _MI_SIZES and kind not in _MI_UTF:
            # scipy indexes its type table with it: a segmentation fault
            raise _MatStructureError(f'array data at byte {pos} has the '
                                     f'unknown type {kind}')
        if kind in _MI_SIZES and count * _MI_SIZES[kind] != size:
            raise _MatStructureError(
                f'array of dimensions {dims} holds {size} bytes of type '
                f'{kind}, not {count} elements')
        return
    if mx_class == _MX_OBJECT:
        pos = _tag(buf, pos, end, order)[3]  # the class name
    if mx_class != _MX_CELL:
        kind, _, data, pos = _tag(buf, pos, end, order)
        name_len = struct.unpack_from(order + 'i', buf, data)[0]
        kind, size, _, pos = _tag(buf, pos, end, order)
        if size and (name_len <= 0 or size % name_len):
            raise _MatStructureError(f'struct field names at byte {pos} '
                                     'malformed')
        count *= size // name_len if size else 0
    if count * 8 > end - pos:
        raise _MatStructureError(
            f'array of dimensions {dims} needs {count} elements, its '
            f'{end - pos} bytes cannot hold them')
    for _ in range(count):
        kind, size, data, pos = _tag(buf, pos, end, order)
        if kind != _MI_MATRIX:
            raise _MatStructureError(f'cell or field element at byte {data} '
                                     f'has type {kind}, expected a matrix')
        _check_matrix(buf, data, data + size, order, depth + 1)


def check_mat_structure(mat_path: str) -> None:
    """Check a MAT v5 file's element tree before ``scipy.io.loadmat``.

    scipy's reader trusts the dimensions in the file: a cell or struct
    array whose dimensions were damaged (bytes flipped, file truncated)
    can crash the interpreter (segmentation fault, seen with scipy 1.17).
    This walks every element (decompressing ``miCOMPRESSED`` ones) and
    checks that each fits its parent and that cell and struct arrays hold
    as many elements as their dimensions say. Numeric data is left to
    scipy. Files that are not MAT v5 (v4, v7.3) are left to scipy too.

    Raises:
        ValueError: an element is inconsistent; the message names the file
            and the byte offset.
    """
    with open(mat_path, 'rb') as f:
        buf = f.read()
    if len(buf) < 128 or buf[126:128] not in (b'IM', b'MI') or \
            buf[124:126] not in (b'\x00\x01', b'\x01\x00'):
        return
    order = '<' if buf[126:128] == b'IM' else '>'
    pos = 128
    try:
        while pos < len(buf):
            kind, size, data, pos = _tag(buf, pos, len(buf), order)
            payload, start = buf, data
            if kind == _MI_COMPRESSED:
                try:
                    payload = zlib.decompress(buf[data:data + size])
                except zlib.error as exc:
                    raise _MatStructureError(
                        f'compressed element at byte {data}: {exc}') from None
                kind, size, start, _ = _tag(payload, 0, len(payload), order)
            if kind == _MI_MATRIX:
                _check_matrix(payload, start, start + size, order, 0)
    except (_MatStructureError, struct.error) as exc:
        raise ValueError(f'{mat_path} is a damaged MATLAB file: {exc}') \
            from None


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
    try:
        data = loadmat(
            mat_path,
            squeeze_me=False,
            struct_as_record=False,
            variable_names=[wanted[0]])
    except Exception as exc:  # noqa: B902 -- scipy's reader raises OSError,
        # TypeError, IndexError, ... on damaged files, not only MatReadError
        raise ValueError(f'{mat_path} is not a MATLAB file scipy can read '
                         f'({type(exc).__name__}: {exc})') from None
    if wanted[0] not in data:
        raise ValueError(f'{mat_path}: variable {wanted[0]!r} could not be '
                         'read (damaged file)')
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
