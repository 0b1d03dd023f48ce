"""Cache of the synthetic (simulated) clips on disk.

Layout: ``<cache_dir>/<ClipConfig.digest()>/clip_<index:03d>.npz`` plus
``clip_config.json`` (every setting). Frames are stored encoded as the
image generator stores images (``appearance.image_ext``, JPEG quality
``appearance.jpeg_quality``); everything else as arrays. Every file is
written whole or not at all (a temporary file in the same folder, then
``os.replace``). A clip is always used as loaded from its file, so a fresh
and a cached run see the same decoded frames.
"""
import json
import os
import os.path as osp
import tempfile
from dataclasses import fields
from typing import Callable, List

import cv2
import numpy as np

from .clip_config import ClipConfig
from .clips import Clip, generate_clip
from .writer import NOTICE, encode_image

_ARRAYS = tuple(
    f.name for f in fields(Clip)
    if f.name not in ('frames', 'roles', 'pose_classes'))


def write_atomic(path: str, write: Callable) -> None:
    """Call ``write(file_object)`` on a temporary file beside ``path``,
    then move it to ``path`` (``os.replace``); nothing is left on error."""
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        dir=folder, prefix='.' + osp.basename(path) + '.', suffix='.tmp')
    try:
        with os.fdopen(fd, 'wb') as f:
            write(f)
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise


def save_clip(clip: Clip, path: str, cfg: ClipConfig) -> None:
    """Write ``clip`` to ``path`` (``.npz``) atomically."""
    encoded = [
        np.frombuffer(
            encode_image(f, cfg.appearance.image_ext,
                         cfg.appearance.jpeg_quality), np.uint8)
        for f in clip.frames
    ]
    arrays = {name: getattr(clip, name) for name in _ARRAYS}
    arrays.update(
        frame_bytes=np.concatenate(encoded),
        frame_ends=np.cumsum([len(e) for e in encoded]),
        roles=np.array(clip.roles),
        pose_classes=np.array(clip.pose_classes))
    write_atomic(path, lambda f: np.savez(f, **arrays))


def load_clip(path: str) -> Clip:
    """Read a clip written by :func:`save_clip` (frames decoded)."""
    with np.load(path) as data:
        ends = data['frame_ends']
        starts = np.concatenate([[0], ends[:-1]])
        raw = data['frame_bytes']
        frames = np.stack([
            cv2.imdecode(raw[s:e], cv2.IMREAD_COLOR)
            for s, e in zip(starts, ends)
        ])
        kwargs = {name: data[name] for name in _ARRAYS}
        return Clip(
            frames=frames,
            roles=[str(r) for r in data['roles']],
            pose_classes=[str(c) for c in data['pose_classes']],
            **kwargs)


def clip_dir(cache_dir: str, cfg: ClipConfig) -> str:
    """``<cache_dir>/<cfg.digest()>``."""
    return osp.join(cache_dir, cfg.digest())


def ensure_clips(cfg: ClipConfig, num_clips: int, cache_dir: str) -> List[str]:
    """Paths of clips ``0..num_clips-1`` of ``cfg``, generating the ones
    not cached yet.

    Args:
        cfg (ClipConfig): Settings (validated).
        num_clips (int): How many clips (>= 1).
        cache_dir (str): Cache root.

    Returns:
        list[str]: One ``.npz`` path per clip.
    """
    if num_clips < 1:
        raise ValueError(f'num_clips must be >= 1, got {num_clips}')
    cfg.validate()
    folder = clip_dir(cache_dir, cfg)
    config_file = osp.join(folder, 'clip_config.json')
    if not osp.isfile(config_file):
        text = json.dumps(dict(notice=NOTICE, **cfg.to_dict()), indent=1)
        write_atomic(config_file, lambda f: f.write(text.encode()))
    paths = []
    for index in range(num_clips):
        path = osp.join(folder, f'clip_{index:03d}.npz')
        if not osp.isfile(path):
            save_clip(generate_clip(cfg, index), path, cfg)
        paths.append(path)
    return paths
