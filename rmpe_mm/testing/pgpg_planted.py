"""Synthetic matched pairs with planted structure (tests and benchmarks).

COCO-17 poses drawn around a few known aligned templates (standing, arms up,
crouching, lying), placed at random positions and sizes, with random missing
limbs; each template has its own known offset Gaussian. A fit should recover
the templates as atomic poses and the Gaussians as the atoms' mixtures.
"""
import json
import os
from typing import Dict, List, NamedTuple, Sequence

import numpy as np

from rmpe_mm.datasets.pgpg.boxes import apply_offsets
from rmpe_mm.utils.atomic_io import atomic_open

# Aligned COCO-17 standing pose: torso center at 0, neck (0, -0.5), pelvis
# (0, 0.5), torso length 1, image y axis (down).
_STANDING = np.array([[0.0, -1.0], [0.07, -1.07], [-0.07,
                                                   -1.07], [0.15, -1.03],
                      [-0.15, -1.03], [0.35, -0.5], [-0.35, -0.5], [0.45, 0.0],
                      [-0.45, 0.0], [0.5, 0.45], [-0.5, 0.45], [0.2, 0.5],
                      [-0.2, 0.5], [0.22, 1.4], [-0.22, 1.4], [0.22, 2.3],
                      [-0.22, 2.3]])


def _arms_up() -> np.ndarray:
    pose = _STANDING.copy()
    pose[[7, 8]] = [[0.55, -1.0], [-0.55, -1.0]]
    pose[[9, 10]] = [[0.6, -1.6], [-0.6, -1.6]]
    return pose


def _crouching() -> np.ndarray:
    pose = _STANDING.copy()
    pose[[13, 14]] = [[0.6, 0.6], [-0.6, 0.6]]
    pose[[15, 16]] = [[0.55, 1.4], [-0.55, 1.4]]
    return pose


def _lying() -> np.ndarray:
    return np.stack([-_STANDING[:, 1], _STANDING[:, 0]], axis=1)


TEMPLATES = np.stack([_STANDING, _arms_up(), _crouching(), _lying()])

# Known offset Gaussians per template: means (4,) and covariances (4, 4).
PLANTED_MEANS = np.array([
    [-0.02, 0.00, 0.02, 0.00],
    [-0.08, -0.12, 0.08, 0.03],
    [0.05, -0.05, -0.03, 0.08],
    [-0.10, 0.04, 0.12, -0.04],
])
_STDS = np.array([
    [0.05, 0.03, 0.05, 0.03],
    [0.06, 0.08, 0.06, 0.04],
    [0.04, 0.05, 0.07, 0.06],
    [0.08, 0.04, 0.08, 0.05],
])
_CORR = np.array([
    [1.0, 0.3, -0.4, 0.0],
    [0.3, 1.0, 0.0, -0.2],
    [-0.4, 0.0, 1.0, 0.3],
    [0.0, -0.2, 0.3, 1.0],
])
PLANTED_COVS = np.stack([np.outer(s, s) * _CORR for s in _STDS])

# COCO-17 limbs (0-based joint pairs) for the figure.
COCO_SKELETON = [[15, 13], [13, 11], [16, 14], [14, 12], [11, 12], [5, 11],
                 [6, 12], [5, 6], [5, 7], [6, 8], [7, 9], [8, 10], [1, 2],
                 [0, 1], [0, 2], [1, 3], [2, 4], [3, 5], [4, 6]]


class PlantedPairs(NamedTuple):
    """Planted matched pairs (see :class:`pairs.MatchedPairs`) and truth."""
    keypoints: np.ndarray
    visible: np.ndarray
    gt_boxes: np.ndarray
    det_boxes: np.ndarray
    offsets: np.ndarray
    labels: np.ndarray


def make_planted_pairs(num: int,
                       clusters: Sequence[int] = (0, 1, 2, 3),
                       joint_noise: float = 0.04,
                       drop_prob: float = 0.2,
                       offset_scale: float = 1.0,
                       seed: int = 0) -> PlantedPairs:
    """Draw ``num`` pairs, clusters in equal proportions.

    Args:
        num (int): Number of pairs.
        clusters (Sequence[int]): Template ids used (0..3).
        joint_noise (float): Joint noise std in torso lengths.
        drop_prob (float): Probability a non-torso joint is unannotated.
        offset_scale (float): Multiplies the offset deviations from the
            means (smaller = tighter boxes).
        seed (int): Random seed.

    Returns:
        PlantedPairs: With the true template id of each pair in ``labels``.
    """
    rng = np.random.default_rng(seed)
    clusters = np.asarray(clusters)
    labels = clusters[np.arange(num) % len(clusters)]
    rng.shuffle(labels)
    aligned = TEMPLATES[labels] + rng.normal(0, joint_noise,
                                             (num, TEMPLATES.shape[1], 2))
    torso = rng.uniform(40, 160, num)
    origin = rng.uniform(200, 800, (num, 2))
    keypoints = aligned * torso[:, None, None] + origin[:, None]
    visible = np.full((num, 17), 2.0)
    drop = rng.random((num, 17)) < drop_prob
    drop[:, [5, 6, 11, 12]] = False
    visible[drop] = 0.
    keypoints[drop] = 0.
    full = TEMPLATES[labels] * torso[:, None, None] + origin[:, None]
    gt = np.concatenate([full.min(axis=1), full.max(axis=1)], axis=1)
    pad = 0.1 * np.tile(gt[:, 2:] - gt[:, :2], 2) * np.array([-1, -1, 1, 1])
    gt = gt + pad
    normals = rng.standard_normal((num, 4))
    chol = np.linalg.cholesky(PLANTED_COVS[labels])
    offsets = PLANTED_MEANS[labels] + offset_scale * np.einsum(
        'nij,nj->ni', chol, normals)
    det = apply_offsets(gt, offsets)
    return PlantedPairs(keypoints, visible, gt, det, offsets, labels)


def write_planted_coco(pairs: PlantedPairs,
                       out_dir: str,
                       person_per_image: int = 1) -> Dict[str, str]:
    """Write planted pairs as a COCO GT file and a COCO results file.

    One person per image by default, so matching recovers the planted pairs
    (except those with IoU <= the matching threshold).

    Args:
        pairs (PlantedPairs): From :func:`make_planted_pairs`.
        out_dir (str): Output directory (created).
        person_per_image (int): People per image. Defaults to 1.

    Returns:
        dict: ``{'ann_file': ..., 'det_file': ...}``.
    """
    os.makedirs(out_dir, exist_ok=True)
    images: List[dict] = []
    anns: List[dict] = []
    dets: List[dict] = []
    for i in range(len(pairs.offsets)):
        image_id = i // person_per_image + 1
        if i % person_per_image == 0:
            images.append(
                dict(
                    id=image_id,
                    file_name=f'{image_id}.jpg',
                    width=1200,
                    height=1200))
        kpts = np.concatenate([pairs.keypoints[i], pairs.visible[i][:, None]],
                              axis=1)
        g, d = pairs.gt_boxes[i], pairs.det_boxes[i]
        anns.append(
            dict(
                id=i + 1,
                image_id=image_id,
                category_id=1,
                iscrowd=0,
                bbox=[*g[:2].tolist(), *(g[2:] - g[:2]).tolist()],
                keypoints=kpts.reshape(-1).tolist(),
                num_keypoints=int((pairs.visible[i] > 0).sum())))
        dets.append(
            dict(
                image_id=image_id,
                category_id=1,
                score=0.9,
                bbox=[*d[:2].tolist(), *(d[2:] - d[:2]).tolist()]))
    ann_file = os.path.join(out_dir, 'planted_gt.json')
    det_file = os.path.join(out_dir, 'planted_det.json')
    with atomic_open(ann_file) as f:
        json.dump(
            dict(
                images=images,
                annotations=anns,
                categories=[
                    dict(
                        id=1,
                        name='person',
                        skeleton=[[a + 1, b + 1] for a, b in COCO_SKELETON])
                ]), f)
    with atomic_open(det_file) as f:
        json.dump(dets, f)
    return dict(ann_file=ann_file, det_file=det_file)
