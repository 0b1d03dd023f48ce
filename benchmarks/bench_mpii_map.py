"""Time the MPII multi-person mAP on 10,000 predicted poses (CPU).

Synthetic set: 1,000 images of 1280x720, 2 groups of 3 people each; per
image 10 top-down predictions (the 6 people with 2-6 px noise, 2 near
duplicates, 2 false positives), i.e. 10,000 poses. Times:

1. the pure protocol (:func:`evaluate_mpii_groups`) on the 2,000 groups;
2. :class:`MpiiMultiPersonMAP` ``process`` + ``compute_metrics`` without
   pose NMS (reads the GT JSON, assigns groups, evaluates);
3. the same with the default parametric pose NMS (``paper_mpii``), if it is
   registered.

    python benchmarks/bench_mpii_map.py [--images 1000] [--repeat 3]
"""
import argparse
import json
import os.path as osp
import tempfile
import time

import numpy as np
from mmpose.registry import TASK_UTILS

import rmpe_mm  # noqa: F401
from rmpe_mm.datasets.mpii_multi_person_format import mpii_person_category
from rmpe_mm.evaluation.functional import (assign_poses_to_groups,
                                           evaluate_mpii_groups)
from rmpe_mm.evaluation.metrics import MpiiMultiPersonMAP


def make_people(rng: np.random.Generator, center: np.ndarray) -> np.ndarray:
    """(16, 2) joints of a standing person around ``center``."""
    template = np.array(
        [[-15, 90], [-12, 50], [-10, 10], [10, 10], [12, 50],
         [15, 90], [0, 10], [0, -40], [0, -55], [0, -80], [-35, 0], [-30, -20],
         [-20, -40], [20, -40], [30, -20], [35, 0]],
        dtype=np.float64)
    return center + template * rng.uniform(.8, 1.2) + rng.normal(0, 2, (16, 2))


def make_dataset(num_images: int, seed: int = 0):
    """GT JSON dict and per-image predictions (kpts, scores, boxes, box
    scores)."""
    rng = np.random.default_rng(seed)
    images, anns, preds = [], [], {}
    for img_id in range(1, num_images + 1):
        groups, people = [], []
        for g in range(2):
            base = np.array([250. + 600 * g, 360.])
            members = [
                make_people(rng, base + [120 * (p - 1), 0]) for p in range(3)
            ]
            people += [(len(images) * 2 + g, m) for m in members]
            allj = np.concatenate(members)
            groups.append(
                dict(
                    id=len(images) * 2 + g,
                    bbox=[*(allj.min(0) - 20), *(allj.max(0) + 20)]))
        for gid, kpts in people:
            anns.append(
                dict(
                    id=len(anns) + 1,
                    image_id=img_id,
                    category_id=1,
                    group_id=gid,
                    num_keypoints=16,
                    iscrowd=0,
                    keypoints=np.concatenate([kpts, np.full((16, 1), 2.)],
                                             1).ravel().tolist(),
                    head_bbox=[*(kpts[9] - [12, 5]), *(kpts[9] + [12, 30])],
                    bbox=[*kpts.min(0), *(kpts.max(0) - kpts.min(0))],
                    area=1.))
        images.append(
            dict(
                id=img_id,
                file_name=f'{img_id:06d}.jpg',
                width=1280,
                height=720,
                groups=groups))
        gt = np.stack([k for _, k in people])
        pk = np.concatenate([
            gt + rng.normal(0, 3, gt.shape),
            gt[:2] + rng.normal(0, 6, (2, 16, 2)),
            rng.uniform([0, 0], [1280, 720], (2, 1, 2)) + gt[:2] - gt[:2, 6:7]
        ])
        scores = rng.uniform(.2, 1., (10, 16))
        boxes = np.concatenate([pk.min(1) - 10, pk.max(1) + 10], 1)
        preds[img_id] = (pk, scores, boxes, rng.uniform(.5, 1., 10))
    data = dict(
        images=images, annotations=anns, categories=[mpii_person_category()])
    return data, preds


def protocol_groups(data: dict, preds: dict) -> list:
    """Per-group inputs of evaluate_mpii_groups (group assignment done)."""
    per_img = {}
    for ann in data['annotations']:
        per_img.setdefault(ann['image_id'], []).append(ann)
    groups = []
    for img in data['images']:
        pk, ps = preds[img['id']][:2]
        boxes = np.array([g['bbox'] for g in img['groups']])
        assigned = assign_poses_to_groups(pk, boxes)
        for gi, group in enumerate(img['groups']):
            members = [
                a for a in per_img[img['id']] if a['group_id'] == group['id']
            ]
            kp = np.array([a['keypoints'] for a in members]).reshape(-1, 16, 3)
            groups.append(
                (pk[assigned == gi], ps[assigned == gi], kp[..., :2], kp[...,
                                                                         2],
                 np.array([a['head_bbox'] for a in members])))
    return groups


def time_metric(metric: MpiiMultiPersonMAP, preds: dict) -> tuple:
    """Seconds for process (one sample per pose) + compute_metrics."""
    samples = []
    for img_id, (pk, ps, boxes, bs) in preds.items():
        for i in range(len(pk)):
            samples.append(
                dict(
                    id=img_id * 100 + i,
                    img_id=img_id,
                    pred_instances=dict(
                        keypoints=pk[i:i + 1],
                        keypoint_scores=ps[i:i + 1],
                        bboxes=boxes[i:i + 1],
                        bbox_scores=bs[i:i + 1])))
    start = time.perf_counter()
    for k in range(0, len(samples), 32):
        metric.process(None, samples[k:k + 32])
    result = metric.compute_metrics(metric.results)
    metric.results.clear()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--images', type=int, default=1000)
    parser.add_argument('--repeat', type=int, default=3)
    args = parser.parse_args()
    data, preds = make_dataset(args.images)
    num_poses = sum(len(p[0]) for p in preds.values())
    print(f'{args.images} images, {len(data["annotations"])} GT people, '
          f'{num_poses} predicted poses')
    groups = protocol_groups(data, preds)
    best = min(
        _timed(lambda: evaluate_mpii_groups(groups))
        for _ in range(args.repeat))
    print(f'protocol only ({len(groups)} groups): {best:.3f} s')
    with tempfile.TemporaryDirectory() as tmp:
        ann_file = osp.join(tmp, 'gt.json')
        with open(ann_file, 'w') as f:
            json.dump(data, f)
        configs = [('metric, no NMS', None)]
        if TASK_UTILS.get('ParametricPoseNMS') is not None:
            configs.append(('metric + PPNMS paper_mpii', 'paper_mpii'))
        else:
            print('ParametricPoseNMS not registered: NMS timing skipped')
        for name, nms in configs:
            runs = [
                time_metric(
                    MpiiMultiPersonMAP(ann_file=ann_file, pose_nms=nms), preds)
                for _ in range(args.repeat)
            ]
            seconds = min(r[0] for r in runs)
            print(f'{name}: {seconds:.3f} s '
                  f'(mAP {runs[0][1]["Total"]:.1f})')


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == '__main__':
    main()
