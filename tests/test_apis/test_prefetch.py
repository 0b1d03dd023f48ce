"""prefetch: a background-thread stage that keeps items, order and errors."""
import threading
import time

import pytest

from rmpe_mm.apis import current_scope, prefetch, scope_guard


def test_items_and_order_are_kept_also_chained():
    assert list(prefetch(range(20), maxsize=1)) == list(range(20))
    chained = prefetch((x * 2 for x in prefetch(range(7))), maxsize=3)
    assert list(chained) == [0, 2, 4, 6, 8, 10, 12]
    assert list(prefetch([])) == []


def test_items_are_produced_in_another_thread():
    names = list(
        prefetch((threading.current_thread().name for _ in range(2)),
                 name='stage'))
    assert names == ['stage', 'stage']


def test_producer_and_consumer_overlap():
    """Blocking stages (as decoding and PyTorch kernels, which release the
    GIL) run at the same time: about max, not the sum, of their times."""

    def produce():
        for i in range(6):
            time.sleep(0.05)
            yield i

    start = time.perf_counter()
    for _ in prefetch(produce()):
        time.sleep(0.05)
    overlapped = time.perf_counter() - start
    assert overlapped < 0.8 * 12 * 0.05  # sequential: 0.6 s


def test_an_error_reaches_the_consumer_after_earlier_items():

    def source():
        yield 1
        raise FileNotFoundError('cannot read image x.jpg')

    got = []
    with pytest.raises(FileNotFoundError, match='x.jpg'):
        for item in prefetch(source()):
            got.append(item)
    assert got == [1]


def test_early_stop_closes_the_source_and_joins_the_thread():
    closed = threading.Event()

    def endless():
        try:
            i = 0
            while True:
                yield i
                i += 1
        finally:
            closed.set()

    before = threading.active_count()
    stream = prefetch(prefetch(endless(), maxsize=2), maxsize=2)
    assert next(stream) == 0
    stream.close()
    assert closed.is_set()
    assert threading.active_count() == before


def test_worker_threads_leave_the_default_scope_alone():

    def switching_source():
        for i in range(3):
            with scope_guard('mmdet'):  # does not switch in the worker
                yield current_scope()

    with scope_guard('mmpose'):
        seen = list(prefetch(switching_source()))
        assert current_scope() == 'mmpose'
    assert seen == ['mmpose'] * 3


def test_bad_queue_size():
    with pytest.raises(ValueError, match='maxsize'):
        prefetch(range(3), maxsize=0)
