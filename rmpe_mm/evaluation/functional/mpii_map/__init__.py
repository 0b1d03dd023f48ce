"""MPII multi-person mAP: the official ``evaluateAP.m`` protocol in numpy.

The protocol (MPII evaluation toolkit: ``evaluateAP.m``,
``assignGTmulti.m``, ``getRPC.m``, ``VOCap.m``), per group of people:

1. 14 joints, in the toolkit's order: r/l ankle, knee, hip (ids 0-5),
   r/l wrist, elbow, shoulder (10-15), upper neck (8), head top (9); thorax
   and pelvis are not evaluated.
2. ``headsize(g) = 0.6 * ||(x2, y2) - (x1, y1)||`` of GT ``g``'s head box;
   ``dist(p, g, j) = ||pred - gt|| / headsize(g)`` (inf if either joint is
   missing); joint match if ``dist <= 0.5``;
   ``pck(p, g) = #matched joints / #annotated joints of g``.
3. Each prediction keeps only its best GT (first on ties); each GT then takes
   the prediction with the highest remaining pck (first on ties; none if 0).
4. Every predicted joint is a detection scored by its own score, true iff
   its prediction was assigned to a GT and that joint matched.
5. Per joint, detections of all groups are pooled in group order (within a
   group, in prediction order), sorted by score descending with equal
   scores kept in that order (MATLAB's ``sort(..., 'descend')`` is stable;
   ports that reverse an ascending sort rank ties the other way round),
   precision/recall are taken against the number of annotated GT joints,
   and AP is VOC's all-point interpolated AP; the table averages left/right
   joints; Total is the mean over the 14 joints. APs are percentages.

One detail of the official code is kept by default and can be switched off:
``assignGTmulti.m`` only counts a group's annotated GT joints inside its
loop over predictions, so a group with no prediction adds nothing to the
number of GT joints (``count_unpredicted_groups=False``).

Group assignment (RMPE's, not the toolkit's, whose submissions are already
per group): :func:`pose_anchors` and :func:`assign_anchors_to_groups`.

Modules: :mod:`.constants` (joints, table columns, PCKh threshold),
:mod:`.matching` (``assignGTmulti.m``), :mod:`.average_precision`
(``getRPC.m``, ``VOCap.m``, the pooled accumulator), :mod:`.table` (the
paper's table), :mod:`.grouping` (RMPE's group assignment) and
:mod:`.protocol` (all of it over a list of groups).
"""
from .average_precision import MpiiAPAccumulator, joint_ap, voc_ap
from .constants import (HEAD_SIZE_FACTOR, MPII_ANCHOR_IDS, MPII_EVAL_JOINT_IDS,
                        MPII_EVAL_JOINT_NAMES, MPII_TABLE_COLUMNS,
                        MPII_TORSO_IDS, PCKH_THRESHOLD)
from .grouping import (assign_anchors_to_groups, assign_poses_to_groups,
                       pose_anchors)
from .matching import GroupMatch, head_sizes, match_group
from .protocol import evaluate_mpii_groups
from .table import format_mpii_ap_table, summarize_mpii_ap

__all__ = [
    'HEAD_SIZE_FACTOR', 'MPII_ANCHOR_IDS', 'MPII_EVAL_JOINT_IDS',
    'MPII_EVAL_JOINT_NAMES', 'MPII_TABLE_COLUMNS', 'MPII_TORSO_IDS',
    'PCKH_THRESHOLD', 'GroupMatch', 'head_sizes', 'match_group', 'voc_ap',
    'joint_ap', 'MpiiAPAccumulator', 'summarize_mpii_ap',
    'format_mpii_ap_table', 'pose_anchors', 'assign_anchors_to_groups',
    'assign_poses_to_groups', 'evaluate_mpii_groups'
]
