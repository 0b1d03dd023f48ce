"""Pose alignment (torso rule) and masked k-means of PGPG."""
import numpy as np
import pytest

from rmpe_mm.datasets.pgpg import (TORSO_JOINTS, align_poses, masked_kmeans,
                                   resolve_torso_joints)
from rmpe_mm.testing import TEMPLATES, make_planted_pairs


def _coco_pose(origin=(300., 200.), torso=80.):
    return TEMPLATES[0] * torso + np.asarray(origin)


def test_alignment_is_translation_and_scale_invariant():
    pose = _coco_pose()
    other = _coco_pose(origin=(50., 600.), torso=20.)
    vis = np.full((2, 17), 2.)
    out = align_poses(np.stack([pose, other]), vis, TORSO_JOINTS[17])
    assert out.valid.all()
    np.testing.assert_allclose(out.coords[0], TEMPLATES[0], atol=1e-9)
    np.testing.assert_allclose(out.coords[1], TEMPLATES[0], atol=1e-9)
    np.testing.assert_allclose(out.torso_length, [80., 20.])
    np.testing.assert_allclose(out.origin, [[300., 200.], [50., 600.]])


def test_missing_torso_joint_rule():
    pose = np.stack([_coco_pose()] * 4)
    vis = np.full((4, 17), 2.)
    vis[0, 5] = 0  # one shoulder missing: neck = the other shoulder
    vis[1, [11, 12]] = 0  # both hips missing: not aligned
    vis[2, [5, 6]] = 0  # both shoulders missing: not aligned
    vis[3, :] = 0
    vis[3, [5, 11, 12]] = 2  # 3 joints < min_keypoints=4: not aligned
    out = align_poses(pose, vis, TORSO_JOINTS[17], min_keypoints=4)
    np.testing.assert_array_equal(out.valid, [True, False, False, False])
    # neck = right shoulder (-0.35, -0.5), pelvis = (0, 0.5) in torso units
    neck, pelvis = np.array([-0.35, -0.5]), np.array([0., 0.5])
    assert out.torso_length[0] == pytest.approx(80. *
                                                np.linalg.norm(neck - pelvis))
    assert not out.mask[1:].any()
    assert not out.mask[0, 5] and out.mask[0, 6]


def test_mpii_layout_and_errors():
    assert resolve_torso_joints(16) == ((12, 13), (2, 3))
    assert resolve_torso_joints(17) == ((5, 6), (11, 12))
    with pytest.raises(ValueError, match='num_keypoints=14'):
        resolve_torso_joints(14)
    assert resolve_torso_joints(14, [[0], [1, 2]]) == ((0, ), (1, 2))
    with pytest.raises(ValueError, match='out of range'):
        resolve_torso_joints(14, [[0], [20]])
    # An MPII pose: thorax-free rule uses shoulders 12/13 and hips 2/3.
    kpts = np.zeros((1, 16, 2))
    kpts[0, [12, 13]] = [[90., 100.], [110., 100.]]
    kpts[0, [2, 3]] = [[95., 160.], [105., 160.]]
    vis = np.zeros((1, 16))
    vis[0, [2, 3, 12, 13]] = 1
    out = align_poses(kpts, vis, resolve_torso_joints(16))
    assert out.valid[0] and out.torso_length[0] == pytest.approx(60.)
    np.testing.assert_allclose(out.origin[0], [100., 130.])
    with pytest.raises(ValueError, match='keypoints shape'):
        align_poses(kpts, vis[:, :5], resolve_torso_joints(16))


def test_masked_kmeans_recovers_clusters_with_missing_joints():
    pairs = make_planted_pairs(800, drop_prob=0.3, seed=5)
    out = align_poses(pairs.keypoints, pairs.visible, TORSO_JOINTS[17])
    x = out.coords.reshape(800, -1)
    mask = np.repeat(out.mask, 2, axis=1)
    km = masked_kmeans(x, mask, 4, seed=0)
    # Each recovered cluster is one planted cluster (a few poses missing the
    # distinguishing limbs may land in the wrong one).
    purity = sum(
        np.bincount(pairs.labels[km.labels == j]).max() for j in range(4))
    assert purity / 800 > 0.98
    centers = km.centers.reshape(4, 17, 2)
    for j in range(4):
        truth = TEMPLATES[np.bincount(pairs.labels[km.labels == j]).argmax()]
        assert np.sqrt(((centers[j] - truth)**2).sum(-1).mean()) < 0.05
    counts = np.bincount(km.labels)
    assert (np.diff(counts) <= 0).all()  # sorted by size


def test_masked_kmeans_errors():
    x = np.zeros((3, 2))
    with pytest.raises(ValueError, match='k=4'):
        masked_kmeans(x, np.ones_like(x, bool), 4)
    with pytest.raises(ValueError, match='observed'):
        masked_kmeans(x, np.zeros_like(x, bool), 2)
