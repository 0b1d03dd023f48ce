"""MMPose's box augmentation applied to a proposal and its GT box alike."""
from typing import Dict, Optional

import numpy as np
from mmpose.datasets.transforms import RandomBBoxTransform
from mmpose.registry import TRANSFORMS


@TRANSFORMS.register_module()
class RandomPairedBBoxTransform(RandomBBoxTransform):
    """``RandomBBoxTransform`` moving the ground-truth box with the fed box.

    RMPE's parallel SPPE is supervised with the pose in the crop of the
    ground-truth box (``GenerateCenterTarget``), the main SPPE with the pose
    in the crop actually fed (a proposal). The two crops must differ by the
    proposal's box error alone (docs/method.md, section 2): augmentation
    that a real detector does not cause has to act on both. MMPose's
    ``RandomBBoxTransform`` changes only ``bbox_center``/``bbox_scale``, so
    after a proposal transform its random zoom (MMPose default: scale
    0.5-1.5 with probability 1) would reach the fed crop only, and the STN
    would be taught to undo artificial zoom.

    This transform draws MMPose's parameters once per instance (same
    distribution, same random stream as ``RandomBBoxTransform``) and applies
    them as one *camera* change to both boxes:

    - scale ``s``: both boxes are scaled about the ground-truth center
      ``c_g`` (the fed center becomes ``c_g + s (c_p - c_g)``, both sizes
      are multiplied by ``s``), so the proposal error, normalized by the box
      size, is unchanged;
    - shift: both centers move by the same pixels,
      ``offset * gt_bbox_scale`` (MMPose: ``offset * bbox_scale``);
    - rotation: written to ``bbox_rotation`` as MMPose does; ``TopdownAffine``
      rotates the fed crop and ``GenerateCenterTarget(use_rotation=True)``
      the ground-truth crop by it.

    For a sample whose proposal equals its ground-truth box the two crops,
    hence the ordinary and the center-located targets, stay identical.
    Without ``gt_bbox_center``/``gt_bbox_scale`` (no proposal transform
    before it) it is exactly ``RandomBBoxTransform``. Place it after the
    proposal transform (``PoseGuidedProposals``/``RandomJitterProposals``)
    and before ``TopdownAffine``; ``RandomFlip`` and ``RandomHalfBody`` go
    before the proposal transform, so that they act on the ground truth the
    proposal is drawn from.

    Required Keys:

        - bbox_center
        - bbox_scale
        - gt_bbox_center, gt_bbox_scale (optional, see above)

    Modified Keys:

        - bbox_center
        - bbox_scale
        - gt_bbox_center (when present)
        - gt_bbox_scale (when present)

    Added Keys:

        - bbox_rotation

    Args:
        shift_factor (float): As ``RandomBBoxTransform``. Defaults to 0.16.
        shift_prob (float): As ``RandomBBoxTransform``. Defaults to 0.3.
        scale_factor (tuple[float, float]): As ``RandomBBoxTransform``.
            Defaults to (0.5, 1.5).
        scale_prob (float): As ``RandomBBoxTransform``. Defaults to 1.0.
        rotate_factor (float): As ``RandomBBoxTransform``. Defaults to 80.0.
        rotate_prob (float): As ``RandomBBoxTransform``. Defaults to 0.6.
    """

    @staticmethod
    def _gt_pair(results: Dict) -> Optional[tuple]:
        """``(gt_center, gt_scale)`` as float arrays, or None if absent."""
        has_center = 'gt_bbox_center' in results
        if has_center != ('gt_bbox_scale' in results):
            given = 'gt_bbox_center' if has_center else 'gt_bbox_scale'
            raise ValueError('gt_bbox_center and gt_bbox_scale must be given '
                             f'together, got only {given}')
        if not has_center:
            return None
        center = np.asarray(results['gt_bbox_center'])
        scale = np.asarray(results['gt_bbox_scale'])
        if center.shape != np.shape(results['bbox_center']) or (
                scale.shape != np.shape(results['bbox_scale'])):
            raise ValueError(
                'gt_bbox_center/gt_bbox_scale must have the shapes of '
                f'bbox_center/bbox_scale {np.shape(results["bbox_center"])}, '
                f'got {center.shape} / {scale.shape}')
        return center, scale

    def transform(self, results: Dict) -> Optional[dict]:
        """Apply one random camera change to the fed and the GT box.

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict.
        """
        gt = self._gt_pair(results)
        if gt is None:
            return super().transform(results)
        gt_center, gt_scale = gt
        center = np.asarray(results['bbox_center'])
        scale = np.asarray(results['bbox_scale'])
        offset, factor, rotate = self._get_transform_params(scale.shape[0])
        shift = offset * gt_scale
        new_gt_center = gt_center + shift
        results['bbox_center'] = (new_gt_center + factor *
                                  (center - gt_center)).astype(center.dtype)
        results['bbox_scale'] = (scale * factor).astype(scale.dtype)
        results['gt_bbox_center'] = new_gt_center.astype(gt_center.dtype)
        results['gt_bbox_scale'] = (gt_scale * factor).astype(gt_scale.dtype)
        results['bbox_rotation'] = rotate
        return results
