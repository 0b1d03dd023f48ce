"""Pose tracking in video: identities across frames.

- :mod:`.tracker`: :class:`PoseTracker` (OKS + IoU cost, Hungarian
  assignment, births, deaths, re-identification) and
  :func:`build_tracker`;
- :mod:`.cost`: the association similarity;
- :mod:`.motion`: the constant-velocity Kalman filter on boxes;
- :mod:`.one_euro`: :class:`OneEuroFilter` (keypoint smoothing);
- :mod:`.drawing`: one color per track for rendered frames.

Documentation: docs/tracking.md.
"""
from .cost import oks_matrix, similarity_matrix
from .drawing import draw_tracks, track_color
from .motion import BoxKalmanFilter
from .one_euro import OneEuroFilter, one_euro_step
from .tracker import PoseTracker, TrackResult, build_tracker

__all__ = [
    'oks_matrix', 'similarity_matrix', 'BoxKalmanFilter', 'OneEuroFilter',
    'one_euro_step', 'PoseTracker', 'TrackResult', 'build_tracker',
    'draw_tracks', 'track_color'
]
