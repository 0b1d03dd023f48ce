"""The synthetic (simulated) files load in the project's MMPose dataset.

The generator itself never imports MMPose; this test only runs where MMPose
is installed.
"""
import importlib.util
import json
import os.path as osp

import numpy as np
import pytest

from synthetic_benchmark.generator import (AppearanceConfig, GeneratorConfig,
                                           SceneConfig, generate_dataset)

HAS_MMPOSE = importlib.util.find_spec('mmpose') is not None


@pytest.fixture(scope='module')
def root(tmp_path_factory):
    out = str(tmp_path_factory.mktemp('synth_mmpose'))
    cfg = GeneratorConfig(
        num_train=3,
        num_val=2,
        scene=SceneConfig(img_size=(96, 96)),
        appearance=AppearanceConfig(num_shapes_range=(2, 4)))
    generate_dataset(out, cfg, progress=False)
    return out


@pytest.mark.skipif(not HAS_MMPOSE, reason='mmpose is not installed')
def test_train_and_detection_files_load(root):
    from mmpose.datasets.transforms import LoadImage

    from rmpe_mm.datasets.mpii_multi_person_dataset import \
        MpiiMultiPersonDataset
    with open(osp.join(root, 'annotations', 'train.json')) as f:
        coco = json.load(f)
    train = MpiiMultiPersonDataset(
        ann_file='annotations/train.json',
        data_root=root,
        data_prefix=dict(img='images/'),
        pipeline=[LoadImage()])
    assert len(train) == len(coco['annotations'])
    sample = train[0]
    assert sample['img'].shape == (96, 96, 3)
    ann = next(a for a in coco['annotations'] if a['id'] == sample['id'])
    k = np.array(ann['keypoints']).reshape(16, 3)
    assert np.allclose(sample['keypoints'][0], k[:, :2], atol=1e-4)
    assert np.allclose(sample['head_bbox'][0], ann['head_bbox'], atol=1e-4)

    with open(osp.join(root, 'detections', 'val_det.json')) as f:
        dets = json.load(f)
    val = MpiiMultiPersonDataset(
        ann_file='annotations/val.json',
        data_root=root,
        bbox_file=osp.join(root, 'detections', 'val_det.json'),
        data_prefix=dict(img='images/'),
        test_mode=True)
    assert len(val) == len(dets)
    gt = MpiiMultiPersonDataset.image_gt(val.get_data_info(0))
    assert len(gt.person_ids) >= 1
