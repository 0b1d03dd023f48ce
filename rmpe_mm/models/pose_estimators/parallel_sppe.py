"""RMPE's frozen parallel SPPE: build it, load its weights, its loss.

docs/method.md, section 2: a pose model trained on center-located
targets, frozen, sees the STN's warped crop; its loss against the
center-located targets (``GenerateCenterTarget``) trains the STN only.
"""
import copy
import logging
from typing import Optional, Tuple

from mmengine.logging import print_log
from mmengine.structures import InstanceData, PixelData
from mmpose.models.pose_estimators import TopdownPoseEstimator
from mmpose.registry import MODELS
from mmpose.structures import PoseDataSample
from mmpose.utils.typing import ConfigType, OptConfigType, SampleList
from torch import Tensor

from rmpe_mm.datasets.transforms.center_target import (CENTER_HEATMAPS,
                                                       CENTER_WEIGHTS)
from ..utils.checkpoint import load_submodule_weights
from ..utils.head_loss import HEATMAP_HEAD_TYPES


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


def parallel_sppe_loss(model: TopdownPoseEstimator, warped: Tensor,
                       data_samples: SampleList, train_cfg: OptConfigType,
                       weight: float) -> dict:
    """Frozen parallel SPPE on the STN output vs center targets.

    Returns:
        dict: ``loss_parallel`` (the head's ``loss_kpt`` times ``weight``)
        and the head's other outputs with a ``parallel_`` prefix (losses
        times ``weight``).
    """
    center_samples = [center_sample(d) for d in data_samples]
    raw = model.head.loss(
        model.extract_feat(warped), center_samples, train_cfg=train_cfg)
    losses = dict()
    for key, value in raw.items():
        if key == 'loss_kpt':
            losses['loss_parallel'] = value * weight
        elif 'loss' in key:
            losses[f'parallel_{key}'] = value * weight
        else:
            losses[f'parallel_{key}'] = value
    return losses
