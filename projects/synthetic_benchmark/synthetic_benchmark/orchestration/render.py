"""Draw a test run's multi-person predictions (after the pose NMS)."""
import os
import os.path as osp
import pickle
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np
from mmengine.structures import InstanceData

from rmpe_mm.apis.pose_nms_step import apply_pose_nms
from rmpe_mm.evaluation.functional.pose_nms import PoseNMSType, build_pose_nms
from rmpe_mm.utils.atomic_io import atomic_save_with
from ..drawing import ZoomedCanvas, side_color

#: Person colours (BGR), cycled.
PALETTE: Tuple[Tuple[int, int, int],
               ...] = ((60, 60, 255), (255, 160, 40), (60, 220, 60),
                       (230, 60, 230), (40, 220, 255), (255, 255, 80),
                       (160, 80, 255), (80, 160, 160))


def group_by_image(
        samples: Sequence[dict]) -> 'OrderedDict[str, InstanceData]':
    """Stack the dumped top-down samples (one person each) per image.

    Args:
        samples (Sequence[dict]): ``tools/test.py --dump`` entries with
            ``img_path`` and ``pred_instances`` (``keypoints``,
            ``keypoint_scores``, ``bboxes``, ``bbox_scores``).

    Returns:
        OrderedDict[str, InstanceData]: Image path -> all its poses.
    """
    grouped: Dict[str, Dict[str, List[np.ndarray]]] = OrderedDict()
    for i, sample in enumerate(samples):
        if 'img_path' not in sample or 'pred_instances' not in sample:
            raise ValueError(f'dumped sample {i} lacks img_path or '
                             f'pred_instances (keys: {sorted(sample)})')
        pred = sample['pred_instances']
        bucket = grouped.setdefault(
            sample['img_path'], {
                k: []
                for k in ('keypoints', 'keypoint_scores', 'bboxes',
                          'bbox_scores')
            })
        for key, value in bucket.items():
            value.append(np.asarray(pred[key], np.float32))
    out: 'OrderedDict[str, InstanceData]' = OrderedDict()
    for path, fields in grouped.items():
        inst = InstanceData()
        for key, value in fields.items():
            setattr(inst, key, np.concatenate(value, axis=0))
        out[path] = inst
    return out


def draw_poses(
        image: np.ndarray,
        keypoints: np.ndarray,
        keypoint_scores: np.ndarray,
        bboxes: Optional[np.ndarray] = None,
        score_thr: float = 0.2,
        zoom: int = 2,
        colors: Optional[Sequence[Tuple[int, int, int]]] = None) -> np.ndarray:
    """Draw multi-person MPII poses on a copy of ``image``.

    Limbs take the person's colour (``colors``, default :data:`PALETTE`
    cycled); joints are coloured
    by side (left green, right orange, center blue). Joints scored below
    ``score_thr`` and their limbs are not drawn.

    Args:
        image (np.ndarray): ``(H, W, 3)`` BGR uint8 (not modified).
        keypoints (np.ndarray): ``(N, 16, 2)`` pixels.
        keypoint_scores (np.ndarray): ``(N, 16)``.
        bboxes (np.ndarray, optional): ``(N, 4)`` xyxy boxes drawn thin.
        score_thr (float): Joint score threshold. Default 0.2.
        zoom (int): Nearest-neighbour upscaling first. Default 2.
        colors (Sequence[tuple], optional): BGR colour of each person
            (e.g. one per track). Default: :data:`PALETTE` by index.

    Returns:
        np.ndarray: The drawing, ``zoom`` times larger.
    """
    if keypoints.shape[:1] != keypoint_scores.shape[:1]:
        raise ValueError('keypoints and keypoint_scores disagree on the '
                         f'number of people: {keypoints.shape} vs '
                         f'{keypoint_scores.shape}')
    if colors is not None and len(colors) != len(keypoints):
        raise ValueError(f'colors has {len(colors)} entries for '
                         f'{len(keypoints)} people')
    canvas = ZoomedCanvas(image, zoom)
    for n in range(len(keypoints)):
        color = PALETTE[n % len(PALETTE)] if colors is None else colors[n]
        if bboxes is not None:
            canvas.box(*bboxes[n], color)
        ok = keypoint_scores[n] >= score_thr
        canvas.limbs(keypoints[n], ok, lambda a, b: color, 3)
        for j in np.flatnonzero(ok):
            canvas.dot(*keypoints[n, j], 4, side_color(j))
            canvas.dot(*keypoints[n, j], 4, (0, 0, 0), 1)
    return canvas.image


def render_predictions(dump_file: str,
                       out_dir: str,
                       pose_nms: PoseNMSType = 'paper_mpii',
                       max_images: Optional[int] = None,
                       score_thr: float = 0.2,
                       zoom: int = 2) -> List[str]:
    """Render every image of a ``tools/test.py --dump`` file.

    The poses of an image go through ``pose_nms`` (as the metric does)
    before drawing.

    Args:
        dump_file (str): The pickle written by ``--dump``.
        out_dir (str): Output directory (created); files are
            ``<image name>.png``.
        pose_nms (None | str | dict | callable): As
            :func:`~rmpe_mm.evaluation.functional.build_pose_nms`. Default
            ``'paper_mpii'``.
        max_images (int, optional): Render only the first N images.
        score_thr (float): Joint score threshold. Default 0.2.
        zoom (int): Upscaling. Default 2.

    Returns:
        list[str]: The written files.

    Raises:
        FileNotFoundError: The dump or one of its images is missing.
    """
    if not osp.isfile(dump_file):
        raise FileNotFoundError(f'dump_file not found: {dump_file!r}')
    with open(dump_file, 'rb') as f:
        samples = pickle.load(f)
    nms = build_pose_nms(pose_nms)
    os.makedirs(out_dir, exist_ok=True)
    written: List[str] = []
    for k, (path, poses) in enumerate(group_by_image(samples).items()):
        if max_images is not None and k >= max_images:
            break
        image = cv2.imread(path)
        if image is None:
            raise FileNotFoundError(f'image not found: {path!r}')
        kept = apply_pose_nms(poses, nms)
        drawing = draw_poses(image, kept.keypoints, kept.keypoint_scores,
                             kept.bboxes, score_thr, zoom)
        name = osp.splitext(osp.basename(path))[0] + '.png'
        atomic_save_with(
            osp.join(out_dir, name), lambda tmp: cv2.imwrite(tmp, drawing))
        written.append(osp.join(out_dir, name))
    return written


def contact_sheet(files: Sequence[str],
                  out_file: str,
                  columns: int = 4) -> str:
    """Tile equally sized images into one PNG (for a quick look)."""
    if not files:
        raise ValueError('contact_sheet needs at least one file')
    images = [cv2.imread(f) for f in files]
    h, w = images[0].shape[:2]
    blank = np.zeros_like(images[0])
    rows: List[np.ndarray] = []
    for start in range(0, len(images), columns):
        row = [cv2.resize(im, (w, h)) for im in images[start:start + columns]]
        row += [blank] * (columns - len(row))
        rows.append(np.hstack(row))
    sheet = np.vstack(rows)
    atomic_save_with(out_file, lambda tmp: cv2.imwrite(tmp, sheet))
    return out_file
