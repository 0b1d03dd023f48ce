"""The official submission .mat: layout, order, 1-based coordinates."""
import numpy as np
import pytest
from scipy.io import loadmat

from rmpe_mm.evaluation.functional import write_mpii_submission


def test_layout_round_trip(tmp_path):
    kpts = np.arange(2 * 16 * 2, dtype=np.float64).reshape(2, 16, 2)
    scores = np.full((2, 16), .5)
    kpts[1, 3] = np.nan  # a joint that was not predicted is left out
    path = write_mpii_submission(
        str(tmp_path / 'a' / 'pred.mat'),
        [('img1.jpg', kpts, scores), ('img2.jpg', np.zeros((0, 16, 2)),
                                      np.zeros((0, 16)))])
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
        write_mpii_submission(str(tmp_path / 'p.mat'),
                              [('img1.jpg', np.zeros((1, 16, 2)),
                                np.zeros((1, 15)))])
