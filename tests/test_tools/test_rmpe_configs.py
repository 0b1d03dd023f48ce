"""The SSTN sample configs through the tools, as a user runs them.

MPII: train (SSTN + frozen parallel SPPE + PGPG + center targets), resume,
test on detections with pose NMS and the MPII mAP. COCO: train, test on the
samples' real detector boxes with PPNMSCocoMetric, dump the predictions and
tune the pose NMS on the dump. HRNet: MMPose's config with the STN added by
inheritance builds and takes a training step.
"""
import json
import os.path as osp

import pytest
import torch
from mmengine.config import Config

import rmpe_mm  # noqa: F401


def _train(run_python, config, work_dir, epochs):
    return run_python('tools/train.py', config, '--work-dir', work_dir,
                      '--cfg-options', f'train_cfg.max_epochs={epochs}')


def test_sstn_mpii_sample_trains_resumes_and_tests(run_python, tmp_path):
    config = 'tests/configs/rmpe_sstn-hourglass52-2stack_1xb2-3e_mpii-sample-64x64.py'  # noqa: E501
    work_dir = str(tmp_path)
    log = _train(run_python, config, work_dir, 1)
    # both branches train: the SPPE through the SDTN, the STN also through
    # the frozen parallel SPPE
    for key in ('loss_kpt', 'loss_parallel', 'stn_guarded'):
        assert key in log, key
    log = run_python('tools/train.py', config,
                     '--work-dir', work_dir, '--resume',
                     osp.join(work_dir, 'epoch_1.pth'), '--cfg-options',
                     'train_cfg.max_epochs=2')
    assert 'resumed epoch: 1' in log
    out = tmp_path / 'metrics.json'
    log = run_python('tools/test.py', config,
                     osp.join(work_dir, 'epoch_2.pth'), '--work-dir',
                     str(tmp_path / 'test'), '--out', str(out))
    assert 'MPII multi-person AP (5 groups)' in log
    assert 'Total' in json.loads(out.read_text())


def test_sstn_coco_sample_with_ppnms_and_tuning(run_python, tmp_path):
    config = 'tests/configs/rmpe_sstn-hourglass52-2stack_1xb2-3e_coco-sample-64x48.py'  # noqa: E501
    work_dir = str(tmp_path)
    _train(run_python, config, work_dir, 1)
    out = tmp_path / 'metrics.json'
    dump = tmp_path / 'preds.pkl'
    run_python('tools/test.py', config, osp.join(work_dir,
                                                 'epoch_1.pth'), '--work-dir',
               str(tmp_path / 'test'), '--out', str(out), '--dump', str(dump))
    metrics = json.loads(out.read_text())
    assert 0.0 <= metrics['coco/AP'] <= 1.0
    import pickle
    with open(dump, 'rb') as f:
        # one prediction per real detector box of the 4 sample images
        assert len(pickle.load(f)) == len(
            json.load(open('tests/data/coco/test_coco_det_AP_H_56.json')))
    tuned = tmp_path / 'tuned.json'
    log = run_python('tools/tune_ppnms.py',
                     str(dump), 'tests/data/coco/test_coco.json', '--out',
                     str(tuned), '--max-rounds', '1', '--no-progress')
    assert 'round | pair' in log
    from rmpe_mm.evaluation.functional import ParametricPoseNMS
    ParametricPoseNMS(params_file=str(tuned))


def test_sstn_added_to_an_mmpose_config_builds_and_trains(repo_root):
    from mmengine.registry import init_default_scope
    from mmpose.registry import MODELS
    from mmpose.testing import get_packed_inputs
    cfg = Config.fromfile(
        osp.join(repo_root, 'configs', 'rmpe', 'coco',
                 'rmpe_sstn-hrnet-w32_8xb64-210e_coco-256x192.py'))
    assert cfg.model.type == 'RMPEPoseEstimator'
    assert cfg.model.backbone.type == 'HRNet'  # MMPose's, untouched
    cfg.model.backbone.init_cfg = None  # no download
    init_default_scope('mmpose')
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.train()
    inputs = get_packed_inputs(
        batch_size=1,
        num_keypoints=17,
        img_shape=(128, 96),
        input_size=(96, 128),
        heatmap_size=(24, 32),
        with_heatmap=True)
    data = model.data_preprocessor(inputs, training=True)
    losses = model.loss(data['inputs'], data['data_samples'])
    total = sum(v for k, v in losses.items() if 'loss' in k)
    total.backward()
    assert torch.isfinite(total)
    # identity-initialised STN: its last layer has zero weights, yet the
    # SDTN path sends it a gradient
    assert model.stn.fc.weight.grad.abs().sum() > 0


@pytest.mark.parametrize('name', [
    'mpii/rmpe_sstn-hourglass52-8stack_8xb32-60e_mpii-256x256',
    'mpii/sppe_hourglass52-8stack_8xb32-210e_mpii-256x256',
    'coco/rmpe_sstn-hourglass52-8stack_8xb32-60e_coco-256x192',
    'coco/sppe_hourglass52-8stack_8xb32-210e_coco-256x192'
])
def test_headline_configs_name_their_fitted_pgpg_model(name, repo_root):
    """The headline recipes name the PGPG model of their fitting step (not
    the pose-independent fallback), and the recipe of the config's folder
    writes that file. (That the pipelines build on such a file:
    tests/test_configs/test_all_configs.py.)"""
    path = osp.join(repo_root, 'configs', 'rmpe', f'{name}.py')
    cfg = Config.fromfile(path)
    pgpg = [
        s for s in cfg.train_dataloader.dataset.pipeline
        if s['type'] == 'PoseGuidedProposals'
    ]
    assert len(pgpg) == 1
    assert pgpg[0]['model_file'] == cfg.pgpg_model_file
    assert cfg.pgpg_model_file.endswith('.json')
    recipe = open(osp.join(osp.dirname(path), 'README.md')).read()
    assert f'--out {cfg.pgpg_model_file}' in recipe


def test_documented_entry_point_trains(run_python, tmp_path, repo_root,
                                       fitted_pgpg):
    """``python tools/train.py configs/rmpe_hg_mpii.py`` (the paper's MPII
    model, full size: 8-stack hourglass, 256x256, ResNet-18 STN, 4-stack
    parallel SPPE) takes its training steps; only the data (the MPII
    samples), the PGPG file (a small fitted one), the stage-1 checkpoints
    (none) and the loader sizes are overridden."""
    config = 'configs/rmpe_hg_mpii.py'
    cfg = Config.fromfile(osp.join(repo_root, config))
    steps = [s['type'] for s in cfg.train_dataloader.dataset.pipeline]
    pgpg = ('train_dataloader.dataset.pipeline.'
            f'{steps.index("PoseGuidedProposals")}')
    log = run_python('tools/train.py', config, '--work-dir',
                     str(tmp_path / 'run'), '--no-validate', '--cfg-options',
                     'load_from=None', 'model.parallel_sppe.checkpoint=None',
                     'train_cfg.max_epochs=1', 'train_dataloader.batch_size=2',
                     'train_dataloader.num_workers=0',
                     'train_dataloader.persistent_workers=False',
                     'train_dataloader.dataset.data_root=tests/data/mpii/',
                     'train_dataloader.dataset.ann_file=test_mpii_multi.json',
                     'train_dataloader.dataset.data_prefix.img=',
                     'train_dataloader.dataset.indices=2',
                     f'{pgpg}.model_file={fitted_pgpg}')
    for key in ('loss_kpt', 'loss_parallel'):
        assert key in log, key
    assert osp.isfile(tmp_path / 'run' / 'epoch_1.pth')
