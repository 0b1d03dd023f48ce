"""Pose alignment for atomic poses: common origin, unit torso length.

Rule (docs/method.md section 4 leaves it open; this is the documented,
configurable default):

- neck = mean of the *annotated* shoulders, pelvis = mean of the *annotated*
  hips (one shoulder and one hip suffice);
- origin = midpoint of neck and pelvis (torso center); torso length =
  ``||neck - pelvis||``; aligned joint = ``(joint - origin) / torso length``;
  no rotation (a lying person keeps its orientation, which matters for its
  box offsets);
- a pose is *aligned* only if it has at least one annotated shoulder and one
  annotated hip, a torso length above ``min_torso`` pixels, and at least
  ``min_keypoints`` annotated joints. Other poses (missing torso joints) get no
  atomic pose: their offsets feed only the global mixture at fitting time, and
  the proposal transform samples them from the global mixture.

Joints are "annotated" when their visibility flag is > 0 (COCO v = 1 or 2).
"""
from typing import Dict, NamedTuple, Optional, Sequence, Tuple

import numpy as np

# (shoulder ids, hip ids) per keypoint count. COCO-WholeBody (133) and the
# Halpe layouts (26, 136) start with the 17 COCO body joints.
_COCO_TORSO = ((5, 6), (11, 12))
TORSO_JOINTS: Dict[int, Tuple[Tuple[int, ...], Tuple[int, ...]]] = {
    16: ((12, 13), (2, 3)),  # MPII: r/l_shoulder, r/l_hip
    17: _COCO_TORSO,
    26: _COCO_TORSO,
    133: _COCO_TORSO,
    136: _COCO_TORSO,
}


class AlignedPoses(NamedTuple):
    """Aligned poses.

    Attributes:
        coords (np.ndarray): Aligned joints in shape (N, K, 2); 0 where not
            annotated or where the pose is not aligned.
        mask (np.ndarray): (N, K) bool, annotated joints of aligned poses.
        valid (np.ndarray): (N,) bool, poses that could be aligned.
        origin (np.ndarray): (N, 2) torso centers in pixels (0 if invalid).
        torso_length (np.ndarray): (N,) torso lengths in pixels (0 if
            invalid).
    """
    coords: np.ndarray
    mask: np.ndarray
    valid: np.ndarray
    origin: np.ndarray
    torso_length: np.ndarray


def resolve_torso_joints(
    num_keypoints: int,
    torso_joints: Optional[Sequence[Sequence[int]]] = None
) -> Tuple[Tuple[int, ...], Tuple[int, ...]]:
    """Shoulder and hip joint ids for a keypoint layout.

    Args:
        num_keypoints (int): Number of keypoints K.
        torso_joints (Sequence[Sequence[int]], optional): Explicit
            ``(shoulder_ids, hip_ids)``; overrides the built-in table
            (16 = MPII; 17, 26, 133, 136 = COCO-based layouts).

    Returns:
        tuple: ``(shoulder_ids, hip_ids)``.

    Raises:
        ValueError: For an unknown layout without ``torso_joints``, or ids out
            of range.
    """
    if torso_joints is None:
        if num_keypoints not in TORSO_JOINTS:
            raise ValueError(
                f'num_keypoints={num_keypoints} has no built-in torso '
                f'definition (known: {sorted(TORSO_JOINTS)}); pass '
                'torso_joints=(shoulder_ids, hip_ids)')
        return TORSO_JOINTS[num_keypoints]
    if len(torso_joints) != 2:
        raise ValueError('torso_joints must be (shoulder_ids, hip_ids), got '
                         f'{torso_joints!r}')
    shoulders = tuple(int(i) for i in torso_joints[0])
    hips = tuple(int(i) for i in torso_joints[1])
    for i in shoulders + hips:
        if not 0 <= i < num_keypoints:
            raise ValueError(f'torso joint id {i} out of range for '
                             f'num_keypoints={num_keypoints}')
    if not shoulders or not hips:
        raise ValueError(f'torso_joints={torso_joints!r} needs at least one '
                         'shoulder id and one hip id')
    return shoulders, hips


def _masked_mean(points: np.ndarray,
                 mask: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Mean of (N, J, 2) points over annotated joints; returns (mean, any)."""
    count = mask.sum(axis=1)
    total = (points * mask[..., None]).sum(axis=1)
    return total / np.maximum(count, 1)[:, None], count > 0


def align_poses(keypoints: np.ndarray,
                visible: np.ndarray,
                torso_joints: Tuple[Sequence[int], Sequence[int]],
                min_keypoints: int = 4,
                min_torso: float = 1.0) -> AlignedPoses:
    """Align poses to a common origin and unit torso length.

    Args:
        keypoints (np.ndarray): Joints in pixels, shape (N, K, 2).
        visible (np.ndarray): Annotation flags in shape (N, K) (or (N, K, 1));
            > 0 means annotated.
        torso_joints (tuple): ``(shoulder_ids, hip_ids)``, see
            :func:`resolve_torso_joints`.
        min_keypoints (int): Minimum number of annotated joints for a pose to
            be aligned. Defaults to 4.
        min_torso (float): Minimum torso length in pixels. Defaults to 1.0.

    Returns:
        AlignedPoses: See the module docstring for the rule.
    """
    kpts = np.asarray(keypoints, dtype=np.float64)
    vis = np.asarray(visible)
    if vis.ndim == 3:
        vis = vis[..., 0]
    if kpts.ndim != 3 or kpts.shape[-1] < 2 or vis.shape != kpts.shape[:2]:
        raise ValueError(f'keypoints shape {kpts.shape} and visible shape '
                         f'{vis.shape} must be (N, K, 2) and (N, K)')
    kpts = kpts[..., :2]
    mask = vis > 0
    shoulders, hips = (list(ids) for ids in torso_joints)
    neck, has_neck = _masked_mean(kpts[:, shoulders], mask[:, shoulders])
    pelvis, has_pelvis = _masked_mean(kpts[:, hips], mask[:, hips])
    torso = np.sqrt(((neck - pelvis)**2).sum(axis=1))
    valid = (
        has_neck & has_pelvis & (torso >= min_torso)
        & (mask.sum(axis=1) >= min_keypoints))
    origin = 0.5 * (neck + pelvis) * valid[:, None]
    torso = torso * valid
    mask = mask & valid[:, None]
    inv_torso = mask / np.where(valid, torso, 1.)[:, None]  # 0 if masked
    coords = (kpts - origin[:, None]) * inv_torso[..., None]
    return AlignedPoses(coords, mask, valid, origin, torso)
