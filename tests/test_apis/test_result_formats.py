"""COCO keypoint results and AlphaPose's JSON format (writer and reader)."""
import json

import numpy as np
import pytest

from rmpe_mm.apis import (dump_results, load_alphapose_results,
                          to_alphapose_results, to_coco_keypoint_results)


def _people(num: int, num_keypoints: int = 17, seed: int = 0) -> list:
    rng = np.random.default_rng(seed)
    people = []
    for i in range(num):
        x1, y1 = rng.uniform(0, 100, 2)
        people.append(
            dict(
                keypoints=rng.uniform(0, 200, (num_keypoints, 2)).tolist(),
                keypoint_scores=rng.uniform(0, 1, num_keypoints).tolist(),
                bbox=[x1, y1, x1 + 30.5, y1 + 60.25],
                bbox_score=float(rng.uniform()),
                score=float(rng.uniform(0, 3)),
                idx=[i, i + 3]))
    return people


def test_coco_keypoint_results():
    people = _people(2)
    records = to_coco_keypoint_results(people, 785)
    assert [sorted(r) for r in records
            ] == [['category_id', 'image_id', 'keypoints', 'score']] * 2
    first = records[0]
    assert first['image_id'] == 785 and first['category_id'] == 1
    flat = np.array(first['keypoints']).reshape(17, 3)
    np.testing.assert_allclose(flat[:, :2], people[0]['keypoints'])
    np.testing.assert_allclose(flat[:, 2], people[0]['keypoint_scores'])
    assert first['score'] == people[0]['score']


def test_alphapose_records_follow_the_documented_fields():
    people = _people(1)
    record = to_alphapose_results(people, '000000000785.jpg')[0]
    assert set(record) == {
        'image_id', 'category_id', 'keypoints', 'score', 'box', 'idx'
    }
    assert record['image_id'] == '000000000785.jpg'
    assert len(record['keypoints']) == 17 * 3
    x1, y1 = people[0]['bbox'][:2]
    assert record['box'] == pytest.approx([x1, y1, 30.5, 60.25])
    assert record['idx'] == [0, 3]
    json.dumps(record)  # serialisable


def test_alphapose_round_trip(tmp_path):
    images = {'a.jpg': _people(3, seed=1), 'b.jpg': _people(2, seed=2)}
    records = []
    for name, people in images.items():
        records += to_alphapose_results(people, name)
    path = str(tmp_path / 'sub' / 'alphapose-results.json')
    dump_results(records, path)
    loaded = load_alphapose_results(path)
    assert list(loaded) == ['a.jpg', 'b.jpg']
    for name, people in images.items():
        image = loaded[name]
        assert len(image) == len(people)
        assert image.keypoints.shape == (len(people), 17, 2)
        np.testing.assert_allclose(
            image.keypoints, [p['keypoints'] for p in people], rtol=1e-6)
        np.testing.assert_allclose(
            image.keypoint_scores, [p['keypoint_scores'] for p in people],
            rtol=1e-6)
        np.testing.assert_allclose(
            image.scores, [p['score'] for p in people], rtol=1e-6)
        boxes = np.array([p['bbox'] for p in people])
        np.testing.assert_allclose(
            image.boxes,
            np.concatenate([boxes[:, :2], boxes[:, 2:] - boxes[:, :2]], 1),
            rtol=1e-5)
        assert image.idx == [p['idx'] for p in people]
        assert list(image.category_ids) == [1] * len(people)


def test_reader_accepts_the_minimal_documented_record():
    # docs/output.md: image_id (string name), category_id, keypoints, score;
    # the evaluation mode writes integer ids; extra fields are ignored.
    records = [
        dict(
            image_id='1.jpg',
            category_id=1,
            keypoints=[1, 2, .5] * 16,
            score=2.5),
        dict(
            image_id=3,
            category_id=1,
            keypoints=[0, 0, 0] * 16,
            score=1.,
            box=[1, 2, 3, 4],
            idx=7.0,
            pred_xyz_jts=[[0, 0, 0]]),
    ]
    loaded = load_alphapose_results(records)
    assert loaded['1.jpg'].keypoints.shape == (1, 16, 2)
    assert np.isnan(loaded['1.jpg'].boxes).all()
    assert loaded['1.jpg'].idx == [None]
    np.testing.assert_allclose(loaded[3].boxes, [[1, 2, 3, 4]])
    assert loaded[3].idx == [7.0]


@pytest.mark.parametrize('record, message', [
    (dict(category_id=1, keypoints=[0, 0, 1], score=1.), 'missing "image_id"'),
    (dict(image_id='a', category_id=1, keypoints=[0, 0],
          score=1.), r'\[x1, y1, c1'),
    (dict(image_id='a', category_id=1, keypoints='x',
          score=1.), 'list of numbers'),
    (dict(
        image_id='a',
        category_id=1,
        keypoints=[0, 0, 1],
        score=1.,
        box=[0, 0, 1]), '"box" must have 4'),
    (dict(image_id=[1], category_id=1, keypoints=[0, 0, 1],
          score=1.), 'file name or an int'),
])
def test_reader_rejects_malformed_records(record, message):
    with pytest.raises(ValueError, match=message):
        load_alphapose_results([record])


def test_reader_rejects_mixed_keypoint_counts(tmp_path):
    records = [
        dict(image_id='a', category_id=1, keypoints=[0, 0, 1] * 17, score=1),
        dict(image_id='b', category_id=1, keypoints=[0, 0, 1] * 16, score=1),
    ]
    with pytest.raises(ValueError, match='record 1: 16 keypoints'):
        load_alphapose_results(records)
    with pytest.raises(FileNotFoundError):
        load_alphapose_results(str(tmp_path / 'missing.json'))
    with pytest.raises(ValueError, match='JSON list'):
        load_alphapose_results({'a': 1})


@pytest.mark.parametrize('record, message', [
    (dict(image_id='a', category_id={'x': 1}, keypoints=[0, 0, 1],
          score=1.), '"category_id" must be a number'),
    (dict(image_id='a', category_id=1, keypoints=[0, 0, 1],
          score='high'), '"score" must be a number'),
    (7, 'record 0: must be an object'),
])
def test_malformed_files_name_the_file_and_field(tmp_path, record, message):
    """Found by benchmarks/fuzz_readers.py (the first two raised
    TypeError/an unnamed ValueError)."""
    path = tmp_path / 'results.json'
    path.write_text(json.dumps([record]))
    with pytest.raises(ValueError, match=f'{path}.*{message}'):
        load_alphapose_results(str(path))
    path.write_bytes(b'[{"image_id": ')
    with pytest.raises(ValueError, match=str(path)):
        load_alphapose_results(str(path))
