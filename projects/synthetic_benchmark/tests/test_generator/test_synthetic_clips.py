"""Synthetic (simulated) video clips: deterministic, smooth identities,
the events a tracker must survive, an atomic cache."""
import os

import numpy as np
import pytest

from synthetic_benchmark.generator import AppearanceConfig, SceneConfig
from synthetic_benchmark.generator.clip_config import ClipConfig
from synthetic_benchmark.generator.clip_io import (ensure_clips, load_clip,
                                                   write_atomic)
from synthetic_benchmark.generator.clips import clip_events, generate_clip

SIZE = 128


def small_config(**kwargs) -> ClipConfig:
    """100 frames of 128 px, few background shapes, lossless frames."""
    kwargs.setdefault('num_frames', 100)
    return ClipConfig(
        scene=SceneConfig(img_size=(SIZE, SIZE)),
        appearance=AppearanceConfig(num_shapes_range=(2, 4), image_ext='.png'),
        **kwargs)


@pytest.fixture(scope='module')
def clips():
    cfg = small_config()
    return [generate_clip(cfg, i) for i in range(3)]


def test_same_seed_same_clip_other_index_other_clip(clips):
    again = generate_clip(small_config(), 0)
    for name in ('frames', 'keypoints', 'present', 'det_boxes', 'det_scores',
                 'det_person'):
        np.testing.assert_array_equal(
            getattr(again, name), getattr(clips[0], name))
    assert not np.array_equal(clips[0].frames, clips[1].frames)
    other_seed = generate_clip(small_config(seed=1), 0)
    assert not np.array_equal(other_seed.keypoints[0], clips[0].keypoints[0])


def test_identities_move_continuously(clips):
    for clip in clips:
        pelvis = clip.keypoints[:, :, 6]  # MPII pelvis
        step = np.linalg.norm(np.diff(pelvis, axis=0), axis=-1)
        # at most the top walking speed plus the bob, every frame
        assert step.max() < 0.02 * SIZE
        for p in range(clip.present.shape[1]):
            t = np.flatnonzero(clip.present[1:, p] & clip.present[:-1, p])
            boxes = clip.boxes[:, p]
            centers = (boxes[:, :2] + boxes[:, 2:]) / 2
            jump = np.linalg.norm(centers[t + 1] - centers[t], axis=-1)
            assert jump.max() < 0.1 * SIZE


def test_crossing_occlusion_leaving_and_turning_happen(clips):
    events = [clip_events(c) for c in clips]
    for e, clip in zip(events, clips):
        assert clip.roles[:3] == ['cross', 'cross', 'leave']
        assert e['crossings'] > 0
        assert e['reentries'] >= 1
        assert e['partial_occlusions'] > 0
        assert e['turns'] > 0
    assert sum(e['occlusion_gaps'] for e in events) > 0
    # the leaving person is out of the frame for a while, then back
    leave = clips[0].in_frame[:, 2]
    out = np.flatnonzero(~leave)
    assert len(out) >= 5 and leave[out.max() + 1:].any()


def test_detections_follow_the_present_people(clips):
    for clip in clips:
        tp = clip.det_person >= 0
        assert tp.any() and (~tp).any()  # true and false positives
        frames, people = clip.det_frame[tp], clip.det_person[tp]
        assert clip.present[frames, people].all()
        # nobody hidden or outside is detected
        absent = ~clip.present
        assert not absent[frames, people].any()


def test_cache_roundtrip_and_reuse(tmp_path):
    cfg = small_config(num_frames=20, absence_range=(2, 4))
    paths = ensure_clips(cfg, 2, str(tmp_path))
    assert [os.path.basename(p)
            for p in paths] == ['clip_000.npz', 'clip_001.npz']
    loaded = load_clip(paths[1])
    fresh = generate_clip(cfg, 1)
    np.testing.assert_array_equal(loaded.frames, fresh.frames)  # png
    np.testing.assert_array_equal(loaded.det_boxes, fresh.det_boxes)
    assert loaded.roles == fresh.roles
    stamp = os.stat(paths[0]).st_mtime_ns
    assert ensure_clips(cfg, 2, str(tmp_path)) == paths
    assert os.stat(paths[0]).st_mtime_ns == stamp
    # other settings, other folder
    assert ensure_clips(
        small_config(num_frames=21, absence_range=(2, 4)), 1,
        str(tmp_path))[0] != paths[0]
    assert not [
        n for n in os.listdir(os.path.dirname(paths[0])) if n.endswith('.tmp')
    ]


def test_write_atomic_leaves_nothing_on_error(tmp_path):
    target = tmp_path / 'x.bin'

    def fail(f):
        f.write(b'half')
        raise RuntimeError('boom')

    with pytest.raises(RuntimeError, match='boom'):
        write_atomic(str(target), fail)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize('kwargs,field', [
    (dict(min_people=2), 'min_people'),
    (dict(num_frames=1), 'num_frames'),
    (dict(turn_prob=1.5), 'turn_prob'),
    (dict(speed_range=(0.02, 0.01)), 'speed_range'),
])
def test_bad_settings_name_the_field(kwargs, field):
    with pytest.raises(ValueError, match=field):
        ClipConfig(**kwargs).validate()
