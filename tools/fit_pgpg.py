"""Fit a pose-guided proposals generator (PGPG) model.

Matches detections to ground-truth people (one-to-one, IoU > --iou-thr),
aligns the GT poses (common origin, unit torso), clusters them into --num-atoms
atomic poses and fits a --num-components Gaussian mixture to the normalised
box offsets of each atom (docs/method.md section 4)::

    python tools/fit_pgpg.py ANN_FILE DET_FILE --out pgpg.json \
        [--num-atoms 8] [--num-components 3] [--iou-thr 0.5] \
        [--match {hungarian,greedy}] [--min-samples 50] [--min-keypoints 4] \
        [--min-score 0] [--seed 0] [--figure pgpg.png] [--report fit.json]

ANN_FILE: COCO-style keypoint annotations (MPII via its COCO-style
conversion); DET_FILE: detections in the COCO results format. The model is
read by ``PoseGuidedProposals(model_file=...)``.
"""
import sys

from rmpe_mm.datasets.pgpg.fit_cli import main, parse_args

__all__ = ['main', 'parse_args']

if __name__ == '__main__':
    sys.exit(main())
