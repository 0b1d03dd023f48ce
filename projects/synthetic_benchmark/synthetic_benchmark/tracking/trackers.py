"""The trackers of the benchmark behind one small interface.

A tracker adapter has ``name``, ``reset()`` (a new clip), ``prepare(poses)``
(turn one frame's poses into what the tracker consumes; not timed) and
``update(prepared) -> ids`` (the tracking step, timed): one int per pose,
``-1`` for a pose the tracker does not (yet) report as a track.

- :class:`RMPETracker`: rmpe_mm's :class:`~rmpe_mm.apis.tracking.
  PoseTracker` with its documented defaults and the data set's sigmas.
- :class:`MMPoseGreedyTracker`: MMPose's greedy matchers ``_track_by_oks``
  / ``_track_by_iou`` (``mmpose.apis.inference_tracking``) called as
  MMPose's ``demo/body3d_pose_lifter_demo.py`` and
  ``Pose3DInferencer.preprocess_single`` call them: one
  :class:`~mmpose.structures.PoseDataSample` per person (with ``areas`` =
  box areas), people in the given order, each matched greedily against the
  previous frame's people not matched yet (``tracking_thr`` 0.3, both
  tools' default), a new id from ``next_id`` for an unmatched person with
  at least 3 keypoints of non-zero y, else ``-1`` (and the person blanked,
  as MMPose does). The previous frame's people are all of the last frame's
  results, as the demo sets them (``pose_est_results_last =
  pose_est_results``); the installed ``Pose3DInferencer`` (MMPose 1.3.2)
  never refills its ``results_pose2d_last`` buffer with the current frame,
  so there every person would get a new id in every frame. MMPose keeps no
  lost tracks. Documented deviation: ``_track_by_oks`` is given the data
  set's sigmas (MPII's 16), where both leave MMPose's COCO default, which
  does not fit 16 joints.
"""
from typing import Any, Dict, List, Optional

import numpy as np

#: Default ``tracking_thr`` of MMPose's 3D inferencer (both matchers).
MMPOSE_TRACKING_THR = 0.3


class RMPETracker:
    """rmpe_mm's :class:`~rmpe_mm.apis.tracking.PoseTracker`.

    Args:
        sigmas (np.ndarray): ``(K,)`` OKS sigmas of the data set.
        name (str): Row name. Defaults to ``'rmpe_mm PoseTracker'``.
        **kwargs: Other :class:`PoseTracker` arguments (default: its own
            documented defaults).
    """

    def __init__(self,
                 sigmas: np.ndarray,
                 name: str = 'rmpe_mm PoseTracker',
                 **kwargs) -> None:
        from rmpe_mm.apis.tracking import PoseTracker
        self.name = name
        self.tracker = PoseTracker(sigmas=np.asarray(sigmas), **kwargs)

    def reset(self) -> None:
        """Forget every track (a new clip)."""
        self.tracker.reset()

    def prepare(self, poses: Dict[str, np.ndarray]) -> Dict[str, np.ndarray]:
        """The tracker takes the arrays as they are."""
        return poses

    def update(self, poses: Dict[str, np.ndarray]) -> np.ndarray:
        """Track ids of one frame's poses."""
        ids = self.tracker.update(poses['keypoints'], poses['keypoint_scores'],
                                  poses['bboxes'])
        return np.asarray(getattr(ids, 'ids', ids), np.int64)


class MMPoseGreedyTracker:
    """MMPose's greedy ``_track_by_oks`` or ``_track_by_iou`` (see the
    module docstring for how they are called).

    Args:
        mode (str): ``'oks'`` or ``'iou'``.
        sigmas (np.ndarray, optional): ``(K,)`` OKS sigmas (``'oks'``).
        tracking_thr (float): Match threshold. Defaults to 0.3.
    """

    def __init__(self,
                 mode: str,
                 sigmas: Optional[np.ndarray] = None,
                 tracking_thr: float = MMPOSE_TRACKING_THR) -> None:
        from mmpose.apis.inference_tracking import _track_by_iou, _track_by_oks
        if mode not in ('oks', 'iou'):
            raise ValueError(f"mode must be 'oks' or 'iou', got {mode!r}")
        if mode == 'oks' and sigmas is None:
            raise ValueError("mode='oks' needs sigmas, got None")
        self.name = f'MMPose greedy _track_by_{mode}'
        self.mode = mode
        self.tracking_thr = float(tracking_thr)
        if mode == 'oks':
            sig = np.asarray(sigmas, np.float64)
            self._match = (lambda res, last, thr: _track_by_oks(
                res, last, thr, sigmas=sig))
        else:
            self._match = _track_by_iou
        self.reset()

    def reset(self) -> None:
        """Forget every track (a new clip): ``next_id`` back to 0."""
        self.results_last: List[Any] = []
        self.next_id = 0

    def prepare(self, poses: Dict[str, np.ndarray]) -> List[Any]:
        """One single-person ``PoseDataSample`` per pose, as MMPose's
        ``Pose2DInferencer(merge_results=False)`` returns them, with
        ``areas`` set as the 3D inferencer sets them."""
        from mmengine.structures import InstanceData
        from mmpose.structures import PoseDataSample
        samples = []
        for i in range(len(poses['bboxes'])):
            inst = InstanceData()
            inst.keypoints = poses['keypoints'][i:i + 1].astype(np.float32)
            inst.keypoint_scores = poses['keypoint_scores'][i:i + 1].astype(
                np.float32)
            inst.bboxes = poses['bboxes'][i:i + 1].astype(np.float32)
            inst.areas = (inst.bboxes[..., 2:] - inst.bboxes[..., :2]).prod(-1)
            sample = PoseDataSample()
            sample.pred_instances = inst
            samples.append(sample)
        return samples

    def update(self, samples: List[Any]) -> np.ndarray:
        """Track ids of one frame's people (``-1``: too few keypoints)."""
        last = list(self.results_last)
        ids = []
        for sample in samples:
            track_id, last, _ = self._match(sample, last, self.tracking_thr)
            if track_id == -1:
                kpts = sample.pred_instances.keypoints
                if np.count_nonzero(kpts[:, :, 1]) >= 3:
                    track_id = self.next_id
                    self.next_id += 1
                else:  # MMPose blanks such a person
                    sample.pred_instances.keypoints[..., 1] = -10
                    sample.pred_instances.bboxes *= 0
            sample.set_field(int(track_id), 'track_id')
            ids.append(int(track_id))
        self.results_last = samples
        return np.array(ids, np.int64)
