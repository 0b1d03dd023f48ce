"""Registry default-scope isolation for models of several OpenMMLab packages.

MMEngine resolves unscoped type names (``type='Resize'``) in the *current
default scope*, a process-wide setting. MMDetection's helpers
(``init_detector``, ``DetInferencer``) switch it to ``'mmdet'`` and leave
it there, after which building or running an MMPose pipeline fails with
"not in the mmdet::transform registry" (and the reverse). Every build and
every call of a detector or pose model in :mod:`rmpe_mm.apis` runs inside
:func:`scope_guard`, which sets the scope for the block and restores the
previous state afterwards, so the order in which the models are built, and
whatever other code does to the scope in between, does not matter.

The default scope is process-wide and MMEngine switches it without a lock:
two threads switching it at once restore each other's saved state and can
leave a scope set after both blocks end. Hence one rule: only one thread
switches it. Worker threads (the overlapped stages of
:func:`~rmpe_mm.apis.prefetching.prefetch`) run inside :func:`no_scope_switch`,
where :func:`scope_guard` leaves the scope alone; they only call models and
pipelines built beforehand, which look nothing up in the registries.
"""
import threading
from contextlib import contextmanager
from typing import Iterator

from mmengine.registry import DefaultScope

#: Per-thread flag set by :func:`no_scope_switch`.
_THREAD_STATE = threading.local()


@contextmanager
def scope_guard(scope: str) -> Iterator[None]:
    """Make ``scope`` the default registry scope inside the block.

    Scopes created inside the block (e.g. by MMDetection's
    ``init_default_scope('mmdet')``) are discarded on exit; the scope that
    was current before the block is current again.

    Args:
        scope (str): Registry scope name, e.g. ``'mmpose'`` or ``'mmdet'``.

    Raises:
        ValueError: If ``scope`` is empty.
    """
    if not scope:
        raise ValueError(f'scope must be a non-empty string, got {scope!r}')
    if getattr(_THREAD_STATE, 'no_switch', False):
        yield
        return
    with DefaultScope.overwrite_default_scope(scope):
        yield


@contextmanager
def no_scope_switch() -> Iterator[None]:
    """Inside the block, :func:`scope_guard` in this thread does nothing.

    For worker threads that run already-built models while the main thread
    may be switching the (process-wide) default scope; see the module
    docstring.
    """
    previous = getattr(_THREAD_STATE, 'no_switch', False)
    _THREAD_STATE.no_switch = True
    try:
        yield
    finally:
        _THREAD_STATE.no_switch = previous


def current_scope() -> str:
    """Name of the current default scope (``''`` if none is set)."""
    instance = DefaultScope.get_current_instance()
    return '' if instance is None else instance.scope_name
