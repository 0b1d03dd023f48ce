"""Model names resolve to the configs MMPose's own inferencers resolve.

MMPose's ``Pose2DInferencer`` (and the ``DetInferencer`` it builds for
``det_model``) hand the resolved config and weights to MMEngine's
``BaseInferencer._init_model``; the tests record that call instead of
building (or downloading) anything.
"""
import os.path as osp

import pytest
from mmengine.infer import BaseInferencer

from rmpe_mm.apis import (PersonDetector, RMPEInferencer, resolve_model,
                          scope_guard)

RTMDET_M = 'mmdet::rtmdet/rtmdet_m_8xb32-300e_coco.py'
RTMDET_TINY = 'mmdet::rtmdet/rtmdet_tiny_8xb32-300e_coco.py'
RTMPOSE_M = ('mmpose::body_2d_keypoint/rtmpose/body8/'
             'rtmpose-m_8xb256-420e_body8-256x192.py')


class _Recorded(Exception):
    pass


@pytest.fixture
def mmpose_resolution(monkeypatch):
    """``resolve(scope, **Pose2DInferencer kwargs) -> (config, weights)``:
    what MMPose's inferencer resolves for the model of that scope."""
    from mmpose.apis.inferencers import Pose2DInferencer
    real = BaseInferencer._init_model
    seen = {}

    def record(self, cfg, weights, device='cpu'):
        if self.scope == seen['scope']:
            seen['result'] = (cfg, weights)
            raise _Recorded
        return real(self, cfg, weights, device)

    monkeypatch.setattr(BaseInferencer, '_init_model', record)

    def resolve(scope: str, **kwargs):
        seen['scope'] = scope
        with scope_guard('mmpose'), pytest.raises(_Recorded):
            Pose2DInferencer(device='cpu', **kwargs)
        return seen['result']

    return resolve


def _same_config(ours, theirs) -> None:
    assert osp.realpath(ours.filename) == osp.realpath(theirs.filename)
    assert ours.to_dict() == theirs.to_dict()


def test_pose_alias_and_mmpose_name(mmpose_resolution):
    config, weights = mmpose_resolution('mmpose', model='human')
    resolved = resolve_model('human', 'mmpose')
    _same_config(resolved.config, config)
    assert resolved.published_weights == weights
    assert weights.startswith('https://')
    assert config.filename.endswith(RTMPOSE_M.split('::')[1])
    by_name = resolve_model(RTMPOSE_M, 'mmpose')
    _same_config(by_name.config, config)
    assert by_name.published_weights == weights


def test_detector_alias_and_mmdet_name(mmpose_resolution, pose_config,
                                       pose_checkpoint):
    config, weights = mmpose_resolution(
        'mmdet',
        model=pose_config,
        weights=pose_checkpoint,
        det_model='rtmdet-m')
    for name in ('rtmdet-m', 'RTMDet-M', RTMDET_M):
        resolved = resolve_model(name, 'mmdet')
        _same_config(resolved.config, config)
        assert resolved.published_weights == weights
    path = resolve_model(config.filename, 'mmdet')
    _same_config(path.config, config)
    assert path.published_weights is None


def test_unknown_names_list_close_matches(tmp_path):
    with pytest.raises(
            ValueError, match=r"'rtmdet-mm'.*close matches.*"
            r"'rtmdet-m'"):
        resolve_model('rtmdet-mm', 'mmdet', 'det_model')
    with pytest.raises(ValueError, match='human'):
        resolve_model('humann', 'mmpose')
    with pytest.raises(
            ValueError,
            match=r'no such config.*close matches.*'
            r'mmdet::rtmdet/rtmdet_m_8xb32-300e_coco.py'):
        resolve_model(RTMDET_M.replace('coco', 'cooc'), 'mmdet')
    with pytest.raises(ValueError, match="'mmnothing' is not installed"):
        resolve_model('mmnothing::a/b.py', 'mmdet')
    with pytest.raises(FileNotFoundError, match='missing.py'):
        resolve_model(str(tmp_path / 'missing.py'), 'mmpose')
    with pytest.raises(ValueError, match='got int'):
        resolve_model(3, 'mmpose')


def test_models_build_from_names_with_random_weights():
    """weights='none': built from the resolved configs, nothing downloaded
    (weights=None would load the published ones: test_weights.py)."""
    detector = PersonDetector(RTMDET_TINY, 'none')
    assert detector.cfg.filename.endswith('rtmdet_tiny_8xb32-300e_coco.py')
    assert detector.published_weights.startswith('https://')
    inferencer = RMPEInferencer(
        'human', 'none', device='cpu', det_model=detector, pose_nms=None)
    assert inferencer.cfg.filename.endswith(RTMPOSE_M.split('::')[1])
    assert inferencer.model.dataset_meta['num_keypoints'] == 17
