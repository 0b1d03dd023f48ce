"""Atomic writes: whole or not at all, no temporary debris."""
import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from rmpe_mm.utils import atomic_io
from rmpe_mm.utils.atomic_io import (atomic_dump, atomic_open, atomic_path,
                                     atomic_save_with, atomic_write_bytes,
                                     atomic_write_text,
                                     remove_stale_temporaries)


class _Interrupt(Exception):
    pass


def test_writes_whole_file_and_leaves_nothing_else(tmp_path):
    path = tmp_path / 'sub' / 'out.json'
    atomic_write_text(str(path), '{"a": 1}')
    assert json.loads(path.read_text()) == {'a': 1}
    assert os.listdir(path.parent) == ['out.json']
    atomic_write_bytes(str(path), b'[2]')
    assert path.read_bytes() == b'[2]'
    assert os.listdir(path.parent) == ['out.json']


@pytest.mark.parametrize('existed', [True, False])
def test_exception_mid_write_keeps_old_file_and_no_debris(tmp_path, existed):
    path = tmp_path / 'model.json'
    if existed:
        path.write_text('old')
    with pytest.raises(_Interrupt):
        with atomic_open(str(path)) as f:
            f.write('new, but only half')
            raise _Interrupt
    assert os.listdir(tmp_path) == (['model.json'] if existed else [])
    if existed:
        assert path.read_text() == 'old'


def test_exception_in_fsync_or_rename_cleans_up(tmp_path, monkeypatch):
    path = tmp_path / 'ckpt.pth'
    path.write_bytes(b'old')

    def fail(_):
        raise OSError('disk full')

    monkeypatch.setattr(atomic_io, '_fsync_file', fail)
    with pytest.raises(OSError, match='disk full'):
        atomic_write_bytes(str(path), b'new')
    assert path.read_bytes() == b'old'
    assert os.listdir(tmp_path) == ['ckpt.pth']


def test_path_writers(tmp_path):
    out = tmp_path / 'figure.png'
    seen = []

    def save(tmp):
        seen.append(tmp)
        with open(tmp, 'wb') as f:
            f.write(b'png')

    atomic_save_with(str(out), save)
    assert out.read_bytes() == b'png'
    # the writer sees a hidden path beside the target with its extension
    assert os.path.dirname(seen[0]) == str(tmp_path)
    assert os.path.basename(seen[0]).startswith('.figure.png.tmp')
    assert seen[0].endswith('.png')
    with pytest.raises(OSError, match='could not write'):
        atomic_save_with(str(out), lambda tmp: False)  # cv2.imwrite failed
    with pytest.raises(FileNotFoundError, match='did not create'):
        with atomic_path(str(tmp_path / 'never.mat')):
            pass
    assert sorted(os.listdir(tmp_path)) == ['figure.png']


def test_dump_formats(tmp_path):
    atomic_dump({'x': [1, 2]}, str(tmp_path / 'm.json'), indent=1)
    atomic_dump({'x': [1, 2]}, str(tmp_path / 'm.pkl'))
    import mmengine
    assert mmengine.load(str(tmp_path / 'm.json')) == {'x': [1, 2]}
    assert mmengine.load(str(tmp_path / 'm.pkl')) == {'x': [1, 2]}
    with pytest.raises(ValueError, match="mode must be 'w' or 'wb'"):
        with atomic_open(str(tmp_path / 'a.txt'), 'a'):
            pass


def test_sigkill_mid_write_keeps_old_file(tmp_path):
    # a process killed while writing leaves the old file and a hidden
    # temporary that remove_stale_temporaries clears
    path = tmp_path / 'last_checkpoint'
    path.write_text('epoch_1.pth')
    script = textwrap.dedent(f'''
        import importlib.util, os, signal
        spec = importlib.util.spec_from_file_location(
            'atomic_io', {atomic_io.__file__!r})
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        with module.atomic_open({str(path)!r}) as f:
            f.write('epoch_')
            f.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        ''')
    proc = subprocess.run([sys.executable, '-c', script])
    assert proc.returncode == -signal.SIGKILL
    assert path.read_text() == 'epoch_1.pth'
    names = sorted(os.listdir(tmp_path))
    assert len(names) == 2 and names[0].startswith('.last_checkpoint.tmp')
    (tmp_path / 'keep.tmp.txt').write_text('not ours')
    assert remove_stale_temporaries(str(tmp_path)) == 1
    assert sorted(os.listdir(tmp_path)) == ['keep.tmp.txt', 'last_checkpoint']
