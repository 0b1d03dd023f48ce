"""Re-run the simulated detector on a finished synthetic split.

Box-error sweeps need the same images, people, misses, duplicates and false
positives with larger or smaller box errors. The detector has its own random
stream per image (:func:`~.generator.sample_rngs`), so running it again on
the split's ground truth with another ``offset_scale`` gives exactly that,
without rendering a single image. At the dataset's own settings the output
equals the split's detection file.
"""
import dataclasses
import json
import os.path as osp
from collections import defaultdict
from typing import Any, Dict, List, Tuple

import numpy as np

from .config import GeneratorConfig
from .detector import SimulatedDetector
from .generator import SPLIT_ID_OFFSET, read_config, sample_rngs, split_paths
from .writer import detection_records


def _load(path: str) -> Any:
    if not osp.isfile(path):
        raise FileNotFoundError(f'synthetic split file not found: {path}')
    with open(path) as f:
        return json.load(f)


def _people_by_image(
        ann_doc: Dict,
        meta: Dict) -> Dict[int, Tuple[np.ndarray, List[str], List[int]]]:
    """``{image_id: (xyxy boxes, pose classes, annotation ids)}`` in the
    generator's person order (annotation id = image id * 100 + index)."""
    pose_class = {m['id']: m['pose_class'] for m in meta['annotations']}
    people = defaultdict(list)
    for ann in ann_doc['annotations']:
        if ann['id'] not in pose_class:
            raise ValueError(f'annotation {ann["id"]} has no pose class in '
                             'the split metadata (*_sim_meta.json)')
        people[ann['image_id']].append(ann)
    out = {}
    for image_id, anns in people.items():
        anns = sorted(anns, key=lambda a: a['id'])
        boxes = np.array([[x, y, x + w, y + h]
                          for x, y, w, h in (a['bbox'] for a in anns)],
                         np.float64)
        out[image_id] = (boxes, [pose_class[a['id']]
                                 for a in anns], [a['id'] for a in anns])
    return out


def redetect_split(data_root: str, split: str,
                   offset_scale: float) -> Tuple[List[Dict], List[Dict]]:
    """Simulated detections of a split at another ``offset_scale``.

    Args:
        data_root (str): A finished synthetic dataset
            (``generator_config.json`` present).
        split (str): ``'train'`` or ``'val'``.
        offset_scale (float): Multiplier of the box errors (see
            :class:`~.config.DetectorConfig`); the dataset's own value
            reproduces its detection file.

    Returns:
        tuple[list[dict], list[dict]]: COCO-results detections and, aligned
        with them, ``dict(image_id, kind, gt_ann_id, offset)`` records.

    Raises:
        FileNotFoundError: The dataset or one of its split files is missing.
    """
    saved = read_config(data_root)
    if saved is None:
        raise FileNotFoundError(
            f'{data_root!r} holds no finished synthetic dataset '
            '(generator_config.json)')
    saved = {k: v for k, v in saved.items() if k != 'notice'}
    config = GeneratorConfig.from_dict(saved)
    det_cfg = dataclasses.replace(
        config.detector, offset_scale=float(offset_scale))
    det_cfg.validate()
    detector = SimulatedDetector.from_config(det_cfg)
    paths = split_paths(data_root, split)
    ann_doc = _load(paths['ann_file'])
    people = _people_by_image(ann_doc, _load(paths['meta_file']))
    dets: List[Dict] = []
    meta: List[Dict] = []
    for image in sorted(ann_doc['images'], key=lambda im: im['id']):
        index = image['id'] - SPLIT_ID_OFFSET[split] - 1
        _, rng_det = sample_rngs(config.seed, split, index)
        boxes, classes, ann_ids = people[image['id']]
        found = detector.detect(rng_det, boxes, classes,
                                (image['height'], image['width']))
        dets += detection_records(image['id'], found)
        meta += [
            dict(
                image_id=image['id'],
                kind=d.kind,
                gt_ann_id=ann_ids[d.gt_index] if d.gt_index >= 0 else None,
                offset=None if d.offset is None else
                [round(float(o), 6) for o in d.offset]) for d in found
        ]
    return dets, meta
