"""rmpe_mm.evaluation.functional."""
from .parametric_pose_nms import ParametricPoseNMS
from .pose_nms import (BatchedPoseNMSResult, PoseNMSResult,
                       batched_parametric_pose_nms, parametric_pose_nms,
                       pose_nms_params)
from .pose_nms_params import (POSE_NMS_PRESETS, PoseNMSParams,
                              load_pose_nms_params_file,
                              resolve_pose_nms_params)

__all__ = [
    'ParametricPoseNMS', 'BatchedPoseNMSResult', 'PoseNMSResult',
    'batched_parametric_pose_nms', 'parametric_pose_nms', 'pose_nms_params',
    'POSE_NMS_PRESETS', 'PoseNMSParams', 'load_pose_nms_params_file',
    'resolve_pose_nms_params'
]
