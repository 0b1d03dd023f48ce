"""Switching PGPG on after N epochs
(tests/configs/sppe-pgpg-switch_hourglass52_1xb2-2e_coco-sample-64x48.py).

The config reuses MMDetection's ``PipelineSwitchHook``; this trains the tiny
sample config for 2 epochs and checks that epoch 1 runs on ground-truth boxes
and epoch 2 on PGPG proposals from a model fitted on the shipped sample.
"""
import os.path as osp

from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

from rmpe_mm.datasets.pgpg import PGPGFitConfig, fit_pgpg_from_files

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(REPO, 'tests', 'configs',
                  'sppe-pgpg-switch_hourglass52_1xb2-2e_coco-sample-64x48.py')
COCO = osp.join(REPO, 'tests', 'data', 'coco')


class _ProposalProbe(Hook):
    """Counts PoseGuidedProposals calls per epoch (runs after the switch)."""

    priority = 'LOW'

    def __init__(self) -> None:
        self.calls = []
        self.pipelines = []

    def before_train_epoch(self, runner) -> None:
        transforms = runner.train_dataloader.dataset.pipeline.transforms
        self.pipelines.append([type(t).__name__ for t in transforms])
        self.calls.append(0)
        for t in transforms:
            if type(t).__name__ == 'PoseGuidedProposals':
                original = t.transform

                def counted(results, _orig=original):
                    out = _orig(results)
                    assert 'gt_bbox_center' in out
                    self.calls[-1] += 1
                    return out

                t.transform = counted


def test_pgpg_switches_on_after_first_epoch(tmp_path):
    model, _, _ = fit_pgpg_from_files(
        osp.join(COCO, 'test_coco.json'),
        osp.join(COCO, 'test_coco_det_AP_H_56.json'),
        PGPGFitConfig(num_atoms=2, num_components=1, min_samples=5),
        progress=False)
    model_file = str(tmp_path / 'pgpg.json')
    model.save(model_file)

    cfg = Config.fromfile(CONFIG)
    assert cfg.custom_hooks[0].type == 'mmdet.PipelineSwitchHook'
    assert cfg.custom_hooks[0].switch_epoch == 1
    stage2 = cfg.custom_hooks[0].switch_pipeline
    assert stage2[3].type == 'PoseGuidedProposals'
    stage2[3].model_file = model_file
    cfg.train_dataloader.dataset.data_root = COCO + '/'
    cfg.train_dataloader.batch_size = 16  # one iteration per epoch
    cfg.default_hooks.checkpoint = None
    # Built from the config's parts (no validation, no config dump: the
    # dump formats the whole config with yapf, which takes seconds).
    runner = Runner(
        model=cfg.model,
        work_dir=str(tmp_path / 'work'),
        train_dataloader=cfg.train_dataloader,
        train_cfg=dict(by_epoch=True, max_epochs=2),
        optim_wrapper=cfg.optim_wrapper,
        param_scheduler=cfg.param_scheduler,
        default_hooks=cfg.default_hooks,
        custom_hooks=cfg.custom_hooks,
        default_scope=cfg.default_scope,
        log_level='WARNING')
    probe = _ProposalProbe()
    runner.register_hook(probe)
    runner.train()
    assert 'PoseGuidedProposals' not in probe.pipelines[0]
    assert 'PoseGuidedProposals' in probe.pipelines[1]
    assert probe.calls[0] == 0
    assert probe.calls[1] == len(runner.train_dataloader.dataset)
