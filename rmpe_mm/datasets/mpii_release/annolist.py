"""Read annolist-like struct arrays: the toolkit's ``annolist_test_multi``
(and, through :func:`iter_mpii_annolist`, a submission's ``pred``)."""
from typing import Any, Iterator, List, Optional, Tuple

from rmpe_mm.utils.file_errors import naming_file
from rmpe_mm.utils.matlab_struct import (load_mat_variable, mat_elements,
                                         mat_field, mat_string)
from .people import check_missing_visibility, parse_rects
from .records import ANNOLIST_VAR, VISIBLE, MpiiAnnolistEntry


def load_mpii_annolist(
        mat_path: str,
        missing_visibility: int = VISIBLE) -> List[MpiiAnnolistEntry]:
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
    check_missing_visibility(missing_visibility)
    with naming_file(mat_path):
        return [
            MpiiAnnolistEntry(
                index=i,
                name=name,
                rects=parse_rects(anno, missing_visibility, where))
            for i, anno, where, name in iter_mpii_annolist(
                mat_path, ANNOLIST_VAR)
        ]


def iter_mpii_annolist(
        mat_path: str,
        var: str) -> Iterator[Tuple[int, Any, str, Optional[str]]]:
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
        name = (
            mat_string(mat_field(images[0], 'name'), f'{where}.image.name')
            if images else None)
        yield i, entry, where, name
