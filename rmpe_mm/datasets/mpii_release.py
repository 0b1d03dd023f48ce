"""Read the official MPII Human Pose annotation files (``.mat``).

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
1-based ``annorect`` indices of group ``g`` of image ``i``. Its ground truth
``annolist_test_multi`` (what ``evaluateAP.m`` evaluates against) holds one
``annolist`` entry per evaluated group: ``annorect`` = the group's people
(fields as above), ``image.name`` present or not.
:func:`load_mpii_annotations` reads either kind of file.

Everything here is read with ``scipy.io.loadmat(squeeze_me=False,
struct_as_record=False)`` and walked with ``.flat``, so struct arrays, cell
arrays and 1x1 values are handled alike. Coordinates are returned as stored
(MATLAB, 1-based); the converter shifts them.
"""
from dataclasses import dataclass, field
from typing import Any, FrozenSet, Iterator, List, Optional, Tuple

import numpy as np

from rmpe_mm.utils.matlab_struct import (load_mat_variable, mat_elements,
                                         mat_field, mat_number, mat_string,
                                         mat_variable_names)
from .mpii_mp_format import NUM_MPII_JOINTS

#: ``v`` written for a joint whose ``is_visible`` is 1 / 0 / missing.
VISIBLE, OCCLUDED = 2, 1
#: Variables of the two ground-truth files :func:`load_mpii_annotations`
#: tells apart: the release and the toolkit's evaluation ground truth.
RELEASE_VAR, ANNOLIST_VAR = 'RELEASE', 'annolist_test_multi'


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


@dataclass(frozen=True)
class MpiiAnnolistEntry:
    """One entry of the toolkit's ``annolist_test_multi``: one group.

    Attributes:
        index (int): 1-based index in ``annolist_test_multi``.
        name (str | None): ``image.name``, or None when the entry has none.
        rects (list[MpiiRect]): The group's people, in ``annorect`` order.
    """
    index: int
    name: Optional[str]
    rects: List[MpiiRect] = field(default_factory=list)


@dataclass(frozen=True)
class MpiiAnnotations:
    """What :func:`load_mpii_annotations` read.

    Attributes:
        variable (str): ``'RELEASE'`` or ``'annolist_test_multi'``.
        images (list[MpiiReleaseImage]): The release's images (empty for
            ``annolist_test_multi``).
        entries (list[MpiiAnnolistEntry]): The toolkit's groups (empty for
            the release).
    """
    variable: str
    images: List[MpiiReleaseImage] = field(default_factory=list)
    entries: List[MpiiAnnolistEntry] = field(default_factory=list)


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
                mat_number(mat_field(point, c), f'{p_where}.{c}')
                for c in 'xy'
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
    head = [mat_number(mat_field(rect, c), f'{where}.{c}')
            for c in ('x1', 'y1', 'x2', 'y2')]
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


def _rect_indices(value: Any, num_rects: int, where: str) -> List[int]:
    """1-based rect indices from a numeric array, each checked in range."""
    indices = []
    for item in mat_elements(value):
        if isinstance(item, np.ndarray):  # nested cell
            indices.extend(_rect_indices(item, num_rects, where))
            continue
        number = mat_number(item, where)
        if number is None:
            continue
        if number != int(number) or not 1 <= number <= num_rects:
            raise ValueError(f'{where}: rect index {number!r} is not in '
                             f'1..{num_rects}')
        indices.append(int(number))
    return indices


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
    _check_missing_visibility(missing_visibility)
    release = mat_elements(load_mat_variable(mat_path, [RELEASE_VAR]))
    if len(release) != 1:
        raise ValueError(f'RELEASE must be one struct, got {len(release)}')
    release = release[0]
    for name in ('annolist', 'img_train', 'single_person'):
        if mat_field(release, name) is None:
            raise ValueError(f'RELEASE has no field {name!r}')
    annolist = mat_elements(release.annolist)
    img_train = mat_elements(release.img_train)
    single = mat_elements(release.single_person)
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


def _check_missing_visibility(missing_visibility: int) -> None:
    """ValueError unless ``missing_visibility`` is 1 or 2."""
    if missing_visibility not in (OCCLUDED, VISIBLE):
        raise ValueError('missing_visibility must be 1 or 2, got '
                         f'{missing_visibility!r}')


def _parse_rects(anno: Any, missing_visibility: int,
                 where: str) -> List[MpiiRect]:
    """The ``annorect`` people of one ``annolist`` entry, in order."""
    return [
        _parse_rect(rect, r, missing_visibility, where)
        for r, rect in enumerate(mat_elements(mat_field(anno, 'annorect')), 1)
    ]


def load_mpii_annolist(mat_path: str,
                       missing_visibility: int = VISIBLE
                       ) -> List[MpiiAnnolistEntry]:
    """Read the toolkit's ``annolist_test_multi`` ground truth.

    Args:
        mat_path (str): A ``.mat`` file holding ``annolist_test_multi``.
        missing_visibility (int): ``v`` of a point whose ``is_visible`` is
            empty or missing. Default: 2. Every point present counts as
            annotated, as in ``assignGTmulti.m``.

    Returns:
        list[MpiiAnnolistEntry]: One per entry (= evaluated group), in order.

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: the variable is missing, or a field is malformed (the
            message names the field and the value).
    """
    _check_missing_visibility(missing_visibility)
    return [
        MpiiAnnolistEntry(
            index=i,
            name=name,
            rects=_parse_rects(anno, missing_visibility, where))
        for i, anno, where, name in iter_mpii_annolist(mat_path, ANNOLIST_VAR)
    ]


def iter_mpii_annolist(mat_path: str,
                       var: str) -> Iterator[Tuple[int, Any, str,
                                                   Optional[str]]]:
    """The entries of an annolist-like struct array (``annolist_test_multi``
    or a submission's ``pred``) with their optional ``image.name``.

    Args:
        mat_path (str): The ``.mat`` file.
        var (str): The variable.

    Yields:
        tuple: ``(1-based index, entry struct, its MATLAB path, image name
        or None when the entry has no image)``.
    """
    for i, entry in enumerate(
            mat_elements(load_mat_variable(mat_path, [var])), 1):
        where = f'{var}({i})'
        images = mat_elements(mat_field(entry, 'image'))
        name = (mat_string(mat_field(images[0], 'name'),
                           f'{where}.image.name') if images else None)
        yield i, entry, where, name


def load_mpii_annotations(mat_path: str,
                          missing_visibility: int = VISIBLE
                          ) -> MpiiAnnotations:
    """Read an MPII ground-truth file, whichever of the two kinds it is.

    The kind is told by the variable the file holds: ``RELEASE`` (the
    release, :func:`load_mpii_release`) or ``annolist_test_multi`` (the
    toolkit's evaluation ground truth, :func:`load_mpii_annolist`); a file
    holding both is read as ``annolist_test_multi``, the one
    ``evaluateAP.m`` evaluates against.

    Args:
        mat_path (str): The ``.mat`` file.
        missing_visibility (int): See :func:`load_mpii_release`. Default: 2.

    Returns:
        MpiiAnnotations: ``variable`` names the kind; ``images`` or
        ``entries`` holds the content.

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: it holds neither variable (the message lists what it
            holds), or a field is malformed.
    """
    found = mat_variable_names(mat_path)
    if ANNOLIST_VAR in found:
        return MpiiAnnotations(
            variable=ANNOLIST_VAR,
            entries=load_mpii_annolist(mat_path, missing_visibility))
    if RELEASE_VAR in found:
        return MpiiAnnotations(
            variable=RELEASE_VAR,
            images=load_mpii_release(mat_path, missing_visibility))
    raise ValueError(f'{mat_path} holds neither {RELEASE_VAR!r} (the MPII '
                     f'release) nor {ANNOLIST_VAR!r} (the evaluation '
                     f'toolkit\'s ground truth); found {sorted(found)}')


def _parse_image(anno: Any, index: int, train: Any, singles: Any,
                 missing_visibility: int, where: str) -> MpiiReleaseImage:
    """One ``annolist`` entry with its ``img_train``/``single_person``."""
    images = mat_elements(mat_field(anno, 'image'))
    if not images:
        raise ValueError(f'{where}.image is missing')
    name = mat_string(mat_field(images[0], 'name'), f'{where}.image.name')
    is_train = mat_number(train, f'RELEASE.img_train({index})')
    if is_train not in (0.0, 1.0):
        raise ValueError(f'RELEASE.img_train({index}) must be 0 or 1, got '
                         f'{is_train!r}')
    rects = _parse_rects(anno, missing_visibility, where)
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
    cells = mat_elements(load_mat_variable(mat_path, ['groups']))
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
        for g, group in enumerate(mat_elements(cell), 1):
            if not isinstance(group, np.ndarray):
                group = np.asarray(group)
            idx = _rect_indices(group, len(image.rects), f'{where}{{{g}}}')
            if idx:
                members.append(idx)
        groups.append(members)
    return groups
