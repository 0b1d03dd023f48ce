"""Box geometry for PGPG: IoU, normalized offsets and their inverse.

All boxes are ``(x1, y1, x2, y2)`` in pixels (xyxy). The PGPG offset of a
detected box ``d`` from its ground-truth box ``g`` is normalized by the
ground-truth side lengths (docs/method.md, section 4)::

    ((x1d - x1g) / wg, (y1d - y1g) / hg, (x2d - x2g) / wg, (y2d - y2g) / hg)
"""
import numpy as np


def xywh_to_xyxy(boxes: np.ndarray) -> np.ndarray:
    """Convert COCO ``(x, y, w, h)`` boxes to ``(x1, y1, x2, y2)``.

    Args:
        boxes (np.ndarray): Boxes in shape (N, 4).

    Returns:
        np.ndarray: Boxes in shape (N, 4), float64.
    """
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    return np.concatenate([boxes[:, :2], boxes[:, :2] + boxes[:, 2:]], axis=1)


def box_iou_matrix(boxes_a: np.ndarray, boxes_b: np.ndarray) -> np.ndarray:
    """IoU of every box in ``boxes_a`` with every box in ``boxes_b``.

    Continuous-coordinate areas (``(x2 - x1) * (y2 - y1)``, no +1).

    Args:
        boxes_a (np.ndarray): xyxy boxes in shape (N, 4).
        boxes_b (np.ndarray): xyxy boxes in shape (M, 4).

    Returns:
        np.ndarray: IoUs in shape (N, M). 0 where the union is empty.
    """
    a = np.asarray(boxes_a, dtype=np.float64).reshape(-1, 4)
    b = np.asarray(boxes_b, dtype=np.float64).reshape(-1, 4)
    lt = np.maximum(a[:, None, :2], b[None, :, :2])
    rb = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.clip(rb - lt, 0, None).prod(axis=-1)
    area_a = np.clip(a[:, 2:] - a[:, :2], 0, None).prod(axis=-1)
    area_b = np.clip(b[:, 2:] - b[:, :2], 0, None).prod(axis=-1)
    union = area_a[:, None] + area_b[None, :] - inter
    with np.errstate(divide='ignore', invalid='ignore'):
        iou = np.where(union > 0, inter / np.where(union > 0, union, 1), 0.)
    return iou


def paired_box_iou(boxes_a: np.ndarray, boxes_b: np.ndarray) -> np.ndarray:
    """IoU of ``boxes_a[..., i, :]`` with ``boxes_b[..., i, :]`` (broadcast).

    Args:
        boxes_a (np.ndarray): xyxy boxes in shape (..., 4).
        boxes_b (np.ndarray): xyxy boxes broadcastable to ``boxes_a``.

    Returns:
        np.ndarray: IoUs in the broadcast shape without the last axis.
    """
    lt = np.maximum(boxes_a[..., :2], boxes_b[..., :2])
    rb = np.minimum(boxes_a[..., 2:], boxes_b[..., 2:])
    wh = np.clip(rb - lt, 0, None)
    inter = wh[..., 0] * wh[..., 1]
    size_a = np.clip(boxes_a[..., 2:] - boxes_a[..., :2], 0, None)
    size_b = np.clip(boxes_b[..., 2:] - boxes_b[..., :2], 0, None)
    union = (
        size_a[..., 0] * size_a[..., 1] + size_b[..., 0] * size_b[..., 1] -
        inter)
    return inter / np.maximum(union, 1e-12)


def normalized_offsets(det_boxes: np.ndarray,
                       gt_boxes: np.ndarray) -> np.ndarray:
    """PGPG offsets of detected boxes from their ground-truth boxes.

    Args:
        det_boxes (np.ndarray): xyxy detections in shape (N, 4).
        gt_boxes (np.ndarray): matched xyxy ground-truth boxes, shape (N, 4).

    Returns:
        np.ndarray: Offsets in shape (N, 4), see the module docstring.

    Raises:
        ValueError: If a ground-truth box has a non-positive width or height.
    """
    det = np.asarray(det_boxes, dtype=np.float64).reshape(-1, 4)
    gt = np.asarray(gt_boxes, dtype=np.float64).reshape(-1, 4)
    size = gt[:, 2:] - gt[:, :2]
    if np.any(size <= 0):
        bad = int(np.nonzero((size <= 0).any(axis=1))[0][0])
        raise ValueError(f'gt_boxes[{bad}] = {gt[bad].tolist()} has a '
                         'non-positive width or height')
    scale = np.tile(size, 2)
    return (det - gt) / scale


def apply_offsets(gt_boxes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Inverse of :func:`normalized_offsets`: boxes from GT boxes and offsets.

    Args:
        gt_boxes (np.ndarray): xyxy boxes in shape (..., 4).
        offsets (np.ndarray): Normalized offsets broadcastable to
            ``gt_boxes``.

    Returns:
        np.ndarray: xyxy boxes in the broadcast shape.
    """
    size = gt_boxes[..., 2:] - gt_boxes[..., :2]
    scale = np.concatenate([size, size], axis=-1)
    return gt_boxes + offsets * scale
