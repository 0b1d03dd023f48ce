"""Read a chunk of inputs (image paths or arrays) into images and metas."""
import os.path as osp
from typing import List, Optional, Tuple, Union

import mmcv
import numpy as np

from .detection_file import DetectionFile, image_id_from_name

#: One input: an image path or a BGR array.
InputType = Union[str, np.ndarray]


def input_image_id(item: InputType, index: int,
                   det_file: Optional[DetectionFile]) -> int:
    """Image id: detection-file ids, integer stems, else the index.

    Args:
        item (InputType): The input.
        index (int): Its index among all inputs of the call.
        det_file (DetectionFile, optional): Maps file names to the ids of
            its detections.

    Returns:
        int: The image id.
    """
    if not isinstance(item, str):
        return index
    if det_file is not None:
        return det_file.image_id(item)
    stem = osp.splitext(osp.basename(item))[0]
    return image_id_from_name(item) if stem.isdigit() else index


def load_chunk(
        chunk: list, start: int, det_file: Optional[DetectionFile]
) -> Tuple[List[np.ndarray], List[dict]]:
    """BGR images and meta information of a chunk of inputs.

    Args:
        chunk (list): Inputs (paths or BGR arrays).
        start (int): Index of the chunk's first input among all inputs.
        det_file (DetectionFile, optional): See :func:`input_image_id`.

    Returns:
        tuple: The images and one meta dict per image (``img_path``: the
        path, or ``'<index>.jpg'`` for an array; ``img_id``;
        ``input_index``; ``ori_shape``).

    Raises:
        FileNotFoundError: A path that does not exist or cannot be read.
        ValueError: An input that is neither a path nor an array.
    """
    images, metas = [], []
    for offset, item in enumerate(chunk):
        index = start + offset
        if isinstance(item, str):
            if not osp.isfile(item):
                raise FileNotFoundError(f'input image {item!r} does not exist')
            image = mmcv.imread(item)
            if image is None:
                raise FileNotFoundError(f'cannot read image {item!r}')
            path = item
        elif isinstance(item, np.ndarray):
            image, path = item, f'{index}.jpg'
        else:
            raise ValueError(f'input {index} must be a path or an image '
                             f'array, got {type(item).__name__}')
        images.append(image)
        metas.append(
            dict(
                img_path=path,
                img_id=input_image_id(item, index, det_file),
                input_index=index,
                ori_shape=image.shape[:2]))
    return images, metas
