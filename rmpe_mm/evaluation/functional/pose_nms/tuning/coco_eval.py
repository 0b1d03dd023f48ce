"""Vectorised COCO keypoint AP, a fast stand-in for xtcocotools' COCOeval.

It reproduces ``COCOeval(iouType='keypoints' or 'keypoints_crowd')``
``evaluate() + accumulate()`` for the 'all' area range and ``maxDets=20``
(the ``AP``, ``AP .5`` and ``AP .75`` summary numbers) without per-image
Python loops, so that ``tools/tune_ppnms.py`` can evaluate hundreds of
parameter settings on a COCO-val sized dump. Same OKS (sigmas, visible-joint
or box-distance form, ``use_area``), same ignore rules (crowd or no labelled
joint; detections without any positive joint score dropped), same greedy
matching order and tie-breaking, same 101-point interpolated precision.
Floating point sums may differ from COCOeval in the last bits.
"""
import json
from typing import Any, Dict, Optional, Sequence, Union

import numpy as np

IOU_THRS = np.linspace(
    .5, 0.95, int(np.round((0.95 - .5) / .05)) + 1, endpoint=True)
REC_THRS = np.linspace(
    .0, 1.00, int(np.round((1.00 - .0) / .01)) + 1, endpoint=True)
MAX_DETS = 20
AREA_ALL = (0.0, 1e5**2)


def _load(ann: Union[str, dict]) -> dict:
    if isinstance(ann, dict):
        return ann
    with open(ann, encoding='utf-8') as f:
        return json.load(f)


class FastCocoKeypointEval:
    """COCO keypoint AP of detections against a fixed ground truth.

    Args:
        ann (str | dict): COCO-format annotation file (or its content) with
            a single category.
        sigmas (Sequence[float]): Per-joint OKS sigmas.
        use_area (bool): Use the annotations' ``area`` (else
            ``0.53 * w * h`` of the box), as xtcocotools. Defaults to True.
        iou_type (str): ``'keypoints'`` or ``'keypoints_crowd'`` (CrowdPose:
            a ground truth is ignored when its ``num_keypoints`` is 0).
            Defaults to ``'keypoints'``.
    """

    def __init__(self,
                 ann: Union[str, dict],
                 sigmas: Sequence[float],
                 use_area: bool = True,
                 iou_type: str = 'keypoints') -> None:
        if iou_type not in ('keypoints', 'keypoints_crowd'):
            raise ValueError("`iou_type` must be 'keypoints' or "
                             f"'keypoints_crowd', got {iou_type!r}")
        data = _load(ann)
        cats = data.get('categories', [])
        if len(cats) != 1:
            raise ValueError('FastCocoKeypointEval supports one category, '
                             f'got {len(cats)} in `ann`')
        self.category_id = cats[0]['id']
        self.image_ids = np.array(sorted({im['id'] for im in data['images']}))
        self.sigmas = np.asarray(sigmas, dtype=np.float64)
        self.vars = (self.sigmas * 2)**2
        self._build_gt([
            a for a in data['annotations']
            if a['category_id'] == self.category_id
        ], use_area, iou_type)

    def _build_gt(self, anns: list, use_area: bool, iou_type: str) -> None:
        num_k = self.sigmas.size
        img = np.searchsorted(self.image_ids, [a['image_id'] for a in anns])
        kpts = np.array([a['keypoints'] for a in anns],
                        dtype=np.float64).reshape(len(anns), num_k, 3)
        boxes = np.array([a['bbox'] for a in anns],
                         dtype=np.float64).reshape(len(anns), 4)
        if use_area and any('area' not in a for a in anns):
            raise ValueError('every annotation needs `area` when use_area '
                             'is True')
        area = np.array([a['area'] for a in anns], dtype=np.float64) \
            if use_area else boxes[:, 2] * boxes[:, 3] * 0.53
        crowd = np.array([bool(a.get('iscrowd', 0)) for a in anns], bool)
        if iou_type == 'keypoints_crowd':
            labelled = np.array([a['num_keypoints'] for a in anns])
        else:
            labelled = np.count_nonzero(kpts[:, :, 2] > 0, axis=1)
        ignore = crowd | (labelled == 0) | (area < AREA_ALL[0]) | (
            area > AREA_ALL[1])
        order = np.lexsort((np.arange(len(anns)), ignore, img))
        self.g_img = img[order]
        self.g_xy = kpts[order, :, :2]
        self.g_vis = kpts[order, :, 2] > 0
        self.g_k1 = np.count_nonzero(self.g_vis, axis=1)
        box = boxes[order]
        self.g_lo = box[:, :2] - box[:, 2:]
        self.g_hi = box[:, :2] + box[:, 2:] * 2
        self.g_area = area[order]
        self.g_crowd = crowd[order]
        self.g_ignore = ignore[order]
        self.g_start = np.searchsorted(self.g_img,
                                       np.arange(self.image_ids.size))
        self.g_count = np.bincount(self.g_img, minlength=self.image_ids.size)
        self.num_positive = int(np.count_nonzero(~self.g_ignore))

    def _oks(self, det: np.ndarray, gt: np.ndarray,
             xy: np.ndarray) -> np.ndarray:
        """OKS of detection ``det[i]`` with ground truth ``gt[i]``."""
        dxy = xy[det] - self.g_xy[gt]
        use_box = self.g_k1[gt] == 0
        if use_box.any():
            # No labelled joint: distance to the box enlarged 3x (COCOeval).
            sel = np.flatnonzero(use_box)
            pts = xy[det[sel]]
            dxy[sel] = np.maximum(0, self.g_lo[gt[sel]][:, None] - pts) + \
                np.maximum(0, pts - self.g_hi[gt[sel]][:, None])
        e = (dxy[..., 0]**2 + dxy[..., 1]**2) / self.vars / (
            self.g_area[gt][:, None] + np.spacing(1)) / 2
        vis = self.g_vis[gt] | use_box[:, None]
        return np.where(vis, np.exp(-e), 0.0).sum(axis=1) / np.count_nonzero(
            vis, axis=1)

    def _select(self, img: np.ndarray, keypoint_scores: np.ndarray,
                scores: np.ndarray) -> np.ndarray:
        """Indices of the evaluated detections ordered by (rank, image)."""
        valid = np.flatnonzero(np.count_nonzero(keypoint_scores > 0, axis=1))
        order = valid[np.lexsort((valid, -scores[valid], img[valid]))]
        img_sorted = img[order]
        first = np.searchsorted(img_sorted, img_sorted, side='left')
        rank = np.arange(order.size) - first
        keep = rank < MAX_DETS
        order, rank = order[keep], rank[keep]
        by_rank = np.lexsort((img[order], rank))
        return order[by_rank], rank[by_rank]

    def _match(self, dets: np.ndarray, rank: np.ndarray, img: np.ndarray,
               xy: np.ndarray):
        """Greedy COCO matching of every threshold, rank after rank."""
        num_t = IOU_THRS.size
        counts = self.g_count[img[dets]]
        pair_det = np.repeat(np.arange(dets.size), counts)
        offsets = np.arange(pair_det.size) - np.repeat(
            np.cumsum(counts) - counts, counts)
        pair_gt = np.repeat(self.g_start[img[dets]], counts) + offsets
        oks = self._oks(dets[pair_det], pair_gt, xy)
        taken = np.zeros((num_t, self.g_img.size), dtype=bool)
        matched = np.zeros((num_t, dets.size), dtype=bool)
        ignored = np.zeros((num_t, dets.size), dtype=bool)
        rank_of_pair = rank[pair_det]
        bounds = np.searchsorted(rank_of_pair, np.arange(MAX_DETS + 1))
        for r in range(MAX_DETS):
            lo, hi = bounds[r], bounds[r + 1]
            if lo == hi:
                continue
            self._match_rank(pair_det[lo:hi], pair_gt[lo:hi], oks[lo:hi],
                             taken, matched, ignored)
        return matched, ignored

    def _match_rank(self, det: np.ndarray, gt: np.ndarray, oks: np.ndarray,
                    taken: np.ndarray, matched: np.ndarray,
                    ignored: np.ndarray) -> None:
        """Match the detections of one rank (one per image) in place."""
        starts = np.flatnonzero(np.r_[True, det[1:] != det[:-1]])
        sizes = np.diff(np.r_[starts, det.size])
        ign = self.g_ignore[gt]
        free = ~taken[:, gt] | self.g_crowd[gt]
        valid = free & (oks[None] >= np.minimum(IOU_THRS, 1 - 1e-10)[:, None])
        pos_ok = valid & ~ign
        has_pos = np.logical_or.reduceat(pos_ok, starts, axis=1)
        cand = np.where(np.repeat(has_pos, sizes, axis=1), pos_ok, valid & ign)
        score = np.where(cand, oks[None], -1.0)
        best = np.maximum.reduceat(score, starts, axis=1)
        hit = cand & (score == np.repeat(best, sizes, axis=1))
        last = np.maximum.reduceat(
            np.where(hit, np.arange(det.size), -1), starts, axis=1)
        t_idx, d_idx = np.nonzero(last >= 0)
        chosen = last[t_idx, d_idx]
        taken[t_idx, gt[chosen]] = True
        matched[t_idx, det[starts[d_idx]]] = True
        ignored[t_idx, det[starts[d_idx]]] = ign[chosen]

    def evaluate(self, image_ids: Sequence, keypoints: np.ndarray,
                 keypoint_scores: np.ndarray,
                 scores: np.ndarray) -> Dict[str, float]:
        """AP of the detections (COCOeval 'all' area, maxDets 20).

        Args:
            image_ids: (M,) image id of each detection (must be in the
                ground truth).
            keypoints (np.ndarray): (M, K, 2) joints.
            keypoint_scores (np.ndarray): (M, K) joint scores.
            scores (np.ndarray): (M,) detection scores. Within an image,
                equal scores keep the given order (the order of the results
                file).

        Returns:
            dict: ``AP``, ``AP .5``, ``AP .75`` (-1 without positives).
        """
        image_ids = np.asarray(image_ids)
        img = np.searchsorted(self.image_ids, image_ids)
        img = np.minimum(img, self.image_ids.size - 1)
        if image_ids.size and not np.array_equal(self.image_ids[img],
                                                 image_ids):
            bad = image_ids[self.image_ids[img] != image_ids][0]
            raise ValueError(f'`image_ids` contains {bad!r}, which is not '
                             'an image of the ground truth')
        xy = np.asarray(keypoints, dtype=np.float64)
        kscores = np.asarray(keypoint_scores, dtype=np.float64)
        scores = np.asarray(scores, dtype=np.float64)
        dets, rank = self._select(img, kscores, scores)
        matched, ignored = self._match(dets, rank, img, xy)
        ext = xy[dets].max(axis=1) - xy[dets].min(axis=1)
        area = ext[:, 0] * ext[:, 1]
        out_range = (area < AREA_ALL[0]) | (area > AREA_ALL[1])
        ignored |= ~matched & out_range[None]
        order = np.lexsort((rank, img[dets], -scores[dets]))
        return self._accumulate(matched[:, order], ignored[:, order])

    def _accumulate(self, matched: np.ndarray,
                    ignored: np.ndarray) -> Dict[str, float]:
        """101-point interpolated precision averaged over thresholds."""
        if self.num_positive == 0:
            return {'AP': -1.0, 'AP .5': -1.0, 'AP .75': -1.0}
        tp = np.cumsum(matched & ~ignored, axis=1).astype(np.float64)
        fp = np.cumsum(~matched & ~ignored, axis=1).astype(np.float64)
        num_d = tp.shape[1]
        precision = np.zeros((IOU_THRS.size, REC_THRS.size))
        for t in range(IOU_THRS.size):
            if num_d == 0:
                continue
            rc = tp[t] / self.num_positive
            pr = tp[t] / (fp[t] + tp[t] + np.spacing(1))
            pr = np.maximum.accumulate(pr[::-1])[::-1]
            inds = np.searchsorted(rc, REC_THRS, side='left')
            inside = inds < num_d
            precision[t, inside] = pr[inds[inside]]
        return {
            'AP': float(precision.mean()),
            'AP .5': float(precision[0].mean()),
            'AP .75': float(precision[5].mean())
        }


def coco_keypoint_ap(
        ann: Union[str, dict],
        results: Sequence[dict],
        sigmas: Sequence[float],
        use_area: bool = True,
        iou_type: str = 'keypoints',
        evaluator: Optional[FastCocoKeypointEval] = None) -> Dict[str, float]:
    """Fast AP of COCO-format keypoint results (``[{image_id, keypoints,
    score}]``), see :class:`FastCocoKeypointEval`."""
    if evaluator is None:
        evaluator = FastCocoKeypointEval(ann, sigmas, use_area, iou_type)
    num_k = len(sigmas)
    if not results:
        arr = np.zeros((0, num_k, 3))
    else:
        arr = np.array([r['keypoints'] for r in results],
                       dtype=np.float64).reshape(len(results), num_k, 3)
    return evaluator.evaluate([r['image_id'] for r in results], arr[..., :2],
                              arr[..., 2],
                              np.array([r['score'] for r in results]))


class XtcocoKeypointEval:
    """The same interface as :class:`FastCocoKeypointEval`, computed by
    xtcocotools' COCOeval itself (exact, slower): the reference the fast
    evaluator is tested against and ``tools/tune_ppnms.py --evaluator coco``.

    Args:
        ann (str | dict): COCO-format annotation file or its content.
        sigmas (Sequence[float]): Per-joint OKS sigmas.
        use_area (bool): See :class:`FastCocoKeypointEval`.
        iou_type (str): See :class:`FastCocoKeypointEval`.
    """

    def __init__(self,
                 ann: Union[str, dict],
                 sigmas: Sequence[float],
                 use_area: bool = True,
                 iou_type: str = 'keypoints') -> None:
        import contextlib
        import io

        from xtcocotools.coco import COCO
        self._quiet = lambda: contextlib.redirect_stdout(io.StringIO())
        with self._quiet():
            if isinstance(ann, dict):
                self.coco = COCO()
                self.coco.dataset = ann
                self.coco.createIndex()
            else:
                self.coco = COCO(ann)
        self.category_id = self.coco.getCatIds()[0]
        self.sigmas = np.asarray(sigmas, dtype=np.float64)
        self.use_area = use_area
        self.iou_type = iou_type

    def evaluate(self, image_ids: Sequence, keypoints: np.ndarray,
                 keypoint_scores: np.ndarray,
                 scores: np.ndarray) -> Dict[str, float]:
        """AP, AP .5 and AP .75 ('all' area, maxDets 20), see
        :meth:`FastCocoKeypointEval.evaluate`."""
        from xtcocotools.cocoeval import COCOeval
        kpts = np.concatenate([
            np.asarray(keypoints, dtype=np.float64),
            np.asarray(keypoint_scores, dtype=np.float64)[..., None]
        ],
                              axis=-1)
        results = [
            dict(
                image_id=_py(i),
                category_id=self.category_id,
                keypoints=k.ravel().tolist(),
                score=float(s)) for i, k, s in zip(image_ids, kpts, scores)
        ]
        if not results:
            return {'AP': 0.0, 'AP .5': 0.0, 'AP .75': 0.0}
        with self._quiet():
            dets = self.coco.loadRes(results)
            coco_eval = COCOeval(self.coco, dets, self.iou_type, self.sigmas,
                                 self.use_area)
            coco_eval.params.useSegm = None
            coco_eval.evaluate()
            coco_eval.accumulate()
        prec = coco_eval.eval['precision'][:, :, :, 0, 0]

        def mean(x):
            return float(np.mean(x[x > -1])) if (x > -1).any() else -1.0

        return {
            'AP': mean(prec),
            'AP .5': mean(prec[0]),
            'AP .75': mean(prec[5])
        }


def _py(value: Any) -> Any:
    """Numpy scalars as Python scalars (COCO ids)."""
    return value.item() if hasattr(value, 'item') else value
