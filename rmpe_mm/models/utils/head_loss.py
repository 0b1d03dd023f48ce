"""The loss of an MMPose heatmap head on given outputs.

RMPE trains the SPPE on its heatmaps after the SDTN un-warp, which the head's
own ``loss`` cannot take: it always calls ``self.forward(feats)``.
:func:`heatmap_head_loss` computes what ``HeatmapHead.loss`` and
``CPMHead.loss`` compute (mmpose 1.3.2), with the head's own loss module(s),
on outputs given by the caller.
"""
from typing import List, Sequence, Union

import torch
from mmpose.evaluation.functional import pose_pck_accuracy
from mmpose.models.heads import CPMHead, HeatmapHead
from mmpose.utils.tensor_utils import to_numpy
from mmpose.utils.typing import ConfigType, SampleList
from torch import Tensor, nn

#: MMPose's heatmap heads (subclasses included, e.g. ViPNASHead): their
#: outputs are heatmaps (a tensor or one per stage) that the SDTN un-warps,
#: and :func:`heatmap_head_loss` reproduces their ``loss``.
HEATMAP_HEAD_TYPES = (HeatmapHead, CPMHead)


def check_heatmap_head_loss(head: nn.Module) -> None:
    """Raise unless :func:`heatmap_head_loss` reproduces ``head.loss``.

    Args:
        head (nn.Module): The head.

    Raises:
        NotImplementedError: For a head that is no ``HeatmapHead`` or
            ``CPMHead``, or a subclass that overrides ``loss`` (e.g.
            ``AssociativeEmbeddingHead``).
    """
    for head_type in HEATMAP_HEAD_TYPES:
        if isinstance(head, head_type) and type(head).loss is head_type.loss:
            return
    raise NotImplementedError(
        f'the loss of head {type(head).__name__} on un-warped heatmaps is '
        f'not supported: only heads whose loss is that of '
        f'{[t.__name__ for t in HEATMAP_HEAD_TYPES]} are')


def heatmap_head_loss(head: Union[HeatmapHead, CPMHead],
                      outputs: Union[Tensor, Sequence[Tensor]],
                      data_samples: SampleList, train_cfg: ConfigType) -> dict:
    """``head.loss`` with ``outputs`` in place of ``head.forward(feats)``.

    Args:
        head (HeatmapHead | CPMHead): The head (see
            :func:`check_heatmap_head_loss`).
        outputs (Tensor | Sequence[Tensor]): (N, K, H, W) heatmaps for a
            ``HeatmapHead``, one such tensor per stage for a ``CPMHead``.
        data_samples (list[PoseDataSample]): With ``gt_fields.heatmaps`` and
            ``gt_instance_labels.keypoint_weights``.
        train_cfg (dict): The model's ``train_cfg`` (``compute_acc``, read
            by ``HeatmapHead`` only, as MMPose does).

    Returns:
        dict: ``loss_kpt`` (summed over stages) and ``acc_pose`` (of the
        last stage; ``HeatmapHead``: unless ``compute_acc`` is False).
    """
    check_heatmap_head_loss(head)
    gt_heatmaps = torch.stack([d.gt_fields.heatmaps for d in data_samples])
    keypoint_weights = torch.cat(
        [d.gt_instance_labels.keypoint_weights for d in data_samples])
    multi_stage = isinstance(head, CPMHead)
    stages: List[Tensor] = list(outputs) if multi_stage else [outputs]
    loss_kpt = None
    for i, stage in enumerate(stages):
        loss_module = (
            head.loss_module[i] if isinstance(head.loss_module, nn.ModuleList)
            else head.loss_module)
        loss = loss_module(stage, gt_heatmaps, keypoint_weights)
        loss_kpt = loss if loss_kpt is None else loss_kpt + loss
    losses = dict(loss_kpt=loss_kpt)
    if multi_stage or train_cfg.get('compute_acc', True):
        _, avg_acc, _ = pose_pck_accuracy(
            output=to_numpy(stages[-1]),
            target=to_numpy(gt_heatmaps),
            mask=to_numpy(keypoint_weights) > 0)
        losses['acc_pose'] = torch.tensor(avg_acc, device=gt_heatmaps.device)
    return losses
