"""Pose tracking inside MMPose's own inferencers.

For users of ``mmpose.apis.MMPoseInferencer`` / ``Pose2DInferencer``::

    from mmpose.apis import MMPoseInferencer
    from rmpe_mm.apis import add_pose_nms, add_pose_tracking

    inferencer = add_pose_tracking(add_pose_nms(MMPoseInferencer('human')))
    for result in inferencer('video.mp4'):
        ...  # result['predictions'][0]: person dicts with 'track_id'

MMPose's structure allows it the way :func:`~rmpe_mm.apis.add_pose_nms`
works: its 2D inferencer runs one image per ``forward`` call, in input
order, and ``preprocess`` is called once per call of the inferencer. On
that object only, three methods are wrapped:

- the 2D inferencer's ``preprocess`` resets the tracker (each call is one
  sequence; pass ``reset_tracker=False`` to the wrapper to keep tracks
  across calls, e.g. feeding a stream frame by frame);
- its ``forward`` (after the pose NMS if :func:`add_pose_nms` was applied
  first, which it must be) tracks each image's people
  (:func:`~rmpe_mm.apis.pose_tracking_step.track_instances`):
  ``pred_instances.track_ids``;
- the called object's ``postprocess`` adds ``track_id`` to MMPose's person
  dicts (MMPose's ``split_instances`` keeps only keypoints, scores and
  boxes), also in the JSON of ``pred_out_dir``.

MMPose's rendering is unchanged (its visualizer colors joints by the data
set, not by track): for per-track colors use ``RMPEInferencer``.
"""
from typing import Any, Callable, List

from .inference_results import dump_people
from .mmpose_pose_nms import topdown_pose2d
from .pose_tracking_step import track_instances
from .tracking import build_tracker


class TrackingForward:
    """An inferencer's ``forward`` followed by the tracker per image.

    Args:
        forward (callable): The inferencer's current (bound) ``forward``.
        tracker: From :func:`~rmpe_mm.apis.tracking.build_tracker`.
    """

    def __init__(self, forward: Callable[..., List[Any]],
                 tracker: Any) -> None:
        self.original = forward
        self.tracker = tracker

    def __call__(self, inputs: Any, *args, **kwargs) -> List[Any]:
        """Run the original forward, then the tracker on each sample."""
        samples = self.original(inputs, *args, **kwargs)
        for sample in samples:
            sample.pred_instances = track_instances(sample.pred_instances,
                                                    self.tracker)
        return samples


class TrackingPreprocess:
    """An inferencer's ``preprocess`` that first resets the tracker."""

    def __init__(self, preprocess: Callable[..., Any], tracker: Any,
                 reset: bool) -> None:
        self.original = preprocess
        self.tracker = tracker
        self.reset = reset

    def __call__(self, *args, **kwargs) -> Any:
        if self.reset:
            self.tracker.reset()
        return self.original(*args, **kwargs)


class TrackingPostprocess:
    """An inferencer's ``postprocess`` whose person dicts get ``track_id``.

    The ids are added to the returned dicts (for a video, the same dicts
    MMPose collects for its JSON); per-image JSON files of
    ``pred_out_dir``, which MMPose's postprocess has already written, are
    written again with the ids (:func:`~rmpe_mm.apis.inference_results.
    dump_people`, same file names).

    Args:
        postprocess (callable): The inferencer's (bound) ``postprocess``.
        inferencer: The object it belongs to (for ``_video_input``).
    """

    def __init__(self, postprocess: Callable[..., dict],
                 inferencer: Any) -> None:
        self.original = postprocess
        self.inferencer = inferencer

    def __call__(self, preds: List[Any], visualization: List[Any], *args,
                 **kwargs) -> dict:
        result = self.original(preds, visualization, *args, **kwargs)
        pred_out_dir = kwargs.get('pred_out_dir', '')
        for people, sample in zip(result.get('predictions', []), preds):
            ids = sample.pred_instances.get('track_ids', None)
            if not isinstance(people, list) or ids is None:
                continue  # data samples were asked for, or no tracking
            for person, track_id in zip(people, ids):
                person['track_id'] = int(track_id)
            if pred_out_dir and not self.inferencer._video_input:
                dump_people(people, sample.metainfo['img_path'], pred_out_dir)
        return result


def add_pose_tracking(inferencer: Any,
                      tracker: Any = True,
                      reset_tracker: bool = True) -> Any:
    """Make an MMPose 2D inferencer track people across frames.

    Calling it again replaces the tracker; ``tracker=None`` restores
    MMPose's methods.

    Args:
        inferencer (MMPoseInferencer | Pose2DInferencer): A top-down 2D
            inferencer (``MMPoseInferencer`` built with ``pose2d``).
        tracker (bool | dict | object | None): As in
            :func:`~rmpe_mm.apis.tracking.build_tracker`; ``sigmas`` default
            to the pose model's. Defaults to True (:class:`PoseTracker`'s
            defaults).
        reset_tracker (bool): Reset the tracker when a call starts.
            Defaults to True.

    Returns:
        The same inferencer object.

    Raises:
        ValueError: If it is not a top-down 2D inferencer.
    """
    pose2d = topdown_pose2d(inferencer, 'add_pose_tracking')
    for owner, name in ((pose2d, 'forward'), (pose2d, 'preprocess'),
                        (inferencer, 'postprocess')):
        wrappers = (TrackingForward, TrackingPreprocess, TrackingPostprocess)
        if isinstance(owner.__dict__.get(name), wrappers):
            delattr(owner, name)  # back to what it wrapped
    built = build_tracker(
        tracker, sigmas=pose2d.model.dataset_meta.get('sigmas', None))
    if built is None:
        return inferencer
    pose2d.forward = TrackingForward(pose2d.forward, built)
    pose2d.preprocess = TrackingPreprocess(pose2d.preprocess, built,
                                           reset_tracker)
    inferencer.postprocess = TrackingPostprocess(inferencer.postprocess,
                                                 inferencer)
    return inferencer
