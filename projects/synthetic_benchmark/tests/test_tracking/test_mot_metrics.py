"""The metrics harness: maintained evaluators, box-IoU pairing."""
import numpy as np
import pytest

from synthetic_benchmark.tracking.mot_metrics import (TrackedFrame, box_iou,
                                                      mot_metrics)


def two_walkers(num_frames=40):
    """Two people walking past each other (boxes never overlap much)."""
    frames = []
    for t in range(num_frames):
        boxes = np.array([[10 + 2 * t, 10, 40 + 2 * t, 90],
                          [200 - 2 * t, 20, 230 - 2 * t, 100]], float)
        frames.append(TrackedFrame([0, 1], boxes))
    return frames


def relabel(frames, mapping):
    return [
        TrackedFrame([mapping(t, i) for i in f.ids], f.boxes)
        for t, f in enumerate(frames)
    ]


def test_perfect_tracker_scores_one():
    truth = two_walkers()
    pred = relabel(truth, lambda t, i: 7 + 3 * i)  # any ids
    m = mot_metrics([truth, truth], [pred, pred])
    assert m['mota'] == pytest.approx(1.0)
    assert m['idf1'] == pytest.approx(1.0)
    assert m['hota'] == pytest.approx(1.0)
    assert m['id_switches'] == m['false_positives'] == m['misses'] == 0


def test_id_swaps_lower_idf1_hota_and_count_switches():
    truth = two_walkers()
    swapped = relabel(truth, lambda t, i: i if t < 20 else 1 - i)
    m = mot_metrics([truth], [swapped])
    assert m['id_switches'] == 2
    assert m['idf1'] == pytest.approx(0.5)
    assert m['hota'] < 0.8
    # detection is still perfect: MOTA only pays the switches
    assert m['mota'] == pytest.approx(1 - 2 / 80)
    fragmented = relabel(truth, lambda t, i: 10 * (t // 10) + i)
    assert mot_metrics([truth], [fragmented])['idf1'] < m['idf1'] + 1e-9


def test_pairing_needs_box_iou_half():
    truth = [TrackedFrame([0], [[0, 0, 10, 10]])]
    shifted = [TrackedFrame([5], [[4, 0, 14, 10]])]  # IoU 6/14 < 0.5
    m = mot_metrics([truth], [shifted])
    assert (m['misses'], m['false_positives']) == (1, 1)
    assert mot_metrics([truth], [shifted], iou_threshold=0.4)['misses'] == 0
    assert box_iou(truth[0].boxes, shifted[0].boxes)[0, 0] == \
        pytest.approx(6 / 14)


def test_empty_frames_and_bad_input():
    truth = [
        TrackedFrame([0], [[0, 0, 10, 10]]),
        TrackedFrame([], np.zeros((0, 4)))
    ]
    pred = [
        TrackedFrame([], np.zeros((0, 4))),
        TrackedFrame([3], [[0, 0, 10, 10]])
    ]
    m = mot_metrics([truth], [pred])
    assert (m['misses'], m['false_positives']) == (1, 1)
    with pytest.raises(ValueError, match='ids must be unique'):
        TrackedFrame([1, 1], np.zeros((2, 4)))
    with pytest.raises(ValueError, match='frames'):
        mot_metrics([truth], [pred[:1]])
    with pytest.raises(ValueError, match='iou_threshold'):
        mot_metrics([truth], [pred], iou_threshold=0)
