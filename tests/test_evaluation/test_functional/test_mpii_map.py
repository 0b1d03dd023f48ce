"""Hand-worked cases of the official MPII multi-person AP protocol.

Common setup: every GT head box is 30 x 40 px, so its diagonal is 50 px, the
head size 0.6 * 50 = 30 px and a joint matches within 0.5 * 30 = 15 px.
Person A stands around x = 100, person B around x = 400: every joint of one
is hundreds of pixels from the other's, so no joint of one can match the
other.

AP arithmetic used below (VOC all-point AP over one joint's detections,
sorted by score, ``n`` = annotated GT joints):

- [TP] with n = 2: precision [1], recall [.5] -> AP = .5 * 1 = 50.
- [FP, TP] with n = 1: precision [0, .5], recall [0, 1]; the envelope at
  recall 1 is .5 -> AP = 1 * .5 = 50.
- [FP, TP] with n = 2: recall [0, .5] -> AP = .5 * .5 = 25.
- [TP, FP] with n = 2: precision [1, .5], recall [.5, .5] -> AP = 50.
- [TP, FP, TP] with n = 2: precision [1, .5, 2/3], recall [.5, .5, 1];
  envelope [1, 2/3, 2/3] -> AP = .5 * 1 + .5 * 2/3 = 83.33.
"""
import numpy as np
import pytest

# yapf: disable
from rmpe_mm.evaluation.functional.mpii_map import (MPII_EVAL_JOINT_IDS,
                                                    MPII_EVAL_JOINT_NAMES,
                                                    MpiiAPAccumulator,
                                                    assign_anchors_to_groups,
                                                    assign_poses_to_groups,
                                                    evaluate_mpii_groups,
                                                    format_mpii_ap_table,
                                                    head_sizes, joint_ap,
                                                    match_group, pose_anchors,
                                                    summarize_mpii_ap, voc_ap)

# yapf: enable

K = 16
COLUMNS = ('Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle',
           'Total')
R_WRIST, L_WRIST, HEAD_TOP, R_ANKLE = 10, 15, 9, 0


def pose(x0: float) -> np.ndarray:
    """A 16-joint pose: joint k at (x0 + 3k, 20k)."""
    k = np.arange(K, dtype=np.float64)
    return np.stack([x0 + 3 * k, 20 * k], axis=1)


A, B = pose(100.), pose(400.)
HEAD = np.array([0., 0., 30., 40.])


def gt(*people, visible=None):
    """GT arrays (keypoints, visibility, head boxes) of a group."""
    kpts = np.stack(people)
    vis = np.full((len(people), K), 2) if visible is None else visible
    return kpts, vis, np.tile(HEAD, (len(people), 1))


def scores(*values):
    """Per-pose constant joint scores."""
    return np.stack([np.full(K, v, dtype=np.float64) for v in values])


def evaluate(*groups, **kwargs):
    """Run the protocol on groups of (pred_kpts, pred_scores, gt tuple)."""
    return evaluate_mpii_groups([(p, s, *g) for p, s, g in groups], **kwargs)


def assert_table(table, expected):
    assert list(table) == list(COLUMNS)
    for name in COLUMNS:
        assert table[name] == pytest.approx(expected[name], abs=1e-9), name


def uniform(value):
    return {name: value for name in COLUMNS}


def test_joint_order_and_head_size():
    assert MPII_EVAL_JOINT_IDS == (0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 8,
                                   9)
    assert MPII_EVAL_JOINT_NAMES[-2:] == ('upper_neck', 'head_top')
    assert head_sizes(HEAD[None]) == pytest.approx([30.])
    with pytest.raises(ValueError, match='head_bbox'):
        head_sizes(np.array([[5., 5., 5., 5.]]))


def test_perfect_predictions_give_100():
    table = evaluate((np.stack([A, B]), scores(.9, .8), gt(A, B)))
    assert_table(table, uniform(100.))


def test_missing_person_halves_recall():
    # Only A is predicted: every joint is [TP] with n = 2 -> AP 50.
    table = evaluate((A[None], scores(.9), gt(A, B)))
    assert_table(table, uniform(50.))


def test_duplicate_is_a_false_positive():
    # A (.9), its copy (.8), B (.7): GT A takes the first of the two equal
    # pck=1 predictions (A); the copy is unassigned. Per joint: [TP, FP, TP]
    # with n = 2 -> 83.33.
    preds = np.stack([A, A.copy(), B])
    table = evaluate((preds, scores(.9, .8, .7), gt(A, B)))
    assert_table(table, uniform(50 + 100 / 3))


def test_equal_pck_ties_go_to_the_first_prediction_not_the_best_score():
    # The toolkit's max() keeps the first of equal pcks: the copy listed
    # first (score .5) is assigned, A (score .9) becomes a FP ranked first:
    # [FP, TP] with n = 1 -> 50 (100 if the score decided).
    preds = np.stack([A.copy(), A])
    table = evaluate((preds, scores(.5, .9), gt(A)))
    assert_table(table, uniform(50.))


def test_higher_pck_wins_and_loser_joints_are_all_false():
    # P1 matches all 14 joints (score .5); P2 moves 4 joints 100 px away
    # (pck 10/14, score .9). GT A takes P1; P2 is unassigned, so even its 10
    # correct joints are FPs. Correct-in-both joints: [FP, TP], n = 1 -> 50;
    # the 4 moved joints: P2's is still a FP ranked first -> also 50.
    p2 = A.copy()
    p2[[0, 1, 10, 11]] += 100.
    table = evaluate((np.stack([A, p2]), scores(.5, .9), gt(A)))
    assert_table(table, uniform(50.))


def test_swapped_wrists():
    # A's prediction has both wrists swapped (101 px apart): pck 12/14, still
    # assigned, both wrists FP. A scores .9, B .8 -> each wrist [FP, TP] with
    # n = 2 -> 25; all other joints 100. Total = (12 * 100 + 2 * 25) / 14.
    swapped = A.copy()
    swapped[[R_WRIST, L_WRIST]] = A[[L_WRIST, R_WRIST]]
    table = evaluate((np.stack([swapped, B]), scores(.9, .8), gt(A, B)))
    expected = uniform(100.)
    expected.update(Wrist=25., Total=(12 * 100 + 2 * 25) / 14)
    assert_table(table, expected)


def test_wrong_group():
    # Two groups: g1 = {A}, g2 = {B}. A's prediction (.9) lands in g2 with
    # B's (.8); g1 gets none. In g2 A's pose matches nothing: [FP, TP].
    # Official counting skips g1's GT (no prediction there): n = 1 -> 50.
    # Counting it: n = 2 -> 25.
    g1 = (np.zeros((0, K, 2)), np.zeros((0, K)), gt(A))
    g2 = (np.stack([A, B]), scores(.9, .8), gt(B))
    assert_table(evaluate(g1, g2), uniform(50.))
    assert_table(evaluate(g1, g2, count_unpredicted_groups=True), uniform(25.))
    # In the right groups everything is found.
    right = ((A[None], scores(.9), gt(A)), (B[None], scores(.8), gt(B)))
    assert_table(evaluate(*right), uniform(100.))


def test_score_reordering_of_one_joint():
    # GT A; P1 = A (.5), P2 = a far pose (.3) -> every joint [TP, FP],
    # n = 1 -> 100. Raising only P2's head-top score to .7 makes that joint
    # [FP, TP] -> 50: Head = (50 + 100) / 2 = 75, Total = (13*100 + 50)/14.
    far = pose(900.)
    s = scores(.5, .3)
    assert_table(evaluate((np.stack([A, far]), s, gt(A))), uniform(100.))
    s[1, HEAD_TOP] = .7
    expected = uniform(100.)
    expected.update(Head=75., Total=(13 * 100 + 50) / 14)
    assert_table(evaluate((np.stack([A, far]), s, gt(A))), expected)


def test_unannotated_gt_joint_makes_its_prediction_a_false_positive():
    # A's right ankle is not annotated: A's predicted ankle (.9) is a FP,
    # B's (.8) a TP, n = 1 -> [FP, TP] -> 50; the other joints 100.
    vis = np.full((2, K), 2)
    vis[0, R_ANKLE] = 0
    table = evaluate((np.stack([A, B]), scores(.9, .8), gt(A, B, visible=vis)))
    expected = uniform(100.)
    expected.update(Ankle=75., Total=(13 * 100 + 50) / 14)
    assert_table(table, expected)


def test_threshold_is_inclusive_and_normalized_by_head_size():
    # 15 px off = exactly 0.5 head sizes -> match; 15.01 px -> no match.
    ok, off = A.copy(), A.copy()
    ok[:, 0] += 15.
    off[:, 0] += 15.01
    assert match_group(ok[None], scores(1.), *gt(A)).labels.all()
    assert not match_group(off[None], scores(1.), *gt(A)).labels.any()


def test_missing_predicted_joints_are_not_detections():
    pred = A.copy()
    pred[R_WRIST] = np.nan
    m = match_group(pred[None], scores(1.), *gt(A))
    assert not m.has_pred[0, MPII_EVAL_JOINT_IDS.index(R_WRIST)]
    assert m.has_pred.sum() == 13 and m.labels.sum() == 13
    # 13/14 joints matched -> still assigned
    assert m.pred_to_gt.tolist() == [0]


def test_voc_ap_and_joint_ap():
    assert voc_ap(np.array([.5, .5, 1.]), np.array([1., .5, 2 / 3])) == \
        pytest.approx(.5 + 1 / 3)
    assert voc_ap(np.array([]), np.array([])) == 0.
    # stable sort: equal scores keep input order ([TP, FP] -> 100 w/ n=1)
    assert joint_ap(np.array([.5, .5]), np.array([True, False]), 1) == 100.
    assert joint_ap(np.array([.5, .5]), np.array([False, True]), 1) == 50.
    assert np.isnan(joint_ap(np.array([.5]), np.array([False]), 0))


def test_summary_skips_joints_without_gt():
    ap = np.full(14, 80.)
    ap[MPII_EVAL_JOINT_IDS.index(HEAD_TOP)] = np.nan
    table = summarize_mpii_ap(ap)
    assert table['Head'] == 80. and table['Total'] == 80.
    text = format_mpii_ap_table(table)
    assert 'Shoulder' in text and '80.0' in text


def test_accumulator_checks_joint_count():
    acc = MpiiAPAccumulator(14)
    with pytest.raises(ValueError, match='14 joints'):
        acc.add(match_group(A[None], scores(1.), *gt(A), joint_ids=(0, 1)))


def test_shape_errors():
    with pytest.raises(ValueError, match='pred_scores'):
        match_group(A[None], np.ones((1, 3)), *gt(A))
    with pytest.raises(ValueError, match='gt_head_bboxes'):
        match_group(A[None], scores(1.), A[None], np.ones((1, K)),
                    np.zeros((2, 4)))


def test_assign_poses_to_groups():
    boxes = np.array([[0., 0., 100., 100.], [50., 0., 300., 100.]])
    kpts = np.zeros((4, K, 2))
    kpts[0, [6, 7]] = [[10., 40.], [10., 60.]]  # mid (10, 50): box 0 only
    kpts[1, [6, 7]] = [[90., 40.], [90., 60.]]  # mid (90, 50): both boxes
    kpts[2, [6, 7]] = [[500., 40.], [500., 60.]]  # outside
    kpts[3, [6, 7]] = [[np.nan, 0.], [10., 60.]]  # no anchor
    kpts[3, [2, 3, 12, 13]] = 500.  # its hips and shoulders: outside
    # (90, 50) is 40 px from center (50, 50) and 85 px from (175, 50)
    assert assign_poses_to_groups(kpts, boxes).tolist() == [0, 0, -1, -1]
    kpts[3, [2, 3, 12, 13]] = 20.  # now inside box 0 only
    assert assign_poses_to_groups(kpts, boxes).tolist() == [0, 0, -1, 0]
    assert assign_poses_to_groups(
        kpts, boxes, fallback=False).tolist() == [0, 0, -1, -1]
    boxes[1, 0] = 80.  # center (190, 50): still nearer box 0
    assert assign_poses_to_groups(kpts, boxes[::-1]).tolist() == \
        [1, 1, -1, 1]
    assert assign_poses_to_groups(
        kpts, boxes[::-1], policy='first').tolist() == [1, 0, -1, 1]
    # border is inside
    kpts[2, [6, 7]] = [[100., 100.], [100., 100.]]
    assert assign_poses_to_groups(kpts, boxes[:1])[2] == 0
    assert assign_poses_to_groups(kpts, np.zeros((0, 4))).tolist() == [-1] * 4
    with pytest.raises(ValueError, match='policy'):
        assign_poses_to_groups(kpts, boxes, policy='best')


def _literal_protocol(groups, thr=.5):
    """Loop-by-loop reading of assignGTmulti/getRPC/VOCap, for comparison."""
    jids = MPII_EVAL_JOINT_IDS
    det = [[] for _ in jids]
    n_gt = np.zeros(len(jids))
    for pk, ps, gk, gv, hb in groups:
        P, G = len(pk), len(gk)
        pck = np.zeros((P, G))
        match = np.zeros((P, G, len(jids)), bool)
        for p in range(P):
            for g in range(G):
                size = .6 * np.hypot(hb[g, 2] - hb[g, 0], hb[g, 3] - hb[g, 1])
                n_ann = sum(gv[g, j] > 0 for j in jids)
                for i, j in enumerate(jids):
                    if gv[g, j] > 0 and np.isfinite(pk[p, j]).all():
                        match[
                            p, g,
                            i] = np.hypot(*(pk[p, j] - gk[g, j])) / size <= thr
                pck[p, g] = match[p, g].sum() / n_ann if n_ann else 0.
        for p in range(P):
            best = int(np.argmax(pck[p])) if G else 0
            for g in range(G):
                if g != best:
                    pck[p, g] = 0.
        pred_to_gt = {}
        for g in range(G):
            if P and pck[:, g].max() > 0:
                pred_to_gt[int(np.argmax(pck[:, g]))] = g
        for p in range(P):
            for i, j in enumerate(jids):
                if np.isfinite(pk[p, j]).all():
                    ok = p in pred_to_gt and match[p, pred_to_gt[p], i]
                    det[i].append((ps[p, j], ok))
        if P:
            for i, j in enumerate(jids):
                n_gt[i] += sum(gv[g, j] > 0 for g in range(G))
    ap = []
    for i in range(len(jids)):
        order = sorted(range(len(det[i])), key=lambda k: -det[i][k][0])
        tp, prec, rec = 0, [], []
        for rank, k in enumerate(order, 1):
            tp += det[i][k][1]
            prec.append(tp / rank)
            rec.append(tp / n_gt[i])
        mrec, mpre = [0.] + rec + [1.], [0.] + prec + [0.]
        for k in range(len(mpre) - 2, -1, -1):
            mpre[k] = max(mpre[k], mpre[k + 1])
        ap.append(100 * sum(
            (mrec[k] - mrec[k - 1]) * mpre[k]
            for k in range(1, len(mrec)) if mrec[k] != mrec[k - 1]))
    return np.array(ap)


def test_matches_a_literal_loop_implementation():
    rng = np.random.default_rng(0)
    groups = []
    for _ in range(40):
        num_gt, num_pred = rng.integers(1, 4), rng.integers(0, 6)
        gk = rng.uniform(0, 200, (num_gt, K, 2))
        gv = rng.choice([0, 1, 2], (num_gt, K), p=[.15, .25, .6])
        hb = np.concatenate([
            rng.uniform(0, 50, (num_gt, 2)),
            rng.uniform(60, 100, (num_gt, 2))
        ], 1)
        src = gk[rng.integers(0, num_gt, num_pred)]
        pk = src + rng.normal(0, 15, src.shape)
        pk[rng.random((num_pred, K)) < .05] = np.nan
        ps = np.round(rng.random((num_pred, K)), 1)  # many score ties
        groups.append((pk, ps, gk, gv, hb))
    ap_out = []
    evaluate_mpii_groups(groups, ap_out=ap_out)
    np.testing.assert_allclose(ap_out[0], _literal_protocol(groups))
    assert 5 < np.nanmean(ap_out[0]) < 95  # a non-trivial case


def test_pose_anchors_fall_back_without_pelvis_and_thorax():
    kpts = np.tile(pose(0.)[None], (5, 1, 1))
    kpts[1, [6, 7]] = np.nan  # 14 joints: hips and shoulders
    kpts[2, [0, 1, 2, 3, 6, 7, 12, 13]] = np.nan  # no torso: all joints
    kpts[3] = np.nan  # nothing to locate it with
    kpts[4, 7] = np.nan  # pelvis only: not the midpoint, falls back
    anchors, source = pose_anchors(kpts)
    assert source.tolist() == [0, 1, 2, -1, 1]
    np.testing.assert_allclose(anchors[0], (pose(0.)[6] + pose(0.)[7]) / 2)
    np.testing.assert_allclose(anchors[1], pose(0.)[[2, 3, 12, 13]].mean(0))
    rest = [j for j in range(K) if j not in (0, 1, 2, 3, 6, 7, 12, 13)]
    np.testing.assert_allclose(anchors[2], pose(0.)[rest].mean(0))
    np.testing.assert_allclose(anchors[4], anchors[1])
    assert np.isnan(anchors[3]).all()
    anchors, source = pose_anchors(kpts, fallback=False)
    assert source.tolist() == [0, -1, -1, -1, -1]
    assert np.isnan(anchors[1:]).all()


def test_fourteen_joint_poses_are_assigned_to_groups():
    boxes = np.array([[0., 0., 200., 400.], [300., 0., 600., 400.]])
    kpts = np.stack([pose(50.), pose(400.)])
    kpts[:, [6, 7]] = np.nan
    assert assign_poses_to_groups(kpts, boxes).tolist() == [0, 1]
    assert assign_poses_to_groups(
        kpts, boxes, fallback=False).tolist() == [-1, -1]
    anchors = np.array([[100., 100.], [np.nan, np.nan]])
    assert assign_anchors_to_groups(anchors, boxes).tolist() == [0, -1]


def test_undefined_columns_are_explained():
    acc = MpiiAPAccumulator()
    acc.add(match_group(A[None], scores(.9), *gt(A)))
    assert acc.undefined_message() is None
    vis = np.full((1, K), 2)
    vis[0, [R_ANKLE, 5]] = 0  # no ankle annotated anywhere
    acc = MpiiAPAccumulator()
    acc.add(match_group(A[None], scores(.9), *gt(A, visible=vis)))
    acc.add(match_group(np.zeros((0, K, 2)), np.zeros((0, K)), *gt(B)))
    message = acc.undefined_message()
    assert 'r_ankle, l_ankle (table: Ankle)' in message
    assert '1 of 2 groups had none' in message
    assert np.isnan(acc.compute()[[0, 5]]).all()
    with pytest.raises(ValueError, match='joint_ids'):
        MpiiAPAccumulator(3)
