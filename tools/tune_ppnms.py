"""Tune the parametric pose NMS on a prediction dump (RMPE s. 3).

The four paper parameters (``delta1, mu, delta2, gamma``; thresholds too if
named in ``--pairs``) are searched by coordinate search, two at a time on a
grid with the others fixed, round after round until a round brings no gain
in COCO keypoint AP. The best values are written as JSON loadable by
``ParametricPoseNMS(params_file=...)`` / ``PPNMSCocoMetric(pose_nms=dict(
params_file=...))``.

Input: predictions dumped BEFORE any NMS, e.g. a top-down model on detector
boxes with ``tools/test.py CONFIG CKPT --dump preds.pkl`` (MMEngine's
``DumpResults``: the pickled data samples), and the ground-truth file.

Speed: one NMS evaluation is one call of the compiled pose NMS kernel on
the whole dump (:class:`PoseNMSTuningProblem`), and AP is computed by
default with
:class:`FastCocoKeypointEval`, a vectorised re-implementation of xtcocotools'
COCOeval (same AP; ``--evaluator coco`` uses xtcocotools itself). The start
and the best parameters are always re-evaluated with xtcocotools.

Example::

    python tools/tune_ppnms.py preds.pkl data/coco/annotations/\
person_keypoints_val2017.json --out work_dirs/ppnms_tuned.json
"""
import argparse
import json
import time
from typing import Dict, List, Sequence, Tuple

import numpy as np

from rmpe_mm.evaluation.functional import (load_pose_nms_params_file,
                                           resolve_pose_nms_params)
from rmpe_mm.evaluation.functional.pose_nms.tuning import (
    TUNABLE_PARAMS, FastCocoKeypointEval, PoseNMSTuningProblem,
    XtcocoKeypointEval, coordinate_search, load_pose_dump, rescore)
from rmpe_mm.utils import mmpose_dataset_metainfo
from rmpe_mm.utils.atomic_io import atomic_open

DEFAULT_FACTORS = (0.5, 0.7, 0.85, 1.0, 1.2, 1.4, 2.0)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Coordinate search of the parametric pose NMS '
        'parameters on a prediction dump.')
    parser.add_argument('dump', help='pickle written by tools/test.py --dump')
    parser.add_argument('ann_file', help='COCO-format ground truth')
    parser.add_argument(
        '--out',
        default='ppnms_tuned.json',
        help='output JSON of the best parameters')
    parser.add_argument('--preset', default='alphapose_body')
    parser.add_argument('--params-file', help='start from tuned params')
    parser.add_argument(
        '--pairs',
        nargs='+',
        default=['delta1,mu', 'delta2,gamma'],
        help='parameter pairs searched together, e.g. delta1,mu '
        'delta2,gamma (tunable: ' + ', '.join(TUNABLE_PARAMS) + ')')
    parser.add_argument(
        '--grid',
        nargs='*',
        default=[],
        help='absolute grids, e.g. gamma=10,15,20 (others: relative)')
    parser.add_argument(
        '--factors',
        default=','.join(str(f) for f in DEFAULT_FACTORS),
        help='relative grid around the current value')
    parser.add_argument('--max-rounds', type=int, default=10)
    parser.add_argument('--tol', type=float, default=1e-5)
    parser.add_argument(
        '--score-mode',
        default='alphapose',
        choices=['alphapose', 'bbox', 'bbox_keypoint', 'bbox_rle', 'keypoint'],
        help='person score of the kept poses (as PPNMSCocoMetric)')
    parser.add_argument('--keypoint-score-thr', type=float, default=0.2)
    parser.add_argument(
        '--iou-type',
        default='keypoints',
        choices=['keypoints', 'keypoints_crowd'])
    parser.add_argument(
        '--no-use-area',
        action='store_true',
        help='0.53 * box area instead of `area` (CrowdPose)')
    parser.add_argument(
        '--dataset-meta',
        default=mmpose_dataset_metainfo('coco'),
        help="MMPose dataset meta file with the OKS sigmas (default: MMPose's "
        'COCO metainfo, %(default)s)')
    parser.add_argument(
        '--evaluator', default='fast', choices=['fast', 'coco'])
    parser.add_argument('--no-progress', action='store_true')
    return parser.parse_args(argv)


def parse_pairs(specs: Sequence[str]) -> List[Tuple[str, str]]:
    pairs = []
    for spec in specs:
        names = [n.strip() for n in spec.split(',')]
        if len(names) != 2 or not all(n in TUNABLE_PARAMS for n in names):
            raise ValueError(f'--pairs entry {spec!r} must be two of '
                             f'{list(TUNABLE_PARAMS)} separated by a comma')
        pairs.append((names[0], names[1]))
    return pairs


def parse_grids(specs: Sequence[str]) -> Dict[str, List[float]]:
    grids = {}
    for spec in specs:
        name, _, values = spec.partition('=')
        if name not in TUNABLE_PARAMS or not values:
            raise ValueError(f'--grid entry {spec!r} must be NAME=v1,v2,...'
                             f' with NAME in {list(TUNABLE_PARAMS)}')
        grids[name] = [float(v) for v in values.split(',')]
    return grids


def load_sigmas(meta_file: str, num_keypoints: int) -> np.ndarray:
    """OKS sigmas of the dataset meta file ``meta_file``."""
    from mmpose.datasets.datasets.utils import parse_pose_metainfo
    meta = parse_pose_metainfo(dict(from_file=meta_file))
    sigmas = np.asarray(meta['sigmas'], dtype=np.float64)
    if sigmas.size != num_keypoints:
        raise ValueError(f'--dataset-meta {meta_file!r} has {sigmas.size} '
                         f'sigmas but the dump has {num_keypoints} keypoints')
    return sigmas


def format_history(history: Sequence[dict]) -> str:
    """One line per (round, pair): values before/after and the AP gain."""
    lines = [
        f"{'round':>5} | {'pair':<18} | {'before':<28} | "
        f"{'after':<28} | {'AP before':>9} | {'AP after':>9} | "
        f"{'gain':>8} | {'evals':>5}"
    ]
    lines.append('-' * len(lines[0]))
    for row in history:
        p, q = row['pair']

        def fmt(v):
            return f'{p}={v[p]:.4g}, {q}={v[q]:.4g}'

        lines.append(
            f"{row['round']:>5} | {p + ',' + q:<18} | "
            f"{fmt(row['before']):<28} | {fmt(row['after']):<28} | "
            f"{row['score_before']:>9.4f} | {row['score_after']:>9.4f} | "
            f"{row['score_after'] - row['score_before']:>+8.4f} | "
            f"{row['evaluations']:>5}")
    return '\n'.join(lines)


def main(argv=None) -> Dict:
    args = parse_args(argv)
    pairs, grids = parse_pairs(args.pairs), parse_grids(args.grid)
    factors = [float(f) for f in args.factors.split(',')]
    start_values = {}
    if args.params_file:
        preset, start_values = load_pose_nms_params_file(args.params_file)
        if preset not in (None, args.preset):
            raise ValueError(f'--params-file was tuned from preset {preset!r}'
                             f' but --preset is {args.preset!r}')
    base = resolve_pose_nms_params(args.preset, **start_values)
    t0 = time.perf_counter()
    data = load_pose_dump(args.dump)
    num_k = data['keypoints'].shape[1]
    sigmas = load_sigmas(args.dataset_meta, num_k)
    kwargs = dict(
        sigmas=sigmas, use_area=not args.no_use_area, iou_type=args.iou_type)
    exact = XtcocoKeypointEval(args.ann_file, **kwargs)
    evaluator = exact if args.evaluator == 'coco' else FastCocoKeypointEval(
        args.ann_file, **kwargs)
    problem = PoseNMSTuningProblem(base, data['bboxes'], data['bbox_scores'],
                                   data['keypoints'], data['keypoint_scores'],
                                   data['image_ids'],
                                   data['keypoint_scores'].dtype)
    print(f"{len(data['bboxes'])} candidate poses in "
          f"{len(np.unique(data['image_ids']))} images, loaded in "
          f'{time.perf_counter() - t0:.1f}s')

    def run(values: Dict[str, float], which=evaluator) -> float:
        result = problem.run(problem.params(**values))
        scores = rescore(args.score_mode, result, data['bbox_scores'],
                         args.keypoint_score_thr)
        return which.evaluate(data['image_ids'][result.keep], result.keypoints,
                              result.keypoint_scores, scores)['AP']

    names = sorted({n for pair in pairs for n in pair})
    start = {n: getattr(base, n) for n in names}
    missing = [n for n in names if start[n] is None]
    if missing:
        raise ValueError(f'cannot tune {missing}: disabled (None) in the '
                         'start parameters')
    t0 = time.perf_counter()
    best, best_ap, history = coordinate_search(
        run,
        start,
        pairs,
        grids,
        factors,
        args.max_rounds,
        args.tol,
        progress=not args.no_progress,
        on_round=lambda rows: print(format_history(rows), flush=True))
    elapsed = time.perf_counter() - t0
    exact_start, exact_best = run(start, exact), run(best, exact)
    print(f'{history[-1]["evaluations"]} evaluations in {elapsed:.1f}s; '
          f'AP (xtcocotools): start {exact_start:.4f} -> best '
          f'{exact_best:.4f}; best {best}')
    out = dict(
        preset=args.preset,
        params=dict(start_values, **best),
        metric=dict(
            name='AP',
            evaluator=args.evaluator,
            start=history[0]['score_before'],
            best=best_ap,
            xtcocotools_start=exact_start,
            xtcocotools_best=exact_best,
            score_mode=args.score_mode),
        history=[dict(row, pair=list(row['pair'])) for row in history])
    with atomic_open(args.out) as f:
        json.dump(out, f, indent=2)
    print(f'best parameters written to {args.out}')
    return out


if __name__ == '__main__':
    main()
