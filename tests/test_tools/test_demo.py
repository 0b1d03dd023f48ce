"""tools/demo.py on an image, a folder, a video and with a detection file."""
import json
import os
import os.path as osp
import shutil

import cv2
import numpy as np
import pipeline_models as pm
import pytest

from rmpe_mm.apis import load_alphapose_results


@pytest.fixture(scope='module')
def models(tmp_path_factory) -> dict:
    directory = tmp_path_factory.mktemp('demo_models')
    config = pm.write_pose_config(directory)
    return dict(
        pose_config=config,
        pose_checkpoint=pm.save_pose_checkpoint(config,
                                                str(directory / 'pose.pth')),
        det_checkpoint=pm.save_det_checkpoint(str(directory / 'det.pth')))


def _detector_args(models: dict, out_dir: str) -> list:
    return [
        '--pose-config', models['pose_config'], '--pose-checkpoint',
        models['pose_checkpoint'], '--det-config', pm.DET_CONFIG,
        '--det-checkpoint', models['det_checkpoint'], '--out-dir', out_dir,
        '--device', 'cpu'
    ]


def _load(path: str):
    with open(path) as f:
        return json.load(f)


def _check_outputs(summary: dict, names: list) -> None:
    alphapose = _load(summary['alphapose'])
    coco = _load(summary['coco'])
    assert len(alphapose) == len(coco) == summary['people']
    assert {r['image_id'] for r in alphapose} <= set(names)
    for ap, cc in zip(alphapose, coco):
        assert set(ap) == {
            'image_id', 'category_id', 'keypoints', 'score', 'box', 'idx'
        }
        assert set(cc) == {'image_id', 'category_id', 'keypoints', 'score'}
        assert len(ap['keypoints']) == 17 * 3 and ap['category_id'] == 1
        assert isinstance(cc['image_id'], int)
        assert ap['keypoints'] == cc['keypoints']
    load_alphapose_results(summary['alphapose'])  # readable


def test_image(models, tmp_path, load_tool):
    out = str(tmp_path / 'out')
    summary = load_tool('demo').main([
        pm.COCO_IMAGES[0], *_detector_args(models, out), '--pose-nms', 'none',
        '--draw-bbox'
    ])
    assert summary['images'] == 1
    # no pose NMS: one person per detector box (the tiny detector: 1..5)
    assert 1 <= summary['people'] <= 5
    _check_outputs(summary, ['000000000785.jpg'])
    rendered = cv2.imread(osp.join(summary['vis'], '000000000785.jpg'))
    assert rendered.shape == cv2.imread(pm.COCO_IMAGES[0]).shape


def test_folder_with_detection_file(models, tmp_path, load_tool):
    folder = tmp_path / 'images'
    folder.mkdir()
    for path in pm.COCO_IMAGES:
        shutil.copy(path, folder)
    out = str(tmp_path / 'out')
    summary = load_tool('demo').main([
        str(folder), '--pose-config', models['pose_config'],
        '--pose-checkpoint', models['pose_checkpoint'], '--det-file',
        pm.COCO_DET_FILE, '--out-dir', out, '--bbox-thr', '0.3', '--pose-nms',
        'none', '--batch-size', '3'
    ])
    names = sorted(osp.basename(p) for p in pm.COCO_IMAGES)
    assert summary['images'] == 4
    assert sorted(os.listdir(summary['vis'])) == names
    dets = _load(pm.COCO_DET_FILE)
    assert summary['people'] == sum(d['score'] >= 0.3 for d in dets)
    _check_outputs(summary, names)
    coco = _load(summary['coco'])
    assert {r['image_id'] for r in coco} == {785, 40083, 196141, 197388}
    # every box comes from the detection file (float32 precision)
    for ap, cc in zip(_load(summary['alphapose']), coco):
        image_boxes = np.array(
            [d['bbox'] for d in dets if d['image_id'] == cc['image_id']])
        assert np.abs(image_boxes - ap['box']).max(1).min() < 1e-3


def test_video(models, tmp_path, load_tool):
    video = pm.write_video(str(tmp_path / 'clip.mp4'), pm.COCO_IMAGES[:3])
    out = str(tmp_path / 'out')
    summary = load_tool('demo').main(
        [video, *_detector_args(models, out), '--pose-nms', 'none'])
    assert summary['images'] == 3
    rendered = cv2.VideoCapture(osp.join(summary['vis'], 'clip.mp4'))
    assert int(rendered.get(cv2.CAP_PROP_FRAME_COUNT)) == 3
    _check_outputs(summary, ['0.jpg', '1.jpg', '2.jpg'])
    frames = {r['image_id'] for r in _load(summary['alphapose'])}
    assert frames == {'0.jpg', '1.jpg', '2.jpg'}


def test_default_pose_nms_and_errors(models, tmp_path, load_tool):
    demo = load_tool('demo')
    # AlphaPose's pose NMS drops random-weight poses (max joint score < 0.3)
    summary = demo.main(
        [pm.COCO_IMAGES[0], *_detector_args(models, str(tmp_path / 'o'))])
    assert summary['people'] == 0
    assert _load(summary['alphapose']) == []
    with pytest.raises(FileNotFoundError, match='input'):
        demo.main([
            str(tmp_path / 'missing.jpg'),
            *_detector_args(models, str(tmp_path / 'o'))
        ])
    with pytest.raises(SystemExit):  # --det-config or --det-file needed
        demo.main([pm.COCO_IMAGES[0], '--pose-config', models['pose_config']])


def test_mmpose_option_names_overlap_and_fallback(models, tmp_path, load_tool):
    demo = load_tool('demo')
    video = pm.write_video(str(tmp_path / 'clip.mp4'), pm.COCO_IMAGES)
    mmpose_names = [
        '--pose2d', models['pose_config'], '--pose2d-weights',
        models['pose_checkpoint'], '--det-model', pm.DET_CONFIG,
        '--det-weights', models['det_checkpoint'], '--device', 'cpu',
        '--pose-nms', 'none'
    ]
    overlapped = demo.main(
        [video, *mmpose_names, '--out-dir',
         str(tmp_path / 'a')])
    sequential = demo.main([
        video, *mmpose_names, '--out-dir',
        str(tmp_path / 'b'), '--sequential'
    ])
    assert overlapped['images'] == 4 and overlapped['people'] >= 4
    assert _load(overlapped['alphapose']) == _load(sequential['alphapose'])
    assert overlapped['seconds'] > 0
    # every box below --bbox-thr: the whole image, only when asked
    none = demo.main([
        pm.COCO_IMAGES[0], *mmpose_names, '--out-dir',
        str(tmp_path / 'c'), '--bbox-thr', '2'
    ])
    assert none['people'] == 0
    whole = demo.main([
        pm.COCO_IMAGES[0], *mmpose_names, '--out-dir',
        str(tmp_path / 'd'), '--bbox-thr', '2', '--whole-image-fallback'
    ])
    h, w = cv2.imread(pm.COCO_IMAGES[0]).shape[:2]
    assert [r['box'] for r in _load(whole['alphapose'])] == [[0, 0, w, h]]


def test_unknown_detector_name_lists_close_matches(models, tmp_path,
                                                   load_tool):
    with pytest.raises(ValueError, match=r"close matches.*'rtmdet-m'"):
        load_tool('demo').main([
            pm.COCO_IMAGES[0], '--pose2d', models['pose_config'],
            '--det-model', 'rtmdet-mm', '--out-dir',
            str(tmp_path)
        ])


@pytest.mark.parametrize('flag', ['--track', '--pose_track', '--pose-track'])
def test_track_switch_and_alphapose_spelling(flag, load_tool):
    demo = load_tool('demo')
    base = [pm.COCO_IMAGES[0], '--pose-config', 'c.py', '--det-file', 'd']
    assert demo.parse_args([*base, flag]).track
    assert not demo.parse_args(base).track
    with pytest.raises(SystemExit):  # smoothing is per track
        demo.parse_args([*base, '--smooth'])


def test_video_with_tracking(models, tmp_path, load_tool):
    # a still video: the same people in every frame keep their ids
    video = pm.write_video(str(tmp_path / 'clip.mp4'), [pm.COCO_IMAGES[0]] * 4)
    summary = load_tool('demo').main([
        video, *_detector_args(models, str(tmp_path / 'out')), '--pose-nms',
        'none', '--pose_track', '--smooth'
    ])
    records = _load(summary['alphapose'])
    by_frame = {}
    for record in records:
        assert type(record['idx']) is int  # the track id, as AlphaPose
        by_frame.setdefault(record['image_id'], []).append(record['idx'])
    assert sorted(by_frame) == ['0.jpg', '1.jpg', '2.jpg', '3.jpg']
    first = sorted(by_frame['0.jpg'])
    assert first == list(range(len(first)))
    assert summary['tracks'] == len({r['idx'] for r in records} - {-1})
    assert summary['tracks'] >= len(first)
    rendered = cv2.VideoCapture(osp.join(summary['vis'], 'clip.mp4'))
    assert int(rendered.get(cv2.CAP_PROP_FRAME_COUNT)) == 4
