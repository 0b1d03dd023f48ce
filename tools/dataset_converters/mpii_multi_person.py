"""Convert the official MPII release into rmpe_mm's multi-person JSON files.

Usage::

    python tools/dataset_converters/mpii_multi_person.py \\
        data/mpii/annotations/mpii_human_pose_v1_u12_1.mat \\
        data/mpii/annotations \\
        --groups-file data/mpii/annotations/groups_v12.mat \\
        --img-root data/mpii/images [--with-test]

writes ``mpii_multi_person_train.json`` and ``mpii_multi_person_val.json``
(and, with ``--with-test``, ``mpii_multi_person_test.json``: test images and
their groups, in the order the official submission needs) into the output
folder, and prints what was converted, skipped or derived. Every choice
(coordinates, groups, boxes, sizes, split) is documented in
:mod:`rmpe_mm.datasets.mpii_multi_person_converter`.
"""
import argparse
import json
import os
import os.path as osp
from typing import List, Optional, Sequence

from rmpe_mm.datasets.mpii_multi_person_converter import (ConvertOptions,
                                                          convert_mpii_release)
from rmpe_mm.datasets.mpii_release import load_mpii_groups, load_mpii_release
from rmpe_mm.utils.atomic_io import atomic_open


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Command-line arguments."""
    parser = argparse.ArgumentParser(
        description='MPII release .mat -> MPII multi-person COCO-style JSON')
    parser.add_argument('release_mat', help='mpii_human_pose_v1_u12_1.mat')
    parser.add_argument('out_dir', help='folder for the JSON files')
    parser.add_argument(
        '--groups-file',
        help='groups_v12.mat of the evaluation toolkit (official groups); '
        'default: one group of all non-single people per image')
    parser.add_argument(
        '--img-root', help='image folder (image sizes are read from it)')
    parser.add_argument(
        '--allow-missing-images',
        action='store_true',
        help='with --img-root, use the annotation extent for missing images')
    parser.add_argument('--val-ratio', type=float, default=0.1)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--val-list',
        help='text file, one image name per line: the validation images '
        '(overrides --val-ratio/--seed)')
    parser.add_argument(
        '--train-multi-only',
        action='store_true',
        help='keep only multi-person images in the training file')
    parser.add_argument('--bbox-margin', type=float, default=0.1)
    parser.add_argument('--group-margin', type=float, default=0.25)
    parser.add_argument(
        '--coord-offset',
        type=float,
        default=-1.0,
        help='added to every MATLAB coordinate (1-based -> 0-based)')
    parser.add_argument(
        '--with-test',
        action='store_true',
        help='also write mpii_multi_person_test.json (needs --groups-file)')
    parser.add_argument('--prefix', default='mpii_multi_person')
    return parser.parse_args(argv)


def read_names(path: str) -> List[str]:
    """Non-empty stripped lines of a text file."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'--val-list file not found: {path}')
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]


def main(argv: Optional[Sequence[str]] = None) -> dict:
    """Run the conversion; returns the statistics it printed."""
    args = parse_args(argv)
    images = load_mpii_release(args.release_mat)
    groups = (None if args.groups_file is None else load_mpii_groups(
        args.groups_file, images))
    options = ConvertOptions(
        img_root=args.img_root,
        allow_missing_images=args.allow_missing_images,
        coord_offset=args.coord_offset,
        bbox_margin=args.bbox_margin,
        group_margin=args.group_margin,
        val_ratio=args.val_ratio,
        seed=args.seed,
        train_multi_only=args.train_multi_only)
    val_names = None if args.val_list is None else read_names(args.val_list)
    outputs, stats = convert_mpii_release(
        images, groups, options, val_names=val_names, with_test=args.with_test)
    os.makedirs(args.out_dir, exist_ok=True)
    for split, data in outputs.items():
        path = osp.join(args.out_dir, f'{args.prefix}_{split}.json')
        with atomic_open(path) as f:
            json.dump(data, f)
        print(f'wrote {path}')
    for key, value in stats.items():
        print(f'{key}: {value}')
    return stats


if __name__ == '__main__':
    main()
