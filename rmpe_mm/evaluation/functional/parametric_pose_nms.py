"""``ParametricPoseNMS``: the pose NMS as a config-buildable object."""
from typing import Any, Optional

from mmpose.registry import TASK_UTILS

from .pose_nms import (ArrayLike, PoseNMSResult, batched_parametric_pose_nms,
                       parametric_pose_nms)
from .pose_nms_params import (PoseNMSParams, load_pose_nms_params_file,
                              resolve_pose_nms_params)


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
        **overrides: Any field of
            :class:`~rmpe_mm.evaluation.functional.PoseNMSParams`.
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
