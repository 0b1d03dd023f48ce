"""The RMPE configs of one dataset are one recipe: stage 2 is the stage-1a
SPPE plus the SSTN and, as parallel SPPE, the stage-1b network; the stages
share data and test protocol. ``configs/rmpe_hg_mpii.py`` is the MPII
stage-2 config under its documented name."""
import os.path as osp

import pytest
from mmengine.config import Config

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
STAGE2_ONLY = ('type', 'stn', 'parallel_sppe', 'parallel_loss_weight')

#: dataset -> (1a SPPE, 1b parallel SPPE, 2 RMPE)
RECIPES = {
    'mpii': ('sppe_hourglass52-8stack_8xb32-210e_mpii-256x256',
             'parallel-sppe_hourglass52-4stack_8xb32-210e_mpii-256x256',
             'rmpe_sstn-hourglass52-8stack_8xb32-60e_mpii-256x256'),
    'coco': ('sppe_hourglass52-8stack_8xb32-210e_coco-256x192',
             'parallel-sppe_hourglass52-4stack_8xb32-210e_coco-256x192',
             'rmpe_sstn-hourglass52-8stack_8xb32-60e_coco-256x192'),
}


def _load(dataset: str, name: str) -> Config:
    return Config.fromfile(
        osp.join(REPO, 'configs', 'rmpe', dataset, f'{name}.py'))


@pytest.mark.parametrize('dataset', sorted(RECIPES))
def test_stage2_is_stage1_plus_sstn_and_parallel_sppe(dataset):
    sppe, parallel, rmpe = (_load(dataset, n) for n in RECIPES[dataset])
    assert sppe.model.type == parallel.model.type == 'TopdownPoseEstimator'
    assert rmpe.model.type == 'RMPEPoseEstimator'
    assert rmpe.model.stn.type == 'STNLocalizer'
    # the SPPE of stage 2 is stage 1a's network
    shared = {k: v for k, v in rmpe.model.items() if k not in STAGE2_ONLY}
    assert shared == {k: v for k, v in sppe.model.items() if k != 'type'}
    # its parallel SPPE is stage 1b's network, with 1b's checkpoint
    frozen = dict(rmpe.model.parallel_sppe)
    checkpoint = frozen.pop('checkpoint')
    assert frozen.pop('checkpoint_prefix') is None
    assert frozen == parallel.model.to_dict()
    # the default checkpoints are the last ones stages 1b and 1a write
    assert checkpoint.endswith(f'/{RECIPES[dataset][1]}/epoch_'
                               f'{parallel.train_cfg.max_epochs}.pth')
    assert rmpe.load_from.endswith(f'/{RECIPES[dataset][0]}/epoch_'
                                   f'{sppe.train_cfg.max_epochs}.pth')
    # 1b: the 1a network with 4 stacks, on ground-truth boxes
    assert parallel.model.backbone.num_stacks == 4
    assert sppe.model.backbone.num_stacks == 8
    sppe_steps = [s.type for s in sppe.train_dataloader.dataset.pipeline]
    parallel_steps = [
        s.type for s in parallel.train_dataloader.dataset.pipeline
    ]
    rmpe_steps = [s.type for s in rmpe.train_dataloader.dataset.pipeline]
    assert 'PoseGuidedProposals' in sppe_steps
    assert 'PoseGuidedProposals' not in parallel_steps
    assert rmpe_steps == sppe_steps[:-1] + [
        'GenerateCenterTarget', 'PackPoseInputs'
    ]
    # one data and test protocol
    for key in ('val_dataloader', 'test_dataloader', 'val_evaluator',
                'test_evaluator'):
        assert sppe[key] == parallel[key] == rmpe[key], key


def test_documented_entry_point_is_the_mpii_stage2_config():
    alias = Config.fromfile(osp.join(REPO, 'configs', 'rmpe_hg_mpii.py'))
    config = _load('mpii', RECIPES['mpii'][2])
    for key in ('model', 'train_dataloader', 'val_dataloader',
                'test_dataloader', 'val_evaluator', 'test_evaluator',
                'optim_wrapper', 'param_scheduler', 'train_cfg', 'load_from'):
        assert alias[key] == config[key], key
