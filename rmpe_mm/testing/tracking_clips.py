"""Synthetic tracking inputs: keypoint trajectories of walking people.

For the tracker's tests and ``benchmarks/bench_tracking.py`` (the rendered
video clips with ground truth of the benchmark live in the synthetic
benchmark project). A person is a fixed standing pose (COCO's 17 joints,
offsets in units of the person's height) moved along a center trajectory,
with Gaussian joint noise and a box around the joints; a NaN center means
the person is not detected in that frame (occluded or outside the image).
"""
from typing import List, NamedTuple, Optional

import numpy as np

#: COCO's 17 OKS sigmas (MMPose's ``coco.py`` metainfo values).
COCO_SIGMAS = np.array([
    .026, .025, .025, .035, .035, .079, .079, .072, .072, .062, .062, .107,
    .107, .087, .087, .089, .089
])

#: A standing person's joints relative to the box center, per unit height.
STANDING_POSE = np.array([[0.00, -0.44], [-0.02, -0.46], [0.02, -0.46],
                          [-0.05, -0.45], [0.05, -0.45], [-0.12, -0.32],
                          [0.12, -0.32], [-0.16, -0.16], [0.16, -0.16],
                          [-0.17, -0.01], [0.17, -0.01], [-0.08, 0.02],
                          [0.08, 0.02], [-0.08, 0.25], [0.08, 0.25],
                          [-0.08, 0.48], [0.08, 0.48]])


class Frame(NamedTuple):
    """The detections of one frame (N people detected).

    Attributes:
        keypoints: (N, 17, 2) float64.
        keypoint_scores: (N, 17) float64.
        bboxes: (N, 4) xyxy float64 (the joints' extent, 10 % margin).
        gt_ids: (N,) int64 index of the true person of each detection.
    """
    keypoints: np.ndarray
    keypoint_scores: np.ndarray
    bboxes: np.ndarray
    gt_ids: np.ndarray


def linear_path(start, end, num_frames: int) -> np.ndarray:
    """(num_frames, 2) centers moving at constant speed."""
    t = np.linspace(0., 1., num_frames)[:, None]
    return np.asarray(start, float) * (1 - t) + np.asarray(end, float) * t


def make_clip(centers: np.ndarray,
              heights: np.ndarray,
              noise: float = 2.0,
              seed: int = 0,
              order: Optional[np.ndarray] = None) -> List[Frame]:
    """Detections of P people over F frames.

    Args:
        centers (np.ndarray): (P, F, 2) box centers; NaN rows: not
            detected in that frame.
        heights (np.ndarray): (P,) person heights in pixels.
        noise (float): Joint noise standard deviation in pixels.
            Defaults to 2.
        seed (int): Random seed. Defaults to 0.
        order (np.ndarray, optional): (F, P) permutation of the detection
            order per frame; default: a random order each frame (a
            tracker must not rely on it).

    Returns:
        list[Frame]: One per frame.
    """
    rng = np.random.default_rng(seed)
    centers = np.asarray(centers, float)
    num_people, num_frames = centers.shape[:2]
    frames = []
    for f in range(num_frames):
        perm = rng.permutation(num_people) if order is None else order[f]
        people = [p for p in perm if np.isfinite(centers[p, f]).all()]
        kpts = np.array([
            centers[p, f] + STANDING_POSE * heights[p] +
            rng.normal(0., noise, STANDING_POSE.shape) for p in people
        ]).reshape(-1, 17, 2)
        low, high = kpts.min(1), kpts.max(1)
        margin = 0.1 * (high - low)
        frames.append(
            Frame(
                keypoints=kpts,
                keypoint_scores=rng.uniform(0.6, 1.0, kpts.shape[:2]),
                bboxes=np.concatenate([low - margin, high + margin], 1),
                gt_ids=np.array(people, np.int64)))
    return frames


def crowd_clip(num_people: int = 10,
               num_frames: int = 100,
               seed: int = 0) -> List[Frame]:
    """``num_people`` walking on straight lines across a 1280x720 frame."""
    rng = np.random.default_rng(seed)
    starts = rng.uniform([100, 150], [1180, 570], (num_people, 2))
    ends = rng.uniform([100, 150], [1180, 570], (num_people, 2))
    centers = np.stack(
        [linear_path(s, e, num_frames) for s, e in zip(starts, ends)])
    return make_clip(centers, rng.uniform(120, 220, num_people), seed=seed + 1)
