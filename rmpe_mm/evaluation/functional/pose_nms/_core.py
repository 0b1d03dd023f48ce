"""Core of the parametric pose NMS: input checks, packed parameters and the
kernel call (private to :mod:`rmpe_mm.evaluation.functional.pose_nms`).

:class:`ConvertedInputs` validates the inputs and converts them to float64
numpy arrays (and the outputs back); :func:`run_pose_nms` packs the
parameters (cached) and runs the compiled kernel (:mod:`._kernel`).
"""
import math
import threading
from functools import lru_cache
from typing import Any, List, NamedTuple, Tuple, Union

import numpy as np
import torch
from mmengine.logging import print_log

from . import _kernel as kernel
from .params import DISTANCE_FORMS, PoseNMSParams

ArrayLike = Union[np.ndarray, torch.Tensor]


class CoreResult(NamedTuple):
    """Output of :func:`run_pose_nms` (input indices, numpy float64).

    Attributes:
        keep (np.ndarray): (M,) input index of each kept reference.
        keypoints (np.ndarray): (M, K, 2) merged joints.
        keypoint_scores (np.ndarray): (M, K) merged scores.
        scores (np.ndarray): (M,) final person scores.
        members (np.ndarray): (Q,) input indices merged into the kept poses,
            pose after pose, each pose's ascending.
        member_bounds (np.ndarray): (M + 1,) pose ``m`` merged
            ``members[member_bounds[m]:member_bounds[m + 1]]``.
    """
    keep: np.ndarray
    keypoints: np.ndarray
    keypoint_scores: np.ndarray
    scores: np.ndarray
    members: np.ndarray
    member_bounds: np.ndarray

    def clusters(self) -> List[np.ndarray]:
        """The merged input indices of each kept pose (views)."""
        ends = self.member_bounds.tolist()
        return [self.members[s:e] for s, e in zip(ends[:-1], ends[1:])]


def round_to(value: float, dtype: np.dtype) -> float:
    """``value`` as the nearest number of ``dtype`` (as torch compares)."""
    return float(np.asarray(value, dtype=dtype))


def fullbody_parts(params: PoseNMSParams,
                   num_keypoints: int) -> Tuple[int, int]:
    """Start indices of the face and hand parts of the fullbody similarity.

    Returns:
        tuple[int, int]: ``(face_start, hand_start)``.
    """
    hand_start = num_keypoints - params.num_hand
    face_start = hand_start - params.num_face
    if params.num_face < 1 or params.num_hand < 1 or face_start < 1:
        raise ValueError(
            'layout="fullbody" needs K > num_face + num_hand with num_face, '
            f'num_hand >= 1; got K={num_keypoints}, num_face='
            f'{params.num_face}, num_hand={params.num_hand}')
    return face_start, hand_start


def _joint_factors(params: PoseNMSParams,
                   num_keypoints: int) -> Tuple[np.ndarray, np.ndarray]:
    """(K,) distance factors of the spatial term and of the match radius."""
    spatial = np.ones(num_keypoints)
    match = np.ones(num_keypoints)
    if params.layout == 'fullbody':
        face_start, hand_start = fullbody_parts(params, num_keypoints)
        spatial[face_start:hand_start] = params.face_factor
        spatial[hand_start:] = params.hand_factor
        b0, b1 = params.match_part_bounds
        match[b0:b1] = params.face_factor
        match[b1:] = params.hand_factor
    return spatial, match


def spatial_radius(params: PoseNMSParams, num_keypoints: int,
                   spatial_factor: np.ndarray) -> float:
    """Distance (in the units of the form's spatial term ``q``) beyond which
    the spatial term alone cannot exceed gamma: past the gate the keypoint
    term is 0 and the spatial term is at most
    ``mu * W * exp(-q / (delta2 * f_max))``.

    Returns ``inf`` when no finite radius exists (gamma <= 0).
    """
    if params.layout == 'fullbody':
        weight = 1.0 + params.face_weight_dist + params.hand_weight_dist
    else:
        weight = float(num_keypoints)
    top = params.mu * weight
    if top <= params.gamma:
        return 0.0
    if params.gamma <= 0:
        return math.inf
    f_max = float(spatial_factor.max())
    return params.delta2 * f_max * math.log(top / params.gamma)


def _pruning_terms(params: PoseNMSParams, num_keypoints: int,
                   spatial_factor: np.ndarray,
                   match_factor: np.ndarray) -> Tuple[float, ...]:
    """``(const, c_ref, c_diag, c_match)`` of the per-reference pruning
    radius ``max(const, c_ref * ref, c_diag * hypot(w, h),
    c_match * min(ref, match_radius_cap))``: a pair whose joints are all
    farther apart than it can neither be similar enough nor match.
    """
    spatial = spatial_radius(params, num_keypoints, spatial_factor)
    const = c_ref = c_diag = c_match = 0.0
    form = params.distance_form
    if form == 'pixel':
        const = max(params.gate_radius, spatial)
    elif form == 'normalized':
        if math.isinf(spatial):
            const = math.inf
        else:
            c_ref = max(params.gate_radius, spatial)
    else:
        # A joint inside the gate box (gate_box_frac of the box sides) is
        # within gate_box_frac / 2 * hypot(w, h) of the reference joint.
        const = math.sqrt(spatial)
        c_diag = params.gate_box_frac / 2
    if params.match_thr is not None:
        if params.match_thr <= 0:
            const = math.inf
        else:
            c_match = float(match_factor.max())
    return const, c_ref, c_diag, c_match


@lru_cache(maxsize=256)
def pack_params(params: PoseNMSParams, num_keypoints: int,
                score_dtype: np.dtype) -> Tuple[np.ndarray, ...]:
    """The kernel's parameters ``(param_record, spatial_scale,
    match_factor)``: a (1,) :data:`._kernel.PARAMS_DTYPE` record and two
    (K,) arrays (cached; never modified)."""
    spatial, match = _joint_factors(params, num_keypoints)
    face_start, hand_start = (
        fullbody_parts(params, num_keypoints)
        if params.layout == 'fullbody' else (0, 0))
    prune_const, prune_per_ref, prune_per_diag, prune_per_match = (
        _pruning_terms(params, num_keypoints, spatial, match))
    no_cap = math.inf
    fields = dict(
        delta1=params.delta1,
        mu=params.mu,
        gamma=params.gamma,
        score_thr=round_to(params.score_thr, score_dtype),
        half_score_thr=round_to(params.score_thr / 2, score_dtype),
        match_thr=(math.nan if params.match_thr is None else params.match_thr),
        area_thr=params.area_thr,
        merge_radius_cap=(no_cap if params.merge_radius_cap is None else
                          params.merge_radius_cap),
        match_radius_cap=(no_cap if params.match_radius_cap is None else
                          params.match_radius_cap),
        gate_radius=params.gate_radius,
        gate_box_frac=params.gate_box_frac,
        max_score_weight=params.max_score_weight,
        face_weight_score=params.face_weight_score,
        hand_weight_score=params.hand_weight_score,
        face_weight_dist=params.face_weight_dist,
        hand_weight_dist=params.hand_weight_dist,
        alpha=params.alpha,
        prune_const=prune_const,
        prune_per_ref=prune_per_ref,
        prune_per_diag=prune_per_diag,
        prune_per_match=prune_per_match,
        zero_score=(math.nan if params.zero_score is None else round_to(
            params.zero_score, score_dtype)),
        distance_form=DISTANCE_FORMS.index(params.distance_form),
        face_start=face_start,
        hand_start=hand_start,
        fullbody=params.layout == 'fullbody',
        merge_max=params.merge_score == 'max',
        thr_mean=params.score_thr_mode == 'mean',
        has_match=params.match_thr is not None)
    record = np.zeros(1, dtype=kernel.PARAMS_DTYPE)
    if set(fields) != set(record.dtype.names):
        raise AssertionError(
            'pack_params and PARAMS_DTYPE disagree: '
            f'{sorted(set(fields) ^ set(record.dtype.names))}')
    for name, value in fields.items():
        record[name] = value
    return record, params.delta2 * spatial, match


def run_pose_nms(params: PoseNMSParams, bboxes: np.ndarray,
                 bbox_scores: np.ndarray, keypoints: np.ndarray,
                 keypoint_scores: np.ndarray, group_codes: np.ndarray,
                 score_dtype: np.dtype) -> CoreResult:
    """Parametric pose NMS on validated arrays.

    Args:
        params (PoseNMSParams): The NMS parameters.
        bboxes (np.ndarray): (N, 4) x1y1x2y2.
        bbox_scores (np.ndarray): (N,).
        keypoints (np.ndarray): (N, K, 2).
        keypoint_scores (np.ndarray): (N, K).
        group_codes (np.ndarray): (N,) int64 group (image) of each
            candidate; groups never interact.
        score_dtype (np.dtype): Precision of the input scores; score
            thresholds and ``zero_score`` are rounded to it (AlphaPose
            compares float32 tensors with Python floats).
    All float arrays are float64 and C-contiguous; none is written to.
    """
    num, num_k = keypoint_scores.shape
    if num == 0:
        return empty_result(num_k)
    packed = pack_params(params, num_k, score_dtype)
    return CoreResult(*_call_kernel(keypoints, keypoint_scores, bboxes,
                                    bbox_scores, group_codes, *packed))


# The first kernel call of a process may compile it (once per machine, then
# numba's disk cache is used); if it takes longer than this many seconds, a
# message says why.
COMPILE_NOTICE_DELAY = 2.0
_kernel_ready = False


def _call_kernel(*args: Any) -> tuple:
    """Run the kernel; announce a slow first call (compilation)."""
    global _kernel_ready
    if _kernel_ready:
        return kernel.run_pose_nms_kernel(*args)
    timer = threading.Timer(
        COMPILE_NOTICE_DELAY, print_log,
        ('rmpe_mm: compiling the parametric pose NMS kernel (numba, once '
         'per machine, about 20 s; cached on disk afterwards)', ),
        dict(logger='current'))
    timer.daemon = True
    timer.start()
    try:
        out = kernel.run_pose_nms_kernel(*args)
    finally:
        timer.cancel()
    _kernel_ready = True
    return out


def empty_result(num_keypoints: int) -> CoreResult:
    """The result of an image without candidates."""
    return CoreResult(
        np.zeros(0, dtype=np.int64), np.zeros((0, num_keypoints, 2)),
        np.zeros((0, num_keypoints)), np.zeros(0), np.zeros(0, dtype=np.int64),
        np.zeros(1, dtype=np.int64))


_INPUT_NAMES = ('bboxes', 'bbox_scores', 'keypoints', 'keypoint_scores')


class ConvertedInputs:
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
        self.keypoint_scores = _as_float64('keypoint_scores', keypoint_scores)
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
        if x.is_complex():
            raise ValueError(f'`{name}` must be real, got a {x.dtype} tensor')
        x = x.detach().to(device='cpu', dtype=torch.float64).numpy()
    elif np.iscomplexobj(x):
        raise ValueError(f'`{name}` must be real, got complex values')
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
    which, index = kernel.first_invalid(*arrays)
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
