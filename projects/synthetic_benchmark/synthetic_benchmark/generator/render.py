"""Draw synthetic (simulated) people as textured, outlined body parts.

A person is a list of :class:`Part` primitives (capsules for limbs and neck,
polygons for torso and pelvis, ellipses for head, hair, hands and feet)
built from its image-space joints. Every joint lies inside at least one of
its parts, so the person's silhouette contains all of its joints (a 1-pixel
darker outline around each part is part of the silhouette).
"""
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import cv2
import numpy as np

from .appearance import PersonAppearance, make_texture
from .skeleton import JOINT_ID

_SHIFT = 4  # cv2 fixed-point bits: joints are drawn with 1/16 px precision
_ONE = 1 << _SHIFT

#: Thickness (capsules) or radius (hands), fraction of body height.
PART_WIDTHS: Dict[str, float] = dict(
    thigh=0.075,
    shin=0.055,
    upper_arm=0.05,
    forearm=0.04,
    neck=0.045,
    hand=0.028,
    foot=0.03)


@dataclass(frozen=True)
class Part:
    """One drawable body part.

    Args:
        name (str): Part name (``'l_thigh'``, ``'torso'``, ...).
        kind (str): ``'capsule'``, ``'polygon'`` or ``'ellipse'``.
        points (np.ndarray): Capsule end points ``(2, 2)``, polygon corners
            ``(N, 2)`` or ellipse center ``(1, 2)``, image pixels.
        size (tuple[float, ...]): Capsule ``(thickness,)`` or ellipse
            ``(semi_axis_1, semi_axis_2, angle_deg, arc_start, arc_end)``.
        garment (str): ``'skin'``, ``'hair'``, ``'top'``, ``'bottom'``,
            ``'shoes'`` or ``'eyes'``.
    """
    name: str
    kind: str
    points: np.ndarray
    size: Tuple[float, ...]
    garment: str


def _fixed(p: np.ndarray) -> Tuple[int, int]:
    return int(round(p[0] * _ONE)), int(round(p[1] * _ONE))


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 1e-9 else np.array([0.0, 1.0])


def _limb_parts(k: np.ndarray, h: float, app: PersonAppearance,
                lr: str) -> Tuple[List[Part], List[Part]]:
    """Leg parts and arm parts of one side."""
    j = {
        n: k[JOINT_ID[f'{lr}_{n}']]
        for n in ('hip', 'knee', 'ankle', 'shoulder', 'elbow', 'wrist')
    }

    def cap(name: str, a: str, b: str, width: str, garment: str) -> Part:
        t = max(3.0, PART_WIDTHS[width] * h * app.build)
        return Part(f'{lr}_{name}', 'capsule', np.stack([j[a], j[b]]), (t, ),
                    garment)

    shin_g = 'bottom' if app.long_trousers else 'skin'
    forearm_g = 'top' if app.long_sleeves else 'skin'
    outward = np.sign(j['ankle'][0] - k[JOINT_ID['pelvis']][0]) or 1.0
    foot_c = j['ankle'] + np.array([outward * 0.02 * h, 0.015 * h])
    foot_axes = (max(2.0, 0.045 * h), max(2.0, 0.025 * h))
    hand_dir = _unit(j['wrist'] - j['elbow'])
    hand_r = max(2.0, PART_WIDTHS['hand'] * h * app.build)
    legs = [
        cap('thigh', 'hip', 'knee', 'thigh', 'bottom'),
        cap('shin', 'knee', 'ankle', 'shin', shin_g),
        Part(f'{lr}_foot', 'ellipse', foot_c[None],
             foot_axes + (0.0, 0.0, 360.0), 'shoes'),
    ]
    arms = [
        cap('upper_arm', 'shoulder', 'elbow', 'upper_arm', 'top'),
        cap('forearm', 'elbow', 'wrist', 'forearm', forearm_g),
        Part(f'{lr}_hand', 'ellipse',
             (j['wrist'] + hand_dir * 0.6 * hand_r)[None],
             (hand_r, hand_r, 0.0, 0.0, 360.0), 'skin'),
    ]
    return legs, arms


def _torso_parts(k: np.ndarray, h: float, app: PersonAppearance) -> List[Part]:
    pelvis, thorax = k[JOINT_ID['pelvis']], k[JOINT_ID['thorax']]
    axis = _unit(thorax - pelvis)
    across = np.array([-axis[1], axis[0]])
    half_sh = max(
        np.abs((k[[JOINT_ID['l_shoulder'], JOINT_ID['r_shoulder']]] - thorax)
               @ across).max() + 0.025 * h, 0.07 * h * app.build)
    half_hp = max(
        np.abs((k[[JOINT_ID['l_hip'], JOINT_ID['r_hip']]] - pelvis)
               @ across).max() + 0.035 * h, 0.065 * h * app.build)
    top = thorax + axis * 0.015 * h
    bottom = pelvis - axis * 0.03 * h
    waist = pelvis + 0.25 * (thorax - pelvis)
    torso = np.stack([
        top + across * half_sh, top - across * half_sh,
        bottom - across * half_hp, bottom + across * half_hp
    ])
    hips = np.stack([
        waist + across * half_hp, waist - across * half_hp,
        bottom - across * half_hp, bottom + across * half_hp
    ])
    neck_t = max(3.0, PART_WIDTHS['neck'] * h * app.build)
    neck = np.stack([thorax, k[JOINT_ID['upper_neck']]])
    return [
        Part('torso', 'polygon', torso, (), 'top'),
        Part('hips', 'polygon', hips, (), 'bottom'),
        Part('neck', 'capsule', neck, (neck_t, ), 'skin')
    ]


def _head_parts(k: np.ndarray, facing: str) -> List[Part]:
    neck, top = k[JOINT_ID['upper_neck']], k[JOINT_ID['head_top']]
    length = max(float(np.linalg.norm(top - neck)), 2.0)
    axis = _unit(top - neck)
    center = (neck + top) / 2
    angle = float(np.degrees(np.arctan2(axis[1], axis[0])))
    semi = (max(2.0, 0.56 * length), max(2.0, 0.38 * length))
    hair_arc = 80.0 if facing == 'front' else 140.0
    parts = [
        Part('head', 'ellipse', center[None], semi + (angle, 0.0, 360.0),
             'skin'),
        Part('hair', 'ellipse', center[None],
             semi + (angle, -hair_arc, hair_arc), 'hair'),
    ]
    if facing == 'front':
        across = np.array([-axis[1], axis[0]])
        r = max(0.6, 0.05 * length)
        for s in (-1, 1):
            eye = center + axis * 0.02 * length + s * across * 0.17 * length
            parts.append(
                Part(f'eye{s}', 'ellipse', eye[None], (r, r, 0.0, 0.0, 360.0),
                     'eyes'))
    return parts


def build_parts(keypoints: np.ndarray, height_px: float,
                appearance: PersonAppearance, facing: str) -> List[Part]:
    """Build a person's parts in painting order (back to front).

    Args:
        keypoints (np.ndarray): ``(16, 2)`` MPII joints, image pixels.
        height_px (float): Standing body height in pixels.
        appearance (PersonAppearance): Colours, textures, build.
        facing (str): ``'front'`` or ``'back'``.

    Returns:
        list[Part]: Legs, torso, neck, head, hair, (eyes), arms.
    """
    if keypoints.shape != (16, 2):
        raise ValueError(
            f'keypoints must have shape (16, 2), got {keypoints.shape}')
    legs_l, arms_l = _limb_parts(keypoints, height_px, appearance, 'l')
    legs_r, arms_r = _limb_parts(keypoints, height_px, appearance, 'r')
    return (legs_l + legs_r + _torso_parts(keypoints, height_px, appearance) +
            _head_parts(keypoints, facing) + arms_l + arms_r)


def part_bounds(part: Part) -> np.ndarray:
    """Conservative ``[x1, y1, x2, y2]`` of a part (not clipped)."""
    if part.kind == 'capsule':
        r = part.size[0] / 2 + 1
        return np.concatenate([part.points.min(0) - r, part.points.max(0) + r])
    if part.kind == 'ellipse':
        r = max(part.size[0], part.size[1]) + 1
        c = part.points[0]
        return np.concatenate([c - r, c + r])
    return np.concatenate([part.points.min(0) - 1, part.points.max(0) + 1])


def parts_bounds(parts: List[Part]) -> np.ndarray:
    """Union of :func:`part_bounds` over parts, ``[x1, y1, x2, y2]``."""
    b = np.stack([part_bounds(p) for p in parts])
    return np.concatenate([b[:, :2].min(0), b[:, 2:].max(0)])


def rasterize_part(
    part: Part, shape: Tuple[int, int],
    offset: Tuple[int, int] = (0, 0)) -> np.ndarray:
    """Binary mask of one part.

    Args:
        part (Part): The part.
        shape (tuple[int, int]): Mask ``(height, width)``.
        offset (tuple[int, int]): Image ``(x, y)`` of the mask's pixel
            ``(0, 0)``. Default ``(0, 0)``.

    Returns:
        np.ndarray: ``shape`` uint8 mask (255 inside).
    """
    mask = np.zeros(shape, np.uint8)
    pts = part.points - np.asarray(offset, np.float64)
    if part.kind == 'capsule':
        cv2.line(mask, _fixed(pts[0]), _fixed(pts[1]), 255,
                 int(round(part.size[0])), cv2.LINE_8, _SHIFT)
    elif part.kind == 'polygon':
        fixed = np.round(pts * _ONE).astype(np.int32)
        cv2.fillPoly(mask, [fixed], 255, cv2.LINE_8, _SHIFT)
    elif part.kind == 'ellipse':
        a, b, angle, start, end = part.size
        cv2.ellipse(mask, _fixed(pts[0]),
                    (int(round(a * _ONE)), int(round(b * _ONE))), angle, start,
                    end, 255, -1, cv2.LINE_8, _SHIFT)
    else:
        raise ValueError(f'unknown part kind {part.kind!r}')
    return mask


def person_roi(parts: List[Part],
               img_shape: Tuple[int, int]) -> Optional[Tuple[int, ...]]:
    """In-image ``(x0, y0, x1, y1)`` (exclusive end) region of a person.

    Returns None when the person lies entirely outside the image.
    """
    h, w = img_shape
    x1, y1, x2, y2 = parts_bounds(parts)
    x0, y0 = max(int(np.floor(x1)) - 2, 0), max(int(np.floor(y1)) - 2, 0)
    xe, ye = min(int(np.ceil(x2)) + 3, w), min(int(np.ceil(y2)) + 3, h)
    if xe <= x0 or ye <= y0:
        return None
    return x0, y0, xe, ye


#: Order of the garment codes in a person's label map.
GARMENTS: Tuple[str, ...] = ('skin', 'hair', 'top', 'bottom', 'shoes', 'eyes')


def label_parts(parts: List[Part], roi: Tuple[int, ...]) -> np.ndarray:
    """Paint a person's parts into a code map of its region.

    Parts are painted in order; each part except eyes first paints its
    1-pixel outline ring (the part dilated by a 3x3 square) with code
    ``2 * g + 2``, then its inside with code ``2 * g + 1``, where ``g`` is
    the index of its garment in :data:`GARMENTS`. 0 = not covered.

    Args:
        parts (list[Part]): The person's parts.
        roi (tuple[int, ...]): ``(x0, y0, x1, y1)`` region (exclusive end).

    Returns:
        np.ndarray: ``(y1 - y0, x1 - x0)`` uint8 code map.
    """
    x0, y0, x1, y1 = roi
    codes = np.zeros((y1 - y0, x1 - x0), np.uint8)
    kernel = np.ones((3, 3), np.uint8)
    for part in parts:
        g = GARMENTS.index(part.garment)
        inner = rasterize_part(part, codes.shape, (x0, y0))
        if part.garment != 'eyes':
            codes[cv2.dilate(inner, kernel) > 0] = 2 * g + 2
        codes[inner > 0] = 2 * g + 1
    return codes


def person_silhouette(parts: List[Part], img_shape: Tuple[int,
                                                          int]) -> np.ndarray:
    """In-image silhouette of a person, exactly the pixels
    :func:`paint_person` paints (every part with its 1-pixel outline).

    Args:
        parts (list[Part]): The person's parts.
        img_shape (tuple[int, int]): Image ``(height, width)``.

    Returns:
        np.ndarray: ``(H, W)`` bool mask.
    """
    silhouette = np.zeros(img_shape, bool)
    roi = person_roi(parts, img_shape)
    if roi is not None:
        x0, y0, x1, y1 = roi
        silhouette[y0:y1, x0:x1] = label_parts(parts, roi) > 0
    return silhouette


def _color_table(app: PersonAppearance, outline_darkness: float) -> np.ndarray:
    """``(256, 3)`` uint8 colour of every code of :func:`label_parts`."""
    base = dict(
        skin=app.skin,
        hair=app.hair,
        shoes=app.shoes,
        eyes=(25, 25, 25),
        top=app.top.color_a,
        bottom=app.bottom.color_a)
    table = np.zeros((256, 3), np.float32)
    for g, garment in enumerate(GARMENTS):
        color = np.asarray(base[garment], np.float32)
        table[2 * g + 1] = color
        table[2 * g + 2] = color * outline_darkness
    return table.astype(np.uint8)


def paint_person(
        canvas: np.ndarray,
        parts: List[Part],
        appearance: PersonAppearance,
        anchor: np.ndarray,
        outline_darkness: float = 0.45) -> Tuple[np.ndarray, np.ndarray]:
    """Paint a person over an image.

    Flat colours for skin, hair, shoes and eyes, textures for the top and
    bottom garments, and a darker 1-pixel outline around every part.

    Args:
        canvas (np.ndarray): ``(H, W, 3)`` uint8 image (not modified).
        parts (list[Part]): Parts in painting order.
        appearance (PersonAppearance): Colours and textures.
        anchor (np.ndarray): Image point the textures are attached to
            (e.g. the pelvis), so patterns move with the person.
        outline_darkness (float): Outline colour = garment colour times
            this. Default 0.45.

    Returns:
        tuple[np.ndarray, np.ndarray]: The new image and the person's
        in-image silhouette ``(H, W)`` bool mask (outlines included).
    """
    out = canvas.copy()
    silhouette = np.zeros(canvas.shape[:2], bool)
    roi = person_roi(parts, canvas.shape[:2])
    if roi is None:
        return out, silhouette
    x0, y0, x1, y1 = roi
    codes = label_parts(parts, roi)
    paint = _color_table(appearance, outline_darkness)[codes]
    origin = (x0 - int(anchor[0]), y0 - int(anchor[1]))
    for garment, spec in (('top', appearance.top), ('bottom',
                                                    appearance.bottom)):
        inside = codes == 2 * GARMENTS.index(garment) + 1
        if inside.any():
            texture = make_texture(spec, y1 - y0, x1 - x0, origin)
            paint[inside] = texture[inside]
    drawn = codes > 0
    out[y0:y1, x0:x1][drawn] = paint[drawn]
    silhouette[y0:y1, x0:x1] = drawn
    return out, silhouette
