"""Input paths: kinds, folder listing and the errors MMPose lacks."""
import os.path as osp

import cv2
import numpy as np
import pipeline_models
import pytest

import rmpe_mm.apis.inputs as inputs_module
from rmpe_mm.apis import count_frames, input_kind, list_images
from rmpe_mm.apis.inputs import open_video


def write_video(path: str, frames: int) -> str:
    return pipeline_models.write_video(
        path, [np.full((48, 64, 3), 40 * i, np.uint8) for i in range(frames)],
        size=(64, 48))


def test_kinds_and_counts(tmp_path):
    image = tmp_path / 'a.jpg'
    cv2.imwrite(str(image), np.zeros((8, 8, 3), np.uint8))
    video = write_video(str(tmp_path / 'clip.mp4'), 3)
    assert input_kind(str(tmp_path)) == 'folder'
    assert input_kind(str(image)) == 'image'
    assert input_kind(video) == 'video'
    assert count_frames(str(image)) == 1
    assert count_frames(video) == 3
    assert count_frames(str(tmp_path)) == 1  # the video is skipped


def test_folder_lists_images_sorted_and_names_skipped_files(
        tmp_path, monkeypatch):
    for name in ('b.png', 'a.jpg'):
        cv2.imwrite(str(tmp_path / name), np.zeros((8, 8, 3), np.uint8))
    (tmp_path / 'notes.txt').write_text('x')
    (tmp_path / 'README').write_text('x')  # no type at all
    (tmp_path / 'sub').mkdir()
    messages = []
    monkeypatch.setattr(inputs_module, 'print_log',
                        lambda msg, **kwargs: messages.append(msg))
    images = list_images(str(tmp_path))
    assert [osp.basename(p) for p in images] == ['a.jpg', 'b.png']
    assert len(messages) == 1
    assert 'skipped 2 file(s)' in messages[0]
    assert 'README' in messages[0] and 'notes.txt' in messages[0]


def test_errors_name_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match='missing.jpg'):
        input_kind(str(tmp_path / 'missing.jpg'))
    other = tmp_path / 'table.csv'
    other.write_text('1,2')
    with pytest.raises(ValueError, match='table.csv.*neither'):
        input_kind(str(other))
    empty = tmp_path / 'empty'
    empty.mkdir()
    with pytest.raises(ValueError, match='empty.*no images'):
        list_images(str(empty))
    no_frames = write_video(str(tmp_path / 'none.mp4'), 0)
    with pytest.raises(ValueError, match='none.mp4.*no frames'):
        open_video(no_frames)
    garbage = tmp_path / 'garbage.mp4'
    garbage.write_bytes(b'not a video')
    with pytest.raises(ValueError, match='garbage.mp4.*no frames'):
        count_frames(str(garbage))
