"""MpiiMultiPersonMAP end to end on the shipped samples, through mmengine's
Evaluator (process + evaluate), with GT boxes and with detections.

The samples (tests/data/mpii/test_mpii_multi.json): 5 images, one group of
one person each; 2 people lack both ankles. The detection file has, per
person, a good box, a duplicate and a false positive (in that order).
"""
import json
import logging
import os.path as osp
from collections import namedtuple

import numpy as np
import pytest
from mmengine.evaluator import Evaluator
from mmengine.structures import InstanceData
from mmpose.registry import TASK_UTILS
from mmpose.structures import PoseDataSample
from scipy.io import loadmat

from rmpe_mm.datasets import MpiiMultiPersonDataset
from rmpe_mm.datasets.mpii_multi_person_format import MpiiImageGT
from rmpe_mm.evaluation.metrics import MpiiMultiPersonMAP
from rmpe_mm.evaluation.metrics import \
    mpii_multi_person_metric as metric_module

ROOT = osp.join(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))), 'data',
    'mpii')
ANN = osp.join(ROOT, 'test_mpii_multi.json')
DET = osp.join(ROOT, 'test_mpii_det.json')
COLUMNS = [
    'Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle', 'Total'
]
FakeResult = namedtuple('FakeResult', 'keypoints keypoint_scores')


def dedupe_nms(bboxes, bbox_scores, keypoints, keypoint_scores):
    """Test NMS: drop a pose within 2 px (mean) of a higher-scored one."""
    order = np.argsort(-keypoint_scores.mean(1), kind='stable')
    keep = []
    for i in order:
        if all(
                np.linalg.norm(keypoints[i] - keypoints[j], axis=1).mean() > 2
                for j in keep):
            keep.append(i)
    return FakeResult(keypoints[keep], keypoint_scores[keep])


def samples(bbox_file=None):
    """Data infos of the sample dataset (GT boxes or detections)."""
    dataset = MpiiMultiPersonDataset(
        ann_file=ANN, bbox_file=bbox_file, test_mode=True)
    return [dataset.get_data_info(i) for i in range(len(dataset))]


def data_sample(info, kpts, scores, with_gt=True):
    """A model-output-like PoseDataSample for one top-down sample."""
    meta = dict(id=info['id'], img_id=info['img_id'])
    if with_gt:
        meta['mpii_gt'] = info['mpii_gt']
    sample = PoseDataSample(metainfo=meta)
    sample.pred_instances = InstanceData(
        keypoints=kpts[None].astype(np.float32),
        keypoint_scores=scores[None].astype(np.float32),
        bboxes=info['bbox'],
        bbox_scores=info['bbox_score'])
    return sample


def gt_pose(info):
    """(keypoints (16, 2), annotated (16,)) of the sample's only person."""
    gt = MpiiImageGT.from_dict(info['mpii_gt'])
    return gt.keypoints[0], gt.keypoints_visible[0] > 0


def run(metric, data_samples):
    evaluator = Evaluator(metric)
    evaluator.process(data_samples)
    return evaluator.evaluate(len(data_samples))


def image_rank(infos):
    ids = sorted({info['img_id'] for info in infos})
    return {img_id: r for r, img_id in enumerate(ids)}


def detection_outputs(infos, with_gt=True):
    """Per person p (image rank r): good pose scored .5 + .1 r, duplicate
    (1 px off) scored .05 lower, false positive (the pose moved to its box)
    scored .3; unannotated GT joints are predicted with score .01."""
    rank = image_rank(infos)
    outputs = []
    for k, info in enumerate(infos):
        kpts, annotated = gt_pose(info)
        base = .5 + .1 * rank[info['img_id']]
        kind = k % 3
        if kind == 1:
            kpts, base = kpts + 1., base - .05
        elif kind == 2:
            box = info['bbox'][0]
            mid = kpts[[6, 7]].mean(0)
            kpts, base = kpts - mid + (box[:2] + box[2:]) / 2, .3
        scores = np.where(annotated, base, .01)
        outputs.append(data_sample(info, kpts, scores, with_gt))
    return outputs


def test_perfect_predictions_give_100():
    infos = samples()
    outputs = []
    for info in infos:
        kpts, annotated = gt_pose(info)
        outputs.append(data_sample(info, kpts, np.where(annotated, .9, .01)))
    result = run(MpiiMultiPersonMAP(pose_nms=None), outputs)
    assert list(result) == COLUMNS
    assert all(v == pytest.approx(100.) for v in result.values())


def test_detections_without_nms_count_duplicates():
    # Shoulders are annotated in all 5 people. Ranked by score, a joint
    # sees TP .9, FP .85, TP .8, ..., TP .5, FP .45 (false positives at .3
    # come last and change nothing): [T, F] * 5 with n = 5, so precision at
    # the TPs is 1, 2/3, 3/5, 4/7, 5/9, each adding recall .2.
    result = run(
        MpiiMultiPersonMAP(pose_nms=None), detection_outputs(samples(DET)))
    assert result['Shoulder'] == pytest.approx(
        20 * (1 + 2 / 3 + 3 / 5 + 4 / 7 + 5 / 9))
    assert result['Total'] < 100.


def test_nms_output_is_what_gets_evaluated():
    result = run(
        MpiiMultiPersonMAP(pose_nms=dedupe_nms),
        detection_outputs(samples(DET)))
    assert all(v == pytest.approx(100.) for v in result.values())


@pytest.mark.skipif(
    TASK_UTILS.get('ParametricPoseNMS') is None,
    reason='ParametricPoseNMS (issue 3) not registered yet')
def test_default_is_the_paper_mpii_pose_nms():
    metric = MpiiMultiPersonMAP()
    assert metric.pose_nms is not None
    # near-identical duplicates are merged by PPNMS; far poses are kept
    result = run(metric, detection_outputs(samples(DET)))
    assert result['Total'] == pytest.approx(100.)


def test_ann_file_and_carried_ground_truth_agree():
    infos = samples(DET)
    carried = run(MpiiMultiPersonMAP(pose_nms=None), detection_outputs(infos))
    from_file = run(
        MpiiMultiPersonMAP(ann_file=ANN, pose_nms=None),
        detection_outputs(infos, with_gt=False))
    assert carried == from_file


def test_submission_file(tmp_path):
    infos = samples(DET)
    path = str(tmp_path / 'sub' / 'pred_keypoints_mpii_multi.mat')
    metric = MpiiMultiPersonMAP(
        ann_file=ANN,
        pose_nms=dedupe_nms,
        submission_file=path,
        format_only=True)
    assert run(metric, detection_outputs(infos, with_gt=False)) == {}
    pred = loadmat(path, squeeze_me=True, struct_as_record=False)['pred']
    with open(ANN) as f:
        images = json.load(f)['images']
    assert [p.image.name for p in pred] == [i['file_name'] for i in images]
    # one pose per group left after the NMS (the false positive lies
    # outside the group box), 16 joints, coordinates 1-based again
    first = infos[0]
    kpts, _ = gt_pose(first)
    entry = next(p for p in pred
                 if p.image.name == osp.basename(first['img_path']))
    points = entry.annorect.annopoints.point
    assert len(points) == 16 and points[3].id == 3
    assert points[3].x == pytest.approx(kpts[3, 0] + 1, abs=1e-3)


def test_errors():
    infos = samples(DET)
    with pytest.raises(ValueError, match='mpii_gt'):
        run(
            MpiiMultiPersonMAP(pose_nms=None),
            detection_outputs(infos, with_gt=False))
    with pytest.raises(ValueError, match='submission_file'):
        MpiiMultiPersonMAP(pose_nms=None, format_only=True)
    with pytest.raises(ValueError, match='pose_nms'):
        MpiiMultiPersonMAP(pose_nms=3)
    with pytest.raises(FileNotFoundError):
        MpiiMultiPersonMAP(ann_file='missing.json', pose_nms=None)
    outputs = detection_outputs(infos)
    outputs[0].set_metainfo(dict(img_id=12345))
    with pytest.raises(ValueError, match='12345'):
        run(MpiiMultiPersonMAP(ann_file=ANN, pose_nms=None), outputs)
    outputs = detection_outputs(infos)
    del outputs[0].pred_instances.bboxes
    with pytest.raises(ValueError, match='bboxes'):
        run(MpiiMultiPersonMAP(pose_nms=dedupe_nms), outputs)


def test_fourteen_joint_predictions_without_pelvis_and_thorax(monkeypatch):
    # Poses without pelvis and thorax are located by their hips and
    # shoulders: the table is the full one, not NaN.
    outputs = []
    for info in samples():
        kpts, annotated = gt_pose(info)
        kpts = kpts.copy()
        kpts[[6, 7]] = np.nan
        outputs.append(data_sample(info, kpts, np.where(annotated, .9, .01)))
    result = run(MpiiMultiPersonMAP(pose_nms=None), outputs)
    assert all(v == pytest.approx(100.) for v in result.values())
    # Without the fallback every pose is dropped: warned, never silent.
    logged = []
    monkeypatch.setattr(metric_module, 'print_log',
                        lambda msg, **kw: logged.append((msg, kw)))
    result = run(
        MpiiMultiPersonMAP(pose_nms=None, group_anchor_fallback=False),
        outputs)
    assert all(np.isnan(v) for v in result.values())
    warnings = [m for m, kw in logged if kw.get('level') == logging.WARNING]
    assert len(warnings) == 3
    assert '5 of 5 poses have no finite pelvis and thorax' in warnings[0]
    assert 'none of the 5 poses lies in a group box' in warnings[1]
    assert 'undefined (NaN)' in warnings[2] and 'Total' in warnings[2]
    info = next(m for m, kw in logged if 'MPII multi-person AP' in m)
    assert 'poses: 0 of 5 in a group' in info
