"""Generate a synthetic (simulated) multi-person pose dataset.

Images of drawn, articulated people with MPII annotations in the MPII
multi-person COCO-style JSON, plus the output of a **simulated** detector
(:mod:`.detector`). Deterministic: image ``index`` of ``split`` depends only
on ``(seed, split, index)`` and the settings, so ``num_train`` does not change
the validation images, and detector settings do not change the images.
"""
import json
import os
import os.path as osp
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
from tqdm import tqdm

from rmpe_mm.utils.atomic_io import (atomic_open, atomic_write_bytes,
                                     atomic_write_text)
from .annotations import assign_groups, mask_bbox
from .config import GeneratorConfig
from .detector import SimulatedDetector
from .scene import Scene, compose_scene
from .writer import (NOTICE, coco_document, data_readme, detection_records,
                     dump_json, encode_image, image_record, person_annotation)

SPLITS: Tuple[str, ...] = ('train', 'val')
#: Image ids are ``offset + index + 1``: unique across splits.
SPLIT_ID_OFFSET: Dict[str, int] = dict(train=0, val=1_000_000)
#: Annotation id = image id * this + person index.
ANN_ID_FACTOR = 100
CONFIG_FILE = 'generator_config.json'
_IMAGE_NAME = re.compile(r'^(train|val)_\d{6}\.(jpg|png)$')


@dataclass
class SyntheticSample:
    """Everything generated for one image.

    Args:
        scene (Scene): Image, people, front-most-person map.
        file_name (str): Image file name (bare).
        image (dict): The JSON ``images`` entry.
        annotations (list[dict]): The JSON ``annotations`` of its people,
            in painting (far to near) order.
        detections (list[dict]): Simulated detections, COCO results.
        meta (dict): ``annotations`` (pose class, facing, depth rank per
            annotation) and ``detections`` (kind, gt annotation id, sampled
            offset, aligned with ``detections``).
    """
    scene: Scene
    file_name: str
    image: Dict[str, Any]
    annotations: List[Dict[str, Any]]
    detections: List[Dict[str, Any]]
    meta: Dict[str, List[Dict[str, Any]]]


def sample_rngs(seed: int, split: str,
                index: int) -> Tuple[np.random.Generator, np.random.Generator]:
    """Independent scene and detector streams of one image."""
    if split not in SPLITS:
        raise ValueError(f'split must be one of {SPLITS}, got {split!r}')
    seq = np.random.SeedSequence([seed, SPLITS.index(split), index])
    scene_seq, det_seq = seq.spawn(2)
    return np.random.default_rng(scene_seq), np.random.default_rng(det_seq)


def image_file_name(split: str, index: int, ext: str) -> str:
    """``<split>_<index:06d><ext>``."""
    return f'{split}_{index:06d}{ext}'


def generate_sample(config: GeneratorConfig, split: str,
                    index: int) -> SyntheticSample:
    """Generate image ``index`` of ``split``.

    Args:
        config (GeneratorConfig): Settings (validated here).
        split (str): ``'train'`` or ``'val'``.
        index (int): 0-based image index.

    Returns:
        SyntheticSample: The image and all its records.
    """
    config.validate()
    if index < 0:
        raise ValueError(f'index must be >= 0, got {index}')
    rng_scene, rng_det = sample_rngs(config.seed, split, index)
    scene = compose_scene(rng_scene, config.scene, config.appearance)
    w, h = config.scene.img_size
    image_id = SPLIT_ID_OFFSET[split] + index + 1
    boxes = np.stack([mask_bbox(p.silhouette) for p in scene.people])
    labels, group_boxes = assign_groups(boxes, (h, w),
                                        config.scene.group_margin,
                                        config.scene.group_padding)
    ann_ids = [image_id * ANN_ID_FACTOR + i for i in range(len(scene.people))]
    anns = [
        person_annotation(p, ann_id, image_id,
                          int(g) + 1)
        for p, ann_id, g in zip(scene.people, ann_ids, labels)
    ]
    detector = SimulatedDetector.from_config(config.detector)
    dets = detector.detect(rng_det, boxes,
                           [p.pose.pose_class for p in scene.people], (h, w))
    file_name = image_file_name(split, index, config.appearance.image_ext)
    meta = dict(
        annotations=[
            dict(
                id=a,
                pose_class=p.pose.pose_class,
                facing=p.pose.facing,
                width_factor=round(p.pose.width_factor, 4),
                depth_rank=p.depth_rank,
                height_px=round(p.height_px, 2))
            for a, p in zip(ann_ids, scene.people)
        ],
        detections=[
            dict(
                image_id=image_id,
                kind=d.kind,
                gt_ann_id=ann_ids[d.gt_index] if d.gt_index >= 0 else None,
                offset=None if d.offset is None else
                [round(float(o), 6) for o in d.offset]) for d in dets
        ])
    return SyntheticSample(
        scene=scene,
        file_name=file_name,
        image=image_record(image_id, file_name, w, h, group_boxes),
        annotations=anns,
        detections=detection_records(image_id, dets),
        meta=meta)


def split_paths(out_dir: str, split: str) -> Dict[str, str]:
    """Paths of a split's annotation, detection and metadata files."""
    return dict(
        ann_file=osp.join(out_dir, 'annotations', f'{split}.json'),
        bbox_file=osp.join(out_dir, 'detections', f'{split}_det.json'),
        meta_file=osp.join(out_dir, 'annotations', f'{split}_sim_meta.json'))


def generate_split(config: GeneratorConfig,
                   split: str,
                   num: int,
                   out_dir: str,
                   progress: bool = True) -> Dict[str, str]:
    """Generate and write one split.

    Args:
        config (GeneratorConfig): Settings.
        split (str): ``'train'`` or ``'val'``.
        num (int): Number of images.
        out_dir (str): Dataset root.
        progress (bool): Show a tqdm progress bar. Default True.

    Returns:
        dict[str, str]: ``ann_file``, ``bbox_file``, ``meta_file`` paths.
    """
    img_dir = osp.join(out_dir, 'images')
    os.makedirs(img_dir, exist_ok=True)
    images, anns, dets = [], [], []
    meta: Dict[str, list] = dict(annotations=[], detections=[])
    for index in tqdm(
            range(num),
            desc=f'synthetic {split}',
            unit='img',
            disable=not progress):
        sample = generate_sample(config, split, index)
        atomic_write_bytes(
            osp.join(img_dir, sample.file_name),
            encode_image(sample.scene.image, config.appearance.image_ext,
                         config.appearance.jpeg_quality))
        images.append(sample.image)
        anns += sample.annotations
        dets += sample.detections
        for key in meta:
            meta[key] += sample.meta[key]
    paths = split_paths(out_dir, split)
    dump_json(coco_document(images, anns, split), paths['ann_file'])
    dump_json(dets, paths['bbox_file'])
    dump_json(dict(notice=NOTICE, **meta), paths['meta_file'])
    return paths


def read_config(out_dir: str) -> Optional[Dict[str, Any]]:
    """The ``generator_config.json`` of a finished dataset, or None."""
    path = osp.join(out_dir, CONFIG_FILE)
    if not osp.isfile(path):
        return None
    with open(path) as f:
        return json.load(f)


def _remove_old_images(out_dir: str) -> None:
    img_dir = osp.join(out_dir, 'images')
    if osp.isdir(img_dir):
        for name in os.listdir(img_dir):
            if _IMAGE_NAME.match(name):
                os.remove(osp.join(img_dir, name))


def generate_dataset(out_dir: str,
                     config: Optional[GeneratorConfig] = None,
                     overwrite: bool = False,
                     progress: bool = True) -> Dict[str, Dict[str, str]]:
    """Generate both splits and write ``generator_config.json`` last.

    Args:
        out_dir (str): Dataset root (created if needed).
        config (GeneratorConfig, optional): Default ``GeneratorConfig()``.
        overwrite (bool): Replace a finished dataset in ``out_dir``
            (its ``train_*``/``val_*`` images are deleted first). Default
            False: a finished dataset raises FileExistsError.
        progress (bool): Show progress bars. Default True.

    Returns:
        dict: ``{split: split_paths(...)}`` plus ``config_file``.
    """
    config = config if config is not None else GeneratorConfig()
    config.validate()
    if read_config(out_dir) is not None:
        if not overwrite:
            raise FileExistsError(
                f'out_dir {out_dir!r} already holds a synthetic dataset '
                f'({CONFIG_FILE}); pass overwrite=True to replace it')
        os.remove(osp.join(out_dir, CONFIG_FILE))
        _remove_old_images(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    result: Dict[str, Any] = {}
    for split, num in (('train', config.num_train), ('val', config.num_val)):
        result[split] = generate_split(config, split, num, out_dir, progress)
    cfg_dict = dict(notice=NOTICE, **config.to_dict())
    atomic_write_text(osp.join(out_dir, 'README.md'), data_readme(cfg_dict))
    result['config_file'] = osp.join(out_dir, CONFIG_FILE)
    with atomic_open(result['config_file']) as f:
        json.dump(cfg_dict, f, indent=2)
    return result
