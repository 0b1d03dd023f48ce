"""Benchmark the parametric pose NMS: milliseconds per image vs candidates.

Compares, on random crowded images (clusters of jittered duplicates plus
false positives, :mod:`rmpe_mm.testing.pose_nms_cases`):

- ``ours (numpy)``: :func:`rmpe_mm.evaluation.functional.parametric_pose_nms`
  on numpy arrays;
- ``ours (torch)``: the same on CPU torch tensors (outputs as tensors);
- ``loop``: the straightforward per-pick loop of
  :mod:`rmpe_mm.testing.pose_nms_reference` (numpy, one vectorised
  comparison of the reference with every alive pose per pick);
- ``loop (torch)``: the same loop with torch CPU tensors
  (``benchmarks/torch_loop_pose_nms.py``), the way AlphaPose master's
  ``pose_nms_body`` runs (default preset only);
- ``oks_nms``: MMPose's OKS NMS (what ``CocoMetric`` runs), on prebuilt
  per-instance dicts (COCO sigmas for 17 keypoints; for other counts a
  uniform sigma of 0.07, for timing only).

Every image is checked: ours and the loop must pick the same poses.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/bench_pose_nms.py [--sizes 10 25 60 \
        120 250] [--images 20] [--repeats 3] [--preset alphapose_body]
"""
import argparse
import time
from typing import Callable, List, Sequence

import numpy as np
import torch
# A sibling module: benchmarks/ is sys.path[0] when this script runs.
from torch_loop_pose_nms import as_tensors, torch_loop_pose_nms

from rmpe_mm.evaluation.functional import (parametric_pose_nms,
                                           resolve_pose_nms_params)
from rmpe_mm.testing import case_with_size, reference_pose_nms


def _time_per_image(fn: Callable, inputs: Sequence, repeats: int) -> float:
    """Best over ``repeats`` of the mean CPU milliseconds per image.

    CPU time of this process (``time.process_time``), so that other
    processes sharing the machine do not inflate the figures; the process
    is single-threaded (``torch.set_num_threads(1)``, OMP_NUM_THREADS=1).
    """
    best = float('inf')
    for _ in range(repeats):
        start = time.process_time()
        for args in inputs:
            fn(*args)
        best = min(best, (time.process_time() - start) / len(inputs))
    return best * 1e3


def _oks_inputs(case) -> List[dict]:
    boxes, box_scores, kpts, scores = case
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return [
        dict(
            keypoints=np.concatenate([kpts[i], scores[i][:, None]], axis=1),
            score=float(box_scores[i] * scores[i].mean()),
            area=float(area[i])) for i in range(len(boxes))
    ]


def run(sizes: Sequence[int], images: int, repeats: int, preset: str,
        seed: int) -> List[dict]:
    """Time every method at every size; return one row per size."""
    from mmpose.evaluation.functional import oks_nms
    params = resolve_pose_nms_params(preset)
    ref_params = params.to_dict()
    num_k = 136 if params.layout == 'fullbody' else (
        16 if preset == 'paper_mpii' else 17)
    rng = np.random.default_rng(seed)
    rows = []
    for size in sizes:
        cases = [case_with_size(rng, size, num_k) for _ in range(images)]
        torch_cases = [as_tensors(*c) for c in cases]
        with_torch_loop = preset == 'alphapose_body'
        for case, tcase in zip(cases, torch_cases):
            ours = parametric_pose_nms(*case, params).keep.tolist()
            if ours != list(reference_pose_nms(*case, **ref_params)['keep']):
                raise RuntimeError(f'ours and the loop disagree at N={size}')
            if with_torch_loop and ours != torch_loop_pose_nms(*tcase)['keep']:
                raise RuntimeError(
                    f'ours and the torch loop disagree at N={size}')
        oks_cases = [(_oks_inputs(c), ) for c in cases]
        row = dict(size=size)
        row['torch_loop'] = _time_per_image(
            torch_loop_pose_nms, torch_cases, max(
                1, repeats - 1)) if with_torch_loop else float('nan')
        row['numpy'] = _time_per_image(
            lambda *a: parametric_pose_nms(*a, params), cases, repeats)
        row['torch'] = _time_per_image(
            lambda *a: parametric_pose_nms(*a, params), torch_cases, repeats)
        row['loop'] = _time_per_image(
            lambda *a: reference_pose_nms(*a, **ref_params), cases,
            max(1, repeats - 1))
        sigmas = None if num_k == 17 else np.full(num_k, 0.07)
        row['oks'] = _time_per_image(lambda db: oks_nms(db, 0.9, sigmas),
                                     oks_cases, repeats)
        rows.append(row)
    return rows


def format_table(rows: Sequence[dict]) -> str:
    """A plain-text table of the timings and speed-ups (vs ours numpy)."""
    head = (f"{'N/image':>7} | {'ours numpy':>10} | {'ours torch':>10} | "
            f"{'loop':>9} | {'loop torch':>10} | {'oks_nms':>9} | "
            f"{'x loop':>6} | {'x loop torch':>12} | {'x oks':>6}")
    lines = [head, '-' * len(head)]
    for r in rows:
        lines.append(
            f"{r['size']:>7d} | {r['numpy']:>8.3f}ms | {r['torch']:>8.3f}ms |"
            f" {r['loop']:>7.3f}ms | {r['torch_loop']:>8.3f}ms | "
            f"{r['oks']:>7.3f}ms | {r['loop'] / r['numpy']:>5.1f}x | "
            f"{r['torch_loop'] / r['numpy']:>11.1f}x | "
            f"{r['oks'] / r['numpy']:>5.2f}x")
    return '\n'.join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--sizes', type=int, nargs='+', default=[10, 25, 60, 120, 250])
    parser.add_argument('--images', type=int, default=20)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--preset', default='alphapose_body')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    rows = run(args.sizes, args.images, args.repeats, args.preset, args.seed)
    print(f'preset={args.preset}, {args.images} images per size, best of '
          f'{args.repeats}, CPU ms per image (picks checked equal to the '
          'loop)')
    print(format_table(rows))


if __name__ == '__main__':
    main()
