"""Parse the people (``annorect``) of an ``annolist`` entry."""
from typing import Any, Iterator, List, Tuple

import numpy as np

from rmpe_mm.datasets.mpii_multi_person_format import NUM_MPII_JOINTS
from rmpe_mm.utils.matlab_struct import mat_elements, mat_field, mat_number
from .records import OCCLUDED, VISIBLE, MpiiRect


def _visibility(value: Any, missing: int, where: str) -> int:
    """Map ``is_visible`` (1/0/'1'/'0'/missing) to a ``v`` flag."""
    number = mat_number(value, where)
    if number is None:
        return missing
    if number not in (0.0, 1.0):
        raise ValueError(f'{where} must be 0 or 1, got {number!r}')
    return VISIBLE if number == 1.0 else OCCLUDED


def iter_mpii_points(annopoints: Any,
                     where: str) -> Iterator[Tuple[int, Any, str, Any]]:
    """The points of one ``annopoints``, their ids checked.

    Args:
        annopoints: An ``annopoints`` struct (or an empty value).
        where (str): MATLAB path of the person, for error messages.

    Yields:
        tuple: ``(joint id, point struct, its MATLAB path, (x, y))``;
        ``x`` and ``y`` are finite floats.

    Raises:
        ValueError: an id is not an integer in 0..15 or appears twice, or a
            point lacks ``x`` or ``y``; the message names the point.
    """
    seen = set()
    for struct in mat_elements(annopoints):
        points = mat_elements(mat_field(struct, 'point'))
        for p_idx, point in enumerate(points, 1):
            p_where = f'{where}.annopoints.point({p_idx})'
            joint_id = mat_number(mat_field(point, 'id'), f'{p_where}.id')
            if (joint_id is None or joint_id != int(joint_id)
                    or not 0 <= joint_id < NUM_MPII_JOINTS):
                raise ValueError(f'{p_where}.id must be an integer in 0..'
                                 f'{NUM_MPII_JOINTS - 1}, got {joint_id!r}')
            joint_id = int(joint_id)
            if joint_id in seen:
                raise ValueError(f'{p_where}.id {joint_id} appears twice')
            seen.add(joint_id)
            xy = [
                mat_number(mat_field(point, c), f'{p_where}.{c}') for c in 'xy'
            ]
            if None in xy:
                raise ValueError(f'{p_where} needs both x and y, got {xy}')
            yield joint_id, point, p_where, xy


def _parse_points(annopoints: Any, missing_visibility: int,
                  where: str) -> Tuple[np.ndarray, np.ndarray]:
    """Joints ``(16, 2)`` and ``v`` flags ``(16,)`` of one ``annopoints``."""
    joints = np.zeros((NUM_MPII_JOINTS, 2), dtype=np.float64)
    vis = np.zeros(NUM_MPII_JOINTS, dtype=np.int64)
    for joint_id, point, p_where, xy in iter_mpii_points(annopoints, where):
        joints[joint_id] = xy
        vis[joint_id] = _visibility(
            mat_field(point, 'is_visible'), missing_visibility,
            f'{p_where}.is_visible')
    return joints, vis


def _parse_rect(rect: Any, index: int, missing_visibility: int,
                where: str) -> MpiiRect:
    """One ``annorect`` struct."""
    where = f'{where}.annorect({index})'
    objpos = None
    objpos_structs = mat_elements(mat_field(rect, 'objpos'))
    if objpos_structs:
        xy = [
            mat_number(mat_field(objpos_structs[0], c), f'{where}.objpos.{c}')
            for c in 'xy'
        ]
        if None not in xy:
            objpos = np.asarray(xy, dtype=np.float64)
    head = [
        mat_number(mat_field(rect, c), f'{where}.{c}')
        for c in ('x1', 'y1', 'x2', 'y2')
    ]
    if any(h is None for h in head) and any(h is not None for h in head):
        raise ValueError(f'{where}: head box x1 y1 x2 y2 is incomplete: '
                         f'{head}')
    joints, vis = _parse_points(
        mat_field(rect, 'annopoints'), missing_visibility, where)
    scale = mat_number(mat_field(rect, 'scale'), f'{where}.scale')
    if scale is not None and scale <= 0:
        raise ValueError(f'{where}.scale must be positive, got {scale}')
    return MpiiRect(
        index=index,
        objpos=objpos,
        scale=scale,
        head_bbox=None if head[0] is None else np.asarray(head, np.float64),
        joints=joints,
        visibility=vis)


def rect_indices(value: Any, num_rects: int, where: str) -> List[int]:
    """1-based rect indices from a numeric array, each checked in range."""
    indices = []
    for item in mat_elements(value):
        if isinstance(item, np.ndarray):  # nested cell
            indices.extend(rect_indices(item, num_rects, where))
            continue
        number = mat_number(item, where)
        if number is None:
            continue
        if number != int(number) or not 1 <= number <= num_rects:
            raise ValueError(f'{where}: rect index {number!r} is not in '
                             f'1..{num_rects}')
        indices.append(int(number))
    return indices


def check_missing_visibility(missing_visibility: int) -> None:
    """ValueError unless ``missing_visibility`` is 1 or 2."""
    if missing_visibility not in (OCCLUDED, VISIBLE):
        raise ValueError('missing_visibility must be 1 or 2, got '
                         f'{missing_visibility!r}')


def parse_rects(anno: Any, missing_visibility: int,
                where: str) -> List[MpiiRect]:
    """The ``annorect`` people of one ``annolist`` entry, in order."""
    return [
        _parse_rect(rect, r, missing_visibility, where)
        for r, rect in enumerate(mat_elements(mat_field(anno, 'annorect')), 1)
    ]
