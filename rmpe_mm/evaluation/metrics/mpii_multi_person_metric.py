"""MPII multi-person mAP metric (official ``evaluateAP.m`` protocol)."""
import logging
import os.path as osp
from collections import Counter, OrderedDict
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.fileio import get_local_path
from mmengine.logging import print_log
from mmpose.registry import METRICS

from rmpe_mm.datasets.mpii_multi_person_format import (
    NUM_MPII_JOINTS, MpiiImageGT, load_mpii_multi_person_json)
from ..functional.mpii_map import (HEAD_SIZE_FACTOR, MPII_ANCHOR_IDS,
                                   MPII_EVAL_JOINT_IDS, MPII_EVAL_JOINT_NAMES,
                                   PCKH_THRESHOLD, MpiiAPAccumulator,
                                   assign_anchors_to_groups,
                                   format_mpii_ap_table, match_group,
                                   pose_anchors, summarize_mpii_ap)
from ..functional.mpii_submission import write_mpii_submission
from ..functional.pose_nms import PoseNMSType, build_pose_nms

_Poses = Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
_Group = Tuple[str, np.ndarray, np.ndarray, Tuple[np.ndarray, np.ndarray,
                                                  np.ndarray]]


@METRICS.register_module()
class MpiiMultiPersonMAP(BaseMetric):
    """MPII multi-person mAP, as the official ``evaluateAP.m`` computes it.

    Per image: the pose NMS merges redundant poses, each remaining pose is
    assigned to a group (RMPE: the midpoint of pelvis and thorax inside the
    group box; a pose without them, e.g. a 14-joint prediction, is located
    by its hips and shoulders, see :func:`pose_anchors`), then the toolkit's
    protocol runs per group (see
    :mod:`rmpe_mm.evaluation.functional.mpii_map`): 14 joints, PCKh 0.5 with
    head size ``0.6 * head-box diagonal``, one GT per prediction then one
    prediction per GT, every joint scored by its own score, per-joint VOC AP.
    Reported (percent): ``Head, Shoulder, Elbow, Wrist, Hip, Knee, Ankle,
    Total`` (Total = mAP over the 14 joints), also printed as a table.
    Warnings are logged when poses cannot be located (no joint to do it
    with), when no pose lands in any group, and when a column has no data
    (NaN: no annotated GT joint counted).

    Ground truth comes from ``ann_file`` (the MPII multi-person JSON) or, if
    it is None, from the ``mpii_gt`` that :class:`MpiiMultiPersonDataset`
    attaches to test samples (``'mpii_gt'`` must then be in
    ``PackPoseInputs``' ``meta_keys``; only images with a sample are seen).

    Args:
        ann_file (str, optional): MPII multi-person JSON. Default: None.
        pose_nms (None | str | dict | Callable): Pose NMS per image. A string
            is a ``ParametricPoseNMS`` preset, a dict a ``TASK_UTILS``
            config; None disables NMS (built by :func:`build_pose_nms`).
            Default: ``'paper_mpii'``, i.e.
            ``dict(type='ParametricPoseNMS', preset='paper_mpii')``.
        pck_thr (float): PCKh threshold. Default: 0.5.
        head_size_factor (float): Head size = factor * head-box diagonal.
            Default: 0.6.
        group_assignment (str): Where group boxes overlap, ``'nearest'``
            (box center nearest to the pelvis-thorax midpoint) or
            ``'first'``. Default: ``'nearest'`` (RMPE does not say).
        group_anchor_fallback (bool): Locate a pose without a finite
            pelvis and thorax by the mean of its finite hips and shoulders,
            else of all its finite joints. False drops such poses (with a
            warning). Default: True (RMPE does not say).
        count_unpredicted_groups (bool): Count GT joints of groups without
            any prediction. Default: False, as the official code does.
        submission_file (str, optional): Also write the official submission
            ``.mat`` here (images by ascending id, which is annolist order
            for the converter's JSON, groups in JSON order; 1-based
            coordinates). Detections are ranked in this same order (stable
            for equal scores, as the official code). Default: None.
        format_only (bool): Only write ``submission_file`` (e.g. the test
            set, which has no public labels); return no metric. Default:
            False.
        collect_device (str): ``'cpu'`` or ``'gpu'``. Default: ``'cpu'``.
        prefix (str, optional): Metric name prefix. Default: None (keys are
            ``Head`` ... ``Total``).
    """
    # '' (not None): no prefix, and no mmengine warning about a missing one
    default_prefix: Optional[str] = ''

    def __init__(self,
                 ann_file: Optional[str] = None,
                 pose_nms: PoseNMSType = 'paper_mpii',
                 pck_thr: float = PCKH_THRESHOLD,
                 head_size_factor: float = HEAD_SIZE_FACTOR,
                 group_assignment: str = 'nearest',
                 group_anchor_fallback: bool = True,
                 count_unpredicted_groups: bool = False,
                 submission_file: Optional[str] = None,
                 format_only: bool = False,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if ann_file is not None and not osp.isfile(ann_file):
            raise FileNotFoundError(f'ann_file not found: {ann_file}')
        if group_assignment not in ('nearest', 'first'):
            raise ValueError("group_assignment must be 'nearest' or 'first',"
                             f' got {group_assignment!r}')
        if format_only and submission_file is None:
            raise ValueError('format_only=True needs a submission_file')
        if not pck_thr > 0 or not head_size_factor > 0:
            raise ValueError('pck_thr and head_size_factor must be positive, '
                             f'got {pck_thr}, {head_size_factor}')
        self.ann_file = ann_file
        self.pose_nms = build_pose_nms(pose_nms)
        self.pck_thr = pck_thr
        self.head_size_factor = head_size_factor
        self.group_assignment = group_assignment
        self.group_anchor_fallback = group_anchor_fallback
        self.count_unpredicted_groups = count_unpredicted_groups
        self.submission_file = submission_file
        self.format_only = format_only
        self._ann_gt: Optional[Dict[int, MpiiImageGT]] = None

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        """Keep each sample's poses (and its ``mpii_gt`` without ann_file).

        Args:
            data_batch: Unused.
            data_samples (Sequence[dict]): Model outputs with ``id``,
                ``img_id`` and ``pred_instances`` (``keypoints (N, K, 2)``,
                ``keypoint_scores (N, K)``, ``bboxes (N, 4)`` xyxy and
                ``bbox_scores (N,)``; missing ``bbox_scores`` count as 1).
        """
        for sample in data_samples:
            if 'pred_instances' not in sample:
                raise ValueError(f'{self.__class__.__name__} needs '
                                 '`pred_instances` in every data sample')
            pred = sample['pred_instances']
            kpts = np.asarray(pred['keypoints'], dtype=np.float64)
            if kpts.ndim != 3 or kpts.shape[1:] != (NUM_MPII_JOINTS, 2):
                raise ValueError('pred_instances.keypoints must be (N, 16, '
                                 f'2) MPII joints, got {kpts.shape}')
            num = len(kpts)
            bboxes = pred.get('bboxes', None)
            entry = dict(
                id=sample.get('id', None),
                img_id=int(sample['img_id']),
                keypoints=kpts,
                keypoint_scores=np.asarray(
                    pred['keypoint_scores'],
                    dtype=np.float64).reshape(num, NUM_MPII_JOINTS),
                bboxes=None if bboxes is None else np.asarray(
                    bboxes, dtype=np.float64).reshape(num, 4),
                bbox_scores=np.asarray(
                    pred.get('bbox_scores', np.ones(num)),
                    dtype=np.float64).reshape(num))
            if self.ann_file is None and 'mpii_gt' in sample:
                entry['mpii_gt'] = sample['mpii_gt']
            self.results.append(entry)

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """NMS, group assignment and the official protocol over all images.

        Returns:
            dict: ``Head`` ... ``Ankle``, ``Total`` (percent); empty with
            ``format_only``.
        """
        gts = self._ground_truth(results)
        poses = self._poses_per_image(results)
        unknown = sorted(set(poses) - set(gts))
        if unknown:
            raise ValueError(f'predictions for image ids {unknown[:10]} that '
                             'are not in the ground truth')
        acc = MpiiAPAccumulator(len(MPII_EVAL_JOINT_IDS))
        submission = []
        counts: Counter = Counter()
        for img_id in sorted(gts):
            groups, img_counts = self._image_groups(gts[img_id],
                                                    poses.get(img_id))
            counts += img_counts
            for name, kpts, scores, gt_group in groups:
                submission.append((name, kpts, scores))
                if not self.format_only:
                    acc.add(self._match(kpts, scores, gt_group))
        if self.submission_file is not None:
            write_mpii_submission(self.submission_file, submission)
            print_log(
                f'MPII submission written to {self.submission_file}',
                logger='current')
        for message in self._pose_warnings(counts):
            print_log(message, logger='current', level=logging.WARNING)
        if self.format_only:
            return {}
        ap = acc.compute()
        table = summarize_mpii_ap(ap, MPII_EVAL_JOINT_IDS)
        per_joint = ', '.join(f'{n} {a:.1f}'
                              for n, a in zip(MPII_EVAL_JOINT_NAMES, ap))
        print_log(
            f'MPII multi-person AP ({len(submission)} groups)\n'
            f'{format_mpii_ap_table(table)}\nper joint: {per_joint}\n'
            f'poses: {counts["in_group"]} of {counts["poses"]} in a group, '
            f'{counts["fallback"]} located without pelvis/thorax',
            logger='current')
        undefined = acc.undefined_message()
        if undefined is not None:
            print_log(undefined, logger='current', level=logging.WARNING)
        return OrderedDict(table)

    def _pose_warnings(self, counts: Counter) -> List[str]:
        """Warnings about poses the group assignment could not use."""
        messages = []
        if counts['no_anchor']:
            why = ('no finite joint' if self.group_anchor_fallback else
                   'no finite pelvis and thorax (group_anchor_fallback is '
                   'off)')
            messages.append(
                f'{self.__class__.__name__}: {counts["no_anchor"]} of '
                f'{counts["poses"]} poses have {why}: they are in no group '
                'and not evaluated')
        if counts['poses'] and not counts['in_group']:
            messages.append(
                f'{self.__class__.__name__}: none of the {counts["poses"]} '
                'poses lies in a group box: nothing is evaluated or '
                'written to the submission')
        return messages

    def _match(self, kpts: np.ndarray, scores: np.ndarray,
               gt_group: Tuple[np.ndarray, np.ndarray, np.ndarray]):
        """Protocol step for one group."""
        return match_group(
            kpts,
            scores,
            *gt_group,
            thr=self.pck_thr,
            head_size_factor=self.head_size_factor,
            count_unpredicted_groups=self.count_unpredicted_groups)

    def _image_groups(self, gt: MpiiImageGT,
                      poses: Optional[_Poses]) -> Tuple[List[_Group], Counter]:
        """The groups of one image after NMS and group assignment.

        Returns:
            tuple: Per group ``(file_name, kpts, scores, (gt_kpts, gt_vis,
            gt_heads))``, in the image's group order, and counts of the
            image's poses (``poses``, ``in_group``, ``fallback``,
            ``no_anchor``).
        """
        kpts, scores = self._nms(poses)
        anchors, source = pose_anchors(kpts, MPII_ANCHOR_IDS,
                                       self.group_anchor_fallback)
        assigned = assign_anchors_to_groups(anchors, gt.group_bboxes,
                                            self.group_assignment)
        counts = Counter(
            poses=len(kpts),
            in_group=int((assigned >= 0).sum()),
            fallback=int((source > 0).sum()),
            no_anchor=int((source < 0).sum()))
        groups = []
        for g, group_id in enumerate(gt.group_ids):
            members = gt.person_group_ids == group_id
            mine = assigned == g
            groups.append(
                (gt.file_name, kpts[mine], scores[mine],
                 (gt.keypoints[members], gt.keypoints_visible[members],
                  gt.head_bboxes[members])))
        return groups, counts

    def _nms(self, poses: Optional[_Poses]) -> Tuple[np.ndarray, np.ndarray]:
        """Keypoints and scores of one image after the pose NMS."""
        if poses is None or len(poses[0]) == 0:
            return (np.zeros(
                (0, NUM_MPII_JOINTS, 2)), np.zeros((0, NUM_MPII_JOINTS)))
        kpts, kpt_scores, bboxes, bbox_scores = poses
        if self.pose_nms is None:
            return kpts, kpt_scores
        if bboxes is None:
            raise ValueError('pose NMS needs pred_instances.bboxes; set '
                             'pose_nms=None for predictions without boxes')
        result = self.pose_nms(bboxes, bbox_scores, kpts, kpt_scores)
        return (np.asarray(result.keypoints,
                           dtype=np.float64).reshape(-1, NUM_MPII_JOINTS, 2),
                np.asarray(result.keypoint_scores,
                           dtype=np.float64).reshape(-1, NUM_MPII_JOINTS))

    def _ground_truth(self, results: List[dict]) -> Dict[int, MpiiImageGT]:
        """Per-image GT from ``ann_file`` or from the samples' ``mpii_gt``."""
        if self.ann_file is not None:
            if self._ann_gt is None:
                with get_local_path(self.ann_file) as local_path:
                    self._ann_gt = load_mpii_multi_person_json(local_path)
            return self._ann_gt
        gts: Dict[int, MpiiImageGT] = {}
        for entry in results:
            if 'mpii_gt' not in entry:
                raise ValueError(
                    f'{self.__class__.__name__} has no ann_file and sample '
                    f'of image {entry["img_id"]} carries no mpii_gt: set '
                    "ann_file or add 'mpii_gt' to PackPoseInputs meta_keys")
            if entry['img_id'] not in gts:
                gts[entry['img_id']] = MpiiImageGT.from_dict(entry['mpii_gt'])
        return gts

    @staticmethod
    def _poses_per_image(results: List[dict]) -> Dict[int, _Poses]:
        """Stack the predictions of each image (duplicate sample ids, e.g.
        from distributed padding, are dropped)."""
        seen, per_image = set(), {}
        for entry in results:
            sid = entry['id']
            key = (entry['img_id'],
                   tuple(np.ravel(sid).tolist()) if sid is not None else None)
            if sid is not None and key in seen:
                continue
            seen.add(key)
            per_image.setdefault(entry['img_id'], []).append(entry)
        stacked = {}
        for img_id, entries in per_image.items():
            has_boxes = all(e['bboxes'] is not None for e in entries)
            stacked[img_id] = (np.concatenate([
                e['keypoints'] for e in entries
            ]), np.concatenate([
                e['keypoint_scores'] for e in entries
            ]), np.concatenate([e['bboxes']
                                for e in entries]) if has_boxes else None,
                               np.concatenate(
                                   [e['bbox_scores'] for e in entries]))
        return stacked
