"""Turn :class:`~rmpe_mm.apis.RMPEInferencer`'s pose instances into person
dicts and JSON records."""
import os.path as osp
from typing import Any, Dict, List

import numpy as np
from mmengine.structures import InstanceData

from rmpe_mm.utils.atomic_io import atomic_dump
from .result_formats import to_alphapose_results, to_coco_keypoint_results


def cat_pose_instances(instances: List[InstanceData],
                       num_keypoints: int) -> InstanceData:
    """All poses of one image (empty arrays if there are none).

    Args:
        instances (list[InstanceData]): The pose model's predictions for
            the image's boxes.
        num_keypoints (int): ``K``, for the empty arrays.

    Returns:
        InstanceData: ``keypoints``, ``keypoint_scores``, ``bboxes`` and
        ``bbox_scores`` of all of them.
    """
    if instances:
        return InstanceData.cat(instances)
    empty = InstanceData()
    empty.keypoints = np.zeros((0, num_keypoints, 2), np.float32)
    empty.keypoint_scores = np.zeros((0, num_keypoints), np.float32)
    empty.bboxes = np.zeros((0, 4), np.float32)
    empty.bbox_scores = np.zeros((0, ), np.float32)
    return empty


def split_people(instances: InstanceData) -> List[Dict[str, Any]]:
    """Person dicts (JSON-serialisable) of one image; with tracking
    (``instances.track_ids``) each also holds its ``track_id``."""
    people = []
    tracked = 'track_ids' in instances
    for i in range(len(instances.scores)):
        person = dict(
            keypoints=instances.keypoints[i].tolist(),
            keypoint_scores=instances.keypoint_scores[i].tolist(),
            bbox=instances.bboxes[i].tolist(),
            bbox_score=float(instances.bbox_scores[i]),
            score=float(instances.scores[i]),
            idx=[int(j) for j in instances.idx[i]])
        if tracked:
            person['track_id'] = int(instances.track_ids[i])
        people.append(person)
    return people


def result_records(result: dict, fmt: str = 'alphapose') -> List[dict]:
    """JSON records of one result dict.

    Args:
        result (dict): A result dict yielded by the inferencer's call
            (without ``return_datasamples``).
        fmt (str): ``'alphapose'`` (``image_id`` = image file name) or
            ``'coco'`` (COCO keypoint results, integer ``image_id``).

    Returns:
        list[dict]: The records of all images in ``result``.

    Raises:
        ValueError: An unknown ``fmt``.
    """
    if fmt not in ('alphapose', 'coco'):
        raise ValueError(f'fmt must be "alphapose" or "coco", got {fmt!r}')
    records = []
    for people, path, image_id in zip(result['predictions'],
                                      result['img_paths'],
                                      result['image_ids']):
        if fmt == 'alphapose':
            records += to_alphapose_results(people, osp.basename(path))
        else:
            records += to_coco_keypoint_results(people, image_id)
    return records


def dump_people(people: List[Dict[str, Any]], img_path: str,
                out_dir: str) -> None:
    """Save one image's person dicts as ``<out_dir>/<image stem>.json``."""
    name = osp.splitext(osp.basename(img_path))[0] + '.json'
    atomic_dump(people, osp.join(out_dir, name), indent='  ')
