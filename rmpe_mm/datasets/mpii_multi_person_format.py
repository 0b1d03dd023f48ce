"""The MPII multi-person COCO-style JSON: constants and a validating reader.

The format (fixed by the project conventions) is written by
``tools/dataset_converters/mpii_multi_person.py`` and by the synthetic data
generator, and read by :class:`MpiiMultiPersonDataset` and
:class:`MpiiMultiPersonMAP`:

- ``categories``: one entry, ``{id: 1, name: 'person', keypoints: the 16
  MPII joint names in MPII id order, skeleton: 1-based COCO-style links}``.
- ``images``: ``{id, file_name, width, height, groups: [{id, bbox: [x1, y1,
  x2, y2]}]}``. A group is a cluster of annotated people evaluated together;
  predictions are assigned to it by its box.
- ``annotations``: one per person, ``{id, image_id, category_id: 1,
  group_id, keypoints: [x, y, v] * 16, num_keypoints, bbox: [x, y, w, h],
  area, iscrowd: 0, head_bbox: [x1, y1, x2, y2]}`` plus ``center`` and
  ``scale`` (MPII ``objpos``/``scale``) where available. ``v``: 0 = not
  annotated (then ``x = y = 0``), 1 = annotated, occluded, 2 = visible.
  ``group_id = -1`` marks a person in no evaluated group (e.g. an MPII
  "single person"); such people are never used by the metric.

This module needs numpy only (no MMPose), so converters and metrics share it;
:func:`load_mpii_multi_person_json` is the one reader of the file.
"""
import json
import math
import os.path as osp
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Sequence, Tuple

import numpy as np

from rmpe_mm.utils.file_errors import naming_file

#: MPII joint names in MPII id order 0..15 (the JSON's ``keypoints`` names).
MPII_JOINT_NAMES: Tuple[str, ...] = ('r_ankle', 'r_knee', 'r_hip', 'l_hip',
                                     'l_knee', 'l_ankle', 'pelvis', 'thorax',
                                     'upper_neck', 'head_top', 'r_wrist',
                                     'r_elbow', 'r_shoulder', 'l_shoulder',
                                     'l_elbow', 'l_wrist')
NUM_MPII_JOINTS = len(MPII_JOINT_NAMES)
PELVIS_ID = 6
THORAX_ID = 7

#: Limbs as pairs of 0-based MPII ids (MMPose's MPII skeleton).
MPII_LIMBS: Tuple[Tuple[int, int],
                  ...] = ((0, 1), (1, 2), (2, 6), (6, 3), (3, 4), (4, 5),
                          (6, 7), (7, 8), (8, 9), (8, 12), (12, 11), (11, 10),
                          (8, 13), (13, 14), (14, 15))

#: ``group_id`` of a person who belongs to no evaluated group.
NO_GROUP = -1


def mpii_person_category() -> Dict[str, Any]:
    """The single COCO category of the format (a fresh dict every call).

    Returns:
        dict: ``{'id': 1, 'name': 'person', 'supercategory': 'person',
        'keypoints': [...16 names...], 'skeleton': [[a, b], ...]}`` with
        1-based skeleton indices, as in COCO's person category.
    """
    return dict(
        id=1,
        name='person',
        supercategory='person',
        keypoints=list(MPII_JOINT_NAMES),
        skeleton=[[a + 1, b + 1] for a, b in MPII_LIMBS])


@dataclass(frozen=True)
class MpiiImageGT:
    """Everything the multi-person metric needs about one image.

    Attributes:
        img_id (int): COCO image id.
        file_name (str): Image file name.
        group_ids (np.ndarray): ``(G,)`` int64 group ids.
        group_bboxes (np.ndarray): ``(G, 4)`` float64 group boxes, xyxy.
        person_ids (np.ndarray): ``(P,)`` int64 annotation ids.
        person_group_ids (np.ndarray): ``(P,)`` int64, ``-1`` = no group.
        keypoints (np.ndarray): ``(P, 16, 2)`` float64 joint positions.
        keypoints_visible (np.ndarray): ``(P, 16)`` int64 ``v`` flags
            (0 = not annotated, 1 = occluded, 2 = visible).
        head_bboxes (np.ndarray): ``(P, 4)`` float64 head boxes, xyxy.
    """
    img_id: int
    file_name: str
    group_ids: np.ndarray
    group_bboxes: np.ndarray
    person_ids: np.ndarray
    person_group_ids: np.ndarray
    keypoints: np.ndarray
    keypoints_visible: np.ndarray
    head_bboxes: np.ndarray

    def to_dict(self) -> Dict[str, Any]:
        """Plain-dict form (what the dataset attaches as ``mpii_gt``)."""
        return dict(
            img_id=self.img_id,
            file_name=self.file_name,
            group_ids=self.group_ids.copy(),
            group_bboxes=self.group_bboxes.copy(),
            person_ids=self.person_ids.copy(),
            person_group_ids=self.person_group_ids.copy(),
            keypoints=self.keypoints.copy(),
            keypoints_visible=self.keypoints_visible.copy(),
            head_bboxes=self.head_bboxes.copy())

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> 'MpiiImageGT':
        """Inverse of :meth:`to_dict`; checks names and shapes.

        Raises:
            ValueError: a key is missing or an array has the wrong shape.
        """
        missing = [k for k in cls.__dataclass_fields__ if k not in data]
        if missing:
            raise ValueError(f'mpii_gt misses the fields {missing}')
        num_groups = len(np.asarray(data['group_ids']).reshape(-1))
        num_people = len(np.asarray(data['person_ids']).reshape(-1))
        return cls(
            img_id=int(data['img_id']),
            file_name=str(data['file_name']),
            group_ids=_as_array(data, 'group_ids', (num_groups, ), np.int64),
            group_bboxes=_as_array(data, 'group_bboxes', (num_groups, 4),
                                   np.float64),
            person_ids=_as_array(data, 'person_ids', (num_people, ), np.int64),
            person_group_ids=_as_array(data, 'person_group_ids',
                                       (num_people, ), np.int64),
            keypoints=_as_array(data, 'keypoints',
                                (num_people, NUM_MPII_JOINTS, 2), np.float64),
            keypoints_visible=_as_array(data, 'keypoints_visible',
                                        (num_people, NUM_MPII_JOINTS),
                                        np.int64),
            head_bboxes=_as_array(data, 'head_bboxes', (num_people, 4),
                                  np.float64))


def _as_array(data: Mapping[str, Any], key: str, shape: Tuple[int, ...],
              dtype: type) -> np.ndarray:
    """``data[key]`` as an array of ``shape`` or a ValueError naming it."""
    value = np.asarray(data[key], dtype=dtype)
    if value.size == 0 and int(np.prod(shape)) == 0:
        return value.reshape(shape)
    if value.shape != shape:
        raise ValueError(f'mpii_gt field {key!r} has shape {value.shape}, '
                         f'expected {shape}')
    return value


def _require(record: Mapping[str, Any], keys: Sequence[str],
             where: str) -> None:
    """Raise ValueError if ``record`` is not an object or lacks one of
    ``keys``."""
    if not isinstance(record, Mapping):
        raise ValueError(f'{where} must be an object, got {record!r}'[:300])
    for key in keys:
        if key not in record:
            raise ValueError(f'{where} has no field {key!r}: {record!r}'[:300])


def _int(value: Any, field: str, where: str) -> int:
    """An integer field (an int, or a float with an integer value, within
    int64) or a ValueError naming the field and value."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            not math.isfinite(value) or value != int(value) or \
            not -2**63 <= value < 2**63:
        raise ValueError(f'{where}: {field} must be an integer, got '
                         f'{value!r}'[:300])
    return int(value)


def _floats(value: Any, field: str, where: str) -> np.ndarray:
    """A flat float64 array of ``value`` or a ValueError naming it."""
    try:
        return np.asarray(value, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise ValueError(f'{where}: {field} must be a list of numbers, got '
                         f'{value!r}'[:300]) from None


def _box4(value: Any, field: str, where: str) -> np.ndarray:
    """A finite 4-vector box or a ValueError naming the field and value."""
    box = _floats(value, field, where)
    if box.shape != (4, ) or not np.isfinite(box).all():
        raise ValueError(f'{where}: {field} must be 4 finite numbers, '
                         f'got {value!r}')
    if box[2] < box[0] or box[3] < box[1]:
        raise ValueError(f'{where}: {field} must be [x1, y1, x2, y2] with '
                         f'x2 >= x1 and y2 >= y1, got {value!r}')
    return box


def _parse_groups(img: Mapping[str, Any]) -> Tuple[np.ndarray, np.ndarray]:
    """Group ids ``(G,)`` and boxes ``(G, 4)`` of one JSON image."""
    where = f'image {img.get("id")!r}'
    groups = img['groups']
    if not isinstance(groups, list):
        raise ValueError(f'{where}: groups must be a list, got {groups!r}')
    ids, boxes = [], []
    for group in groups:
        _require(group, ('id', 'bbox'), f'{where} group')
        ids.append(_int(group['id'], 'group id', where))
        boxes.append(_box4(group['bbox'], 'group bbox', where))
    if len(set(ids)) != len(ids):
        raise ValueError(f'{where}: duplicate group ids {ids}')
    if NO_GROUP in ids:
        raise ValueError(f'{where}: group id {NO_GROUP} is reserved for '
                         'people in no group')
    return (np.asarray(ids, dtype=np.int64).reshape(-1),
            np.asarray(boxes, dtype=np.float64).reshape(-1, 4))


def _parse_person(ann: Mapping[str, Any]) -> Tuple[np.ndarray, np.ndarray]:
    """Keypoints ``(16, 2)`` and visibility ``(16,)`` of one annotation."""
    where = f'annotation {ann.get("id")!r}'
    kpts = _floats(ann['keypoints'], 'keypoints', where)
    if kpts.shape != (NUM_MPII_JOINTS * 3, ):
        raise ValueError(f'{where}: keypoints must have '
                         f'{NUM_MPII_JOINTS * 3} numbers, got {kpts.size}')
    kpts = kpts.reshape(NUM_MPII_JOINTS, 3)
    vis = kpts[:, 2].astype(np.int64)
    if ((vis < 0) | (vis > 2) | (vis != kpts[:, 2])).any():
        raise ValueError(f'{where}: visibility flags must be 0, 1 or 2, '
                         f'got {kpts[:, 2].tolist()}')
    if not np.isfinite(kpts[:, :2]).all():
        raise ValueError(f'{where}: keypoints must be finite')
    return kpts[:, :2].copy(), vis


def parse_mpii_multi_person_json(
        data: Mapping[str, Any]) -> Dict[int, MpiiImageGT]:
    """Validate a loaded MPII multi-person JSON and index it per image.

    Args:
        data (Mapping): The loaded JSON (``images``, ``annotations``).

    Returns:
        dict[int, MpiiImageGT]: One entry per image (images without people
        included), keyed by image id.

    Raises:
        ValueError: a required field is missing or malformed, an image id is
            duplicated, an annotation names an unknown image or group, or a
            category other than 1 appears.
    """
    _require(data, ('images', 'annotations'), 'MPII multi-person JSON')
    for key in ('images', 'annotations'):
        if not isinstance(data[key], list):
            raise ValueError(f'MPII multi-person JSON: {key} must be a '
                             f'list, got {data[key]!r}'[:300])
    images: Dict[int, Mapping[str, Any]] = {}
    for img in data['images']:
        _require(img, ('id', 'file_name', 'groups'), 'image')
        img_id = _int(img['id'], 'id', 'image')
        if img_id in images:
            raise ValueError(f'duplicate image id {img["id"]!r}')
        images[img_id] = img
    people: Dict[int, List[Mapping[str, Any]]] = {i: [] for i in images}
    for ann in data['annotations']:
        _require(ann, ('id', 'image_id', 'group_id', 'keypoints', 'head_bbox'),
                 'annotation')
        where = f'annotation {ann["id"]!r}'[:100]
        _int(ann['id'], 'id', where)
        if _int(ann.get('category_id', 1), 'category_id', where) != 1:
            raise ValueError(f'{where}: category_id must be 1, got '
                             f'{ann["category_id"]!r}')
        image_id = _int(ann['image_id'], 'image_id', where)
        if image_id not in people:
            raise ValueError(f'{where}: unknown image_id '
                             f'{ann["image_id"]!r}'[:300])
        people[image_id].append(ann)
    return {
        img_id: _image_gt(img, people[img_id])
        for img_id, img in images.items()
    }


def _image_gt(img: Mapping[str, Any],
              anns: Sequence[Mapping[str, Any]]) -> MpiiImageGT:
    """Build the :class:`MpiiImageGT` of one image from its annotations."""
    group_ids, group_bboxes = _parse_groups(img)
    kpts, vis, heads, gids = [], [], [], []
    for ann in anns:
        k, v = _parse_person(ann)
        gid = _int(ann['group_id'], 'group_id', f'annotation {ann["id"]!r}')
        if gid != NO_GROUP and gid not in group_ids:
            raise ValueError(f'annotation {ann["id"]!r}: group_id {gid} is '
                             f'not a group of image {img["id"]!r} '
                             f'({group_ids.tolist()})')
        kpts.append(k)
        vis.append(v)
        heads.append(
            _box4(ann['head_bbox'], 'head_bbox', f'annotation {ann["id"]!r}'))
        gids.append(gid)
    num = len(anns)
    return MpiiImageGT(
        img_id=_int(img['id'], 'id', 'image'),
        file_name=str(img['file_name']),
        group_ids=group_ids,
        group_bboxes=group_bboxes,
        person_ids=np.asarray([int(a['id']) for a in anns], dtype=np.int64),
        person_group_ids=np.asarray(gids, dtype=np.int64).reshape(num),
        keypoints=np.asarray(kpts,
                             dtype=np.float64).reshape(num, NUM_MPII_JOINTS,
                                                       2),
        keypoints_visible=np.asarray(vis, dtype=np.int64).reshape(
            num, NUM_MPII_JOINTS),
        head_bboxes=np.asarray(heads, dtype=np.float64).reshape(num, 4))


def load_mpii_multi_person_json(path: str) -> Dict[int, MpiiImageGT]:
    """Read and validate an MPII multi-person JSON file, per image.

    Args:
        path (str): A local JSON file.

    Returns:
        dict[int, MpiiImageGT]: See :func:`parse_mpii_multi_person_json`.

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: it is not JSON, or a field is missing or malformed; the
            message starts with the path and names the field and value.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'MPII multi-person JSON not found: {path}')
    with naming_file(path):
        with open(path, 'rb') as f:
            data = json.loads(f.read())
        return parse_mpii_multi_person_json(data)
