"""The official submission .mat: layout, order, 1-based coordinates; read
back, and read as other programs write it."""
import numpy as np
import pytest
from mpii_mat_factory import struct, write_pred
from scipy.io import loadmat, savemat

from rmpe_mm.evaluation.functional import (read_mpii_submission,
                                           write_mpii_submission)


def test_layout_round_trip(tmp_path):
    kpts = np.arange(2 * 16 * 2, dtype=np.float64).reshape(2, 16, 2)
    scores = np.full((2, 16), .5)
    kpts[1, 3] = np.nan  # a joint that was not predicted is left out
    path = write_mpii_submission(
        str(tmp_path / 'a' / 'pred.mat'),
        [('img1.jpg', kpts, scores),
         ('img2.jpg', np.zeros((0, 16, 2)), np.zeros((0, 16)))])
    pred = loadmat(path, struct_as_record=False)['pred']
    assert pred.shape == (1, 2)
    first, second = pred[0, 0], pred[0, 1]
    assert first.image[0, 0].name[0] == 'img1.jpg'
    assert second.image[0, 0].name[0] == 'img2.jpg'
    assert first.annorect.shape == (1, 2) and second.annorect.size == 0
    points = first.annorect[0, 0].annopoints[0, 0].point
    assert points.shape == (1, 16)
    p5 = points[0, 5]
    # ids are MPII ids, coordinates shifted back to MATLAB's 1-based pixels
    assert (p5.id[0, 0], p5.x[0, 0], p5.y[0, 0]) == (5., 11., 12.)
    assert p5.score[0, 0] == .5
    ids = [p.id[0, 0] for p in first.annorect[0, 1].annopoints[0, 0].point[0]]
    assert 3. not in ids and len(ids) == 15


def test_shape_error(tmp_path):
    with pytest.raises(ValueError, match="'img1.jpg'"):
        write_mpii_submission(
            str(tmp_path / 'p.mat'), [('img1.jpg', np.zeros(
                (1, 16, 2)), np.zeros((1, 15)))])


def test_read_back_what_was_written(tmp_path):
    rng = np.random.default_rng(0)
    kpts = rng.uniform(0, 500, (3, 16, 2))
    scores = np.round(rng.random((3, 16)), 2)
    kpts[0, [6, 7]] = np.nan  # not predicted: omitted, read back as NaN
    scores[0, [6, 7]] = np.nan
    groups = [('a.jpg', kpts[:2], scores[:2]),
              ('b.jpg', np.zeros((0, 16, 2)), np.zeros((0, 16))),
              ('b.jpg', kpts[2:], scores[2:])]
    path = write_mpii_submission(str(tmp_path / 'pred.mat'), groups)
    read = read_mpii_submission(path)
    assert [g.name for g in read] == ['a.jpg', 'b.jpg', 'b.jpg']
    for (_, k, s), group in zip(groups, read):
        np.testing.assert_allclose(group.keypoints, k, atol=1e-12)
        np.testing.assert_array_equal(group.keypoint_scores, s)
    # coord_offset=0 keeps the file's 1-based MATLAB pixels
    kept = read_mpii_submission(path, coord_offset=0.)
    np.testing.assert_allclose(kept[0].keypoints, kpts[:2] + 1, atol=1e-12)


def test_read_a_foreign_submission(tmp_path):
    # another program: fields reversed, no image names, no person score,
    # 14 joints (no pelvis 6, thorax 7), a pose without any point
    pose = {
        j: (10. + j, 20. + j, .1 * j)
        for j in range(16) if j not in (6, 7)
    }
    path = write_pred(
        str(tmp_path / 'pred.mat'), [[pose, {}], []], reverse=True)
    first, second = read_mpii_submission(path, coord_offset=0.)
    assert first.name is None and second.name is None
    assert first.keypoints.shape == (2, 16, 2)
    assert second.keypoints.shape == (0, 16, 2)
    assert np.isnan(first.keypoints[0, [6, 7]]).all()
    np.testing.assert_allclose(first.keypoints[0, 9], [19., 29.])
    assert first.keypoint_scores[0, 9] == pytest.approx(.9)
    assert np.isnan(first.keypoints[1]).all()


@pytest.mark.parametrize('pose,match', [
    ({
        0: (1., 2., np.nan)
    }, r'pred\(1\).annorect\(1\).annopoints.point\(1\)'
     r'.score must be finite'),
    ({
        0: (1., np.inf, .5)
    }, r'point\(1\).y must be finite'),
    ({
        16: (1., 2., .5)
    }, r'point\(1\).id must be an integer in 0..15'),
])
def test_read_errors_name_the_field(tmp_path, pose, match):
    path = write_pred(str(tmp_path / 'pred.mat'), [[pose]])
    with pytest.raises(ValueError, match=match):
        read_mpii_submission(path)


def test_read_errors_missing_score_and_variable(tmp_path):
    point = struct([dict(id=3., x=1., y=2.)])
    rect = struct([dict(annopoints=struct([dict(point=point)]))])
    savemat(
        str(tmp_path / 'noscore.mat'), {'pred': struct([dict(annorect=rect)])})
    with pytest.raises(
            ValueError,
            match=r'pred\(1\).annorect\(1\)'
            r'.annopoints.point\(1\) has no score'):
        read_mpii_submission(str(tmp_path / 'noscore.mat'))
    savemat(str(tmp_path / 'other.mat'), {'preds': np.zeros(1)})
    with pytest.raises(ValueError, match=r"no variable 'pred'"):
        read_mpii_submission(str(tmp_path / 'other.mat'))


def test_read_errors_name_the_file(tmp_path):
    """benchmarks/fuzz_readers.py counts an error without the file's name
    as undocumented; damaged bytes are a ValueError too (scipy raised
    OSError/TypeError)."""
    path = write_pred(str(tmp_path / 'pred.mat'), [[{16: (1., 2., .5)}]])
    with pytest.raises(ValueError, match=f'^{path}: pred\\(1\\)'):
        read_mpii_submission(path)
    good = write_pred(str(tmp_path / 'good.mat'), [[{3: (1., 2., .5)}]])
    data = open(good, 'rb').read()
    with open(path, 'wb') as f:
        f.write(data[:len(data) - 20])
    with pytest.raises(ValueError, match=str(path)):
        read_mpii_submission(path)
