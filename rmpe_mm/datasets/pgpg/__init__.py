"""Pose-guided proposals generator (PGPG): fitting, model, sampling.

Pure numpy / scipy / scikit-learn; the MMPose transforms that use it live in
``rmpe_mm.datasets.transforms``.
"""
from .alignment import (TORSO_JOINTS, AlignedPoses, align_poses,
                        resolve_torso_joints)
from .boxes import (apply_offsets, box_iou_matrix, normalized_offsets,
                    paired_box_iou, xywh_to_xyxy)
from .fit import FitReport, PGPGFitConfig, fit_pgpg, fit_pgpg_from_files
from .kmeans import KMeansResult, masked_kmeans, masked_sq_distances
from .matching import match_boxes
from .mixture import (PUBLISHED_MEAN, PUBLISHED_STD, OffsetMixture,
                      fit_offset_mixture, published_mixture)
from .model import PGPG_FORMAT, PGPG_VERSION, PGPGModel
from .pairs import MatchedPairs, load_matched_pairs
from .plot import plot_pgpg_model

__all__ = [
    'TORSO_JOINTS', 'AlignedPoses', 'align_poses', 'resolve_torso_joints',
    'apply_offsets', 'box_iou_matrix', 'normalized_offsets', 'paired_box_iou',
    'xywh_to_xyxy', 'FitReport', 'PGPGFitConfig', 'fit_pgpg',
    'fit_pgpg_from_files', 'KMeansResult', 'masked_kmeans',
    'masked_sq_distances', 'match_boxes', 'PUBLISHED_MEAN', 'PUBLISHED_STD',
    'OffsetMixture', 'fit_offset_mixture', 'published_mixture', 'PGPG_FORMAT',
    'PGPG_VERSION', 'PGPGModel', 'MatchedPairs', 'load_matched_pairs',
    'plot_pgpg_model'
]
