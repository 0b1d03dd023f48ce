"""Person detection files (COCO detection results format)."""
import json

import numpy as np
import pytest

from rmpe_mm.apis import (DetectionFile, PersonBoxes, image_id_from_name,
                          load_image_ids, load_person_detections,
                          person_boxes_to_coco)


def test_load_the_sample_detections(pm):
    boxes = load_person_detections(pm.COCO_DET_FILE)
    assert {k: len(v)
            for k, v in boxes.items()} == {
                785: 22,
                40083: 26,
                196141: 33,
                197388: 37
            }
    with open(pm.COCO_DET_FILE) as f:
        first = json.load(f)[0]  # image 785, the highest score
    x, y, w, h = first['bbox']
    np.testing.assert_allclose(
        boxes[785].bboxes[0], [x, y, x + w, y + h], rtol=1e-6)
    for image_boxes in boxes.values():
        assert np.all(np.diff(image_boxes.scores) <= 0)


def test_score_threshold_and_category():
    records = [
        dict(image_id=1, category_id=1, bbox=[0, 0, 10, 20], score=0.2),
        dict(image_id=1, category_id=1, bbox=[5, 5, 10, 10], score=0.9),
        dict(image_id=1, category_id=2, bbox=[5, 5, 10, 10], score=0.9),
        dict(image_id=2, category_id=1, bbox=[1, 2, 3, 4], score=0.05),
    ]
    boxes = load_person_detections(records, score_thr=0.1)
    assert sorted(boxes) == [1]
    np.testing.assert_allclose(boxes[1].scores, [0.9, 0.2])
    np.testing.assert_allclose(boxes[1].bboxes,
                               [[5, 5, 15, 15], [0, 0, 10, 20]])


def test_round_trip(tmp_path):
    boxes = PersonBoxes(
        np.array([[1.5, 2, 11, 30], [0, 0, 5, 5]], np.float32),
        np.array([0.8, 0.3], np.float32))
    records = person_boxes_to_coco(7, boxes)
    assert records[0] == dict(
        image_id=7,
        category_id=1,
        bbox=[1.5, 2.0, 9.5, 28.0],
        score=pytest.approx(0.8))
    path = tmp_path / 'dets.json'
    path.write_text(json.dumps(records))
    back = load_person_detections(str(path))[7]
    np.testing.assert_allclose(back.bboxes, boxes.bboxes)
    np.testing.assert_allclose(back.scores, boxes.scores)


def test_image_ids(pm):
    assert image_id_from_name('/x/000000000785.jpg') == 785
    names = load_image_ids(pm.COCO_ANN_FILE)
    assert image_id_from_name('a/000000040083.jpg', names) == 40083
    with pytest.raises(ValueError, match='not an integer'):
        image_id_from_name('frame_a.jpg')
    with pytest.raises(ValueError, match='not in the annotation file'):
        image_id_from_name('000000000001.jpg', names)


def test_detection_file_lookup(pm):
    dets = DetectionFile(pm.COCO_DET_FILE, pm.COCO_ANN_FILE, score_thr=0.5)
    image_id = dets.image_id(pm.COCO_IMAGES[0])
    assert image_id == 785
    assert len(dets(image_id)) > 0 and np.all(dets(image_id).scores >= 0.5)
    assert len(dets(12345)) == 0


def test_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match='det_file'):
        load_person_detections(str(tmp_path / 'none.json'))
    with pytest.raises(ValueError, match='list of detection records'):
        load_person_detections({'a': 1})
    with pytest.raises(ValueError, match='record 0: missing "score"'):
        load_person_detections(
            [dict(image_id=1, category_id=1, bbox=[0, 0, 1, 1])])
    with pytest.raises(ValueError, match=r'"bbox" must be \[x, y, w, h\]'):
        load_person_detections(
            [dict(image_id=1, category_id=1, bbox=[0, 0, 1], score=1.)])


@pytest.mark.parametrize('record, message', [
    (3.5, 'record 0: must be an object, got 3.5'),
    (dict(image_id=1, category_id=1, bbox=[0, 0, 1, 1],
          score=[1]), r'"score" must be a finite number, got \[1\]'),
    (dict(image_id=1, category_id=None, bbox=[0, 0, 1, 1],
          score=1.), '"category_id" must be a finite number, got None'),
    (dict(image_id=[1], category_id=1, bbox=[0, 0, 1, 1],
          score=1.), r'"image_id" must be an int or a string, got \[1\]'),
    (dict(image_id=1, category_id=1, bbox=[0, 'a', 1, 1],
          score=1.), r"\"bbox\" must be \[x, y, w, h\] \(finite numbers\)"),
    (dict(image_id=1, category_id=1, bbox=[0, float('nan'), 1, 1],
          score=1.), r'"bbox" must be \[x, y, w, h\]'),
])
def test_malformed_records_name_the_file_and_field(tmp_path, record, message):
    """Found by benchmarks/fuzz_readers.py: these raised TypeError or went
    through unchecked."""
    path = tmp_path / 'det.json'
    path.write_text(json.dumps([record]))
    with pytest.raises(ValueError, match=f'{path}.*{message}'):
        load_person_detections(str(path))


def test_unreadable_json_names_the_file(tmp_path):
    path = tmp_path / 'det.json'
    path.write_bytes(b'[{"image_id": 1, "bbox"')
    with pytest.raises(ValueError, match=str(path)):
        load_person_detections(str(path))
    path.write_bytes(b'\xff\xfe[')
    with pytest.raises(ValueError, match=str(path)):
        load_person_detections(str(path))
