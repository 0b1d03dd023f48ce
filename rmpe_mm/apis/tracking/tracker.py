"""Online multi-person pose tracker: OKS + IoU cost, Hungarian assignment,
constant-velocity Kalman prediction, optional One-Euro smoothing.

Frame by frame, with no look-ahead: :meth:`PoseTracker.update` returns the
ids of frame ``t`` when frame ``t`` is given (no added latency).

One frame:

1. every track's box is predicted one frame ahead (:class:`BoxKalmanFilter`)
   and its last seen pose is moved with the predicted box center;
2. the similarity of every (track, detection) pair
   (:func:`~.cost.similarity_matrix`: weighted box IoU + pose OKS) is
   computed against the predicted box and pose and, for tracks missed in
   the previous frames (``reid_last_seen``), also against the box and
   pose where the track was last seen, keeping the larger (a person who
   stops or turns back behind an occluder or outside the image is found
   where it vanished);
3. ``scipy.optimize.linear_sum_assignment`` minimizes ``1 - similarity``;
   pairs below ``min_similarity`` are not matched (gating);
4. matched tracks are corrected with their box; an unmatched detection
   starts a tentative track; a tentative track becomes confirmed (gets an
   id) after ``min_hits`` consecutive hits and dies at its first miss; a
   confirmed track dies after more than ``max_missed`` missed frames (the
   re-identification window).

NaN semantics: a keypoint whose coordinates or score are not finite is a
missing joint (not used in OKS; left NaN and its smoothing state kept).
Boxes must be finite with ``x2 >= x1`` and ``y2 >= y1``.
"""
from typing import Any, NamedTuple, Optional, Sequence, Tuple

import numpy as np
from mmpose.registry import TASK_UTILS
from scipy.optimize import linear_sum_assignment

from .cost import similarity_matrix
from .motion import BoxKalmanFilter, xyxy_to_cxcywh
from .one_euro import one_euro_step

#: Cost of a gated-out pair (anything above 1 - min_similarity works).
_GATED = 1e6


class TrackResult(NamedTuple):
    """Output of :meth:`PoseTracker.track` for one frame.

    Attributes:
        ids: (N,) int64 track id of each detection, -1 for a detection of
            a tentative (not yet confirmed) track.
        keypoints: (N, K, 2) float64: the One-Euro smoothed keypoints with
            ``smooth_keypoints=True``, else a copy of the input.
    """
    ids: np.ndarray
    keypoints: np.ndarray


class _Tracks:
    """The tracker's per-track arrays (T rows)."""

    def __init__(self, num_keypoints: int) -> None:
        k = num_keypoints
        self.ids = np.zeros((0, ), np.int64)  # -1 while tentative
        self.mean = np.zeros((0, 8))
        self.cov = np.zeros((0, 8, 8))
        self.hits = np.zeros((0, ), np.int64)
        self.missed = np.zeros((0, ), np.int64)
        self.keypoints = np.zeros((0, k, 2))  # last seen pose
        self.valid = np.zeros((0, k), bool)
        self.box = np.zeros((0, 4))  # last seen box (xyxy)
        self.smooth = np.zeros((0, k, 2))  # One-Euro value state
        self.speed = np.zeros((0, k, 2))  # One-Euro speed state

    def __len__(self) -> int:
        return len(self.ids)

    def keep(self, mask: np.ndarray) -> None:
        """Keep the rows where ``mask`` is true."""
        for name, value in vars(self).items():
            setattr(self, name, value[mask])

    def append(self, **rows: np.ndarray) -> None:
        """Add rows (every field given)."""
        for name, value in rows.items():
            setattr(self, name, np.concatenate([getattr(self, name), value]))


@TASK_UTILS.register_module()
class PoseTracker:
    """Online pose tracker (see the module docstring for the algorithm).

    Example::

        tracker = PoseTracker(sigmas=dataset_meta['sigmas'])
        for frame in video:
            ids = tracker.update(keypoints, keypoint_scores, bboxes)

    Args:
        sigmas (array-like): (K,) OKS sigmas of the data set's joints
            (``dataset_meta['sigmas']``).
        iou_weight (float): Weight of the box IoU in the similarity.
            Defaults to 0.5.
        oks_weight (float): Weight of the pose OKS. Defaults to 0.5.
        min_similarity (float): Gating threshold: a pair less similar is
            never matched. Defaults to 0.3.
        min_hits (int): Consecutive matched frames before a track is
            confirmed and gets an id (detections of tentative tracks get
            -1). Defaults to 3 (SORT's).
        max_missed (int): Missed frames after which a confirmed track is
            deleted: the re-identification window. Defaults to 30 (one
            second at 30 fps).
        confirm_at_start (bool): Tracks born in the first ``min_hits``
            frames after a reset are confirmed at once, so a clip's
            first frames get ids (SORT's rule). Defaults to True.
        reid_last_seen (bool): Also match lost tracks against where they
            were last seen (step 2 of the module docstring). Defaults to
            True.
        kpt_thr (float): Joints scored below it are not used in OKS.
            Defaults to 0.1.
        smooth_keypoints (bool): One-Euro smooth each track's keypoints
            (:meth:`track` returns them). Defaults to False.
        fps (float): Frame rate for the One-Euro filter. Defaults to 30.
        min_cutoff (float): One-Euro cutoff at rest (Hz). Defaults to 1.0.
        beta (float): One-Euro speed coefficient (Hz per px/s). Defaults
            to 0.05.
        d_cutoff (float): One-Euro speed cutoff (Hz). Defaults to 1.0.
        position_std (float): Kalman position noise per frame, fraction of
            the box height. Defaults to 1/20 (DeepSORT's).
        velocity_std (float): Kalman velocity noise per frame, fraction of
            the box height. Defaults to 1/160 (DeepSORT's).

    Raises:
        ValueError: On invalid settings (named with their value).
    """

    def __init__(self,
                 sigmas: Sequence[float],
                 iou_weight: float = 0.5,
                 oks_weight: float = 0.5,
                 min_similarity: float = 0.3,
                 min_hits: int = 3,
                 max_missed: int = 30,
                 confirm_at_start: bool = True,
                 reid_last_seen: bool = True,
                 kpt_thr: float = 0.1,
                 smooth_keypoints: bool = False,
                 fps: float = 30.0,
                 min_cutoff: float = 1.0,
                 beta: float = 0.05,
                 d_cutoff: float = 1.0,
                 position_std: float = 1. / 20,
                 velocity_std: float = 1. / 160) -> None:
        self.sigmas = np.asarray(sigmas, np.float64).reshape(-1)
        if self.sigmas.size == 0 or not np.all(self.sigmas > 0):
            raise ValueError('PoseTracker: `sigmas` must be a non-empty list '
                             f'of positive numbers, got {sigmas!r}')
        if iou_weight < 0 or oks_weight < 0 or iou_weight + oks_weight <= 0:
            raise ValueError('PoseTracker: `iou_weight` and `oks_weight` '
                             'must be >= 0 with a positive sum, got '
                             f'{iou_weight!r} and {oks_weight!r}')
        if not 0 <= min_similarity <= 1:
            raise ValueError('PoseTracker: `min_similarity` must be in '
                             f'[0, 1], got {min_similarity!r}')
        if int(min_hits) != min_hits or min_hits < 1:
            raise ValueError('PoseTracker: `min_hits` must be an int >= 1, '
                             f'got {min_hits!r}')
        if int(max_missed) != max_missed or max_missed < 0:
            raise ValueError('PoseTracker: `max_missed` must be an int >= 0, '
                             f'got {max_missed!r}')
        self.iou_weight = float(iou_weight)
        self.oks_weight = float(oks_weight)
        self.min_similarity = float(min_similarity)
        self.min_hits = int(min_hits)
        self.max_missed = int(max_missed)
        self.confirm_at_start = bool(confirm_at_start)
        self.reid_last_seen = bool(reid_last_seen)
        self.kpt_thr = float(kpt_thr)
        self.smooth_keypoints = bool(smooth_keypoints)
        # validates the One-Euro settings once
        from .one_euro import OneEuroFilter
        euro = OneEuroFilter(fps, min_cutoff, beta, d_cutoff)
        self.euro = (euro.fps, euro.min_cutoff, euro.beta, euro.d_cutoff)
        self.kalman = BoxKalmanFilter(position_std, velocity_std)
        self.reset()

    @property
    def num_keypoints(self) -> int:
        """K, the number of joints (of ``sigmas``)."""
        return self.sigmas.size

    def reset(self) -> None:
        """Forget every track; ids start again from 0."""
        self._tracks = _Tracks(self.num_keypoints)
        self._next_id = 0
        self._frame = 0

    def update(self, keypoints: Any, keypoint_scores: Any,
               bboxes: Any) -> np.ndarray:
        """Track one frame; returns the (N,) int64 ids (-1: tentative).

        See :meth:`track` for the arguments.
        """
        return self.track(keypoints, keypoint_scores, bboxes).ids

    def track(self, keypoints: Any, keypoint_scores: Any,
              bboxes: Any) -> TrackResult:
        """Track one frame.

        Args:
            keypoints (array-like): (N, K, 2) the frame's poses (N may be
                0; NaN: missing joint).
            keypoint_scores (array-like): (N, K) joint scores.
            bboxes (array-like): (N, 4) xyxy person boxes.

        Returns:
            TrackResult: ids and (smoothed) keypoints of the N detections.

        Raises:
            ValueError: On a wrong shape, non-finite or inverted box,
                naming the field.
        """
        kpts, valid, boxes = self._check_inputs(keypoints, keypoint_scores,
                                                bboxes)
        tracks = self._tracks
        if len(tracks):
            tracks.mean, tracks.cov = self.kalman.predict(
                tracks.mean, tracks.cov)
        rows, cols = self._associate(kpts, valid, boxes)
        det_track = np.full(len(kpts), -1, np.int64)
        det_track[cols] = rows
        out_kpts = kpts.copy()
        self._update_matched(rows, cols, kpts, valid, boxes, out_kpts)
        matched = np.zeros(len(tracks), bool)
        matched[rows] = True
        self._age_unmatched(matched, det_track)
        new = np.flatnonzero(det_track < 0)
        det_track[new] = self._start(kpts[new], valid[new], boxes[new])
        self._frame += 1
        ids = self._tracks.ids[det_track] if len(kpts) else np.zeros(
            (0, ), np.int64)
        return TrackResult(ids=ids.copy(), keypoints=out_kpts)

    # ------------------------------------------------------------------
    def _check_inputs(self, keypoints: Any, keypoint_scores: Any,
                      bboxes: Any) -> Tuple[np.ndarray, ...]:
        """float64 keypoints, (N, K) valid-joint mask and boxes."""
        k = self.num_keypoints
        kpts = _as_array(keypoints, 'keypoints')
        scores = _as_array(keypoint_scores, 'keypoint_scores')
        boxes = _as_array(bboxes, 'bboxes')
        if kpts.size == 0 and scores.size == 0 and boxes.size == 0:
            return np.zeros((0, k, 2)), np.zeros((0, k), bool), np.zeros(
                (0, 4))
        if kpts.ndim != 3 or kpts.shape[1:] != (k, 2):
            raise ValueError(f'PoseTracker: `keypoints` must have shape '
                             f'(N, {k}, 2) ({k} = len(sigmas)), got '
                             f'{kpts.shape}')
        n = kpts.shape[0]
        if scores.shape != (n, k):
            raise ValueError(f'PoseTracker: `keypoint_scores` must have '
                             f'shape ({n}, {k}) to match `keypoints`, got '
                             f'{scores.shape}')
        if boxes.shape != (n, 4):
            raise ValueError(f'PoseTracker: `bboxes` must have shape ({n}, 4)'
                             f' (xyxy) to match `keypoints`, got '
                             f'{boxes.shape}')
        bad = ~np.isfinite(boxes).all(1) | (boxes[:, 2] < boxes[:, 0]) | (
            boxes[:, 3] < boxes[:, 1])
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(f'PoseTracker: `bboxes` row {i} must be finite '
                             f'xyxy with x2 >= x1 and y2 >= y1, got '
                             f'{boxes[i].tolist()}')
        with np.errstate(invalid='ignore'):
            valid = np.isfinite(kpts).all(-1) & np.isfinite(scores) & (
                scores >= self.kpt_thr)
        return kpts, valid, boxes

    def _associate(self, kpts: np.ndarray, valid: np.ndarray,
                   boxes: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Matched (track rows, detection indices), gated."""
        tracks = self._tracks
        if len(tracks) == 0 or len(kpts) == 0:
            return np.zeros((0, ), np.int64), np.zeros((0, ), np.int64)
        pred_boxes = self.kalman.boxes(tracks.mean)
        shift = xyxy_to_cxcywh(pred_boxes)[:, :2] - xyxy_to_cxcywh(
            tracks.box)[:, :2]
        sim = self._similarity(pred_boxes, tracks.keypoints + shift[:, None],
                               tracks.valid, boxes, kpts, valid)
        lost = tracks.missed > 0
        if self.reid_last_seen and lost.any():
            seen = self._similarity(tracks.box[lost], tracks.keypoints[lost],
                                    tracks.valid[lost], boxes, kpts, valid)
            sim[lost] = np.maximum(sim[lost], seen)
        cost = np.where(sim >= self.min_similarity, 1. - sim, _GATED)
        rows, cols = linear_sum_assignment(cost)
        ok = cost[rows, cols] < _GATED
        return rows[ok].astype(np.int64), cols[ok].astype(np.int64)

    def _similarity(self, track_boxes, track_kpts, track_valid, boxes, kpts,
                    valid) -> np.ndarray:
        return similarity_matrix(track_boxes, track_kpts, track_valid, boxes,
                                 kpts, valid, self.sigmas, self.iou_weight,
                                 self.oks_weight)

    def _update_matched(self, rows: np.ndarray, cols: np.ndarray,
                        kpts: np.ndarray, valid: np.ndarray, boxes: np.ndarray,
                        out_kpts: np.ndarray) -> None:
        """Correct matched tracks; smooth their keypoints into out_kpts."""
        if len(rows) == 0:
            return
        t = self._tracks
        t.mean[rows], t.cov[rows] = self.kalman.update(t.mean[rows],
                                                       t.cov[rows],
                                                       boxes[cols])
        t.hits[rows] += 1
        t.missed[rows] = 0
        seen = valid[cols]
        t.keypoints[rows] = np.where(seen[..., None], kpts[cols],
                                     t.keypoints[rows])
        t.valid[rows] = seen | t.valid[rows]
        t.box[rows] = boxes[cols]
        if self.smooth_keypoints:
            out, t.speed[rows], t.smooth[rows] = one_euro_step(
                kpts[cols], t.smooth[rows], t.speed[rows], *self.euro)
            out_kpts[cols] = out
        confirm = (t.ids[rows] < 0) & (
            (t.hits[rows] >= self.min_hits) | self._at_start())
        self._give_ids(rows[confirm])

    def _age_unmatched(self, matched: np.ndarray,
                       det_track: np.ndarray) -> None:
        """Count a miss for unmatched tracks; delete the dead ones."""
        t = self._tracks
        t.missed[~matched] += 1
        alive = np.where(t.ids >= 0, t.missed <= self.max_missed,
                         t.missed == 0)
        if alive.all():
            return
        new_row = np.cumsum(alive) - 1  # rows shift after deletion
        matched_det = det_track >= 0
        det_track[matched_det] = new_row[det_track[matched_det]]
        t.keep(alive)

    def _start(self, kpts: np.ndarray, valid: np.ndarray,
               boxes: np.ndarray) -> np.ndarray:
        """New tracks for unmatched detections; returns their rows."""
        n = len(kpts)
        first = len(self._tracks)
        if n == 0:
            return np.zeros((0, ), np.int64)
        mean, cov = self.kalman.initiate(boxes)
        self._tracks.append(
            ids=np.full(n, -1, np.int64),
            mean=mean,
            cov=cov,
            hits=np.ones(n, np.int64),
            missed=np.zeros(n, np.int64),
            keypoints=np.where(valid[..., None], kpts, 0.),
            valid=valid,
            box=boxes,
            smooth=np.where(np.isfinite(kpts), kpts, np.nan),
            speed=np.zeros((n, self.num_keypoints, 2)))
        rows = np.arange(first, first + n)
        if self.min_hits <= 1 or self._at_start():
            self._give_ids(rows)
        return rows

    def _at_start(self) -> bool:
        return self.confirm_at_start and self._frame < self.min_hits

    def _give_ids(self, rows: np.ndarray) -> None:
        """Confirm tracks: consecutive ids in row order."""
        self._tracks.ids[rows] = self._next_id + np.arange(len(rows))
        self._next_id += len(rows)

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(K={self.num_keypoints}, '
                f'iou_weight={self.iou_weight}, oks_weight={self.oks_weight},'
                f' min_similarity={self.min_similarity}, min_hits='
                f'{self.min_hits}, max_missed={self.max_missed}, '
                f'smooth_keypoints={self.smooth_keypoints})')


def _as_array(value: Any, name: str) -> np.ndarray:
    """float64 numpy copy of an array, list or CPU tensor."""
    if hasattr(value, 'detach'):
        value = value.detach().cpu().numpy()
    try:
        return np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f'PoseTracker: `{name}` must be a numeric array, '
                         f'got {type(value).__name__} ({error})') from None


def build_tracker(tracker: Any,
                  sigmas: Optional[Sequence[float]] = None) -> Any:
    """Build a tracker: the one builder of the inferencers and tools.

    Args:
        tracker (None | bool | dict | object): None or False disables
            tracking (None is returned). True builds :class:`PoseTracker`
            with its defaults. A dict is built from MMPose's ``TASK_UTILS``
            registry in the ``mmpose`` scope with ``type`` defaulting to
            ``'PoseTracker'``. Any object with ``update`` and ``reset`` is
            used as is.
        sigmas (Sequence[float], optional): OKS sigmas filled in when a
            dict (or True) does not give ``sigmas``; usually the pose
            model's ``dataset_meta['sigmas']``.

    Returns:
        The tracker, or None.

    Raises:
        ValueError: On any other type, or no sigmas at all.
    """
    if tracker is None or tracker is False:
        return None
    if tracker is True:
        tracker = {}
    if isinstance(tracker, dict):
        cfg = {'type': 'PoseTracker', **tracker}
        if 'sigmas' not in cfg and cfg['type'] in ('PoseTracker', PoseTracker):
            if sigmas is None:
                raise ValueError('build_tracker: the tracker config has no '
                                 '`sigmas` and none were given (the pose '
                                 "model's dataset_meta['sigmas'])")
            cfg['sigmas'] = list(np.asarray(sigmas, np.float64).reshape(-1))
        from rmpe_mm.apis.scope import scope_guard
        with scope_guard('mmpose'):
            return TASK_UTILS.build(cfg)
    if callable(getattr(tracker, 'update', None)) and callable(
            getattr(tracker, 'reset', None)):
        return tracker
    raise ValueError('tracker must be None, a bool, a config dict or an '
                     'object with update() and reset(), got '
                     f'{type(tracker).__name__}')
