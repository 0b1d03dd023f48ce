"""OneEuroFilter: less jitter at rest, small lag on a ramp, NaN joints."""
import numpy as np
import pytest

from rmpe_mm.apis.tracking import OneEuroFilter, PoseTracker
from rmpe_mm.testing.tracking_clips import COCO_SIGMAS, make_clip


def filtered(signal, **options):
    smoother = OneEuroFilter(**options)
    return np.array([smoother(x) for x in signal])


def test_reduces_jitter_of_a_still_signal():
    rng = np.random.default_rng(0)
    raw = 100. + rng.normal(0., 2., (300, 17, 2))
    out = filtered(raw)
    raw_std, out_std = raw[30:].std(0).mean(), out[30:].std(0).mean()
    assert out_std < 0.5 * raw_std
    assert abs(out[30:].mean() - 100.) < 0.5


def test_follows_a_ramp_with_small_lag():
    fps, speed = 30., 150.  # pixels per second
    t = np.arange(120) / fps
    ramp = speed * t
    adaptive = filtered(ramp, fps=fps)
    fixed = filtered(ramp, fps=fps, beta=0.)
    lag = np.abs(ramp - adaptive)[30:]
    assert lag.max() < 5.
    # the speed term is what keeps the lag small
    assert np.abs(ramp - fixed)[30:].min() > 4 * lag.max()


def test_first_sample_passes_through_and_reset():
    smoother = OneEuroFilter()
    np.testing.assert_array_equal(smoother(np.array([3., 4.])), [3., 4.])
    smoother(np.array([5., 6.]))
    smoother.reset()
    np.testing.assert_array_equal(smoother(np.array([9., 9.])), [9., 9.])


def test_nan_elements_pass_through_and_keep_their_state():
    smoother = OneEuroFilter()
    smoother(np.array([10., 10.]))
    out = smoother(np.array([np.nan, 20.]))
    assert np.isnan(out[0]) and 10. < out[1] < 20.
    out = smoother(np.array([10., 20.]))
    assert out[0] == pytest.approx(10.)  # state kept through the NaN


def test_shape_change_and_bad_settings_raise():
    smoother = OneEuroFilter()
    smoother(np.zeros((17, 2)))
    with pytest.raises(ValueError, match='shape'):
        smoother(np.zeros((16, 2)))
    for options in (dict(fps=0), dict(min_cutoff=-1), dict(d_cutoff=0),
                    dict(beta=-0.1)):
        with pytest.raises(ValueError, match=list(options)[0]):
            OneEuroFilter(**options)


def test_tracker_smooths_each_track():
    centers = np.stack([
        np.tile([[200., 240.]], (90, 1)),
        np.tile([[600., 240.]], (90, 1)),
    ])
    frames = make_clip(centers, np.array([160., 160.]), noise=3., seed=3)
    tracker = PoseTracker(sigmas=COCO_SIGMAS, smooth_keypoints=True)
    raw = {0: [], 1: []}
    smooth = {0: [], 1: []}
    for f in frames:
        result = tracker.track(f.keypoints, f.keypoint_scores, f.bboxes)
        for i, person in enumerate(f.gt_ids):
            raw[person].append(f.keypoints[i])
            smooth[person].append(result.keypoints[i])
    for person in (0, 1):
        r, s = np.array(raw[person])[20:], np.array(smooth[person])[20:]
        assert s.std(0).mean() < 0.5 * r.std(0).mean()
        # each track is smoothed with its own state (no mixing of people)
        assert np.abs(s.mean(0) - r.mean(0)).max() < 2.
