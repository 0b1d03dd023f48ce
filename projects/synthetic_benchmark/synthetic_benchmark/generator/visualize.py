"""Draw MPII annotations (and detections) over an image, for previews of
the synthetic (simulated) data. Needs only numpy and OpenCV."""
from typing import Dict, List, Optional, Sequence

import numpy as np

from ..drawing import ZoomedCanvas, side_color

_KIND_COLORS = dict(tp=(0, 255, 255), duplicate=(255, 0, 255), fp=(0, 0, 255))


def draw_annotations(image: np.ndarray,
                     annotations: Sequence[Dict],
                     detections: Optional[Sequence[Dict]] = None,
                     detection_kinds: Optional[List[str]] = None,
                     zoom: int = 2) -> np.ndarray:
    """Render GT skeletons, head boxes and (optionally) detection boxes.

    Visible joints (v = 2) are filled dots, occluded ones (v = 1) rings;
    joints with v = 0 and their links are skipped. Left limbs green, right
    orange, center blue; head boxes white.

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
    canvas = ZoomedCanvas(image, zoom)
    for k, det in enumerate(detections or []):
        x, y, w, h = det['bbox']
        kind = detection_kinds[k] if detection_kinds else 'tp'
        canvas.box(x, y, x + w, y + h, _KIND_COLORS[kind])
    for ann in annotations:
        kpts = np.asarray(ann['keypoints'], np.float64).reshape(-1, 3)
        canvas.box(*ann['head_bbox'], (255, 255, 255))
        canvas.limbs(kpts[:, :2], kpts[:, 2] > 0, lambda a, b: side_color(b),
                     2)
        for j, (x, y, v) in enumerate(kpts):
            if v > 0:
                canvas.dot(x, y, 3, side_color(j), -1 if v == 2 else 1)
    return canvas.image
