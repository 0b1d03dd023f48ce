"""Errors of file readers name the file.

A reader validates a file's fields deep down, where the path is not
known; :func:`naming_file` wraps its body so that every ``ValueError``
(including ``json.JSONDecodeError`` and ``UnicodeDecodeError``) reaches
the caller as a ``ValueError`` starting with the path, the original
message (which names the field and value) after it.
"""
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def naming_file(path: str) -> Iterator[None]:
    """Re-raise a ``ValueError`` raised inside as ``'<path>: <message>'``.

    Messages that already hold the path pass unchanged; other exception
    types (``FileNotFoundError`` included) are not touched.

    Args:
        path (str): The file being read.
    """
    try:
        yield
    except ValueError as exc:
        if str(path) in str(exc):
            raise
        raise ValueError(f'{path}: {exc}') from exc
