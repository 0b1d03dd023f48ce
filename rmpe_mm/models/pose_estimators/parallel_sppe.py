"""RMPE's frozen parallel SPPE: build it, load its weights, its loss.

docs/method.md, section 2: a pose model trained on center-located
targets, frozen, sees the STN's warped crop; its loss against the
center-located targets (``GenerateCenterTarget``) trains the STN only.
"""
import copy
import logging
from typing import Optional, Sequence, Tuple, Union

import torch
from mmengine.logging import print_log
from mmengine.structures import InstanceData, PixelData
from mmpose.models.pose_estimators import TopdownPoseEstimator
from mmpose.registry import MODELS
from mmpose.structures import PoseDataSample
from mmpose.utils.typing import ConfigType, OptConfigType, SampleList
from torch import Tensor

from rmpe_mm.datasets.transforms.center_target import (CENTER_HEATMAPS,
                                                       CENTER_KEYPOINTS,
                                                       CENTER_WEIGHTS)
from ..utils.affine import input_to_heatmap_pixels
from ..utils.checkpoint import load_submodule_weights
from ..utils.head_loss import HEATMAP_HEAD_TYPES
from ..utils.soft_argmax import soft_argmax


def build_parallel_sppe(
    cfg: ConfigType
) -> Tuple[TopdownPoseEstimator, Optional[str], Optional[str]]:
    """Build the frozen parallel SPPE from its config.

    Args:
        cfg (dict): A top-down pose-estimator config with a heatmap head,
            plus ``checkpoint`` (path or URL, optional) and
            ``checkpoint_prefix`` (optional), which are taken out.

    Returns:
        tuple: The model (``requires_grad=False``, eval mode), the
        checkpoint and the prefix.

    Raises:
        ValueError: No ``type``, not a top-down estimator with a head, or
            not a heatmap head.
    """
    cfg = copy.deepcopy(dict(cfg))
    checkpoint = cfg.pop('checkpoint', None)
    prefix = cfg.pop('checkpoint_prefix', None)
    if 'type' not in cfg:
        raise ValueError('parallel_sppe needs a "type" (a pose '
                         'estimator, e.g. TopdownPoseEstimator), got keys '
                         f'{sorted(cfg)}')
    model = MODELS.build(cfg)
    if not isinstance(model, TopdownPoseEstimator) or not model.with_head:
        raise ValueError('parallel_sppe must be a top-down pose estimator '
                         f'with a head, got {type(model).__name__}')
    if not isinstance(model.head, HEATMAP_HEAD_TYPES):
        raise ValueError('parallel_sppe head must be a heatmap head '
                         f'{[t.__name__ for t in HEATMAP_HEAD_TYPES]}, '
                         f'got {type(model.head).__name__}')
    model.requires_grad_(False)
    model.eval()
    return model, checkpoint, prefix


def load_parallel_sppe(model: TopdownPoseEstimator, checkpoint: Optional[str],
                       prefix: Optional[str]) -> None:
    """Load the parallel SPPE's weights, or warn that there are none.

    Args:
        model (TopdownPoseEstimator): The parallel SPPE.
        checkpoint (str, optional): Path or URL of a full pose-estimator
            checkpoint (:func:`~rmpe_mm.models.utils.load_submodule_weights`).
            None: the model stays as initialised and a warning is logged.
        prefix (str, optional): Key prefix of its weights; None: detected.
    """
    if checkpoint:
        load_submodule_weights(model, checkpoint, prefix)
        return
    print_log(
        'RMPEPoseEstimator: parallel_sppe has no checkpoint; it stays '
        'randomly initialised and frozen, so its loss only trains '
        'the STN towards an untrained model.',
        logger='current',
        level=logging.WARNING)


def center_sample(data_sample: PoseDataSample) -> PoseDataSample:
    """A sample whose ordinary targets are the center-located ones.

    Raises:
        ValueError: The sample lacks the center-located targets.
    """
    fields = data_sample.get('gt_fields', None)
    labels = data_sample.get('gt_instance_labels', None)
    if (fields is None or CENTER_HEATMAPS not in fields or labels is None
            or CENTER_WEIGHTS not in labels):
        raise ValueError(
            f'data sample lacks gt_fields.{CENTER_HEATMAPS} / '
            f'gt_instance_labels.{CENTER_WEIGHTS}, which the parallel '
            'SPPE needs: add GenerateCenterTarget to the train pipeline '
            '(after GenerateTarget)')
    return PoseDataSample(
        gt_fields=PixelData(heatmaps=fields.get(CENTER_HEATMAPS)),
        gt_instance_labels=InstanceData(
            keypoint_weights=labels.get(CENTER_WEIGHTS)))


def parallel_sppe_loss(model: TopdownPoseEstimator,
                       warped: Tensor,
                       data_samples: SampleList,
                       train_cfg: OptConfigType,
                       weight: float,
                       position_weight: float = 0.0,
                       heatmap_mapping: str = 'scale') -> dict:
    """Frozen parallel SPPE on the STN output vs center targets.

    Args:
        model (TopdownPoseEstimator): The frozen parallel SPPE.
        warped (Tensor): (N, C, H, W) STN output.
        data_samples (list[PoseDataSample]): Samples with the center targets
            (and ``center_keypoints`` when ``position_weight > 0``).
        train_cfg (dict, optional): The head's train config.
        weight (float): Weight of the heatmap loss (the paper's).
        position_weight (float): Weight of
            :func:`parallel_position_loss`. Defaults to 0.0 (off, the
            paper).
        heatmap_mapping (str): The codec's pixel mapping, for the position
            loss. Defaults to 'scale'.

    Returns:
        dict: ``loss_parallel`` (the head's ``loss_kpt`` times ``weight``),
        the head's other outputs with a ``parallel_`` prefix (losses times
        ``weight``) and, with ``position_weight > 0``,
        ``loss_parallel_position``.
    """
    center_samples = [center_sample(d) for d in data_samples]
    feats = model.extract_feat(warped)
    raw = model.head.loss(feats, center_samples, train_cfg=train_cfg)
    losses = dict()
    if position_weight > 0:
        losses['loss_parallel_position'] = position_weight * (
            parallel_position_loss(
                model.head.forward(feats), data_samples,
                (warped.shape[-1], warped.shape[-2]), heatmap_mapping))
    for key, value in raw.items():
        if key == 'loss_kpt':
            losses['loss_parallel'] = value * weight
        elif 'loss' in key:
            losses[f'parallel_{key}'] = value * weight
        else:
            losses[f'parallel_{key}'] = value
    return losses


def parallel_position_loss(outputs: Union[Tensor, Sequence[Tensor]],
                           data_samples: SampleList, input_size: Sequence[int],
                           heatmap_mapping: str) -> Tensor:
    """A teacher loss that feels position (issue 22, item 2).

    The parallel SPPE's joints on the STN output (:func:`soft_argmax` of
    its last stage, differentiable with respect to the warp and hence the
    STN) against the center-located joints (``center_keypoints`` of
    ``GenerateCenterTarget``, packed to ``gt_instance_labels``): the mean
    Euclidean distance in heatmap pixels, weighted by
    ``center_keypoint_weights``. The heatmap MSE barely changes with a
    person's position (issue 22's measurements); this loss is linear in it.

    Args:
        outputs (Tensor | Sequence[Tensor]): The parallel head's outputs
            (one tensor or one per stage; the last is used).
        data_samples (list[PoseDataSample]): Samples with
            ``gt_instance_labels.center_keypoints`` (N=1, K, 2) in crop
            pixels and ``center_keypoint_weights``.
        input_size (Sequence[int]): Crop size (w, h).
        heatmap_mapping (str): The codec's pixel mapping.

    Returns:
        Tensor: Scalar loss in heatmap pixels.
    """
    heatmaps = outputs if isinstance(outputs, Tensor) else outputs[-1]
    targets, weights = [], []
    for sample in data_samples:
        labels = sample.get('gt_instance_labels', None)
        if labels is None or CENTER_KEYPOINTS not in labels:
            raise ValueError(
                f'data sample lacks gt_instance_labels.{CENTER_KEYPOINTS}, '
                'which the position loss needs: use GenerateCenterTarget '
                '(it packs them) in the train pipeline')
        targets.append(
            torch.as_tensor(labels.get(CENTER_KEYPOINTS)).reshape(-1, 2))
        weights.append(torch.as_tensor(labels.get(CENTER_WEIGHTS)).reshape(-1))
    target = torch.stack(targets).to(heatmaps)
    weight = torch.stack(weights).to(heatmaps)
    points, _ = soft_argmax(heatmaps)
    target = input_to_heatmap_pixels(target, input_size,
                                     (heatmaps.shape[-1], heatmaps.shape[-2]),
                                     heatmap_mapping)
    dist = (points - target).norm(dim=-1)
    return (dist * weight).sum() / weight.sum().clamp_min(1.0)
