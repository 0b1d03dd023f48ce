"""Make the synthetic multi-person pose dataset (a SIMULATION).

The images show drawn, articulated stick-figure people (MPII 16-joint
skeleton) on cluttered random backgrounds; the detections come from a
simulated detector that perturbs the ground-truth boxes with known,
pose-dependent random errors. Nothing here is real data or a real detector.

Usage::

    python projects/synthetic_benchmark/tools/make_synthetic_dataset.py \\
        [--out-dir data/synthetic] \\
        [--num-train 600] [--num-val 100] [--seed 0] [--img-size 256] \\
        [--config my_settings.json] [--preview 3] [--force]

writes (see :mod:`synthetic_benchmark.generator.writer`)::

    OUT/images/{train,val}_NNNNNN.jpg
    OUT/annotations/{train,val}.json            MPII multi-person COCO-style
    OUT/detections/{train,val}_det.json         simulated detections
    OUT/annotations/{train,val}_sim_meta.json   the simulation's truth
    OUT/generator_config.json                   every setting (written last)

Settings: built-in defaults < ``--config`` JSON (any subset of
``generator_config.json``) < the explicit flags below. When OUT already holds
a finished dataset made with the same settings, nothing is done; with other
settings the tool stops unless ``--force`` is given.
"""
import argparse
import json
import os
import os.path as osp
import sys
import time
from typing import Any, Dict, Optional, Sequence

import cv2

from rmpe_mm.utils.atomic_io import atomic_save_with
from synthetic_benchmark.generator import (GeneratorConfig, draw_annotations,
                                           generate_dataset, read_config,
                                           split_paths)
from synthetic_benchmark.generator.generator import CONFIG_FILE
from synthetic_benchmark.generator.writer import NOTICE

_DEFAULT = GeneratorConfig()

#: flag -> (section or None, field) of GeneratorConfig
_FLAG_FIELDS = dict(
    num_train=(None, 'num_train'),
    num_val=(None, 'num_val'),
    seed=(None, 'seed'),
    min_people=('scene', 'min_people'),
    max_people=('scene', 'max_people'),
    miss_rate=('detector', 'miss_rate'),
    duplicate_rate=('detector', 'duplicate_rate'),
    fp_per_image=('detector', 'fp_per_image'),
    image_ext=('appearance', 'image_ext'),
)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Command-line arguments (flags left out keep the config's value)."""
    parser = argparse.ArgumentParser(
        description='Make the SIMULATED multi-person pose dataset '
        '(drawn people + simulated detector).')
    parser.add_argument(
        '--out-dir',
        default='data/synthetic',
        help='dataset root (default: data/synthetic)')
    parser.add_argument(
        '--config',
        help='JSON file with any subset of '
        'generator_config.json (nested scene / appearance / '
        'detector sections)')
    add = parser.add_argument
    add('--num-train',
        type=int,
        help=f'training images (default {_DEFAULT.num_train})')
    add('--num-val',
        type=int,
        help=f'validation images (default {_DEFAULT.num_val})')
    add('--seed', type=int, help=f'master seed (default {_DEFAULT.seed})')
    add('--img-size',
        type=int,
        nargs='+',
        metavar='N',
        help='image size: N (square) or W H (default '
        f'{_DEFAULT.scene.img_size[0]})')
    add('--min-people',
        type=int,
        help=f'fewest people per image (default {_DEFAULT.scene.min_people})')
    add('--max-people',
        type=int,
        help=f'most people per image (default {_DEFAULT.scene.max_people})')
    add('--miss-rate',
        type=float,
        help='simulated detector miss rate '
        f'(default {_DEFAULT.detector.miss_rate})')
    add('--duplicate-rate',
        type=float,
        help='probability of a duplicate box per detected person (default '
        f'{_DEFAULT.detector.duplicate_rate})')
    add('--fp-per-image',
        type=float,
        help='mean false positives per image '
        f'(default {_DEFAULT.detector.fp_per_image})')
    add('--image-ext',
        choices=('.jpg', '.png'),
        help=f'image format (default {_DEFAULT.appearance.image_ext})')
    add('--force',
        action='store_true',
        help='replace a finished dataset made with other settings')
    add('--preview',
        type=int,
        default=0,
        metavar='N',
        help='also render the first N train images with their annotations '
        'and detections (default 0)')
    add('--preview-dir', help='where previews go (default OUT/preview)')
    add('--no-progress', action='store_true', help='hide progress bars')
    return parser.parse_args(argv)


def build_config(args: argparse.Namespace) -> GeneratorConfig:
    """Merge defaults, ``--config`` and explicit flags."""
    cfg: Dict[str, Any] = {}
    if args.config:
        if not osp.isfile(args.config):
            raise FileNotFoundError(f'--config {args.config!r} not found')
        with open(args.config) as f:
            cfg = json.load(f)
    for flag, (section, key) in _FLAG_FIELDS.items():
        value = getattr(args, flag)
        if value is not None:
            target = cfg.setdefault(section, {}) if section else cfg
            target[key] = value
    if args.img_size is not None:
        if len(args.img_size) not in (1, 2):
            raise ValueError(f'--img-size takes N or W H, got {args.img_size}')
        size = args.img_size * (3 - len(args.img_size))
        cfg.setdefault('scene', {})['img_size'] = size[:2]
    return GeneratorConfig.from_dict(cfg)


def write_previews(out_dir: str, preview_dir: str, num: int) -> None:
    """Render the first ``num`` train images with GT and detections."""
    paths = split_paths(out_dir, 'train')
    with open(paths['ann_file']) as f:
        coco = json.load(f)
    with open(paths['bbox_file']) as f:
        dets = json.load(f)
    with open(paths['meta_file']) as f:
        kinds = [d['kind'] for d in json.load(f)['detections']]
    for img in coco['images'][:num]:
        image = cv2.imread(osp.join(out_dir, 'images', img['file_name']))
        anns = [a for a in coco['annotations'] if a['image_id'] == img['id']]
        idx = [k for k, d in enumerate(dets) if d['image_id'] == img['id']]
        vis = draw_annotations(image, anns, [dets[k] for k in idx],
                               [kinds[k] for k in idx])
        name = osp.splitext(img['file_name'])[0] + '_preview.png'
        atomic_save_with(
            osp.join(preview_dir, name), lambda tmp: cv2.imwrite(tmp, vis))


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point; returns the exit status."""
    args = parse_args(argv)
    config = build_config(args)
    wanted = dict(notice=NOTICE, **config.to_dict())
    existing = read_config(args.out_dir)
    if existing is not None and not args.force:
        if existing == wanted:
            print(f'{args.out_dir} already holds this synthetic dataset '
                  f'({CONFIG_FILE} matches); nothing to do.')
            return 0
        print(
            f'{args.out_dir} holds a synthetic dataset made with other '
            'settings; use --force to replace it.',
            file=sys.stderr)
        return 1
    print(NOTICE)
    start = time.perf_counter()
    result = generate_dataset(
        args.out_dir,
        config,
        overwrite=args.force,
        progress=not args.no_progress)
    print(f'wrote {config.num_train} train + {config.num_val} val images '
          f'to {args.out_dir} in {time.perf_counter() - start:.1f} s')
    for split in ('train', 'val'):
        print(f'  {split}: {result[split]["ann_file"]}, '
              f'{result[split]["bbox_file"]}')
    if args.preview > 0:
        preview_dir = args.preview_dir or osp.join(args.out_dir, 'preview')
        os.makedirs(preview_dir, exist_ok=True)
        write_previews(args.out_dir, preview_dir, args.preview)
        print(f'  previews: {preview_dir}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
