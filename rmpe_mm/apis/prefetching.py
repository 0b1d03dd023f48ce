"""Run a stage of a pipeline in a background thread, a few items ahead.

AlphaPose overlaps video decoding, detection and pose estimation with
queues between threads; :func:`prefetch` is that queue. Chaining two of
them (``prefetch(stage2(prefetch(stage1(...))))``) keeps three stages busy
at once: PyTorch and OpenCV release the GIL in their kernels, so threads
overlap where the work is. The items and their order are exactly those of
the wrapped iterable, so a pipeline gives the same results with and
without it.
"""
import queue
import threading
from typing import Iterable, Iterator, TypeVar

from .scope import no_scope_switch

T = TypeVar('T')

_ITEM, _END, _ERROR = 'item', 'end', 'error'
#: Seconds between checks of the stop flag while a queue is full.
_POLL = 0.05


class _Worker(threading.Thread):
    """Iterates the source and puts ``(kind, value)`` into the queue."""

    def __init__(self, source: Iterable, maxsize: int, name: str) -> None:
        super().__init__(name=name, daemon=True)
        self.source = source
        self.queue: queue.Queue = queue.Queue(maxsize)
        self.stop = threading.Event()

    def _put(self, kind: str, value) -> bool:
        """Put unless stopped; False if the consumer went away."""
        while not self.stop.is_set():
            try:
                self.queue.put((kind, value), timeout=_POLL)
                return True
            except queue.Full:
                continue
        return False

    def run(self) -> None:
        iterator = iter(self.source)
        try:
            with no_scope_switch():
                for item in iterator:
                    if not self._put(_ITEM, item):
                        return
            self._put(_END, None)
        except BaseException as error:  # handed to the consumer
            self._put(_ERROR, error)
        finally:
            close = getattr(iterator, 'close', None)
            if close is not None:  # stops a chained prefetch upstream
                close()


def prefetch(source: Iterable[T],
             maxsize: int = 2,
             name: str = 'prefetch') -> Iterator[T]:
    """Yield the items of ``source``, produced by a background thread.

    The thread runs at most ``maxsize`` items ahead of the consumer (a
    bounded queue: memory stays bounded on long videos). An exception in
    the thread is re-raised in the consumer, unchanged, after the items
    produced before it. Closing the generator early (``break``, an error in
    the consumer) stops the thread and closes ``source``. The thread runs
    inside :func:`~rmpe_mm.apis.scope.no_scope_switch`: it must only call
    models and pipelines that are already built.

    Args:
        source (Iterable): Items to produce (a generator is typical).
        maxsize (int): Queue size. Defaults to 2.
        name (str): Thread name (shows in debuggers and profiles).

    Raises:
        ValueError: If ``maxsize < 1``.
    """
    if maxsize < 1:
        raise ValueError(f'prefetch maxsize must be >= 1, got {maxsize}')
    return _consume(_Worker(source, maxsize, name))


def _consume(worker: _Worker) -> Iterator:
    worker.start()
    try:
        while True:
            kind, value = worker.queue.get()
            if kind == _END:
                return
            if kind == _ERROR:
                raise value
            yield value
    finally:
        worker.stop.set()
        worker.join()
