"""Drawing on an upscaled copy of an image: the primitives shared by the
data previews (``generator.visualize``) and the prediction renders
(``orchestration.render``). Needs only numpy and OpenCV."""
from typing import Callable, Dict, Tuple

import cv2
import numpy as np

from rmpe_mm.datasets.mpii_multi_person_format import (MPII_JOINT_NAMES,
                                                       MPII_LIMBS)

Color = Tuple[int, int, int]
#: Joint colours by side (BGR): left green, right orange, center blue.
SIDE_COLORS: Dict[str, Color] = dict(
    l=(0, 200, 0), r=(0, 140, 255), c=(255, 160, 60))


def side_color(joint: int) -> Color:
    """Colour of MPII joint ``joint`` by its side (:data:`SIDE_COLORS`)."""
    name = MPII_JOINT_NAMES[joint]
    return SIDE_COLORS[name[0]] if name[:2] in ('l_', 'r_') else \
        SIDE_COLORS['c']


class ZoomedCanvas:
    """A nearest-neighbour upscaled copy of an image, drawn on in the
    original image's pixel coordinates.

    Args:
        image (np.ndarray): ``(H, W, 3)`` uint8 BGR (not modified).
        zoom (int): Upscaling factor, >= 1.

    Attributes:
        image (np.ndarray): The ``(zoom * H, zoom * W, 3)`` drawing.
    """

    def __init__(self, image: np.ndarray, zoom: int) -> None:
        if zoom < 1:
            raise ValueError(f'zoom must be >= 1, got {zoom}')
        self.zoom = zoom
        self.image = cv2.resize(
            image, None, fx=zoom, fy=zoom, interpolation=cv2.INTER_NEAREST)

    def point(self, x: float, y: float) -> Tuple[int, int]:
        """Pixel center ``(x, y)`` of the image -> integer drawing pixel."""
        return (int(round((x + 0.5) * self.zoom - 0.5)),
                int(round((y + 0.5) * self.zoom - 0.5)))

    def box(self, x1: float, y1: float, x2: float, y2: float,
            color: Color) -> None:
        """A 1-pixel rectangle from corner ``(x1, y1)`` to ``(x2, y2)``."""
        cv2.rectangle(self.image, self.point(x1, y1), self.point(x2, y2),
                      color, 1)

    def limbs(self, points: np.ndarray, drawn: np.ndarray,
              color: Callable[[int, int], Color], thickness: int) -> None:
        """The MPII limbs whose two joints are both ``drawn``.

        Args:
            points (np.ndarray): ``(16, 2)`` joint pixels.
            drawn (np.ndarray): ``(16,)`` bool.
            color (Callable): ``color(a, b)`` of the limb from joint ``a``
                to joint ``b``.
            thickness (int): Line thickness (anti-aliased lines).
        """
        for a, b in MPII_LIMBS:
            if drawn[a] and drawn[b]:
                cv2.line(self.image, self.point(*points[a]),
                         self.point(*points[b]), color(a, b), thickness,
                         cv2.LINE_AA)

    def dot(self,
            x: float,
            y: float,
            radius: int,
            color: Color,
            thickness: int = -1) -> None:
        """A joint dot (``thickness=-1``: filled; else a ring)."""
        cv2.circle(self.image, self.point(x, y), radius, color, thickness,
                   cv2.LINE_AA)
