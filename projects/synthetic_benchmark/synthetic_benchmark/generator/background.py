"""Cluttered backgrounds for the synthetic (simulated) dataset.

A background is a two-colour linear gradient, overlaid with low-frequency
blotches and a random number of shapes (rectangles, circles, ellipses,
polygons and thick lines that look a bit like limbs), some of them
semi-transparent.
"""
from typing import Tuple

import cv2
import numpy as np

from .appearance import random_color


def _gradient(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    a = np.asarray(random_color(rng, min_sat=0, min_val=40), np.float32)
    b = np.asarray(random_color(rng, min_sat=0, min_val=40), np.float32)
    t = rng.uniform(0, 2 * np.pi)
    xs = np.arange(width, dtype=np.float32) * np.float32(np.cos(t))
    ys = np.arange(height, dtype=np.float32) * np.float32(np.sin(t))
    proj = ys[:, None] + xs[None, :]
    proj = (proj - proj.min()) / max(float(np.ptp(proj)), 1e-6)
    return a + proj[..., None] * (b - a)


def _blotches(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    grid = rng.normal(0, 18, (6, 6, 3)).astype(np.float32)
    return cv2.resize(grid, (width, height), interpolation=cv2.INTER_CUBIC)


def _draw_shape(rng: np.random.Generator, canvas: np.ndarray) -> None:
    """Draw one random shape into ``canvas`` (a local working copy)."""
    h, w = canvas.shape[:2]
    color = random_color(rng, min_sat=0, min_val=30)
    size = max(w, h)
    kind = rng.integers(0, 5)
    x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
    if kind == 0:
        x2 = int(x + rng.uniform(0.05, 0.4) * size)
        y2 = int(y + rng.uniform(0.05, 0.4) * size)
        cv2.rectangle(canvas, (x, y), (x2, y2), color, -1)
    elif kind == 1:
        r = int(rng.uniform(0.02, 0.15) * size) + 1
        cv2.circle(canvas, (x, y), r, color, -1, cv2.LINE_AA)
    elif kind == 2:
        axes = (int(rng.uniform(0.02, 0.2) * size) + 1,
                int(rng.uniform(0.02, 0.2) * size) + 1)
        cv2.ellipse(canvas, (x, y), axes, float(rng.uniform(0, 180)), 0, 360,
                    color, -1, cv2.LINE_AA)
    elif kind == 3:
        n = int(rng.integers(3, 7))
        pts = np.stack(
            [rng.normal(x, 0.1 * size, n),
             rng.normal(y, 0.1 * size, n)], 1).astype(np.int32)
        cv2.fillPoly(canvas, [pts], color, cv2.LINE_AA)
    else:
        length = rng.uniform(0.1, 0.4) * size
        t = rng.uniform(0, np.pi)
        end = (int(x + length * np.cos(t)), int(y + length * np.sin(t)))
        thick = int(rng.uniform(0.01, 0.05) * size) + 1
        cv2.line(canvas, (x, y), end, color, thick, cv2.LINE_AA)


def make_background(
    rng: np.random.Generator,
    width: int,
    height: int,
    num_shapes_range: Tuple[int, int] = (8, 25)) -> np.ndarray:
    """Make one cluttered background.

    Args:
        rng (np.random.Generator): Random stream.
        width (int): Image width.
        height (int): Image height.
        num_shapes_range (tuple[int, int]): Inclusive range of the number of
            clutter shapes. Default ``(8, 25)``.

    Returns:
        np.ndarray: ``(height, width, 3)`` uint8 BGR image.
    """
    base = _gradient(rng, width, height) + _blotches(rng, width, height)
    canvas = np.clip(base, 0, 255).astype(np.uint8)
    lo, hi = num_shapes_range
    for _ in range(int(rng.integers(lo, hi + 1))):
        if rng.random() < 0.3:  # semi-transparent shape
            layer = canvas.copy()
            _draw_shape(rng, layer)
            alpha = float(rng.uniform(0.3, 0.7))
            canvas = cv2.addWeighted(layer, alpha, canvas, 1 - alpha, 0)
        else:
            _draw_shape(rng, canvas)
    return canvas
