"""The parametric pose NMS inside MMPose's own inferencers.

For users of ``mmpose.apis.MMPoseInferencer`` / ``Pose2DInferencer`` who
want RMPE's pose NMS without switching to
:class:`~rmpe_mm.apis.RMPEInferencer`::

    from mmpose.apis import MMPoseInferencer
    from rmpe_mm.apis import add_pose_nms

    inferencer = add_pose_nms(MMPoseInferencer('human'), 'alphapose_body')
    for result in inferencer('image.jpg'):
        ...

The inferencer's ``forward`` is wrapped (on that object only): MMPose's
forward runs as before (detector boxes, ``bbox_thr``, its own optional
``pose_based_nms``), then the parametric pose NMS runs over the poses of
each image (:func:`~rmpe_mm.apis.pose_nms_step.apply_pose_nms`). The data
samples' ``pred_instances`` then hold the merged people in pick order,
with ``scores`` (person score) and ``idx`` (merged box indices) as well;
MMPose's result dicts list ``keypoints``, ``keypoint_scores``, ``bbox``
and ``bbox_score`` of each, as usual.
"""
from typing import Any, Callable, List

from rmpe_mm.evaluation.functional.pose_nms import PoseNMSType, build_pose_nms
from .pose_nms_step import apply_pose_nms


class PoseNMSForward:
    """An inferencer's ``forward`` followed by the pose NMS per image.

    Args:
        forward (callable): The inferencer's own (bound) ``forward``.
        pose_nms (callable): From
            :func:`~rmpe_mm.evaluation.functional.build_pose_nms`.
    """

    def __init__(self, forward: Callable[..., List[Any]],
                 pose_nms: Callable[..., Any]) -> None:
        self.original = forward
        self.pose_nms = pose_nms

    def __call__(self,
                 inputs: Any,
                 merge_results: bool = True,
                 **kwargs) -> List[Any]:
        """Run the original forward, then the pose NMS on each sample.

        Raises:
            ValueError: With ``merge_results=False`` (one sample per box:
                the poses of an image are not together).
        """
        if not merge_results:
            raise ValueError('the parametric pose NMS needs '
                             'merge_results=True (all poses of an image in '
                             'one data sample)')
        samples = self.original(inputs, merge_results=True, **kwargs)
        for sample in samples:
            sample.pred_instances = apply_pose_nms(sample.pred_instances,
                                                   self.pose_nms)
        return samples


def topdown_pose2d(inferencer: Any, caller: str) -> Any:
    """The top-down ``Pose2DInferencer`` of an MMPose inferencer.

    Raises:
        ValueError: If there is none (naming ``caller``).
    """
    from mmpose.apis.inferencers import Pose2DInferencer
    pose2d = getattr(inferencer, 'inferencer', inferencer)
    if not isinstance(pose2d, Pose2DInferencer):
        raise ValueError(f'{caller} needs a Pose2DInferencer or an '
                         'MMPoseInferencer built with pose2d, got '
                         f'{type(pose2d).__name__}')
    data_mode = pose2d.cfg.get('data_mode', None)
    if data_mode != 'topdown':
        raise ValueError(f'{caller} needs a top-down model, got '
                         f'data_mode={data_mode!r}')
    return pose2d


def add_pose_nms(inferencer: Any,
                 pose_nms: PoseNMSType = 'alphapose_body') -> Any:
    """Make an MMPose 2D inferencer apply the parametric pose NMS.

    Calling it again replaces the pose NMS; ``pose_nms=None`` restores
    MMPose's own forward.

    Args:
        inferencer (MMPoseInferencer | Pose2DInferencer): A top-down 2D
            inferencer (``MMPoseInferencer`` built with ``pose2d``).
        pose_nms (None | str | dict | callable): As in
            :func:`~rmpe_mm.evaluation.functional.build_pose_nms`. Defaults to
            ``'alphapose_body'`` (AlphaPose's constants, as
            ``RMPEInferencer``).

    Returns:
        The same inferencer object.

    Raises:
        ValueError: If it is not a top-down 2D inferencer.
    """
    pose2d = topdown_pose2d(inferencer, 'add_pose_nms')
    from .mmpose_pose_tracking import TrackingForward
    if isinstance(pose2d.__dict__.get('forward'), TrackingForward):
        raise ValueError('add_pose_nms must come before add_pose_tracking '
                         '(the tracker follows the pose NMS): undo the '
                         'tracking with add_pose_tracking(inferencer, None)')
    if isinstance(pose2d.__dict__.get('forward'), PoseNMSForward):
        del pose2d.forward  # back to the forward it wrapped
    nms = build_pose_nms(pose_nms)
    if nms is not None:
        pose2d.forward = PoseNMSForward(pose2d.forward, nms)
    return inferencer
