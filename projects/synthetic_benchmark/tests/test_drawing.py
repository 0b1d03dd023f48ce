"""The drawing primitives shared by previews and prediction renders."""
import numpy as np
import pytest

from rmpe_mm.datasets.mpii_multi_person_format import MPII_JOINT_NAMES
from synthetic_benchmark.drawing import SIDE_COLORS, ZoomedCanvas, side_color


def test_canvas_zooms_a_copy_and_maps_pixel_centers():
    image = np.zeros((4, 5, 3), np.uint8)
    canvas = ZoomedCanvas(image, 3)
    assert canvas.image.shape == (12, 15, 3)
    assert canvas.point(0, 0) == (1, 1)  # center of the 3x3 block
    assert canvas.point(4, 3) == (13, 10)
    canvas.dot(2, 1, 1, (255, 255, 255))
    assert canvas.image[4, 7].tolist() == [255, 255, 255]
    assert image.max() == 0  # the input is not drawn on
    with pytest.raises(ValueError, match='zoom must be >= 1, got 0'):
        ZoomedCanvas(image, 0)


def test_limbs_need_both_joints():
    image = np.zeros((40, 40, 3), np.uint8)
    points = np.full((16, 2), 20.0)
    points[:, 0] = np.linspace(2, 37, 16)
    none = ZoomedCanvas(image, 1)
    none.limbs(points, np.zeros(16, bool), lambda a, b: (0, 0, 255), 1)
    assert none.image.max() == 0
    some = ZoomedCanvas(image, 1)
    some.limbs(points, np.ones(16, bool), lambda a, b: (0, 0, 255), 1)
    assert some.image[..., 2].max() > 0 and some.image[..., 0].max() == 0


def test_side_colours():
    for j, name in enumerate(MPII_JOINT_NAMES):
        side = name[0] if name[:2] in ('l_', 'r_') else 'c'
        assert side_color(j) == SIDE_COLORS[side]
