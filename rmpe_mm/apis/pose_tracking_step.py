"""The tracking step of the multi-person pipeline (one frame at a time)."""
from typing import Any

import numpy as np
from mmengine.structures import InstanceData

from .pose_nms_step import _as_numpy


def track_instances(instances: InstanceData, tracker: Any) -> InstanceData:
    """Give the people of one frame their track ids.

    Frames must come in video order; the ids of this frame are final when
    this returns (no look-ahead).

    Args:
        instances (InstanceData): The frame's people (after the pose NMS):
            ``keypoints (N, K, 2)``, ``keypoint_scores (N, K)``,
            ``bboxes (N, 4)``.
        tracker: From :func:`~rmpe_mm.apis.tracking.build_tracker`: an
            object with ``update(keypoints, keypoint_scores, bboxes) ->
            ids``, or also ``track(...)`` returning ``(ids, keypoints)``
            (:class:`~rmpe_mm.apis.tracking.PoseTracker`; its keypoints are
            One-Euro smoothed with ``smooth_keypoints=True``).

    Returns:
        InstanceData: A new object: the input's fields, ``track_ids``
        ((N,) int64, -1 for a tentative track) and, from ``track()``, the
        tracker's ``keypoints`` (same dtype as before). The input is not
        modified.
    """
    keypoints = _as_numpy(instances.keypoints)
    scores = _as_numpy(instances.keypoint_scores)
    bboxes = _as_numpy(instances.bboxes).reshape(-1, 4)
    out = instances.clone()
    if callable(getattr(tracker, 'track', None)):
        ids, tracked = tracker.track(keypoints, scores, bboxes)
        out.keypoints = np.asarray(tracked).astype(keypoints.dtype)
    else:
        ids = tracker.update(keypoints, scores, bboxes)
    ids = np.asarray(ids, np.int64).reshape(-1)
    if len(ids) != len(keypoints):
        raise ValueError(f'the tracker returned {len(ids)} ids for '
                         f'{len(keypoints)} people')
    out.track_ids = ids
    return out
