"""Read the official MPII Human Pose release annotation (``.mat``).

The release file (``mpii_human_pose_v1_u12_1.mat``) holds one MATLAB struct
``RELEASE`` with (among others):

- ``annolist(i).image.name``: image file name;
- ``annolist(i).annorect(r)``: people, with ``objpos.x/y`` (rough position),
  ``scale`` (person height / 200 px), head box ``x1 y1 x2 y2`` and
  ``annopoints.point(p)`` with ``id`` (0..15), ``x``, ``y`` and
  ``is_visible`` (1 visible, 0 occluded; sometimes missing);
- ``img_train(i)``: 1 for training images, 0 for test images;
- ``single_person{i}``: 1-based indices of the "sufficiently separated"
  people of image ``i``.

The evaluation toolkit's ``groups_v12.mat`` holds ``groups{i}{g}``: the
1-based ``annorect`` indices of group ``g`` of image ``i``.

Everything here is read with ``scipy.io.loadmat(squeeze_me=False,
struct_as_record=False)`` and walked with ``.flat``, so struct arrays, cell
arrays and 1x1 values are handled alike. Coordinates are returned as stored
(MATLAB, 1-based); the converter shifts them.
"""
import os.path as osp
from dataclasses import dataclass, field
from typing import Any, FrozenSet, List, Optional, Tuple

import numpy as np
from scipy.io import loadmat

from .mpii_mp_format import NUM_MPII_JOINTS

#: ``v`` written for a joint whose ``is_visible`` is 1 / 0 / missing.
VISIBLE, OCCLUDED = 2, 1


@dataclass(frozen=True)
class MpiiRect:
    """One ``annorect`` (person) of the release.

    Attributes:
        index (int): 1-based ``annorect`` index in its image.
        objpos (np.ndarray | None): ``(2,)`` rough position, or None.
        scale (float | None): MPII scale (person height / 200 px), or None.
        head_bbox (np.ndarray | None): ``(4,)`` head box as stored
            (``x1 y1 x2 y2``), or None.
        joints (np.ndarray): ``(16, 2)`` positions (0 where not annotated).
        visibility (np.ndarray): ``(16,)`` int ``v`` flags: 0 not annotated,
            1 occluded, 2 visible.
    """
    index: int
    objpos: Optional[np.ndarray]
    scale: Optional[float]
    head_bbox: Optional[np.ndarray]
    joints: np.ndarray
    visibility: np.ndarray


@dataclass(frozen=True)
class MpiiReleaseImage:
    """One ``annolist`` entry.

    Attributes:
        index (int): 1-based index in ``RELEASE.annolist``.
        name (str): Image file name.
        is_train (bool): ``img_train`` flag.
        rects (list[MpiiRect]): Its people, in ``annorect`` order.
        single_person (frozenset[int]): 1-based indices of single people.
    """
    index: int
    name: str
    is_train: bool
    rects: List[MpiiRect] = field(default_factory=list)
    single_person: FrozenSet[int] = frozenset()


def _elements(value: Any) -> List[Any]:
    """The elements of a MATLAB array/cell/struct array (``[]`` if empty)."""
    if value is None:
        return []
    if isinstance(value, np.ndarray):
        return list(value.flat)
    return [value]


def _field(struct: Any, name: str) -> Any:
    """``struct.name`` or None when the struct has no such field."""
    names = getattr(struct, '_fieldnames', None)
    if names is None or name not in names:
        return None
    return getattr(struct, name)


def _single(value: Any) -> Any:
    """Unwrap 1x1 arrays/cells down to one scalar; None when empty."""
    while isinstance(value, np.ndarray):
        if value.size == 0:
            return None
        if value.dtype.kind == 'U':
            return ''.join(value.flat)
        if value.size != 1:
            raise ValueError(f'expected one value, got shape {value.shape}')
        value = value.flat[0]
    return value


def _number(value: Any, where: str) -> Optional[float]:
    """A float from a MATLAB number or numeric string; None when empty."""
    try:
        value = _single(value)
    except ValueError as exc:
        raise ValueError(f'{where}: {exc}') from None
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f'{where} must be a number, got {value!r}') from None
    if not np.isfinite(number):
        raise ValueError(f'{where} must be finite, got {value!r}')
    return number


def _string(value: Any, where: str) -> str:
    """A string from a MATLAB char array; ValueError if absent."""
    value = _single(value)
    if not isinstance(value, str) or not value:
        raise ValueError(f'{where} must be a non-empty string, got {value!r}')
    return value


def _visibility(value: Any, missing: int, where: str) -> int:
    """Map ``is_visible`` (1/0/'1'/'0'/missing) to a ``v`` flag."""
    number = _number(value, where)
    if number is None:
        return missing
    if number not in (0.0, 1.0):
        raise ValueError(f'{where} must be 0 or 1, got {number!r}')
    return VISIBLE if number == 1.0 else OCCLUDED


def _parse_points(annopoints: Any, missing_visibility: int,
                  where: str) -> Tuple[np.ndarray, np.ndarray]:
    """Joints ``(16, 2)`` and ``v`` flags ``(16,)`` of one ``annopoints``."""
    joints = np.zeros((NUM_MPII_JOINTS, 2), dtype=np.float64)
    vis = np.zeros(NUM_MPII_JOINTS, dtype=np.int64)
    for struct in _elements(annopoints):
        for p_idx, point in enumerate(_elements(_field(struct, 'point')), 1):
            p_where = f'{where}.annopoints.point({p_idx})'
            joint_id = _number(_field(point, 'id'), f'{p_where}.id')
            if (joint_id is None or joint_id != int(joint_id)
                    or not 0 <= joint_id < NUM_MPII_JOINTS):
                raise ValueError(f'{p_where}.id must be an integer in 0..'
                                 f'{NUM_MPII_JOINTS - 1}, got {joint_id!r}')
            joint_id = int(joint_id)
            if vis[joint_id]:
                raise ValueError(f'{p_where}.id {joint_id} appears twice')
            xy = [_number(_field(point, c), f'{p_where}.{c}') for c in 'xy']
            if None in xy:
                raise ValueError(f'{p_where} needs both x and y, got {xy}')
            joints[joint_id] = xy
            vis[joint_id] = _visibility(
                _field(point, 'is_visible'), missing_visibility,
                f'{p_where}.is_visible')
    return joints, vis


def _parse_rect(rect: Any, index: int, missing_visibility: int,
                where: str) -> MpiiRect:
    """One ``annorect`` struct."""
    where = f'{where}.annorect({index})'
    objpos = None
    objpos_structs = _elements(_field(rect, 'objpos'))
    if objpos_structs:
        xy = [
            _number(_field(objpos_structs[0], c), f'{where}.objpos.{c}')
            for c in 'xy'
        ]
        if None not in xy:
            objpos = np.asarray(xy, dtype=np.float64)
    head = [_number(_field(rect, c), f'{where}.{c}')
            for c in ('x1', 'y1', 'x2', 'y2')]
    if any(h is None for h in head) and any(h is not None for h in head):
        raise ValueError(f'{where}: head box x1 y1 x2 y2 is incomplete: '
                         f'{head}')
    joints, vis = _parse_points(
        _field(rect, 'annopoints'), missing_visibility, where)
    scale = _number(_field(rect, 'scale'), f'{where}.scale')
    if scale is not None and scale <= 0:
        raise ValueError(f'{where}.scale must be positive, got {scale}')
    return MpiiRect(
        index=index,
        objpos=objpos,
        scale=scale,
        head_bbox=None if head[0] is None else np.asarray(head, np.float64),
        joints=joints,
        visibility=vis)


def _rect_indices(value: Any, num_rects: int, where: str) -> List[int]:
    """1-based rect indices from a numeric array, each checked in range."""
    indices = []
    for item in _elements(value):
        if isinstance(item, np.ndarray):  # nested cell
            indices.extend(_rect_indices(item, num_rects, where))
            continue
        number = _number(item, where)
        if number is None:
            continue
        if number != int(number) or not 1 <= number <= num_rects:
            raise ValueError(f'{where}: rect index {number!r} is not in '
                             f'1..{num_rects}')
        indices.append(int(number))
    return indices


def _load_struct(mat_path: str, var: str) -> Any:
    """Load variable ``var`` of a ``.mat`` file."""
    if not osp.isfile(mat_path):
        raise FileNotFoundError(f'MPII annotation file not found: {mat_path}')
    data = loadmat(mat_path, squeeze_me=False, struct_as_record=False)
    if var not in data:
        found = sorted(k for k in data if not k.startswith('__'))
        raise ValueError(f'{mat_path} has no variable {var!r} (found {found})')
    return data[var]


def load_mpii_release(mat_path: str,
                      missing_visibility: int = VISIBLE
                      ) -> List[MpiiReleaseImage]:
    """Read ``RELEASE`` from the official MPII annotation ``.mat``.

    Args:
        mat_path (str): Path to ``mpii_human_pose_v1_u12_1.mat``.
        missing_visibility (int): ``v`` given to an annotated joint whose
            ``is_visible`` is missing (the release omits it for some joints).
            Default: 2 (visible). Both 1 and 2 mean "annotated" to the
            metric and to MMPose training.

    Returns:
        list[MpiiReleaseImage]: One per ``annolist`` entry, in order.

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: a required field is missing or malformed; the message
            names the field (MATLAB-style path) and the value.
    """
    if missing_visibility not in (OCCLUDED, VISIBLE):
        raise ValueError('missing_visibility must be 1 or 2, got '
                         f'{missing_visibility!r}')
    release = _elements(_load_struct(mat_path, 'RELEASE'))
    if len(release) != 1:
        raise ValueError(f'RELEASE must be one struct, got {len(release)}')
    release = release[0]
    for name in ('annolist', 'img_train', 'single_person'):
        if _field(release, name) is None:
            raise ValueError(f'RELEASE has no field {name!r}')
    annolist = _elements(release.annolist)
    img_train = _elements(release.img_train)
    single = _elements(release.single_person)
    if not len(annolist) == len(img_train) == len(single):
        raise ValueError(
            'RELEASE.annolist, img_train and single_person must have the '
            f'same length, got {len(annolist)}, {len(img_train)}, '
            f'{len(single)}')
    images = []
    for i, (anno, train, singles) in enumerate(
            zip(annolist, img_train, single), 1):
        where = f'RELEASE.annolist({i})'
        images.append(
            _parse_image(anno, i, train, singles, missing_visibility, where))
    return images


def _parse_image(anno: Any, index: int, train: Any, singles: Any,
                 missing_visibility: int, where: str) -> MpiiReleaseImage:
    """One ``annolist`` entry with its ``img_train``/``single_person``."""
    images = _elements(_field(anno, 'image'))
    if not images:
        raise ValueError(f'{where}.image is missing')
    name = _string(_field(images[0], 'name'), f'{where}.image.name')
    is_train = _number(train, f'RELEASE.img_train({index})')
    if is_train not in (0.0, 1.0):
        raise ValueError(f'RELEASE.img_train({index}) must be 0 or 1, got '
                         f'{is_train!r}')
    rects = [
        _parse_rect(rect, r, missing_visibility, where)
        for r, rect in enumerate(_elements(_field(anno, 'annorect')), 1)
    ]
    single_idx = _rect_indices(singles, len(rects),
                               f'RELEASE.single_person{{{index}}}')
    return MpiiReleaseImage(
        index=index,
        name=name,
        is_train=bool(is_train),
        rects=rects,
        single_person=frozenset(single_idx))


def load_mpii_groups(mat_path: str,
                     images: List[MpiiReleaseImage]) -> List[List[List[int]]]:
    """Read the toolkit's ``groups_v12.mat`` (variable ``groups``).

    Args:
        mat_path (str): Path to ``groups_v12.mat``.
        images (list[MpiiReleaseImage]): The release images, to check
            lengths and rect indices.

    Returns:
        list[list[list[int]]]: ``groups[i][g]`` = 1-based rect indices of
        group ``g`` of image ``i`` (``i`` in ``annolist`` order).

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: ``groups`` is missing, has the wrong length, or names a
            rect that does not exist.
    """
    cells = _elements(_load_struct(mat_path, 'groups'))
    if len(cells) != len(images):
        raise ValueError(f'{mat_path}: groups has {len(cells)} entries but '
                         f'RELEASE.annolist has {len(images)}')
    groups = []
    for image, cell in zip(images, cells):
        where = f'groups{{{image.index}}}'
        if (isinstance(cell, np.ndarray) and cell.dtype != object
                and cell.size > 0):
            raise ValueError(f'{where} must be a cell array of rect index '
                             f'vectors, got a {cell.dtype} array')
        members = []
        for g, group in enumerate(_elements(cell), 1):
            if not isinstance(group, np.ndarray):
                group = np.asarray(group)
            idx = _rect_indices(group, len(image.rects), f'{where}{{{g}}}')
            if idx:
                members.append(idx)
        groups.append(members)
    return groups
