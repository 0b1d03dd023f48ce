"""Smooth motion of simulated people for the synthetic video clips.

Every person of a clip has a *role* that guarantees the events a tracker
must survive (documented defaults of :class:`~.clip_config.ClipConfig`):

- ``'cross'`` (the first two people): they walk towards each other at
  constant speeds and meet at ``meet_x`` around the middle of the clip;
  being of different sizes (depths), the nearer one occludes the other.
- ``'leave'`` (the third person): walks at the top of ``speed_range``
  out through a side edge, stays fully outside for ``absence_range``
  frames, then walks back in.
- ``'wander'`` (the rest): walks left or right, turns around smoothly once
  at a random frame and at the image margins.

The pelvis height follows the person's depth (smaller = farther = higher
in the image, the feet on a ground plane) with a small walking bob. Body
poses are interpolated (smoothstep) between key poses sampled every
``keyframe_interval`` frames; a key pose faces the other way than the
previous one with probability ``turn_prob`` (turning between them), and a
simple gait swings the legs in proportion to the walking speed.
"""
from dataclasses import dataclass
from typing import List, Tuple

import numpy as np

from .pose_sampler import sample_body_pose
from .skeleton import JOINT_ID

#: Order of the roles: people ``0, 1`` cross, ``2`` leaves and re-enters,
#: the rest wander.
ROLES: Tuple[str, ...] = ('cross', 'cross', 'leave')
#: Joints the gait moves: (name, share of the swing).
_GAIT = (('knee', 0.5), ('ankle', 1.0))


@dataclass
class PersonMotion:
    """The motion of one person over a clip.

    Args:
        role (str): ``'cross'``, ``'leave'`` or ``'wander'``.
        pose_class (str): Pose class of its key poses.
        height_px (float): Standing body height in pixels.
        aspect (float): Horizontal stretch.
        pelvis (np.ndarray): ``(T, 2)`` pelvis position per frame (may be
            outside the image).
        body (np.ndarray): ``(T, 16, 2)`` body-frame joints per frame.
        facing (list[str]): ``'front'`` / ``'back'`` per frame.
    """
    role: str
    pose_class: str
    height_px: float
    aspect: float
    pelvis: np.ndarray
    body: np.ndarray
    facing: List[str]


def smoothstep(x: np.ndarray) -> np.ndarray:
    """``3x^2 - 2x^3`` on ``[0, 1]`` (zero slope at both ends)."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def key_poses(
        rng: np.random.Generator, pose_class: str, num_frames: int,
        interval: int, turn_prob: float, back_view_prob: float,
        side_view_prob: float,
        foreshortening_range: Tuple[float,
                                    float]) -> Tuple[np.ndarray, List[str]]:
    """Key poses every ``interval`` frames (and one at the last frame).

    A pose facing away is the frontal pose mirrored left-right (what
    :func:`~.pose_sampler.sample_body_pose` does with its sides).

    Returns:
        tuple: ``(num_keys, 16, 2)`` body-frame joints and their facing.
    """
    num_keys = (num_frames - 1) // interval + 2
    facing = 'back' if rng.random() < back_view_prob else 'front'
    poses, facings = [], []
    for k in range(num_keys):
        if k > 0 and rng.random() < turn_prob:
            facing = 'front' if facing == 'back' else 'back'
        pose = sample_body_pose(rng, pose_class, side_view_prob, 0.0,
                                foreshortening_range).keypoints
        if facing == 'back':
            pose = pose * np.array([-1.0, 1.0])
        poses.append(pose)
        facings.append(facing)
    return np.stack(poses), facings


def interpolate_poses(keys: np.ndarray, facings: List[str], num_frames: int,
                      interval: int) -> Tuple[np.ndarray, List[str]]:
    """Per-frame body poses between key poses (smoothstep weights); the
    facing of each frame is that of the nearer key pose."""
    t = np.arange(num_frames)
    k = t // interval
    w = smoothstep((t % interval) / interval)[:, None, None]
    body = (1.0 - w) * keys[k] + w * keys[k + 1]
    facing = [facings[kk + int(ww > 0.5)] for kk, ww in zip(k, w[:, 0, 0])]
    return body, facing


def add_gait(body: np.ndarray, speed: np.ndarray, max_speed: float,
             amplitude: float, stride: float) -> np.ndarray:
    """Swing knees and ankles left-right in antiphase while walking.

    Args:
        body (np.ndarray): ``(T, 16, 2)`` body-frame joints (not modified).
        speed (np.ndarray): ``(T,)`` pelvis speed, pixels per frame.
        max_speed (float): Speed of the full swing.
        amplitude (float): Full swing of the ankles, body units.
        stride (float): Pixels walked per gait cycle.

    Returns:
        np.ndarray: A new ``(T, 16, 2)`` array.
    """
    phase = 2 * np.pi * np.cumsum(speed) / stride
    swing = amplitude * np.minimum(speed / max_speed, 1.0) * np.sin(phase)
    out = body.copy()
    for name, share in _GAIT:
        out[:, JOINT_ID[f'l_{name}'], 0] += share * swing
        out[:, JOINT_ID[f'r_{name}'], 0] -= share * swing
    return out


def crossing_paths(rng: np.random.Generator, num_frames: int, width: float,
                   speeds: Tuple[float, float]) -> Tuple[np.ndarray, ...]:
    """x of two people walking towards each other, meeting around the
    middle of the clip and of the image."""
    t_meet = rng.uniform(0.35, 0.65) * num_frames
    x_meet = rng.uniform(0.35, 0.65) * width
    t = np.arange(num_frames)
    return (x_meet + speeds[0] * (t - t_meet),
            x_meet - speeds[1] * (t - t_meet))


def leave_path(rng: np.random.Generator, num_frames: int, width: float,
               margin: float, speed: float, exit_fraction: float,
               absence: int) -> np.ndarray:
    """x of a person who walks at ``speed`` out through a side edge (random
    side), fully out (``margin`` pixels beyond the edge) at frame
    ``exit_fraction * num_frames``, stays out ``absence`` frames and walks
    back in at the same speed. It starts where that timing puts it (at
    most the image center away from the edge)."""
    side = 1.0 if rng.random() < 0.5 else -1.0
    outside = width / 2 + side * (width / 2 + margin)
    t_exit = max(1, int(round(exit_fraction * num_frames)))
    distance = min(speed * t_exit, width / 2 + margin)
    start = outside - side * distance
    step = side * distance / t_exit
    t = np.arange(num_frames)
    going = start + step * np.minimum(t, t_exit)
    back = outside - step * np.maximum(t - t_exit - absence, 0)
    return np.where(t <= t_exit + absence, going, back)


def wander_path(rng: np.random.Generator, num_frames: int, width: float,
                speed: float, margin: float) -> np.ndarray:
    """x of a person walking left or right who turns around smoothly (the
    heading changes by 0.2 per frame) once at a random frame and whenever
    it passes ``margin`` pixels from an image side."""
    x = np.empty(num_frames)
    x[0] = rng.uniform(margin, width - margin)
    heading = 1.0 if rng.random() < 0.5 else -1.0
    target = heading
    t_turn = int(rng.uniform(0.3, 0.7) * num_frames)
    for t in range(1, num_frames):
        if t == t_turn:
            target = -target
        if (x[t - 1] < margin and target < 0) or (x[t - 1] > width - margin
                                                  and target > 0):
            target = -target
        heading += float(np.clip(target - heading, -0.2, 0.2))
        x[t] = x[t - 1] + speed * heading
    return x
