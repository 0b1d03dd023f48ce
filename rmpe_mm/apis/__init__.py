"""rmpe_mm.apis: the multi-person pipeline (detector, pose model, pose NMS,
tracking: :mod:`rmpe_mm.apis.tracking`).

:class:`RMPEInferencer` is imported on first access
(``from rmpe_mm.apis import RMPEInferencer``): it needs ``mmpose.apis`` and
MMDetection, which would add seconds to every ``import rmpe_mm`` (every
training run loads the plugin). It registers itself in MMPose's
``INFERENCERS`` (as ``'RMPEInferencer'`` and ``'rmpe'``) when imported.
"""
from .dataset_detection import detect_dataset, detect_images
from .detection_file import (DetectionFile, image_id_from_name, load_image_ids,
                             load_person_detections, person_boxes_to_coco)
from .inputs import count_frames, input_kind, list_images
from .mmpose_pose_nms import PoseNMSForward, add_pose_nms, topdown_pose2d
from .mmpose_pose_tracking import add_pose_tracking
from .model_names import WHOLE_IMAGE, ResolvedModel, resolve_model
from .person_detector import PersonBoxes, PersonDetector, filter_person_boxes
from .pose_nms_step import apply_pose_nms, person_scores
from .pose_tracking_step import track_instances
from .prefetching import prefetch
from .result_formats import (AlphaPoseImage, dump_results,
                             load_alphapose_results, to_alphapose_results,
                             to_coco_keypoint_results)
from .scope import current_scope, no_scope_switch, scope_guard
from .stage_timer import StageTimer
from .tracking import OneEuroFilter, PoseTracker, build_tracker

_LAZY = {'RMPEInferencer': '.rmpe_inferencer'}


def __getattr__(name: str):
    """Import :class:`RMPEInferencer` on first access (PEP 562)."""
    if name in _LAZY:
        import importlib
        module = importlib.import_module(_LAZY[name], __name__)
        return getattr(module, name)
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


__all__ = [
    'detect_dataset', 'detect_images', 'DetectionFile', 'image_id_from_name',
    'load_image_ids', 'load_person_detections', 'person_boxes_to_coco',
    'PersonBoxes', 'PersonDetector', 'filter_person_boxes', 'apply_pose_nms',
    'person_scores', 'AlphaPoseImage', 'dump_results',
    'load_alphapose_results', 'to_alphapose_results',
    'to_coco_keypoint_results', 'RMPEInferencer', 'current_scope',
    'scope_guard', 'StageTimer', 'count_frames', 'input_kind', 'list_images',
    'PoseNMSForward', 'add_pose_nms', 'WHOLE_IMAGE', 'ResolvedModel',
    'resolve_model', 'prefetch', 'no_scope_switch', 'topdown_pose2d',
    'add_pose_tracking', 'track_instances', 'OneEuroFilter', 'PoseTracker',
    'build_tracker'
]
