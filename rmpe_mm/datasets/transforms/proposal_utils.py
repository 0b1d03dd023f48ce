"""Box bookkeeping shared by the proposal transforms (pure numpy).

MMPose's ``GetBBoxCenterScale(padding=p)`` turns the tight box ``bbox`` into
``bbox_center`` and an *enlarged* ``bbox_scale = p * (w, h)``. The proposal
offsets are defined on tight boxes (detector box vs. tight GT box), so the
transforms (1) recover the tight GT box as ``center +- scale / (2 p)``
(this also follows a preceding ``RandomHalfBody``), (2) draw a tight proposal
around it, and (3) write back ``bbox`` = the tight proposal,
``bbox_center`` = its center and ``bbox_scale`` = ``p`` times its size, so the
crop is enlarged exactly as ``GetBBoxCenterScale`` enlarges a detection at
test time. ``padding`` must equal ``GetBBoxCenterScale``'s.
"""
from typing import Dict, Optional, Tuple

import numpy as np

from ..pgpg.boxes import paired_box_iou


def tight_boxes(center: np.ndarray, scale: np.ndarray,
                padding: float) -> np.ndarray:
    """Tight xyxy boxes (N, 4) from enlarged center/scale (N, 2)."""
    half = np.asarray(scale, np.float64) / (2.0 * padding)
    center = np.asarray(center, np.float64)
    return np.concatenate([center - half, center + half], axis=1)


def clip_boxes(boxes: np.ndarray, img_shape: Tuple[int, int]) -> np.ndarray:
    """Clip xyxy boxes (..., 4) to an image of shape ``(h, w)``."""
    h, w = img_shape[:2]
    lo = np.zeros(4)
    hi = np.array([w, h, w, h], dtype=np.float64)
    return np.clip(boxes, lo, hi)


def first_valid(candidates: np.ndarray, gt: np.ndarray,
                min_iou: Optional[float]) -> Tuple[np.ndarray, np.ndarray]:
    """Pick, per instance, the first acceptable candidate box.

    A candidate is acceptable when it has a positive width and height and,
    if ``min_iou`` is set, IoU > ``min_iou`` with the GT box.

    Args:
        candidates (np.ndarray): (N, T, 4) xyxy candidates.
        gt (np.ndarray): (N, 4) xyxy GT boxes.
        min_iou (float, optional): IoU floor.

    Returns:
        tuple: ``(boxes (N, 4), found (N,) bool)``; where nothing is
        acceptable the GT box is returned and ``found`` is False.
    """
    size = candidates[..., 2:] - candidates[..., :2]
    ok = (size > 0).all(axis=-1)
    if min_iou is not None:
        ok &= paired_box_iou(candidates, gt[:, None]) > min_iou
    found = ok.any(axis=1)
    pick = ok.argmax(axis=1)
    boxes = candidates[np.arange(len(candidates)), pick]
    return np.where(found[:, None], boxes, gt), found


def write_proposals(results: Dict, gt: np.ndarray, proposals: np.ndarray,
                    replaced: np.ndarray, is_patch: np.ndarray,
                    padding: float) -> Dict:
    """Keep the incoming (GT) box and replace it by the proposals.

    Adds ``gt_bbox_center``/``gt_bbox_scale`` (copies of the incoming
    ``bbox_center``/``bbox_scale``; kept if already present, i.e. the first
    proposal transform's GT wins) and ``proposal_is_patch``; replaces
    ``bbox`` (xyxy), ``bbox_center`` and ``bbox_scale`` where ``replaced``
    (elsewhere the incoming center/scale are kept bit-exact and ``bbox`` is
    the tight GT box).

    Args:
        results (dict): The transform's result dict (a new dict is not made;
            values are replaced, input arrays are not written into).
        gt (np.ndarray): (N, 4) tight xyxy GT boxes.
        proposals (np.ndarray): (N, 4) tight xyxy proposals.
        replaced (np.ndarray): (N,) bool, instances whose box changes.
        is_patch (np.ndarray): (N,) bool, patch-branch instances.
        padding (float): The ``GetBBoxCenterScale`` padding.

    Returns:
        dict: ``results``.
    """
    center = np.asarray(results['bbox_center'])
    scale = np.asarray(results['bbox_scale'])
    dtype = center.dtype if center.dtype.kind == 'f' else np.float32
    if 'gt_bbox_center' not in results:
        results['gt_bbox_center'] = center.copy()
        results['gt_bbox_scale'] = scale.copy()
    new_center = 0.5 * (proposals[:, :2] + proposals[:, 2:])
    new_scale = padding * (proposals[:, 2:] - proposals[:, :2])
    keep = ~replaced[:, None]
    results['bbox_center'] = np.where(keep, center, new_center).astype(dtype)
    results['bbox_scale'] = np.where(keep, scale, new_scale).astype(dtype)
    results['bbox'] = np.where(keep, gt, proposals).astype(dtype)
    results['proposal_is_patch'] = is_patch & replaced
    return results


def check_probability(name: str, value: float) -> None:
    """Raise ValueError unless ``0 <= value <= 1``."""
    if not 0.0 <= value <= 1.0:
        raise ValueError(f'{name} must be in [0, 1], got {value}')


def check_positive(name: str, value: float) -> None:
    """Raise ValueError unless ``value > 0``."""
    if not value > 0:
        raise ValueError(f'{name} must be > 0, got {value}')


def image_shape(results: Dict, owner: str) -> Tuple[int, int]:
    """``results['img_shape']`` or a ValueError naming the transform."""
    if 'img_shape' not in results:
        raise ValueError(f'{owner}(clip_to_image=True) needs "img_shape" in '
                         'the results (put it after LoadImage) or set '
                         'clip_to_image=False')
    return tuple(results['img_shape'][:2])
