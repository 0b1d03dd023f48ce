"""Boxes of people and groups, and the MATLAB-to-MMPose coordinate shift."""
from typing import Optional, Sequence, Tuple

import numpy as np

from ..mpii_release import MpiiRect
from .options import MPII_PIXEL_STD


def person_bbox(rect: MpiiRect, margin: float) -> Optional[np.ndarray]:
    """Box ``(4,)`` xyxy around a person's annotated joints and head box.

    Args:
        rect (MpiiRect): The person (already in output coordinates).
        margin (float): Growth per side as a fraction of width/height.

    Returns:
        np.ndarray | None: The box, or None without any annotated joint.
    """
    annotated = rect.visibility > 0
    if not annotated.any():
        return None
    points = rect.joints[annotated]
    if rect.head_bbox is not None:
        points = np.concatenate([points, rect.head_bbox.reshape(2, 2)])
    lo, hi = points.min(axis=0), points.max(axis=0)
    grow = margin * (hi - lo)
    return np.concatenate([lo - grow, hi + grow])


def group_bbox(rects: Sequence[MpiiRect], margin: float,
               bbox_margin: float) -> Tuple[Optional[np.ndarray], int]:
    """Group box ``(4,)`` xyxy from its members' ``objpos`` and scales.

    Args:
        rects (Sequence[MpiiRect]): Members (in output coordinates).
        margin (float): Half-side around each ``objpos``, in ``200*scale``.
        bbox_margin (float): Person box margin for members without
            ``objpos``/``scale`` (they contribute their person box).

    Returns:
        tuple: The box (None if no member can be placed) and the number of
        members that used the person-box fallback or could not be placed.
    """
    boxes, fallbacks = [], 0
    for rect in rects:
        if rect.objpos is not None and rect.scale is not None:
            half = margin * MPII_PIXEL_STD * rect.scale
            boxes.append(
                np.concatenate([rect.objpos - half, rect.objpos + half]))
            continue
        fallbacks += 1
        box = person_bbox(rect, bbox_margin)
        if box is not None:
            boxes.append(box)
    if not boxes:
        return None, fallbacks
    boxes = np.stack(boxes)
    return np.concatenate([boxes[:, :2].min(0), boxes[:, 2:].max(0)]), \
        fallbacks


def shift_rect(rect: MpiiRect, offset: float) -> MpiiRect:
    """A copy of ``rect`` with every coordinate shifted by ``offset``
    (joints that are not annotated stay at 0)."""
    joints = np.where(rect.visibility[:, None] > 0, rect.joints + offset, 0.)
    return MpiiRect(
        index=rect.index,
        objpos=None if rect.objpos is None else rect.objpos + offset,
        scale=rect.scale,
        head_bbox=None if rect.head_bbox is None else np.concatenate([
            np.minimum(rect.head_bbox[:2], rect.head_bbox[2:]),
            np.maximum(rect.head_bbox[:2], rect.head_bbox[2:])
        ]) + offset,
        joints=joints,
        visibility=rect.visibility.copy())
