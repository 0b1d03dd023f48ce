"""One-Euro filter (Casiez, Roussel and Vogel, CHI 2012) on arrays.

An adaptive low-pass filter: its cutoff frequency rises with the (smoothed)
speed of the signal, so a still joint is smoothed strongly (jitter removed)
and a moving one little (small lag). Written from the paper's equations::

    alpha(fc) = 1 / (1 + fps / (2 pi fc))
    dx_hat    = lerp(dx_hat_prev, (x - x_hat_prev) * fps, alpha(d_cutoff))
    fc        = min_cutoff + beta * |dx_hat|
    x_hat     = lerp(x_hat_prev, x, alpha(fc))

(``lerp(a, b, t) = a + t (b - a)``).

Every element of the array is filtered independently. Non-finite inputs
(NaN: a missing joint) leave that element's state unchanged and come out
as they went in (NaN); the element restarts from its next finite value.
"""
import math
from typing import Optional, Tuple

import numpy as np


def _alpha(cutoff: np.ndarray, fps: float) -> np.ndarray:
    """Smoothing factor of a first-order low-pass at ``cutoff`` Hz."""
    return 1.0 / (1.0 + fps / (2.0 * math.pi * cutoff))


def one_euro_step(
        x: np.ndarray, x_prev: np.ndarray, dx_prev: np.ndarray, fps: float,
        min_cutoff: float, beta: float,
        d_cutoff: float) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One step of the filter for arrays of any (matching) shape.

    Args:
        x (np.ndarray): The new raw values.
        x_prev (np.ndarray): The previous filtered values (NaN where an
            element has no state yet: it starts from ``x``).
        dx_prev (np.ndarray): The previous filtered speeds (units/s).
        fps (float): Sampling rate (frames per second).
        min_cutoff (float): Cutoff at zero speed (Hz).
        beta (float): Cutoff increase per unit of speed (Hz per unit/s).
        d_cutoff (float): Cutoff of the speed's own low-pass (Hz).

    Returns:
        tuple[np.ndarray, np.ndarray, np.ndarray]: The output (filtered
        values; NaN where ``x`` is), the new speed state and the new value
        state (new arrays; the inputs are not modified).
    """
    fresh = ~np.isfinite(x_prev)
    valid = np.isfinite(x)
    start = np.where(fresh, x, x_prev)
    dx = np.where(fresh, 0.0, (x - start) * fps)
    dx_hat = dx_prev + _alpha(d_cutoff, fps) * (dx - dx_prev)
    cutoff = min_cutoff + beta * np.abs(dx_hat)
    x_hat = start + _alpha(cutoff, fps) * (x - start)
    out = np.where(valid, x_hat, x)
    new_prev = np.where(valid, x_hat, x_prev)
    new_dx = np.where(valid, dx_hat, dx_prev)
    return out, new_dx, new_prev


class OneEuroFilter:
    """A One-Euro filter over an array signal (e.g. one person's joints).

    Example::

        smoother = OneEuroFilter(fps=30.)
        for keypoints in frames:          # (K, 2) each
            smooth = smoother(keypoints)

    Args:
        fps (float): Frames per second of the signal. Defaults to 30.
        min_cutoff (float): Cutoff frequency (Hz) at zero speed: lower is
            smoother when still. Defaults to 1.0 (the paper's starting
            point).
        beta (float): Speed coefficient (Hz per unit/s, units being those
            of the signal, pixels for keypoints): higher is less lag when
            moving. Defaults to 0.05, chosen for pixel coordinates of
            people walking at 50-300 px/s (tests: jitter of a still point
            divided by > 2, steady lag on a 150 px/s ramp < 5 px).
        d_cutoff (float): Cutoff (Hz) of the speed estimate. Defaults to
            1.0 (the paper's).

    Raises:
        ValueError: On a non-positive ``fps``, ``min_cutoff`` or
            ``d_cutoff``, or a negative ``beta``.
    """

    def __init__(self,
                 fps: float = 30.0,
                 min_cutoff: float = 1.0,
                 beta: float = 0.05,
                 d_cutoff: float = 1.0) -> None:
        for name, value in (('fps', fps), ('min_cutoff', min_cutoff),
                            ('d_cutoff', d_cutoff)):
            if not value > 0:
                raise ValueError(f'OneEuroFilter: `{name}` must be > 0, got '
                                 f'{value!r}')
        if not beta >= 0:
            raise ValueError(f'OneEuroFilter: `beta` must be >= 0, got '
                             f'{beta!r}')
        self.fps = float(fps)
        self.min_cutoff = float(min_cutoff)
        self.beta = float(beta)
        self.d_cutoff = float(d_cutoff)
        self._x: Optional[np.ndarray] = None
        self._dx: Optional[np.ndarray] = None

    def reset(self) -> None:
        """Forget the state (the next call starts afresh)."""
        self._x = None
        self._dx = None

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Filter the next sample.

        Args:
            x (array-like): The raw sample; its shape must stay the same
                between resets.

        Returns:
            np.ndarray: The filtered sample (float64, a new array).

        Raises:
            ValueError: If the shape changed since the last call.
        """
        x = np.asarray(x, dtype=np.float64)
        if self._x is None:
            self._x = np.full(x.shape, np.nan)
            self._dx = np.zeros(x.shape)
        elif x.shape != self._x.shape:
            raise ValueError(f'OneEuroFilter: sample shape {x.shape} differs '
                             f'from the previous {self._x.shape}; call '
                             'reset() for a new signal')
        out, self._dx, self._x = one_euro_step(x, self._x, self._dx, self.fps,
                                               self.min_cutoff, self.beta,
                                               self.d_cutoff)
        return out
