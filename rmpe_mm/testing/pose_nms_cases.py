"""Random crowded pose-NMS inputs: clusters of jittered duplicates plus false
positives, with a few exact-zero keypoint scores.

Used by ``benchmarks/bench_pose_nms.py`` and by the pose NMS tests.
"""
from typing import Optional, Tuple

import numpy as np

Case = Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _person(rng: np.random.Generator, center: np.ndarray, size: np.ndarray,
            num_keypoints: int) -> np.ndarray:
    """(K, 2) joints spread over a person-sized box."""
    low, high = center - size / 2, center + size / 2
    return rng.uniform(low, high, size=(num_keypoints, 2))


def crowded_case(rng: np.random.Generator,
                 num_people: Optional[int] = None,
                 num_keypoints: int = 17,
                 max_duplicates: int = 8,
                 num_false: Optional[int] = None,
                 image_size: float = 400.0,
                 zero_fraction: float = 0.02) -> Case:
    """One image of candidates.

    Each person gets 1..max_duplicates candidates: its joints jittered by a
    per-candidate scale drawn from {0 (exact duplicate), 0.5, 2, 6} px, its
    box jittered by a few pixels; false positives are small random poses
    with low scores. About ``zero_fraction`` of the keypoint scores are
    exactly 0 and, now and then, all scores of one candidate.

    Returns:
        tuple: ``bboxes (N, 4)`` x1y1x2y2, ``bbox_scores (N,)``,
        ``keypoints (N, K, 2)``, ``keypoint_scores (N, K)``.
    """
    if num_people is None:
        num_people = int(rng.integers(1, 12))
    boxes, box_scores, kpts, scores = [], [], [], []
    for _ in range(num_people):
        center = rng.uniform(0, image_size, 2)
        size = np.array([rng.uniform(20, 150), rng.uniform(40, 250)])
        base = _person(rng, center, size, num_keypoints)
        for _ in range(int(rng.integers(1, max_duplicates + 1))):
            jitter = rng.choice([0.0, 0.5, 2.0, 6.0]) * rng.uniform()
            kpts.append(base + rng.normal(0, 1, base.shape) * jitter)
            scores.append(rng.uniform(0, 1, num_keypoints))
            box_jit = rng.normal(0, 5, 4)
            boxes.append(np.r_[center - size / 2 + box_jit[:2],
                               center + size / 2 + np.abs(box_jit[2:])])
            box_scores.append(rng.uniform(0.05, 1))
    if num_false is None:
        num_false = int(rng.integers(0, 5))
    for _ in range(num_false):
        center = rng.uniform(0, image_size, 2)
        size = rng.uniform(5, 100, 2)
        kpts.append(_person(rng, center, size, num_keypoints))
        scores.append(rng.uniform(0, 0.6, num_keypoints))
        boxes.append(np.r_[center - size / 2, center + size / 2])
        box_scores.append(rng.uniform(0, 0.5))
    kpts, scores = np.array(kpts), np.array(scores)
    scores[rng.uniform(size=scores.shape) < zero_fraction] = 0.0
    if rng.uniform() < 0.05:
        scores[rng.integers(len(scores))] = 0.0
    boxes = np.array(boxes)
    boxes[:, 2:] = np.maximum(boxes[:, 2:], boxes[:, :2])
    return boxes, np.array(box_scores), kpts, scores


def case_with_size(rng: np.random.Generator,
                   num_candidates: int,
                   num_keypoints: int = 17,
                   duplicates: float = 8.0) -> Case:
    """A crowded image with exactly ``num_candidates`` candidates.

    About ``num_candidates / duplicates`` people (image side growing with
    the square root of the people count, so the density stays that of a
    crowded 640-pixel image with 15 people), topped up or trimmed to size.
    """
    people = max(1, int(round(num_candidates / duplicates)))
    side = 640.0 * np.sqrt(people / 15.0)
    parts = []
    total = 0
    while total < num_candidates:
        case = crowded_case(
            rng,
            num_people=people,
            num_keypoints=num_keypoints,
            max_duplicates=int(2 * duplicates - 1),
            num_false=max(1, people // 3),
            image_size=side)
        parts.append(case)
        total += len(case[0])
    merged = [np.concatenate([p[i] for p in parts]) for i in range(4)]
    keep = rng.permutation(len(merged[0]))[:num_candidates]
    return tuple(m[keep] for m in merged)
