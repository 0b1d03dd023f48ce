"""Read the release's ``RELEASE`` and the toolkit's ``groups_v12.mat``."""
from typing import Any, List

import numpy as np

from rmpe_mm.utils.file_errors import naming_file
from rmpe_mm.utils.matlab_struct import (load_mat_variable, mat_elements,
                                         mat_field, mat_number, mat_string)
from .people import check_missing_visibility, parse_rects, rect_indices
from .records import RELEASE_VAR, VISIBLE, MpiiReleaseImage


def load_mpii_release(
        mat_path: str,
        missing_visibility: int = VISIBLE) -> List[MpiiReleaseImage]:
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
    check_missing_visibility(missing_visibility)
    with naming_file(mat_path):
        return _parse_release(
            load_mat_variable(mat_path, [RELEASE_VAR]), missing_visibility)


def _parse_release(value: Any,
                   missing_visibility: int) -> List[MpiiReleaseImage]:
    """The images of a loaded ``RELEASE``."""
    release = mat_elements(value)
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
    for i, (anno, train,
            singles) in enumerate(zip(annolist, img_train, single), 1):
        where = f'RELEASE.annolist({i})'
        images.append(
            _parse_image(anno, i, train, singles, missing_visibility, where))
    return images


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
    rects = parse_rects(anno, missing_visibility, where)
    single_idx = rect_indices(singles, len(rects),
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
    with naming_file(mat_path):
        return _parse_groups(
            mat_elements(load_mat_variable(mat_path, ['groups'])), images,
            mat_path)


def _parse_groups(cells: List[Any], images: List[MpiiReleaseImage],
                  mat_path: str) -> List[List[List[int]]]:
    """The rect index groups of a loaded ``groups``."""
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
            idx = rect_indices(group, len(image.rects), f'{where}{{{g}}}')
            if idx:
                members.append(idx)
        groups.append(members)
    return groups
