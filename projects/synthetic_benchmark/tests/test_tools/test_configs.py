"""Every config of the project builds and trains one iteration.

Runs on a tiny generated dataset (3 train / 2 val images, 96x96) with one
iteration per config, so CI covers the ablation's configs cheaply. The
full config is also tested on the simulated detections with pose NMS.
"""
import glob
import os.path as osp

import numpy as np
import pytest

from synthetic_benchmark.config_variables import load_config
from synthetic_benchmark.paths import CONFIG_DIR, config_path
from synthetic_benchmark.testing import make_tiny_synthetic

#: The model configs (configs/schedules.py holds only the tools' epochs).
CONFIGS = sorted(
    p for p in glob.glob(osp.join(CONFIG_DIR, '*.py'))
    if osp.basename(p) != 'schedules.py')

#: config -> (RMPEPoseEstimator?, parallel SPPE?, test pose NMS)
EXPECTED = {
    'lhg1_synthetic_parallel.py': (False, False, None),
    'lhg2_synthetic_baseline.py': (False, False, None),
    'lhg2_synthetic_jitter.py': (False, False, None),
    'lhg2_synthetic_pgpg.py': (False, False, None),
    'rmpe_lhg2_synthetic.py': (True, True, 'paper_mpii'),
    'rmpe_lhg2_synthetic_jitter.py': (True, True, 'paper_mpii'),
    'rmpe_lhg2_synthetic_sstn.py': (True, False, None),
    'rmpe_lhg2_synthetic_sstn_parallel.py': (True, True, None),
    'rmpe_lhg2_synthetic_sstn_ctx2.py': (True, True, None),
    'rmpe_lhg2_synthetic_sstn_ctx2_pose_guided.py': (True, True, None),
}


def test_every_config_is_covered():
    assert sorted(EXPECTED) == [osp.basename(p) for p in CONFIGS]


@pytest.fixture(scope='module')
def tiny_root(tmp_path_factory) -> str:
    return make_tiny_synthetic(str(tmp_path_factory.mktemp('synthetic_tiny')))


def tiny_config(path: str, root: str, work_dir: str):
    """The config on the tiny data: 1 epoch of 1 iteration, no files."""
    cfg = load_config(path, dict(data_root=root))
    cfg.work_dir = work_dir
    cfg.experiment_name = osp.splitext(osp.basename(path))[0]
    cfg.load_from = None
    cfg.train_cfg.max_epochs = 1
    cfg.train_cfg.val_interval = 1
    cfg.train_dataloader.update(
        batch_size=2, num_workers=0, persistent_workers=False)
    cfg.train_dataloader.dataset.indices = 2
    for loader in (cfg.val_dataloader, cfg.test_dataloader):
        loader.update(num_workers=0, persistent_workers=False)
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=1)
    for step in cfg.train_dataloader.dataset.pipeline:
        if step['type'] == 'PoseGuidedProposals':
            step['model_file'] = None  # the published Gaussian
    if cfg.model.get('parallel_sppe') is not None:
        cfg.model.parallel_sppe.checkpoint = None  # random, frozen
    return cfg


def one_training_step(cfg) -> dict:
    """Build the config's model, data, optimiser and LR schedule, then run
    one training step on two samples (no Runner: cheap)."""
    import torch
    from mmengine.dataset import pseudo_collate
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import PARAM_SCHEDULERS, init_default_scope
    from mmpose.registry import DATASETS, MODELS
    init_default_scope('mmpose')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    batch = pseudo_collate([dataset[0], dataset[1]])
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    for sched in cfg.param_scheduler:
        PARAM_SCHEDULERS.build(
            dict(sched, optimizer=optim.optimizer, end=1) if sched.
            get('by_epoch', True) else dict(sched, optimizer=optim.optimizer))
    model.train()
    return model.train_step(batch, optim)


@pytest.mark.parametrize(
    'path', CONFIGS, ids=[osp.basename(p) for p in CONFIGS])
def test_config_builds_and_trains_one_step(path, tiny_root, tmp_path):
    cfg = tiny_config(path, tiny_root, str(tmp_path))
    losses = one_training_step(cfg)
    assert np.isfinite(float(losses['loss_kpt'].detach()))
    rmpe, parallel, pose_nms = EXPECTED[osp.basename(path)]
    assert (cfg.model.type == 'RMPEPoseEstimator') == rmpe
    assert ('loss_parallel' in losses) == parallel
    assert cfg.test_evaluator.pose_nms == pose_nms


def test_full_config_trains_and_tests_with_the_runner(tiny_root, tmp_path):
    """One epoch (one iteration) through MMEngine's Runner, validation on
    ground-truth boxes, then the test on the simulated detections with pose
    NMS."""
    from mmengine.runner import Runner
    path = config_path('rmpe_lhg2_synthetic')
    cfg = tiny_config(path, tiny_root, str(tmp_path))
    assert cfg.test_dataloader.dataset.bbox_file.endswith('val_det.json')
    runner = Runner.from_cfg(cfg)
    runner.train()
    hub = runner.message_hub
    assert runner.iter == 1
    assert np.isfinite(hub.get_scalar('train/loss_parallel').current())
    assert 'val/Total' in hub.log_scalars
    assert osp.isfile(osp.join(str(tmp_path), 'epoch_1.pth'))
    metrics = runner.test()
    assert set(metrics) >= {'Head', 'Wrist', 'Ankle', 'Total'}
    assert 0 <= metrics['Total'] <= 100


def test_config_defaults_are_the_ablation_schedule():
    """Run by hand, the configs train the ablation's epochs (schedules.py)
    and their default checkpoints are the ones those runs write."""
    from synthetic_benchmark.orchestration import tool_schedule
    ablation = tool_schedule('ablation')
    for path in CONFIGS:
        cfg = load_config(path, {})
        epochs = {k: cfg[k] for k in ablation if k in cfg}
        assert epochs and epochs == {k: ablation[k] for k in epochs}, path
        if 'parallel_sppe' in cfg.model and cfg.model.parallel_sppe:
            assert cfg.parallel_checkpoint.endswith(
                f"/lhg1_synthetic_parallel/epoch_{ablation['parallel_epochs']}"
                '.pth'), path
        if cfg.get('stage1_checkpoint'):
            assert cfg.load_from == cfg.stage1_checkpoint
            assert cfg.load_from.endswith(
                f"/epoch_{ablation['stage1_epochs']}.pth"), path
