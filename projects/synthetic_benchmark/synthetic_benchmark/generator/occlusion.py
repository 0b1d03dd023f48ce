"""Visibility of joints in a synthetic (simulated) scene.

Rules (documented defaults of the generator):

- A joint is *in the image* when ``0 <= x <= W - 1`` and ``0 <= y <= H - 1``
  (pixel centers at integer coordinates); its pixel is the rounded position.
- An in-image joint is *occluded* (``v = 1``) when its pixel is covered by
  the silhouette of a nearer person; otherwise it is visible (``v = 2``).
  A person's own parts never hide its joints (no self-occlusion labels).
- A joint outside the image gets ``v = 0`` and ``x = y = 0`` with
  ``outside='drop'`` (as MPII leaves truncated joints unannotated), or keeps
  its position with ``v = 1`` with ``outside='invisible'``.
"""
from typing import Tuple

import numpy as np


def in_image(keypoints: np.ndarray, img_shape: Tuple[int, int]) -> np.ndarray:
    """Which joints lie inside the image.

    Args:
        keypoints (np.ndarray): ``(K, 2)`` joints, pixels.
        img_shape (tuple[int, int]): ``(height, width)``.

    Returns:
        np.ndarray: ``(K,)`` bool.
    """
    h, w = img_shape
    x, y = keypoints[:, 0], keypoints[:, 1]
    return (x >= 0) & (x <= w - 1) & (y >= 0) & (y <= h - 1)


def joint_pixels(keypoints: np.ndarray, img_shape: Tuple[int,
                                                         int]) -> np.ndarray:
    """Rounded ``(x, y)`` pixel of every joint, clipped into the image."""
    h, w = img_shape
    px = np.round(keypoints).astype(np.int64)
    px[:, 0] = np.clip(px[:, 0], 0, w - 1)
    px[:, 1] = np.clip(px[:, 1], 0, h - 1)
    return px


def covered(keypoints: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Which in-image joints fall on a True pixel of ``mask``.

    Args:
        keypoints (np.ndarray): ``(K, 2)`` joints, pixels.
        mask (np.ndarray): ``(H, W)`` bool mask.

    Returns:
        np.ndarray: ``(K,)`` bool (False for joints outside the image).
    """
    inside = in_image(keypoints, mask.shape)
    px = joint_pixels(keypoints, mask.shape)
    return inside & mask[px[:, 1], px[:, 0]]


def visibility_flags(keypoints: np.ndarray,
                     occluder: np.ndarray,
                     outside: str = 'drop') -> np.ndarray:
    """MPII ``v`` flags of one person.

    Args:
        keypoints (np.ndarray): ``(K, 2)`` joints, pixels.
        occluder (np.ndarray): ``(H, W)`` bool union of the silhouettes of
            all nearer people.
        outside (str): ``'drop'`` (v = 0) or ``'invisible'`` (v = 1) for
            joints outside the image. Default ``'drop'``.

    Returns:
        np.ndarray: ``(K,)`` int64 flags in {0, 1, 2}.
    """
    if outside not in ('drop', 'invisible'):
        raise ValueError(
            f"outside must be 'drop' or 'invisible', got {outside!r}")
    inside = in_image(keypoints, occluder.shape)
    flags = np.where(covered(keypoints, occluder), 1, 2)
    flags[~inside] = 0 if outside == 'drop' else 1
    return flags.astype(np.int64)


def visible_fraction(silhouette: np.ndarray, occluder: np.ndarray) -> float:
    """Fraction of a silhouette's in-image pixels not covered by nearer
    people (0.0 for an empty silhouette).

    Args:
        silhouette (np.ndarray): ``(H, W)`` bool mask of one person.
        occluder (np.ndarray): ``(H, W)`` bool union of nearer people.

    Returns:
        float: Uncovered fraction in ``[0, 1]``.
    """
    total = int(silhouette.sum())
    if total == 0:
        return 0.0
    return float((silhouette & ~occluder).sum()) / total
