"""PoseTracker: identities through crossing, occlusion, leaving and
re-entering; births, deaths, latency, bad inputs."""
import numpy as np
import pytest

from rmpe_mm.apis.tracking import PoseTracker, build_tracker
from rmpe_mm.datasets.pgpg.boxes import box_iou_matrix
from rmpe_mm.testing.tracking_clips import (COCO_SIGMAS, crowd_clip,
                                            linear_path, make_clip)

K = len(COCO_SIGMAS)


def run(frames, **options):
    """Per frame: ``{true person: track id}``."""
    tracker = PoseTracker(sigmas=COCO_SIGMAS, **options)
    out = []
    for frame in frames:
        ids = tracker.update(frame.keypoints, frame.keypoint_scores,
                             frame.bboxes)
        assert ids.shape == (len(frame.gt_ids), )
        out.append(dict(zip(frame.gt_ids.tolist(), ids.tolist())))
    return out


def ids_of(result, person):
    return [f[person] for f in result if person in f]


def crossing_clip(num_frames=90, seed=1):
    """A walks right behind B walking left; A is undetected (occluded)
    while their centers are within 30 px."""
    a = linear_path([100, 240], [500, 240], num_frames)
    b = linear_path([500, 250], [100, 250], num_frames)
    occluded = np.abs(a[:, 0] - b[:, 0]) < 30
    a[occluded] = np.nan
    return make_clip(
        np.stack([a, b]), np.array([160., 170.]), seed=seed), occluded


def reenter_clip(gap, seed=2):
    """One person walks right, vanishes for ``gap`` frames (outside the
    image) and walks back in where it left."""
    centers = np.concatenate([
        linear_path([400, 240], [640, 240], 30),
        np.full((gap, 2), np.nan),
        linear_path([640, 240], [400, 240], 30)
    ])
    return make_clip(centers[None], np.array([160.]), seed=seed)


@pytest.mark.parametrize('seed', [1, 2, 3])
def test_crossing_and_occlusion_keep_identities(seed):
    frames, occluded = crossing_clip(seed=seed)
    # the clip is a real test: boxes overlap and A is missed for frames
    assert occluded.sum() >= 5
    overlap = max(
        box_iou_matrix(f.bboxes, f.bboxes)[0, 1] for f in frames
        if len(f.gt_ids) == 2)
    assert overlap > 0.25
    result = run(frames)
    ids_a, ids_b = ids_of(result, 0), ids_of(result, 1)
    assert len(set(ids_a)) == 1 and len(set(ids_b)) == 1
    assert ids_a[0] != ids_b[0] and min(ids_a[0], ids_b[0]) >= 0
    # A reappears after the occlusion with its id
    first_after = int(np.flatnonzero(occluded)[-1]) + 1
    assert result[first_after][0] == ids_a[0]


def test_reentry_within_window_keeps_id():
    result = run(reenter_clip(gap=15), max_missed=30)
    assert set(ids_of(result, 0)) == {0}


def test_reentry_after_window_is_a_new_track():
    result = run(reenter_clip(gap=15), max_missed=10, confirm_at_start=False)
    ids = ids_of(result, 0)
    assert ids[29] == 0
    # back as a tentative track, then confirmed under a new id
    assert ids[30:32] == [-1, -1] and set(ids[32:]) == {1}


def test_reentry_needs_last_seen_matching():
    """The person turns back: the constant-velocity prediction alone has
    moved on, so the option is what keeps the id."""
    result = run(reenter_clip(gap=15), reid_last_seen=False)
    assert len(set(ids_of(result, 0)) - {-1}) == 2


def test_crowd_has_no_identity_switch():
    frames = crowd_clip(10, 100, seed=4)
    result = run(frames)
    for person in range(10):
        assert len(set(ids_of(result, person))) == 1
    assert len({f[p] for f in result for p in f}) == 10


def test_birth_after_min_hits_and_tentative_death():
    centers = linear_path([100, 200], [200, 200], 8)[None]
    frames = make_clip(centers, np.array([150.]))
    tracker = PoseTracker(
        sigmas=COCO_SIGMAS, min_hits=3, confirm_at_start=False)
    got = [
        tracker.update(f.keypoints, f.keypoint_scores, f.bboxes)[0]
        for f in frames[:4]
    ]
    assert got == [-1, -1, 0, 0]
    # a tentative track dies at its first miss: a detection seen once,
    # then missed, then seen again is tentative again
    tracker = PoseTracker(
        sigmas=COCO_SIGMAS, min_hits=2, confirm_at_start=False)
    f = frames[0]
    assert tracker.update(f.keypoints, f.keypoint_scores, f.bboxes)[0] == -1
    tracker.update(np.zeros((0, K, 2)), np.zeros((0, K)), np.zeros((0, 4)))
    assert tracker.update(f.keypoints, f.keypoint_scores, f.bboxes)[0] == -1
    assert tracker.update(f.keypoints, f.keypoint_scores, f.bboxes)[0] == 0


def test_confirm_at_start_gives_first_frame_ids():
    frames = crowd_clip(3, 5, seed=0)
    tracker = PoseTracker(sigmas=COCO_SIGMAS, min_hits=3)
    f = frames[0]
    assert sorted(tracker.update(f.keypoints, f.keypoint_scores,
                                 f.bboxes)) == [0, 1, 2]


def test_confirmed_track_dies_after_max_missed():
    frames = crowd_clip(1, 3, seed=0)
    tracker = PoseTracker(sigmas=COCO_SIGMAS, max_missed=2)
    f = frames[0]
    empty = (np.zeros((0, K, 2)), np.zeros((0, K)), np.zeros((0, 4)))
    assert tracker.update(f.keypoints, f.keypoint_scores, f.bboxes)[0] == 0
    for _ in range(2):
        tracker.update(*empty)
    assert tracker.update(f.keypoints, f.keypoint_scores, f.bboxes)[0] == 0
    for _ in range(3):
        tracker.update(*empty)
    assert tracker.update(f.keypoints, f.keypoint_scores, f.bboxes)[0] != 0


def test_no_added_latency():
    """The ids of frame t come back from update(frame t), and later frames
    cannot change them: a run stopped at t gives the same ids."""
    frames, _ = crossing_clip()
    full = run(frames)
    for t in (0, 5, 40, 48, len(frames) - 1):
        assert run(frames[:t + 1])[t] == full[t]


def test_reset_restarts_ids():
    frames = crowd_clip(2, 3, seed=0)
    tracker = PoseTracker(sigmas=COCO_SIGMAS)
    for f in frames:
        tracker.update(f.keypoints, f.keypoint_scores, f.bboxes)
    tracker.reset()
    f = frames[0]
    assert sorted(tracker.update(f.keypoints, f.keypoint_scores,
                                 f.bboxes)) == [0, 1]


def test_inputs_are_not_modified_and_accept_lists():
    f = crowd_clip(2, 1, seed=0)[0]
    copies = [x.copy() for x in f[:3]]
    tracker = PoseTracker(sigmas=COCO_SIGMAS, smooth_keypoints=True)
    ids = tracker.update(f.keypoints.tolist(), f.keypoint_scores.tolist(),
                         f.bboxes.tolist())
    assert ids.dtype == np.int64 and sorted(ids) == [0, 1]
    for before, after in zip(copies, f[:3]):
        np.testing.assert_array_equal(before, after)


@pytest.mark.parametrize('empty', [
    (np.zeros((0, K, 2)), np.zeros((0, K)), np.zeros((0, 4))),
    ([], [], []),
])
def test_empty_frames(empty):
    frames = crowd_clip(2, 2, seed=0)
    tracker = PoseTracker(sigmas=COCO_SIGMAS)
    ids = tracker.update(*empty)
    assert ids.shape == (0, ) and ids.dtype == np.int64
    first = tracker.update(frames[0].keypoints, frames[0].keypoint_scores,
                           frames[0].bboxes)
    for _ in range(5):
        assert tracker.update(*empty).shape == (0, )
    again = tracker.update(frames[0].keypoints, frames[0].keypoint_scores,
                           frames[0].bboxes)
    np.testing.assert_array_equal(first, again)


def test_nan_keypoints_are_missing_joints():
    frames = crowd_clip(2, 10, seed=5)
    tracker = PoseTracker(sigmas=COCO_SIGMAS, smooth_keypoints=True)
    ref = run(frames)
    for t, f in enumerate(frames):
        kpts, scores = f.keypoints.copy(), f.keypoint_scores.copy()
        if t % 2:
            kpts[0] = np.nan  # a whole pose missing: box IoU alone
            kpts[1, :5, 0] = np.nan  # some joints missing
            scores[1, 5:8] = np.nan
        result = tracker.track(kpts, scores, f.bboxes)
        assert dict(zip(f.gt_ids.tolist(), result.ids.tolist())) == ref[t]
        assert np.isnan(result.keypoints).sum() == np.isnan(kpts).sum()
        assert np.isfinite(result.keypoints[~np.isnan(kpts)]).all()


@pytest.mark.parametrize('field,args,match', [
    ('keypoints', (np.zeros((2, 5, 2)), np.zeros((2, 5)), np.zeros(
        (2, 4))), r'`keypoints` must have shape \(N, 17, 2\)'),
    ('keypoint_scores', (np.zeros((2, K, 2)), np.zeros(
        (2, K - 1)), np.zeros((2, 4))), r'`keypoint_scores` must have shape'),
    ('bboxes', (np.zeros((2, K, 2)), np.zeros((2, K)), np.zeros(
        (2, 5))), r'`bboxes` must have shape \(2, 4\)'),
    ('bboxes', (np.zeros((1, K, 2)), np.zeros(
        (1, K)), [[0, 0, np.nan, 1]]), r'`bboxes` row 0 must be finite'),
    ('bboxes', (np.zeros((1, K, 2)), np.zeros(
        (1, K)), [[5, 0, 1, 1]]), r'x2 >= x1'),
    ('keypoints', ('abc', np.zeros((1, K)), np.zeros(
        (1, 4))), r'`keypoints` must be a numeric array'),
])
def test_bad_inputs_name_the_field(field, args, match):
    tracker = PoseTracker(sigmas=COCO_SIGMAS)
    with pytest.raises(ValueError, match=match):
        tracker.update(*args)
    # the tracker is still usable afterwards
    f = crowd_clip(1, 1)[0]
    assert tracker.update(f.keypoints, f.keypoint_scores,
                          f.bboxes).shape == (1, )


@pytest.mark.parametrize('options,match', [
    (dict(sigmas=[]), 'sigmas'),
    (dict(sigmas=[0.1, -1]), 'sigmas'),
    (dict(iou_weight=0, oks_weight=0), 'iou_weight'),
    (dict(min_similarity=1.5), 'min_similarity'),
    (dict(min_hits=0), 'min_hits'),
    (dict(max_missed=-1), 'max_missed'),
    (dict(fps=0), 'fps'),
    (dict(beta=-1), 'beta'),
])
def test_bad_settings(options, match):
    kwargs = dict(sigmas=COCO_SIGMAS)
    kwargs.update(options)
    with pytest.raises(ValueError, match=match):
        PoseTracker(**kwargs)


def test_build_tracker():
    assert build_tracker(None) is None and build_tracker(False) is None
    built = build_tracker(True, sigmas=COCO_SIGMAS)
    assert isinstance(built, PoseTracker) and built.min_hits == 3
    built = build_tracker(dict(min_hits=1, max_missed=5), sigmas=COCO_SIGMAS)
    assert (built.min_hits, built.max_missed) == (1, 5)
    np.testing.assert_allclose(built.sigmas, COCO_SIGMAS)
    assert build_tracker(built) is built
    with pytest.raises(ValueError, match='sigmas'):
        build_tracker({})
    with pytest.raises(ValueError, match='tracker must be'):
        build_tracker('sort')


def test_iou_only_and_oks_only_settings_track():
    frames = crowd_clip(5, 40, seed=6)
    for options in (dict(oks_weight=0), dict(iou_weight=0)):
        result = run(frames, **options)
        for person in range(5):
            assert len(set(ids_of(result, person))) == 1
