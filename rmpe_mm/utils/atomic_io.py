"""Write files whole or not at all.

Every file rmpe_mm's tools and the synthetic project write (checkpoints and
the ``last_checkpoint`` pointer, detection files, the PGPG model, metrics,
dumps, ``.mat`` submissions, drawings, tables) goes through this module: the
content is written to a temporary file in the destination's folder, flushed
and ``fsync``-ed, then renamed over the destination with :func:`os.replace`,
which POSIX and Windows make atomic within one file system. A process killed
at any point (even by SIGKILL) leaves either the old file (or none) or the
complete new one, never a truncated file, so "the output exists" means "the
step finished". An exception raised while writing removes the temporary
file; only a SIGKILL during the write leaves one behind, under a hidden name
(``.<name>.tmp<pid>_<random><ext>``) that no reader looks for, and
:func:`remove_stale_temporaries` clears such leftovers.

Writers that only accept a path (``scipy.io.savemat``, ``cv2.imwrite``,
``Figure.savefig``) use :func:`atomic_path`, which yields the temporary path
(with the destination's extension, so format detection by extension keeps
working).
"""
import contextlib
import glob
import os
import os.path as osp
import secrets
from typing import IO, Any, Callable, Iterator

import mmengine

#: Marker in the names of temporary files (``.<name>.tmp<pid>_<hex><ext>``).
TMP_MARKER = '.tmp'


def temporary_path(path: str) -> str:
    """A fresh hidden temporary path beside ``path``, with its extension."""
    folder, name = osp.split(osp.abspath(path))
    ext = osp.splitext(name)[1]
    return osp.join(
        folder, f'.{name}{TMP_MARKER}{os.getpid()}_{secrets.token_hex(4)}'
        f'{ext}')


def _fsync_file(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: str) -> None:
    """Make the rename durable (POSIX; a no-op where folders cannot be
    opened, e.g. Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems do not support fsync on folders
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(path: str) -> Iterator[str]:
    """Yield a temporary path to write ``path``'s content to; on normal exit
    it is fsync-ed and renamed to ``path`` (creating ``path``'s folder).

    Args:
        path (str): The destination.

    Yields:
        str: The temporary path (same folder, same extension).

    Raises:
        FileNotFoundError: If the body did not create the temporary file.
    """
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    tmp = temporary_path(path)
    try:
        yield tmp
        if not osp.isfile(tmp):
            raise FileNotFoundError(
                f'the writer of {path!r} did not create its temporary file '
                f'{tmp!r}')
        _fsync_file(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise
    _fsync_dir(folder)


@contextlib.contextmanager
def atomic_open(path: str,
                mode: str = 'w',
                encoding: str = 'utf-8') -> Iterator[IO]:
    """``open(path, mode)`` for writing, atomically (see the module doc).

    Args:
        path (str): The destination.
        mode (str): ``'w'`` (text) or ``'wb'`` (bytes). Defaults to ``'w'``.
        encoding (str): Text encoding. Defaults to ``'utf-8'``.

    Yields:
        IO: The open temporary file.

    Raises:
        ValueError: If ``mode`` is not ``'w'`` or ``'wb'``.
    """
    if mode not in ('w', 'wb'):
        raise ValueError(f"mode must be 'w' or 'wb', got {mode!r}")
    with atomic_path(path) as tmp:
        kwargs = dict(encoding=encoding) if mode == 'w' else {}
        with open(tmp, mode, **kwargs) as f:
            yield f
            f.flush()


def atomic_write_bytes(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_open(path, 'wb') as f:
        f.write(data)


def atomic_write_text(path: str, text: str, encoding: str = 'utf-8') -> None:
    """Write ``text`` to ``path`` atomically."""
    with atomic_open(path, 'w', encoding=encoding) as f:
        f.write(text)


def atomic_dump(obj: Any, path: str, **kwargs) -> None:
    """:func:`mmengine.dump` to ``path`` atomically (format from the
    extension: ``.json``, ``.yaml``/``.yml``, ``.pkl``/``.pickle``).

    Args:
        obj (Any): What to dump.
        path (str): The destination.
        **kwargs: Passed to the format's dumper (e.g. ``indent``).
    """
    ext = osp.splitext(path)[1].lstrip('.')
    data = mmengine.dump(obj, file_format=ext, **kwargs)
    if isinstance(data, bytes):  # pickle
        atomic_write_bytes(path, data)
    else:
        atomic_write_text(path, data)


def atomic_save_with(path: str, save: Callable[[str], Any]) -> None:
    """Call ``save(tmp_path)`` and move the result to ``path`` atomically
    (for writers that take a path, such as ``cv2.imwrite``).

    Raises:
        OSError: If ``save`` returns False (``cv2.imwrite``'s failure).
    """
    with atomic_path(path) as tmp:
        if save(tmp) is False:
            raise OSError(f'could not write {path!r}')


def remove_stale_temporaries(folder: str) -> int:
    """Remove the temporary files an interrupted atomic write left in
    ``folder`` (not recursive; only names :func:`temporary_path` makes).

    Returns:
        int: How many files were removed.
    """
    removed = 0
    for tmp in glob.glob(osp.join(glob.escape(folder), f'.*{TMP_MARKER}*_*')):
        if osp.isfile(tmp):
            os.remove(tmp)
            removed += 1
    return removed
