"""Every override the config READMEs document takes effect.

``configs/rmpe/mpii/README.md`` and ``configs/rmpe/coco/README.md`` offer
two settings, the environment variables ``RMPE_DATA_ROOT`` and
``RMPE_PGPG_MODEL`` (MMEngine's ``{{$NAME:default}}``). Each is performed
here on the headline configs of both data sets, and the built pipelines and
datasets are checked to have changed. Top-level keys that a base consumes
while it builds its pipelines (``pgpg_model_file``, ``padding``, ...) would
be silently inert under ``--cfg-options``: no config exports them.
"""
import glob
import os
import os.path as osp
import re
import shutil
from typing import Dict, Iterator, List

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

import rmpe_mm  # noqa: F401

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
READMES = ('configs/rmpe/mpii/README.md', 'configs/rmpe/coco/README.md')
#: The settings this file performs; the READMEs may offer no other.
SETTINGS = {'RMPE_DATA_ROOT', 'RMPE_PGPG_MODEL'}

MPII = {
    'sppe':
    'configs/rmpe/mpii/'
    'sppe_hourglass52-8stack_8xb32-210e_mpii-256x256.py',
    'rmpe':
    'configs/rmpe/mpii/'
    'rmpe_sstn-hourglass52-8stack_8xb32-60e_mpii-256x256.py',
}
COCO = {
    'sppe':
    'configs/rmpe/coco/'
    'sppe_hourglass52-8stack_8xb32-210e_coco-256x192.py',
    'rmpe':
    'configs/rmpe/coco/'
    'rmpe_sstn-hourglass52-8stack_8xb32-60e_coco-256x192.py',
}
HEADLINE = sorted(MPII.values()) + sorted(COCO.values())
DEFAULT_PGPG = {
    'mpii': 'data/mpii/pgpg/mpii_pgpg_model.json',
    'coco': 'data/coco/pgpg/coco_pgpg_model.json',
}

#: Files of each layout (relative to the data root) <- the repo's samples.
LAYOUTS = {
    'mpii': {
        'annotations/mpii_multi_person_train.json':
        'tests/data/mpii/test_mpii_multi.json',
        'annotations/mpii_multi_person_val.json':
        'tests/data/mpii/test_mpii_multi.json',
        'person_detection_results/mpii_multi_person_val_det.json':
        'tests/data/mpii/test_mpii_det.json',
    },
    'coco': {
        'annotations/person_keypoints_train2017.json':
        'tests/data/coco/test_coco.json',
        'annotations/person_keypoints_val2017.json':
        'tests/data/coco/test_coco.json',
        'person_detection_results/'
        'COCO_val2017_detections_AP_H_56_person.json':
        'tests/data/coco/test_coco_det_AP_H_56.json',
    },
}


def _load(config: str) -> Config:
    return Config.fromfile(osp.join(REPO, config))


def _all_configs() -> List[str]:
    paths = glob.glob(osp.join(REPO, 'configs', '**', '*.py'), recursive=True)
    paths += glob.glob(osp.join(REPO, 'tests', 'configs', '*.py'))
    return sorted(
        osp.relpath(p, REPO) for p in paths
        if not osp.relpath(p, REPO).startswith(
            osp.join('configs', '_base_', 'detectors')))


def _pgpg_steps(cfg: Config) -> Iterator[dict]:
    """Every PoseGuidedProposals step of every pipeline of ``cfg``."""
    pipelines = [
        cfg[f'{split}_dataloader'].dataset.pipeline
        for split in ('train', 'val', 'test')
    ]
    pipelines += [
        hook.switch_pipeline for hook in cfg.get('custom_hooks', [])
        if 'switch_pipeline' in hook
    ]
    for pipeline in pipelines:
        for step in pipeline:
            if step['type'] == 'PoseGuidedProposals':
                yield step


def _documented_settings() -> Dict[str, set]:
    return {
        readme: set(
            re.findall(r'`(RMPE_[A-Z_]+)`',
                       open(osp.join(REPO, readme)).read()))
        for readme in READMES
    }


def test_readmes_offer_these_settings_and_no_pipeline_index():
    for readme, names in _documented_settings().items():
        assert names == SETTINGS, readme
        text = open(osp.join(REPO, readme)).read()
        assert not re.search(r'pipeline\.\d', text), readme


@pytest.mark.parametrize('config', HEADLINE)
def test_default_pgpg_model_file(config, monkeypatch):
    monkeypatch.delenv('RMPE_PGPG_MODEL', raising=False)
    steps = list(_pgpg_steps(_load(config)))
    assert steps, config
    dataset = 'mpii' if '/mpii/' in config else 'coco'
    assert all(s['model_file'] == DEFAULT_PGPG[dataset] for s in steps)


@pytest.mark.parametrize('config', HEADLINE)
@pytest.mark.parametrize('value', ['none', 'None', 'NONE'])
def test_no_fitted_pgpg_model(config, value, monkeypatch):
    """``RMPE_PGPG_MODEL=none``: every PGPG transform uses the reference
    code's pose-independent Gaussian (no file read)."""
    from mmpose.registry import TRANSFORMS

    from rmpe_mm.datasets.pgpg import PGPGModel
    monkeypatch.setenv('RMPE_PGPG_MODEL', value)
    cfg = _load(config)
    init_default_scope('mmpose')
    steps = list(_pgpg_steps(cfg))
    assert steps and all(s['model_file'] is None for s in steps)
    built = TRANSFORMS.build(dict(steps[0])).model
    assert built.to_dict() == PGPGModel.published().to_dict()


@pytest.mark.parametrize('config', HEADLINE)
def test_another_pgpg_model_file(config, fitted_pgpg, monkeypatch):
    from mmpose.registry import TRANSFORMS

    from rmpe_mm.datasets.pgpg import PGPGModel
    monkeypatch.setenv('RMPE_PGPG_MODEL', fitted_pgpg)
    cfg = _load(config)
    init_default_scope('mmpose')
    steps = list(_pgpg_steps(cfg))
    assert steps and all(s['model_file'] == fitted_pgpg for s in steps)
    built = TRANSFORMS.build(dict(steps[0])).model
    assert built.to_dict() == PGPGModel.load(fitted_pgpg).to_dict()
    assert built.to_dict() != PGPGModel.published().to_dict()


def test_pgpg_switch_smoke_config_reads_the_same_variable(
        fitted_pgpg, monkeypatch):
    config = ('tests/configs/'
              'sppe-pgpg-switch_hourglass52_1xb2-2e_coco-sample-64x48.py')
    monkeypatch.delenv('RMPE_PGPG_MODEL', raising=False)
    assert [s['model_file'] for s in _pgpg_steps(_load(config))] == [None]
    monkeypatch.setenv('RMPE_PGPG_MODEL', fitted_pgpg)
    assert [s['model_file']
            for s in _pgpg_steps(_load(config))] == [fitted_pgpg]


def _make_layout(root: str, dataset: str) -> None:
    for dst, src in LAYOUTS[dataset].items():
        os.makedirs(osp.dirname(osp.join(root, dst)), exist_ok=True)
        shutil.copy(osp.join(REPO, src), osp.join(root, dst))


@pytest.mark.parametrize('config,trailing_slash', [
    (MPII['sppe'], False),
    (MPII['rmpe'], True),
    (COCO['sppe'], True),
    (COCO['rmpe'], False),
    ('configs/rmpe/mpii/td-hm_hourglass52_8xb64-210e_mpii-256x256.py', False),
])
def test_another_data_root(config, trailing_slash, tmp_path, monkeypatch):
    """``RMPE_DATA_ROOT``: every loader and evaluator reads the new root,
    and the datasets build from the files there."""
    from mmpose.registry import DATASETS
    dataset = 'mpii' if '/mpii/' in config else 'coco'
    root = str(tmp_path / 'elsewhere')
    _make_layout(root, dataset)
    monkeypatch.setenv('RMPE_DATA_ROOT',
                       root + '/' if trailing_slash else root)
    cfg = _load(config)
    init_default_scope('mmpose')
    for split in ('train', 'val', 'test'):
        ds_cfg = cfg[f'{split}_dataloader'].dataset
        assert ds_cfg.data_root == root + '/', split
        # the data, not the pipeline (its PGPG file: the tests above)
        assert len(DATASETS.build(dict(ds_cfg, pipeline=[]))) > 0, split
    assert cfg.test_dataloader.dataset.bbox_file.startswith(root + '/')
    for evaluator in (cfg.val_evaluator, cfg.test_evaluator):
        assert evaluator.ann_file.startswith(root + '/')
        assert osp.isfile(evaluator.ann_file)


@pytest.mark.parametrize('config', HEADLINE)
def test_default_data_root(config, monkeypatch):
    monkeypatch.delenv('RMPE_DATA_ROOT', raising=False)
    cfg = _load(config)
    dataset = 'mpii' if '/mpii/' in config else 'coco'
    for split in ('train', 'val', 'test'):
        assert cfg[f'{split}_dataloader'].dataset.data_root == (
            f'data/{dataset}/')


# Top-level names that a base would consume while building its pipelines,
# loaders or model, so that setting them later changes nothing
# (`dataset_type` and `data_mode` stay: MMPose's inferencers read them).
INERT_NAMES = ('pgpg_model_file', 'padding', 'sppe_checkpoint',
               'parallel_checkpoint', 'mpii_multi_person_meta_keys',
               'mpii_multi_person_val_ann', 'mpii_multi_person_det_file',
               'train_ann', 'val_ann', 'det_file', 'img_prefix',
               'pgpg_switch_epoch', 'context')
#: Configs that inherit an MMPose config: MMPose's own top-level
#: ``data_root`` comes with it.
FROM_MMPOSE = {
    'configs/rmpe/mpii/td-hm_hourglass52_8xb64-210e_mpii-256x256.py',
    'configs/rmpe/coco/rmpe_sstn-hrnet-w32_8xb64-210e_coco-256x192.py',
    'tests/configs/td-hm_hourglass52_1xb2-3e_mpii-sample-64x64.py',
    'tests/configs/rmpe_sstn-hrnet-w32_1xb2-1e_coco-sample-256x192.py',
}


@pytest.mark.parametrize('config', _all_configs())
def test_no_inert_top_level_settings(config):
    """``--cfg-options pgpg_model_file=X`` cannot silently do nothing: no
    config has such a top-level key (nor the other consumed names)."""
    cfg = _load(config)
    assert not set(INERT_NAMES) & set(cfg.keys()), config
    if config not in FROM_MMPOSE:
        assert 'data_root' not in cfg, config


def test_data_root_env_overrides_in_a_subprocess(run_python, tmp_path):
    """The override as a user types it: ``RMPE_DATA_ROOT=... python
    tools/...`` (MMEngine prints that it used the variable)."""
    root = str(tmp_path / 'mpii')
    _make_layout(root, 'mpii')
    script = tmp_path / 'show.py'
    script.write_text('import sys\nfrom mmengine.config import Config\n'
                      'cfg = Config.fromfile(sys.argv[1])\n'
                      'print(cfg.test_dataloader.dataset.bbox_file)\n')
    out = run_python(
        str(script),
        MPII['rmpe'],
        env=dict(RMPE_DATA_ROOT=root, RMPE_PGPG_MODEL='none'))
    assert osp.join(root, 'person_detection_results',
                    'mpii_multi_person_val_det.json') in out


@pytest.mark.parametrize(
    'config',
    sorted(
        osp.relpath(p, REPO) for p in glob.glob(
            osp.join(REPO, 'projects', 'synthetic_benchmark', 'configs',
                     'lhg*.py')) + glob.glob(
                         osp.join(REPO, 'projects', 'synthetic_benchmark',
                                  'configs', 'rmpe_*.py'))))
def test_synthetic_configs_have_no_pgpg_model_file_key(config):
    """The synthetic benchmark's settings are its environment variables
    (its README); the PGPG file and the padding have no config key that
    ``--cfg-options`` could mistake for one."""
    cfg = _load(config)
    assert not {'pgpg_model_file', 'padding'} & set(cfg.keys()), config
