"""Tuning of the parametric pose NMS (``tools/tune_ppnms.py``).

- :mod:`.search`: the NMS of a whole prediction dump re-run for many
  parameters, the rescoring and the pairwise coordinate search;
- :mod:`.coco_eval`: a vectorised COCO keypoint AP (fast stand-in for
  xtcocotools' ``COCOeval``).
"""
from .coco_eval import (FastCocoKeypointEval, XtcocoKeypointEval,
                        coco_keypoint_ap)
from .search import (TUNABLE_PARAMS, PoseNMSTuningProblem, coordinate_search,
                     load_pose_dump, rescore)

__all__ = [
    'FastCocoKeypointEval', 'XtcocoKeypointEval', 'coco_keypoint_ap',
    'TUNABLE_PARAMS', 'PoseNMSTuningProblem', 'coordinate_search',
    'load_pose_dump', 'rescore'
]
