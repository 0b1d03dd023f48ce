"""The one builder of the pose NMS (inferencers and metrics)."""
import pytest

from rmpe_mm.apis import current_scope, scope_guard
from rmpe_mm.evaluation.functional import ParametricPoseNMS, build_pose_nms


def test_build_variants():
    assert build_pose_nms(None) is None
    assert build_pose_nms('paper_mpii').preset == 'paper_mpii'
    built = build_pose_nms(
        dict(type='ParametricPoseNMS', preset='alphapose_body', gamma=5.))
    assert built.params.gamma == 5.

    def fn(*args):
        return args

    assert build_pose_nms(fn) is fn
    with pytest.raises(ValueError, match='pose_nms must be'):
        build_pose_nms(3)


def test_dict_type_defaults_to_parametric_pose_nms():
    built = build_pose_nms(dict(preset='paper_mpii', gamma=20.))
    assert isinstance(built, ParametricPoseNMS)
    assert built.preset == 'paper_mpii'
    assert built.params.gamma == 20.


def test_dict_is_built_in_the_mmpose_scope_whatever_the_current_one():
    with scope_guard('mmengine'):
        built = build_pose_nms(dict(type='ParametricPoseNMS'))
        assert current_scope() == 'mmengine'
    assert isinstance(built, ParametricPoseNMS)
