"""Tracking in RMPEInferencer and in MMPose's inferencer (random weights,
given boxes moving across generated frames)."""
import json

import cv2
import numpy as np
import pytest
from pipeline_models import KEEP_ALL_NMS

from rmpe_mm.apis import (add_pose_nms, add_pose_tracking, dump_results,
                          load_alphapose_results, scope_guard)
from rmpe_mm.apis.tracking import PoseTracker, draw_tracks, track_color

NUM_FRAMES = 8


def moving_frames():
    """Frames (BGR) with two people-sized blocks walking apart, and their
    boxes (x1, y1, x2, y2, score): A from the left, B from the right."""
    frames, boxes = [], []
    for t in range(NUM_FRAMES):
        image = np.full((240, 320, 3), 90, np.uint8)
        a = [40 + 6 * t, 40, 100 + 6 * t, 200, 0.9]
        b = [220 - 6 * t, 50, 280 - 6 * t, 210, 0.8]
        for x1, y1, x2, y2, _ in (a, b):
            cv2.rectangle(image, (x1, y1), (x2, y2), (40, 160, 220), -1)
        frames.append(image)
        # the box order changes every frame: ids must not follow it
        boxes.append(np.array([a, b] if t % 2 else [b, a], np.float32))
    return frames, boxes


@pytest.fixture
def tracking_inferencer(tiny_inferencer):
    return tiny_inferencer(pose_nms=KEEP_ALL_NMS, tracker=True)


def run(inferencer, frames, boxes, **kwargs):
    """Per frame: the list of person dicts; and the records."""
    people, records = [], []
    for result in inferencer(frames, bboxes=boxes, **kwargs):
        people += result['predictions']
        records += inferencer.to_records(result, 'alphapose')
    return people, records


def ids_by_side(people):
    """Per frame: (track id of the left-starting person, of the other)."""
    out = []
    for persons in people:
        a = [p for p in persons if p['bbox'][1] == 40][0]
        b = [p for p in persons if p['bbox'][1] == 50][0]
        out.append((a['track_id'], b['track_id']))
    return out


def test_track_ids_and_alphapose_idx(tracking_inferencer, tmp_path):
    frames, boxes = moving_frames()
    people, records = run(tracking_inferencer, frames, boxes)
    ids = ids_by_side(people)
    assert set(ids) == {ids[0]} and ids[0][0] != ids[0][1]
    assert sorted(ids[0]) == [0, 1]
    # AlphaPose's JSON: idx is the track id (one int), as with
    # AlphaPose's --pose_track
    by_frame = {}
    for record in records:
        by_frame.setdefault(record['image_id'], []).append(record['idx'])
    assert len(by_frame) == NUM_FRAMES
    for persons, (name, idx) in zip(people, by_frame.items()):
        assert idx == [p['track_id'] for p in persons]
        assert all(type(i) is int for i in idx)
    path = str(tmp_path / 'alphapose-results.json')
    dump_results(records, path)
    loaded = load_alphapose_results(path)
    assert sorted(loaded['0.jpg'].idx) == [0, 1]
    with open(path) as f:
        assert all(isinstance(r['idx'], int) for r in json.load(f))


def test_without_tracking_idx_stays_merged_boxes(tiny_inferencer):
    frames, boxes = moving_frames()
    people, records = run(
        tiny_inferencer(pose_nms=KEEP_ALL_NMS), frames[:2], boxes[:2])
    assert all('track_id' not in p for persons in people for p in persons)
    assert all(isinstance(r['idx'], list) for r in records)


def test_no_added_latency_and_batching(tracking_inferencer):
    """Each yielded result already holds its frames' ids; a call stopped
    at frame t gives the same ids; batches change nothing."""
    frames, boxes = moving_frames()
    full = ids_by_side(run(tracking_inferencer, frames, boxes)[0])
    for t in (0, 3):
        part = ids_by_side(
            run(tracking_inferencer, frames[:t + 1], boxes[:t + 1])[0])
        assert part == full[:t + 1]
    batched = ids_by_side(
        run(tracking_inferencer, frames, boxes, batch_size=3, overlap=True)[0])
    assert batched == full
    seen = 0
    for result in tracking_inferencer(frames, bboxes=boxes, batch_size=1):
        seen += 1
        assert len(result['predictions']) == 1
        assert all(p['track_id'] >= 0 for p in result['predictions'][0])
    assert seen == NUM_FRAMES


def test_each_call_is_a_sequence_unless_told(tiny_inferencer):
    frames, boxes = moving_frames()
    inferencer = tiny_inferencer(
        pose_nms=KEEP_ALL_NMS, tracker=dict(min_hits=1))
    whole = ids_by_side(run(inferencer, frames, boxes)[0])
    first = ids_by_side(run(inferencer, frames[:4], boxes[:4])[0])
    # reset: a new call starts again from id 0
    assert first == whole[:4]
    rest = ids_by_side(
        run(inferencer, frames[4:], boxes[4:], reset_tracker=False)[0])
    assert first + rest == whole


def test_frame_without_people_keeps_tracks(tracking_inferencer):
    frames, boxes = moving_frames()
    boxes[3] = np.zeros((0, 5), np.float32)
    people = run(tracking_inferencer, frames, boxes)[0]
    assert people[3] == []
    ids = ids_by_side(people[:3] + people[4:])
    assert set(ids) == {ids[0]}


def test_tracker_settings_are_checked(tiny_inferencer):
    with pytest.raises(ValueError, match='5 keypoint sigmas'):
        tiny_inferencer(tracker=PoseTracker(sigmas=[0.1] * 5))
    with pytest.raises(ValueError, match='min_hits'):
        tiny_inferencer(tracker=dict(min_hits=0))


def test_rendering_colors_each_track(tracking_inferencer, tmp_path, pm):
    frames, boxes = moving_frames()
    colors = {}
    for result in tracking_inferencer(
            frames, bboxes=boxes, return_vis=True, draw_bbox=True):
        image, persons = result['visualization'][0], result['predictions'][0]
        for person in persons:
            color = track_color(person['track_id'])
            x1, y1, x2, y2 = (int(v) for v in person['bbox'])
            # the box outline is drawn in the track's color (RGB)
            edge = image[y1 + 5:y2 - 5, x1]
            assert (np.abs(edge.astype(int) - color).max(1) <= 1).all()
            colors.setdefault(person['track_id'], color)
    assert len(set(colors.values())) == 2
    # a video: the rendered video is written frame by frame
    video = pm.write_video(str(tmp_path / 'clip.mp4'), frames, size=(320, 240))
    list(
        tracking_inferencer(
            video, bboxes=boxes, vis_out_dir=str(tmp_path / 'vis')))
    rendered = cv2.VideoCapture(str(tmp_path / 'vis' / 'clip.mp4'))
    assert int(rendered.get(cv2.CAP_PROP_FRAME_COUNT)) == NUM_FRAMES


def test_draw_tracks():
    image = np.zeros((100, 200, 3), np.uint8)
    keypoints = np.array([[[20., 20.], [40., 60.]], [[120., 20.], [140.,
                                                                   60.]]])
    scores = np.ones((2, 2))
    scores[1, 1] = np.nan
    boxes = np.array([[10., 10., 50., 80.], [110., 10., 150., 80.]])
    drawn = draw_tracks(
        image,
        keypoints,
        scores,
        boxes,
        np.array([3, -1]), [(0, 1)],
        radius=2,
        thickness=3)
    assert image.max() == 0  # not modified
    assert tuple(drawn[20, 20]) == track_color(3)
    assert tuple(drawn[40, 30]) == track_color(3)  # the limb
    assert tuple(drawn[20, 120]) == track_color(-1) == (160, 160, 160)
    assert tuple(drawn[60, 140]) == (0, 0, 0)  # NaN score: not drawn
    # the id is printed (black text on a patch of the track's color);
    # tentative tracks get no label
    gray = np.full_like(image, 50)
    labelled = draw_tracks(gray, keypoints, scores, boxes, np.array([3, -1]))
    unlabelled = draw_tracks(gray, keypoints, scores, boxes, np.array([-1,
                                                                       -1]))
    assert (labelled < 40).all(-1).sum() > 5
    assert (unlabelled < 40).all(-1).sum() == 0
    # ids map to fixed, distinct colors
    assert track_color(3) == track_color(3)
    assert len({track_color(i) for i in range(20)}) == 20


@pytest.fixture(scope='module')
def mmpose_inferencer(pose_config, pose_checkpoint, det_config,
                      det_checkpoint):
    from mmpose.apis import MMPoseInferencer
    with scope_guard('mmpose'):
        return MMPoseInferencer(
            pose2d=pose_config,
            pose2d_weights=pose_checkpoint,
            device='cpu',
            det_model=det_config,
            det_weights=det_checkpoint,
            det_cat_ids=(0, ))


def test_add_pose_tracking(pm, mmpose_inferencer, tmp_path):
    images = [pm.COCO_IMAGES[0]] * 3  # a still "video": the same people
    add_pose_tracking(add_pose_nms(mmpose_inferencer, KEEP_ALL_NMS))
    try:
        with pytest.raises(ValueError, match='before add_pose_tracking'):
            add_pose_nms(mmpose_inferencer, KEEP_ALL_NMS)
        with scope_guard('mmpose'):
            results = [
                r['predictions'][0] for r in mmpose_inferencer(
                    images, pred_out_dir=str(tmp_path / 'pred'))
            ]
            samples = [
                r['predictions'][0]
                for r in mmpose_inferencer(images, return_datasamples=True)
            ]
    finally:
        add_pose_tracking(mmpose_inferencer, None)
        add_pose_nms(mmpose_inferencer, None)
    ids = [[p['track_id'] for p in persons] for persons in results]
    assert len(ids[0]) >= 1 and sorted(ids[0]) == list(range(len(ids[0])))
    assert ids[1] == ids[2] == ids[0]
    assert [list(s.pred_instances.track_ids) for s in samples] == ids
    with open(tmp_path / 'pred' / '000000000785.json') as f:
        assert [p['track_id'] for p in json.load(f)] == ids[2]
    pose2d = mmpose_inferencer.inferencer
    assert 'forward' not in vars(pose2d)
    assert 'preprocess' not in vars(pose2d)
    assert 'postprocess' not in vars(mmpose_inferencer)
