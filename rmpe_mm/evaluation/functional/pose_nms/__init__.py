"""Parametric pose NMS (RMPE s. 3).

- :mod:`.nms`: the public functions, :class:`ParametricPoseNMS` and
  :func:`build_pose_nms`;
- :mod:`.params`: :class:`PoseNMSParams` and the presets;
- :mod:`.tuning`: the parameter search and the fast COCO evaluator of
  ``tools/tune_ppnms.py`` (not imported here);
- ``_core`` and ``_kernel``: input checks and the compiled kernel (private).
"""
from .nms import (BatchedPoseNMSResult, ParametricPoseNMS, PoseNMSResult,
                  PoseNMSType, batched_parametric_pose_nms, build_pose_nms,
                  parametric_pose_nms)
from .params import (POSE_NMS_PRESETS, PoseNMSParams,
                     load_pose_nms_params_file, resolve_pose_nms_params)

__all__ = [
    'BatchedPoseNMSResult', 'ParametricPoseNMS', 'PoseNMSResult',
    'PoseNMSType', 'batched_parametric_pose_nms', 'build_pose_nms',
    'parametric_pose_nms', 'POSE_NMS_PRESETS', 'PoseNMSParams',
    'load_pose_nms_params_file', 'resolve_pose_nms_params'
]
