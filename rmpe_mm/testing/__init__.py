"""Oracles and fixtures shared by the tests and the benchmarks.

Not imported by ``import rmpe_mm`` (nothing here is registered):

- :mod:`.pose_nms_reference` (:func:`reference_pose_nms`): the per-pick
  loop reference of the parametric pose NMS, written independently of
  :mod:`rmpe_mm.evaluation.functional`;
- :mod:`.pose_nms_cases`: random crowded pose-NMS inputs;
- :mod:`.pgpg_planted`: synthetic matched pairs with planted PGPG structure;
- :mod:`.tracking_clips`: keypoint trajectories of walking people (the
  tracker's tests and benchmark).
- :mod:`.fault_hooks`: ``SigkillHook``, a training process that kills
  itself (resume tests; imported only by configs that name it).
- :mod:`.fuzz`, :mod:`.fuzz_pose_nms`, :mod:`.fuzz_targets`: the fuzzing of
  the pose NMS and of every file reader (``benchmarks/fuzz_readers.py``).

(The synthetic benchmark's tiny dataset is
``synthetic_benchmark.testing.make_tiny_synthetic``, in
``projects/synthetic_benchmark/``.)
"""
from .pgpg_planted import (PLANTED_COVS, PLANTED_MEANS, TEMPLATES,
                           PlantedPairs, make_planted_pairs,
                           write_planted_coco)
from .pose_nms_cases import case_with_size, crowded_case
from .pose_nms_reference import reference_pose_nms
from .tracking_clips import COCO_SIGMAS, crowd_clip, linear_path, make_clip

__all__ = [
    'PLANTED_COVS', 'PLANTED_MEANS', 'TEMPLATES', 'PlantedPairs',
    'make_planted_pairs', 'write_planted_coco', 'case_with_size',
    'crowded_case', 'reference_pose_nms', 'COCO_SIGMAS', 'crowd_clip',
    'linear_path', 'make_clip'
]
