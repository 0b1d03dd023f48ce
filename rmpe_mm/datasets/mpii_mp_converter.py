"""Convert the MPII release into the MPII multi-person COCO-style JSON.

Conversion choices (all arguments of :func:`convert_mpii_release`, listed
here because the paper and the toolkit leave them open):

- **Coordinates**: MATLAB's 1-based pixels are shifted by ``coord_offset``
  (default -1) to MMPose's 0-based pixels; the submission writer shifts
  back.
- **Groups**: with the toolkit's ``groups_v12.mat``, its groups, keeping (as
  ``getMultiPersonGroups.m`` does) only groups with no "single person";
  without it, one group per image made of all its non-single people. People
  outside every group get ``group_id = -1``. Group ids are unique over the
  whole file, numbered in image order.
- **Group box**: the union of squares of half-side
  ``group_margin * 200 * scale`` centred at each member's ``objpos``
  (the toolkit localises a group by its members' ``objpos`` and scales);
  a member without ``objpos``/``scale`` contributes its person box instead
  (counted in the statistics).
- **Person box**: the box around the annotated joints and the head box,
  grown by ``bbox_margin`` of its width/height on every side, clipped to the
  image. People with no annotated joint or no head box are left out
  (counted).
- **Image size**: read from the image header under ``img_root``; without
  ``img_root`` (or, with ``allow_missing_images``, for a missing file), the
  extent of the image's annotations (counted).
- **Split**: validation = ``val_names`` if given, else a seeded random
  ``val_ratio`` (default 10 %) of the multi-person training images (the
  paper's split). Training = every other training image with an annotated
  person (``train_multi_only=True``: only multi-person ones). Test = test
  images with a multi-person group (needs ``groups_v12.mat``; no people).
"""
import os.path as osp
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

import numpy as np

from .mpii_mp_format import NO_GROUP, mpii_person_category
from .mpii_release import MpiiRect, MpiiReleaseImage

#: MPII ``scale`` is the person height divided by this (pixels).
MPII_PIXEL_STD = 200.0


@dataclass(frozen=True)
class ConvertOptions:
    """Options of :func:`convert_mpii_release` (see the module docstring).

    Attributes:
        img_root (str | None): Image folder for image sizes. Default: None.
        allow_missing_images (bool): With ``img_root``, fall back to the
            annotation extent for a missing image instead of raising.
            Default: False.
        coord_offset (float): Added to every MATLAB coordinate. Default: -1.
        bbox_margin (float): Person box growth per side, as a fraction of the
            box's width/height. Default: 0.1.
        group_margin (float): Group box half-side around each ``objpos`` in
            units of ``200 * scale``. Default: 0.25.
        val_ratio (float): Share of multi-person training images held out
            for validation. Default: 0.1.
        seed (int): Seed of the random split. Default: 0.
        train_multi_only (bool): Keep only multi-person images in the
            training file. Default: False.
    """
    img_root: Optional[str] = None
    allow_missing_images: bool = False
    coord_offset: float = -1.0
    bbox_margin: float = 0.1
    group_margin: float = 0.25
    val_ratio: float = 0.1
    seed: int = 0
    train_multi_only: bool = False

    def __post_init__(self) -> None:
        if not 0.0 <= self.val_ratio <= 1.0:
            raise ValueError(f'val_ratio must be in [0, 1], got '
                             f'{self.val_ratio}')
        if self.bbox_margin < 0 or self.group_margin < 0:
            raise ValueError('bbox_margin and group_margin must be >= 0, got '
                             f'{self.bbox_margin}, {self.group_margin}')


def form_groups(image: MpiiReleaseImage,
                official: Optional[Sequence[Sequence[int]]] = None
                ) -> List[List[int]]:
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
        return [
            list(g) for g in official
            if not set(g) & image.single_person
        ]
    singles = image.single_person
    multi = [r.index for r in image.rects if r.index not in singles]
    return [multi] if multi else []


def person_bbox(rect: MpiiRect, margin: float) -> Optional[np.ndarray]:
    """Box ``(4,)`` xyxy around a person's annotated joints and head box.

    Args:
        rect (MpiiRect): The person (already in output coordinates).
        margin (float): Growth per side as a fraction of width/height.

    Returns:
        np.ndarray | None: The box, or None without any annotated joint.
    """
    annotated = rect.visibility > 0
    if not annotated.any():
        return None
    points = rect.joints[annotated]
    if rect.head_bbox is not None:
        points = np.concatenate([points, rect.head_bbox.reshape(2, 2)])
    lo, hi = points.min(axis=0), points.max(axis=0)
    grow = margin * (hi - lo)
    return np.concatenate([lo - grow, hi + grow])


def group_bbox(rects: Sequence[MpiiRect], margin: float,
               bbox_margin: float) -> Tuple[Optional[np.ndarray], int]:
    """Group box ``(4,)`` xyxy from its members' ``objpos`` and scales.

    Args:
        rects (Sequence[MpiiRect]): Members (in output coordinates).
        margin (float): Half-side around each ``objpos``, in ``200*scale``.
        bbox_margin (float): Person box margin for members without
            ``objpos``/``scale`` (they contribute their person box).

    Returns:
        tuple: The box (None if no member can be placed) and the number of
        members that used the person-box fallback or could not be placed.
    """
    boxes, fallbacks = [], 0
    for rect in rects:
        if rect.objpos is not None and rect.scale is not None:
            half = margin * MPII_PIXEL_STD * rect.scale
            boxes.append(np.concatenate([rect.objpos - half,
                                         rect.objpos + half]))
            continue
        fallbacks += 1
        box = person_bbox(rect, bbox_margin)
        if box is not None:
            boxes.append(box)
    if not boxes:
        return None, fallbacks
    boxes = np.stack(boxes)
    return np.concatenate([boxes[:, :2].min(0), boxes[:, 2:].max(0)]), \
        fallbacks


def shift_rect(rect: MpiiRect, offset: float) -> MpiiRect:
    """A copy of ``rect`` with every coordinate shifted by ``offset``
    (joints that are not annotated stay at 0)."""
    joints = np.where(rect.visibility[:, None] > 0, rect.joints + offset, 0.)
    return MpiiRect(
        index=rect.index,
        objpos=None if rect.objpos is None else rect.objpos + offset,
        scale=rect.scale,
        head_bbox=None if rect.head_bbox is None else np.concatenate([
            np.minimum(rect.head_bbox[:2], rect.head_bbox[2:]),
            np.maximum(rect.head_bbox[:2], rect.head_bbox[2:])
        ]) + offset,
        joints=joints,
        visibility=rect.visibility.copy())


def split_train_val(candidates: Sequence[str], val_ratio: float, seed: int,
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


class _JsonBuilder:
    """Accumulates images and annotations of one output file."""

    def __init__(self, options: ConvertOptions,
                 stats: Dict[str, int]) -> None:
        self.options = options
        self.stats = stats
        self.images: List[dict] = []
        self.annotations: List[dict] = []
        self.next_group_id = 0

    def add_image(self, image: MpiiReleaseImage,
                  groups: List[List[int]], with_people: bool) -> None:
        """Add one image, its groups and (if ``with_people``) its people."""
        rects = {
            r.index: shift_rect(r, self.options.coord_offset)
            for r in image.rects
        }
        group_json, rect_group = self._groups(rects, groups)
        people = []
        if with_people:
            for rect in rects.values():
                person = self._person(rect, rect_group.get(rect.index,
                                                           NO_GROUP))
                if person is not None:
                    people.append(person)
        width, height = self._image_size(image, rects.values(), group_json,
                                         people)
        for group in group_json:
            _clip_box(group, 'bbox', width, height)
        for person in people:
            _clip_box(person, 'bbox_xyxy', width, height)
        for person in people:
            person['head_bbox'] = [float(v) for v in person['head_bbox']]
            person.update(_coco_box(person.pop('bbox_xyxy')))
            person.update(id=len(self.annotations) + 1, image_id=image.index)
            self.annotations.append(person)
        self.images.append(
            dict(
                id=image.index,
                file_name=image.name,
                width=width,
                height=height,
                groups=[
                    dict(id=g['id'], bbox=[float(v) for v in g['bbox']])
                    for g in group_json
                ]))

    def _groups(self, rects: Dict[int, MpiiRect], groups: List[List[int]]
                ) -> Tuple[List[dict], Dict[int, int]]:
        """Group dicts (box still an array) and rect index -> group id."""
        group_json, rect_group = [], {}
        for members in groups:
            box, fallbacks = group_bbox([rects[i] for i in members],
                                        self.options.group_margin,
                                        self.options.bbox_margin)
            self.stats['group_members_without_objpos'] += fallbacks
            if box is None:
                self.stats['groups_without_box'] += 1
                continue
            group_json.append(dict(id=self.next_group_id, bbox=box))
            rect_group.update({i: self.next_group_id for i in members})
            self.next_group_id += 1
        return group_json, rect_group

    def _person(self, rect: MpiiRect, group_id: int) -> Optional[dict]:
        """The annotation dict of one person (box still xyxy), or None."""
        box = person_bbox(rect, self.options.bbox_margin)
        if box is None:
            self.stats['people_without_joints'] += 1
            return None
        if rect.head_bbox is None:
            self.stats['people_without_head_box'] += 1
            return None
        kpts = np.concatenate([rect.joints, rect.visibility[:, None]], 1)
        person = dict(
            category_id=1,
            group_id=int(group_id),
            keypoints=[float(v) for v in kpts.reshape(-1)],
            num_keypoints=int((rect.visibility > 0).sum()),
            iscrowd=0,
            head_bbox=rect.head_bbox,
            bbox_xyxy=box)
        if rect.objpos is not None:
            person['center'] = [float(v) for v in rect.objpos]
        if rect.scale is not None:
            person['scale'] = float(rect.scale)
        return person

    def _image_size(self, image: MpiiReleaseImage, rects: Iterable[MpiiRect],
                    groups: List[dict], people: List[dict]) -> Tuple[int, int]:
        """``(width, height)`` from the file or the annotation extent."""
        root = self.options.img_root
        if root is not None:
            path = osp.join(root, image.name)
            if osp.isfile(path):
                from PIL import Image
                with Image.open(path) as img:
                    return int(img.size[0]), int(img.size[1])
            if not self.options.allow_missing_images:
                raise FileNotFoundError(
                    f'image {image.name!r} not found under img_root {root!r}'
                    ' (pass allow_missing_images to use the annotation '
                    'extent)')
        self.stats['sizes_from_annotation_extent'] += 1
        points = [np.zeros((1, 2))]
        for rect in rects:
            points.append(rect.joints[rect.visibility > 0])
            if rect.head_bbox is not None:
                points.append(rect.head_bbox.reshape(2, 2))
            if rect.objpos is not None:
                points.append(rect.objpos.reshape(1, 2))
        for group in groups:
            points.append(np.asarray(group['bbox']).reshape(2, 2))
        for person in people:
            points.append(np.asarray(person['bbox_xyxy']).reshape(2, 2))
        extent = np.ceil(np.concatenate(points).max(axis=0)) + 1
        return int(extent[0]), int(extent[1])

    def to_json(self) -> dict:
        """The COCO-style JSON dict."""
        return dict(
            info=dict(description='MPII Human Pose, multi-person layout '
                      '(rmpe_mm converter)'),
            categories=[mpii_person_category()],
            images=self.images,
            annotations=self.annotations)


def _clip_box(item: dict, key: str, width: int, height: int) -> None:
    """Clip the xyxy box ``item[key]`` to the image, in place (``item`` is
    a dict this module built)."""
    box = np.asarray(item[key], dtype=np.float64).copy()
    box[0::2] = np.clip(box[0::2], 0, width - 1)
    box[1::2] = np.clip(box[1::2], 0, height - 1)
    item[key] = box


def _coco_box(box: np.ndarray) -> dict:
    """COCO ``bbox`` (xywh) and ``area`` of an xyxy box."""
    w, h = float(box[2] - box[0]), float(box[3] - box[1])
    return dict(bbox=[float(box[0]), float(box[1]), w, h], area=w * h)


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
        form_groups(img, None if official_groups is None else
                    official_groups[i]) for i, img in enumerate(images)
    ]
    multi_train = [
        img.name for img, g in zip(images, groups) if img.is_train and g
    ]
    val = split_train_val(multi_train, options.val_ratio, options.seed,
                          val_names)
    stats = {k: 0 for k in (
        'group_members_without_objpos', 'groups_without_box',
        'people_without_joints', 'people_without_head_box',
        'sizes_from_annotation_extent')}
    builders = {k: _JsonBuilder(options, stats) for k in ('train', 'val')}
    if with_test:
        builders['test'] = _JsonBuilder(options, stats)
    for img, img_groups in zip(images, groups):
        split = _split_of(img, img_groups, val, options, with_test)
        if split is not None:
            builders[split].add_image(img, img_groups, split != 'test')
    outputs = {}
    for split, builder in builders.items():
        outputs[split] = builder.to_json()
        stats[f'{split}_images'] = len(builder.images)
        stats[f'{split}_people'] = len(builder.annotations)
        stats[f'{split}_groups'] = builder.next_group_id
    return outputs, stats


def _split_of(image: MpiiReleaseImage, groups: List[List[int]],
              val: Set[str], options: ConvertOptions,
              with_test: bool) -> Optional[str]:
    """Which output file an image goes to (None: none)."""
    if not image.is_train:
        return 'test' if with_test and groups else None
    if image.name in val:
        return 'val'
    if options.train_multi_only and not groups:
        return None
    has_people = any((r.visibility > 0).any() for r in image.rects)
    return 'train' if has_people else None


__all__ = [
    'ConvertOptions', 'convert_mpii_release', 'form_groups', 'group_bbox',
    'person_bbox', 'shift_rect', 'split_train_val', 'MPII_PIXEL_STD'
]
