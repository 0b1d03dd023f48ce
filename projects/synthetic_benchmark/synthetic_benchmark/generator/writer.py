"""Serialise synthetic (simulated) samples: MPII multi-person COCO-style
JSON, COCO-results detection files, simulation metadata and the config.

Output layout under ``out_dir`` (``<split>`` is ``train`` or ``val``)::

    images/<split>_<index:06d>.jpg       # file_name in the JSON (bare name)
    annotations/<split>.json             # MPII multi-person COCO-style
    detections/<split>_det.json          # simulated detector, COCO results
    annotations/<split>_sim_meta.json    # ground truth of the simulation
    generator_config.json                # every setting (written last)
    README.md                            # says plainly: simulated data
"""
import json
from typing import Any, Dict, List, Sequence

import cv2
import numpy as np

from rmpe_mm.utils.atomic_io import atomic_open
from .annotations import center_scale, ellipse_bbox, mask_bbox
from .detector import SimDetection
from .scene import ScenePerson
from .skeleton import mpii_person_category

NOTICE = ('SIMULATED DATA made by rmpe_mm (tools/make_synthetic_dataset.py): '
          'drawn stick-figure people on random backgrounds, and detections '
          'from a simulated detector (ground-truth boxes perturbed by known '
          'random errors). Not real images, not a real detector.')


def person_annotation(person: ScenePerson, ann_id: int, image_id: int,
                      group_id: int) -> Dict[str, Any]:
    """The COCO-style annotation of one person.

    Args:
        person (ScenePerson): The drawn person.
        ann_id (int): Annotation id.
        image_id (int): Image id.
        group_id (int): Id of the person's group.

    Returns:
        dict: See :mod:`rmpe_mm.datasets.mpii_multi_person_format`.
    """
    flat = []
    for (x, y), v in zip(person.keypoints, person.flags):
        flat += [float(x), float(y), int(v)] if v > 0 else [0.0, 0.0, 0]
    x1, y1, x2, y2 = mask_bbox(person.silhouette)
    head = next(p for p in person.parts if p.name == 'head')
    center, scale = center_scale(person.bounds)
    return dict(
        id=int(ann_id),
        image_id=int(image_id),
        category_id=1,
        group_id=int(group_id),
        keypoints=flat,
        num_keypoints=int((person.flags > 0).sum()),
        bbox=[float(x1), float(y1),
              float(x2 - x1),
              float(y2 - y1)],
        area=float(person.silhouette.sum()),
        iscrowd=0,
        head_bbox=[round(float(c), 2) for c in ellipse_bbox(head)],
        center=[round(c, 2) for c in center],
        scale=round(scale, 4))


def image_record(image_id: int, file_name: str, width: int, height: int,
                 group_boxes: np.ndarray) -> Dict[str, Any]:
    """The ``images`` entry; group ids are 1..G in ``group_boxes`` order."""
    groups = [
        dict(id=g + 1, bbox=[round(float(c), 2) for c in box])
        for g, box in enumerate(group_boxes)
    ]
    return dict(
        id=int(image_id),
        file_name=file_name,
        width=int(width),
        height=int(height),
        groups=groups)


def detection_records(image_id: int,
                      dets: Sequence[SimDetection]) -> List[Dict[str, Any]]:
    """COCO results entries ``{image_id, category_id, bbox (xywh), score}``.
    """
    out = []
    for det in dets:
        x1, y1, x2, y2 = (float(c) for c in det.bbox)
        out.append(
            dict(
                image_id=int(image_id),
                category_id=1,
                bbox=[
                    round(x1, 2),
                    round(y1, 2),
                    round(x2 - x1, 2),
                    round(y2 - y1, 2)
                ],
                score=round(det.score, 4)))
    return out


def coco_document(images: List[Dict], annotations: List[Dict],
                  split: str) -> Dict[str, Any]:
    """The full annotation file of one split."""
    return dict(
        info=dict(description=NOTICE, split=split),
        images=images,
        annotations=annotations,
        categories=[mpii_person_category()])


def dump_json(obj: Any, path: str) -> None:
    """Write compact JSON (deterministic key order) atomically, creating
    the folder."""
    with atomic_open(path) as f:
        json.dump(obj, f, separators=(',', ':'))


def encode_image(image: np.ndarray, ext: str, jpeg_quality: int) -> bytes:
    """Encode an image to ``.jpg`` or ``.png`` bytes."""
    params = [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality] if ext == '.jpg' else []
    ok, buf = cv2.imencode(ext, image, params)
    if not ok:
        raise ValueError(f'cv2 could not encode an image as {ext!r}')
    return buf.tobytes()


def data_readme(config: Dict[str, Any]) -> str:
    """Text of the README.md written beside the data."""
    return (
        '# Synthetic multi-person pose data (SIMULATED)\n\n'
        f'{NOTICE}\n\n'
        f'Seed {config["seed"]}, {config["num_train"]} train and '
        f'{config["num_val"]} val images; all settings in '
        '`generator_config.json`.\n\n'
        '- `annotations/<split>.json`: MPII multi-person COCO-style '
        'annotations (16 MPII joints; v: 0 = not annotated (outside the '
        'image, with the default `outside_joints="drop"`), 1 = occluded by '
        'a nearer person, 2 = visible).\n'
        '- `detections/<split>_det.json`: simulated detector boxes, COCO '
        'results format.\n'
        '- `annotations/<split>_sim_meta.json`: the simulation\'s own truth '
        '(pose class of every person; kind (tp / duplicate / fp), matched '
        'person and sampled offset of every detection, in file order).\n')
