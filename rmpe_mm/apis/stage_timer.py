"""Wall-clock time per pipeline stage (for benchmarks and logs)."""
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from typing import Callable, Dict, Iterator


class StageTimer:
    """Accumulates the seconds spent in named stages.

    Thread-safe: overlapped pipeline stages (threads) add to one timer; their
    times then overlap, so the stage totals can exceed the wall time.

    Args:
        clock (callable): Seconds counter. Defaults to
            ``time.perf_counter`` (wall clock); benchmarks on shared
            machines may pass ``time.process_time`` (this process's CPU).

    Example::

        timer = StageTimer()
        with timer('detector'):
            ...
        timer.totals  # {'detector': 0.12}
    """

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self.clock = clock
        self.totals: Dict[str, float] = defaultdict(float)
        self.counts: Dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        """Time the block and add it to ``stage``."""
        start = self.clock()
        try:
            yield
        finally:
            elapsed = self.clock() - start
            with self._lock:
                self.totals[stage] += elapsed
                self.counts[stage] += 1

    def reset(self) -> None:
        """Forget all recorded times."""
        with self._lock:
            self.totals.clear()
            self.counts.clear()

    def as_dict(self) -> Dict[str, float]:
        """A plain copy of the totals (seconds)."""
        with self._lock:
            return dict(self.totals)
