"""Draw MPII annotations (and detections) over an image, for previews of
the synthetic (simulated) data. Needs only numpy and OpenCV."""
from typing import Dict, List, Optional, Sequence

import cv2
import numpy as np

from .skeleton import MPII_JOINT_NAMES, MPII_SKELETON

_LEFT, _RIGHT, _MID = (0, 200, 0), (0, 140, 255), (255, 160, 60)
_KIND_COLORS = dict(tp=(0, 255, 255), duplicate=(255, 0, 255),
                    fp=(0, 0, 255))


def _joint_color(j: int) -> tuple:
    name = MPII_JOINT_NAMES[j]
    return _LEFT if name.startswith('l_') else (
        _RIGHT if name.startswith('r_') else _MID)


def draw_annotations(image: np.ndarray,
                     annotations: Sequence[Dict],
                     detections: Optional[Sequence[Dict]] = None,
                     detection_kinds: Optional[List[str]] = None,
                     zoom: int = 2) -> np.ndarray:
    """Render GT skeletons, head boxes and (optionally) detection boxes.

    Visible joints (v = 2) are filled dots, occluded ones (v = 1) rings;
    joints with v = 0 and their links are skipped. Left limbs green, right
    orange, centre blue; head boxes white.

    Args:
        image (np.ndarray): ``(H, W, 3)`` uint8 BGR (not modified).
        annotations (Sequence[dict]): JSON annotations of the image.
        detections (Sequence[dict], optional): COCO results entries.
        detection_kinds (list[str], optional): ``tp``/``duplicate``/``fp``
            of each detection (from the simulation metadata) to colour them
            yellow / magenta / red; default: all yellow.
        zoom (int): Nearest-neighbour upscaling before drawing. Default 2.

    Returns:
        np.ndarray: A new ``(zoom * H, zoom * W, 3)`` image.
    """
    if zoom < 1:
        raise ValueError(f'zoom must be >= 1, got {zoom}')
    out = cv2.resize(image, None, fx=zoom, fy=zoom,
                     interpolation=cv2.INTER_NEAREST)

    def pt(x: float, y: float) -> tuple:
        return int(round((x + 0.5) * zoom - 0.5)), int(
            round((y + 0.5) * zoom - 0.5))

    for k, det in enumerate(detections or []):
        x, y, w, h = det['bbox']
        kind = detection_kinds[k] if detection_kinds else 'tp'
        cv2.rectangle(out, pt(x, y), pt(x + w, y + h), _KIND_COLORS[kind], 1)
    for ann in annotations:
        kpts = np.asarray(ann['keypoints'], np.float64).reshape(-1, 3)
        x1, y1, x2, y2 = ann['head_bbox']
        cv2.rectangle(out, pt(x1, y1), pt(x2, y2), (255, 255, 255), 1)
        for a, b in MPII_SKELETON:
            if kpts[a, 2] > 0 and kpts[b, 2] > 0:
                cv2.line(out, pt(*kpts[a, :2]), pt(*kpts[b, :2]),
                         _joint_color(b), 2, cv2.LINE_AA)
        for j, (x, y, v) in enumerate(kpts):
            if v > 0:
                cv2.circle(out, pt(x, y), 3, _joint_color(j),
                           -1 if v == 2 else 1, cv2.LINE_AA)
    return out
