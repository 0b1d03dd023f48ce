"""Detect people in every image of a COCO-style dataset.

Writes the COCO detection results format that MMPose's ``bbox_file`` (and
``RMPEInferencer(det_file=...)``, ``tools/demo.py --det-file``) reads::

    [{"image_id": int, "category_id": 1, "bbox": [x, y, w, h],
      "score": float}, ...]

Usage::

    python tools/detect.py DET_CONFIG DET_CKPT --ann ANN --img-root DIR \\
        --out dets.json [--score-thr 0.0] [--batch-size 8] [--device cpu]

    # several processes (CPU: gloo; GPU: one per device)
    torchrun --nproc_per_node=2 tools/detect.py DET_CONFIG DET_CKPT \\
        --ann ANN --img-root DIR --out dets.json --launcher pytorch

DET_CONFIG: a config path (e.g.
``configs/_base_/detectors/faster-rcnn_r50_fpn_person.py``), an
``mmdet::`` config name (``mmdet::rtmdet/rtmdet_m_8xb32-300e_coco.py``) or
an MMDetection model-zoo name or alias (``rtmdet-m``), as MMPose's
``--det-model`` takes it (:mod:`rmpe_mm.apis.model_names`).
DET_CKPT: checkpoint path or URL (downloaded into, or read from, the torch
hub cache, as MMDetection does), or ``none`` for random weights (required:
a model-zoo name's published checkpoint is used only when given here).
"""
import argparse
import os
from typing import List, Optional

import torch
from mmengine.config import Config

import rmpe_mm  # noqa: F401  (checkpoint loading on torch >= 2.6)
from rmpe_mm.apis import PersonDetector, detect_dataset, dump_results
from rmpe_mm.engine import prepare_cpu_distributed
from rmpe_mm.engine.runner_args import add_launcher_arguments, parse_tool_args


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Detect people in a COCO-style dataset')
    parser.add_argument(
        'det_config',
        help='detector: config path, mmdet:: config name or model-zoo name '
        '/ alias (e.g. rtmdet-m)')
    parser.add_argument(
        'det_checkpoint',
        help='checkpoint path or URL; "none": random weights')
    parser.add_argument(
        '--ann', required=True, help='COCO-style annotation file (images)')
    parser.add_argument(
        '--img-root', required=True, help='directory of the images')
    parser.add_argument(
        '--out', required=True, help='output JSON (COCO detection results)')
    parser.add_argument(
        '--score-thr',
        type=float,
        default=0.0,
        help='keep boxes with score >= this (default 0: everything the '
        "detector config's test_cfg lets through)")
    parser.add_argument(
        '--batch-size', type=int, default=8, help='images per forward pass')
    parser.add_argument(
        '--device',
        default=None,
        help='torch device (default: cuda:LOCAL_RANK if available, else cpu)')
    add_launcher_arguments(parser, ('none', 'pytorch'))  # pytorch: torchrun
    return parse_tool_args(parser, argv)


def init_launcher(launcher: str) -> None:
    """Start the process group (gloo on CPU, MMEngine's launcher on GPU)."""
    if launcher == 'none':
        return
    prepare_cpu_distributed(Config(dict(launcher=launcher)))
    if not torch.distributed.is_initialized():
        from mmengine.dist import init_dist
        init_dist(launcher)


def default_device() -> str:
    if torch.cuda.is_available():
        return f'cuda:{os.environ.get("LOCAL_RANK", "0")}'
    return 'cpu'


def main(argv: Optional[List[str]] = None) -> Optional[list]:
    args = parse_args(argv)
    init_launcher(args.launcher)
    detector = PersonDetector(
        args.det_config,
        args.det_checkpoint,
        device=args.device or default_device(),
        score_thr=args.score_thr,
        checkpoint_names=('checkpoint', 'tools/detect.py DET_CONFIG'))
    records = detect_dataset(
        detector, args.ann, args.img_root, batch_size=args.batch_size)
    distributed = torch.distributed.is_initialized()
    if records is not None:
        dump_results(records, args.out)
        images = len({r['image_id'] for r in records})
        processes = torch.distributed.get_world_size() if distributed else 1
        print(f'{len(records)} person boxes in {images} images '
              f'({processes} processes) -> {args.out}')
    if distributed:
        torch.distributed.barrier()
        torch.distributed.destroy_process_group()
    return records


if __name__ == '__main__':
    main()
