"""Synthetic top-down predictions on the shipped COCO sample.

Each of the 118 real detector boxes of ``tests/data/coco/
test_coco_det_AP_H_56.json`` becomes one prediction, as a top-down model
would make it: when the box overlaps a ground-truth person (IoU > 0.5) the
pose is that person's joints jittered (unlabelled joints at the box
center), otherwise random joints in the box with low scores. Optional
duplicates (jittered boxes and poses) make redundant detections, the case
the pose NMS is for. Predictions are PoseDataSample dicts, as MMEngine's
``DumpResults`` stores them.
"""
import json
import os.path as osp
import pickle
from typing import List

import numpy as np

COCO_DIR = osp.join(osp.dirname(osp.abspath(__file__)), 'data', 'coco')
COCO_ANN = osp.join(COCO_DIR, 'test_coco.json')
COCO_DETS = osp.join(COCO_DIR, 'test_coco_det_AP_H_56.json')


def _iou(a: list, b: list) -> float:
    iw = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = iw * ih
    return inter / (a[2] * a[3] + b[2] * b[3] - inter + 1e-9)


def _pose_for(det: dict, anns: List[dict], rng: np.random.Generator,
              jitter: float):
    """(17, 2) joints and (17,) scores a model could predict in ``det``."""
    x, y, w, h = det['bbox']
    best = max(anns, key=lambda a: _iou(a['bbox'], det['bbox']))
    if _iou(best['bbox'], det['bbox']) > 0.5 and best['num_keypoints'] > 0:
        kpt = np.array(best['keypoints'], dtype=np.float64).reshape(17, 3)
        bx, by, bw, bh = best['bbox']
        center = np.array([bx + bw / 2, by + bh / 2])
        xy = np.where(kpt[:, 2:] > 0, kpt[:, :2], center)
        xy = xy + rng.normal(0, jitter, xy.shape)
        scores = np.where(kpt[:, 2] > 0, rng.uniform(0.6, 1.0, 17),
                          rng.uniform(0.0, 0.3, 17))
        return xy, scores
    xy = np.stack([rng.uniform(x, x + w, 17), rng.uniform(y, y + h, 17)], 1)
    return xy, rng.uniform(0.0, 0.4, 17)


def coco_sample_predictions(seed: int = 0,
                            duplicates: int = 0,
                            jitter: float = 1.0) -> List[dict]:
    """Prediction dicts for the sample's detector boxes (+ duplicates).

    Args:
        seed (int): Random seed.
        duplicates (int): Extra jittered copies of every detection that
            matches a person. Defaults to 0.
        jitter (float): Joint jitter (pixels) of every prediction.

    Returns:
        list[dict]: ``PoseDataSample.to_dict()``-like samples with ``id``,
        ``img_id``, ``category_id``, ``pred_instances`` (keypoints,
        keypoint_scores, bboxes x1y1x2y2, bbox_scores; float32) and
        ``gt_instances`` (bbox_scores).
    """
    rng = np.random.default_rng(seed)
    with open(COCO_ANN) as f:
        anns = json.load(f)['annotations']
    with open(COCO_DETS) as f:
        dets = json.load(f)
    samples = []
    for det in dets:
        same = [a for a in anns if a['image_id'] == det['image_id']]
        copies = 1
        if max(_iou(a['bbox'], det['bbox']) for a in same) > 0.5:
            copies += duplicates
        for c in range(copies):
            box = np.array(det['bbox'], dtype=np.float64)
            if c:
                box = box + rng.normal(0, 3, 4)
            xy, scores = _pose_for(
                dict(det, bbox=box.tolist()), same, rng, jitter)
            score = det['score'] * (1.0 if c == 0 else rng.uniform(0.7, 1))
            xyxy = np.r_[box[:2], box[:2] + np.maximum(box[2:], 1.0)]
            samples.append(
                dict(
                    id=len(samples),
                    img_id=det['image_id'],
                    category_id=1,
                    pred_instances=dict(
                        keypoints=xy[None].astype(np.float32),
                        keypoint_scores=scores[None].astype(np.float32),
                        bboxes=xyxy[None].astype(np.float32),
                        bbox_scores=np.array([score], dtype=np.float32)),
                    gt_instances=dict(
                        bbox_scores=np.array([score], dtype=np.float32))))
    return samples


def write_dump(samples: List[dict], path: str) -> str:
    """Pickle the samples as ``tools/test.py --dump`` does."""
    with open(path, 'wb') as f:
        pickle.dump(samples, f)
    return path
