"""Parameter search for the parametric pose NMS (RMPE s. 3, "tuned to
maximise validation mAP, two at a time with the other two fixed").

:class:`PoseNMSTuningProblem` runs the NMS on a whole prediction dump many
times with different parameters: one evaluation is one call of the compiled
kernel on all images. :func:`coordinate_search` is the search itself.
"""
import itertools
import pickle
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .._core import ConvertedInputs, CoreResult, run_pose_nms
from ..params import PoseNMSParams

TUNABLE_PARAMS = ('delta1', 'mu', 'delta2', 'gamma', 'score_thr', 'match_thr',
                  'area_thr', 'max_score_weight')


def load_pose_dump(path: str) -> Dict[str, Any]:
    """Candidate poses of a ``tools/test.py --dump`` pickle.

    The dump is MMEngine's ``DumpResults`` output: a list of data samples
    converted to dicts (``PoseDataSample.to_dict()``), each with ``img_id``,
    ``id`` and ``pred_instances`` (``keypoints (n, K, 2)``,
    ``keypoint_scores (n, K)``, ``bboxes (n, 4)`` x1y1x2y2,
    ``bbox_scores (n,)``). Samples repeated with the same ``id`` (padding of
    distributed testing) are kept once.

    Returns:
        dict: ``image_ids (N,)``, ``bboxes (N, 4)``, ``bbox_scores (N,)``,
        ``keypoints (N, K, 2)``, ``keypoint_scores (N, K)`` (numpy,
        keypoint scores in their dumped precision).
    """
    with open(path, 'rb') as f:
        samples = pickle.load(f)
    if not isinstance(samples, list) or not samples:
        raise ValueError(f'dump {path!r} must hold a non-empty list of '
                         'data samples')
    seen = set()
    cols: Dict[str, list] = {
        k: []
        for k in ('image_ids', 'bboxes', 'bbox_scores', 'keypoints',
                  'keypoint_scores')
    }
    for i, sample in enumerate(samples):
        inst = sample.get('pred_instances') if isinstance(sample,
                                                          dict) else None
        if inst is None or 'bboxes' not in inst:
            raise ValueError(f'sample {i} of dump {path!r} has no '
                             'pred_instances with bboxes')
        key = (sample.get('img_id'), sample.get('id'))
        if key in seen:
            continue
        seen.add(key)
        num = len(inst['keypoints'])
        cols['image_ids'] += [sample['img_id']] * num
        for name in ('bboxes', 'bbox_scores', 'keypoints', 'keypoint_scores'):
            cols[name].append(_numpy(inst[name]))
    out = {'image_ids': np.asarray(cols['image_ids'])}
    for name in ('bboxes', 'bbox_scores', 'keypoints', 'keypoint_scores'):
        out[name] = np.concatenate(cols[name])
    return out


def _numpy(x: Any) -> np.ndarray:
    if hasattr(x, 'detach'):
        x = x.detach().cpu().numpy()
    return np.asarray(x)


class PoseNMSTuningProblem:
    """The pose NMS of many images, re-run cheaply for many parameters.

    Args:
        base (PoseNMSParams): Parameters the tuned ones are changed from;
            the untuned ones (``alpha``, caps, form, layout...) are fixed.
        bboxes, bbox_scores, keypoints, keypoint_scores: The candidates of
            all images (see :func:`parametric_pose_nms`; checked as there:
            shapes, NaN/inf and negative box sizes raise ``ValueError``).
        image_ids: (N,) image of each candidate.
        score_dtype: Precision of the original scores (thresholds are
            rounded to it). Defaults to float32 (model outputs).
    """

    def __init__(self,
                 base: PoseNMSParams,
                 bboxes: np.ndarray,
                 bbox_scores: np.ndarray,
                 keypoints: np.ndarray,
                 keypoint_scores: np.ndarray,
                 image_ids: np.ndarray,
                 score_dtype: Any = np.float32) -> None:
        self.base = base
        self.image_ids = np.asarray(image_ids)
        _, codes = np.unique(self.image_ids, return_inverse=True)
        conv = ConvertedInputs(bboxes, bbox_scores, keypoints, keypoint_scores)
        self.arrays = (conv.bboxes, conv.bbox_scores, conv.keypoints,
                       conv.keypoint_scores)
        self.group_codes = codes.reshape(-1).astype(np.int64)
        self.score_dtype = np.dtype(score_dtype)

    def params(self, **values: float) -> PoseNMSParams:
        """``base`` with tuned values (only :data:`TUNABLE_PARAMS`)."""
        bad = sorted(set(values) - set(TUNABLE_PARAMS))
        if bad:
            raise ValueError(f'cannot tune {bad}; tunable parameters: '
                             f'{list(TUNABLE_PARAMS)}')
        return self.base.replace(**values)

    def run(self, params: PoseNMSParams) -> CoreResult:
        """The NMS of every image for ``params`` (from :meth:`params`)."""
        return run_pose_nms(params, *self.arrays, self.group_codes,
                            self.score_dtype)


def rescore(mode: str,
            result: CoreResult,
            bbox_scores: np.ndarray,
            keypoint_score_thr: float = 0.2) -> np.ndarray:
    """Person scores of the kept poses, as ``PPNMSCocoMetric`` sets them.

    Args:
        mode (str): ``'alphapose'`` (the NMS final score), ``'bbox'``,
            ``'bbox_keypoint'`` (box score times the mean of the joint
            scores above ``keypoint_score_thr``), ``'bbox_rle'`` (box score
            + mean + max) or ``'keypoint'`` (mean), as MMPose's CocoMetric.
        result (CoreResult): The NMS output.
        bbox_scores (np.ndarray): (N,) box scores of all candidates.
        keypoint_score_thr (float): See ``'bbox_keypoint'``.
    """
    kscores = result.keypoint_scores
    box = bbox_scores[result.keep]
    if mode == 'alphapose':
        return result.scores
    if mode == 'bbox':
        return box
    if mode == 'keypoint':
        return kscores.mean(axis=1)
    if mode == 'bbox_rle':
        return box + kscores.mean(axis=1) + kscores.max(axis=1)
    if mode == 'bbox_keypoint':
        valid = kscores > keypoint_score_thr
        num = valid.sum(axis=1)
        mean = np.where(valid, kscores, 0).sum(axis=1) / np.maximum(num, 1)
        return box * mean
    raise ValueError(f'unknown score mode {mode!r}')


def coordinate_search(
    objective: Callable[[Dict[str, float]], float],
    start: Dict[str, float],
    pairs: Sequence[Tuple[str, str]],
    grids: Dict[str, Sequence[float]],
    factors: Sequence[float],
    max_rounds: int = 10,
    tol: float = 1e-6,
    progress: bool = True,
    on_round: Optional[Callable[[List[dict]], None]] = None
) -> Tuple[Dict[str, float], float, List[dict]]:
    """Maximise ``objective`` two parameters at a time on a grid.

    Every round visits each pair in turn: all combinations of the pair's
    grid values are evaluated with the other parameters fixed, and the best
    combination is kept if it beats the current value by more than ``tol``.
    Rounds repeat until one brings no improvement (or ``max_rounds``).

    Args:
        objective (callable): Parameter dict -> score (higher is better).
        start (dict): Initial values of every parameter named in ``pairs``.
        pairs (Sequence[tuple[str, str]]): Parameter pairs, in visit order.
        grids (dict): Absolute grid per parameter; parameters without one
            use ``value * factors`` around their current value.
        factors (Sequence[float]): Relative grid (should contain 1).
        max_rounds (int): Round limit. Defaults to 10.
        tol (float): Minimum improvement. Defaults to 1e-6.
        progress (bool): Show a progress bar. Defaults to True.
        on_round (callable, optional): Called with the history rows of
            each finished round.

    Returns:
        tuple: best values, best score, and one history row per (round,
        pair): ``round, pair, before, after, score_before, score_after,
        evaluations``.
    """
    from tqdm import tqdm
    current = dict(start)
    seen: Dict[tuple, float] = {}

    def evaluate(values: Dict[str, float]) -> float:
        key = tuple(
            sorted((k, round(float(v), 12)) for k, v in values.items()))
        if key not in seen:
            seen[key] = float(objective(values))
        return seen[key]

    best = evaluate(current)
    history = []
    for rnd in range(1, max_rounds + 1):
        round_start = best
        for p, q in pairs:
            before, score_before = dict(current), best
            combos = list(
                itertools.product(
                    _grid(p, current[p], grids, factors),
                    _grid(q, current[q], grids, factors)))
            bar = tqdm(
                combos,
                desc=f'round {rnd} ({p}, {q})',
                disable=not progress,
                leave=False)
            for vp, vq in bar:
                trial = dict(current, **{p: vp, q: vq})
                score = evaluate(trial)
                if score > best + tol:
                    best, current = score, trial
                    bar.set_postfix(best=f'{best:.4f}')
            history.append(
                dict(
                    round=rnd,
                    pair=(p, q),
                    before=before,
                    after=dict(current),
                    score_before=score_before,
                    score_after=best,
                    evaluations=len(seen)))
        if on_round is not None:
            on_round([row for row in history if row['round'] == rnd])
        if best <= round_start + tol:
            break
    return current, best, history


def _grid(name: str, value: float, grids: Dict[str, Sequence[float]],
          factors: Sequence[float]) -> List[float]:
    if name in grids:
        values = list(grids[name])
        return values if value in values else sorted(values + [value])
    return sorted({float(f'{value * f:.8g}') for f in factors})
