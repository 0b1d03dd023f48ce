"""The pose-NMS step of the multi-person pipeline (one image at a time)."""
from typing import Any, Callable, Optional

import numpy as np
from mmengine.structures import InstanceData

from rmpe_mm.evaluation.functional.pose_nms import PoseNMSParams


def person_scores(keypoint_scores: np.ndarray,
                  bbox_scores: np.ndarray) -> np.ndarray:
    """AlphaPose's person score ``mean + bbox_score + w * max``.

    ``w`` is the default ``max_score_weight`` of :class:`PoseNMSParams`
    (1.25). Used when the pose NMS is disabled, so that the score has the
    same meaning with and without it.
    """
    return (keypoint_scores.mean(axis=1) + bbox_scores +
            PoseNMSParams.max_score_weight * keypoint_scores.max(axis=1))


def _as_numpy(x: Any) -> np.ndarray:
    """A numpy copy of an array or a tensor."""
    if hasattr(x, 'detach'):
        x = x.detach().cpu().numpy()
    return np.asarray(x)


def apply_pose_nms(instances: InstanceData,
                   pose_nms: Optional[Callable[..., Any]]) -> InstanceData:
    """Run the pose NMS over all poses of one image.

    Args:
        instances (InstanceData): The image's poses from the top-down
            model: ``keypoints (N, K, 2)``, ``keypoint_scores (N, K)``,
            ``bboxes (N, 4)``, ``bbox_scores (N,)``.
        pose_nms (callable, optional): From
            :func:`~rmpe_mm.evaluation.functional.build_pose_nms`; None
            keeps every pose.

    Returns:
        InstanceData: A new object with the kept people, in pick order:
        merged ``keypoints``, ``keypoint_scores`` (also as
        ``keypoints_visible``, as MMPose's models output), the reference
        pose's ``bboxes`` and ``bbox_scores``, the person ``scores`` and
        ``idx`` (list of int arrays: input indices merged into each
        person). Any other per-instance field of the input (arrays,
        tensors, lists) is kept for the reference pose. The input is not
        modified.
    """
    keypoints = _as_numpy(instances.keypoints).astype(np.float32)
    num_keypoints = keypoints.shape[1]
    kpt_scores = _as_numpy(instances.keypoint_scores).astype(np.float32)
    bboxes = _as_numpy(instances.bboxes).astype(np.float32).reshape(-1, 4)
    bbox_scores = _as_numpy(instances.bbox_scores).astype(
        np.float32).reshape(-1)
    if len(keypoints) == 0 or pose_nms is None:
        keep = np.arange(len(keypoints))
        scores = person_scores(kpt_scores,
                               bbox_scores) if len(keypoints) else np.zeros(
                                   (0, ), np.float32)
        clusters = [np.array([i]) for i in keep]
    else:
        result = pose_nms(bboxes, bbox_scores, keypoints, kpt_scores)
        keep = _as_numpy(result.keep).astype(np.int64)
        keypoints = _as_numpy(result.keypoints).astype(np.float32)
        kpt_scores = _as_numpy(result.keypoint_scores).astype(np.float32)
        scores = _as_numpy(result.scores)
        clusters = [_as_numpy(c).astype(np.int64) for c in result.clusters]
    out = InstanceData()
    out.keypoints = keypoints.reshape(len(keep), num_keypoints, 2)
    out.keypoint_scores = kpt_scores.reshape(len(keep), num_keypoints)
    out.keypoints_visible = out.keypoint_scores.copy()
    out.bboxes = bboxes[keep]
    out.bbox_scores = bbox_scores[keep]
    out.scores = np.asarray(scores, np.float32).reshape(-1)
    out.idx = clusters
    for key, value in instances.items():
        if key not in out:
            out.set_field(_take(value, keep), key)
    return out


def _take(value: Any, indices: np.ndarray) -> Any:
    """Rows ``indices`` of a per-instance array, tensor or list."""
    if hasattr(value, 'detach'):
        import torch
        return value[torch.as_tensor(indices, device=value.device)]
    if isinstance(value, np.ndarray):
        return value[indices]
    return [value[i] for i in indices]
