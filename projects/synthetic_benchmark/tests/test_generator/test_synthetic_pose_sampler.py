"""Pose sampler of the synthetic (simulated) dataset."""
import numpy as np
import pytest

from synthetic_benchmark.generator.config import POSE_CLASSES
from synthetic_benchmark.generator.pose_sampler import (POSE_CLASS_SPECS,
                                                        pose_to_image,
                                                        sample_body_pose)
from synthetic_benchmark.generator.skeleton import (BONE_LENGTHS,
                                                    JOINT_ANGLE_LIMITS,
                                                    JOINT_ID)

J = JOINT_ID


def _poses(cls, n=60, seed=0, **kwargs):
    rng = np.random.default_rng(seed)
    return [sample_body_pose(rng, cls, **kwargs) for _ in range(n)]


def _dist(k, a, b):
    return float(np.linalg.norm(k[J[a]] - k[J[b]]))


@pytest.mark.parametrize('cls', POSE_CLASSES)
def test_bone_lengths_are_plausible(cls):
    for pose in _poses(cls):
        k = pose.keypoints
        # rigid bones: +-10 % individual variation
        for (a, b), bone in [(('pelvis', 'thorax'), 'torso'),
                             (('thorax', 'upper_neck'), 'neck'),
                             (('upper_neck', 'head_top'), 'head')]:
            assert 0.89 * BONE_LENGTHS[bone] <= _dist(
                k, a, b) <= 1.11 * BONE_LENGTHS[bone]
        # limbs: also foreshortened (>= 0.45 for crouched thighs)
        for lr in ('l', 'r'):
            for (a, b), bone in [(('shoulder', 'elbow'), 'upper_arm'),
                                 (('elbow', 'wrist'), 'forearm'),
                                 (('hip', 'knee'), 'thigh'),
                                 (('knee', 'ankle'), 'shin')]:
                d = _dist(k, f'{lr}_{a}', f'{lr}_{b}')
                assert 0.45 * 0.89 * BONE_LENGTHS[bone] <= d
                assert d <= 1.11 * BONE_LENGTHS[bone]
        # both shoulders sit at the same distance from the thorax
        assert _dist(k, 'l_shoulder', 'thorax') == pytest.approx(
            _dist(k, 'r_shoulder', 'thorax'))


@pytest.mark.parametrize('cls', POSE_CLASSES)
def test_angles_within_class_ranges_and_limits(cls):
    spec = POSE_CLASS_SPECS[cls]
    limit_of = dict(
        shoulder='shoulder_abduction',
        elbow='elbow_flexion',
        hip='hip_abduction',
        knee='knee_flexion')
    for pose in _poses(cls):
        assert spec['lean'][0] <= pose.angles['lean'] <= spec['lean'][1]
        for lr in ('l', 'r'):
            for joint, limit in limit_of.items():
                lo, hi = JOINT_ANGLE_LIMITS[limit]
                assert lo <= pose.angles[f'{lr}_{joint}'] <= hi
            if cls != 'arms_out':  # arms_out may lower one arm
                lo, hi = spec['shoulder']
                assert lo <= pose.angles[f'{lr}_shoulder'] <= hi


def test_pose_classes_differ_geometrically():
    """Raised wrists for arms_up, low wrists for arms_down, wide arms for
    arms_out, a short body for crouched."""

    def wrist_rise(p):  # > 0: wrist above its shoulder (y down)
        k = p.keypoints
        return np.mean(
            [k[J[f'{s}_shoulder'], 1] - k[J[f'{s}_wrist'], 1] for s in 'lr'])

    def span(p):
        return np.ptp(p.keypoints[:, 0])

    def height(p):
        return np.ptp(p.keypoints[:, 1])

    up, down = _poses('arms_up'), _poses('arms_down')
    out, crouch = _poses('arms_out'), _poses('crouched')
    assert min(wrist_rise(p) for p in up) > 0.1
    assert max(wrist_rise(p) for p in down) < 0
    assert np.median([span(p)
                      for p in out]) > 1.4 * np.median([span(p) for p in down])
    assert max(height(p) for p in crouch) < min(height(p) for p in down)


def test_facing_decides_image_side_of_left_joints():
    for pose in _poses('arms_down', n=40, back_view_prob=0.5):
        k = pose.keypoints
        left_is_right = k[J['l_shoulder'], 0] > k[J['r_shoulder'], 0]
        assert left_is_right == (pose.facing == 'front')
    assert {p.facing
            for p in _poses('arms_down', n=40, back_view_prob=0.5)
            } == {'front', 'back'}


def test_side_view_narrows_shoulders():
    front = _poses('arms_down', side_view_prob=0.0)
    side = _poses('arms_down', side_view_prob=1.0)
    assert min(p.width_factor for p in front) >= 0.85
    assert max(p.width_factor for p in side) <= 0.6


def test_same_seed_same_pose_and_bad_class():
    a = _poses('crouched', n=3, seed=5)
    b = _poses('crouched', n=3, seed=5)
    assert all(np.array_equal(x.keypoints, y.keypoints) for x, y in zip(a, b))
    with pytest.raises(ValueError, match='pose_class'):
        sample_body_pose(np.random.default_rng(0), 'dancing')


def test_pose_to_image_scales_and_shifts():
    pose = _poses('arms_down', n=1)[0]
    k = pose_to_image(pose.keypoints, (100, 50), 200, aspect=1.5)
    assert np.allclose(k[J['pelvis']], (100, 50))
    assert np.allclose(k[J['thorax']] - k[J['pelvis']],
                       pose.keypoints[J['thorax']] * [300, 200])
    with pytest.raises(ValueError, match='height_px'):
        pose_to_image(pose.keypoints, (0, 0), 0)
