"""load_mpii_annotations: the release or the toolkit's annolist_test_multi,
told apart by the variable the file holds. (The release's own fields are
tested in test_mpii_multi_person_converter.py.)"""
import numpy as np
import pytest
from mpii_mat_factory import line_pose, person, write_annolist, write_release
from scipy.io import savemat

from rmpe_mm.datasets.mpii_release import (OCCLUDED, VISIBLE,
                                           load_mpii_annolist,
                                           load_mpii_annotations)

HEAD = (10., 20., 40., 60.)


def toolkit_groups():
    """Group 1: a full person written with reversed field order (points
    with is_visible 1, 0, '' and missing) and a person without annopoints;
    group 2: nobody."""
    joints = line_pose(100, 200, 1, 10)
    joints[0] = joints[0][:2] + (0, )
    joints[1] = joints[1][:2] + ('', )
    joints[2] = joints[2][:2]
    return [[person(joints, HEAD, reverse=True), person(None, HEAD)], []]


@pytest.mark.parametrize('names', [None, ['a.jpg', 'b.jpg']])
def test_annolist_test_multi(tmp_path, names):
    path = write_annolist(str(tmp_path / 'gt.mat'), toolkit_groups(), names)
    found = load_mpii_annotations(path)
    assert found.variable == 'annolist_test_multi' and found.images == []
    first, second = found.entries
    assert (first.index, second.index) == (1, 2)
    assert [first.name, second.name] == (names or [None, None])
    assert len(first.rects) == 2 and second.rects == []
    full, empty = first.rects
    # every point present is annotated; empty or missing is_visible ->
    # visible (the default), 0 -> occluded
    assert full.visibility.tolist() == [OCCLUDED] + [VISIBLE] * 15
    np.testing.assert_allclose(full.joints[5], [105., 250.])
    np.testing.assert_allclose(full.head_bbox, HEAD)
    assert (empty.visibility == 0).all()
    direct = load_mpii_annolist(path)
    assert [len(e.rects) for e in direct] == [2, 0]


def test_release_is_detected(tmp_path):
    path = write_release(
        str(tmp_path / 'release.mat'), [
            dict(
                name='a.jpg',
                train=True,
                single=[],
                rects=[person(line_pose(1, 2, 1, 1), HEAD)])
        ])
    found = load_mpii_annotations(path)
    assert found.variable == 'RELEASE' and found.entries == []
    assert [i.name for i in found.images] == ['a.jpg']


def test_errors_name_the_field(tmp_path):
    bad = person({16: (1., 2., 1)}, HEAD)
    path = write_annolist(str(tmp_path / 'bad.mat'), [[], [bad]])
    with pytest.raises(
            ValueError,
            match=r'annolist_test_multi\(2\)'
            r'.annorect\(1\).annopoints.point\(1\).id must be an '
            'integer in 0..15, got 16'):
        load_mpii_annotations(path)
    savemat(str(tmp_path / 'other.mat'), {'foo': np.zeros(2)})
    with pytest.raises(
            ValueError,
            match=r"neither 'RELEASE'.*nor "
            r"'annolist_test_multi'.*\['foo'\]"):
        load_mpii_annotations(str(tmp_path / 'other.mat'))
    with pytest.raises(FileNotFoundError):
        load_mpii_annotations(str(tmp_path / 'missing.mat'))
    (tmp_path / 'text.mat').write_text('not a MATLAB file')
    with pytest.raises(ValueError, match='not a MATLAB file'):
        load_mpii_annotations(str(tmp_path / 'text.mat'))


def test_errors_name_the_file(tmp_path):
    """Field errors now start with the file (benchmarks/fuzz_readers.py
    counts an error that does not name it as undocumented)."""
    from mpii_mat_factory import write_groups

    from rmpe_mm.datasets.mpii_release import load_mpii_groups
    bad = person({16: (1., 2., 1)}, HEAD)
    path = write_annolist(str(tmp_path / 'bad.mat'), [[bad]])
    with pytest.raises(ValueError, match=f'^{path}: annolist_test_multi'):
        load_mpii_annotations(path)
    release = write_release(
        str(tmp_path / 'release.mat'),
        [dict(name='a.jpg', train=True, single=[], rects=[bad])])
    with pytest.raises(ValueError, match=f'^{release}: RELEASE.annolist'):
        load_mpii_annotations(release)
    good = write_release(
        str(tmp_path / 'good.mat'), [
            dict(
                name='a.jpg',
                train=True,
                single=[],
                rects=[person(line_pose(1, 2, 1, 1), HEAD)])
        ])
    groups = write_groups(str(tmp_path / 'groups.mat'), [[[2]]])
    with pytest.raises(ValueError, match=f'^{groups}: groups'):
        load_mpii_groups(groups, load_mpii_annotations(good).images)
