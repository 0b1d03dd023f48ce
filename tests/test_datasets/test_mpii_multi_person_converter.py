"""MPII release reader and multi-person converter, on written ``.mat`` files.

The release written here (coordinates before the converter's -1 shift):

- ``multi_a.jpg`` (train): r1 = 16 joints at (100 + j, 200 + 10 j); joint 0
  occluded (is_visible 0), joint 1 without is_visible, joint 2 with the
  string '1'; head (110, 150, 130, 175); objpos (110, 280), scale 1.
  r2 = only joints 6-9 at (300, 250 + 10 (j - 6)); head (290, 200, 310,
  230); objpos (300, 280), scale 2. r3 = a "single person": joints at
  (500 + j, 100 + 5 j), head (505, 60, 520, 90), objpos (510, 130),
  scale 1.
- ``single.jpg`` (train): one single person.
- ``noann.jpg`` (train, multi): one person without annopoints, one without
  head box.
- ``m00.jpg`` ... ``m17.jpg`` (train, multi): two people each.
- ``test.jpg`` (test): two people with objpos/scale only.

So there are 20 multi-person training images (the paper's 10 % -> 2 held
out).
"""
import json
import os.path as osp

import numpy as np
import pytest
from mpii_mat_factory import line_pose, person, write_groups, write_release
from PIL import Image

from rmpe_mm.datasets.mpii_multi_person_converter import (ConvertOptions,
                                                          convert_mpii_release,
                                                          split_train_val)
from rmpe_mm.datasets.mpii_multi_person_format import \
    parse_mpii_multi_person_json
from rmpe_mm.datasets.mpii_release import load_mpii_groups, load_mpii_release

R1 = line_pose(100, 200, 1, 10)
R1[0] = R1[0][:2] + (0, )
R1[1] = R1[1][:2]
R1[2] = R1[2][:2] + ('1', )


def release_images():
    """The image records described in the module docstring."""
    images = [
        dict(
            name='multi_a.jpg',
            train=True,
            single=[3],
            rects=[
                person(R1, (110, 150, 130, 175), (110, 280), 1.),
                person(
                    line_pose(300, 250 - 60, 0, 10, ids=(6, 7, 8, 9)),
                    (290, 200, 310, 230), (300, 280), 2.),
                person(
                    line_pose(500, 100, 1, 5), (505, 60, 520, 90), (510, 130),
                    1.),
            ]),
        dict(
            name='single.jpg',
            train=True,
            single=[1],
            rects=[
                person(
                    line_pose(50, 50, 2, 2), (40, 20, 60, 45), (60, 60), 1.)
            ]),
        dict(
            name='noann.jpg',
            train=True,
            single=[],
            rects=[
                person(None, (10, 10, 20, 20), (30, 30), 1.),
                person(line_pose(200, 50, 2, 2), None, (220, 70), 1.),
            ]),
    ]
    for k in range(18):
        images.append(
            dict(
                name=f'm{k:02d}.jpg',
                train=True,
                single=[],
                rects=[
                    person(
                        line_pose(40, 40, 3, 3), (30, 10, 50, 35), (60, 60),
                        1.),
                    person(
                        line_pose(140, 40, 3, 3), (130, 10, 150, 35),
                        (160, 60), 1.),
                ]))
    images.append(
        dict(
            name='test.jpg',
            train=False,
            single=[],
            rects=[
                person(objpos=(100, 100), scale=1.),
                person(objpos=(300, 120), scale=1.5)
            ]))
    return images


@pytest.fixture
def release_path(tmp_path):
    return write_release(str(tmp_path / 'release.mat'), release_images())


@pytest.fixture
def release(release_path):
    return load_mpii_release(release_path)


def official_groups():
    """groups_v12-like: image 1 also lists the single person as a group."""
    groups = [[[1, 2], [3]], [[1]], [[1, 2]]]
    groups += [[[1, 2]]] * 18
    groups.append([[1, 2]])
    return groups


def find(data, name):
    """(image, annotations) of image ``name`` in a JSON dict."""
    img = next(i for i in data['images'] if i['file_name'] == name)
    anns = [a for a in data['annotations'] if a['image_id'] == img['id']]
    return img, anns


def image_in(outputs, name):
    for split, data in outputs.items():
        if any(i['file_name'] == name for i in data['images']):
            return split, data
    raise AssertionError(f'{name} in no output')


def test_release_reader(release):
    assert len(release) == 22
    first = release[0]
    assert (first.index, first.name, first.is_train) == (1, 'multi_a.jpg',
                                                         True)
    assert first.single_person == frozenset({3})
    r1, r2 = first.rects[0], first.rects[1]
    # is_visible 0 -> occluded (1); missing -> visible (2); '1' -> 2
    assert r1.visibility[:4].tolist() == [1, 2, 2, 2]
    assert r1.joints[5].tolist() == [105., 250.]  # as stored, 1-based
    assert r1.head_bbox.tolist() == [110., 150., 130., 175.]
    assert r1.objpos.tolist() == [110., 280.] and r1.scale == 1.
    # missing joints
    assert np.nonzero(r2.visibility)[0].tolist() == [6, 7, 8, 9]
    assert (r2.joints[:6] == 0).all()
    noann = release[2].rects
    assert not noann[0].visibility.any() and noann[1].head_bbox is None
    assert release[-1].is_train is False and release[-1].rects[0].scale == 1.


def test_single_and_multi_person_images(release):
    outputs, stats = convert_mpii_release(release)
    assert set(outputs) == {'train', 'val'}
    split, data = image_in(outputs, 'multi_a.jpg')
    img, anns = find(data, 'multi_a.jpg')
    assert img['id'] == 1
    # one group of the two non-single people; the single person is in none
    assert len(img['groups']) == 1
    gid = img['groups'][0]['id']
    assert sorted(a['group_id'] for a in anns) == sorted([gid, gid, -1])
    # group box: union of objpos -/+ 0.25 * 200 * scale, objpos shifted -1:
    # (109, 279) +- 50 and (299, 279) +- 100
    assert img['groups'][0]['bbox'] == [59., 179., 399., 379.]
    r1 = next(a for a in anns if a['num_keypoints'] == 16)
    kpts = np.array(r1['keypoints']).reshape(16, 3)
    assert kpts[0].tolist() == [99., 199., 1.]
    assert kpts[1].tolist() == [100., 209., 2.]
    assert r1['head_bbox'] == [109., 149., 129., 174.]
    assert r1['center'] == [109., 279.] and r1['scale'] == 1.
    # person box: joints x 99..114, y 199..349 with head 109..129 x
    # 149..174 -> [99, 149, 129, 349] (30 x 200), +10 % per side
    assert r1['bbox'] == pytest.approx([96., 129., 36., 240.])
    assert r1['area'] == pytest.approx(36. * 240.)
    assert (r1['category_id'], r1['iscrowd']) == (1, 0)
    r2 = next(a for a in anns if a['num_keypoints'] == 4)
    kpts2 = np.array(r2['keypoints']).reshape(16, 3)
    assert (kpts2[:6] == 0).all() and (kpts2[6:10, 2] == 2).all()
    # size from the annotation extent (no img_root): r3's box reaches
    # x = 519 + 2 = 521 and the group box y = 379 -> 522 x 380
    assert (img['width'], img['height']) == (522, 380)
    # the single-person image is training data, with no group
    split, data = image_in(outputs, 'single.jpg')
    img, anns = find(data, 'single.jpg')
    assert split == 'train' and img['groups'] == []
    assert [a['group_id'] for a in anns] == [-1]
    assert stats['people_without_joints'] == 1
    assert stats['people_without_head_box'] == 1
    assert stats['sizes_from_annotation_extent'] == 21
    # the test image is not written without with_test
    assert all('test.jpg' not in [i['file_name'] for i in d['images']]
               for d in outputs.values())
    for data in outputs.values():
        parse_mpii_multi_person_json(json.loads(json.dumps(data)))


def test_paper_split(release):
    outputs, stats = convert_mpii_release(release)
    # 20 multi-person training images -> 2 validation images
    assert stats['val_images'] == 2
    assert stats['train_images'] == 22 - 1 - 2  # all but test and val
    val_names = {i['file_name'] for i in outputs['val']['images']}
    train_names = {i['file_name'] for i in outputs['train']['images']}
    assert not val_names & train_names and 'single.jpg' in train_names
    again, _ = convert_mpii_release(release)
    assert again['val'] == outputs['val']
    other = [{
        i['file_name']
        for i in convert_mpii_release(release, options=ConvertOptions(
            seed=s))[0]['val']['images']
    } for s in range(1, 6)]
    assert any(o != val_names for o in other)
    # group ids unique within each file
    for data in outputs.values():
        ids = [g['id'] for i in data['images'] for g in i['groups']]
        assert len(ids) == len(set(ids))


def test_given_validation_list_and_multi_only(release):
    outputs, stats = convert_mpii_release(
        release,
        val_names=['m03.jpg', 'multi_a.jpg'],
        options=ConvertOptions(train_multi_only=True))
    assert [i['file_name'] for i in outputs['val']['images']] == \
        ['multi_a.jpg', 'm03.jpg']
    assert 'single.jpg' not in {
        i['file_name']
        for i in outputs['train']['images']
    }
    with pytest.raises(ValueError, match='single.jpg'):
        convert_mpii_release(release, val_names=['single.jpg'])
    assert split_train_val(['a', 'b'], 0.0, 0) == set()


def test_official_groups_and_test_split(release, tmp_path):
    groups = load_mpii_groups(
        write_groups(str(tmp_path / 'groups.mat'), official_groups()), release)
    assert groups[0] == [[1, 2], [3]]
    outputs, stats = convert_mpii_release(
        release, groups, val_names=['multi_a.jpg'], with_test=True)
    img, _ = find(outputs['val'], 'multi_a.jpg')
    assert len(img['groups']) == 1  # the single-person group is dropped
    test_img, test_anns = find(outputs['test'], 'test.jpg')
    assert test_anns == [] and len(test_img['groups']) == 1
    # (99, 99) +- 50 and (299, 119) +- 75
    assert test_img['groups'][0]['bbox'] == [49., 44., 374., 194.]
    with pytest.raises(ValueError, match='groups_v12'):
        convert_mpii_release(release, with_test=True)


def test_image_sizes_from_files(release, tmp_path):
    Image.new('RGB', (300, 300)).save(tmp_path / 'multi_a.jpg')
    options = ConvertOptions(img_root=str(tmp_path))
    with pytest.raises(FileNotFoundError, match='single.jpg'):
        convert_mpii_release(release, options=options)
    options = ConvertOptions(img_root=str(tmp_path), allow_missing_images=True)
    outputs, stats = convert_mpii_release(release, options=options)
    assert stats['sizes_from_annotation_extent'] == 20
    _, data = image_in(outputs, 'multi_a.jpg')
    img, anns = find(data, 'multi_a.jpg')
    assert (img['width'], img['height']) == (300, 300)
    # boxes are clipped to the image: y2 369 -> 299, group 399/379 -> 299
    r1 = next(a for a in anns if a['num_keypoints'] == 16)
    assert r1['bbox'] == pytest.approx([96., 129., 36., 170.])
    assert img['groups'][0]['bbox'] == [59., 179., 299., 299.]


@pytest.mark.parametrize('mutate, match', [
    (lambda imgs: imgs[0]['rects'][0]['annopoints'][0, 0]['point'][0, 0].
     __setitem__('id', 16.), r'annorect\(1\).annopoints.point\(1\).id'),
    (lambda imgs: imgs[0]['rects'][0]['annopoints'][0, 0]['point'][0, 0].
     __setitem__('is_visible', 5.), 'is_visible must be 0 or 1'),
    (lambda imgs: imgs[0].__setitem__('single', [7]), 'single_person'),
    (lambda imgs: imgs[0]['rects'][0].pop('x2'), 'head box'),
    (lambda imgs: imgs[0]['rects'][0].__setitem__('scale', -1.), 'scale'),
])
def test_malformed_release(tmp_path, mutate, match):
    images = release_images()
    mutate(images)
    path = write_release(str(tmp_path / 'bad.mat'), images)
    with pytest.raises(ValueError, match=match):
        load_mpii_release(path)


def test_malformed_files(tmp_path, release):
    from scipy.io import savemat
    with pytest.raises(FileNotFoundError):
        load_mpii_release(str(tmp_path / 'none.mat'))
    savemat(str(tmp_path / 'other.mat'), {'foo': np.zeros(2)})
    with pytest.raises(ValueError, match="no variable 'RELEASE'"):
        load_mpii_release(str(tmp_path / 'other.mat'))
    path = write_groups(str(tmp_path / 'short.mat'), official_groups()[:3])
    with pytest.raises(ValueError, match='groups has 3 entries'):
        load_mpii_groups(path, release)
    bad = official_groups()
    bad[1] = [[4]]
    path = write_groups(str(tmp_path / 'range.mat'), bad)
    with pytest.raises(ValueError, match='not in 1..1'):
        load_mpii_groups(path, release)
    with pytest.raises(ValueError, match='val_ratio'):
        ConvertOptions(val_ratio=2.)


def test_output_is_written_by_the_tool(release_path, tmp_path, capsys,
                                       load_tool):
    tool = load_tool('dataset_converters/mpii_multi_person')
    out = tmp_path / 'out'
    stats = tool.main([release_path, str(out), '--val-ratio', '0.5'])
    assert stats['val_images'] == 10
    for split in ('train', 'val'):
        with open(osp.join(out, f'mpii_multi_person_{split}.json')) as f:
            parse_mpii_multi_person_json(json.load(f))
    assert 'val_images: 10' in capsys.readouterr().out
