"""Damaged .mat files (cases found by benchmarks/fuzz_readers.py) give a
ValueError naming the file, never another exception or a crash."""
import struct

import numpy as np
import pytest
from scipy.io import savemat

from rmpe_mm.utils.matlab_struct import (check_mat_structure,
                                         load_mat_variable, mat_variable_names)


def cell_file(path, compress=False):
    cell = np.empty((2, 1), dtype=object)
    cell[0, 0] = np.array([[1., 2.]])
    cell[1, 0] = np.zeros((0, 0))
    savemat(str(path), {'groups': cell}, do_compression=compress)
    return path


@pytest.mark.parametrize('compress', [False, True])
def test_valid_files_pass(tmp_path, compress):
    path = cell_file(tmp_path / 'ok.mat', compress)
    check_mat_structure(str(path))
    assert load_mat_variable(str(path), ['groups']).shape == (2, 1)


def test_damaged_cell_dimensions(tmp_path):
    """A cell whose row count was damaged to ~10 million made
    scipy.io.loadmat crash with a segmentation fault (scipy 1.17)."""
    path = cell_file(tmp_path / 'bad.mat')
    data = bytearray(path.read_bytes())
    # the cell's dims element: miINT32 tag (5, 8) after the array flags
    dims_at = data.index(struct.pack('<II', 5, 8), 128) + 8
    data[dims_at:dims_at + 4] = struct.pack('<i', 9895937)
    path.write_bytes(bytes(data))
    with pytest.raises(
            ValueError,
            match=f'{path} is a damaged MATLAB file: '
            r'array of dimensions \(9895937, 1\)'):
        load_mat_variable(str(path), ['groups'])


@pytest.mark.parametrize('cut', [140, 200, -8])
def test_truncated_files(tmp_path, cut):
    """scipy raised OSError ('could not read bytes') or TypeError here."""
    path = cell_file(tmp_path / 'cut.mat')
    path.write_bytes(path.read_bytes()[:cut])
    with pytest.raises(ValueError, match=str(path)):
        mat_variable_names(str(path))
        load_mat_variable(str(path), ['groups'])


def test_scipy_errors_become_value_errors(tmp_path):
    """A tag type scipy does not expect (TypeError 'Expecting miINT8')."""
    path = cell_file(tmp_path / 'type.mat')
    data = bytearray(path.read_bytes())
    name_at = data.index(b'groups') - 8  # the name's miINT8 tag
    data[name_at:name_at + 4] = struct.pack('<I', 9)
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=str(path)):
        load_mat_variable(str(path), ['groups'])


def test_unknown_data_type(tmp_path):
    """A numeric array whose data tag type was damaged to 195 made
    scipy.io.loadmat crash (segmentation fault, scipy 1.17)."""
    path = cell_file(tmp_path / 'kind.mat')
    data = bytearray(path.read_bytes())
    # the first element's data: miDOUBLE tag (9, 16) holding [1., 2.]
    at = data.index(struct.pack('<II', 9, 16))
    data[at:at + 4] = struct.pack('<I', 195)
    path.write_bytes(bytes(data))
    with pytest.raises(
            ValueError,
            match=f'{path} is a damaged MATLAB file: '
            'array data at byte .* unknown type 195'):
        load_mat_variable(str(path), ['groups'])
