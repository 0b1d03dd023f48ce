"""tools/eval_mpii.py: a submission written by MpiiMultiPersonMAP, read back
by the tool, gives the metric's table, against both ground-truth kinds.

Predictions are tie-heavy on purpose (every annotated joint scored .5) and
reach the metric in an order that is not the official one (images
reversed); the official ranking pools the groups in submission order
(images by id) and keeps equal scores in that order.
"""
import json
import os.path as osp

import numpy as np
import pytest
from mpii_mat_factory import (line_pose, person, write_annolist, write_groups,
                              write_release)
from mpii_official_literal import evaluate_ap
from scipy.io import loadmat, savemat

from rmpe_mm.datasets.mpii_multi_person_converter import convert_mpii_release
from rmpe_mm.datasets.mpii_release import load_mpii_groups, load_mpii_release
from rmpe_mm.evaluation.metrics import MpiiMultiPersonMAP

ANN = osp.join(
    osp.dirname(osp.dirname(osp.abspath(__file__))), 'data', 'mpii',
    'test_mpii_multi.json')


def annolist_from_json(data: dict, path: str, order=None) -> str:
    """The toolkit's ground truth of a multi-person JSON (1-based again):
    one entry per group, images by id (or in ``order``)."""
    images = sorted(data['images'], key=lambda i: i['id'])
    if order is not None:
        images = [images[k] for k in order]
    groups, names = [], []
    for img in images:
        for group in img['groups']:
            rects = []
            for ann in data['annotations']:
                if ann['image_id'] != img['id'] or \
                        ann['group_id'] != group['id']:
                    continue
                kpts = np.asarray(ann['keypoints']).reshape(16, 3)
                rects.append(
                    person(
                        {
                            j: (x + 1, y + 1, int(v == 2))
                            for j, (x, y, v) in enumerate(kpts) if v > 0
                        }, tuple(np.asarray(ann['head_bbox']) + 1)))
            groups.append(rects)
            names.append(img['file_name'])
    return write_annolist(path, groups, names)


def predictions(data: dict, rng: np.random.Generator) -> list:
    """Per GT person: a good pose, a near duplicate and a far false
    positive, every annotated joint scored .5 (unannotated .01); one good
    pose per image without pelvis and thorax (a 14-joint method)."""
    samples = []
    for ann in data['annotations']:
        kpts = np.asarray(ann['keypoints'], np.float64).reshape(16, 3)
        scores = np.where(kpts[:, 2] > 0, .5, .01)
        good = kpts[:, :2] + rng.normal(0, 4, (16, 2))
        good[[6, 7]] = np.nan
        dup = kpts[:, :2] + rng.normal(0, 8, (16, 2))
        far = kpts[:, :2] + [60., 0.]
        for pose in (good, dup, far):
            samples.append(
                dict(
                    id=len(samples),
                    img_id=ann['image_id'],
                    pred_instances=dict(
                        keypoints=pose[None],
                        keypoint_scores=scores[None],
                        bboxes=np.zeros((1, 4)),
                        bbox_scores=np.ones(1))))
    return samples


def metric_table(ann_file: str, samples: list, submission: str) -> dict:
    metric = MpiiMultiPersonMAP(
        ann_file=ann_file, pose_nms=None, submission_file=submission)
    metric.process(None, samples)
    return metric.compute_metrics(metric.results)


def test_round_trip_with_annolist_ground_truth(tmp_path, load_tool, capsys):
    with open(ANN) as f:
        data = json.load(f)
    samples = predictions(data, np.random.default_rng(0))
    sub = str(tmp_path / 'pred_keypoints_mpii_multi.mat')
    table = metric_table(ANN, samples[::-1], sub)
    gt = annolist_from_json(data, str(tmp_path / 'gt.mat'))
    result = load_tool('eval_mpii').main([gt, sub])
    assert list(result.table) == list(table)
    for name in table:
        assert result.table[name] == pytest.approx(table[name], abs=1e-9)
    assert 20 < table['Total'] < 95
    np.testing.assert_allclose(result.ap, evaluate_ap(gt, sub), atol=1e-9)
    out = capsys.readouterr().out
    assert 'Shoulder' in out and f'{table["Total"]:.1f}' in out
    # Pooling the groups in input order (images reversed) instead would
    # rank the ties differently and give other APs.
    num = len(data['images'])
    reordered_gt = annolist_from_json(
        data, str(tmp_path / 'gt_rev.mat'), order=range(num - 1, -1, -1))
    reordered_sub = str(tmp_path / 'sub_rev.mat')
    savemat(reordered_sub, {'pred': loadmat(sub)['pred'][:, ::-1]})
    in_input_order = evaluate_ap(reordered_gt, reordered_sub)
    assert np.nanmax(np.abs(in_input_order - result.ap)) > .1


def release_images() -> list:
    """Four multi-person training images (2-3 people, official groups) and
    one with a single person."""
    images = []
    for k in range(4):
        rects = [
            person(
                line_pose(100 + 200 * p + 7 * k, 50 + 3 * p, 2, 12),
                (95 + 200 * p + 7 * k, 10, 125 + 200 * p + 7 * k, 45),
                (130 + 200 * p + 7 * k, 140), 1.) for p in range(2 + k % 2)
        ]
        images.append(
            dict(name=f'm{k}.jpg', train=True, single=[], rects=rects))
    images.append(
        dict(
            name='s.jpg',
            train=True,
            single=[1],
            rects=[
                person(
                    line_pose(50, 50, 2, 12), (45, 10, 75, 45), (80, 140), 1.)
            ]))
    return images


def test_round_trip_with_release_ground_truth(tmp_path, load_tool):
    release = write_release(str(tmp_path / 'release.mat'), release_images())
    groups = write_groups(
        str(tmp_path / 'groups.mat'),
        [[[1, 2]], [[1], [2, 3]], [[1, 2]], [[1, 2], [3]], [[1]]])
    images = load_mpii_release(release)
    outputs, _ = convert_mpii_release(
        images,
        load_mpii_groups(groups, images),
        val_names=[f'm{k}.jpg' for k in range(4)])
    val = str(tmp_path / 'val.json')
    with open(val, 'w') as f:
        json.dump(outputs['val'], f)
    assert sum(len(i['groups']) for i in outputs['val']['images']) == 6
    samples = predictions(outputs['val'], np.random.default_rng(1))
    sub = str(tmp_path / 'sub.mat')
    table = metric_table(val, samples[::-1], sub)
    result = load_tool('eval_mpii').main(
        [release, sub, '--groups-file', groups])
    assert result.gt_kind == 'RELEASE' and result.num_groups == 6
    for name in table:
        assert result.table[name] == pytest.approx(table[name], abs=1e-9)
    assert 20 < table['Total'] < 95


def test_command_line(tmp_path, run_python):
    with open(ANN) as f:
        data = json.load(f)
    sub = str(tmp_path / 'sub.mat')
    table = metric_table(ANN, predictions(data, np.random.default_rng(2)), sub)
    gt = annolist_from_json(data, str(tmp_path / 'gt.mat'))
    out = run_python('tools/eval_mpii.py', gt, sub)
    assert '5 groups, 15 predicted poses' in out
    assert f'{table["Head"]:.1f}' in out and 'per joint: r_ankle' in out
