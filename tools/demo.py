"""Multi-person pose estimation on an image, a folder of images or a video.

Detector (or a detection file) -> RMPE pose model -> parametric pose NMS.
Models are named as in MMPose: a config path, an ``mmpose::`` / ``mmdet::``
config name, or a model-zoo name or alias (``--pose2d human``,
``--det-model rtmdet-m``); weights are a path or URL (``none``, the
default: random weights, for testing only). Decoding, detection and the
pose model run in overlapping stages (threads; ``--sequential`` for one
loop, same results); a progress bar shows frames per second. Writes,
under ``--out-dir``:

- ``vis/``: rendered images (same file names) or the rendered video;
- ``alphapose-results.json``: AlphaPose's result format, one record per
  person of every image or frame (``image_id`` = file name, or
  ``"<frame>.jpg"`` for a video, ``keypoints``, ``score``, ``box``,
  ``idx``);
- ``coco-keypoint-results.json``: COCO keypoint results (integer ids).

Usage::

    python tools/demo.py INPUT --pose-config CFG [--pose-checkpoint PTH]
        (--det-config DET [--det-checkpoint DET_PTH] | --det-file DETS)
        [--det-ann-file ANN] [--out-dir DIR] [--device cpu]
        [--bbox-thr T] [--nms-thr T] [--whole-image-fallback]
        [--sequential] [--queue-size N]

    python tools/demo.py video.mp4 \\
        --pose2d configs/rmpe/coco/rmpe_sstn-hourglass52-8stack_8xb32-60e_coco-256x192.py \\  # noqa: E501
        --pose2d-weights rmpe.pth \\
        --det-model rtmdet-m --det-weights rtmdet_m_8xb32-300e_coco.pth \\
        --out-dir demo_out --draw-bbox

(``--pose2d``/``--pose2d-weights``/``--det-model``/``--det-weights`` are
MMPose's ``demo/inferencer_demo.py`` names for ``--pose-config``,
``--pose-checkpoint``, ``--det-config``, ``--det-checkpoint``.)
"""
import argparse
import os.path as osp
import time
from typing import List, Optional

import torch
from mmengine.utils import ProgressBar

import rmpe_mm  # noqa: F401
from rmpe_mm.apis import RMPEInferencer, count_frames, dump_results

ALPHAPOSE_JSON = 'alphapose-results.json'
COCO_JSON = 'coco-keypoint-results.json'


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='RMPE multi-person pose estimation demo')
    parser.add_argument('input', help='image file, image folder or video')
    parser.add_argument(
        '--pose-config',
        '--pose2d',
        dest='pose_config',
        required=True,
        help='pose model: config path, mmpose:: config name or model-zoo '
        'name / alias (e.g. human)')
    parser.add_argument(
        '--pose-checkpoint',
        '--pose2d-weights',
        dest='pose_checkpoint',
        default='none',
        help='pose weights (path or URL); "none": random weights')
    boxes = parser.add_mutually_exclusive_group(required=True)
    boxes.add_argument(
        '--det-config',
        '--det-model',
        dest='det_config',
        help='detector: config path, mmdet:: config name, model-zoo name / '
        'alias (e.g. rtmdet-m) or whole_image (one whole-image box)')
    boxes.add_argument(
        '--det-file', help='COCO detection results to take boxes from')
    parser.add_argument(
        '--det-checkpoint',
        '--det-weights',
        dest='det_checkpoint',
        default='none',
        help='detector weights (path or URL); "none": random weights')
    parser.add_argument(
        '--det-ann-file',
        help='COCO annotation file mapping file names to the ids of '
        '--det-file (default: integer file stems)')
    parser.add_argument('--out-dir', default='demo_out', help='output dir')
    parser.add_argument(
        '--device',
        default='cuda:0' if torch.cuda.is_available() else 'cpu',
        help='torch device')
    parser.add_argument(
        '--batch-size',
        type=int,
        default=1,
        help='images per detector batch (1: fastest on CPU)')
    parser.add_argument(
        '--pose-batch-size',
        type=int,
        default=8,
        help='crops per pose forward (8: fastest on CPU; raise on a GPU)')
    parser.add_argument(
        '--bbox-thr', type=float, default=0.0, help='box score threshold')
    parser.add_argument(
        '--nms-thr',
        type=float,
        default=None,
        help='extra box IoU NMS (default: none)')
    parser.add_argument(
        '--whole-image-fallback',
        action='store_true',
        help='an image without boxes (after --bbox-thr/--nms-thr) gets one '
        "whole-image box, as MMPose's inferencer does (default: no people)")
    parser.add_argument(
        '--sequential',
        action='store_true',
        help='one loop instead of overlapping decoding, detection and pose '
        'stages (same results)')
    parser.add_argument(
        '--queue-size',
        type=int,
        default=2,
        help='batches each overlapped stage runs ahead')
    parser.add_argument(
        '--pose-nms',
        default='alphapose_body',
        help='parametric pose NMS preset (alphapose_body, paper_mpii, '
        'alphapose_fullbody) or "none"')
    parser.add_argument(
        '--kpt-thr', type=float, default=0.3, help='drawn joint threshold')
    parser.add_argument(
        '--draw-bbox', action='store_true', help='draw the person boxes')
    parser.add_argument('--radius', type=int, default=3, help='joint radius')
    parser.add_argument(
        '--thickness', type=int, default=1, help='limb thickness')
    return parser.parse_args(argv)


def _none(value: Optional[str]) -> Optional[str]:
    return None if value is None or value.lower() == 'none' else value


def build_inferencer(args: argparse.Namespace) -> RMPEInferencer:
    """The inferencer the arguments describe."""
    return RMPEInferencer(
        args.pose_config,
        _none(args.pose_checkpoint),
        device=args.device,
        det_model=args.det_config,
        det_weights=_none(args.det_checkpoint) if args.det_config else None,
        det_file=args.det_file,
        det_ann_file=args.det_ann_file,
        pose_nms=_none(args.pose_nms),
        pose_batch_size=args.pose_batch_size)


def main(argv: Optional[List[str]] = None) -> dict:
    """Run the demo; returns the output paths and counts."""
    args = parse_args(argv)
    total = count_frames(args.input)
    inferencer = build_inferencer(args)
    progress = ProgressBar(total)  # shows frames (tasks) per second
    alphapose, coco = [], []
    start = time.perf_counter()
    for result in inferencer(
            args.input,
            batch_size=args.batch_size,
            bbox_thr=args.bbox_thr,
            nms_thr=args.nms_thr,
            whole_image_fallback=args.whole_image_fallback,
            overlap=not args.sequential,
            queue_size=args.queue_size,
            vis_out_dir=osp.join(args.out_dir, 'vis'),
            draw_bbox=args.draw_bbox,
            kpt_thr=args.kpt_thr,
            radius=args.radius,
            thickness=args.thickness):
        alphapose += inferencer.to_records(result, 'alphapose')
        coco += inferencer.to_records(result, 'coco')
        for _ in result['img_paths']:
            progress.update()
    seconds = time.perf_counter() - start
    print()
    paths = dict(
        alphapose=osp.join(args.out_dir, ALPHAPOSE_JSON),
        coco=osp.join(args.out_dir, COCO_JSON),
        vis=osp.join(args.out_dir, 'vis'))
    dump_results(alphapose, paths['alphapose'])
    dump_results(coco, paths['coco'])
    print(f'{total} image(s), {len(alphapose)} people, {seconds:.1f} s '
          f'({total / max(seconds, 1e-9):.2f} frames/s) -> {args.out_dir}')
    return dict(paths, images=total, people=len(alphapose), seconds=seconds)


if __name__ == '__main__':
    main()
