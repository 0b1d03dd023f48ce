"""The vectorised COCO keypoint AP against xtcocotools' COCOeval."""
import json
import os.path as osp

import numpy as np
import pytest

from rmpe_mm.evaluation.functional.pose_nms.tuning import (
    FastCocoKeypointEval, XtcocoKeypointEval, coco_keypoint_ap)

COCO_SIGMAS = np.array([
    .26, .25, .25, .35, .35, .79, .79, .72, .72, .62, .62, 1.07, 1.07, .87,
    .87, .89, .89
]) / 10.0


def synthetic_gt(rng, num_images=25):
    """Images with 0-8 people: crowd, unlabelled and partly labelled."""
    images, anns = [], []
    for i in range(num_images):
        images.append(dict(id=1000 + 7 * i, width=640, height=480))
        for _ in range(rng.integers(0, 9)):
            x, y = rng.uniform(0, 500, 2)
            w, h = rng.uniform(10, 150, 2)
            vis = rng.choice([0, 1, 2], 17, p=[0.3, 0.2, 0.5])
            if rng.uniform() < 0.1:
                vis[:] = 0
            kpt = np.c_[rng.uniform(x, x + w, 17),
                        rng.uniform(y, y + h, 17), vis]
            kpt[vis == 0, :2] = 0
            anns.append(
                dict(
                    id=len(anns) + 1,
                    image_id=images[-1]['id'],
                    category_id=1,
                    keypoints=kpt.ravel().tolist(),
                    bbox=[x, y, w, h],
                    area=float(w * h * rng.uniform(.3, .8)),
                    iscrowd=int(rng.uniform() < 0.05),
                    num_keypoints=int((vis > 0).sum())))
    return dict(
        images=images,
        annotations=anns,
        categories=[dict(id=1, name='person')])


def synthetic_dets(rng, gt):
    """Jittered copies of the people (some tied scores) and noise poses,
    up to ~35 per image (beyond maxDets=20)."""
    image_ids, kpts, kscores, scores = [], [], [], []
    for ann in gt['annotations']:
        k = np.array(ann['keypoints'], dtype=np.float64).reshape(17, 3)
        x, y, w, h = ann['bbox']
        for _ in range(rng.integers(0, 5)):
            xy = np.where(k[:, 2:] > 0, k[:, :2], [x + w / 2, y + h / 2])
            kpts.append(xy + rng.normal(0, rng.choice([1, 5, 20]), (17, 2)))
            image_ids.append(ann['image_id'])
            kscores.append(rng.uniform(0, 1, 17) * (rng.uniform() > 0.05))
            scores.append(rng.choice([0.5, rng.uniform()]))
    for im in gt['images']:
        for _ in range(rng.integers(0, 25)):
            kpts.append(rng.uniform(0, 500, (17, 2)))
            image_ids.append(im['id'])
            kscores.append(rng.uniform(0, 1, 17))
            scores.append(rng.uniform())
    return (np.array(image_ids), np.array(kpts), np.array(kscores),
            np.array(scores))


@pytest.mark.parametrize('use_area, iou_type', [(True, 'keypoints'),
                                                (False, 'keypoints_crowd')])
def test_fast_ap_equals_xtcocotools(use_area, iou_type):
    rng = np.random.default_rng(0 if use_area else 1)
    for _ in range(4):
        gt = synthetic_gt(rng)
        dets = synthetic_dets(rng, gt)
        fast = FastCocoKeypointEval(gt, COCO_SIGMAS, use_area, iou_type)
        exact = XtcocoKeypointEval(gt, COCO_SIGMAS, use_area, iou_type)
        got, want = fast.evaluate(*dets), exact.evaluate(*dets)
        assert 0 < want['AP'] < 1
        for key in ('AP', 'AP .5', 'AP .75'):
            assert got[key] == pytest.approx(want[key], abs=1e-12)


def test_fast_ap_on_the_coco_sample(data_dir):
    ann = osp.join(data_dir, 'coco', 'test_coco.json')
    with open(ann) as f:
        gt = json.load(f)
    results = []
    for a in gt['annotations']:
        if a['num_keypoints'] == 0:
            continue
        k = np.array(a['keypoints'], dtype=np.float64).reshape(17, 3)
        k[:, 2] = 0.9
        results.append(
            dict(
                image_id=a['image_id'],
                category_id=1,
                keypoints=k.ravel().tolist(),
                score=0.9))
    perfect = coco_keypoint_ap(ann, results, COCO_SIGMAS)
    assert perfect['AP'] == pytest.approx(1.0)
    results[0]['keypoints'] = (np.array(results[0]['keypoints']) +
                               50.0).tolist()
    worse = coco_keypoint_ap(ann, results, COCO_SIGMAS)
    assert worse['AP'] < 1.0
    assert worse['AP'] == pytest.approx(
        XtcocoKeypointEval(ann, COCO_SIGMAS).evaluate(
            [r['image_id'] for r in results],
            np.array([r['keypoints'] for r in results]).reshape(-1, 17,
                                                                3)[..., :2],
            np.array([r['keypoints'] for r in results]).reshape(-1, 17, 3)[...,
                                                                           2],
            np.array([r['score'] for r in results]))['AP'],
        abs=1e-12)


def test_errors():
    gt = synthetic_gt(np.random.default_rng(2), 2)
    fast = FastCocoKeypointEval(gt, COCO_SIGMAS)
    with pytest.raises(ValueError, match='`image_ids` contains 5'):
        fast.evaluate([5], np.zeros((1, 17, 2)), np.ones((1, 17)), [1.0])
    two = dict(gt, categories=gt['categories'] * 2)
    with pytest.raises(ValueError, match='supports one category'):
        FastCocoKeypointEval(two, COCO_SIGMAS)
    with pytest.raises(ValueError, match='`iou_type`'):
        FastCocoKeypointEval(gt, COCO_SIGMAS, iou_type='bbox')
    empty = fast.evaluate([], np.zeros((0, 17, 2)), np.zeros((0, 17)), [])
    assert empty['AP'] == 0.0
