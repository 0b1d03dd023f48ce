"""Person detection files in the COCO results format.

The format MMPose's ``bbox_file`` reads and ``tools/detect.py`` writes::

    [{"image_id": int, "category_id": 1, "bbox": [x, y, w, h],
      "score": float}, ...]
"""
import json
import os.path as osp
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

import numpy as np

from rmpe_mm.utils.file_errors import naming_file
from .person_detector import PersonBoxes

#: COCO category id of ``person``.
PERSON_CATEGORY_ID = 1

ImageId = Union[int, str]


def person_boxes_to_coco(image_id: ImageId, boxes: PersonBoxes) -> List[dict]:
    """COCO detection results of one image.

    Args:
        image_id (int | str): The image's id.
        boxes (PersonBoxes): Its person boxes (x1y1x2y2).

    Returns:
        list[dict]: ``{image_id, category_id: 1, bbox: [x, y, w, h],
        score}`` per box, plain Python floats.
    """
    records = []
    for (x1, y1, x2, y2), score in zip(boxes.bboxes.tolist(),
                                       boxes.scores.tolist()):
        records.append(
            dict(
                image_id=image_id,
                category_id=PERSON_CATEGORY_ID,
                bbox=[x1, y1, x2 - x1, y2 - y1],
                score=score))
    return records


def _is_number(value: Any) -> bool:
    """A finite int or float (not a bool)."""
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and np.isfinite(value))


def _check_record(i: int, record: Any) -> None:
    """Validate one detection record."""
    if not isinstance(record, Mapping):
        raise ValueError(f'detection record {i}: must be an object, got '
                         f'{record!r:.80}')
    for key in ('image_id', 'category_id', 'bbox', 'score'):
        if key not in record:
            raise ValueError(f'detection record {i}: missing "{key}" '
                             f'(keys {sorted(record)})')
    bbox = record['bbox']
    if not isinstance(bbox, (list, tuple)) or len(bbox) != 4 or not all(
            _is_number(v) for v in bbox):
        raise ValueError(f'detection record {i}: "bbox" must be '
                         f'[x, y, w, h] (finite numbers), got {bbox!r:.80}')
    for key in ('score', 'category_id'):
        if not _is_number(record[key]):
            raise ValueError(f'detection record {i}: "{key}" must be a '
                             f'finite number, got {record[key]!r:.80}')
    if isinstance(record['image_id'],
                  bool) or not isinstance(record['image_id'], (int, str)):
        raise ValueError(f'detection record {i}: "image_id" must be an int '
                         f'or a string, got {record["image_id"]!r:.80}')


def load_person_detections(
        det_file: Union[str, Sequence[Mapping]],
        score_thr: float = 0.0,
        category_id: int = PERSON_CATEGORY_ID) -> Dict[ImageId, PersonBoxes]:
    """Read a COCO detection results file, person boxes only.

    Args:
        det_file (str | list[dict]): JSON path or the loaded records.
        score_thr (float): Keep boxes with ``score >= score_thr``.
            Defaults to 0.0.
        category_id (int): Category kept. Defaults to 1 (person).

    Returns:
        dict: ``image_id -> PersonBoxes`` (x1y1x2y2, scores descending).

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If it is not a list of detection records.
    """
    if isinstance(det_file, str):
        if not osp.isfile(det_file):
            raise FileNotFoundError(f'det_file {det_file!r} does not exist')
        with naming_file(det_file):
            with open(det_file, 'rb') as f:
                records = json.loads(f.read())
            return _group_detections(records, score_thr, category_id)
    return _group_detections(det_file, score_thr, category_id)


def _group_detections(records: Any, score_thr: float,
                      category_id: int) -> Dict[ImageId, PersonBoxes]:
    """Validated person boxes per image of loaded detection records."""
    if not isinstance(records, list):
        raise ValueError('det_file must hold a list of detection records, '
                         f'got {type(records).__name__}')
    grouped: Dict[ImageId, list] = {}
    for i, record in enumerate(records):
        _check_record(i, record)
        if record['category_id'] != category_id or record['score'] < score_thr:
            continue
        grouped.setdefault(record['image_id'], []).append(record)
    return {
        image_id: _records_to_boxes(items)
        for image_id, items in grouped.items()
    }


def _records_to_boxes(records: List[Mapping]) -> PersonBoxes:
    """x1y1x2y2 boxes sorted by descending score (stable)."""
    xywh = np.array([r['bbox'] for r in records], np.float32).reshape(-1, 4)
    scores = np.array([r['score'] for r in records], np.float32)
    order = np.argsort(-scores, kind='stable')
    xyxy = np.concatenate([xywh[:, :2], xywh[:, :2] + xywh[:, 2:]], 1)
    return PersonBoxes(xyxy[order], scores[order])


def load_image_ids(ann_file: str) -> Dict[str, int]:
    """``file_name -> id`` of a COCO-style annotation file.

    Both the ``file_name`` as written and its basename are keys.

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If it has no ``images`` list.
    """
    if not osp.isfile(ann_file):
        raise FileNotFoundError(f'ann_file {ann_file!r} does not exist')
    with open(ann_file) as f:
        data = json.load(f)
    if not isinstance(data, dict) or 'images' not in data:
        raise ValueError(f'ann_file {ann_file!r} has no "images" list')
    names: Dict[str, int] = {}
    for image in data['images']:
        names[image['file_name']] = image['id']
        names.setdefault(osp.basename(image['file_name']), image['id'])
    return names


def image_id_from_name(img_path: str,
                       names: Optional[Mapping[str, int]] = None) -> int:
    """The image id of ``img_path``.

    With ``names`` (from :func:`load_image_ids`) the id is looked up by
    basename; without, the file stem must be an integer (the COCO naming,
    ``000000000785.jpg -> 785``), a documented default.

    Raises:
        ValueError: If the id cannot be found.
    """
    base = osp.basename(img_path)
    if names is not None:
        if base not in names:
            raise ValueError(f'image {img_path!r}: file name {base!r} is not '
                             'in the annotation file')
        return names[base]
    stem = osp.splitext(base)[0]
    if not stem.isdigit():
        raise ValueError(
            f'image {img_path!r}: cannot derive an image id from {stem!r} '
            '(not an integer); pass the annotation file (ann_file) that '
            'maps file names to ids')
    return int(stem)


class DetectionFile:
    """Person boxes from a detection file, looked up per image.

    Args:
        det_file (str): COCO detection results JSON.
        ann_file (str, optional): COCO-style annotation file mapping image
            file names to ids. Defaults to None: ids are the integer file
            stems (COCO naming); video frames use their 0-based index.
        score_thr (float): Keep boxes with ``score >= score_thr``.
            Defaults to 0.0.
    """

    def __init__(self,
                 det_file: str,
                 ann_file: Optional[str] = None,
                 score_thr: float = 0.0) -> None:
        self.det_file = det_file
        self.boxes = load_person_detections(det_file, score_thr=score_thr)
        self.names = None if ann_file is None else load_image_ids(ann_file)

    def image_id(self, img_path: str) -> int:
        """Image id of an image file (see :func:`image_id_from_name`)."""
        return image_id_from_name(img_path, self.names)

    def __call__(self, image_id: ImageId) -> PersonBoxes:
        """Boxes of one image (none if the file has none for it)."""
        return self.boxes.get(image_id, PersonBoxes.empty())
