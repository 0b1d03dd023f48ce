"""Constant-velocity Kalman filter on person boxes, batched over tracks.

Our own small implementation (numpy; no ``filterpy``): the state of a
track is ``(cx, cy, w, h, vcx, vcy, vw, vh)`` (box center, size and their
velocities in pixels per frame), the measurement is ``(cx, cy, w, h)``.
All tracks are predicted and updated together with batched matrix
products (one numpy call for all tracks), where ``filterpy`` keeps one
Python object per track and so one call per track.

The noise is proportional to the box height, as in DeepSORT (Wojke et al.,
2017), whose published constants are the defaults: a tall (near) person
moves more pixels per frame than a small (far) one.
"""
from typing import Tuple

import numpy as np

#: Constant-velocity transition for one frame: position += velocity.
_F = np.eye(8)
_F[:4, 4:] = np.eye(4)


def xyxy_to_cxcywh(boxes: np.ndarray) -> np.ndarray:
    """(N, 4) xyxy -> (N, 4) center x, center y, width, height."""
    return np.concatenate(
        [(boxes[:, :2] + boxes[:, 2:]) / 2, boxes[:, 2:] - boxes[:, :2]], 1)


def cxcywh_to_xyxy(boxes: np.ndarray) -> np.ndarray:
    """(N, 4) center x, center y, width, height -> (N, 4) xyxy."""
    half = boxes[:, 2:] / 2
    return np.concatenate([boxes[:, :2] - half, boxes[:, :2] + half], 1)


class BoxKalmanFilter:
    """Constant-velocity Kalman filter over a batch of person boxes.

    Stateless: the tracker keeps ``mean (T, 8)`` and ``covariance
    (T, 8, 8)`` of its tracks and passes them in; every method returns new
    arrays.

    Args:
        position_std (float): Standard deviation of the process noise on
            center and size, per frame, as a fraction of the box height;
            also the measurement noise. Defaults to 1/20 (DeepSORT's).
        velocity_std (float): Process noise on the velocities, per frame,
            as a fraction of the box height. Defaults to 1/160
            (DeepSORT's).
        min_height (float): Floor of the height used as the noise scale,
            in pixels, so that a degenerate box keeps a positive-definite
            covariance. Defaults to 1.0.
    """

    def __init__(self,
                 position_std: float = 1. / 20,
                 velocity_std: float = 1. / 160,
                 min_height: float = 1.0) -> None:
        if not (position_std > 0 and velocity_std > 0 and min_height > 0):
            raise ValueError('BoxKalmanFilter: position_std, velocity_std '
                             'and min_height must be > 0, got '
                             f'{position_std!r}, {velocity_std!r}, '
                             f'{min_height!r}')
        self.position_std = float(position_std)
        self.velocity_std = float(velocity_std)
        self.min_height = float(min_height)

    def _scale(self, mean: np.ndarray) -> np.ndarray:
        """(T,) noise scale: the box height, floored."""
        return np.maximum(mean[:, 3], self.min_height)

    def initiate(self, boxes: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """New tracks from (N, 4) xyxy boxes, at rest.

        Returns:
            tuple: ``mean (N, 8)`` and ``covariance (N, 8, 8)``; the
            initial uncertainty is twice the position noise on the box and
            ten times the velocity noise on the (unknown) velocity.
        """
        mean = np.zeros((len(boxes), 8))
        mean[:, :4] = xyxy_to_cxcywh(boxes)
        h = self._scale(mean)[:, None]
        std = np.concatenate([
            np.repeat(2 * self.position_std * h, 4, 1),
            np.repeat(10 * self.velocity_std * h, 4, 1)
        ], 1)
        return mean, _diag(std**2)

    def predict(self, mean: np.ndarray,
                covariance: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """One frame ahead for every track."""
        h = self._scale(mean)[:, None]
        std = np.concatenate([
            np.repeat(self.position_std * h, 4, 1),
            np.repeat(self.velocity_std * h, 4, 1)
        ], 1)
        new_mean = mean @ _F.T
        new_cov = _F @ covariance @ _F.T + _diag(std**2)
        return new_mean, new_cov

    def update(self, mean: np.ndarray, covariance: np.ndarray,
               boxes: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Correct tracks with their matched (M, 4) xyxy boxes."""
        h = self._scale(mean)[:, None]
        r = _diag(np.repeat((self.position_std * h)**2, 4, 1))
        innovation_cov = covariance[:, :4, :4] + r
        gain = np.linalg.solve(innovation_cov,
                               covariance[:, :4, :]).transpose(0, 2, 1)
        residual = xyxy_to_cxcywh(boxes) - mean[:, :4]
        new_mean = mean + np.einsum('tij,tj->ti', gain, residual)
        new_cov = covariance - gain @ covariance[:, :4, :]
        return new_mean, new_cov

    @staticmethod
    def boxes(mean: np.ndarray) -> np.ndarray:
        """(T, 4) xyxy boxes of the states."""
        return cxcywh_to_xyxy(mean[:, :4])


def _diag(values: np.ndarray) -> np.ndarray:
    """(T, D) -> (T, D, D) diagonal matrices."""
    out = np.zeros(values.shape + values.shape[-1:])
    idx = np.arange(values.shape[-1])
    out[:, idx, idx] = values
    return out
