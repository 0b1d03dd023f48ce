"""The official evaluation from files: both ground-truth kinds, 14-joint
submissions, ties, and every way the two files can fail to fit.

Hand-worked case (as in test_mpii_map.py: head boxes 30 x 40 px, so a joint
matches within 15 px): people A, B (group 1) and C (group 2) stand hundreds
of pixels apart. The submission predicts A (score .9) and a far false
positive (.95) in group 1, C (.7) in group 2, B not at all. Every joint then
sees [FP .95, TP .9, TP .7] against 3 GT joints: precision [0, 1/2, 2/3],
recall [0, 1/3, 2/3], envelope 2/3 -> AP = 2/3 * 2/3 = 44.44 %.
"""
import numpy as np
import pytest
from mpii_mat_factory import (person, write_annolist, write_groups, write_pred,
                              write_release)
from mpii_official_literal import evaluate_ap

from rmpe_mm.evaluation.functional import evaluate_mpii_files, mpii_file_eval

K = 16
EVAL_IDS = (0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 8, 9)
HEAD = (0., 0., 30., 40.)


def pose(x0: float) -> np.ndarray:
    """Joint k at (x0 + 3k, 20k)."""
    k = np.arange(K, dtype=np.float64)
    return np.stack([x0 + 3 * k, 20 * k], axis=1)


A, B, C, FAR = pose(100.), pose(400.), pose(700.), pose(2000.)


def gt_person(kpts, ids=range(K), **kwargs):
    return person({j: (*kpts[j], 1) for j in ids}, HEAD, **kwargs)


def pred_pose(kpts, score, ids=range(K)):
    return {j: (*kpts[j], score) for j in ids}


def hand_case(tmp_path, ids=range(K), names=None):
    """(annolist GT path, submission path) of the hand-worked case."""
    gt = write_annolist(
        str(tmp_path / 'gt.mat'),
        [[gt_person(A), gt_person(B, reverse=True)], [gt_person(C)]], names)
    pred = write_pred(
        str(tmp_path / 'pred.mat'),
        [[pred_pose(A, .9, ids),
          pred_pose(FAR, .95, ids)], [pred_pose(C, .7, ids)]],
        names,
        reverse=True)
    return gt, pred


def test_annolist_ground_truth_hand_case(tmp_path):
    result = evaluate_mpii_files(*hand_case(tmp_path))
    assert result.gt_kind == 'annolist_test_multi'
    assert (result.num_groups, result.num_poses) == (2, 3)
    assert result.num_gt.tolist() == [3] * 14
    assert all(v == pytest.approx(400 / 9) for v in result.table.values())
    assert result.warnings == []


def test_fourteen_joint_submission(tmp_path):
    # No pelvis and thorax in the submission: they are not evaluated, so
    # the table is the same, not NaN.
    result = evaluate_mpii_files(*hand_case(tmp_path, ids=EVAL_IDS))
    assert all(v == pytest.approx(400 / 9) for v in result.table.values())


def test_release_ground_truth_selects_images_and_groups(tmp_path):
    # img1: A, B, C and a single person S (excluded); groups_v12 makes
    # {A, B}, {C} and {S}; the group with S is dropped (it has a single
    # person). img0 is in the release but not in the submission.
    s_pose = pose(1000.)
    release = write_release(
        str(tmp_path / 'release.mat'), [
            dict(
                name='img0.jpg',
                train=True,
                single=[],
                rects=[gt_person(A), gt_person(B)]),
            dict(
                name='img1.jpg',
                train=True,
                single=[4],
                rects=[
                    gt_person(A),
                    gt_person(B),
                    gt_person(C),
                    gt_person(s_pose)
                ]),
        ])
    groups = write_groups(
        str(tmp_path / 'groups.mat'), [[[1, 2]], [[1, 2], [3], [4]]])
    _, pred = hand_case(tmp_path, names=['img1.jpg'] * 2)
    result = evaluate_mpii_files(release, pred, groups_file=groups)
    assert result.gt_kind == 'RELEASE'
    assert all(v == pytest.approx(400 / 9) for v in result.table.values())
    # without groups_v12: one group of A, B, C; the submission has 2
    with pytest.raises(
            ValueError,
            match=r'pred\(1\.\.2\) has 2 entries .*'
            r"'img1.jpg'.*1 multi-person groups"):
        evaluate_mpii_files(release, pred)


def test_annolist_names_are_checked_when_both_files_have_them(tmp_path):
    gt, _ = hand_case(tmp_path, names=['a.jpg', 'b.jpg'])
    pred = write_pred(str(tmp_path / 'p.mat'), [[], []], ['a.jpg', 'c.jpg'])
    with pytest.raises(
            ValueError,
            match=r"pred\(2\).image.name is 'c.jpg' "
            r".*annolist_test_multi\(2\).image.name is 'b.jpg'"):
        evaluate_mpii_files(gt, pred)
    short = write_pred(str(tmp_path / 's.mat'), [[]])
    with pytest.raises(
            ValueError, match='1 pred entries but '
            'annolist_test_multi has 2'):
        evaluate_mpii_files(gt, short)
    groups = write_groups(str(tmp_path / 'g.mat'), [[[1]]])
    with pytest.raises(ValueError, match='RELEASE ground truth only'):
        evaluate_mpii_files(gt, pred, groups_file=groups)
    with pytest.raises(ValueError, match='must be positive, got 0'):
        evaluate_mpii_files(gt, pred, thr=0)


def test_release_alignment_errors(tmp_path):
    release = write_release(
        str(tmp_path / 'release.mat'), [
            dict(name='a.jpg', train=True, single=[], rects=[gt_person(A)]),
            dict(name='b.jpg', train=True, single=[], rects=[gt_person(B)]),
        ])
    cases = [
        ([None, None], r'pred\(1\) has no image.name'),
        (['a.jpg', 'x.jpg'], r"pred\(2\).image.name 'x.jpg' is not an "
         'image of the release'),
        (['a.jpg', 'b.jpg', 'a.jpg'], r"pred\(3\): the entries of image "
         "'a.jpg' are not consecutive"),
    ]
    for names, match in cases:
        path = write_pred(
            str(tmp_path / 'p.mat'), [[]] * len(names),
            None if names[0] is None else names)
        with pytest.raises(ValueError, match=match):
            evaluate_mpii_files(release, path)


def test_people_without_head_box_are_left_out_with_a_warning(
        tmp_path, monkeypatch):
    logged = []
    monkeypatch.setattr(mpii_file_eval, 'print_log',
                        lambda msg, **kwargs: logged.append(msg))
    no_head = person({j: (*B[j], 1) for j in range(K)})
    no_joints = person(None, HEAD)  # changes nothing: silently left out
    gt = write_annolist(
        str(tmp_path / 'gt.mat'), [[gt_person(A), no_head, no_joints]])
    pred = write_pred(str(tmp_path / 'pred.mat'), [[pred_pose(A, .9)]])
    result = evaluate_mpii_files(gt, pred)
    assert all(v == pytest.approx(100.) for v in result.table.values())
    assert len(result.warnings) == 1
    assert 'no head box' in result.warnings[0]
    assert 'annolist_test_multi(1).annorect(2)' in result.warnings[0]
    assert logged == result.warnings


def test_empty_submission_warns_instead_of_a_silent_nan(tmp_path):
    gt, _ = hand_case(tmp_path)
    pred = write_pred(str(tmp_path / 'empty.mat'), [[], []])
    result = evaluate_mpii_files(gt, pred)
    assert all(np.isnan(v) for v in result.table.values())
    assert len(result.warnings) == 1
    message = result.warnings[0]
    assert 'undefined (NaN)' in message and 'Total' in message
    assert '2 of 2 groups had none' in message


def test_head_box_without_size_is_an_error(tmp_path):
    flat = person({j: (*A[j], 1) for j in range(K)}, (5., 5., 5., 5.))
    gt = write_annolist(str(tmp_path / 'gt.mat'), [[flat]])
    pred = write_pred(str(tmp_path / 'pred.mat'), [[pred_pose(A, .9)]])
    with pytest.raises(
            ValueError,
            match=r'annolist_test_multi\(1\)'
            r'.annorect\(1\): head_bbox'):
        evaluate_mpii_files(gt, pred)


def random_case(tmp_path, seed: int, num_groups: int = 30):
    """A tie-heavy random case: scores rounded to 0.1, duplicates, false
    positives, missing joints (pelvis/thorax often), empty is_visible."""
    rng = np.random.default_rng(seed)
    gt_groups, pred_groups = [], []
    for _ in range(num_groups):
        people = [
            rng.uniform(0, 300, (K, 2)) for _ in range(rng.integers(1, 4))
        ]
        rects = []
        for kpts in people:
            ids = [j for j in range(K) if rng.random() > .15] or [9]
            vis = rng.choice([0, 1, ''], K)
            head = (*rng.uniform(0, 20, 2), *rng.uniform(40, 70, 2))
            rects.append(
                person({j: (*kpts[j], vis[j])
                        for j in ids},
                       head,
                       reverse=bool(rng.integers(2))))
        gt_groups.append(rects)
        preds = []
        for _ in range(rng.integers(0, 6)):
            src = people[rng.integers(len(people))]
            kpts = src + rng.normal(0, 12, src.shape)
            ids = [
                j for j in range(K)
                if rng.random() > (.6 if j in (6, 7) else .1)
            ]
            scores = np.round(rng.random(K), 1)
            preds.append({j: (*kpts[j], scores[j]) for j in ids})
        pred_groups.append(preds)
    gt = write_annolist(str(tmp_path / f'gt{seed}.mat'), gt_groups)
    pred = write_pred(
        str(tmp_path / f'pred{seed}.mat'), pred_groups, reverse=bool(seed % 2))
    return gt, pred


@pytest.mark.parametrize('seed', [0, 1, 2])
def test_ties_rank_as_matlab_stable_descending_sort(tmp_path, seed):
    gt, pred = random_case(tmp_path, seed)
    result = evaluate_mpii_files(gt, pred)
    np.testing.assert_allclose(result.ap, evaluate_ap(gt, pred), atol=1e-9)
    # The case is tie-sensitive: reversing equal scores (Python ports that
    # flip an ascending argsort) changes the APs.
    flipped = evaluate_ap(gt, pred, ranking='flipped_ascending')
    assert np.nanmax(np.abs(result.ap - flipped)) > .1
    assert 5 < result.table['Total'] < 95


def test_mismatch_errors_name_the_submission(tmp_path):
    gt, _ = hand_case(tmp_path, names=['a.jpg', 'b.jpg'])
    short = write_pred(str(tmp_path / 's.mat'), [[]])
    with pytest.raises(ValueError, match=f'^{short}: the submission has 1'):
        evaluate_mpii_files(gt, short)
