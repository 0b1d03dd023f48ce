"""PPNMSCocoMetric on the shipped COCO sample with its real detector boxes.

Predictions are synthetic (ground-truth joints jittered per detection, see
``tests/ppnms_coco_samples.py``); the metric is called directly, as the
evaluator does after ``tools/test.py``.
"""
import copy
import json
import os.path as osp

import numpy as np
import pytest
from mmpose.datasets import CocoDataset
from mmpose.datasets.datasets.utils import parse_pose_metainfo
from mmpose.evaluation.metrics import CocoMetric
from ppnms_coco_samples import COCO_ANN, COCO_DETS, coco_sample_predictions

import rmpe_mm  # noqa: F401
from rmpe_mm.evaluation.functional import batched_parametric_pose_nms
from rmpe_mm.evaluation.functional.pose_nms.tuning import FastCocoKeypointEval
from rmpe_mm.evaluation.metrics import PPNMSCocoMetric

META = parse_pose_metainfo(CocoDataset.METAINFO)


def evaluate(metric, samples):
    metric.dataset_meta = META
    metric.process([], copy.deepcopy(samples))
    return metric.evaluate(len(samples))


@pytest.fixture(scope='module')
def bbox_file_samples():
    """One prediction per detection of the dataset's bbox_file mode."""
    ds = CocoDataset(
        ann_file=osp.basename(COCO_ANN),
        bbox_file=COCO_DETS,
        data_root=osp.dirname(COCO_ANN),
        data_prefix=dict(img=''),
        test_mode=True,
        pipeline=[])
    synthetic = coco_sample_predictions(seed=0)
    samples = []
    for i in range(len(ds)):
        info = ds.get_data_info(i)
        pred = synthetic[i]['pred_instances']  # same detection order
        np.testing.assert_allclose(pred['bboxes'], info['bbox'], atol=1e-3)
        samples.append(
            dict(
                id=info['id'],
                img_id=info['img_id'],
                pred_instances=dict(
                    pred, bboxes=info['bbox'], bbox_scores=info['bbox_score']),
                gt_instances=dict(bbox_scores=info['bbox_score'])))
    return samples


def test_bbox_file_detections(bbox_file_samples):
    res = evaluate(PPNMSCocoMetric(ann_file=COCO_ANN), bbox_file_samples)
    assert res['coco/AP'] > 0.9
    assert set(res) >= {'coco/AP', 'coco/AP .5', 'coco/AR'}


def test_duplicates_are_removed_where_oks_free_coco_metric_fails():
    samples = coco_sample_predictions(seed=1, duplicates=3)
    plain = evaluate(CocoMetric(ann_file=COCO_ANN, nms_mode='none'), samples)
    ours = evaluate(PPNMSCocoMetric(ann_file=COCO_ANN), samples)
    assert plain['coco/AP'] < 0.9 < ours['coco/AP']


def test_metric_equals_nms_then_fast_ap():
    samples = coco_sample_predictions(seed=2, duplicates=2, jitter=3.0)
    metric = PPNMSCocoMetric(
        ann_file=COCO_ANN, pose_nms=dict(preset='alphapose_body', gamma=15.0))
    got = evaluate(metric, samples)['coco/AP']
    inst = [s['pred_instances'] for s in samples]
    out = batched_parametric_pose_nms(
        np.concatenate([p['bboxes'] for p in inst]),
        np.concatenate([p['bbox_scores'] for p in inst]),
        np.concatenate([p['keypoints'] for p in inst]),
        np.concatenate([p['keypoint_scores'] for p in inst]),
        np.array([s['img_id'] for s in samples]),
        gamma=15.0)
    fast = FastCocoKeypointEval(COCO_ANN, META['sigmas'])
    want = fast.evaluate(out.image_ids, out.keypoints, out.keypoint_scores,
                         out.scores)['AP']
    assert got == pytest.approx(want, abs=1e-6)


@pytest.mark.parametrize('mode',
                         ['bbox', 'bbox_keypoint', 'bbox_rle', 'keypoint'])
def test_parent_score_modes(mode):
    samples = coco_sample_predictions(seed=3, duplicates=1)
    res = evaluate(
        PPNMSCocoMetric(ann_file=COCO_ANN, score_mode=mode), samples)
    assert 0 < res['coco/AP'] <= 1


def test_crowdpose_style_annotations(tmp_path):
    with open(COCO_ANN) as f:
        gt = json.load(f)
    for im in gt['images']:
        im['crowdIndex'] = 0.3
    for ann in gt['annotations']:
        ann.pop('area')
    path = tmp_path / 'crowdpose_style.json'
    path.write_text(json.dumps(gt))
    metric = PPNMSCocoMetric(
        ann_file=str(path),
        iou_type='keypoints_crowd',
        use_area=False,
        prefix='crowdpose')
    res = evaluate(metric, coco_sample_predictions(seed=4, duplicates=2))
    assert res['crowdpose/AP'] > 0.8
    assert 'crowdpose/AP(M)' in res


def test_errors():
    with pytest.raises(ValueError, match='`score_mode` must be one of'):
        PPNMSCocoMetric(ann_file=COCO_ANN, score_mode='oks')
    with pytest.raises(ValueError, match="`nms_mode` must be 'none'"):
        PPNMSCocoMetric(ann_file=COCO_ANN, nms_mode='oks_nms')
    with pytest.raises(ValueError, match='`pose_nms` must be a config dict'):
        PPNMSCocoMetric(ann_file=COCO_ANN, pose_nms='alphapose_body')
    samples = coco_sample_predictions(seed=5)
    for s in samples:
        s['pred_instances'].pop('bboxes')
    with pytest.raises(ValueError, match='needs the box of every'):
        evaluate(PPNMSCocoMetric(ann_file=COCO_ANN), samples)


def test_registered_and_buildable():
    from mmpose.registry import METRICS
    metric = METRICS.build(
        dict(
            type='PPNMSCocoMetric',
            ann_file=COCO_ANN,
            pose_nms=dict(preset='paper_mpii')))
    assert metric.pose_nms.params.distance_form == 'normalized'
