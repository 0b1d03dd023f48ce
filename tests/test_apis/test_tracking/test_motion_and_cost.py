"""The box Kalman filter and the association similarity."""
import numpy as np

from rmpe_mm.apis.tracking import BoxKalmanFilter, oks_matrix
from rmpe_mm.apis.tracking.cost import similarity_matrix
from rmpe_mm.testing import COCO_SIGMAS


def test_kalman_learns_a_constant_velocity():
    kf = BoxKalmanFilter()
    box = np.array([[100., 50., 160., 250.]])
    velocity = np.array([4., -1., 4., -1.])  # x1, y1, x2, y2 per frame
    mean, cov = kf.initiate(box)
    for t in range(1, 30):
        mean, cov = kf.predict(mean, cov)
        mean, cov = kf.update(mean, cov, box + t * velocity)
    np.testing.assert_allclose(mean[0, 4:], [4., -1., 0., 0.], atol=0.05)
    predicted, grown = kf.predict(mean, cov)
    np.testing.assert_allclose(
        kf.boxes(predicted), box + 30 * velocity, atol=0.5)
    # covariances stay symmetric positive definite; prediction adds noise
    np.testing.assert_allclose(cov, cov.transpose(0, 2, 1), atol=1e-9)
    assert np.all(np.linalg.eigvalsh(cov) > 0)
    assert np.all(
        np.diagonal(grown, axis1=1, axis2=2) > np.diagonal(
            cov, axis1=1, axis2=2))


def test_kalman_batches_tracks_independently():
    kf = BoxKalmanFilter()
    boxes = np.array([[0., 0., 10., 30.], [100., 100., 150., 250.]])
    mean, cov = kf.initiate(boxes)
    one_mean, one_cov = kf.initiate(boxes[1:])
    mean, cov = kf.update(*kf.predict(mean, cov), boxes + 3.)
    one_mean, one_cov = kf.update(*kf.predict(one_mean, one_cov),
                                  boxes[1:] + 3.)
    np.testing.assert_allclose(mean[1:], one_mean)
    np.testing.assert_allclose(cov[1:], one_cov)


def test_oks_matches_coco_formula():
    rng = np.random.default_rng(0)
    a = rng.uniform(0, 100, (2, 17, 2))
    b = a[:1] + rng.normal(0, 3, (1, 17, 2))
    valid_a = np.ones((2, 17), bool)
    valid_b = np.ones((1, 17), bool)
    valid_b[0, :4] = False
    area = np.array([5000.])
    oks, count = oks_matrix(a, valid_a, b, valid_b, area, COCO_SIGMAS)
    d2 = ((a[0] - b[0])**2).sum(-1)[4:]
    expected = np.exp(-d2 / (2 * area[0] * (2 * COCO_SIGMAS[4:])**2)).mean()
    assert oks.shape == (2, 1) and count[0, 0] == 13
    np.testing.assert_allclose(oks[0, 0], expected)
    assert oks[1, 0] < oks[0, 0]


def test_similarity_without_common_joints_is_iou():
    boxes = np.array([[0., 0., 10., 20.]])
    other = np.array([[5., 0., 15., 20.]])
    kpts = np.zeros((1, 17, 2))
    none = np.zeros((1, 17), bool)
    sim = similarity_matrix(boxes, kpts, none, other, kpts,
                            np.ones((1, 17), bool), COCO_SIGMAS, 0.5, 0.5)
    np.testing.assert_allclose(sim, [[100. / 300.]])
    sim = similarity_matrix(boxes, kpts, ~none, other, kpts,
                            np.ones((1, 17), bool), COCO_SIGMAS, 0.5, 0.5)
    np.testing.assert_allclose(sim, [[(100. / 300. + 1.) / 2]])
