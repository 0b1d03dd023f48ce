"""Every config of ``configs/`` (but ``_base_/``) and of ``tests/configs/``
resolves, builds its model (random weights, no checkpoint loaded) and every
transform of its pipelines; the sample configs also build their datasets.
(The synthetic benchmark's configs are tested in its project:
projects/synthetic_benchmark/tests/test_tools/test_configs.py.)

A PGPG model file that is not there (the headline configs name the file of
their fitting step) is replaced by a small fitted model, so the transform is
built as it will be in training.
"""
import glob
import os.path as osp
from typing import Dict, List

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

import rmpe_mm  # noqa: F401

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _configs() -> List[str]:
    """Paths, relative to the repository, of the configs under test."""
    paths = glob.glob(osp.join(REPO, 'configs', '**', '*.py'), recursive=True)
    paths = [
        p for p in paths
        if not osp.relpath(p, REPO).startswith(osp.join('configs', '_base_'))
    ]
    paths += glob.glob(osp.join(REPO, 'tests', 'configs', '*.py'))
    return sorted(osp.relpath(p, REPO) for p in paths)


CONFIGS = _configs()


def test_the_glob_finds_the_configs():
    assert 'configs/rmpe_hg_mpii.py' in CONFIGS  # the documented entry point
    assert any(c.startswith('configs/rmpe/mpii/') for c in CONFIGS)
    assert any(c.startswith('configs/rmpe/coco/') for c in CONFIGS)
    assert any(c.startswith('tests/configs/') for c in CONFIGS)


def _pipelines(cfg: Config) -> Dict[str, list]:
    """Every pipeline the config runs, by where it is set."""
    pipelines = {
        f'{split}_dataloader': cfg[f'{split}_dataloader'].dataset.pipeline
        for split in ('train', 'val', 'test')
    }
    for i, hook in enumerate(cfg.get('custom_hooks', [])):
        if 'switch_pipeline' in hook:
            pipelines[f'custom_hooks.{i}'] = hook.switch_pipeline
    return pipelines


@pytest.mark.parametrize('config', CONFIGS)
def test_config_builds_model_and_pipelines(config, fitted_pgpg):
    from mmpose.registry import DATASETS, MODELS, TRANSFORMS
    cfg = Config.fromfile(osp.join(REPO, config))
    init_default_scope(cfg.get('default_scope', 'mmpose'))
    model = MODELS.build(cfg.model)
    assert sum(p.numel() for p in model.parameters()) > 0
    for where, pipeline in _pipelines(cfg).items():
        assert pipeline, f'{config}: {where} has no pipeline'
        for step in pipeline:
            step = dict(step)
            if step['type'] == 'PoseGuidedProposals' and step.get(
                    'model_file') and not osp.exists(step['model_file']):
                step['model_file'] = fitted_pgpg
            TRANSFORMS.build(step)
    if config.startswith('tests/configs/'):  # the samples ship with the repo
        for split in ('train', 'val', 'test'):
            dataset = DATASETS.build(cfg[f'{split}_dataloader'].dataset)
            assert len(dataset) > 0, f'{config}: empty {split} dataset'
