"""Sample articulated 2D MPII poses for the synthetic (simulated) dataset.

A pose is built by forward kinematics in a body frame (pelvis at the origin,
y pointing down, unit = standing body height): torso, neck and head follow a
lean angle; arms and legs hang off shoulders and hips with abduction and
flexion angles drawn from the ranges of a *pose class* and clipped to
:data:`~.skeleton.JOINT_ANGLE_LIMITS`. Out-of-plane rotation is imitated by
narrowing shoulders/hips (side view) and shortening limbs (foreshortening);
a back view swaps the image sides of left and right joints.
"""
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Dict, Mapping, Sequence, Tuple

import numpy as np

from .config import POSE_CLASSES
from .skeleton import BONE_LENGTHS, JOINT_ANGLE_LIMITS, JOINT_ID, NUM_JOINTS

Range = Tuple[float, float]

#: Angle ranges (degrees) of every pose class. Keys: ``lean`` (torso),
#: ``tilt`` (head), ``shoulder`` (abduction), ``elbow`` (flexion), ``hip``
#: (abduction), ``knee`` (flexion), ``thigh_foreshortening`` (length factor
#: of the thighs; crouched thighs point towards the camera).
POSE_CLASS_SPECS: Mapping[str, Mapping[str, Range]] = MappingProxyType({
    'arms_down':
    MappingProxyType(
        dict(
            lean=(-10., 10.),
            tilt=(-15., 15.),
            shoulder=(5., 35.),
            elbow=(-90., 15.),
            hip=(-5., 20.),
            knee=(-10., 10.),
            thigh_foreshortening=(0.85, 1.0))),
    'arms_up':
    MappingProxyType(
        dict(
            lean=(-10., 10.),
            tilt=(-20., 20.),
            shoulder=(115., 175.),
            elbow=(-20., 100.),
            hip=(-5., 20.),
            knee=(-10., 10.),
            thigh_foreshortening=(0.85, 1.0))),
    'arms_out':
    MappingProxyType(
        dict(
            lean=(-12., 12.),
            tilt=(-15., 15.),
            shoulder=(70., 110.),
            elbow=(-60., 60.),
            hip=(-5., 25.),
            knee=(-15., 10.),
            thigh_foreshortening=(0.85, 1.0))),
    'crouched':
    MappingProxyType(
        dict(
            lean=(-20., 20.),
            tilt=(-20., 20.),
            shoulder=(0., 60.),
            elbow=(-120., 20.),
            hip=(30., 70.),
            knee=(-100., -50.),
            thigh_foreshortening=(0.45, 0.75))),
})

_SPEC_TO_LIMIT = dict(
    lean='torso_lean',
    tilt='head_tilt',
    shoulder='shoulder_abduction',
    elbow='elbow_flexion',
    hip='hip_abduction',
    knee='knee_flexion')


@dataclass
class BodyPose:
    """A pose in the body frame (pelvis at origin, unit = body height).

    Args:
        keypoints (np.ndarray): ``(16, 2)`` MPII joints, y down.
        pose_class (str): One of :data:`~.config.POSE_CLASSES`.
        facing (str): ``'front'`` or ``'back'``.
        width_factor (float): Shoulder/hip narrowing (1 = frontal view).
        angles (dict[str, float]): The sampled joint angles (degrees).
    """
    keypoints: np.ndarray
    pose_class: str
    facing: str
    width_factor: float
    angles: Dict[str, float] = field(default_factory=dict)


def direction(angle_deg: float) -> np.ndarray:
    """Unit vector of a body-frame angle: 0 = down, 90 = +x, 180 = up."""
    a = np.deg2rad(angle_deg)
    return np.array([np.sin(a), np.cos(a)])


def _sample_angle(rng: np.random.Generator, spec: Mapping[str, Range],
                  key: str) -> float:
    lo, hi = spec[key]
    value = float(rng.uniform(lo, hi))
    lim_lo, lim_hi = JOINT_ANGLE_LIMITS[_SPEC_TO_LIMIT[key]]
    return min(max(value, lim_lo), lim_hi)


def _sample_bones(rng: np.random.Generator) -> Dict[str, float]:
    """Bone lengths with +-10 % individual variation (shared by L/R)."""
    jitter = np.clip(rng.normal(1.0, 0.04, len(BONE_LENGTHS)), 0.9, 1.1)
    return {k: v * j for (k, v), j in zip(BONE_LENGTHS.items(), jitter)}


def _add_limb(kpts: np.ndarray, root: np.ndarray, ids: Sequence[int],
              lengths: Sequence[float], angles: Sequence[float]) -> None:
    """Write a 2-bone chain starting at ``root`` into ``kpts`` (local)."""
    mid = root + lengths[0] * direction(angles[0])
    kpts[ids[0]] = mid
    kpts[ids[1]] = mid + lengths[1] * direction(angles[1])


def sample_body_pose(
    rng: np.random.Generator,
    pose_class: str,
    side_view_prob: float = 0.3,
    back_view_prob: float = 0.3,
    foreshortening_range: Range = (0.75, 1.0)
) -> BodyPose:
    """Sample one articulated pose of a given class.

    Args:
        rng (np.random.Generator): Random stream.
        pose_class (str): One of :data:`~.config.POSE_CLASSES`.
        side_view_prob (float): Probability of a sideways-turned body
            (shoulder/hip widths x U(0.25, 0.6) instead of U(0.85, 1)).
            Default 0.3.
        back_view_prob (float): Probability of facing away. Default 0.3.
        foreshortening_range (tuple[float, float]): Per-limb-bone length
            factor range. Default ``(0.75, 1.0)``.

    Returns:
        BodyPose: joints in the body frame.
    """
    if pose_class not in POSE_CLASS_SPECS:
        raise ValueError(
            f'pose_class must be one of {POSE_CLASSES}, got {pose_class!r}')
    spec = POSE_CLASS_SPECS[pose_class]
    bones = _sample_bones(rng)
    side = rng.random() < side_view_prob
    width = float(rng.uniform(0.25, 0.6) if side else rng.uniform(0.85, 1.0))
    facing = 'back' if rng.random() < back_view_prob else 'front'
    # Image side of the person's left limbs: +x when facing the camera.
    sign = {'l': 1.0 if facing == 'front' else -1.0}
    sign['r'] = -sign['l']

    angles = {k: _sample_angle(rng, spec, k) for k in ('lean', 'tilt')}
    lean = angles['lean']
    kpts = np.zeros((NUM_JOINTS, 2))
    pelvis = kpts[JOINT_ID['pelvis']]
    thorax = pelvis + bones['torso'] * direction(180 + lean)
    kpts[JOINT_ID['thorax']] = thorax
    neck = thorax + bones['neck'] * direction(180 + lean + angles['tilt'] / 2)
    kpts[JOINT_ID['upper_neck']] = neck
    kpts[JOINT_ID['head_top']] = neck + bones['head'] * direction(
        180 + lean + angles['tilt'])
    across = direction(90 + lean)
    one_arm_only = pose_class == 'arms_out' and rng.random() < 0.5
    lowered_arm = 'l' if rng.random() < 0.5 else 'r'

    for lr in ('l', 'r'):
        s = sign[lr]
        arm_spec = spec
        if one_arm_only and lr == lowered_arm:
            arm_spec = POSE_CLASS_SPECS['arms_down']
        sh = _sample_angle(rng, arm_spec, 'shoulder')
        el = _sample_angle(rng, arm_spec, 'elbow')
        fs = rng.uniform(*foreshortening_range, size=2)
        shoulder = thorax + s * width * bones['shoulder'] * across
        kpts[JOINT_ID[f'{lr}_shoulder']] = shoulder
        upper = lean + s * sh
        _add_limb(kpts, shoulder,
                  (JOINT_ID[f'{lr}_elbow'], JOINT_ID[f'{lr}_wrist']),
                  (bones['upper_arm'] * fs[0], bones['forearm'] * fs[1]),
                  (upper, upper + s * el))

        hip_a = _sample_angle(rng, spec, 'hip')
        knee_a = _sample_angle(rng, spec, 'knee')
        thigh_f = rng.uniform(*spec['thigh_foreshortening'])
        shin_f = rng.uniform(*foreshortening_range)
        hip = pelvis + s * width * bones['hip'] * across
        kpts[JOINT_ID[f'{lr}_hip']] = hip
        thigh = 0.3 * lean + s * hip_a
        _add_limb(kpts, hip, (JOINT_ID[f'{lr}_knee'], JOINT_ID[f'{lr}_ankle']),
                  (bones['thigh'] * thigh_f, bones['shin'] * shin_f),
                  (thigh, thigh + s * knee_a))
        angles.update({
            f'{lr}_shoulder': sh,
            f'{lr}_elbow': el,
            f'{lr}_hip': hip_a,
            f'{lr}_knee': knee_a
        })
    return BodyPose(
        keypoints=kpts,
        pose_class=pose_class,
        facing=facing,
        width_factor=width,
        angles=angles)


def pose_to_image(body_kpts: np.ndarray,
                  pelvis_xy: Sequence[float],
                  height_px: float,
                  aspect: float = 1.0) -> np.ndarray:
    """Map body-frame joints to image pixels.

    Args:
        body_kpts (np.ndarray): ``(16, 2)`` joints in body units.
        pelvis_xy (Sequence[float]): Pelvis position in the image.
        height_px (float): Standing body height in pixels.
        aspect (float): Horizontal stretch. Default 1.0.

    Returns:
        np.ndarray: ``(16, 2)`` joints in pixels (a new array).
    """
    if height_px <= 0:
        raise ValueError(f'height_px must be > 0, got {height_px}')
    scale = np.array([aspect * height_px, height_px])
    return np.asarray(pelvis_xy, dtype=np.float64) + body_kpts * scale
