"""Benchmark PGPG: transform cost per sample and fitting time.

1. Time per sample (one top-down instance per call, as in training) of
   ``PoseGuidedProposals`` (published Gaussian, and a fitted model with
   atoms), ``RandomJitterProposals`` and MMPose's ``RandomBBoxTransform``
   (default arguments). Best of ``--repeats`` runs of ``--calls`` calls.
   Target: PGPG within 2x of ``RandomBBoxTransform``.
2. Time to fit a PGPG model (default ``PGPGFitConfig``: k = 8 atoms, 3
   components, 10 k-means restarts) on ``--num-poses`` planted COCO poses,
   and to match the same number of detections from COCO-format files.

    OMP_NUM_THREADS=1 python benchmarks/bench_pgpg.py [--calls 3000]
        [--repeats 3] [--num-poses 30000]
"""
import argparse
import os.path as osp
import tempfile
import time
import timeit
from typing import Callable, Dict

import numpy as np
from mmpose.datasets.transforms import GetBBoxCenterScale, RandomBBoxTransform
from mmpose.testing import get_coco_sample

import rmpe_mm  # noqa: F401  (registers the transforms)
from rmpe_mm.datasets.pgpg import PGPGFitConfig, fit_pgpg, load_matched_pairs
from rmpe_mm.datasets.transforms import (PoseGuidedProposals,
                                         RandomJitterProposals)
from rmpe_mm.testing import make_planted_pairs, write_planted_coco


def per_call_us(fn: Callable[[], object], calls: int, repeats: int) -> float:
    """Best-of-``repeats`` mean time of ``fn`` in microseconds."""
    times = timeit.repeat(fn, number=calls, repeat=repeats)
    return min(times) / calls * 1e6


def bench_transforms(model_file: str, calls: int, repeats: int) -> None:
    """Print per-sample costs of the proposal transforms vs MMPose's."""
    sample = get_coco_sample(
        img_shape=(480, 640), num_instances=1, random_keypoints_visible=False)
    del sample['bbox_center'], sample['bbox_scale']
    sample = GetBBoxCenterScale(padding=1.25)(sample)
    transforms: Dict[str, Callable] = {
        'RandomBBoxTransform (mmpose)':
        RandomBBoxTransform(),
        'PoseGuidedProposals (published)':
        PoseGuidedProposals(),
        'PoseGuidedProposals (fitted, k=8, C=3)':
        PoseGuidedProposals(model_file=model_file),
        'RandomJitterProposals':
        RandomJitterProposals(),
    }
    np.random.seed(0)
    results = {}
    for name, t in transforms.items():
        results[name] = per_call_us(
            lambda t=t: t(dict(sample)), calls, repeats)
    base = results['RandomBBoxTransform (mmpose)']
    print(f'\nper-sample cost (best of {repeats} x {calls} calls, 1 '
          'instance per call):')
    for name, us in results.items():
        print(f'  {name:40s} {us:8.1f} us  ({us / base:.2f}x '
              'RandomBBoxTransform)')


def bench_fit(num_poses: int, model_file: str) -> None:
    """Print matching and fitting times on planted poses."""
    pairs = make_planted_pairs(num_poses, seed=0)
    with tempfile.TemporaryDirectory() as tmp:
        files = write_planted_coco(pairs, tmp, person_per_image=3)
        start = time.perf_counter()
        matched = load_matched_pairs(
            files['ann_file'], files['det_file'], progress=False)
        match_s = time.perf_counter() - start
    cfg = PGPGFitConfig()
    start = time.perf_counter()
    model, report = fit_pgpg(
        matched.keypoints,
        matched.visible,
        matched.offsets,
        matched.gt_boxes,
        cfg,
        progress=False)
    fit_s = time.perf_counter() - start
    model.save(model_file)
    print(f'\nfit on {num_poses} planted poses ({len(matched.offsets)} '
          f'matched, 3 people per image):')
    print(f'  read + match files            {match_s:7.2f} s')
    print(f'  align + k-means + mixtures    {fit_s:7.2f} s  (k='
          f'{cfg.num_atoms}, C={cfg.num_components}, '
          f'{cfg.kmeans_n_init} k-means restarts)')
    print(f'  k-means RMS joint distance    {report.kmeans_rms:.4f} torso '
          'lengths')


def main() -> None:
    """Run both benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--calls', type=int, default=3000)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--num-poses', type=int, default=30000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        model_file = osp.join(tmp, 'pgpg.json')
        bench_fit(args.num_poses, model_file)
        bench_transforms(model_file, args.calls, args.repeats)


if __name__ == '__main__':
    main()
