"""Run a top-down pose model's test pipeline on every person box."""
from typing import Callable, List, Mapping, Tuple

import numpy as np

from .person_detector import PersonBoxes


def run_pose_pipeline(pipeline: Callable[[dict], dict], dataset_meta: Mapping,
                      images: List[np.ndarray], metas: List[dict],
                      boxes: List[PersonBoxes]) -> Tuple[list, np.ndarray]:
    """Run the pose pipeline on every box of every image.

    Call it in the pose model's registry scope.

    Args:
        pipeline (callable): The pose model's test pipeline.
        dataset_meta (Mapping): The pose model's dataset meta information,
            added to every sample's input.
        images (list[np.ndarray]): BGR images.
        metas (list[dict]): Their meta information (``img_path``,
            ``img_id``).
        boxes (list[PersonBoxes]): Their person boxes.

    Returns:
        tuple: The pipeline outputs, box after box and image after image,
        and ``owners (M,)`` int64: the image of each.
    """
    samples, owners = [], []
    for i, (image, meta, image_boxes) in enumerate(zip(images, metas, boxes)):
        for box, score in zip(image_boxes.bboxes, image_boxes.scores):
            info = dict(
                img=image,
                img_path=meta['img_path'],
                img_id=meta['img_id'],
                bbox=box[None].copy(),
                bbox_score=np.array([score], np.float32))
            info.update(dataset_meta)
            samples.append(pipeline(info))
            owners.append(i)
    return samples, np.asarray(owners, np.int64)
