"""The benchmark harness on a generated clip: perfect and id-swapping
oracles, MMPose's greedy matcher as the benchmark calls it."""
import numpy as np
import pytest

from synthetic_benchmark.generator import (AppearanceConfig, DetectorConfig,
                                           SceneConfig)
from synthetic_benchmark.generator.clip_config import ClipConfig
from synthetic_benchmark.generator.clips import generate_clip
from synthetic_benchmark.tracking.benchmark import (format_table,
                                                    run_benchmark, track_clip)
from synthetic_benchmark.tracking.mot_metrics import box_iou
from synthetic_benchmark.tracking.poses import noisy_truth_poses
from synthetic_benchmark.tracking.trackers import MMPoseGreedyTracker

SIZE = 128


@pytest.fixture(scope='module')
def clean_clip():
    """A clip whose detector is perfect: one exact box per present person."""
    cfg = ClipConfig(
        num_frames=60,
        scene=SceneConfig(img_size=(SIZE, SIZE)),
        appearance=AppearanceConfig(num_shapes_range=(2, 4)),
        detector=DetectorConfig(
            miss_rate=0.0,
            duplicate_rate=0.0,
            fp_per_image=0.0,
            offset_scale=0.0))
    return generate_clip(cfg, 0)


class Oracle:
    """Reads the true identity of each pose off the clip (by box IoU); with
    ``swap_at`` it swaps persons 0 and 1 from that frame on."""

    def __init__(self, clip, swap_at=None):
        self.clip, self.swap_at = clip, swap_at
        self.name = 'oracle' if swap_at is None else 'swapper'

    def reset(self):
        self.t = 0

    def prepare(self, poses):
        return poses

    def update(self, poses):
        ids, boxes = self.clip.frame_truth(self.t)
        iou = box_iou(boxes.astype(float), poses['bboxes'].astype(float))
        out = np.full(len(poses['bboxes']), -1)
        for j in range(iou.shape[1]):
            if iou.shape[0] and iou[:, j].max() >= 0.5:
                out[j] = ids[iou[:, j].argmax()]
        if self.swap_at is not None and self.t >= self.swap_at:
            out = np.where(out == 0, 1, np.where(out == 1, 0, out))
        self.t += 1
        return out


def test_perfect_tracker_scores_one_swapper_lower(clean_clip):
    poses = noisy_truth_poses(clean_clip, noise=0.0, pose_nms=None)
    both = clean_clip.present[:, 0] & clean_clip.present[:, 1]
    swap_at = int(np.flatnonzero(both)[len(np.flatnonzero(both)) // 2])
    rows = run_benchmark(
        [clean_clip], [poses],
        [Oracle(clean_clip), Oracle(clean_clip, swap_at)])
    perfect, swapper = rows
    assert perfect['mota'] == pytest.approx(1.0)
    assert perfect['idf1'] == pytest.approx(1.0)
    assert perfect['hota'] == pytest.approx(1.0, abs=1e-6)
    assert perfect['id_switches'] == 0
    assert swapper['id_switches'] >= 2
    assert swapper['idf1'] < 0.95 and swapper['hota'] < perfect['hota']
    assert perfect['fps'] > 0 and perfect['ms_per_frame'] > 0
    table = format_table(rows)
    assert table.splitlines()[0].startswith('| Tracker | MOTA | IDF1 | HOTA')
    assert '| oracle | 1.000 | 1.000 | 1.000 | 0 |' in table


def test_noisy_truth_poses_follow_the_detections(clean_clip):
    poses = noisy_truth_poses(clean_clip, noise=0.0, pose_nms=None)
    for t in (0, 30):
        ids, boxes = clean_clip.frame_truth(t)
        assert len(poses[t]['bboxes']) == len(ids)
        np.testing.assert_allclose(
            np.sort(poses[t]['keypoints'].reshape(-1)),
            np.sort(clean_clip.keypoints[t, ids].reshape(-1)),
            atol=1e-3)
    again = noisy_truth_poses(clean_clip, noise=0.05, seed=3)
    first = noisy_truth_poses(clean_clip, noise=0.05, seed=3)
    np.testing.assert_array_equal(again[10]['keypoints'],
                                  first[10]['keypoints'])
    with pytest.raises(ValueError, match='noise'):
        noisy_truth_poses(clean_clip, noise=-1)


def frame(boxes):
    boxes = np.asarray(boxes, np.float32)
    x = np.linspace(0, 1, 16, dtype=np.float32)
    kpts = np.stack([
        boxes[:, None, 0] + x * (boxes[:, None, 2] - boxes[:, None, 0]),
        boxes[:, None, 1] + x * (boxes[:, None, 3] - boxes[:, None, 1])
    ], -1)
    return dict(
        keypoints=kpts,
        keypoint_scores=np.ones(kpts.shape[:2], np.float32),
        bboxes=boxes,
        scores=np.ones(len(boxes), np.float32))


@pytest.mark.parametrize('mode', ['iou', 'oks'])
def test_mmpose_greedy_tracker_as_mmpose_calls_it(mode):
    sigmas = np.full(16, 0.05)
    tracker = MMPoseGreedyTracker(mode, sigmas if mode == 'oks' else None)
    tracker.reset()
    a, b = [10, 10, 40, 90], [100, 10, 130, 90]
    ids1 = tracker.update(tracker.prepare(frame([a, b])))
    assert ids1.tolist() == [0, 1]
    moved = [[11, 10, 41, 90], [101, 11, 131, 91], [200, 10, 230, 90]]
    ids2 = tracker.update(tracker.prepare(frame(moved)))
    assert ids2.tolist() == [0, 1, 2]
    # one frame missing: MMPose keeps no lost tracks, the id is new
    tracker.update(tracker.prepare(frame(moved[1:])))
    assert tracker.update(tracker.prepare(frame(moved)))[0] == 3
    tracker.reset()
    assert tracker.update(tracker.prepare(frame([b]))).tolist() == [0]


def test_mmpose_greedy_tracker_bad_arguments():
    with pytest.raises(ValueError, match='mode'):
        MMPoseGreedyTracker('hungarian')
    with pytest.raises(ValueError, match='sigmas'):
        MMPoseGreedyTracker('oks')


def test_track_clip_checks_the_number_of_ids(clean_clip):

    class Broken(Oracle):

        def update(self, poses):
            return np.zeros(len(poses['bboxes']) + 1, int)

    poses = noisy_truth_poses(clean_clip, noise=0.0, pose_nms=None)
    with pytest.raises(RuntimeError, match='returned'):
        track_clip(Broken(clean_clip), poses)


def test_rmpe_tracker_keeps_identities_on_exact_detections(clean_clip):
    """With exact poses and boxes the only difficulties left are the
    clip's crossings, occlusions and the exit / re-entry."""
    from synthetic_benchmark.tracking.trackers import RMPETracker
    poses = noisy_truth_poses(clean_clip, noise=0.0, pose_nms=None)
    sigmas = np.full(16, 0.05)
    ours, oks, iou = run_benchmark([clean_clip], [poses], [
        RMPETracker(sigmas),
        MMPoseGreedyTracker('oks', sigmas),
        MMPoseGreedyTracker('iou')
    ])
    assert ours['idf1'] > 0.95 and ours['id_switches'] <= 2
    assert ours['idf1'] > max(oks['idf1'], iou['idf1'])
