"""Box geometry and detection-to-GT matching of PGPG."""
import numpy as np
import pytest

from rmpe_mm.datasets.pgpg import (apply_offsets, box_iou_matrix, match_boxes,
                                   normalized_offsets, paired_box_iou,
                                   xywh_to_xyxy)


def test_xywh_and_iou():
    boxes = xywh_to_xyxy([[0, 0, 10, 10], [5, 0, 10, 10]])
    np.testing.assert_allclose(boxes, [[0, 0, 10, 10], [5, 0, 15, 10]])
    iou = box_iou_matrix(boxes, boxes)
    np.testing.assert_allclose(iou, [[1, 50 / 150], [50 / 150, 1]])
    np.testing.assert_allclose(
        paired_box_iou(boxes, boxes[::-1]), [50 / 150, 50 / 150])
    assert box_iou_matrix(np.zeros((0, 4)), boxes).shape == (0, 2)


def test_offsets_definition_and_inverse():
    gt = np.array([[10., 20., 110., 220.]])  # w = 100, h = 200
    det = np.array([[5., 40., 120., 200.]])
    off = normalized_offsets(det, gt)
    np.testing.assert_allclose(off, [[-0.05, 0.1, 0.1, -0.1]])
    np.testing.assert_allclose(apply_offsets(gt, off), det)


def test_offsets_reject_degenerate_gt():
    with pytest.raises(ValueError, match=r'gt_boxes\[0\]'):
        normalized_offsets(np.ones((1, 4)), np.array([[0., 0., 0., 5.]]))


def test_match_threshold_is_strict_and_one_to_one():
    gt = np.array([[0., 0., 10., 10.], [100., 100., 110., 110.]])
    det = np.array([[0., 0., 10., 10.], [0., 0., 10., 11.],
                    [100., 100., 120., 110.]])  # IoU with gt[1] = 0.5
    gi, di, iou = match_boxes(gt, det, 0.5)
    np.testing.assert_array_equal(gi, [0])
    np.testing.assert_array_equal(di, [0])
    assert iou[0] == pytest.approx(1.0)
    gi, di, _ = match_boxes(gt, det, 0.4)
    np.testing.assert_array_equal(gi, [0, 1])
    np.testing.assert_array_equal(di, [0, 2])


def test_hungarian_beats_greedy_when_it_should(monkeypatch):
    # Greedy takes the single best pair (g0, d0) and leaves g1 unmatched;
    # the Hungarian rule matches both people.
    iou_target = np.array([[0.9, 0.8], [0.85, 0.0]])
    gt = np.array([[0., 0., 1., 1.], [10., 10., 11., 11.]])
    det = gt.copy()

    import rmpe_mm.datasets.pgpg.matching as matching
    monkeypatch.setattr(matching, 'box_iou_matrix', lambda a, b: iou_target)
    gh, dh, _ = match_boxes(gt, det, 0.5, 'hungarian')
    gg, dg, _ = match_boxes(gt, det, 0.5, 'greedy')
    np.testing.assert_array_equal(gh, [0, 1])
    np.testing.assert_array_equal(dh, [1, 0])
    np.testing.assert_array_equal(gg, [0])
    np.testing.assert_array_equal(dg, [0])


def test_match_bad_args_and_empty():
    box = np.array([[0., 0., 1., 1.]])
    with pytest.raises(ValueError, match='method'):
        match_boxes(box, box, 0.5, 'nearest')
    with pytest.raises(ValueError, match='iou_thr'):
        match_boxes(box, box, 1.5)
    gi, di, iou = match_boxes(box, np.zeros((0, 4)))
    assert len(gi) == len(di) == len(iou) == 0
