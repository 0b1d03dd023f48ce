"""rmpe_mm.evaluation.functional."""
from .mpii_file_eval import MpiiFileEvaluation, evaluate_mpii_files
from .mpii_map import (MPII_EVAL_JOINT_IDS, MPII_EVAL_JOINT_NAMES,
                       MpiiAPAccumulator, assign_anchors_to_groups,
                       assign_poses_to_groups, evaluate_mpii_groups,
                       format_mpii_ap_table, match_group, pose_anchors,
                       summarize_mpii_ap, voc_ap)
from .mpii_submission import (MpiiSubmissionGroup, read_mpii_submission,
                              write_mpii_submission)
from .pose_nms import (POSE_NMS_PRESETS, BatchedPoseNMSResult,
                       ParametricPoseNMS, PoseNMSParams, PoseNMSResult,
                       PoseNMSType, batched_parametric_pose_nms,
                       build_pose_nms, load_pose_nms_params_file,
                       parametric_pose_nms, resolve_pose_nms_params)

__all__ = [
    'MPII_EVAL_JOINT_IDS', 'MPII_EVAL_JOINT_NAMES', 'MpiiAPAccumulator',
    'assign_anchors_to_groups', 'assign_poses_to_groups',
    'evaluate_mpii_groups', 'format_mpii_ap_table', 'match_group',
    'pose_anchors', 'summarize_mpii_ap', 'voc_ap', 'MpiiFileEvaluation',
    'evaluate_mpii_files', 'MpiiSubmissionGroup', 'read_mpii_submission',
    'write_mpii_submission', 'ParametricPoseNMS', 'BatchedPoseNMSResult',
    'PoseNMSResult', 'PoseNMSType', 'batched_parametric_pose_nms',
    'build_pose_nms', 'parametric_pose_nms', 'POSE_NMS_PRESETS',
    'PoseNMSParams', 'load_pose_nms_params_file', 'resolve_pose_nms_params'
]
