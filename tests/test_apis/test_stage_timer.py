"""StageTimer accumulates per-stage time with any clock."""
import pytest

from rmpe_mm.apis import StageTimer


def test_accumulates_with_a_fake_clock():
    ticks = iter([0., 1., 10., 12.5, 20., 20.25])
    timer = StageTimer(clock=lambda: next(ticks))
    with timer('detector'):
        pass
    with timer('pose'):
        pass
    with pytest.raises(RuntimeError):
        with timer('detector'):  # time is recorded even on error
            raise RuntimeError
    assert timer.as_dict() == {'detector': 1.25, 'pose': 2.5}
    assert dict(timer.counts) == {'detector': 2, 'pose': 1}
    timer.reset()
    assert timer.as_dict() == {}
