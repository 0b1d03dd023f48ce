"""Registry scope safety: detector and pose model in any order."""
import numpy as np
import pytest
from mmengine.registry import DefaultScope, init_default_scope
from mmpose.registry import TRANSFORMS

from rmpe_mm.apis import current_scope, scope_guard

#: Pose NMS that keeps every cluster (random-weight joint scores are small).


@pytest.fixture(autouse=True)
def isolated_scope():
    """Undo every default-scope change a test makes."""
    with DefaultScope.overwrite_default_scope('mmengine'):
        yield


def _mmpose_transform_builds() -> bool:
    try:
        TRANSFORMS.build(dict(type='GetBBoxCenterScale'))
    except KeyError:
        return False
    return True


def _predictions(inferencer, images):
    results = list(inferencer(images, batch_size=len(images)))
    return [
        np.array([p['keypoints'] for p in people])
        for people in results[0]['predictions']
    ]


def test_scope_guard_sets_and_restores():
    init_default_scope('mmpose')
    with scope_guard('mmdet'):
        assert current_scope() == 'mmdet'
        init_default_scope('mmengine')  # created inside: discarded
    assert current_scope() == 'mmpose'
    with pytest.raises(RuntimeError):
        with scope_guard('mmdet'):
            raise RuntimeError
    assert current_scope() == 'mmpose'
    with pytest.raises(ValueError, match='non-empty'):
        with scope_guard(''):
            pass


def test_detector_first(pm, det_config, det_checkpoint, tiny_inferencer):
    """MMDetection's init_detector leaves the scope at mmdet; the pose
    model is built and run afterwards."""
    from mmdet.apis import init_detector
    init_detector(det_config, det_checkpoint, device='cpu')
    assert current_scope() == 'mmdet'
    assert not _mmpose_transform_builds()  # the hostile state is real
    inferencer = tiny_inferencer()
    keypoints = _predictions(inferencer, pm.COCO_IMAGES[:2])
    assert all(k.shape[1:] == (17, 2) and len(k) > 0 for k in keypoints)
    assert current_scope() == 'mmdet'  # left as found


def test_pose_model_first(pm, det_config, det_checkpoint, tiny_inferencer):
    """The inferencer is built, then other code switches to mmdet; the
    inferencer still runs and gives the same poses."""
    init_default_scope('mmpose')
    inferencer = tiny_inferencer()
    assert current_scope() == 'mmpose'
    before = _predictions(inferencer, pm.COCO_IMAGES[:2])
    from mmdet.apis import init_detector
    init_detector(det_config, det_checkpoint, device='cpu')
    assert current_scope() == 'mmdet'
    after = _predictions(inferencer, pm.COCO_IMAGES[:2])
    for a, b in zip(before, after):
        np.testing.assert_allclose(a, b)
    # building the detector did not leave mmdet behind either
    init_default_scope('mmpose')
    tiny_inferencer(det_weights=None)
    assert current_scope() == 'mmpose'
    assert _mmpose_transform_builds()
