"""Rendering tracked people: one color per track id, and the id printed.

A track's color depends on its id alone (golden-ratio steps of the hue),
so a person keeps its color through the whole video and neighbouring ids
get distant hues. Detections of tentative tracks (id -1) are drawn gray,
without a label.
"""
import colorsys
from typing import Optional, Sequence, Tuple

import cv2
import numpy as np

#: Color (RGB) of detections without a confirmed track.
UNTRACKED_COLOR = (160, 160, 160)
_GOLDEN = 0.618033988749895


def track_color(track_id: int) -> Tuple[int, int, int]:
    """The RGB color of a track id (gray for ids < 0)."""
    if track_id < 0:
        return UNTRACKED_COLOR
    hue = (0.1 + track_id * _GOLDEN) % 1.0
    r, g, b = colorsys.hsv_to_rgb(hue, 0.85, 0.95)
    return int(r * 255), int(g * 255), int(b * 255)


def draw_tracks(image: np.ndarray,
                keypoints: np.ndarray,
                keypoint_scores: np.ndarray,
                bboxes: np.ndarray,
                track_ids: np.ndarray,
                skeleton: Optional[Sequence[Tuple[int, int]]] = None,
                kpt_thr: float = 0.3,
                radius: int = 3,
                thickness: int = 1,
                draw_bbox: bool = False) -> np.ndarray:
    """Draw each person in its track's color, with its id above its box.

    Args:
        image (np.ndarray): (H, W, 3) uint8 image (any channel order: the
            colors are RGB, so pass an RGB image for the documented colors).
        keypoints (np.ndarray): (N, K, 2) joints.
        keypoint_scores (np.ndarray): (N, K) joint scores.
        bboxes (np.ndarray): (N, 4) xyxy boxes.
        track_ids (np.ndarray): (N,) track ids (-1: no confirmed track).
        skeleton (Sequence[tuple[int, int]], optional): Joint index pairs
            to link (``dataset_meta['skeleton_links']``). Defaults to None
            (joints only).
        kpt_thr (float): Joints (and links) scored below it, or not
            finite, are not drawn. Defaults to 0.3.
        radius (int): Joint radius. Defaults to 3.
        thickness (int): Line thickness. Defaults to 1.
        draw_bbox (bool): Draw the boxes too. Defaults to False.

    Returns:
        np.ndarray: A new image (the input is not modified).
    """
    canvas = np.ascontiguousarray(image).copy()
    for i in range(len(track_ids)):
        color = track_color(int(track_ids[i]))
        points = keypoints[i]
        shown = np.isfinite(points).all(1) & (keypoint_scores[i] >= kpt_thr)
        for a, b in skeleton or ():
            if shown[a] and shown[b]:
                cv2.line(canvas, _pt(points[a]), _pt(points[b]), color,
                         thickness, cv2.LINE_AA)
        for k in np.flatnonzero(shown):
            cv2.circle(canvas, _pt(points[k]), radius, color, -1, cv2.LINE_AA)
        x1, y1, x2, y2 = (int(round(v)) for v in bboxes[i])
        if draw_bbox:
            cv2.rectangle(canvas, (x1, y1), (x2, y2), color, thickness)
        if track_ids[i] >= 0:
            _label(canvas, str(int(track_ids[i])), (x1, y1), color)
    return canvas


def _pt(point: np.ndarray) -> Tuple[int, int]:
    return int(round(point[0])), int(round(point[1]))


def _label(canvas: np.ndarray, text: str, corner: Tuple[int, int],
           color: Tuple[int, int, int]) -> None:
    """``text`` in black on a ``color`` patch just above ``corner``."""
    font, scale = cv2.FONT_HERSHEY_SIMPLEX, 0.5
    (w, h), base = cv2.getTextSize(text, font, scale, 1)
    x = min(max(corner[0], 0), max(canvas.shape[1] - w - 2, 0))
    y = max(corner[1], h + base + 2)
    cv2.rectangle(canvas, (x, y - h - base - 2), (x + w + 2, y), color, -1)
    cv2.putText(canvas, text, (x + 1, y - base - 1), font, scale, (0, 0, 0), 1,
                cv2.LINE_AA)
