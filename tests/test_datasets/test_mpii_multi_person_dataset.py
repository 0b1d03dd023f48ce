"""MpiiMultiPersonDataset on the shipped samples (tests/data/mpii)."""
import json
import os.path as osp

import numpy as np
import pytest
from mmengine.registry import init_default_scope

from rmpe_mm.datasets import MpiiMultiPersonDataset
from rmpe_mm.datasets.mpii_multi_person_format import MpiiImageGT

ROOT = osp.join(
    osp.dirname(osp.dirname(osp.abspath(__file__))), 'data', 'mpii')
ANN = osp.join(ROOT, 'test_mpii_multi.json')
DET = osp.join(ROOT, 'test_mpii_det.json')
META_KEYS = ('id', 'img_id', 'img_path', 'category_id', 'ori_shape',
             'img_shape', 'input_size', 'input_center', 'input_scale', 'flip',
             'flip_direction', 'flip_indices', 'raw_ann_info', 'dataset_name',
             'mpii_gt')


def build(**kwargs):
    return MpiiMultiPersonDataset(
        ann_file=ANN, data_prefix=dict(img=ROOT + '/'), **kwargs)


def test_training_samples_carry_head_box_and_group():
    dataset = build()
    assert len(dataset) == 5
    assert dataset.metainfo['dataset_name'] == 'mpii'
    assert dataset.metainfo['num_keypoints'] == 16
    assert dataset.metainfo['flip_indices'] == [
        5, 4, 3, 2, 1, 0, 6, 7, 8, 9, 15, 14, 13, 12, 11, 10
    ]
    with open(ANN) as f:
        raw = json.load(f)
    ann = raw['annotations'][0]
    info = dataset[0]
    assert info['img_id'] == ann['image_id']
    assert info['keypoints'].shape == (1, 16, 2)
    # r_ankle not annotated in the first sample -> invisible
    assert info['keypoints_visible'][0, 0] == 0
    assert info['keypoints_visible'][0, 1] == 1
    np.testing.assert_allclose(
        info['head_bbox'][0], ann['head_bbox'], rtol=1e-6)
    assert info['group_id'] == ann['group_id']
    assert info['raw_ann_info']['group_id'] == ann['group_id']
    x, y, w, h = ann['bbox']
    np.testing.assert_allclose(
        info['bbox'][0], [x, y, x + w, y + h], rtol=1e-5)
    assert 'mpii_gt' not in info  # training samples stay light


def test_detection_samples_carry_the_image_ground_truth():
    dataset = build(bbox_file=DET, test_mode=True)
    with open(DET) as f:
        dets = json.load(f)
    assert len(dataset) == len(dets) == 15
    info = dataset[4]
    assert info['img_id'] == dets[4]['image_id']
    assert info['bbox_score'][0] == pytest.approx(dets[4]['score'])
    gt = MpiiImageGT.from_dict(info['mpii_gt'])
    assert gt.img_id == info['img_id']
    assert gt.keypoints.shape == (1, 16, 2) and gt.group_ids.shape == (1, )
    assert gt.person_group_ids.tolist() == gt.group_ids.tolist()


def test_mpii_gt_survives_packing():
    init_default_scope('mmpose')
    pipeline = [
        dict(type='LoadImage'),
        dict(type='GetBBoxCenterScale', padding=1.3),
        dict(type='TopdownAffine', input_size=(32, 32)),
        dict(type='PackPoseInputs', meta_keys=META_KEYS),
    ]
    dataset = build(bbox_file=DET, test_mode=True, pipeline=pipeline)
    sample = dataset[0]['data_samples']
    assert sample.img_id == dataset.get_data_info(0)['img_id']
    gt = MpiiImageGT.from_dict(sample.metainfo['mpii_gt'])
    assert gt.head_bboxes.shape == (1, 4)


def test_missing_head_box_is_an_error(tmp_path):
    with open(ANN) as f:
        raw = json.load(f)
    del raw['annotations'][2]['head_bbox']
    path = tmp_path / 'bad.json'
    path.write_text(json.dumps(raw))
    with pytest.raises(ValueError, match="head_bbox"):
        MpiiMultiPersonDataset(ann_file=str(path))


def test_unknown_group_is_an_error(tmp_path):
    with open(ANN) as f:
        raw = json.load(f)
    raw['annotations'][0]['group_id'] = 99
    path = tmp_path / 'bad.json'
    path.write_text(json.dumps(raw))
    with pytest.raises(ValueError, match='group_id 99'):
        MpiiMultiPersonDataset(ann_file=str(path), test_mode=True)
