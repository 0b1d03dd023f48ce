"""The person-detector configs inherit MMDetection's and build."""
import os.path as osp

import mmcv
import numpy as np
import pytest
import torch
from mmengine.config import Config

from rmpe_mm.apis import current_scope
from rmpe_mm.apis.person_detector import PersonDetector, _test_pipeline_cfg

DETECTORS = {
    # file: (type, NMS test_cfg path)
    'faster-rcnn_r50_fpn_person.py': ('FasterRCNN', ('rcnn', )),
    'ssd512_person.py': ('SingleStageDetector', ()),
    'rtmdet_m_person.py': ('RTMDet', ()),
    'rtmdet_tiny_person.py': ('RTMDet', ()),
}


def _config(repo_root: str, name: str) -> Config:
    return Config.fromfile(
        osp.join(repo_root, 'configs', '_base_', 'detectors', name))


@pytest.mark.parametrize('name', sorted(DETECTORS))
def test_config_inherits_mmdet_with_person_settings(repo_root, name):
    cfg = _config(repo_root, name)
    model_type, path = DETECTORS[name]
    assert cfg.model.type == model_type
    assert cfg.default_scope == 'mmdet'
    # no ImageNet download: the detector checkpoint holds all weights
    assert cfg.model.backbone.init_cfg is None
    test_cfg = cfg.model.test_cfg
    for key in path:
        test_cfg = test_cfg[key]
    assert test_cfg.score_thr == 0.05
    assert test_cfg.nms == dict(type='nms', iou_threshold=0.6)
    assert test_cfg.max_per_img == 100
    # 80 COCO classes kept so that the published weights load
    head = cfg.model.get('bbox_head') or cfg.model.roi_head.bbox_head
    assert head.num_classes == 80
    pipeline = _test_pipeline_cfg(cfg)
    assert pipeline[0]['type'] == 'mmdet.LoadImageFromNDArray'
    assert all('LoadAnnotations' not in t['type'] for t in pipeline)


@pytest.mark.parametrize('name',
                         ['ssd512_person.py', 'faster-rcnn_r50_fpn_person.py'])
def test_full_size_detectors_build_without_downloads(repo_root, name):
    before = current_scope()
    detector = PersonDetector(_config(repo_root, name), 'none')
    assert type(detector.model).__name__ == DETECTORS[name][0]
    assert current_scope() == before


def test_ssd512_runs(repo_root, pm):
    """SSD inference works despite MMDetection 3.3.0's SSDHead bug."""
    cfg = _config(repo_root, 'ssd512_person.py')
    # random weights: softmax scores are about 1/81, under the config's
    # 0.05, and person need not be among the top 100: keep every class
    cfg.model.test_cfg.score_thr = 0.0
    torch.manual_seed(0)
    detector = PersonDetector(cfg, 'none', person_labels=range(80))
    image = mmcv.imread(pm.COCO_IMAGES[0])
    boxes = detector([image])[0]
    assert len(boxes) > 0
    assert boxes.bboxes.shape == (len(boxes), 4)
    assert np.all(np.diff(boxes.scores) <= 0)
