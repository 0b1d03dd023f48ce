"""Center-located targets of RMPE's parallel SPPE (docs/method.md, sec. 2)."""
import copy
from typing import Dict, Optional, Tuple

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from mmpose.datasets.transforms import PackPoseInputs
from mmpose.registry import KEYPOINT_CODECS, TRANSFORMS
from mmpose.structures.bbox import get_udp_warp_matrix, get_warp_matrix
from mmpose.utils.typing import ConfigType

#: Result keys written by :class:`GenerateCenterTarget`. ``PackPoseInputs``
#: packs them to ``data_sample.gt_fields.center_heatmaps`` and
#: ``data_sample.gt_instance_labels.center_keypoint_weights`` and
#: ``data_sample.gt_instance_labels.center_keypoints``, where
#: ``RMPEPoseEstimator`` reads them.
CENTER_HEATMAPS = 'center_heatmaps'
CENTER_WEIGHTS = 'center_keypoint_weights'
CENTER_KEYPOINTS = 'center_keypoints'


def fix_aspect_ratio(bbox_scale: np.ndarray,
                     aspect_ratio: float) -> np.ndarray:
    """Enlarge box sizes (w, h) to the aspect ratio ``w / h``.

    The same rule ``TopdownAffine`` applies to the fed box: the shorter side
    (relative to the ratio) grows, the other is kept.

    Args:
        bbox_scale (np.ndarray): (N, 2) box sizes (w, h).
        aspect_ratio (float): Target ``w / h``.

    Returns:
        np.ndarray: (N, 2) new box sizes.
    """
    w, h = bbox_scale[:, 0:1], bbox_scale[:, 1:2]
    return np.where(w > h * aspect_ratio, np.hstack([w, w / aspect_ratio]),
                    np.hstack([h * aspect_ratio, h])).astype(np.float32)


@TRANSFORMS.register_module()
class GenerateCenterTarget(BaseTransform):
    """Encode the pose in the crop of the ground-truth box (parallel SPPE).

    The main SPPE's target is the pose in the crop actually fed (a proposal,
    e.g. a PGPG box); the parallel SPPE's target is the ground-truth pose
    drawn in the crop of the un-jittered, enlarged ground-truth box: the
    "center-located" pose the STN should produce. Place this transform after
    ``TopdownAffine`` (and ``GenerateTarget``), before ``PackPoseInputs``.

    Which box is the ground truth (documented defaults):

    - ``gt_bbox_center`` / ``gt_bbox_scale`` when present (written by the
      proposal transforms, copies of the box they replaced);
    - otherwise ``bbox_center`` / ``bbox_scale``: with no proposal transform
      the fed box *is* the ground-truth box, and the center target equals
      the ordinary target (including any ``RandomBBoxTransform`` shift or
      scale jitter, which then acts on that box).
    - For ``proposal_is_patch`` samples (PGPG "patch" boxes) the center
      target is the ordinary one: the pose in the fed crop.

    Geometry of the ground-truth crop: the box size is brought to the aspect
    ratio of ``input_size`` as ``TopdownAffine`` does. Flip needs nothing
    special: ``RandomFlip`` runs before the proposal transforms, so the
    ground-truth box they copy is already in the flipped image (keep that
    order). Rotation: with ``use_rotation=True`` (default) the ground-truth
    crop is rotated by the same ``bbox_rotation`` as the fed crop, about its
    own center. That is the crop of the ground-truth box in the rotated
    image, so rotation augmentation stays in both targets and the center
    target differs from the ordinary one only by the box error the STN is
    meant to undo. ``use_rotation=False`` uses an upright ground-truth crop
    (the STN is then also asked to undo the rotation augmentation).

    Required Keys:

        - keypoints
        - keypoints_visible
        - input_size (added by ``TopdownAffine``)
        - gt_bbox_center, gt_bbox_scale (optional, see above)
        - bbox_center, bbox_scale (when the ``gt_*`` keys are absent)
        - bbox_rotation (optional)
        - proposal_is_patch (optional)
        - transformed_keypoints (for ``proposal_is_patch`` samples)
        - dataset_keypoint_weights (with ``use_dataset_keypoint_weights``)

    Modified Keys:

        - field_mapping_table, label_mapping_table (created or extended so
          that ``PackPoseInputs`` packs the added targets)

    Added Keys:

        - center_heatmaps: (K, H, W) heatmaps from ``encoder``
        - center_keypoint_weights: (N, K) keypoint weights from ``encoder``
        - center_keypoints: (N, K, 2) keypoints in the ground-truth crop

    Args:
        encoder (dict): Heatmap codec config (must encode ``heatmaps`` and
            ``keypoint_weights``), e.g. the parallel SPPE's ``MSRAHeatmap``.
        use_rotation (bool): Rotate the ground-truth crop like the fed crop.
            Defaults to True.
        use_udp (bool): Use the UDP warp matrix, as ``TopdownAffine`` with
            ``use_udp=True``. Defaults to False.
        use_dataset_keypoint_weights (bool): Multiply the weights by the
            dataset's keypoint weights, as ``GenerateTarget``. Defaults to
            False.
    """

    def __init__(self,
                 encoder: ConfigType,
                 use_rotation: bool = True,
                 use_udp: bool = False,
                 use_dataset_keypoint_weights: bool = False) -> None:
        super().__init__()
        if not isinstance(encoder, dict):
            raise ValueError('encoder must be one codec config dict, got '
                             f'{type(encoder).__name__}')
        self.encoder_cfg = copy.deepcopy(encoder)
        self.encoder = KEYPOINT_CODECS.build(self.encoder_cfg)
        self.use_rotation = use_rotation
        self.use_udp = use_udp
        self.use_dataset_keypoint_weights = use_dataset_keypoint_weights

    @staticmethod
    def _gt_box(results: Dict) -> Tuple[np.ndarray, np.ndarray]:
        """The ground-truth box (center, scale) of the single instance."""
        has_center = 'gt_bbox_center' in results
        if has_center != ('gt_bbox_scale' in results):
            given = 'gt_bbox_center' if has_center else 'gt_bbox_scale'
            raise ValueError('gt_bbox_center and gt_bbox_scale must be given '
                             f'together, got only {given}')
        prefix = 'gt_' if has_center else ''
        center = np.asarray(results[f'{prefix}bbox_center'], np.float32)
        scale = np.asarray(results[f'{prefix}bbox_scale'], np.float32)
        if center.shape != (1, 2) or scale.shape != (1, 2):
            raise ValueError(
                f'{prefix}bbox_center / {prefix}bbox_scale must have shape '
                f'(1, 2) (one instance per top-down sample), got '
                f'{center.shape} / {scale.shape}')
        return center, scale

    def _gt_crop_keypoints(self, results: Dict) -> np.ndarray:
        """Keypoints (N, K, 2) in the crop of the ground-truth box."""
        center, scale = self._gt_box(results)
        w, h = results['input_size']
        scale = fix_aspect_ratio(scale, aspect_ratio=w / h)
        rot = 0.
        if self.use_rotation and 'bbox_rotation' in results:
            rot = float(np.asarray(results['bbox_rotation']).reshape(-1)[0])
        if self.use_udp:
            warp = get_udp_warp_matrix(center[0], scale[0], rot, (w, h))
        else:
            warp = get_warp_matrix(center[0], scale[0], rot, (w, h))
        keypoints = np.asarray(results['keypoints'], np.float32)[..., :2]
        return cv2.transform(keypoints, warp)

    @staticmethod
    def _is_patch(results: Dict) -> bool:
        """Whether the fed box is a PGPG patch."""
        if 'proposal_is_patch' not in results:
            return False
        flags = np.asarray(results['proposal_is_patch']).reshape(-1)
        if flags.shape[0] != 1:
            raise ValueError('proposal_is_patch must hold one flag, got '
                             f'shape {flags.shape}')
        return bool(flags[0])

    def transform(self, results: Dict) -> Optional[dict]:
        """Add the center-located target (see the class docstring)."""
        for key in ('keypoints', 'keypoints_visible', 'input_size'):
            if results.get(key, None) is None:
                raise ValueError(f'GenerateCenterTarget needs results[{key!r}]'
                                 ' (run it after TopdownAffine)')
        if self._is_patch(results):
            if results.get('transformed_keypoints', None) is None:
                raise ValueError('GenerateCenterTarget needs results['
                                 "'transformed_keypoints'] for patch samples")
            keypoints = np.asarray(results['transformed_keypoints'],
                                   np.float32)[..., :2]
        else:
            keypoints = self._gt_crop_keypoints(results)
        visible = np.asarray(results['keypoints_visible'], np.float32)
        if visible.ndim == 3:  # (N, K, 2): visibility and its weight
            visible = visible[..., 0]
        encoded = self.encoder.encode(
            keypoints=keypoints, keypoints_visible=visible)
        missing = {'heatmaps', 'keypoint_weights'} - set(encoded)
        if missing:
            raise ValueError(f'encoder {type(self.encoder).__name__} does not '
                             f'output {sorted(missing)}')
        weights = encoded['keypoint_weights']
        if self.use_dataset_keypoint_weights:
            weights = weights * results['dataset_keypoint_weights']
        results[CENTER_HEATMAPS] = encoded['heatmaps']
        results[CENTER_WEIGHTS] = weights
        results[CENTER_KEYPOINTS] = keypoints
        self._extend_mapping_tables(results)
        return results

    @staticmethod
    def _extend_mapping_tables(results: Dict) -> None:
        """Make ``PackPoseInputs`` pack the center targets."""
        fields = dict(
            results.get('field_mapping_table')
            or PackPoseInputs.field_mapping_table)
        fields[CENTER_HEATMAPS] = CENTER_HEATMAPS
        labels = dict(
            results.get('label_mapping_table')
            or PackPoseInputs.label_mapping_table)
        labels[CENTER_WEIGHTS] = CENTER_WEIGHTS
        labels[CENTER_KEYPOINTS] = CENTER_KEYPOINTS
        results['field_mapping_table'] = fields
        results['label_mapping_table'] = labels

    def __repr__(self) -> str:
        """Readable summary of the transform."""
        return (f'{self.__class__.__name__}(encoder={self.encoder_cfg}, '
                f'use_rotation={self.use_rotation}, use_udp={self.use_udp}, '
                'use_dataset_keypoint_weights='
                f'{self.use_dataset_keypoint_weights})')
