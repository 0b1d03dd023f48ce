"""A strip of tracked frames: each track in its own colour, with its id."""
from typing import Sequence

import cv2
import numpy as np

from synthetic_benchmark.orchestration.render import PALETTE, draw_poses
from .poses import FramePoses


def track_color(track_id: int) -> tuple:
    """The colour of a track (:data:`PALETTE` cycled by id)."""
    return PALETTE[int(track_id) % len(PALETTE)]


def draw_tracked_frame(image: np.ndarray,
                       poses: FramePoses,
                       ids: np.ndarray,
                       zoom: int = 1) -> np.ndarray:
    """Draw the tracked people of one frame (``ids >= 0``) with their id.

    Args:
        image (np.ndarray): ``(H, W, 3)`` BGR (not modified).
        poses (dict): The frame's poses (``keypoints``, ``keypoint_scores``,
            ``bboxes``).
        ids (np.ndarray): ``(N,)`` track ids, -1 not drawn.
        zoom (int): Upscaling. Defaults to 1.

    Returns:
        np.ndarray: The drawing.
    """
    ids = np.asarray(ids, np.int64).reshape(-1)
    keep = np.flatnonzero(ids >= 0)
    colors = [track_color(ids[i]) for i in keep]
    out = draw_poses(
        image,
        poses['keypoints'][keep],
        poses['keypoint_scores'][keep],
        poses['bboxes'][keep],
        zoom=zoom,
        colors=colors)
    for i, color in zip(keep, colors):
        x1, y1 = poses['bboxes'][i, :2] * zoom
        org = (int(max(x1, 0)) + 2, int(max(y1, 0)) + 12)
        cv2.putText(out, str(ids[i]), org, cv2.FONT_HERSHEY_SIMPLEX, 0.45,
                    (0, 0, 0), 3, cv2.LINE_AA)
        cv2.putText(out, str(ids[i]), org, cv2.FONT_HERSHEY_SIMPLEX, 0.45,
                    color, 1, cv2.LINE_AA)
    return out


def tracked_strip(frames: np.ndarray, poses: Sequence[FramePoses],
                  ids: Sequence[np.ndarray],
                  frame_indices: Sequence[int]) -> np.ndarray:
    """Selected tracked frames side by side, each labelled with its index.

    Args:
        frames (np.ndarray): ``(T, H, W, 3)`` the clip's frames.
        poses (Sequence[dict]): Per-frame poses.
        ids (Sequence[np.ndarray]): Per-frame track ids.
        frame_indices (Sequence[int]): Frames to show, in order.

    Returns:
        np.ndarray: ``(H, len(frame_indices) * W, 3)`` image.
    """
    if not frame_indices:
        raise ValueError('frame_indices must not be empty')
    tiles = []
    for t in frame_indices:
        if not 0 <= t < len(frames):
            raise ValueError(f'frame index {t} outside 0..{len(frames) - 1}')
        tile = draw_tracked_frame(frames[t], poses[t], ids[t])
        cv2.putText(tile, f't={t}', (4, tile.shape[0] - 6),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 255), 1,
                    cv2.LINE_AA)
        tiles.append(tile)
    return np.concatenate(tiles, axis=1)
