"""Run a person detector over the images of a COCO-style dataset.

The logic of ``tools/detect.py``: batched detection, a progress bar, and
sharding over the processes of a distributed run (each process takes every
``world_size``-th image; rank 0 gathers and orders the results).
"""
import json
import os.path as osp
from typing import Callable, List, Optional, Sequence, Tuple

import mmcv
import numpy as np
import torch.distributed as torch_dist
from mmengine.utils import ProgressBar

from .detection_file import person_boxes_to_coco
from .person_detector import PersonBoxes

#: ``(image_id, image path)`` of one image.
ImageItem = Tuple[int, str]
Detector = Callable[[Sequence[np.ndarray]], List[PersonBoxes]]


def dataset_images(ann_file: str, img_root: str) -> List[ImageItem]:
    """``(id, path)`` of every image of a COCO-style annotation file.

    Args:
        ann_file (str): JSON with an ``images`` list (``id``,
            ``file_name``).
        img_root (str): Directory the file names are relative to.

    Raises:
        FileNotFoundError: If the annotation file does not exist.
        ValueError: If it has no ``images`` or an image lacks a field.
    """
    if not osp.isfile(ann_file):
        raise FileNotFoundError(f'ann_file {ann_file!r} does not exist')
    with open(ann_file) as f:
        data = json.load(f)
    if not isinstance(data, dict) or not isinstance(data.get('images'), list):
        raise ValueError(f'ann_file {ann_file!r} has no "images" list')
    items = []
    for i, image in enumerate(data['images']):
        if 'id' not in image or 'file_name' not in image:
            raise ValueError(f'ann_file {ann_file!r}: images[{i}] needs "id" '
                             f'and "file_name", got keys {sorted(image)}')
        items.append((image['id'], osp.join(img_root, image['file_name'])))
    return items


def _read(path: str) -> np.ndarray:
    image = mmcv.imread(path)
    if image is None:
        raise FileNotFoundError(f'cannot read image {path!r}')
    return image


def detect_images(detector: Detector,
                  items: Sequence[ImageItem],
                  batch_size: int = 8,
                  show_progress: bool = True) -> List[dict]:
    """Detect people in images, ``batch_size`` images per forward pass.

    Args:
        detector (callable): E.g. a :class:`PersonDetector`.
        items (Sequence[tuple]): ``(image_id, path)`` pairs.
        batch_size (int): Images per detector call. Defaults to 8.
        show_progress (bool): Show a progress bar. Defaults to True.

    Returns:
        list[dict]: COCO detection results (``category_id`` 1), images in
        ``items`` order, boxes by descending score.
    """
    if batch_size < 1:
        raise ValueError(f'batch_size must be >= 1, got {batch_size}')
    progress = ProgressBar(len(items)) if show_progress and items else None
    records: List[dict] = []
    for start in range(0, len(items), batch_size):
        chunk = items[start:start + batch_size]
        boxes = detector([_read(path) for _, path in chunk])
        for (image_id, _), image_boxes in zip(chunk, boxes):
            records += person_boxes_to_coco(image_id, image_boxes)
        if progress is not None:
            for _ in chunk:
                progress.update()
    if progress is not None:
        print()
    return records


def _dist_info() -> Tuple[int, int]:
    if torch_dist.is_available() and torch_dist.is_initialized():
        return torch_dist.get_rank(), torch_dist.get_world_size()
    return 0, 1


def _order(records: List[dict], items: Sequence[ImageItem]) -> List[dict]:
    """Dataset image order, then descending score (stable)."""
    position = {image_id: i for i, (image_id, _) in enumerate(items)}
    return sorted(
        records, key=lambda r: (position[r['image_id']], -r['score']))


def detect_dataset(detector: Detector,
                   ann_file: str,
                   img_root: str,
                   batch_size: int = 8,
                   show_progress: bool = True) -> Optional[List[dict]]:
    """Detect people in every image of a dataset, on all processes.

    In a distributed run (``torch.distributed`` initialised) each process
    detects every ``world_size``-th image and rank 0 gathers everything.

    Args:
        detector (callable): E.g. a :class:`PersonDetector`.
        ann_file (str): COCO-style annotation file (its ``images``).
        img_root (str): Image directory.
        batch_size (int): Images per detector call. Defaults to 8.
        show_progress (bool): Progress bar on rank 0. Defaults to True.

    Returns:
        list[dict] | None: On rank 0 the COCO detection results of the whole
        dataset (dataset image order, descending score within an image);
        None on the other ranks.
    """
    items = dataset_images(ann_file, img_root)
    rank, world_size = _dist_info()
    mine = detect_images(detector, items[rank::world_size], batch_size,
                         show_progress and rank == 0)
    if world_size == 1:
        return _order(mine, items)
    gathered = [None] * world_size if rank == 0 else None
    torch_dist.gather_object(mine, gathered, dst=0)
    if rank != 0:
        return None
    return _order([r for part in gathered for r in part], items)
