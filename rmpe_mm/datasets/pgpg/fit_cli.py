"""Fit a pose-guided proposals generator (PGPG) model.

The one implementation of ``tools/fit_pgpg.py`` (a thin wrapper), runnable
without the repository's ``tools/`` as
``python -m rmpe_mm.datasets.pgpg.fit_cli``.

Matches detections to ground-truth people (one-to-one, IoU > --iou-thr),
aligns the GT poses (common origin, unit torso), clusters them into --num-atoms
atomic poses and fits a --num-components Gaussian mixture to the normalized
box offsets of each atom (docs/method.md section 4)::

    python -m rmpe_mm.datasets.pgpg.fit_cli ANN_FILE DET_FILE --out pgpg.json \
        [--num-atoms 8] [--num-components 3] [--iou-thr 0.5] \
        [--match {hungarian,greedy}] [--min-samples 50] [--min-keypoints 4] \
        [--min-score 0] [--seed 0] [--figure pgpg.png] [--report fit.json]

ANN_FILE: COCO-style keypoint annotations (MPII via its COCO-style
conversion); DET_FILE: detections in the COCO results format. The model is
read by ``PoseGuidedProposals(model_file=...)``.
"""
import argparse
import sys
from typing import List, Optional

from rmpe_mm.datasets.pgpg import (PGPGFitConfig, fit_pgpg_from_files,
                                   plot_pgpg_model)
from rmpe_mm.datasets.pgpg.pairs import read_json
from rmpe_mm.utils.atomic_io import atomic_dump


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Command-line arguments (defaults documented in ``PGPGFitConfig``)."""
    defaults = PGPGFitConfig()
    parser = argparse.ArgumentParser(description='Fit a PGPG model')
    parser.add_argument('ann_file', help='COCO-style GT keypoint file')
    parser.add_argument('det_file', help='detections, COCO results format')
    parser.add_argument('--out', required=True, help='model file (.json)')
    parser.add_argument(
        '--num-atoms',
        '-k',
        type=int,
        default=defaults.num_atoms,
        help='number of atomic poses (default: %(default)s)')
    parser.add_argument(
        '--num-components',
        type=int,
        default=defaults.num_components,
        help='Gaussian components per atom (default: '
        '%(default)s)')
    parser.add_argument(
        '--iou-thr',
        type=float,
        default=0.5,
        help='match if IoU > this (default: %(default)s)')
    parser.add_argument(
        '--match',
        choices=['hungarian', 'greedy'],
        default='hungarian',
        help='one-to-one matching rule (default: '
        '%(default)s)')
    parser.add_argument(
        '--min-samples',
        type=int,
        default=defaults.min_samples,
        help='poses an atom needs for its own mixture, else '
        'the global one (default: %(default)s)')
    parser.add_argument(
        '--min-keypoints',
        type=int,
        default=defaults.min_keypoints,
        help='annotated joints a pose needs to get an atom '
        '(default: %(default)s)')
    parser.add_argument(
        '--min-score',
        type=float,
        default=0.0,
        help='ignore detections below this score '
        '(default: %(default)s)')
    parser.add_argument(
        '--category-id',
        type=int,
        default=1,
        help='person category id (default: %(default)s)')
    parser.add_argument(
        '--kmeans-n-init',
        type=int,
        default=defaults.kmeans_n_init,
        help='k-means restarts (default: %(default)s)')
    parser.add_argument(
        '--seed',
        type=int,
        default=defaults.seed,
        help='random seed (default: %(default)s)')
    parser.add_argument('--figure', help='write the atomic-pose figure here')
    parser.add_argument('--report', help='write the fit report (JSON) here')
    parser.add_argument(
        '--quiet', action='store_true', help='no progress bars')
    return parser.parse_args(argv)


def _skeleton(ann_file: str) -> Optional[List[List[int]]]:
    """0-based skeleton of the first category, if the file has one."""
    cats = read_json(ann_file, 'annotation file').get('categories') or []
    if cats and cats[0].get('skeleton'):
        return [[a - 1, b - 1] for a, b in cats[0]['skeleton']]
    return None


def main(argv: Optional[List[str]] = None) -> int:
    """Run the fit; returns the exit code."""
    args = parse_args(argv)
    cfg = PGPGFitConfig(
        num_atoms=args.num_atoms,
        num_components=args.num_components,
        min_samples=args.min_samples,
        min_keypoints=args.min_keypoints,
        kmeans_n_init=args.kmeans_n_init,
        seed=args.seed)
    model, report, pairs = fit_pgpg_from_files(
        args.ann_file,
        args.det_file,
        cfg,
        iou_thr=args.iou_thr,
        match=args.match,
        min_score=args.min_score,
        category_id=args.category_id,
        progress=not args.quiet)
    model.save(args.out)
    stats = pairs.stats
    print(f'matched {stats["num_matched"]} of {stats["num_gt"]} GT people '
          f'({stats["num_detections"]} detections, {stats["num_images"]} '
          f'images, IoU > {args.iou_thr}, {args.match})')
    print(report.format())
    print(f'model saved to {args.out}')
    if args.report:
        atomic_dump(report.to_dict(), args.report, indent=1)
        print(f'report saved to {args.report}')
    if args.figure:
        labels = model.assign_atoms(pairs.keypoints, pairs.visible)
        plot_pgpg_model(
            model,
            args.figure,
            _skeleton(args.ann_file),
            pairs.offsets,
            labels,
            seed=args.seed)
        print(f'figure saved to {args.figure}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
