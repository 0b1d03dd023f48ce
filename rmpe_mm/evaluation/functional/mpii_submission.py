"""Write multi-person predictions as the official MPII submission ``.mat``.

The toolkit's ``evaluateAP.m`` loads ``pred`` from
``pred_keypoints_mpii_multi.mat``: one entry per multi-person test group,
in the order of ``getMultiPersonGroups.m`` (test images in annolist order,
groups in ``groups_v12.mat`` order), with
``pred(i).annorect(r).annopoints.point(p).{id, x, y, score}`` and 1-based
(MATLAB) pixel coordinates.
"""
import os
import os.path as osp
from typing import Sequence, Tuple

import numpy as np
from scipy.io import savemat


def _struct(shape: Tuple[int, ...], fields: Sequence[str]) -> np.ndarray:
    """An empty MATLAB struct array (numpy record array of objects)."""
    return np.zeros(shape, dtype=[(f, object) for f in fields])


def _points(keypoints: np.ndarray, scores: np.ndarray,
            offset: float) -> np.ndarray:
    """The ``point`` struct array of one pose (joints with finite values)."""
    valid = np.nonzero(np.isfinite(keypoints).all(1) & np.isfinite(scores))[0]
    points = _struct((1, len(valid)), ('id', 'x', 'y', 'score'))
    for col, j in enumerate(valid):
        points[0, col] = (float(j), float(keypoints[j, 0] + offset),
                          float(keypoints[j, 1] + offset), float(scores[j]))
    return points


def _pose_score(scores: np.ndarray) -> float:
    """Mean of the finite joint scores (0 if none): the ``annorect.score``
    the toolkit stores but does not use for the AP."""
    finite = scores[np.isfinite(scores)]
    return float(finite.mean()) if finite.size else 0.0


def write_mpii_submission(
        path: str,
        groups: Sequence[Tuple[str, np.ndarray, np.ndarray]],
        coord_offset: float = 1.0) -> str:
    """Save predictions in the toolkit's ``pred`` layout.

    Args:
        path (str): Output ``.mat`` path (folders are created).
        groups (Sequence[tuple]): Per group, in the official order,
            ``(image_name, keypoints (P, 16, 2), keypoint_scores (P, 16))``
            with MPII joint ids as the joint axis; ``P`` may be 0.
        coord_offset (float): Added to coordinates to return to MATLAB's
            1-based pixels (undoes the converter's -1). Default: 1.0.

    Returns:
        str: ``path``.

    Raises:
        ValueError: shapes are inconsistent.
    """
    pred = _struct((1, len(groups)), ('image', 'annorect'))
    for i, (name, kpts, scores) in enumerate(groups):
        kpts = np.asarray(kpts, dtype=np.float64)
        scores = np.asarray(scores, dtype=np.float64)
        if kpts.ndim != 3 or kpts.shape[2] != 2 or \
                scores.shape != kpts.shape[:2]:
            raise ValueError(f'group {i} ({name!r}): keypoints must be '
                             f'(P, K, 2) and scores (P, K), got {kpts.shape}'
                             f' and {scores.shape}')
        image = _struct((1, 1), ('name', ))
        image[0, 0] = (str(name), )
        rects = _struct((1, len(kpts)), ('annopoints', 'score'))
        for r in range(len(kpts)):
            annopoints = _struct((1, 1), ('point', ))
            annopoints[0, 0] = (_points(kpts[r], scores[r], coord_offset), )
            rects[0, r] = (annopoints, _pose_score(scores[r]))
        pred[0, i] = (image, rects)
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    savemat(path, {'pred': pred}, do_compression=True)
    return path
