"""Accumulate the images and annotations of one output JSON file."""
import os.path as osp
from typing import Dict, Iterable, List, Optional, Tuple

import numpy as np

from ..mpii_multi_person_format import NO_GROUP, mpii_person_category
from ..mpii_release import MpiiRect, MpiiReleaseImage
from .geometry import group_bbox, person_bbox, shift_rect
from .options import ConvertOptions


class JsonBuilder:
    """Accumulates images and annotations of one output file."""

    def __init__(self, options: ConvertOptions, stats: Dict[str, int]) -> None:
        self.options = options
        self.stats = stats
        self.images: List[dict] = []
        self.annotations: List[dict] = []
        self.next_group_id = 0

    def add_image(self, image: MpiiReleaseImage, groups: List[List[int]],
                  with_people: bool) -> None:
        """Add one image, its groups and (if ``with_people``) its people."""
        rects = {
            r.index: shift_rect(r, self.options.coord_offset)
            for r in image.rects
        }
        group_json, rect_group = self._groups(rects, groups)
        people = []
        if with_people:
            for rect in rects.values():
                person = self._person(rect,
                                      rect_group.get(rect.index, NO_GROUP))
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

    def _groups(self, rects: Dict[int, MpiiRect],
                groups: List[List[int]]) -> Tuple[List[dict], Dict[int, int]]:
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
