"""Parametric pose NMS (RMPE, Fang et al. ICCV 2017; rmpe-method.md s. 3).

Public entry points: :func:`parametric_pose_nms` (one image) and
:func:`batched_parametric_pose_nms` (many images at once).

Design (documented defaults and deviations; every constant is a field of
:class:`~.pose_nms_params.PoseNMSParams`, overridable by name):

- The default preset is output-identical to AlphaPose master's
  ``pose_nms_body``: same picks in the same order, same clusters, same
  merged keypoints and scores to float32 precision, including its quirks
  (zero scores set to 1e-5, pixel distances, 1-pixel gate, unsquared spatial
  term, the match count ``dist / min(ref, 7) <= 1`` (never true when
  ``ref = 0``), merge radius ``min(ref, 15)``, score threshold on the max
  joint score before and after merging, area threshold, final score
  ``mean + bbox_score + 1.25 * max``).
- Direction of the test: the paper writes "eliminate if d <= eta", but d is
  a similarity; as every released code, a candidate is eliminated when
  ``d > gamma``.
- The reference pose is always in its own cluster. AlphaPose would pick it a
  second time when its self-similarity does not exceed ``gamma`` while some
  other candidate's does (impossible with the default constants for
  K >= 5 and a non-empty box).
- K = 1 works (AlphaPose raises on a shape error there). A merged joint
  whose weights sum to 0 (only with ``zero_score=None`` or negative scores)
  is the reference's joint with score 0. Negative scores are used as given.
- ``'paper_mpii'`` (paper-era code): distances normalised by ``ref``, gate
  ``dist / ref <= 1``, spatial ``exp(-(dist / ref) / delta2)``, no match
  count, merged score = max of the merged joints, score threshold 0 on the
  mean score. Gap-filling choices: merge radius ``ref`` (no cap), zero
  scores still replaced by 1e-5, ``dist / ref`` of a zero-size box is 0 for
  coincident joints and inf otherwise.
- ``distance_form='paper'`` (as the paper writes it, no preset): gate = the
  joint lies in a box of ``gate_box_frac`` (1/10) of the reference's box
  sides centred on the reference joint, spatial term ``exp(-dist**2 /
  delta2)`` in pixels; merge and match as in the other forms. The match
  count always uses pixel distances.
- ``'alphapose_fullbody'``: AlphaPose's ``pose_nms_fullbody`` with its
  regression constants, face/hand factors and weights, the keypoint term
  counting only joints whose candidate score is below ``score_thr`` and the
  spatial term only the others, the part bounds of the similarity from the
  end (42 hand, 68 face joints) and of the match count hard-coded to 26/94
  (also for 133 joints, as AlphaPose), and its match count normalised by
  ``2 * alive * valid`` in float32 (reproduced exactly).
- Computation is float64 on the CPU (torch tensors are moved there,
  outputs moved back to the input's device and dtype); the greedy order uses
  float64 mean scores summed in joint order (ties: input order), so two
  candidates whose float32 means differ by less than ~1e-7 may be ordered
  differently from AlphaPose's float32 means (and candidates whose means
  differ only in the last bit through another summation order, e.g.
  numpy's pairwise sum, differently from such a float64 mean).
  ``score_thr`` and ``zero_score`` are rounded to the precision of
  ``keypoint_scores``, as AlphaPose's float32 comparisons do (bfloat16
  scores: float32).
- Speed: everything after the input checks is one compiled kernel
  (:mod:`.pose_nms_kernel`, numba, compiled on the first call on a machine
  and cached on disk). Pairs that provably cannot interact (every joint
  farther than the radius beyond which neither the similarity can exceed
  gamma nor a joint match; for the paper form's gate box, its
  half-diagonal) are pruned exactly, by a sweep along x over the joints'
  bounding boxes and the closest joint pair; the similarity and match count
  of all remaining pairs are computed at once; a greedy pass over the
  sorted candidates forms the clusters; every cluster is merged.
"""
from dataclasses import dataclass
from typing import Any, List, Tuple, Union

import numpy as np
import torch

from .pose_nms_core import CoreResult, run_pose_nms
from .pose_nms_kernel import first_invalid
from .pose_nms_params import PoseNMSParams, resolve_pose_nms_params

ArrayLike = Union[np.ndarray, torch.Tensor]


@dataclass
class PoseNMSResult:
    """Output of the parametric pose NMS for one image.

    Attributes:
        keep: (M,) int indices of the kept reference poses, in pick order.
        keypoints: (M, K, 2) merged joints.
        keypoint_scores: (M, K) merged joint scores.
        scores: (M,) final person scores
            (``mean + bbox_score + max_score_weight * max`` of the merged
            joint scores).
        clusters: M int arrays, the input indices merged into each pose
            (ascending; each contains its ``keep`` index).
    """
    keep: ArrayLike
    keypoints: ArrayLike
    keypoint_scores: ArrayLike
    scores: ArrayLike
    clusters: List[ArrayLike]

    def __len__(self) -> int:
        return len(self.keep)


@dataclass
class BatchedPoseNMSResult(PoseNMSResult):
    """Output of :func:`batched_parametric_pose_nms`.

    Same fields as :class:`PoseNMSResult` with indices into the flat input,
    images in ascending ``image_ids`` order, picks in pick order within an
    image, plus:

    Attributes:
        image_ids: (M,) image id of each kept pose.
    """
    image_ids: Any = None


_INPUT_NAMES = ('bboxes', 'bbox_scores', 'keypoints', 'keypoint_scores')


class _Converted:
    """Validated float64 numpy views (or copies) of the inputs and what to
    convert the outputs back to. The inputs are never written to."""

    def __init__(self, bboxes: ArrayLike, bbox_scores: ArrayLike,
                 keypoints: ArrayLike, keypoint_scores: ArrayLike) -> None:
        self.is_torch = isinstance(keypoints, torch.Tensor)
        self.device = keypoints.device if self.is_torch else None
        self.kpt_dtype = _float_dtype(keypoints)
        self.score_dtype = _float_dtype(keypoint_scores)
        self.numpy_score_dtype = _numpy_dtype(self.score_dtype)
        self.bboxes = _as_float64('bboxes', bboxes)
        self.bbox_scores = _as_float64('bbox_scores', bbox_scores)
        self.keypoints = _as_float64('keypoints', keypoints)
        self.keypoint_scores = _as_float64('keypoint_scores',
                                           keypoint_scores)
        _check_shapes(self.bboxes, self.bbox_scores, self.keypoints,
                      self.keypoint_scores)
        _check_values(self.bboxes, self.bbox_scores, self.keypoints,
                      self.keypoint_scores)

    def out_float(self, array: np.ndarray, like: str) -> ArrayLike:
        dtype = self.kpt_dtype if like == 'keypoints' else self.score_dtype
        if self.is_torch:
            return torch.from_numpy(array).to(device=self.device, dtype=dtype)
        return array.astype(dtype, copy=False)

    def out_index(self, array: np.ndarray) -> ArrayLike:
        if self.is_torch:
            return torch.from_numpy(array).to(self.device)
        return array

    def result(self, core: CoreResult) -> dict:
        if self.is_torch:
            sizes = np.diff(core.member_bounds).tolist()
            clusters = list(self.out_index(core.members).split(sizes))
        else:
            clusters = core.clusters()
        return dict(
            keep=self.out_index(core.keep),
            keypoints=self.out_float(core.keypoints, 'keypoints'),
            keypoint_scores=self.out_float(core.keypoint_scores, 'scores'),
            scores=self.out_float(core.scores, 'scores'),
            clusters=clusters)

    def run(self, params: PoseNMSParams,
            group_codes: np.ndarray) -> CoreResult:
        """The pose NMS of the converted inputs."""
        return run_pose_nms(params, self.bboxes, self.bbox_scores,
                            self.keypoints, self.keypoint_scores, group_codes,
                            self.numpy_score_dtype)


def _float_dtype(x: ArrayLike):
    """The floating dtype outputs derived from ``x`` take."""
    if isinstance(x, torch.Tensor):
        return x.dtype if x.is_floating_point() else torch.float64
    dtype = x.dtype if isinstance(x, np.ndarray) else np.asarray(x).dtype
    return dtype if dtype.kind == 'f' else np.dtype(np.float64)


def _numpy_dtype(dtype) -> np.dtype:
    """Numpy dtype with the precision of a numpy/torch floating dtype."""
    if isinstance(dtype, torch.dtype):
        if dtype == torch.bfloat16:
            return np.dtype(np.float32)
        return torch.empty(0, dtype=dtype).numpy().dtype
    return np.dtype(dtype)


def _as_float64(name: str, x: Any) -> np.ndarray:
    """C-contiguous float64 numpy array (no copy when ``x`` already is)."""
    if isinstance(x, torch.Tensor):
        x = x.detach().to(device='cpu', dtype=torch.float64).numpy()
    try:
        return np.ascontiguousarray(x, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f'`{name}` must be a numeric array or tensor, got '
                         f'{type(x).__name__}: {err}') from err


def _check_shapes(bboxes: np.ndarray, bbox_scores: np.ndarray,
                  keypoints: np.ndarray, keypoint_scores: np.ndarray) -> None:
    if keypoints.ndim != 3 or keypoints.shape[2] != 2 \
            or keypoints.shape[1] < 1:
        raise ValueError('`keypoints` must have shape (N, K, 2) with K >= 1, '
                         f'got {keypoints.shape}')
    num, num_k = keypoints.shape[:2]
    expected = {
        'bboxes': (bboxes, (num, 4)),
        'bbox_scores': (bbox_scores, (num, )),
        'keypoint_scores': (keypoint_scores, (num, num_k)),
    }
    for name, (array, shape) in expected.items():
        if array.shape != shape:
            raise ValueError(f'`{name}` must have shape {shape} to match '
                             f'`keypoints` {keypoints.shape}, got '
                             f'{array.shape}')


def _check_values(*arrays: np.ndarray) -> None:
    """Raise naming the input of the first NaN/inf or negative-size box."""
    which, index = first_invalid(*arrays)
    if which < 0:
        return
    if which == 4:
        box = arrays[0][index].tolist()
        raise ValueError('`bboxes` must be x1y1x2y2 with x2 >= x1 and '
                         f'y2 >= y1, got a negative size at index {index}: '
                         f'{box}')
    array = arrays[which]
    where = tuple(int(i) for i in np.unravel_index(index, array.shape))
    raise ValueError(f'`{_INPUT_NAMES[which]}` must be finite, got '
                     f'{array[where]} at index {where}')


def _resolve(preset: Union[str, PoseNMSParams],
             overrides: dict) -> PoseNMSParams:
    return resolve_pose_nms_params(preset, **overrides)


def parametric_pose_nms(bboxes: ArrayLike,
                        bbox_scores: ArrayLike,
                        keypoints: ArrayLike,
                        keypoint_scores: ArrayLike,
                        preset: Union[str, PoseNMSParams] = 'alphapose_body',
                        **overrides: Any) -> PoseNMSResult:
    """Parametric pose NMS of the candidate poses of one image.

    Greedy: the alive pose with the highest human score (mean keypoint score)
    becomes the reference; every alive pose whose similarity to it is
    greater than ``gamma``, or which has at least ``match_thr`` joints within
    the match radius, joins its cluster and dies; each cluster is merged
    into one pose by score-weighted averaging, then filtered by the score and
    area thresholds. Pairs that provably cannot interact are pruned exactly
    before the vectorised pairwise similarity.

    Args:
        bboxes: (N, 4) detection boxes x1y1x2y2 in pixels.
        bbox_scores: (N,) detection scores.
        keypoints: (N, K, 2) joints in pixels.
        keypoint_scores: (N, K) joint scores.
        preset (str | PoseNMSParams): ``'alphapose_body'`` (default,
            AlphaPose master ``pose_nms_body``), ``'paper_mpii'`` (paper-era
            normalised form) or ``'alphapose_fullbody'`` (133/136 joints),
            or ready parameters.
        **overrides: Any field of :class:`PoseNMSParams` by name (e.g.
            ``gamma=20``, ``distance_form='paper'``, ``match_thr=None``).

    Returns:
        PoseNMSResult: numpy arrays for numpy inputs, tensors on the device
        of ``keypoints`` for tensor inputs. Inputs are never modified.

    Edge cases: N = 0 gives an empty result; all-zero scores become
    ``zero_score`` and are then dropped by ``score_thr`` (kept when it is
    <= zero_score); coincident poses collapse into the first (lowest index)
    whenever their self-similarity exceeds ``gamma`` or they have at least
    ``match_thr`` joints and a non-empty box (always with the presets for
    K >= 5); zero-size boxes have ``ref = 0``, so no joint matches and only
    coincident joints merge. NaN/inf, shape mismatches and boxes with
    x2 < x1 or y2 < y1 raise ``ValueError`` naming the input.
    """
    params = _resolve(preset, overrides)
    conv = _Converted(bboxes, bbox_scores, keypoints, keypoint_scores)
    codes = np.zeros(conv.keypoints.shape[0], dtype=np.int64)
    return PoseNMSResult(**conv.result(conv.run(params, codes)))


def batched_parametric_pose_nms(bboxes: ArrayLike,
                                bbox_scores: ArrayLike,
                                keypoints: ArrayLike,
                                keypoint_scores: ArrayLike,
                                image_ids: ArrayLike,
                                preset: Union[str, PoseNMSParams] = (
                                    'alphapose_body'),
                                **overrides: Any) -> BatchedPoseNMSResult:
    """Parametric pose NMS of the candidates of many images in one call.

    Equivalent to calling :func:`parametric_pose_nms` per image (candidates
    of different images never interact) but vectorised across images.

    Args:
        bboxes, bbox_scores, keypoints, keypoint_scores: As for
            :func:`parametric_pose_nms`, the candidates of all images.
        image_ids: (N,) image of each candidate (any sortable values).
        preset (str | PoseNMSParams): See :func:`parametric_pose_nms`.
        **overrides: See :func:`parametric_pose_nms`.

    Returns:
        BatchedPoseNMSResult: Indices refer to the flat inputs; images come
        in ascending id order, poses in pick order within an image.
    """
    params = _resolve(preset, overrides)
    conv = _Converted(bboxes, bbox_scores, keypoints, keypoint_scores)
    ids = image_ids.detach().cpu().numpy() if isinstance(
        image_ids, torch.Tensor) else np.asarray(image_ids)
    if ids.shape != (conv.keypoints.shape[0], ):
        raise ValueError(f'`image_ids` must have shape '
                         f'({conv.keypoints.shape[0]},) to match `keypoints` '
                         f'{conv.keypoints.shape}, got {ids.shape}')
    codes = np.unique(ids, return_inverse=True)[1].reshape(-1)
    core = conv.run(params, codes.astype(np.int64, copy=False))
    kept_ids = ids[core.keep]
    if isinstance(image_ids, torch.Tensor):
        kept_ids = torch.from_numpy(np.ascontiguousarray(kept_ids)).to(
            image_ids.device)
    return BatchedPoseNMSResult(image_ids=kept_ids, **conv.result(core))


def pose_nms_params(preset: Union[str, PoseNMSParams] = 'alphapose_body',
                    **overrides: Any) -> PoseNMSParams:
    """The resolved :class:`PoseNMSParams` of a preset with overrides."""
    return _resolve(preset, overrides)


__all__: Tuple[str, ...] = ('PoseNMSResult', 'BatchedPoseNMSResult',
                            'parametric_pose_nms',
                            'batched_parametric_pose_nms', 'pose_nms_params')
