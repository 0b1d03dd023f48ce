"""Parametric pose NMS (RMPE, Fang et al. ICCV 2017; docs/method.md s. 3).

Public entry points: :func:`parametric_pose_nms` (one image),
:func:`batched_parametric_pose_nms` (many images at once),
:class:`ParametricPoseNMS` (fixed parameters, buildable from configs) and
:func:`build_pose_nms` (the one builder, used by the inferencers and the
metrics).

Design (documented defaults and deviations; every constant is a field of
:class:`~.params.PoseNMSParams`, overridable by name):

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
- ``'paper_mpii'`` (paper-era code): distances normalized by ``ref``, gate
  ``dist / ref <= 1``, spatial ``exp(-(dist / ref) / delta2)``, no match
  count, merged score = max of the merged joints, score threshold 0 on the
  mean score. Gap-filling choices: merge radius ``ref`` (no cap), zero
  scores still replaced by 1e-5, ``dist / ref`` of a zero-size box is 0 for
  coincident joints and inf otherwise.
- ``distance_form='paper'`` (as the paper writes it, no preset): gate = the
  joint lies in a box of ``gate_box_frac`` (1/10) of the reference's box
  sides centered on the reference joint, spatial term ``exp(-dist**2 /
  delta2)`` in pixels; merge and match as in the other forms. The match
  count always uses pixel distances.
- ``'alphapose_fullbody'``: AlphaPose's ``pose_nms_fullbody`` with its
  regression constants, face/hand factors and weights, the keypoint term
  counting only joints whose candidate score is below ``score_thr`` and the
  spatial term only the others, the part bounds of the similarity from the
  end (42 hand, 68 face joints) and of the match count hard-coded to 26/94
  (also for 133 joints, as AlphaPose), and its match count normalized by
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
  (:mod:`._kernel`, numba, compiled on the first call on a machine
  and cached on disk). Pairs that provably cannot interact (every joint
  farther than the radius beyond which neither the similarity can exceed
  gamma nor a joint match; for the paper form's gate box, its
  half-diagonal) are pruned exactly, by a sweep along x over the joints'
  bounding boxes and the closest joint pair; the similarity and match count
  of all remaining pairs are computed at once; a greedy pass over the
  sorted candidates forms the clusters; every cluster is merged.
"""
from dataclasses import dataclass
from typing import Any, Callable, List, Optional, Union

import numpy as np
import torch
from mmpose.registry import TASK_UTILS

from ._core import ArrayLike, ConvertedInputs
from .params import (PoseNMSParams, load_pose_nms_params_file,
                     resolve_pose_nms_params)


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
            normalized form) or ``'alphapose_fullbody'`` (133/136 joints),
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
    params = resolve_pose_nms_params(preset, **overrides)
    conv = ConvertedInputs(bboxes, bbox_scores, keypoints, keypoint_scores)
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
    params = resolve_pose_nms_params(preset, **overrides)
    conv = ConvertedInputs(bboxes, bbox_scores, keypoints, keypoint_scores)
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


@TASK_UTILS.register_module()
class ParametricPoseNMS:
    """Parametric pose NMS with fixed parameters (RMPE, s. 3).

    Parameters come from a preset, then ``params_file`` (tuned values written
    by ``tools/tune_ppnms.py``), then the keyword overrides, each level
    overriding the previous one.

    Example::

        nms = TASK_UTILS.build(dict(type='ParametricPoseNMS',
                                    preset='paper_mpii', gamma=20.0))
        result = nms(bboxes, bbox_scores, keypoints, keypoint_scores)

    Args:
        preset (str): ``'alphapose_body'`` (AlphaPose master
            ``pose_nms_body``), ``'paper_mpii'`` or ``'alphapose_fullbody'``.
            Defaults to ``'alphapose_body'``.
        params_file (str, optional): JSON file of parameters,
            ``{"preset": ..., "params": {...}}`` or a flat object. If it
            names a preset, it must be ``preset``. Defaults to None.
        **overrides: Any field of :class:`PoseNMSParams`.
    """

    def __init__(self,
                 preset: str = 'alphapose_body',
                 params_file: Optional[str] = None,
                 **overrides: Any) -> None:
        values = {}
        if params_file is not None:
            file_preset, values = load_pose_nms_params_file(params_file)
            if file_preset is not None and file_preset != preset:
                raise ValueError(
                    f'`params_file` {params_file!r} was tuned from preset '
                    f'{file_preset!r} but `preset` is {preset!r}; pass '
                    f'preset={file_preset!r}')
        values.update(overrides)
        self.preset = preset
        self.params_file = params_file
        self.params: PoseNMSParams = resolve_pose_nms_params(preset, **values)

    def __call__(self,
                 bboxes: ArrayLike,
                 bbox_scores: ArrayLike,
                 keypoints: ArrayLike,
                 keypoint_scores: ArrayLike,
                 image_ids: Optional[ArrayLike] = None) -> PoseNMSResult:
        """Run the NMS on one image, or on many with ``image_ids``.

        Args:
            bboxes: (N, 4) x1y1x2y2 boxes.
            bbox_scores: (N,) box scores.
            keypoints: (N, K, 2) joints.
            keypoint_scores: (N, K) joint scores.
            image_ids: (N,) image of each candidate, or None for one image.

        Returns:
            PoseNMSResult | BatchedPoseNMSResult: See
            :func:`parametric_pose_nms` and
            :func:`batched_parametric_pose_nms`.
        """
        if image_ids is None:
            return parametric_pose_nms(bboxes, bbox_scores, keypoints,
                                       keypoint_scores, self.params)
        return batched_parametric_pose_nms(bboxes, bbox_scores, keypoints,
                                           keypoint_scores, image_ids,
                                           self.params)

    def __repr__(self) -> str:
        changed = {
            k: v
            for k, v in self.params.to_dict().items()
            if v != resolve_pose_nms_params(self.preset).to_dict()[k]
        }
        return (f'{self.__class__.__name__}(preset={self.preset!r}, '
                f'params_file={self.params_file!r}, overrides={changed})')


PoseNMSType = Union[None, str, dict, Callable[..., Any]]


def build_pose_nms(pose_nms: PoseNMSType) -> Optional[Callable[..., Any]]:
    """Build a pose NMS: the one builder of the inferencers and the metrics.

    Args:
        pose_nms (None | str | dict | callable): ``None`` disables it
            (returned as is). A string is a preset of
            :class:`ParametricPoseNMS`: ``'alphapose_body'``,
            ``'paper_mpii'`` or ``'alphapose_fullbody'``. A dict is built
            from MMPose's ``TASK_UTILS`` registry in the ``mmpose`` scope,
            whatever the current one, with ``type`` defaulting to
            ``'ParametricPoseNMS'`` (e.g. ``dict(preset='paper_mpii',
            gamma=20.)``). A callable is used as is: it takes ``(bboxes,
            bbox_scores, keypoints, keypoint_scores)`` and returns an object
            with ``keep``, ``keypoints``, ``keypoint_scores``, ``scores`` and
            ``clusters``.

    Returns:
        callable | None: The pose NMS.

    Raises:
        ValueError: For any other type.
    """
    if pose_nms is None or callable(pose_nms):
        return pose_nms
    if isinstance(pose_nms, str):
        return ParametricPoseNMS(preset=pose_nms)
    if isinstance(pose_nms, dict):
        # Imported here: rmpe_mm.apis imports this package.
        from rmpe_mm.apis.scope import scope_guard
        with scope_guard('mmpose'):
            return TASK_UTILS.build({'type': 'ParametricPoseNMS', **pose_nms})
    raise ValueError('pose_nms must be None, a preset name, a config dict or '
                     f'a callable, got {type(pose_nms).__name__}')
