"""Person boxes the caller gives :class:`~rmpe_mm.apis.RMPEInferencer`, and
MMPose's whole-image box."""
from typing import Sequence, Union

import numpy as np

from .person_detector import PersonBoxes

#: Boxes of one input: (N, 4) ``x1, y1, x2, y2`` or (N, 5) with a score.
BoxesType = Union[np.ndarray, Sequence[Sequence[float]]]


def boxes_from_array(boxes: BoxesType, index: int) -> PersonBoxes:
    """(N, 4) or (N, 5) ``x1, y1, x2, y2[, score]`` -> PersonBoxes.

    Args:
        boxes (BoxesType): The boxes of input ``index``; without a score
            column every box gets score 1.
        index (int): The input's index, for error messages.

    Returns:
        PersonBoxes: float32 copies.

    Raises:
        ValueError: ``boxes`` is not (N, 4) or (N, 5).
    """
    array = np.asarray(boxes, np.float32)
    if array.size == 0:
        return PersonBoxes.empty()
    if array.ndim != 2 or array.shape[1] not in (4, 5):
        raise ValueError(f'bboxes[{index}] must be (N, 4) or (N, 5) '
                         f'x1y1x2y2[score], got shape {array.shape}')
    scores = array[:, 4] if array.shape[1] == 5 else np.ones(
        len(array), np.float32)
    return PersonBoxes(array[:, :4].copy(), scores.copy())


def input_boxes(bboxes: Sequence[BoxesType], index: int) -> PersonBoxes:
    """The boxes of input ``index`` out of a call's ``bboxes=[...]``.

    Raises:
        ValueError: ``bboxes`` has no entry for the input, or the entry is
            not (N, 4) or (N, 5).
    """
    if index >= len(bboxes):
        raise ValueError(f'bboxes has {len(bboxes)} entries but input '
                         f'{index} needs one')
    return boxes_from_array(bboxes[index], index)


def whole_image_box(image: np.ndarray) -> PersonBoxes:
    """One box ``[0, 0, w, h]`` with score 1 (MMPose's whole-image box)."""
    height, width = image.shape[:2]
    return PersonBoxes(
        np.array([[0, 0, width, height]], np.float32),
        np.ones((1, ), np.float32))
