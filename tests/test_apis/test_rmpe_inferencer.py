"""RMPEInferencer end to end on the COCO sample images (random weights)."""
import json
import os
import os.path as osp
import shutil

import cv2
import mmcv
import numpy as np
import pytest
# random-weight joint scores are far below AlphaPose's 0.3 pose threshold:
# keep every cluster so that the tests see people
from pipeline_models import KEEP_ALL_NMS

from rmpe_mm.apis import (PersonDetector, RMPEInferencer, dump_results,
                          load_alphapose_results, load_person_detections)


@pytest.fixture(scope='module')
def detector(det_config, det_checkpoint):
    return PersonDetector(det_config, det_checkpoint)


@pytest.fixture(scope='module')
def inferencer(pose_config, pose_checkpoint, detector):
    return RMPEInferencer(
        pose_config,
        pose_checkpoint,
        device='cpu',
        det_model=detector,
        pose_nms=KEEP_ALL_NMS)


def run(inferencer, inputs, **kwargs) -> dict:
    """All result dicts of a call merged into one."""
    merged = dict(predictions=[], img_paths=[], image_ids=[])
    for result in inferencer(inputs, **kwargs):
        for key in merged:
            merged[key] += result[key]
    return merged


def check_person(person: dict) -> None:
    assert np.array(person['keypoints']).shape == (17, 2)
    assert np.array(person['keypoint_scores']).shape == (17, )
    x1, y1, x2, y2 = person['bbox']
    assert x2 > x1 and y2 > y1
    assert isinstance(person['score'], float)
    assert isinstance(person['bbox_score'], float)
    assert all(isinstance(i, int) for i in person['idx'])


def test_images_detector_pose_nms(pm, inferencer, detector):
    out = run(inferencer, pm.COCO_IMAGES, batch_size=4)
    assert out['img_paths'] == pm.COCO_IMAGES
    assert out['image_ids'] == [785, 40083, 196141, 197388]
    boxes = detector([mmcv.imread(p) for p in pm.COCO_IMAGES])
    for people, image_boxes in zip(out['predictions'], boxes):
        assert 1 <= len(people) <= len(image_boxes)
        for person in people:
            check_person(person)
        # the clusters partition the image's boxes (no cluster dropped)
        members = sorted(i for p in people for i in p['idx'])
        assert members == list(range(len(image_boxes)))
        for person in people:
            # the person keeps the box of its reference (a member) pose
            member_boxes = image_boxes.bboxes[person['idx']]
            assert np.abs(member_boxes - person['bbox']).max(1).min() < 1e-3


def test_batching_does_not_change_results(pm, inferencer):
    big = run(inferencer, pm.COCO_IMAGES, batch_size=4)
    small = run(inferencer, pm.COCO_IMAGES, batch_size=1)
    inferencer.pose_batch_size = 3
    try:
        tiny = run(inferencer, pm.COCO_IMAGES, batch_size=3)
    finally:
        inferencer.pose_batch_size = 8
    for other in (small, tiny):
        for a, b in zip(big['predictions'], other['predictions']):
            assert len(a) == len(b)
            for pa, pb in zip(a, b):
                np.testing.assert_allclose(
                    pa['keypoints'], pb['keypoints'], atol=1e-3)
                assert pa['idx'] == pb['idx']


def test_folder_writes_visualisations_and_predictions(pm, inferencer,
                                                      tmp_path):
    folder = tmp_path / 'images'
    folder.mkdir()
    for path in pm.COCO_IMAGES[:3]:
        shutil.copy(path, folder)
    out = run(
        inferencer,
        str(folder),
        batch_size=2,
        out_dir=str(tmp_path / 'out'),
        draw_bbox=True)
    names = sorted(osp.basename(p) for p in pm.COCO_IMAGES[:3])
    assert [osp.basename(p) for p in out['img_paths']] == names
    vis = sorted(os.listdir(tmp_path / 'out' / 'visualizations'))
    assert vis == names
    image = mmcv.imread(str(tmp_path / 'out' / 'visualizations' / names[0]))
    assert image.shape == mmcv.imread(str(folder / names[0])).shape
    preds = sorted(os.listdir(tmp_path / 'out' / 'predictions'))
    assert preds == [n.replace('.jpg', '.json') for n in names]
    with open(tmp_path / 'out' / 'predictions' / preds[0]) as f:
        saved = json.load(f)
    assert len(saved) == len(out['predictions'][0])
    check_person(saved[0])


def test_arrays_match_paths(pm, inferencer):
    arrays = [mmcv.imread(p) for p in pm.COCO_IMAGES[:2]]
    out = run(inferencer, arrays, batch_size=2, return_vis=True)
    assert out['img_paths'] == ['0.jpg', '1.jpg']
    assert out['image_ids'] == [0, 1]
    ref = run(inferencer, pm.COCO_IMAGES[:2], batch_size=2)
    for a, b in zip(out['predictions'], ref['predictions']):
        np.testing.assert_allclose([p['keypoints'] for p in a],
                                   [p['keypoints'] for p in b])


def test_video(pm, inferencer, tmp_path):
    video = pm.write_video(str(tmp_path / 'clip.mp4'), pm.COCO_IMAGES)
    out = run(inferencer, video, batch_size=3, out_dir=str(tmp_path / 'out'))
    assert out['image_ids'] == [0, 1, 2, 3]
    assert out['img_paths'] == ['0.jpg', '1.jpg', '2.jpg', '3.jpg']
    for people in out['predictions']:
        assert len(people) >= 1
        for person in people:
            check_person(person)
            x1, y1, x2, y2 = person['bbox']
            assert x2 <= 160 and y2 <= 112
    rendered = cv2.VideoCapture(
        str(tmp_path / 'out' / 'visualizations' / 'clip.mp4'))
    assert int(rendered.get(cv2.CAP_PROP_FRAME_COUNT)) == 4
    assert int(rendered.get(cv2.CAP_PROP_FRAME_WIDTH)) == 160
    with open(tmp_path / 'out' / 'predictions' / 'clip.json') as f:
        frames = json.load(f)
    assert [f['frame_id'] for f in frames] == [0, 1, 2, 3]
    assert len(frames[2]['instances']) == len(out['predictions'][2])


def test_detection_file_mode(pm, pose_config, pose_checkpoint):
    inferencer = RMPEInferencer(
        pose_config,
        pose_checkpoint,
        device='cpu',
        det_file=pm.COCO_DET_FILE,
        pose_nms=None)
    dets = load_person_detections(pm.COCO_DET_FILE)
    out = run(inferencer, pm.COCO_IMAGES, batch_size=4)
    for image_id, people in zip(out['image_ids'], out['predictions']):
        # no pose NMS: one person per box, in descending box score
        np.testing.assert_allclose([p['bbox'] for p in people],
                                   dets[image_id].bboxes,
                                   rtol=1e-6)
        np.testing.assert_allclose([p['bbox_score'] for p in people],
                                   dets[image_id].scores)
    thresholded = run(inferencer, pm.COCO_IMAGES[:1], bbox_thr=0.5)
    assert len(thresholded['predictions'][0]) == int(
        np.sum(dets[785].scores >= 0.5))
    coco = inferencer.to_records(thresholded, 'coco')
    assert {r['image_id'] for r in coco} == {785}
    assert all(len(r['keypoints']) == 51 for r in coco)


def test_given_boxes_and_empty_images(pm, inferencer):
    boxes = [
        np.array([[10, 20, 110, 220, 0.9], [300, 50, 400, 300, 0.4]]),
        np.zeros((0, 4))
    ]
    out = run(inferencer, pm.COCO_IMAGES[:2], bboxes=boxes, batch_size=2)
    assert out['predictions'][1] == []
    # two far-apart boxes: two people (listed in pose-NMS pick order)
    people = sorted(out['predictions'][0], key=lambda p: -p['bbox_score'])
    assert [p['bbox'] for p in people] == [[10, 20, 110, 220],
                                           [300, 50, 400, 300]]
    assert [p['idx'] for p in people] == [[0], [1]]
    np.testing.assert_allclose([p['bbox_score'] for p in people], [0.9, 0.4])
    none = run(inferencer, pm.COCO_IMAGES[:2], bbox_thr=2.0, return_vis=True)
    assert none['predictions'] == [[], []]


def test_alphapose_json_round_trip(pm, inferencer, tmp_path):
    results = list(inferencer(pm.COCO_IMAGES, batch_size=2))
    records = []
    for result in results:
        records += inferencer.to_records(result, 'alphapose')
    path = str(tmp_path / 'alphapose-results.json')
    dump_results(records, path)
    loaded = load_alphapose_results(path)
    names = [osp.basename(p) for p in pm.COCO_IMAGES]
    assert list(loaded) == names
    people = [p for r in results for p in r['predictions']]
    for name, persons in zip(names, people):
        image = loaded[name]
        np.testing.assert_allclose(
            image.keypoints, [p['keypoints'] for p in persons], rtol=1e-6)
        np.testing.assert_allclose(
            image.scores, [p['score'] for p in persons], rtol=1e-6)
        assert image.idx == [p['idx'] for p in persons]
        x1, y1, x2, y2 = persons[0]['bbox']
        np.testing.assert_allclose(
            image.boxes[0], [x1, y1, x2 - x1, y2 - y1], rtol=1e-5)


def test_default_pose_nms_and_errors(pm, pose_config, pose_checkpoint,
                                     detector):
    default = RMPEInferencer(
        pose_config, pose_checkpoint, device='cpu', det_model=detector)
    assert default.pose_nms.preset == 'alphapose_body'
    assert default.pose_nms.params.score_thr == 0.3
    with pytest.raises(ValueError, match='not both'):
        RMPEInferencer(
            pose_config,
            pose_checkpoint,
            det_model=detector,
            det_file=pm.COCO_DET_FILE)
    with pytest.raises(ValueError, match='pose_batch_size'):
        RMPEInferencer(pose_config, pose_checkpoint, pose_batch_size=0)
    no_boxes = RMPEInferencer(pose_config, pose_checkpoint, device='cpu')
    with pytest.raises(ValueError, match='no boxes'):
        run(no_boxes, pm.COCO_IMAGES[:1])
    with pytest.raises(ValueError, match=r'bboxes\[0\] must be'):
        run(no_boxes, pm.COCO_IMAGES[:1], bboxes=[np.zeros((2, 3))])


def test_whole_image_fallback_and_whole_image_detector(pm, inferencer,
                                                       pose_config,
                                                       pose_checkpoint):
    shapes = [mmcv.imread(p).shape[:2] for p in pm.COCO_IMAGES[:2]]
    # every detector box filtered out: nobody, unless the fallback is on
    assert run(
        inferencer, pm.COCO_IMAGES[:2], bbox_thr=2.0)['predictions'] == [[],
                                                                         []]
    out = run(
        inferencer,
        pm.COCO_IMAGES[:2],
        bbox_thr=2.0,
        whole_image_fallback=True)
    whole = RMPEInferencer(
        pose_config,
        pose_checkpoint,
        device='cpu',
        det_model='whole_image',
        pose_nms=KEEP_ALL_NMS)
    assert whole.detector is None
    same = run(whole, pm.COCO_IMAGES[:2])
    for people, other, (h, w) in zip(out['predictions'], same['predictions'],
                                     shapes):
        assert len(people) == 1
        assert people[0]['bbox'] == [0, 0, w, h]
        assert people[0]['bbox_score'] == 1.0
        assert people[0]['idx'] == [0]
        assert other == people
    # images that keep boxes are not affected by the fallback
    plain = run(inferencer, pm.COCO_IMAGES[:2])
    assert run(
        inferencer, pm.COCO_IMAGES[:2], whole_image_fallback=True) == plain


def test_overlapped_video_equals_sequential(pm, inferencer, tmp_path):
    from rmpe_mm.apis import current_scope
    video = pm.write_video(str(tmp_path / 'clip.mp4'), pm.COCO_IMAGES * 2)
    before = current_scope()
    sequential = run(inferencer, video, batch_size=3)
    overlapped = run(
        inferencer,
        video,
        batch_size=3,
        overlap=True,
        queue_size=1,
        out_dir=str(tmp_path / 'out'))
    assert current_scope() == before
    assert overlapped == sequential
    assert overlapped['image_ids'] == list(range(8))
    assert sum(len(p) for p in overlapped['predictions']) >= 8
    rendered = cv2.VideoCapture(
        str(tmp_path / 'out' / 'visualizations' / 'clip.mp4'))
    assert int(rendered.get(cv2.CAP_PROP_FRAME_COUNT)) == 8
    with open(tmp_path / 'out' / 'predictions' / 'clip.json') as f:
        frames = json.load(f)
    assert [f['instances'] for f in frames] == overlapped['predictions']
    # a folder, overlapped, with the timer's stages all recorded
    inferencer.timer.reset()
    folder = run(inferencer, pm.COCO_IMAGES, overlap=True)
    assert folder == run(inferencer, pm.COCO_IMAGES)
    assert {'load', 'detector', 'pose_preprocess', 'pose', 'pose_nms'} <= set(
        inferencer.timer.as_dict())


def test_input_errors_name_the_file(pm, inferencer, tmp_path):
    missing = str(tmp_path / 'missing.jpg')
    for overlap in (False, True):
        with pytest.raises(FileNotFoundError, match='missing.jpg'):
            run(inferencer, [pm.COCO_IMAGES[0], missing], overlap=overlap)
    with pytest.raises(FileNotFoundError, match='missing.jpg'):
        run(inferencer, missing)
    broken = tmp_path / 'broken.jpg'
    broken.write_bytes(b'not an image')
    with pytest.raises(FileNotFoundError, match='cannot read.*broken.jpg'):
        run(inferencer, str(broken), overlap=True)
    empty_video = pm.write_video(str(tmp_path / 'empty.mp4'), [])
    with pytest.raises(ValueError, match='empty.mp4.*no frames'):
        run(inferencer, empty_video)
    (tmp_path / 'folder').mkdir()
    with pytest.raises(ValueError, match='folder.*no images'):
        run(inferencer, str(tmp_path / 'folder'))
