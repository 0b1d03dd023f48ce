"""Constants of the MPII multi-person AP protocol (joints, table, PCKh)."""
from collections import OrderedDict
from typing import Tuple

from rmpe_mm.datasets.mpii_multi_person_format import PELVIS_ID, THORAX_ID

#: MPII ids of the 14 evaluated joints, in the toolkit's order (jidxMap).
MPII_EVAL_JOINT_IDS: Tuple[int, ...] = (0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14,
                                        15, 8, 9)
MPII_EVAL_JOINT_NAMES: Tuple[str,
                             ...] = ('r_ankle', 'r_knee', 'r_hip', 'l_hip',
                                     'l_knee', 'l_ankle', 'r_wrist', 'r_elbow',
                                     'r_shoulder', 'l_shoulder', 'l_elbow',
                                     'l_wrist', 'upper_neck', 'head_top')
#: Table columns -> MPII joint ids averaged in them.
MPII_TABLE_COLUMNS: 'OrderedDict[str, Tuple[int, ...]]' = OrderedDict(
    Head=(9, 8),
    Shoulder=(12, 13),
    Elbow=(11, 14),
    Wrist=(10, 15),
    Hip=(2, 3),
    Knee=(1, 4),
    Ankle=(0, 5))
HEAD_SIZE_FACTOR = 0.6
PCKH_THRESHOLD = 0.5
#: Joints whose midpoint locates a pose for the group assignment (RMPE):
#: pelvis and thorax.
MPII_ANCHOR_IDS: Tuple[int, ...] = (PELVIS_ID, THORAX_ID)
#: Fallback anchor joints: right/left hip and right/left shoulder.
MPII_TORSO_IDS: Tuple[int, ...] = (2, 3, 12, 13)
