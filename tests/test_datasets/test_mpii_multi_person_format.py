"""load_mpii_multi_person_json on damaged files (cases found by
benchmarks/fuzz_readers.py): a ValueError naming the file and the field."""
import copy
import json
import os.path as osp

import pytest

from rmpe_mm.datasets.mpii_multi_person_format import \
    load_mpii_multi_person_json

SAMPLE = osp.join(
    osp.dirname(osp.dirname(__file__)), 'data', 'mpii', 'test_mpii_multi.json')


def sample() -> dict:
    with open(SAMPLE) as f:
        return json.load(f)


def test_reads_the_sample():
    per_image = load_mpii_multi_person_json(SAMPLE)
    assert len(per_image) == len(sample()['images'])


def _set(data: dict, path: tuple, value) -> dict:
    data = copy.deepcopy(data)
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


@pytest.mark.parametrize('path, value, message', [
    (('images', ), True, 'images must be a list'),
    (('annotations', 0), False, 'annotation must be an object'),
    (('images', 0, 'groups', 0), 3, 'image .* group must be an object'),
    (('images', 0, 'id'), [1], r'image: id must be an integer, got \[1\]'),
    (('images', 0, 'id'), float('inf'), 'id must be an integer, got inf'),
    (('images', 0, 'groups', 0, 'id'), 1e300, 'group id must be an integer'),
    (('annotations', 0, 'id'), 2**70, 'id must be an integer'),
    (('annotations', 0, 'image_id'), {
        'a': 1
    }, 'image_id must be an integer'),
    (('annotations', 0, 'group_id'), 'x', 'group_id must be an integer'),
    (('annotations', 0, 'keypoints'), {
        'a': 1
    }, 'keypoints must be a list of numbers'),
    (('annotations', 0, 'head_bbox'), ['a', 1, 2, 3],
     'head_bbox must be a list of numbers'),
])
def test_malformed_fields(tmp_path, path, value, message):
    """These raised TypeError/OverflowError or an unnamed ValueError."""
    file = tmp_path / 'ann.json'
    file.write_text(json.dumps(_set(sample(), path, value)))
    with pytest.raises(ValueError, match=f'^{file}: .*{message}'):
        load_mpii_multi_person_json(str(file))


def test_damaged_and_missing_files(tmp_path):
    file = tmp_path / 'ann.json'
    file.write_bytes(open(SAMPLE, 'rb').read()[:100])
    with pytest.raises(ValueError, match=f'^{file}: '):
        load_mpii_multi_person_json(str(file))
    with pytest.raises(FileNotFoundError, match='missing.json'):
        load_mpii_multi_person_json(str(tmp_path / 'missing.json'))
