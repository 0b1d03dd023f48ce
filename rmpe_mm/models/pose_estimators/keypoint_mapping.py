"""Coordinate heads under the STN: keypoints mapped back through ``theta``.

The point form of the SDTN: a coordinate head (RTMCC / SimCC, regression)
predicts keypoints in the warped crop; ``theta`` maps them to the crop.
"""
import numpy as np
import torch
from mmpose.utils.typing import InstanceList
from torch import Tensor

from ..utils.affine import warped_to_crop_pixels


def keypoints_to_crop(preds: InstanceList, theta: Tensor,
                      input_size) -> InstanceList:
    """Map each sample's predicted keypoints from the warped crop to the
    crop (input-space pixels, pixel centers at integers), in place.

    Args:
        preds (list[InstanceData]): One per sample, ``keypoints (I, K, 2+)``.
        theta (Tensor): (N, 2, 3) the STN maps of the samples.
        input_size (tuple[int, int]): Crop size (w, h).

    Returns:
        list[InstanceData]: ``preds``.
    """
    theta = theta.detach().float().cpu()
    for i, pred in enumerate(preds):
        kpts = torch.as_tensor(np.asarray(pred.keypoints, np.float32))
        mapped = warped_to_crop_pixels(
            kpts[..., :2], theta[i:i + 1].expand(kpts.shape[0], 2, 3),
            input_size)
        out = kpts.clone()
        out[..., :2] = mapped
        pred.keypoints = out.numpy()
    return preds


def average_flipped_keypoints(preds: InstanceList, flipped: InstanceList,
                              width: float, flip_indices) -> InstanceList:
    """Average each prediction with its flipped twin, in place.

    The flipped branch's keypoints are flipped back (``x -> w - 1 - x``,
    joints swapped by ``flip_indices``); ``keypoint_scores`` and
    ``keypoints_visible`` are averaged where both have them.

    Returns:
        list[InstanceData]: ``preds``.
    """
    for pred, pred_flip in zip(preds, flipped):
        kpts = np.array(pred_flip.keypoints, dtype=np.float32, copy=True)
        kpts[..., 0] = width - 1 - kpts[..., 0]
        pred.keypoints = (pred.keypoints + kpts[:, flip_indices]) * 0.5
        for key in ('keypoint_scores', 'keypoints_visible'):
            if key in pred and key in pred_flip:
                pred.set_field(
                    (pred.get(key) + pred_flip.get(key)[:, flip_indices]) *
                    0.5, key)
    return preds
