"""Write and read the official MPII multi-person submission ``.mat``.

The toolkit's ``evaluateAP.m`` loads ``pred`` from
``pred_keypoints_mpii_multi.mat``: one entry per multi-person test group,
in the order of ``getMultiPersonGroups.m`` (test images in annolist order,
groups in ``groups_v12.mat`` order), with
``pred(i).annorect(r).annopoints.point(p).{id, x, y, score}`` and 1-based
(MATLAB) pixel coordinates. ``pred(i).image.name`` and
``pred(i).annorect(r).score`` are written but not used by the evaluation.

:func:`write_mpii_submission` writes this layout and
:func:`read_mpii_submission` reads it back, whichever program wrote it
(fields in any order, ``image`` and the person score optional).
"""
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np
from scipy.io import savemat

from rmpe_mm.datasets.mpii_multi_person_format import NUM_MPII_JOINTS
from rmpe_mm.datasets.mpii_release import iter_mpii_annolist, iter_mpii_points
from rmpe_mm.utils.atomic_io import atomic_path
from rmpe_mm.utils.file_errors import naming_file
from rmpe_mm.utils.matlab_struct import mat_elements, mat_field, mat_number

#: Variable of the submission file.
SUBMISSION_VAR = 'pred'


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


def write_mpii_submission(path: str,
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
    with atomic_path(path) as tmp:
        savemat(tmp, {'pred': pred}, do_compression=True)
    return path


@dataclass(frozen=True)
class MpiiSubmissionGroup:
    """One ``pred`` entry (one group) of a submission.

    Attributes:
        name (str | None): ``image.name``, or None when the entry has none.
        keypoints (np.ndarray): ``(P, 16, 2)`` float64, MPII ids as joint
            axis; NaN where the pose has no point of that id.
        keypoint_scores (np.ndarray): ``(P, 16)`` float64, NaN likewise.
    """
    name: Optional[str]
    keypoints: np.ndarray
    keypoint_scores: np.ndarray


def read_mpii_submission(path: str,
                         coord_offset: float = -1.0
                         ) -> List[MpiiSubmissionGroup]:
    """Read a submission in the toolkit's ``pred`` layout.

    Every point present is a detection, as in ``assignGTmulti.m``; a joint
    without a point is not predicted (NaN). Two choices where the official
    code has no answer: a person without ``annopoints`` is a pose without
    joints (the official code stops with an error), and a non-finite or
    missing ``x``, ``y`` or ``score`` is an error (it would count as a
    false detection there, a NaN score ranked first).

    Args:
        path (str): The ``.mat`` file (variable ``pred``).
        coord_offset (float): Added to every coordinate. Default: -1.0,
            back to the 0-based pixels :func:`write_mpii_submission` was
            given (it adds 1); 0 keeps the file's MATLAB pixels.

    Returns:
        list[MpiiSubmissionGroup]: One per ``pred`` entry, in file order;
        poses in ``annorect`` order.

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: ``pred`` is missing or a field is malformed (the
            message names the field, MATLAB-style, and the value).
    """
    with naming_file(path):
        return [
            _parse_group(entry, where, name, coord_offset)
            for _, entry, where, name in iter_mpii_annolist(
                path, SUBMISSION_VAR)
        ]


def _parse_group(entry, where: str, name: Optional[str],
                 coord_offset: float) -> MpiiSubmissionGroup:
    """The poses of one ``pred`` entry."""
    rects = mat_elements(mat_field(entry, 'annorect'))
    kpts = np.full((len(rects), NUM_MPII_JOINTS, 2), np.nan)
    scores = np.full((len(rects), NUM_MPII_JOINTS), np.nan)
    for r, rect in enumerate(rects):
        r_where = f'{where}.annorect({r + 1})'
        for jid, point, p_where, xy in iter_mpii_points(
                mat_field(rect, 'annopoints'), r_where):
            score = mat_number(mat_field(point, 'score'), f'{p_where}.score')
            if score is None:
                raise ValueError(f'{p_where} has no score')
            kpts[r, jid] = np.asarray(xy) + coord_offset
            scores[r, jid] = score
    return MpiiSubmissionGroup(name, kpts, scores)
