"""Per-frame poses of a clip for the trackers: a pose model or noisy truth.

Both sources end with rmpe_mm's pose-NMS step
(:func:`~rmpe_mm.apis.pose_nms_step.apply_pose_nms`) on each frame's
poses, so the trackers see what rmpe_mm's pipeline outputs: per frame a
dict of ``keypoints (N, K, 2)``, ``keypoint_scores (N, K)``, ``bboxes
(N, 4)`` (xyxy, the box of each kept pose) and ``scores (N,)``, people in
the pose NMS's pick order.

- ``'model'`` (:class:`ModelPoses`): a top-down model run by
  :class:`~rmpe_mm.apis.RMPEInferencer` on every frame's simulated
  detections (``bboxes=`` per frame, as a user passes a detector's boxes),
  with the given pose-NMS preset.
- ``'gt_noise'`` (:func:`noisy_truth_poses`): a documented stand-in for a
  pose model when no trained checkpoint is at hand. Every simulated
  detection gets its person's true joints plus Gaussian noise of std
  ``noise`` times the square root of the person's box area (a duplicate
  gets its own noise); joint scores are 0.9 (visible), 0.5 (occluded by a
  nearer person), 0.1 (outside the image); a false-positive box gets the
  joints of an upright template spread over the box with scores 0.2.
"""
from typing import Dict, List, Optional

import numpy as np
from mmengine.structures import InstanceData

from rmpe_mm.apis.pose_nms_step import apply_pose_nms
from rmpe_mm.evaluation.functional.pose_nms import PoseNMSType, build_pose_nms
from synthetic_benchmark.generator.clips import Clip

FramePoses = Dict[str, np.ndarray]
#: Joint scores of the ``gt_noise`` source by MPII ``v`` flag (0, 1, 2).
FLAG_SCORES = np.array([0.1, 0.5, 0.9], np.float32)
#: Score of every joint of a false-positive box (``gt_noise``).
FP_JOINT_SCORE = 0.2
#: Upright template (x, y in [0, 1] of the box) of the 16 MPII joints for
#: false-positive boxes (``gt_noise``).
FP_TEMPLATE = np.array(
    [[0.40, 0.98], [0.42, 0.75], [0.44, 0.52], [0.56, 0.52], [0.58, 0.75],
     [0.60, 0.98], [0.50, 0.52], [0.50, 0.22], [0.50, 0.16], [0.50, 0.02],
     [0.25, 0.48], [0.30, 0.36], [0.38, 0.22], [0.62, 0.22], [0.70, 0.36],
     [0.75, 0.48]], np.float32)


def frame_poses(instances: InstanceData) -> FramePoses:
    """The arrays the trackers consume, from the pose NMS's output."""
    return dict(
        keypoints=np.asarray(instances.keypoints, np.float32),
        keypoint_scores=np.asarray(instances.keypoint_scores, np.float32),
        bboxes=np.asarray(instances.bboxes, np.float32).reshape(-1, 4),
        scores=np.asarray(instances.scores, np.float32).reshape(-1))


def noisy_truth_poses(
        clip: Clip,
        noise: float = 0.03,
        seed: int = 0,
        pose_nms: PoseNMSType = 'paper_mpii') -> List[FramePoses]:
    """The ``gt_noise`` source (module docstring) on every frame.

    Args:
        clip (Clip): The clip.
        noise (float): Joint noise std, fraction of sqrt(box area).
            Defaults to 0.03.
        seed (int): Noise seed. Defaults to 0.
        pose_nms (PoseNMSType): Pose-NMS preset or config. Defaults to
            ``'paper_mpii'`` (the main job's test preset).

    Returns:
        list[dict]: One :func:`frame_poses` dict per frame.
    """
    if noise < 0:
        raise ValueError(f'noise must be >= 0, got {noise}')
    rng = np.random.default_rng(seed)
    nms = build_pose_nms(pose_nms)
    out = []
    for t in range(clip.num_frames):
        sel = np.flatnonzero(clip.det_frame == t)
        num_k = clip.keypoints.shape[2]
        kpts = np.zeros((len(sel), num_k, 2), np.float32)
        scores = np.full((len(sel), num_k), FP_JOINT_SCORE, np.float32)
        for row, d in enumerate(sel):
            box = clip.det_boxes[d]
            person = clip.det_person[d]
            if person < 0:
                kpts[row] = box[:2] + FP_TEMPLATE * (box[2:] - box[:2])
                continue
            gt_box = clip.boxes[t, person]
            size = np.sqrt(np.prod(gt_box[2:] - gt_box[:2]))
            kpts[row] = clip.keypoints[t, person] + rng.normal(
                0.0, noise * size, (num_k, 2))
            scores[row] = FLAG_SCORES[clip.flags[t, person]]
        inst = InstanceData()
        inst.keypoints = kpts
        inst.keypoint_scores = scores
        inst.bboxes = clip.det_boxes[sel].reshape(-1, 4)
        inst.bbox_scores = clip.det_scores[sel]
        out.append(frame_poses(apply_pose_nms(inst, nms)))
    return out


class ModelPoses:
    """The ``'model'`` source: a top-down checkpoint through
    :class:`~rmpe_mm.apis.RMPEInferencer` (CPU).

    Args:
        config (str): Pose model config.
        checkpoint (str): Its checkpoint.
        pose_nms (PoseNMSType): Defaults to ``'paper_mpii'``.
        batch_size (int): Frames per inferencer batch. Defaults to 8.
        device (str): Defaults to ``'cpu'``.
    """

    def __init__(self,
                 config: str,
                 checkpoint: str,
                 pose_nms: PoseNMSType = 'paper_mpii',
                 batch_size: int = 8,
                 device: str = 'cpu') -> None:
        from rmpe_mm.apis import RMPEInferencer
        self.inferencer = RMPEInferencer(
            model=config, weights=checkpoint, device=device, pose_nms=pose_nms)
        self.batch_size = int(batch_size)

    @property
    def sigmas(self) -> Optional[np.ndarray]:
        """The model's data-set sigmas (None if its metainfo has none)."""
        sigmas = self.inferencer.model.dataset_meta.get('sigmas')
        return None if sigmas is None else np.asarray(sigmas, np.float64)

    def __call__(self, clip: Clip) -> List[FramePoses]:
        """One :func:`frame_poses` dict per frame of ``clip``."""
        boxes = []
        for t in range(clip.num_frames):
            b, s = clip.frame_detections(t)
            boxes.append(np.concatenate([b, s[:, None]], 1))
        out = []
        for result in self.inferencer(
                list(clip.frames),
                bboxes=boxes,
                batch_size=self.batch_size,
                return_datasamples=True):
            out += [
                frame_poses(p.pred_instances) for p in result['predictions']
            ]
        if len(out) != clip.num_frames:
            raise RuntimeError(f'the inferencer returned {len(out)} frames '
                               f'for {clip.num_frames}')
        return out
