"""Fixtures: tiny random-weight models saved as checkpoints (session)."""
import pytest

import rmpe_mm  # noqa: F401  (registers the components)


@pytest.fixture(scope='session')
def pm():
    """The :mod:`pipeline_models` helper module (tests/pipeline_models.py)."""
    import pipeline_models
    return pipeline_models


@pytest.fixture(scope='session')
def models_dir(tmp_path_factory):
    return tmp_path_factory.mktemp('models')


@pytest.fixture(scope='session')
def det_config(pm) -> str:
    return pm.DET_CONFIG


@pytest.fixture(scope='session')
def pose_config(pm, models_dir) -> str:
    return pm.write_pose_config(models_dir)


@pytest.fixture(scope='session')
def pose_checkpoint(pm, pose_config, models_dir) -> str:
    return pm.save_pose_checkpoint(pose_config,
                                   str(models_dir / 'tiny_rmpe_coco.pth'))


@pytest.fixture(scope='session')
def det_checkpoint(pm, models_dir) -> str:
    return pm.save_det_checkpoint(str(models_dir / 'tiny_det.pth'))


@pytest.fixture
def tiny_inferencer(pm, pose_config, pose_checkpoint, det_config,
                    det_checkpoint):
    """Factory: an ``RMPEInferencer`` of the tiny random-weight pose model
    and detector on the CPU, keeping every pose; keyword arguments
    override those defaults."""
    from rmpe_mm.apis import RMPEInferencer

    def build(**overrides):
        kwargs = dict(
            device='cpu',
            det_model=det_config,
            det_weights=det_checkpoint,
            pose_nms=pm.KEEP_ALL_NMS)
        kwargs.update(overrides)
        return RMPEInferencer(pose_config, pose_checkpoint, **kwargs)

    return build
