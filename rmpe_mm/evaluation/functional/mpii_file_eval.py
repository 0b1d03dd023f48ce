"""The official MPII multi-person evaluation from files alone.

:func:`evaluate_mpii_files` scores a submission ``.mat`` (the toolkit's
``pred`` layout, any method's) against a ground-truth ``.mat``, in the
files' own (MATLAB) coordinates, with the protocol of
:mod:`rmpe_mm.evaluation.functional.mpii_map`. The ground truth is either

- the toolkit's ``annolist_test_multi`` (one entry per group): the
  submission's entries are matched to it by position, as ``evaluateAP.m``
  does (same length; image names compared where both files have them); or
- the release ``RELEASE``: the submission's ``image.name`` select the
  images, each image's consecutive entries are its multi-person groups, in
  the order
  :func:`~rmpe_mm.datasets.mpii_multi_person_converter.form_groups` gives
  them (``groups_v12.mat`` groups without a single person, or one group of
  the non-single people without ``groups_file``), the order the converter's
  JSON and :class:`MpiiMultiPersonMAP`'s submission use.

Ground-truth people without any annotated joint change nothing in the
protocol and are left out. People with annotated joints but no head box are
left out with a warning, as the converter leaves them out of its JSON (the
official code would count their joints and never match them).
"""
import logging
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.logging import print_log

from rmpe_mm.datasets.mpii_multi_person_converter import form_groups
from rmpe_mm.datasets.mpii_multi_person_format import NUM_MPII_JOINTS
from rmpe_mm.datasets.mpii_release import (ANNOLIST_VAR, MpiiAnnolistEntry,
                                           MpiiRect, MpiiReleaseImage,
                                           load_mpii_annotations,
                                           load_mpii_groups)
from rmpe_mm.utils.file_errors import naming_file
from .mpii_map import (HEAD_SIZE_FACTOR, MPII_EVAL_JOINT_IDS, PCKH_THRESHOLD,
                       MpiiAPAccumulator, head_sizes, match_group,
                       summarize_mpii_ap)
from .mpii_submission import MpiiSubmissionGroup, read_mpii_submission

#: Ground truth of one group: keypoints ``(G, 16, 2)``, ``v`` flags
#: ``(G, 16)``, head boxes ``(G, 4)``.
GroupGT = Tuple[np.ndarray, np.ndarray, np.ndarray]


@dataclass(frozen=True)
class MpiiFileEvaluation:
    """What :func:`evaluate_mpii_files` found.

    Attributes:
        table (OrderedDict): Head ... Ankle, Total (percent).
        ap (np.ndarray): ``(14,)`` per-joint AP, toolkit order.
        num_gt (np.ndarray): ``(14,)`` annotated GT joints counted.
        num_groups (int): Groups evaluated.
        num_poses (int): Predicted poses in the submission.
        gt_kind (str): ``'RELEASE'`` or ``'annolist_test_multi'``.
        warnings (list[str]): Everything dropped or undefined (also logged).
    """
    table: 'OrderedDict[str, float]'
    ap: np.ndarray
    num_gt: np.ndarray
    num_groups: int
    num_poses: int
    gt_kind: str
    warnings: List[str] = field(default_factory=list)


def rects_to_gt(rects: Sequence[MpiiRect],
                where: str) -> Tuple[GroupGT, List[str]]:
    """The ground-truth arrays of one group's people.

    Args:
        rects (Sequence[MpiiRect]): The group's people.
        where (str): MATLAB path of the group, for messages.

    Returns:
        tuple: ``(keypoints, v flags, head boxes)`` of the kept people and
        the MATLAB paths of the people left out for having annotated joints
        but no head box.

    Raises:
        ValueError: a head box has no positive diagonal.
    """
    kept, skipped = [], []
    for rect in rects:
        if not (rect.visibility > 0).any():
            continue
        r_where = f'{where}.annorect({rect.index})'
        if rect.head_bbox is None:
            skipped.append(r_where)
            continue
        try:
            head_sizes(rect.head_bbox[None])
        except ValueError as exc:
            raise ValueError(f'{r_where}: {exc}') from None
        kept.append(rect)
    joints = np.asarray([r.joints for r in kept], np.float64)
    visibility = np.asarray([r.visibility for r in kept], np.int64)
    heads = np.asarray([r.head_bbox for r in kept], np.float64)
    return (joints.reshape(-1, NUM_MPII_JOINTS, 2),
            visibility.reshape(-1, NUM_MPII_JOINTS), heads.reshape(-1,
                                                                   4)), skipped


def _collect(
    parts: Sequence[Tuple[GroupGT,
                          List[str]]]) -> Tuple[List[GroupGT], List[str]]:
    """Split :func:`rects_to_gt` results into groups and skipped people."""
    return [gt for gt, _ in parts], [p for _, skip in parts for p in skip]


def annolist_groups(
    entries: Sequence[MpiiAnnolistEntry],
    submission: Sequence[MpiiSubmissionGroup]
) -> Tuple[List[GroupGT], List[str]]:
    """Ground truth of each submission entry, by position.

    Returns:
        tuple: The groups' ground truth and the people left out (see
        :func:`rects_to_gt`).

    Raises:
        ValueError: the lengths differ, or both entries name an image and
            the names differ.
    """
    if len(entries) != len(submission):
        raise ValueError(f'the submission has {len(submission)} pred '
                         f'entries but {ANNOLIST_VAR} has {len(entries)}: '
                         'they must match one to one')
    parts = []
    for i, (entry, pred) in enumerate(zip(entries, submission), 1):
        if None not in (entry.name, pred.name) and entry.name != pred.name:
            raise ValueError(f'pred({i}).image.name is {pred.name!r} but '
                             f'{ANNOLIST_VAR}({i}).image.name is '
                             f'{entry.name!r}')
        parts.append(rects_to_gt(entry.rects, f'{ANNOLIST_VAR}({i})'))
    return _collect(parts)


def release_groups(
    images: Sequence[MpiiReleaseImage],
    submission: Sequence[MpiiSubmissionGroup],
    official: Optional[Sequence[Sequence[Sequence[int]]]]
) -> Tuple[List[GroupGT], List[str]]:
    """Ground truth of each submission entry, by image name and group order.

    Args:
        images (Sequence[MpiiReleaseImage]): The release.
        submission (Sequence[MpiiSubmissionGroup]): The entries; each needs
            ``image.name``.
        official (Sequence, optional): ``groups_v12.mat`` groups (aligned
            with ``images``), or None for one group per image.

    Returns:
        tuple: The groups' ground truth and the people left out (see
        :func:`rects_to_gt`).

    Raises:
        ValueError: an entry has no image name or names an image not in the
            release, an image's entries are not consecutive, or their number
            differs from the image's number of multi-person groups.
    """
    by_name: Dict[str, MpiiReleaseImage] = {i.name: i for i in images}
    name_count = Counter(i.name for i in images)
    parts = []
    done = set()
    start = 0
    while start < len(submission):
        name = submission[start].name
        if name is None:
            raise ValueError(f'pred({start + 1}) has no image.name: a '
                             'RELEASE ground truth selects its images by '
                             f'name (or use {ANNOLIST_VAR})')
        if name not in by_name:
            raise ValueError(f'pred({start + 1}).image.name {name!r} is not '
                             'an image of the release')
        if name_count[name] > 1:
            raise ValueError(f'pred({start + 1}).image.name {name!r} names '
                             f'{name_count[name]} images of the release')
        if name in done:
            raise ValueError(f'pred({start + 1}): the entries of image '
                             f'{name!r} are not consecutive')
        stop = start
        while stop < len(submission) and submission[stop].name == name:
            stop += 1
        image = by_name[name]
        members = form_groups(
            image, None if official is None else official[image.index - 1])
        if stop - start != len(members):
            raise ValueError(
                f'pred({start + 1}..{stop}) has {stop - start} entries for '
                f'image {name!r}, which has {len(members)} multi-person '
                f'groups (rect indices {members})')
        rects = {r.index: r for r in image.rects}
        where = f'RELEASE.annolist({image.index})'
        parts += [
            rects_to_gt([rects[i] for i in group], where) for group in members
        ]
        done.add(name)
        start = stop
    return _collect(parts)


def evaluate_mpii_files(
        gt_file: str,
        pred_file: str,
        groups_file: Optional[str] = None,
        thr: float = PCKH_THRESHOLD,
        head_size_factor: float = HEAD_SIZE_FACTOR,
        count_unpredicted_groups: bool = False) -> MpiiFileEvaluation:
    """Score a submission ``.mat`` against a ground-truth ``.mat``.

    Args:
        gt_file (str): ``annolist_test_multi`` or ``RELEASE`` file (see the
            module docstring).
        pred_file (str): Submission (variable ``pred``).
        groups_file (str, optional): ``groups_v12.mat``; only with a
            ``RELEASE`` ground truth. Default: None.
        thr (float): PCKh threshold. Default: 0.5.
        head_size_factor (float): Default: 0.6.
        count_unpredicted_groups (bool): See :func:`match_group`.
            Default: False (the official behaviour).

    Returns:
        MpiiFileEvaluation: The table and what was counted.

    Raises:
        ValueError: a file is malformed, the two do not fit together, or
            ``thr``/``head_size_factor`` is not positive.
    """
    if not thr > 0 or not head_size_factor > 0:
        raise ValueError('thr and head_size_factor must be positive, got '
                         f'{thr}, {head_size_factor}')
    annotations = load_mpii_annotations(gt_file)
    submission = read_mpii_submission(pred_file, coord_offset=0.0)
    if annotations.variable == ANNOLIST_VAR:
        if groups_file is not None:
            raise ValueError('groups_file applies to a RELEASE ground truth '
                             f'only; {gt_file} holds {ANNOLIST_VAR}')
        with naming_file(pred_file):
            gt_groups, skipped = annolist_groups(annotations.entries,
                                                 submission)
    else:
        official = (None if groups_file is None else load_mpii_groups(
            groups_file, annotations.images))
        with naming_file(pred_file):
            gt_groups, skipped = release_groups(annotations.images, submission,
                                                official)
    acc = MpiiAPAccumulator()
    for pred, gt in zip(submission, gt_groups):
        acc.add(
            match_group(
                pred.keypoints,
                pred.keypoint_scores,
                *gt,
                thr=thr,
                head_size_factor=head_size_factor,
                count_unpredicted_groups=count_unpredicted_groups))
    ap = acc.compute()
    warnings = _warnings(skipped, acc)
    for message in warnings:
        print_log(message, logger='current', level=logging.WARNING)
    return MpiiFileEvaluation(
        table=summarize_mpii_ap(ap, MPII_EVAL_JOINT_IDS),
        ap=ap,
        num_gt=acc.num_gt.copy(),
        num_groups=len(submission),
        num_poses=sum(len(p.keypoints) for p in submission),
        gt_kind=annotations.variable,
        warnings=warnings)


def _warnings(skipped: List[str], acc: MpiiAPAccumulator) -> List[str]:
    """Messages about left-out people and undefined APs."""
    messages = []
    if skipped:
        messages.append(
            f'{len(skipped)} ground-truth people with annotated joints but '
            f'no head box left out (as the converter does): '
            f'{", ".join(skipped[:5])}{" ..." if len(skipped) > 5 else ""}')
    undefined = acc.undefined_message()
    if undefined is not None:
        messages.append(undefined)
    return messages
