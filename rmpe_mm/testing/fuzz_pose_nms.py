"""Fuzz target of the parametric pose NMS: random arrays of every odd kind.

Valid but odd inputs must give a well-formed result: no candidate, one
person, all-identical poses, zero-area boxes, huge coordinates, zero or
negative scores, integer or float16 arrays, torch tensors, many images at
once. Invalid ones must raise a ``ValueError`` naming the input
(``bboxes``, ``bbox_scores``, ``keypoints``, ``keypoint_scores`` or
``image_ids``): NaN/inf anywhere, a wrong shape, non-numeric values,
negative-size boxes.
"""
import math
from typing import Any, Dict, List, Tuple

import numpy as np
import torch

from .fuzz import FuzzCase, FuzzTarget

NAMES = ('bboxes', 'bbox_scores', 'keypoints', 'keypoint_scores')
PRESETS = ('alphapose_body', 'paper_mpii')
#: Kinds of valid inputs and of invalid ones (drawn uniformly).
VALID_KINDS = ('random', 'empty', 'one_person', 'identical', 'zero_area',
               'huge', 'zero_scores', 'negative_scores', 'batched', 'fullbody')
INVALID_KINDS = ('nan', 'inf', 'wrong_shape', 'wrong_dtype', 'negative_box',
                 'bad_image_ids')


def _people(rng: np.random.Generator,
            num: int,
            num_k: int,
            scale: float = 100.0) -> Dict[str, np.ndarray]:
    """``num`` random candidates with ``num_k`` joints inside their boxes."""
    center = rng.uniform(0, 4 * scale, (num, 1, 2))
    size = rng.uniform(0.1, 1.0, (num, 1, 2)) * scale
    kpts = center + rng.uniform(-0.5, 0.5, (num, num_k, 2)) * size
    boxes = np.concatenate([center - size / 2, center + size / 2],
                           -1).reshape(num, 4)
    return dict(
        bboxes=boxes,
        bbox_scores=rng.uniform(0, 1, num),
        keypoints=kpts,
        keypoint_scores=rng.uniform(0, 1, (num, num_k)))


def _valid(rng: np.random.Generator, kind: str) -> Dict[str, Any]:
    """A valid input of ``kind`` (arrays plus ``preset``/``image_ids``)."""
    num_k = int(rng.choice([1, 2, 5, 16, 17]))
    num = int(rng.integers(1, 12))
    extra: Dict[str, Any] = dict(preset=str(rng.choice(PRESETS)))
    if kind == 'empty':
        num = 0
    elif kind == 'one_person':
        num = 1
    elif kind == 'fullbody':
        num_k, extra['preset'] = 133, 'alphapose_fullbody'
    arrays = _people(rng, num, num_k)
    if kind == 'identical':
        arrays = {k: np.repeat(v[:1], num, 0) for k, v in arrays.items()}
    elif kind == 'zero_area':
        arrays['bboxes'][:, 2:] = arrays['bboxes'][:, :2]
        if rng.random() < 0.5:
            arrays['keypoints'][:] = arrays['bboxes'][:, None, :2]
    elif kind == 'huge':
        factor = 10.0**float(rng.integers(6, 150))
        arrays['bboxes'] *= factor
        arrays['keypoints'] *= factor
    elif kind == 'zero_scores':
        arrays['keypoint_scores'][rng.random((num, num_k)) < 0.7] = 0.0
    elif kind == 'negative_scores':
        arrays['keypoint_scores'] -= 0.5
        arrays['bbox_scores'] -= 0.5
    elif kind == 'batched':
        extra['image_ids'] = rng.integers(0, 3, num)
    if kind != 'huge':  # huge values overflow float16/32 and int64
        arrays = _convert(rng, arrays)
    return dict(arrays=arrays, **extra)


def _convert(rng: np.random.Generator,
             arrays: Dict[str, np.ndarray]) -> Dict[str, Any]:
    """Same values as numpy/torch, float64/32/16 or int (valid dtypes)."""
    form = int(rng.integers(5))
    if form == 0:
        return {k: torch.from_numpy(v) for k, v in arrays.items()}
    if form == 1:
        return {k: torch.from_numpy(v).float() for k, v in arrays.items()}
    if form == 2:
        return {k: v.astype(np.float32) for k, v in arrays.items()}
    if form == 3:
        return {k: np.round(v).astype(np.int64) for k, v in arrays.items()}
    return arrays


def _invalid(rng: np.random.Generator, kind: str) -> Tuple[dict, str]:
    """An invalid input of ``kind`` and the input name the error needs."""
    num_k = int(rng.choice([1, 5, 17]))
    num = int(rng.integers(1, 8))
    arrays = _people(rng, num, num_k)
    name = str(rng.choice(NAMES))
    extra: Dict[str, Any] = dict(preset=str(rng.choice(PRESETS)))
    if kind in ('nan', 'inf'):
        flat = arrays[name].reshape(-1)
        flat[rng.integers(flat.size)] = (
            math.nan if kind == 'nan' else -math.inf * rng.choice([-1, 1]))
    elif kind == 'wrong_shape':
        shape = list(arrays[name].shape)
        axis = int(rng.integers(len(shape)))
        shape[axis] += int(rng.choice([-1, 1, 2]))
        if rng.random() < 0.3:
            shape.append(1)
        arrays[name] = rng.uniform(0, 1, [max(s, 0) for s in shape])
        if name == 'keypoints' and rng.random() < 0.5:
            # the others then mismatch the keypoints' N/K: any may be named
            name = ''
    elif kind == 'wrong_dtype':
        bad = [
            np.full(arrays[name].shape, 'a'), None, 'abc', {
                'a': 1
            },
            np.full(arrays[name].shape, None, dtype=object), arrays[name] + 1j
        ]
        arrays[name] = bad[rng.integers(len(bad))]
    elif kind == 'negative_box':
        i = int(rng.integers(num))
        axis = int(rng.integers(2))
        arrays['bboxes'][i, axis + 2] = arrays['bboxes'][i, axis] - 1.0
        name = 'bboxes'
    else:
        extra['image_ids'] = rng.integers(0, 3, num + int(rng.integers(1, 3)))
        name = 'image_ids'
    return dict(arrays=arrays, **extra), name


def _check(num: int) -> Any:
    """Result checks: consistent lengths, indices within the input."""

    def check(result: Any) -> None:
        keep = np.asarray(result.keep)
        num_kept = len(keep)
        assert np.asarray(result.keypoints).shape[0] == num_kept
        assert np.asarray(result.keypoint_scores).shape[0] == num_kept
        assert np.asarray(result.scores).shape == (num_kept, )
        assert len(result.clusters) == num_kept
        assert ((keep >= 0) & (keep < num)).all()
        for pick, members in zip(keep.tolist(), result.clusters):
            assert pick in np.asarray(members).tolist()

    return check


def _call(spec: Dict[str, Any]) -> Any:
    """Run the NMS on one spec (one image, or many with image_ids)."""
    from rmpe_mm.evaluation.functional.pose_nms import (
        batched_parametric_pose_nms, parametric_pose_nms)
    arrays = [spec['arrays'][k] for k in NAMES]
    if 'image_ids' in spec:
        return batched_parametric_pose_nms(
            *arrays, spec['image_ids'], preset=spec['preset'])
    return parametric_pose_nms(*arrays, preset=spec['preset'])


def make_case(rng: np.random.Generator, work_dir: str) -> FuzzCase:
    """One valid (odd) or invalid pose NMS input."""
    if rng.random() < 0.5:
        kind = str(rng.choice(VALID_KINDS))
        spec = _valid(rng, kind)
        num = len(spec['arrays']['bbox_scores'])
        return FuzzCase(
            call=lambda: _call(spec),
            expect='valid',
            names=(),
            label=kind,
            check=_check(num))
    kind = str(rng.choice(INVALID_KINDS))
    spec, name = _invalid(rng, kind)
    names: List[str] = [name] if name else []
    return FuzzCase(
        call=lambda: _call(spec), expect='error', names=names, label=kind)


def pose_nms_target() -> FuzzTarget:
    """The pose NMS target (no files)."""
    return FuzzTarget('pose_nms', make_case)
