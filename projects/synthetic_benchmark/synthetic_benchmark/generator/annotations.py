"""Annotation geometry of synthetic (simulated) people: boxes and groups.

Documented choices:

- Person box: tight box of the person's in-image silhouette (occluded parts
  included, i.e. amodal but clipped to the image), COCO pixel-edge style
  ``[xmin, ymin, xmax + 1, ymax + 1]``; ``area`` = silhouette pixel count.
- Head box: axis-aligned box of the drawn head ellipse (not clipped, like
  MPII head rectangles may leave the image).
- ``center`` / ``scale``: center of the unclipped person extent and
  ``max(width, height) / 200`` of it (MPII ``objpos`` / ``scale`` style).
- Groups: people whose boxes, each grown by ``margin`` times its size,
  intersect are one group; a group box is the union of its members' boxes
  padded by ``padding`` times its size and clipped to the image; groups whose
  boxes would intersect are merged, so group boxes never overlap.
"""
from typing import List, Tuple

import numpy as np

from .render import Part


def mask_bbox(mask: np.ndarray) -> np.ndarray:
    """Tight ``[x1, y1, x2, y2]`` (pixel edges) of a non-empty bool mask."""
    cols = np.flatnonzero(mask.any(axis=0))
    rows = np.flatnonzero(mask.any(axis=1))
    if cols.size == 0:
        raise ValueError('mask must have at least one True pixel, got none')
    return np.array([cols[0], rows[0], cols[-1] + 1, rows[-1] + 1],
                    dtype=np.float64)


def ellipse_bbox(part: Part) -> np.ndarray:
    """Axis-aligned ``[x1, y1, x2, y2]`` of an (unrotated-arc) ellipse part."""
    if part.kind != 'ellipse':
        raise ValueError(f'part.kind must be ellipse, got {part.kind!r}')
    a, b, angle = part.size[:3]
    t = np.deg2rad(angle)
    half = np.array([
        np.hypot(a * np.cos(t), b * np.sin(t)),
        np.hypot(a * np.sin(t), b * np.cos(t))
    ])
    c = part.points[0]
    return np.concatenate([c - half, c + half])


def center_scale(bounds: np.ndarray) -> Tuple[List[float], float]:
    """MPII-style ``center`` and ``scale`` of an unclipped extent."""
    x1, y1, x2, y2 = bounds
    center = [float((x1 + x2) / 2), float((y1 + y2) / 2)]
    return center, float(max(x2 - x1, y2 - y1) / 200.0)


def _grow(boxes: np.ndarray, factor: float) -> np.ndarray:
    size = boxes[:, 2:] - boxes[:, :2]
    return np.concatenate(
        [boxes[:, :2] - factor * size, boxes[:, 2:] + factor * size], axis=1)


def _intersect(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])


def _group_boxes(boxes: np.ndarray, labels: np.ndarray, padding: float,
                 img_shape: Tuple[int, int]) -> np.ndarray:
    h, w = img_shape
    out = []
    for g in range(labels.max() + 1):
        members = boxes[labels == g]
        union = np.concatenate([members[:, :2].min(0), members[:, 2:].max(0)])
        padded = _grow(union[None], padding)[0]
        out.append(np.clip(padded, 0, [w, h, w, h]))
    return np.stack(out)


def _relabel(labels: np.ndarray) -> np.ndarray:
    """Labels renumbered 0..G-1 in order of first appearance."""
    _, first, inverse = np.unique(
        labels, return_index=True, return_inverse=True)
    order = np.argsort(np.argsort(first))
    return order[inverse]


def assign_groups(boxes: np.ndarray,
                  img_shape: Tuple[int, int],
                  margin: float = 0.1,
                  padding: float = 0.05) -> Tuple[np.ndarray, np.ndarray]:
    """Cluster people into MPII groups.

    Args:
        boxes (np.ndarray): ``(N, 4)`` person boxes, xyxy, N >= 1.
        img_shape (tuple[int, int]): ``(height, width)``.
        margin (float): Box growth used to link people. Default 0.1.
        padding (float): Group box padding. Default 0.05.

    Returns:
        tuple[np.ndarray, np.ndarray]: ``(N,)`` int group index (0-based,
        in order of first member) and ``(G, 4)`` group boxes, xyxy.
    """
    if boxes.ndim != 2 or boxes.shape[1] != 4 or len(boxes) == 0:
        raise ValueError(f'boxes must have shape (N>=1, 4), got {boxes.shape}')
    labels = np.arange(len(boxes))
    grown = _grow(boxes, margin)
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            if _intersect(grown[i], grown[j]):
                labels[labels == labels[j]] = labels[i]
    labels = _relabel(labels)
    while True:
        gboxes = _group_boxes(boxes, labels, padding, img_shape)
        pair = next(((a, b) for a in range(len(gboxes))
                     for b in range(a + 1, len(gboxes))
                     if _intersect(gboxes[a], gboxes[b])), None)
        if pair is None:
            return labels, gboxes
        labels = _relabel(np.where(labels == pair[1], pair[0], labels))
