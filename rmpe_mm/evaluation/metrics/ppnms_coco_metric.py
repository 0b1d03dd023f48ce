"""COCO keypoint metric with RMPE's parametric pose NMS in place of OKS NMS.
"""
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.logging import print_log
from mmpose.evaluation.metrics import CocoMetric
from mmpose.registry import METRICS

from ..functional.pose_nms import build_pose_nms

PPNMS_SCORE_MODES = ('alphapose', 'bbox', 'bbox_keypoint', 'bbox_rle',
                     'keypoint')


@METRICS.register_module()
class PPNMSCocoMetric(CocoMetric):
    """MMPose's :class:`CocoMetric` with the parametric pose NMS per image.

    Before the parent evaluates, the candidates of every image (one per
    top-down sample, or several per bottom-up sample) go through the pose
    NMS (``pose_nms``, a :class:`ParametricPoseNMS` config); the kept merged
    poses are then scored (``score_mode``) and evaluated by the parent with
    ``nms_mode='none'``. Everything else (``ann_file``, ``bbox_file``
    detections through the dataset, ``use_area``/``iou_type`` for CrowdPose,
    converters, ``format_only``, ``outfile_prefix``) is the parent's.

    Args:
        pose_nms (dict, optional): Config of the NMS, built from
            ``TASK_UTILS`` by :func:`build_pose_nms` (``type`` defaults to
            ``'ParametricPoseNMS'``), e.g.
            ``dict(preset='alphapose_body', params_file='tuned.json')``.
            Defaults to None (AlphaPose master ``pose_nms_body``).
        score_mode (str): Person score of a merged pose: ``'alphapose'``
            (AlphaPose's final score ``mean + bbox_score + 1.25 * max`` of
            the merged joint scores, as the NMS computes it), or one of the
            parent's modes (``'bbox'``, ``'bbox_keypoint'``, ``'bbox_rle'``,
            ``'keypoint'``), computed by the parent from the reference's box
            score and the merged joint scores. Defaults to ``'alphapose'``.
        nms_mode (str): Must be ``'none'`` (the pose NMS replaces OKS NMS);
            accepted so that configs inheriting a CocoMetric can set it.
            Defaults to ``'none'``.
        **kwargs: The other arguments of :class:`CocoMetric` (``ann_file``,
            ``use_area``, ``iou_type``, ``keypoint_score_thr``,
            ``format_only``, ``pred_converter``, ``gt_converter``,
            ``outfile_prefix``, ``collect_device``, ``prefix``).

    Note:
        The NMS runs on the model's own keypoints, before a
        ``pred_converter`` maps them to the dataset's layout.
        The NMS needs each prediction's box (``pred_instances.bboxes``,
        which top-down estimators copy from the detections). The merged
        poses of an image are handed to the parent as one prediction with a
        tuple ``id``, which makes the parent skip its id de-duplication
        (done here before the NMS, by ``(id, instance index)``).
    """

    def __init__(self,
                 pose_nms: Optional[dict] = None,
                 score_mode: str = 'alphapose',
                 nms_mode: str = 'none',
                 **kwargs: Any) -> None:
        if score_mode not in PPNMS_SCORE_MODES:
            raise ValueError(f'`score_mode` must be one of '
                             f'{PPNMS_SCORE_MODES}, got {score_mode!r}')
        if nms_mode != 'none':
            raise ValueError("`nms_mode` must be 'none' (the parametric pose "
                             f'NMS replaces OKS NMS), got {nms_mode!r}')
        parent_mode = 'bbox' if score_mode == 'alphapose' else score_mode
        super().__init__(score_mode=parent_mode, nms_mode='none', **kwargs)
        self.ppnms_score_mode = score_mode
        if pose_nms is not None and not isinstance(pose_nms, dict):
            raise ValueError('`pose_nms` must be a config dict, got '
                             f'{type(pose_nms).__name__}')
        self.pose_nms = build_pose_nms({} if pose_nms is None else pose_nms)

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Apply the pose NMS per image, then evaluate as CocoMetric."""
        if not results:
            raise ValueError('PPNMSCocoMetric got no results to evaluate')
        return super().compute_metrics(self.apply_pose_nms(results))

    def apply_pose_nms(self, results: Sequence[tuple]) -> List[tuple]:
        """Replace the predictions of ``results`` by the NMS output.

        Args:
            results (Sequence[tuple]): ``(pred, gt)`` pairs from
                :meth:`process`.

        Returns:
            list[tuple]: As many ``(pred, gt)`` pairs, the same ``gt``; one
            prediction per (image, category) holding its kept poses, the
            others empty.
        """
        preds, gts = zip(*results)
        cands = _flatten_predictions(preds)
        num_k = cands['keypoints'].shape[1]
        out = self.pose_nms(
            cands['bboxes'],
            cands['bbox_scores'],
            cands['keypoints'],
            cands['keypoint_scores'],
            image_ids=cands['group'])
        keep = np.asarray(out.keep)
        if self.ppnms_score_mode == 'alphapose':
            scores = np.asarray(out.scores, dtype=np.float64)
        else:
            scores = cands['bbox_scores'][keep]
        print_log(
            f'Parametric pose NMS kept {len(keep)} of '
            f"{len(cands['bboxes'])} candidate poses", 'current')
        new_preds = []
        group = cands['group'][keep]
        for g in np.unique(group):
            sel = np.flatnonzero(group == g)
            picks = keep[sel]
            first = int(picks[0])
            new_preds.append(
                dict(
                    id=('ppnms', cands['img_ids'][first],
                        cands['category_ids'][first]),
                    img_id=cands['img_ids'][first],
                    category_id=cands['category_ids'][first],
                    keypoints=np.asarray(out.keypoints)[sel],
                    keypoint_scores=np.asarray(out.keypoint_scores)[sel],
                    bbox_scores=scores[sel],
                    bbox=cands['bbox_xywh'][picks]))
        empty = dict(
            keypoints=np.zeros((0, num_k, 2)),
            keypoint_scores=np.zeros((0, num_k)),
            bbox_scores=np.zeros(0),
            category_id=1)
        padded = []
        for i, gt in enumerate(gts):
            if i < len(new_preds):
                padded.append((new_preds[i], gt))
            else:
                pred = dict(
                    empty, id=('ppnms-empty', i), img_id=preds[i]['img_id'])
                padded.append((pred, gt))
        return padded


def _scalar_id(value) -> int:
    """An image or category id given as an int or a one-element array."""
    array = np.asarray(value).reshape(-1)
    if array.size != 1:
        raise ValueError(f'expected one id, got {value!r}')
    return int(array[0])


def _flatten_predictions(preds: Sequence[dict]) -> Dict[str, np.ndarray]:
    """All instances of all predictions, de-duplicated by (id, index)."""
    seen = set()
    rows: List[Tuple] = []
    for pred in preds:
        if 'bbox' not in pred:
            raise ValueError(
                'PPNMSCocoMetric needs the box of every prediction '
                '(pred_instances.bboxes), missing for sample id '
                f"{pred.get('id')!r}")
        ident = pred['id']
        for idx in range(len(pred['keypoints'])):
            key = (pred['img_id'], _hashable(ident), idx)
            if key in seen:
                continue
            seen.add(key)
            rows.append((pred, idx))
    if not rows:
        raise ValueError('PPNMSCocoMetric got predictions without instances')
    img_ids = [_scalar_id(p['img_id']) for p, _ in rows]
    # ground-truth-box samples carry their category as a (1,) array
    cat_ids = [_scalar_id(p['category_id']) for p, _ in rows]
    xywh = np.array([
        np.asarray(p['bbox'][i], dtype=np.float64) for p, i in rows
    ]).reshape(len(rows), 4)
    pairs = OrderedDict()
    group = np.array([
        pairs.setdefault((im, c), len(pairs))
        for im, c in zip(img_ids, cat_ids)
    ])
    return dict(
        img_ids=img_ids,
        category_ids=cat_ids,
        group=group,
        bbox_xywh=xywh,
        bboxes=np.concatenate([xywh[:, :2], xywh[:, :2] + xywh[:, 2:]],
                              axis=1),
        bbox_scores=np.array(
            [float(np.asarray(p['bbox_scores'])[i]) for p, i in rows]),
        keypoints=np.stack([
            np.asarray(p['keypoints'][i], dtype=np.float64) for p, i in rows
        ]),
        keypoint_scores=np.stack([
            np.asarray(p['keypoint_scores'][i], dtype=np.float64)
            for p, i in rows
        ]))


def _hashable(value: Any) -> Any:
    if isinstance(value, (list, np.ndarray)):
        return tuple(np.asarray(value).ravel().tolist())
    return value
