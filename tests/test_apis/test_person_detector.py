"""PersonDetector: batched person boxes from an MMDetection detector."""
import mmcv
import numpy as np
import pytest
import torch

from rmpe_mm.apis import PersonBoxes, PersonDetector, filter_person_boxes


@pytest.fixture(scope='module')
def images(pm):
    return [mmcv.imread(p) for p in pm.COCO_IMAGES]


@pytest.fixture(scope='module')
def detector(det_config, det_checkpoint):
    return PersonDetector(det_config, det_checkpoint)


def test_boxes_per_image_sorted_inside_image(detector, images):
    results = detector(images)
    assert len(results) == len(images)
    for boxes, image in zip(results, images):
        assert isinstance(boxes, PersonBoxes)
        # tiny config: one class, score_thr 0, at most 5 boxes per image
        assert 1 <= len(boxes) <= 5
        assert boxes.bboxes.shape == (len(boxes), 4)
        assert boxes.bboxes.dtype == np.float32
        assert np.all(np.diff(boxes.scores) <= 0)
        x1, y1, x2, y2 = boxes.bboxes.T
        assert np.all(x2 > x1) and np.all(y2 > y1)
        h, w = image.shape[:2]
        assert np.all(x1 >= 0) and np.all(x2 <= w)
        assert np.all(y1 >= 0) and np.all(y2 <= h)


def test_batch_equals_one_by_one(detector, images):
    batched = detector(images)
    for image, boxes in zip(images, batched):
        single = detector([image])[0]
        np.testing.assert_allclose(single.bboxes, boxes.bboxes, atol=1e-3)
        np.testing.assert_allclose(single.scores, boxes.scores, atol=1e-5)


def test_checkpoint_reproduces_the_saved_model(det_config, det_checkpoint,
                                               detector, images):
    torch.manual_seed(123)  # another random init ...
    other = PersonDetector(det_config, 'none')
    ours = detector(images[:1])[0]
    theirs = other(images[:1])[0]
    assert not np.allclose(theirs.scores, ours.scores)
    # ... is overwritten by the checkpoint
    reloaded = PersonDetector(det_config, det_checkpoint)(images[:1])[0]
    np.testing.assert_allclose(reloaded.bboxes, ours.bboxes)


def test_person_labels_and_score_threshold(det_config, det_checkpoint, images):
    # the test model has one class (label 0): label 1 keeps nothing
    none = PersonDetector(det_config, det_checkpoint, person_labels=(1, ))
    assert len(none(images[:1])[0]) == 0
    full = PersonDetector(det_config, det_checkpoint)(images[:1])[0]
    thr = float(np.median(full.scores))
    high = PersonDetector(
        det_config, det_checkpoint, score_thr=thr)(images[:1])[0]
    assert len(high) == int(np.sum(full.scores >= thr)) < len(full)
    np.testing.assert_allclose(high.scores, full.scores[full.scores >= thr])


def test_empty_batch(detector):
    assert detector([]) == []


def test_filter_person_boxes():
    boxes = PersonBoxes(
        np.array([[0, 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60],
                  [5, 5, 5, 20], [0, 0, 4, 4]], np.float32),
        np.array([0.5, 0.9, 0.7, 0.95, 0.01], np.float32))
    out = filter_person_boxes(boxes, score_thr=0.1)
    # zero-width box dropped, low score dropped, sorted by score
    np.testing.assert_allclose(out.scores, [0.9, 0.7, 0.5])
    out = filter_person_boxes(boxes, score_thr=0.1, nms_thr=0.3)
    np.testing.assert_allclose(out.scores, [0.9, 0.7])
    np.testing.assert_allclose(out.bboxes[0], [1, 1, 11, 11])
    # the input is not modified
    assert boxes.scores[0] == np.float32(0.5)


def test_errors(det_config, tmp_path):
    with pytest.raises(FileNotFoundError, match='det config'):
        PersonDetector(str(tmp_path / 'missing.py'))
    with pytest.raises(FileNotFoundError, match="checkpoint '.*missing.pth"):
        PersonDetector(det_config, str(tmp_path / 'missing.pth'))
    with pytest.raises(ValueError, match='person_labels'):
        PersonDetector(det_config, person_labels=())
    with pytest.raises(ValueError, match='nms_thr'):
        PersonDetector(det_config, nms_thr=0.0)
