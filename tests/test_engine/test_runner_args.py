import copy
import os
import os.path as osp

import pytest
from mmengine.config import Config

from rmpe_mm.engine import merge_test_args, merge_train_args

CONFIG = 'tests/configs/td-hm_hourglass52_1xb2-3e_mpii-sample-64x64.py'


@pytest.fixture(scope='module')
def train_cli(load_tool):
    return load_tool('train')


@pytest.fixture(scope='module')
def test_cli(load_tool):
    return load_tool('test')


@pytest.fixture
def cfg() -> Config:
    return Config.fromfile(CONFIG)


def test_train_args_defaults(train_cli, cfg):
    cfg = merge_train_args(cfg, train_cli.parse_args([CONFIG]))
    assert cfg.work_dir == osp.join(
        './work_dirs', 'td-hm_hourglass52_1xb2-3e_mpii-sample-64x64')
    assert cfg.launcher == 'none'
    assert not cfg.get('resume', False)


def test_train_args_resume_amp_options(train_cli, cfg, tmp_path):
    ckpt = tmp_path / 'epoch_1.pth'
    ckpt.write_bytes(b'')
    args = train_cli.parse_args([
        CONFIG, '--work-dir',
        str(tmp_path), '--resume',
        str(ckpt), '--amp', '--cfg-options', 'train_cfg.max_epochs=7'
    ])
    cfg = merge_train_args(cfg, args)
    assert cfg.work_dir == str(tmp_path)
    assert cfg.resume is True and cfg.load_from == str(ckpt)
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    assert cfg.train_cfg.max_epochs == 7


def test_train_args_auto_resume(train_cli, cfg):
    cfg = merge_train_args(cfg, train_cli.parse_args([CONFIG, '--resume']))
    assert cfg.resume is True and cfg.load_from is None


def test_train_args_auto_resume_flag(train_cli, cfg, tmp_path):
    cfg = merge_train_args(cfg, train_cli.parse_args([CONFIG,
                                                      '--auto-resume']))
    assert cfg.resume is True and cfg.load_from is None
    ckpt = tmp_path / 'epoch_1.pth'
    ckpt.write_bytes(b'')
    with pytest.raises(ValueError, match='--auto-resume'):
        merge_train_args(
            cfg,
            train_cli.parse_args(
                [CONFIG, '--auto-resume', '--resume',
                 str(ckpt)]))


def test_train_args_missing_resume_file(train_cli, cfg):
    with pytest.raises(FileNotFoundError, match='no_such.pth'):
        merge_train_args(
            cfg, train_cli.parse_args([CONFIG, '--resume', 'no_such.pth']))


def test_train_args_no_validate_and_show_dir(train_cli, cfg, tmp_path):
    args = train_cli.parse_args(
        [CONFIG, '--no-validate', '--show-dir',
         str(tmp_path)])
    cfg = merge_train_args(cfg, args)
    assert cfg.val_dataloader is None and cfg.val_evaluator is None
    vis = cfg.default_hooks.visualization
    assert vis.enable is True and vis.out_dir == str(tmp_path)


def test_test_args_dump_and_checkpoint(test_cli, cfg, tmp_path):
    ckpt = tmp_path / 'model.pth'
    ckpt.write_bytes(b'')
    args = test_cli.parse_args(
        [CONFIG, str(ckpt), '--dump',
         str(tmp_path / 'preds.pkl')])
    cfg = merge_test_args(cfg, args)
    assert cfg.load_from == str(ckpt)
    evaluators = cfg.test_evaluator
    assert evaluators[0]['type'] == 'MpiiMultiPersonMAP'
    assert evaluators[-1] == dict(
        type='AtomicDumpResults', out_file_path=str(tmp_path / 'preds.pkl'))


def test_test_args_errors(test_cli, cfg, tmp_path):
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        merge_test_args(cfg, test_cli.parse_args([CONFIG, 'missing.pth']))
    ckpt = tmp_path / 'model.pth'
    ckpt.write_bytes(b'')
    with pytest.raises(ValueError, match='preds.json'):
        merge_test_args(
            cfg,
            test_cli.parse_args([CONFIG,
                                 str(ckpt), '--dump', 'preds.json']))


def test_test_args_cfg_options_reach_evaluator_before_dump(test_cli, tmp_path):
    # `--cfg-options test_evaluator.<key>=...` addresses the config's dict
    # evaluator, so it has to be merged before `--dump` turns it into a list.
    ckpt = tmp_path / 'model.pth'
    ckpt.write_bytes(b'')
    cfg = Config(
        dict(
            test_evaluator=dict(
                type='MpiiMultiPersonMAP', ann_file='a.json', pose_nms=None)))
    args = test_cli.parse_args([
        'small_config.py',
        str(ckpt), '--dump', 'x.pkl', '--cfg-options',
        'test_evaluator.ann_file=b.json'
    ])
    assert args.dump == 'x.pkl'
    assert args.cfg_options == {'test_evaluator.ann_file': 'b.json'}
    cfg = merge_test_args(cfg, args)
    assert cfg.test_evaluator == [
        dict(type='MpiiMultiPersonMAP', ann_file='b.json', pose_nms=None),
        dict(type='AtomicDumpResults', out_file_path='x.pkl'),
    ]


def test_shared_tool_flags_and_local_rank(test_cli, monkeypatch):
    """train and test parse the shared flags the same way; --local-rank
    becomes LOCAL_RANK unless a launcher already set it."""
    monkeypatch.delenv('LOCAL_RANK', raising=False)
    args = test_cli.parse_args([
        'c.py', 'ckpt.pth', '--show-dir', 'vis', '--interval', '3',
        '--launcher', 'pytorch', '--local-rank', '2', '--cfg-options', 'a=1'
    ])
    assert (args.show_dir, args.interval, args.launcher) == ('vis', 3,
                                                             'pytorch')
    assert args.cfg_options == {'a': 1}
    assert os.environ['LOCAL_RANK'] == '2'
    monkeypatch.setenv('LOCAL_RANK', '5')
    test_cli.parse_args(['c.py', 'ckpt.pth', '--local-rank', '1'])
    assert os.environ['LOCAL_RANK'] == '5'
    with pytest.raises(SystemExit):
        test_cli.parse_args(['c.py', 'ckpt.pth', '--launcher', 'ssh'])


# ---- --badcase (MMPose's BadCaseAnalysisHook) -----------------------------
GT_BOXES = ['--cfg-options', 'test_dataloader.dataset.bbox_file=None']


@pytest.fixture
def ckpt(tmp_path) -> str:
    path = tmp_path / 'model.pth'
    path.write_bytes(b'')
    return str(path)


def test_badcase_switches_on_the_hook_with_the_head_loss(test_cli, cfg, ckpt):
    args = test_cli.parse_args([CONFIG, ckpt, '--badcase', '--interval', '4'] +
                               GT_BOXES)
    cfg = merge_test_args(cfg, args)
    hook = cfg.default_hooks.badcase
    assert hook.enable is True and hook.show is False and hook.interval == 4
    assert hook.metric == cfg.model.head.loss  # MMPose's default metric
    assert cfg.test_dataloader.dataset.bbox_file is None
    assert not cfg.default_hooks.visualization.get('enable', False)


def test_badcase_with_show_shows_bad_cases_only(test_cli, cfg, ckpt):
    args = test_cli.parse_args(
        [CONFIG, ckpt, '--badcase', '--show', '--wait-time', '2'] + GT_BOXES)
    cfg = merge_test_args(cfg, args)
    assert cfg.default_hooks.badcase.show is True
    assert cfg.default_hooks.badcase.wait_time == 2
    assert not cfg.default_hooks.visualization.get('enable', False)


def test_badcase_options_refine_the_hook(test_cli, cfg, ckpt):
    args = test_cli.parse_args([
        CONFIG, ckpt, '--badcase', '--cfg-options',
        'test_dataloader.dataset.bbox_file=None',
        'default_hooks.badcase.badcase_thr=50'
    ])
    assert merge_test_args(cfg, args).default_hooks.badcase.badcase_thr == 50


def test_badcase_accuracy_metric_is_the_test_evaluator(test_cli, cfg, ckpt):
    cfg.default_hooks.badcase.metric_type = 'accuracy'
    args = test_cli.parse_args([CONFIG, ckpt, '--badcase'] + GT_BOXES)
    cfg = merge_test_args(cfg, args)
    assert cfg.default_hooks.badcase.metric == cfg.test_evaluator


def test_badcase_errors(test_cli, cfg, ckpt):
    # RMPE's test sets are detector boxes: no ground truth to compare with
    with pytest.raises(ValueError, match='bbox_file=.*test_mpii_det.json'):
        merge_test_args(
            copy.deepcopy(cfg),
            test_cli.parse_args([CONFIG, ckpt, '--badcase']))
    bad_type = copy.deepcopy(cfg)
    bad_type.default_hooks.badcase.metric_type = 'pck'
    with pytest.raises(ValueError, match="metric_type.*'pck'"):
        merge_test_args(bad_type,
                        test_cli.parse_args([CONFIG, ckpt, '--badcase']))
    no_hook = copy.deepcopy(cfg)
    no_hook.default_hooks.pop('badcase')
    with pytest.raises(ValueError, match='BadCaseAnalysisHook'):
        merge_test_args(no_hook,
                        test_cli.parse_args([CONFIG, ckpt, '--badcase']))
    # without --badcase nothing changes
    plain = merge_test_args(cfg, test_cli.parse_args([CONFIG, ckpt]))
    assert plain.default_hooks.badcase.enable is False


def test_badcase_run_writes_the_bad_cases(run_python, tmp_path):
    """``tools/test.py CONFIG CKPT --badcase`` on the MPII samples'
    ground-truth boxes with a random model: every sample's keypoint MSE is
    far above ``badcase_thr`` (5 px^2), so all five are drawn and listed."""
    import glob
    import json

    import torch
    from mmengine.registry import init_default_scope
    from mmpose.registry import MODELS

    init_default_scope('mmpose')
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(CONFIG).model)
    ckpt = str(tmp_path / 'random.pth')
    torch.save(dict(state_dict=model.state_dict()), ckpt)
    work_dir = tmp_path / 'test'
    log = run_python('tools/test.py', CONFIG, ckpt, '--work-dir',
                     str(work_dir), '--badcase', *GT_BOXES)
    assert 'the bad cases are saved under' in log
    [results] = glob.glob(str(work_dir / '*' / 'badcase' / 'results.json'))
    cases = json.load(open(results))
    assert len(cases) == 5
    assert all(case['KeypointMSELoss'] >= 5 for case in cases)
    drawn = glob.glob(osp.join(osp.dirname(results), '*.jpg'))
    assert len(drawn) == 5
