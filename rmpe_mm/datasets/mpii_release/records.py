"""What the MPII annotation files hold: people, images, toolkit groups."""
from dataclasses import dataclass, field
from typing import FrozenSet, List, Optional

import numpy as np

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
