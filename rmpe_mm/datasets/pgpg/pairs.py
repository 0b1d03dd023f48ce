"""Read GT / detection files and build matched (pose, offset) pairs.

Inputs:

- a COCO-style keypoint annotation file (``images``, ``annotations`` with
  ``image_id``, ``bbox`` as xywh, ``keypoints`` as ``[x, y, v] * K``; MPII
  through its COCO-style conversion);
- a detection file in the COCO results format
  (``[{image_id, category_id, bbox: [x, y, w, h], score}]``).

Rules (documented defaults): GT people with ``iscrowd = 1`` are ignored;
GT people without annotated keypoints take part in the matching (so that a
detection of them is not given to a neighbour) but their offsets are not
used; detections of other categories than ``category_id`` or scoring below
``min_score`` are ignored; matching is one-to-one per image (see
``matching.py``).
"""
import json
import os
from collections import defaultdict
from typing import Any, Dict, List, NamedTuple, Optional

import numpy as np
from tqdm import tqdm

from .boxes import normalized_offsets, xywh_to_xyxy
from .matching import match_boxes


class MatchedPairs(NamedTuple):
    """Matched GT people and detections.

    Attributes:
        keypoints (np.ndarray): (P, K, 2) GT joints in pixels.
        visible (np.ndarray): (P, K) GT visibility flags (COCO v).
        gt_boxes (np.ndarray): (P, 4) GT boxes, xyxy.
        det_boxes (np.ndarray): (P, 4) matched detections, xyxy.
        offsets (np.ndarray): (P, 4) normalized offsets.
        ious (np.ndarray): (P,) IoU of each pair.
        image_ids (np.ndarray): (P,) image id of each pair.
        stats (dict): Counts (GT people, detections, matches, images).
    """
    keypoints: np.ndarray
    visible: np.ndarray
    gt_boxes: np.ndarray
    det_boxes: np.ndarray
    offsets: np.ndarray
    ious: np.ndarray
    image_ids: np.ndarray
    stats: Dict[str, Any]


def read_json(path: str, what: str) -> Any:
    """Load a JSON file with clear errors.

    Raises:
        FileNotFoundError: If ``path`` does not exist.
        ValueError: If it is not valid JSON.
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(f'{what} not found: {path!r}')
    with open(path) as f:
        try:
            return json.load(f)
        except json.JSONDecodeError as err:
            raise ValueError(f'{what} {path!r} is not valid JSON: {err}') \
                from err


def _check_box(box: Any, where: str) -> None:
    if (not isinstance(box, (list, tuple)) or len(box) != 4
            or not all(isinstance(v, (int, float)) for v in box)):
        raise ValueError(f'{where}: bbox={box!r} must be 4 numbers [x, y, '
                         'w, h]')


def _gt_by_image(data: Any, path: str,
                 num_keypoints: Optional[int]) -> Dict[Any, List[dict]]:
    """Validate a COCO keypoint file; group non-crowd people by image."""
    if not isinstance(data, dict) or not isinstance(
            data.get('annotations'), list):
        raise ValueError(f'annotation file {path!r} must be a COCO-style '
                         'dict with an "annotations" list')
    by_image: Dict[Any, List[dict]] = defaultdict(list)
    expected = num_keypoints
    for ann in data['annotations']:
        aid = ann.get('id') if isinstance(ann, dict) else None
        where = f'{path}: annotation id={aid}'
        if not isinstance(ann, dict) or 'image_id' not in ann:
            raise ValueError(f'{where} has no image_id')
        _check_box(ann.get('bbox'), where)
        kpts = ann.get('keypoints')
        if not isinstance(kpts, list) or len(kpts) % 3 or not kpts:
            got = len(kpts) if isinstance(kpts, list) else repr(kpts)
            raise ValueError(f'{where}: keypoints must be a non-empty list '
                             f'[x, y, v] * K, got {got}')
        if expected is None:
            expected = len(kpts) // 3
        elif len(kpts) // 3 != expected:
            raise ValueError(f'{where} has {len(kpts) // 3} keypoints, '
                             f'expected {expected}')
        if ann.get('iscrowd', 0):
            continue
        by_image[ann['image_id']].append(ann)
    if not by_image:
        raise ValueError(f'annotation file {path!r} has no non-crowd people')
    return by_image


def _det_by_image(data: Any, path: str, category_id: int,
                  min_score: float) -> Dict[Any, List[list]]:
    """Validate a COCO results file; group kept xywh boxes by image."""
    if not isinstance(data, list):
        raise ValueError(f'detection file {path!r} must be a list of COCO '
                         f'results, got {type(data).__name__}')
    by_image: Dict[Any, List[list]] = defaultdict(list)
    for i, det in enumerate(data):
        where = f'{path}: detection #{i}'
        if not isinstance(det, dict) or 'image_id' not in det:
            raise ValueError(f'{where} has no image_id')
        _check_box(det.get('bbox'), where)
        if det.get('category_id', category_id) != category_id:
            continue
        if float(det.get('score', 1.0)) < min_score:
            continue
        by_image[det['image_id']].append(det['bbox'])
    return by_image


def load_matched_pairs(ann_file: str,
                       det_file: str,
                       iou_thr: float = 0.5,
                       match: str = 'hungarian',
                       category_id: int = 1,
                       min_score: float = 0.0,
                       num_keypoints: Optional[int] = None,
                       progress: bool = True) -> MatchedPairs:
    """Match detections to GT people and compute their offsets.

    Args:
        ann_file (str): COCO-style keypoint annotation file.
        det_file (str): COCO results detection file.
        iou_thr (float): Keep pairs with IoU > ``iou_thr``. Defaults to 0.5.
        match (str): ``'hungarian'`` or ``'greedy'``. Defaults to
            ``'hungarian'``.
        category_id (int): Person category of the detections. Defaults to 1.
        min_score (float): Ignore detections scoring below it. Defaults to 0.
        num_keypoints (int, optional): Expected K; error if the file differs.
        progress (bool): Show a progress bar. Defaults to True.

    Returns:
        MatchedPairs: Only pairs whose GT has at least one annotated joint.

    Raises:
        FileNotFoundError: If a file is missing.
        ValueError: On malformed files or a keypoint count mismatch.
    """
    gt = _gt_by_image(
        read_json(ann_file, 'annotation file'), ann_file, num_keypoints)
    dets = _det_by_image(
        read_json(det_file, 'detection file'), det_file, category_id,
        min_score)
    rows: Dict[str, list] = defaultdict(list)
    num_gt = sum(len(v) for v in gt.values())
    for image_id, anns in tqdm(
            gt.items(), desc='matching', disable=not progress):
        gt_boxes = xywh_to_xyxy([a['bbox'] for a in anns])
        det_boxes = xywh_to_xyxy(dets.get(image_id, []))
        gi, di, ious = match_boxes(gt_boxes, det_boxes, iou_thr, match)
        for g, d, iou in zip(gi, di, ious):
            kpts = np.asarray(anns[g]['keypoints'], np.float64).reshape(-1, 3)
            if not (kpts[:, 2] > 0).any():
                continue
            rows['keypoints'].append(kpts[:, :2])
            rows['visible'].append(kpts[:, 2])
            rows['gt'].append(gt_boxes[g])
            rows['det'].append(det_boxes[d])
            rows['iou'].append(iou)
            rows['image'].append(image_id)
    if not rows['gt']:
        raise ValueError(f'no detection in {det_file!r} matches a GT person '
                         f'with keypoints in {ann_file!r} at IoU > {iou_thr}')
    gt_arr, det_arr = np.stack(rows['gt']), np.stack(rows['det'])
    stats = dict(
        num_images=len(gt),
        num_gt=num_gt,
        num_detections=sum(len(v) for v in dets.values()),
        num_matched=len(rows['gt']),
        iou_thr=iou_thr,
        match=match)
    return MatchedPairs(
        np.stack(rows['keypoints']), np.stack(rows['visible']), gt_arr,
        det_arr, normalized_offsets(det_arr, gt_arr), np.asarray(rows['iou']),
        np.asarray(rows['image']), stats)
