"""Multi-person pose estimation on an image, a folder of images or a video.

Detector (any MMDetection config) or a detection file -> RMPE pose model
-> parametric pose NMS. Writes, under ``--out-dir``:

- ``vis/``: rendered images (same file names) or the rendered video;
- ``alphapose-results.json``: AlphaPose's result format (``image_id`` =
  file name, ``keypoints``, ``score``, ``box``, ``idx``);
- ``coco-keypoint-results.json``: COCO keypoint results (integer ids).

Usage::

    python tools/demo.py INPUT --pose-config CFG [--pose-checkpoint PTH]
        (--det-config DET_CFG [--det-checkpoint DET_PTH] | --det-file DETS)
        [--det-ann-file ANN] [--out-dir DIR] [--device cpu]

    python tools/demo.py tests/data/coco/000000000785.jpg \\
        --pose-config configs/rmpe_hg_coco.py --pose-checkpoint rmpe.pth \\
        --det-config configs/_base_/detectors/faster-rcnn_r50_fpn_person.py \\
        --det-checkpoint faster_rcnn_r50_fpn_1x_coco_20200130-047c8118.pth \\
        --out-dir demo_out --draw-bbox

Checkpoints may be ``none`` (random weights: for testing only).
"""
import argparse
import mimetypes
import os
import os.path as osp
import sys
from typing import List, Optional

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

import rmpe_mm  # noqa: E402,F401
import mmcv  # noqa: E402
import torch  # noqa: E402
from mmengine.utils import ProgressBar  # noqa: E402

from rmpe_mm.apis import RMPEInferencer, dump_results  # noqa: E402

ALPHAPOSE_JSON = 'alphapose-results.json'
COCO_JSON = 'coco-keypoint-results.json'


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='RMPE multi-person pose estimation demo')
    parser.add_argument('input', help='image file, image folder or video')
    parser.add_argument('--pose-config', required=True, help='pose config')
    parser.add_argument(
        '--pose-checkpoint',
        default='none',
        help='pose checkpoint; "none": random weights')
    boxes = parser.add_mutually_exclusive_group(required=True)
    boxes.add_argument('--det-config', help='MMDetection config')
    boxes.add_argument(
        '--det-file', help='COCO detection results to take boxes from')
    parser.add_argument(
        '--det-checkpoint',
        default='none',
        help='detector checkpoint; "none": random weights')
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


def count_inputs(path: str) -> int:
    """Number of images (folder), frames (video) or 1 (image).

    Raises:
        FileNotFoundError: If ``path`` does not exist.
    """
    if osp.isdir(path):
        return sum(1 for name in os.listdir(path)
                   if (mimetypes.guess_type(name)[0] or '').startswith(
                       'image/'))
    if not osp.isfile(path):
        raise FileNotFoundError(f'input {path!r} does not exist')
    if (mimetypes.guess_type(path)[0] or '').startswith('video/'):
        return len(mmcv.VideoReader(path))
    return 1


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
    total = count_inputs(args.input)
    inferencer = build_inferencer(args)
    progress = ProgressBar(total)
    alphapose, coco = [], []
    for result in inferencer(
            args.input,
            batch_size=args.batch_size,
            bbox_thr=args.bbox_thr,
            nms_thr=args.nms_thr,
            vis_out_dir=osp.join(args.out_dir, 'vis'),
            draw_bbox=args.draw_bbox,
            kpt_thr=args.kpt_thr,
            radius=args.radius,
            thickness=args.thickness):
        alphapose += inferencer.to_records(result, 'alphapose')
        coco += inferencer.to_records(result, 'coco')
        for _ in result['img_paths']:
            progress.update()
    print()
    paths = dict(
        alphapose=osp.join(args.out_dir, ALPHAPOSE_JSON),
        coco=osp.join(args.out_dir, COCO_JSON),
        vis=osp.join(args.out_dir, 'vis'))
    dump_results(alphapose, paths['alphapose'])
    dump_results(coco, paths['coco'])
    print(f'{total} image(s), {len(alphapose)} people -> {args.out_dir}')
    return dict(paths, images=total, people=len(alphapose))


if __name__ == '__main__':
    main()
