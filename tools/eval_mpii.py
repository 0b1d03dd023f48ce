"""Official MPII multi-person evaluation of a submission ``.mat``.

Usage::

    python tools/eval_mpii.py GT.mat PRED.mat [--groups-file groups_v12.mat]

``PRED.mat`` is a submission in the toolkit's ``pred`` layout (what
``evaluateAP.m`` loads; any method's, e.g. the one
``MpiiMultiPersonMAP(submission_file=...)`` writes). ``GT.mat`` is the
toolkit's ``annolist_test_multi`` (one entry per group, matched by
position) or the release ``RELEASE`` (images selected by the submission's
image names; groups from ``--groups-file`` or, without it, one group of the
non-single people per image). Prints the Head ... Total table and the
per-joint APs; see :mod:`rmpe_mm.evaluation.functional.mpii_file_eval`.
"""
import argparse
from typing import Optional, Sequence

from rmpe_mm.evaluation.functional import (MPII_EVAL_JOINT_NAMES,
                                           MpiiFileEvaluation,
                                           evaluate_mpii_files,
                                           format_mpii_ap_table)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Command-line arguments."""
    parser = argparse.ArgumentParser(
        description='MPII multi-person mAP (official evaluateAP protocol) '
        'of a submission .mat')
    parser.add_argument(
        'gt_file', help='annolist_test_multi .mat or the release .mat')
    parser.add_argument('pred_file', help='submission .mat (variable pred)')
    parser.add_argument(
        '--groups-file',
        help='groups_v12.mat (RELEASE ground truth only); default: one '
        'group of all non-single people per image')
    parser.add_argument('--pck-thr', type=float, default=0.5)
    parser.add_argument('--head-size-factor', type=float, default=0.6)
    parser.add_argument(
        '--count-unpredicted-groups',
        action='store_true',
        help='count the GT joints of groups without any prediction (the '
        'official code does not)')
    return parser.parse_args(argv)


def report(result: MpiiFileEvaluation) -> str:
    """The text the tool prints."""
    per_joint = ', '.join(f'{n} {a:.1f}'
                          for n, a in zip(MPII_EVAL_JOINT_NAMES, result.ap))
    return (f'MPII multi-person AP: {result.num_groups} groups, '
            f'{result.num_poses} predicted poses, ground truth: '
            f'{result.gt_kind}\n{format_mpii_ap_table(result.table)}\n'
            f'per joint: {per_joint}')


def main(argv: Optional[Sequence[str]] = None) -> MpiiFileEvaluation:
    """Evaluate and print; returns the evaluation."""
    args = parse_args(argv)
    result = evaluate_mpii_files(
        args.gt_file,
        args.pred_file,
        groups_file=args.groups_file,
        thr=args.pck_thr,
        head_size_factor=args.head_size_factor,
        count_unpredicted_groups=args.count_unpredicted_groups)
    print(report(result))
    return result


if __name__ == '__main__':
    main()
