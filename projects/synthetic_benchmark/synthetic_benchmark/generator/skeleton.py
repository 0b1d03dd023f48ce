"""MPII 16-joint skeleton used by the synthetic (simulated) dataset.

Joint order, names, links and the COCO category are those of the MPII
multi-person COCO-style JSON
(:mod:`rmpe_mm.datasets.mpii_multi_person_format`, MPII ids 0..15). Bone
lengths are fractions of the standing body height (head top to ankle is
about 0.96 of it), roughly adult anthropometric proportions. This module
holds constants only; sampling lives in :mod:`.pose_sampler`.
"""
from types import MappingProxyType
from typing import Mapping, Tuple

from rmpe_mm.datasets.mpii_multi_person_format import (MPII_JOINT_NAMES,
                                                       NUM_MPII_JOINTS,
                                                       mpii_person_category)

__all__ = [
    'MPII_JOINT_NAMES', 'NUM_JOINTS', 'JOINT_ID', 'BONE_LENGTHS',
    'JOINT_ANGLE_LIMITS', 'mpii_person_category'
]

NUM_JOINTS: int = NUM_MPII_JOINTS
JOINT_ID: Mapping[str, int] = MappingProxyType(
    {name: i
     for i, name in enumerate(MPII_JOINT_NAMES)})

#: Default bone lengths as fractions of the standing body height.
BONE_LENGTHS: Mapping[str, float] = MappingProxyType({
    'torso': 0.29,  # pelvis -> thorax
    'neck': 0.06,  # thorax -> upper neck
    'head': 0.12,  # upper neck -> head top
    'shoulder': 0.11,  # thorax -> shoulder (half width, frontal view)
    'hip': 0.085,  # pelvis -> hip (half width, frontal view)
    'upper_arm': 0.17,
    'forearm': 0.15,
    'thigh': 0.245,
    'shin': 0.245,
})

#: Hard joint-angle limits in degrees, applied after class-specific sampling.
#: ``abduction`` angles are measured from the torso's downward axis,
#: outwards; ``flexion`` is the angle of the distal bone relative to the
#: proximal one (positive = outwards in the image plane).
JOINT_ANGLE_LIMITS: Mapping[str, Tuple[float, float]] = MappingProxyType({
    'shoulder_abduction': (-30.0, 180.0),
    'elbow_flexion': (-150.0, 150.0),
    'hip_abduction': (-25.0, 85.0),
    'knee_flexion': (-150.0, 30.0),
    'torso_lean': (-35.0, 35.0),
    'head_tilt': (-35.0, 35.0),
})
