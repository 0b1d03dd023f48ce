"""Which people form groups and which output file an image goes to."""
from typing import List, Optional, Sequence, Set

import numpy as np

from ..mpii_release import MpiiReleaseImage
from .options import ConvertOptions


def form_groups(
        image: MpiiReleaseImage,
        official: Optional[Sequence[Sequence[int]]] = None) -> List[List[int]]:
    """The multi-person groups of one image (1-based rect indices).

    Args:
        image (MpiiReleaseImage): The image.
        official (Sequence[Sequence[int]], optional): Its groups from
            ``groups_v12.mat``; groups containing a single person are
            dropped (``getMultiPersonGroups.m``). Default: None, meaning one
            group of all the image's non-single people (none if there are
            none).

    Returns:
        list[list[int]]: Groups, each a list of rect indices.
    """
    if official is not None:
        return [list(g) for g in official if not set(g) & image.single_person]
    singles = image.single_person
    multi = [r.index for r in image.rects if r.index not in singles]
    return [multi] if multi else []


def split_train_val(candidates: Sequence[str],
                    val_ratio: float,
                    seed: int,
                    val_names: Optional[Sequence[str]] = None) -> Set[str]:
    """Choose the validation images among the multi-person training images.

    Args:
        candidates (Sequence[str]): Names of the multi-person training
            images.
        val_ratio (float): Share to hold out (rounded to the nearest count).
        seed (int): Seed of ``numpy.random.default_rng``.
        val_names (Sequence[str], optional): Explicit validation names;
            overrides ``val_ratio``/``seed``. Default: None.

    Returns:
        set[str]: Validation image names.

    Raises:
        ValueError: an explicit name is not a multi-person training image.
    """
    if val_names is not None:
        unknown = sorted(set(val_names) - set(candidates))
        if unknown:
            raise ValueError('val_names must be multi-person training '
                             f'images; not found: {unknown[:10]}')
        return set(val_names)
    num_val = int(round(val_ratio * len(candidates)))
    order = np.random.default_rng(seed).permutation(len(candidates))
    return {candidates[i] for i in order[:num_val]}


def split_of(image: MpiiReleaseImage, groups: List[List[int]], val: Set[str],
             options: ConvertOptions, with_test: bool) -> Optional[str]:
    """Which output file an image goes to (None: none)."""
    if not image.is_train:
        return 'test' if with_test and groups else None
    if image.name in val:
        return 'val'
    if options.train_multi_only and not groups:
        return None
    has_people = any((r.visibility > 0).any() for r in image.rects)
    return 'train' if has_people else None
