"""Build the ``train``/``val``/``test`` JSON dicts from the release."""
from typing import Dict, Optional, Sequence, Tuple

from ..mpii_release import MpiiReleaseImage
from .json_builder import JsonBuilder
from .options import ConvertOptions
from .selection import form_groups, split_of, split_train_val


def convert_mpii_release(
    images: Sequence[MpiiReleaseImage],
    official_groups: Optional[Sequence[Sequence[Sequence[int]]]] = None,
    options: Optional[ConvertOptions] = None,
    val_names: Optional[Sequence[str]] = None,
    with_test: bool = False,
) -> Tuple[Dict[str, dict], Dict[str, int]]:
    """Build the ``train``/``val`` (and ``test``) JSON dicts.

    Args:
        images (Sequence[MpiiReleaseImage]): From :func:`load_mpii_release`.
        official_groups (Sequence, optional): From :func:`load_mpii_groups`
            (aligned with ``images``). Default: None (one group per image).
        options (ConvertOptions, optional): Conversion options. Default:
            ``ConvertOptions()``.
        val_names (Sequence[str], optional): Explicit validation images.
        with_test (bool): Also build ``test`` (needs ``official_groups``).

    Returns:
        tuple: ``({'train': json, 'val': json[, 'test': json]}, stats)``;
        ``stats`` counts images per file and every fallback/skip taken.

    Raises:
        ValueError: ``with_test`` without ``official_groups``, or mismatched
            lengths.
    """
    options = ConvertOptions() if options is None else options
    if official_groups is not None and len(official_groups) != len(images):
        raise ValueError(f'official_groups has {len(official_groups)} '
                         f'entries for {len(images)} images')
    if with_test and official_groups is None:
        raise ValueError('with_test needs the official groups_v12.mat: the '
                         'submission must follow its group order')
    groups = [
        form_groups(img,
                    None if official_groups is None else official_groups[i])
        for i, img in enumerate(images)
    ]
    multi_train = [
        img.name for img, g in zip(images, groups) if img.is_train and g
    ]
    val = split_train_val(multi_train, options.val_ratio, options.seed,
                          val_names)
    stats = {
        k: 0
        for k in ('group_members_without_objpos', 'groups_without_box',
                  'people_without_joints', 'people_without_head_box',
                  'sizes_from_annotation_extent')
    }
    builders = {k: JsonBuilder(options, stats) for k in ('train', 'val')}
    if with_test:
        builders['test'] = JsonBuilder(options, stats)
    for img, img_groups in zip(images, groups):
        split = split_of(img, img_groups, val, options, with_test)
        if split is not None:
            builders[split].add_image(img, img_groups, split != 'test')
    outputs = {}
    for split, builder in builders.items():
        outputs[split] = builder.to_json()
        stats[f'{split}_images'] = len(builder.images)
        stats[f'{split}_people'] = len(builder.annotations)
        stats[f'{split}_groups'] = builder.next_group_id
    return outputs, stats
