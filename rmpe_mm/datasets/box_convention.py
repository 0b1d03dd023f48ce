"""A data set's person box relative to its joints (PoseGuidedLocalizer).

``PoseGuidedLocalizer`` builds a box from the joints the SPPE finds; to be
the center-located crop, that box must follow the data set's ground-truth
box convention (COCO boxes enclose the head top and feet, which are no
joints; MPII's come from its center and scale). Fit it on a training
split::

    python tools/fit_box_convention.py ANN_FILE

prints ``extent_scale`` and ``center_offset`` for the localiser's config.
"""
import json
from typing import Dict, Tuple

import numpy as np


def fit_box_convention(keypoints: np.ndarray,
                       visible: np.ndarray,
                       bboxes: np.ndarray,
                       min_joints: int = 4,
                       min_extent: float = 1.0) -> Dict[str, object]:
    """Median box size and center relative to the visible joints' extent.

    For each person with at least ``min_joints`` visible joints whose
    extent is at least ``min_extent`` pixels on both axes:
    ``extent_scale = box size / extent`` and
    ``center_offset = (box center - extent midpoint) / extent``, per axis;
    the medians over people are robust to odd annotations.

    Args:
        keypoints (np.ndarray): (N, K, 2) joints in image pixels.
        visible (np.ndarray): (N, K) visibility (> 0: labelled).
        bboxes (np.ndarray): (N, 4) boxes (x1, y1, x2, y2).
        min_joints (int): Fewest visible joints. Defaults to 4.
        min_extent (float): Smallest extent in pixels. Defaults to 1.0.

    Returns:
        dict: ``extent_scale`` and ``center_offset`` ((x, y) tuples of
        float) and ``num_people`` (people used).

    Raises:
        ValueError: On mismatched shapes or when no person qualifies.
    """
    keypoints = np.asarray(keypoints, np.float64)
    visible = np.asarray(visible) > 0
    bboxes = np.asarray(bboxes, np.float64)
    n = keypoints.shape[0]
    if (keypoints.ndim != 3 or keypoints.shape[-1] != 2
            or visible.shape != keypoints.shape[:2] or bboxes.shape != (n, 4)):
        raise ValueError('need keypoints (N, K, 2), visible (N, K) and '
                         f'bboxes (N, 4), got {keypoints.shape}, '
                         f'{visible.shape} and {bboxes.shape}')
    big = np.finfo(np.float64).max
    low = np.where(visible[..., None], keypoints, big).min(axis=1)
    high = np.where(visible[..., None], keypoints, -big).max(axis=1)
    count = visible.sum(axis=1)
    low = np.where(count[:, None] > 0, low, 0.)
    high = np.where(count[:, None] > 0, high, 0.)
    extent = high - low
    use = (count >= min_joints) & (extent >= min_extent).all(axis=1)
    if not use.any():
        raise ValueError(f'no person has >= {min_joints} visible joints '
                         f'spanning >= {min_extent} px on both axes')
    size = bboxes[use, 2:] - bboxes[use, :2]
    center = (bboxes[use, 2:] + bboxes[use, :2]) / 2
    scale = np.median(size / extent[use], axis=0)
    offset = np.median(
        (center - (low[use] + high[use]) / 2) / extent[use], axis=0)
    return dict(
        extent_scale=_pair(scale),
        center_offset=_pair(offset),
        num_people=int(use.sum()))


def _pair(values: np.ndarray) -> Tuple[float, float]:
    """Two floats rounded to 4 decimals (config-ready)."""
    return (round(float(values[0]), 4), round(float(values[1]), 4))


def load_coco_people(ann_file: str) -> Tuple[np.ndarray, ...]:
    """Joints, visibility and boxes (x1, y1, x2, y2) of a COCO-format file.

    Args:
        ann_file (str): COCO-format keypoint annotations (``keypoints`` as
            flat x, y, v; ``bbox`` as x, y, w, h).

    Returns:
        tuple[np.ndarray, ...]: (N, K, 2) joints, (N, K) visibility and
        (N, 4) boxes of the annotations with keypoints.
    """
    with open(ann_file) as f:
        anns = [
            a for a in json.load(f)['annotations']
            if a.get('keypoints') and a.get('bbox')
        ]
    if not anns:
        raise ValueError(f'{ann_file}: no annotation with keypoints and bbox')
    flat = np.array([a['keypoints'] for a in anns], np.float64)
    flat = flat.reshape(len(anns), -1, 3)
    xywh = np.array([a['bbox'] for a in anns], np.float64)
    boxes = np.concatenate([xywh[:, :2], xywh[:, :2] + xywh[:, 2:]], axis=1)
    return flat[..., :2], flat[..., 2], boxes
