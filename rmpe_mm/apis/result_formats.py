"""Multi-person pose results as COCO results and as AlphaPose's JSON.

Input: the per-image predictions of
:class:`~rmpe_mm.apis.RMPEInferencer`, one dict per person::

    {'keypoints': [[x, y], ...], 'keypoint_scores': [s, ...],
     'bbox': [x1, y1, x2, y2], 'bbox_score': float,
     'score': float,            # person score (pose NMS)
     'idx': [int, ...],         # boxes merged into this pose
     'track_id': int}           # only with tracking (-1: tentative track)

AlphaPose's format, written from its documentation (``docs/output.md``,
"Output Format", and the optional fields its writer adds): one JSON list
over all images, one object per person::

    {"image_id": str,        # image file name, e.g. "000000000785.jpg"
     "category_id": 1,       # person
     "keypoints": [x1, y1, c1, ..., xk, yk, ck],
     "score": float,         # person score from the parametric pose NMS
     "box": [x, y, w, h],    # optional: the person's detection box
     "idx": [...] | int}     # optional: ids of the merged boxes, or the
                             # track id when tracking

Documented choices: ``image_id`` is the file name (AlphaPose's default;
its evaluation mode writes the integer COCO id, which the reader also
accepts); video frames are named ``"<frame index>.jpg"`` as AlphaPose's
video reader names them; ``idx`` lists the indices of the merged boxes in
the image's box list (0-based, descending detection score). With tracking
(a person dict has ``track_id``), ``idx`` is the track id, one integer, as
AlphaPose's writer stores its tracker's id there with ``--pose_track``
(``alphapose/utils/writer.py``: ``ids`` come from the tracker's targets,
and ``write_json`` copies them to ``idx``); our ids start at 0 (AlphaPose's
tracker counts from 1) and a person whose track is not yet confirmed has
``idx = -1`` (AlphaPose's tracker outputs only confirmed tracks: filter on
``idx >= 0`` for the same records).
"""
import json
import os.path as osp
from typing import (Any, Dict, List, Mapping, NamedTuple, Optional, Sequence,
                    Union)

import numpy as np

from rmpe_mm.utils.atomic_io import atomic_open
from rmpe_mm.utils.file_errors import naming_file

PERSON_CATEGORY_ID = 1
ImageId = Union[int, str]
PersonPrediction = Mapping[str, Any]


def _flat_keypoints(person: PersonPrediction) -> List[float]:
    """``[x1, y1, c1, ..., xk, yk, ck]`` of one person."""
    points = np.asarray(person['keypoints'], np.float64).reshape(-1, 2)
    scores = np.asarray(person['keypoint_scores'], np.float64).reshape(-1)
    if len(points) != len(scores):
        raise ValueError(f'person prediction: {len(points)} keypoints but '
                         f'{len(scores)} keypoint_scores')
    return np.concatenate([points, scores[:, None]], 1).reshape(-1).tolist()


def to_coco_keypoint_results(predictions: Sequence[PersonPrediction],
                             image_id: ImageId) -> List[dict]:
    """COCO keypoint results of one image.

    Args:
        predictions (Sequence[dict]): The image's people.
        image_id (int | str): COCO image id.

    Returns:
        list[dict]: ``{image_id, category_id: 1, keypoints, score}`` per
        person (``score`` is the person score).
    """
    return [
        dict(
            image_id=image_id,
            category_id=PERSON_CATEGORY_ID,
            keypoints=_flat_keypoints(person),
            score=float(person['score'])) for person in predictions
    ]


def to_alphapose_results(predictions: Sequence[PersonPrediction],
                         image_id: ImageId) -> List[dict]:
    """AlphaPose-format records of one image.

    Args:
        predictions (Sequence[dict]): The image's people.
        image_id (str | int): The image's file name (AlphaPose's default)
            or integer id.

    Returns:
        list[dict]: ``{image_id, category_id, keypoints, score, box, idx}``
        per person; ``idx`` is the person's ``track_id`` if it has one,
        else the list of its merged boxes.
    """
    records = []
    for person in predictions:
        x1, y1, x2, y2 = (float(v) for v in person['bbox'])
        records.append(
            dict(
                image_id=image_id,
                category_id=PERSON_CATEGORY_ID,
                keypoints=_flat_keypoints(person),
                score=float(person['score']),
                box=[x1, y1, x2 - x1, y2 - y1],
                idx=_alphapose_idx(person)))
    return records


def _alphapose_idx(person: PersonPrediction) -> Union[int, List[int]]:
    """The track id with tracking, else the merged boxes."""
    if 'track_id' in person:
        return int(person['track_id'])
    return [int(i) for i in person['idx']]


def dump_results(records: Sequence[dict], path: str) -> None:
    """Write records as one JSON list, atomically (creating the
    directory)."""
    with atomic_open(path) as f:
        json.dump(list(records), f)


class AlphaPoseImage(NamedTuple):
    """The people of one image read from an AlphaPose-format file.

    Attributes:
        keypoints: (N, K, 2) float32 joint positions.
        keypoint_scores: (N, K) float32 joint confidences.
        scores: (N,) float32 person scores.
        boxes: (N, 4) float32 ``[x, y, w, h]``, NaN rows where a record
            has no ``box``.
        idx: N entries, the ``idx`` field as written (None if absent).
        category_ids: (N,) int64.
    """
    keypoints: np.ndarray
    keypoint_scores: np.ndarray
    scores: np.ndarray
    boxes: np.ndarray
    idx: List[Any]
    category_ids: np.ndarray

    def __len__(self) -> int:
        return len(self.scores)


def _check_number_list(i: int,
                       name: str,
                       value: Any,
                       length: Optional[int] = None) -> None:
    if not isinstance(value, (list, tuple)) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool)
            for v in value):
        raise ValueError(f'AlphaPose record {i}: "{name}" must be a list of '
                         f'numbers, got {value!r:.80}')
    if length is not None and len(value) != length:
        raise ValueError(f'AlphaPose record {i}: "{name}" must have '
                         f'{length} numbers, got {len(value)}')


def _check_alphapose_record(i: int, record: Any) -> None:
    """Validate one record against the documented format."""
    if not isinstance(record, Mapping):
        raise ValueError(f'AlphaPose record {i}: must be an object, got '
                         f'{type(record).__name__}')
    for key in ('image_id', 'category_id', 'keypoints', 'score'):
        if key not in record:
            raise ValueError(f'AlphaPose record {i}: missing "{key}" '
                             f'(keys {sorted(record)})')
    if not isinstance(record['image_id'], (str, int)):
        raise ValueError(f'AlphaPose record {i}: "image_id" must be a file '
                         f'name or an int, got {record["image_id"]!r}')
    for key in ('score', 'category_id'):
        value = record[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f'AlphaPose record {i}: "{key}" must be a '
                             f'number, got {value!r:.80}')
    _check_number_list(i, 'keypoints', record['keypoints'])
    if len(record['keypoints']) == 0 or len(record['keypoints']) % 3:
        raise ValueError(f'AlphaPose record {i}: "keypoints" must be '
                         '[x1, y1, c1, ..., xk, yk, ck], got '
                         f'{len(record["keypoints"])} numbers')
    if 'box' in record:
        _check_number_list(i, 'box', record['box'], 4)


def _stack_image(records: List[Mapping]) -> AlphaPoseImage:
    """Arrays of one image's records (all with the same K)."""
    kpts = np.array([r['keypoints'] for r in records],
                    np.float32).reshape(len(records), -1, 3)
    boxes = np.array(
        [r['box'] if 'box' in r else [np.nan] * 4 for r in records],
        np.float32).reshape(-1, 4)
    return AlphaPoseImage(
        keypoints=kpts[..., :2].copy(),
        keypoint_scores=kpts[..., 2].copy(),
        scores=np.array([r['score'] for r in records], np.float32),
        boxes=boxes,
        idx=[r.get('idx') for r in records],
        category_ids=np.array([r['category_id'] for r in records], np.int64))


def load_alphapose_results(
        source: Union[str,
                      Sequence[Mapping]]) -> Dict[ImageId, AlphaPoseImage]:
    """Read AlphaPose's JSON results (see the module docstring).

    Fields beyond the documented ones (e.g. ``pred_xyz_jts``) are ignored.

    Args:
        source (str | list[dict]): JSON path or the loaded list.

    Returns:
        dict: ``image_id -> AlphaPoseImage``, images in first-seen order,
        people in file order.

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If a record does not follow the format, or records
            have different numbers of keypoints.
    """
    if isinstance(source, str):
        if not osp.isfile(source):
            raise FileNotFoundError(f'AlphaPose results {source!r} do not '
                                    'exist')
        with naming_file(source):
            with open(source, 'rb') as f:
                records = json.loads(f.read())
            return _group_alphapose(records)
    return _group_alphapose(source)


def _group_alphapose(source: Any) -> Dict[ImageId, AlphaPoseImage]:
    """Validated per-image arrays of loaded AlphaPose records."""
    if not isinstance(source, list):
        raise ValueError('AlphaPose results must be a JSON list of person '
                         f'records, got {type(source).__name__}')
    grouped: Dict[ImageId, List[Mapping]] = {}
    num_values = None
    for i, record in enumerate(source):
        _check_alphapose_record(i, record)
        if num_values is None:
            num_values = len(record['keypoints'])
        elif len(record['keypoints']) != num_values:
            raise ValueError(
                f'AlphaPose record {i}: {len(record["keypoints"]) // 3} '
                f'keypoints, earlier records have {num_values // 3}')
        grouped.setdefault(record['image_id'], []).append(record)
    return {key: _stack_image(items) for key, items in grouped.items()}
