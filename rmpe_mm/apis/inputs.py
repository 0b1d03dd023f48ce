"""Checks and listings of path inputs (image, folder of images, video).

MMPose's inferencer decides by the guessed MIME type, as here; these
functions add the errors it lacks (a missing path, a file of another type,
a folder without images, an empty or unreadable video) and say which files
of a folder are skipped.
"""
import logging
import mimetypes
import os
import os.path as osp
from typing import List

import mmcv
from mmengine.logging import print_log

#: Skipped file names listed in the warning (the rest are counted).
NUM_LISTED = 5


def input_kind(path: str) -> str:
    """``'folder'``, ``'video'`` or ``'image'``.

    Raises:
        FileNotFoundError: If ``path`` does not exist.
        ValueError: If it is a file that is neither an image nor a video.
    """
    if osp.isdir(path):
        return 'folder'
    if not osp.isfile(path):
        raise FileNotFoundError(f'input {path!r} does not exist')
    kind = (mimetypes.guess_type(path)[0] or 'unknown').split('/')[0]
    if kind not in ('image', 'video'):
        raise ValueError(f'input {path!r} is neither an image nor a video '
                         f'(type {mimetypes.guess_type(path)[0]})')
    return kind


def list_images(folder: str) -> List[str]:
    """The image files of a folder (not recursive), sorted by name.

    Other files are skipped with a warning naming them.

    Raises:
        ValueError: If the folder holds no image.
    """
    images, skipped = [], []
    for name in sorted(os.listdir(folder)):
        path = osp.join(folder, name)
        if not osp.isfile(path):
            continue
        kind = (mimetypes.guess_type(name)[0] or '').split('/')[0]
        (images if kind == 'image' else skipped).append(path)
    if skipped:
        more = len(skipped) - NUM_LISTED
        print_log(
            f'{folder!r}: skipped {len(skipped)} file(s) that are not images: '
            f'{[osp.basename(p) for p in skipped[:NUM_LISTED]]}'
            f'{f" and {more} more" if more > 0 else ""}',
            logger='current',
            level=logging.WARNING)
    if not images:
        raise ValueError(f'input folder {folder!r} holds no images')
    return images


def check_video(video: mmcv.VideoReader, path: str) -> mmcv.VideoReader:
    """``video`` if it has at least one frame.

    Raises:
        ValueError: If the video cannot be opened or has no frames.
    """
    if not video.opened or len(video) == 0:
        raise ValueError(f'video {path!r} has no frames (empty, or not '
                         'readable by OpenCV)')
    return video


def open_video(path: str) -> mmcv.VideoReader:
    """An ``mmcv.VideoReader`` with at least one frame (see
    :func:`check_video`)."""
    return check_video(mmcv.VideoReader(path), path)


def count_frames(path: str) -> int:
    """Images of a folder, frames of a video, or 1 for an image."""
    kind = input_kind(path)
    if kind == 'folder':
        return len(list_images(path))
    if kind == 'video':
        return len(open_video(path))
    return 1
