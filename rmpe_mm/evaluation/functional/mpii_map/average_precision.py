"""Per-joint AP (``getRPC.m``, ``VOCap.m``) over the pooled detections."""
from typing import List, Optional, Sequence

import numpy as np

from rmpe_mm.datasets.mpii_multi_person_format import MPII_JOINT_NAMES
from .constants import MPII_EVAL_JOINT_IDS, MPII_TABLE_COLUMNS
from .matching import GroupMatch


def voc_ap(recall: np.ndarray, precision: np.ndarray) -> float:
    """VOC all-point interpolated AP (``VOCap.m``, PASCAL VOC 2010+).

    Args:
        recall (np.ndarray): ``(N,)`` recall at each rank.
        precision (np.ndarray): ``(N,)`` precision at each rank.

    Returns:
        float: Area under the monotone precision envelope, in [0, 1].
    """
    mrec = np.concatenate([[0.0], np.asarray(recall, np.float64), [1.0]])
    mpre = np.concatenate([[0.0], np.asarray(precision, np.float64), [0.0]])
    mpre = np.maximum.accumulate(mpre[::-1])[::-1]
    steps = np.nonzero(mrec[1:] != mrec[:-1])[0] + 1
    return float(np.sum((mrec[steps] - mrec[steps - 1]) * mpre[steps]))


def joint_ap(scores: np.ndarray, labels: np.ndarray, num_gt: int) -> float:
    """AP (percent) of one joint's pooled detections (``getRPC.m``).

    Args:
        scores (np.ndarray): ``(N,)`` detection scores.
        labels (np.ndarray): ``(N,)`` bool, True = correct.
        num_gt (int): Number of annotated GT joints.

    Returns:
        float: ``100 * VOCap``; NaN when ``num_gt == 0`` (AP undefined).
    """
    if num_gt <= 0:
        return float('nan')
    order = np.argsort(-np.asarray(scores, np.float64), kind='stable')
    tp = np.cumsum(np.asarray(labels, bool)[order])
    ranks = np.arange(1, len(order) + 1)
    return 100.0 * voc_ap(tp / num_gt, tp / ranks)


class MpiiAPAccumulator:
    """Pools :class:`GroupMatch` results and computes the per-joint APs.

    Detections are pooled in the order groups are added and, within a
    group, in prediction order, then ranked by a stable descending sort:
    exactly ``evaluateAP.m``'s concatenation of ``scoresAll{j}{imgidx}``
    over the groups and ``getRPC.m``'s ``sort(scores, 'descend')``, which
    keeps equal scores in that order. Add groups in the submission's order.

    Args:
        num_joints (int): ``J``. Default: 14.
        joint_ids (Sequence[int]): MPII ids of the ``J`` joints, for
            messages. Default: the toolkit's 14.
    """

    def __init__(self,
                 num_joints: int = len(MPII_EVAL_JOINT_IDS),
                 joint_ids: Sequence[int] = MPII_EVAL_JOINT_IDS) -> None:
        if len(joint_ids) != num_joints:
            raise ValueError(f'joint_ids has {len(joint_ids)} entries for '
                             f'{num_joints} joints')
        self.num_joints = num_joints
        self.joint_ids = tuple(joint_ids)
        self._scores: List[np.ndarray] = []
        self._labels: List[np.ndarray] = []
        self._has_pred: List[np.ndarray] = []
        self.num_gt = np.zeros(num_joints, dtype=np.int64)
        self.num_groups = 0
        self.num_groups_without_pred = 0

    def add(self, match: GroupMatch) -> None:
        """Add one group's detections and GT count."""
        if match.num_gt.shape != (self.num_joints, ):
            raise ValueError(f'expected {self.num_joints} joints, got '
                             f'{match.num_gt.shape}')
        self._scores.append(match.scores)
        self._labels.append(match.labels)
        self._has_pred.append(match.has_pred)
        self.num_gt += match.num_gt
        self.num_groups += 1
        self.num_groups_without_pred += int(len(match.scores) == 0)

    def compute(self) -> np.ndarray:
        """``(J,)`` per-joint AP in percent (NaN where no GT joint)."""
        empty = np.zeros((0, self.num_joints))
        scores = np.concatenate([empty] + self._scores)
        labels = np.concatenate([empty.astype(bool)] + self._labels)
        has_pred = np.concatenate([empty.astype(bool)] + self._has_pred)
        return np.array([
            joint_ap(scores[has_pred[:, j], j], labels[has_pred[:, j], j],
                     int(self.num_gt[j])) for j in range(self.num_joints)
        ])

    def undefined_message(self) -> Optional[str]:
        """Why some APs are NaN (no annotated GT joint counted), or None.

        Returns:
            str | None: A message naming the joints and table columns
            without data and the number of groups without any prediction
            (the protocol counts a group's GT joints only if it has one).
        """
        missing = [j for j, n in zip(self.joint_ids, self.num_gt) if n == 0]
        if not missing:
            return None
        names = [MPII_JOINT_NAMES[j] for j in missing]
        columns = [
            c for c, ids in MPII_TABLE_COLUMNS.items()
            if all(j in missing or j not in self.joint_ids for j in ids)
        ]
        if len(missing) == self.num_joints:
            columns.append('Total')
        where = f' (table: {", ".join(columns)})' if columns else ''
        return (f'MPII AP undefined (NaN) for {", ".join(names)}{where}: '
                'no annotated ground-truth joint of theirs was counted. '
                "The protocol counts a group's ground truth only when the "
                f'group has a prediction; {self.num_groups_without_pred} of '
                f'{self.num_groups} groups had none.')
