"""Association cost of tracks and detections: pose OKS and box IoU.

``similarity = (iou_weight * IoU + oks_weight * OKS) / (iou_weight +
oks_weight)``, in [0, 1]; the tracker's cost is ``1 - similarity``.

OKS follows COCO's definition with the data set's per-joint ``sigmas``::

    OKS = sum_k v_k exp(-d_k^2 / (2 s^2 (2 sigma_k)^2)) / sum_k v_k

with ``s^2`` the *detection box's area* (no segmentation area exists for
a prediction; MMPose's ``_track_by_oks`` also uses box areas) and ``v_k``
true where the joint is valid in both poses (finite, score >=
``kpt_thr``). A pair without a common valid joint has no pose evidence:
its similarity is its IoU alone.
"""
import numpy as np

from rmpe_mm.datasets.pgpg.boxes import box_iou_matrix


def oks_matrix(track_keypoints: np.ndarray, track_valid: np.ndarray,
               keypoints: np.ndarray, valid: np.ndarray, areas: np.ndarray,
               sigmas: np.ndarray):
    """OKS of every track pose with every detected pose.

    Args:
        track_keypoints (np.ndarray): (T, K, 2) track poses.
        track_valid (np.ndarray): (T, K) bool, valid joints of the tracks.
        keypoints (np.ndarray): (N, K, 2) detected poses.
        valid (np.ndarray): (N, K) bool, valid joints of the detections.
        areas (np.ndarray): (N,) detection box areas (the OKS scale).
        sigmas (np.ndarray): (K,) per-joint sigmas.

    Returns:
        tuple[np.ndarray, np.ndarray]: ``oks (T, N)`` and the number of
        common valid joints ``(T, N)``.
    """
    both = track_valid[:, None, :] & valid[None, :, :]
    diff = np.where(both[..., None],
                    track_keypoints[:, None] - keypoints[None], 0.)
    sq_dist = (diff**2).sum(-1)
    variances = (2 * sigmas)**2
    scale = 2 * np.maximum(areas, np.finfo(np.float64).eps)
    per_joint = np.exp(-sq_dist / (scale[None, :, None] * variances))
    count = both.sum(-1)
    total = np.where(both, per_joint, 0.).sum(-1)
    oks = np.where(count > 0, total / np.maximum(count, 1), 0.)
    return oks, count


def similarity_matrix(track_boxes: np.ndarray, track_keypoints: np.ndarray,
                      track_valid: np.ndarray, boxes: np.ndarray,
                      keypoints: np.ndarray, valid: np.ndarray,
                      sigmas: np.ndarray, iou_weight: float,
                      oks_weight: float) -> np.ndarray:
    """(T, N) weighted IoU + OKS similarity (see the module docstring)."""
    iou = box_iou_matrix(track_boxes, boxes)
    if oks_weight == 0:
        return iou
    areas = np.prod(boxes[:, 2:] - boxes[:, :2], axis=1)
    oks, count = oks_matrix(track_keypoints, track_valid, keypoints, valid,
                            areas, sigmas)
    mixed = (iou_weight * iou + oks_weight * oks) / (iou_weight + oks_weight)
    return np.where(count > 0, mixed, iou)
