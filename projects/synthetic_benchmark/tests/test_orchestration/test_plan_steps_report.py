"""Tests of synthetic_benchmark.orchestration (plan, steps, report, render).

No training here: the configs themselves are exercised by
tests/test_tools/test_configs.py.
"""
import json
import os.path as osp
import pickle
import sys

import numpy as np
import pytest

from synthetic_benchmark.config_variables import (VARIABLES, load_config,
                                                  to_environment)
from synthetic_benchmark.orchestration import (COLUMNS, BenchmarkSettings,
                                               StepRunner, TestRun, TrainRun,
                                               ablation_plan, draw_poses,
                                               group_by_image, main_job_plan,
                                               markdown_table, plot_rows,
                                               render_predictions)
from synthetic_benchmark.orchestration.plan import (PPNMS_OPTION,
                                                    record_settings)
from synthetic_benchmark.paths import config_path, tool_path

SETTINGS = BenchmarkSettings(
    stage1_epochs=3, stage2_epochs=2, parallel_epochs=4, seed=7)


def _saved_checkpoints(run: TrainRun, root: str, settings) -> set:
    """Checkpoints a run writes (its config with its variables): every
    `interval` epochs and the last; the run's epochs are the config's."""
    cfg = load_config(run.config, run.variables)
    assert cfg.train_cfg.max_epochs == run.epochs, run.name
    interval = cfg.default_hooks.checkpoint.interval
    epochs = set(range(interval, run.epochs + 1, interval)) | {run.epochs}
    return {run.checkpoint(root, e) for e in epochs}


@pytest.mark.parametrize('plan', [ablation_plan, main_job_plan])
def test_every_needed_checkpoint_is_made_by_an_earlier_run(plan):
    root = 'work_dirs/x'
    trains, tests = plan(SETTINGS, root)
    tests = tests if isinstance(tests, list) else [tests]
    made = {SETTINGS.pgpg_file}
    for run in trains:
        for need in run.needs:
            assert need in made, (run.name, need)
        made |= _saved_checkpoints(run, root, SETTINGS)
    for test in tests:
        assert test.checkpoint in made, test.name


def test_ablation_stage2_starts_from_stage1_epoch_and_parallel():
    trains, tests = ablation_plan(SETTINGS, 'r')
    runs = {run.name: run for run in trains}
    for name in ('rmpe_sstn', 'rmpe_sstn_parallel'):
        assert runs[name].variables['stage1_checkpoint'] == osp.join(
            'r', 'sppe_pgpg', 'epoch_3.pth')
    assert runs['rmpe_jitter'].variables['stage1_checkpoint'] == osp.join(
        'r', 'sppe_jitter', 'epoch_3.pth')
    assert runs['rmpe_sstn_parallel'].variables[
        'parallel_checkpoint'] == osp.join('r', 'parallel_sppe', 'epoch_4.pth')
    assert 'parallel_checkpoint' not in runs['rmpe_sstn'].variables
    assert all(not r.cfg_options for r in trains)
    # the no-SSTN control trains as long as stage 1 + stage 2
    assert runs['sppe_gt_boxes'].epochs == runs['sppe_pgpg'].epochs == 5
    assert runs['sppe_jitter'].epochs == 3
    assert all(r.variables['seed'] == 7 for r in trains)
    keys = [t.name for t in tests]
    assert keys[:6] == [
        'plain', 'pgpg', 'sstn', 'sstn_parallel', 'full', 'jitter'
    ]
    nms = {t.name: PPNMS_OPTION in t.cfg_options for t in tests}
    assert nms['plain_ppnms'] and not nms['plain']


def test_epoch_variables_set_the_stage_schedules():
    cfg = load_config(
        config_path('lhg2_synthetic_baseline'),
        dict(stage1_epochs=3, stage2_epochs=2))
    assert cfg.train_cfg.max_epochs == 5  # stage 1 + the no-SSTN control
    assert cfg.train_cfg.val_interval == 3
    assert cfg.param_scheduler[1].type == 'MultiStepLR'
    assert cfg.param_scheduler[1].milestones == [3]
    assert cfg.param_scheduler[1].end == 5
    # every epoch: a killed run resumes from the last one
    assert cfg.default_hooks.checkpoint.interval == 1
    assert cfg.default_hooks.checkpoint.type == 'AtomicCheckpointHook'
    assert cfg.custom_hooks[-1].type == 'ExactResumeHook'
    cfg = load_config(
        config_path('lhg2_synthetic_jitter'),
        dict(stage1_epochs=3, stage2_epochs=2, with_control=False))
    assert cfg.train_cfg.max_epochs == 3
    assert cfg.param_scheduler[1].milestones == [3]
    cfg = load_config(
        config_path('lhg1_synthetic_parallel'),
        dict(parallel_epochs=4, stage1_epochs=3))
    assert cfg.train_cfg.max_epochs == cfg.param_scheduler[1].end == 4
    assert cfg.param_scheduler[1].milestones == [4]
    assert cfg.default_hooks.checkpoint.interval == 1
    cfg = load_config(
        config_path('rmpe_lhg2_synthetic_sstn'),
        dict(stage2_epochs=2, stage1_checkpoint='s1.pth'))
    assert cfg.train_cfg.max_epochs == 2
    assert cfg.default_hooks.checkpoint.interval == 1
    assert cfg.load_from == 's1.pth'


def test_path_variables_reach_the_pipeline_and_the_model():
    cfg = load_config(
        config_path('rmpe_lhg2_synthetic'),
        dict(
            pgpg_model_file='m.json',
            parallel_checkpoint='p.pth',
            seed=7,
            train_people=9))
    (pgpg, ) = [
        t for t in cfg.train_dataloader.dataset.pipeline
        if t['type'] == 'PoseGuidedProposals'
    ]
    assert pgpg['model_file'] == 'm.json'
    assert cfg.model.parallel_sppe.checkpoint == 'p.pth'
    assert cfg.randomness.seed == 7
    assert cfg.train_dataloader.dataset.indices == 9
    jitter = load_config(config_path('lhg2_synthetic_jitter'), {})
    assert not any(t['type'] == 'PoseGuidedProposals'
                   for t in jitter.train_dataloader.dataset.pipeline)


def test_data_root_variable_reaches_loaders_and_evaluators(monkeypatch):
    monkeypatch.setenv('SYNTHETIC_SEED', '99')  # a stray shell variable
    cfg = load_config(
        config_path('rmpe_lhg2_synthetic'), dict(data_root='/tmp/d'))
    assert cfg.randomness.seed == 0  # ignored: runs set their own values
    for loader in ('train', 'val', 'test'):
        assert cfg[f'{loader}_dataloader'].dataset.data_root == '/tmp/d/'
    assert cfg.test_dataloader.dataset.bbox_file == (
        '/tmp/d/detections/val_det.json')
    assert cfg.test_evaluator.ann_file == '/tmp/d/annotations/val.json'
    assert cfg.val_evaluator.ann_file == '/tmp/d/annotations/val.json'
    default = load_config(config_path('rmpe_lhg2_synthetic'), {})
    assert default.test_evaluator.ann_file == (
        'data/synthetic/annotations/val.json')
    import os
    assert os.environ['SYNTHETIC_SEED'] == '99'  # restored


def test_config_variables_are_checked():
    assert to_environment(dict(data_root='d', train_people=None)) == {
        VARIABLES['data_root']: 'd/',
        VARIABLES['train_people']: 'None'
    }
    with pytest.raises(KeyError, match='unknown config variables'):
        to_environment(dict(max_epochs=3))
    with pytest.raises(ValueError, match='stage1_epochs'):
        to_environment(dict(stage1_epochs=0))
    with pytest.raises(ValueError, match='data_root'):
        to_environment(dict(data_root="it's"))
    with pytest.raises(ValueError, match='with_control'):
        to_environment(dict(with_control=1))


def test_settings_validate_and_record(tmp_path):
    with pytest.raises(ValueError, match='stage2_epochs'):
        BenchmarkSettings(stage1_epochs=1, stage2_epochs=0, parallel_epochs=1)
    record_settings(str(tmp_path), SETTINGS)
    record_settings(str(tmp_path), SETTINGS)  # same settings: fine
    other = BenchmarkSettings(
        stage1_epochs=3, stage2_epochs=2, parallel_epochs=4, seed=8)
    with pytest.raises(ValueError, match='other settings'):
        record_settings(str(tmp_path), other)
    record_settings(str(tmp_path), other, force=True)
    with open(tmp_path / 'settings.json') as f:
        assert json.load(f)['seed'] == 8


def test_step_runner_logs_echoes_and_fails_loudly(tmp_path):
    lines = []
    runner = StepRunner(str(tmp_path), echo=lines.append)
    code = ('import os; print("noise"); print("Epoch(train) [1][1/1] '
            'loss", os.environ["OMP_NUM_THREADS"])')
    runner.run(['-c', code], str(tmp_path / 'a.log'))
    assert any('Epoch(train)' in line for line in lines)
    assert not any('noise' in line for line in lines)
    assert 'noise' in (tmp_path / 'a.log').read_text()
    with pytest.raises(RuntimeError, match='b.log'):
        runner.run(['-c', 'import sys; print("boom"); sys.exit(3)'],
                   str(tmp_path / 'b.log'))
    lines.clear()
    code = ('import os; print("Epoch(train)", os.environ["SYNTHETIC_SEED"],'
            ' os.environ.get("SYNTHETIC_STAGE1_EPOCHS"))')
    runner.run(['-c', code], str(tmp_path / 'c.log'), dict(seed=5))
    assert lines == ['    Epoch(train) 5 None']
    assert 'SYNTHETIC_SEED=5' in (tmp_path / 'c.log').read_text()


def test_step_runner_skips_done_steps_and_checks_inputs(tmp_path):
    runner = StepRunner(
        str(tmp_path), python=sys.executable, echo=lambda line: None)
    run = TrainRun('r', 'c.py', 2, needs=('missing.pth', ))
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        runner.train(run, 'w')
    (tmp_path / 'w' / 'r').mkdir(parents=True)
    (tmp_path / 'w' / 'r' / 'epoch_2.pth').write_bytes(b'')
    assert runner.train(run, 'w') is None
    test = TestRun('t', 'T', 'c.py', 'nope.pth')
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        runner.test(test, 'w')


def _metrics(total: float) -> dict:
    return {c: total for c in COLUMNS}


def test_markdown_table_rows_columns_and_paper():
    rows = [('plain', 'Plain', _metrics(10.0)), ('x', 'X', _metrics(20.25)),
            ('full', 'Full', _metrics(30.0))]
    text = markdown_table(rows, num_main=2, paper={'full': 80.8})
    lines = text.splitlines()
    assert lines[0].split('|')[1:-1] == [
        ' Variant ', *[f' {c} ' for c in COLUMNS], ' Paper (MPII) '
    ]
    assert '| X | 20.2 |' in text or '| X | 20.3 |' in text
    assert lines[4].startswith('| *extra comparisons*')
    assert lines[5].endswith('| 30.0 | 80.8 |')
    with pytest.raises(ValueError, match='Elbow'):
        markdown_table([('a', 'A', {'Total': 1.0})])


def test_plot_rows_writes_a_png(tmp_path):
    out = tmp_path / 'sub' / 'p.png'
    plot_rows([('a', 'A', _metrics(10.)), ('b', 'B', _metrics(50.))], str(out),
              'title')
    assert out.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'


def _pose(x0: float) -> np.ndarray:
    kpts = np.zeros((16, 2), np.float32)
    kpts[:, 0] = x0
    kpts[:, 1] = np.linspace(10, 50, 16)
    return kpts


def test_draw_poses_draws_confident_joints_only():
    image = np.zeros((64, 64, 3), np.uint8)
    kpts = np.stack([_pose(10), _pose(50)])
    scores = np.ones((2, 16), np.float32)
    scores[1] = 0.0  # second person below the threshold: not drawn
    out = draw_poses(image, kpts, scores, zoom=1)
    assert out.shape == image.shape and image.sum() == 0
    assert out[20:40, 8:13].any()
    assert not out[:, 45:].any()
    with pytest.raises(ValueError, match='zoom'):
        draw_poses(image, kpts, scores, zoom=0)


def test_group_by_image_and_render(tmp_path):
    import cv2
    img = str(tmp_path / 'im.png')
    cv2.imwrite(img, np.zeros((64, 64, 3), np.uint8))
    samples = []
    for x in (10, 40):
        samples.append(
            dict(
                img_path=img,
                pred_instances=dict(
                    keypoints=_pose(x)[None],
                    keypoint_scores=np.ones((1, 16)),
                    bboxes=np.array([[x - 5, 5, x + 5, 55]], np.float32),
                    bbox_scores=np.ones(1))))
    grouped = group_by_image(samples)
    assert list(grouped) == [img]
    assert grouped[img].keypoints.shape == (2, 16, 2)
    dump = tmp_path / 'p.pkl'
    with open(dump, 'wb') as f:
        pickle.dump(samples, f)
    files = render_predictions(
        str(dump), str(tmp_path / 'vis'), pose_nms=None, zoom=1)
    drawn = cv2.imread(files[0])
    assert drawn[20:40, 8:13].any() and drawn[20:40, 38:43].any()
    with pytest.raises(ValueError, match='pred_instances'):
        group_by_image([dict(img_path=img)])


def test_prepare_steps_skip_what_exists_and_check_inputs(tmp_path):
    import os
    import time

    from synthetic_benchmark.orchestration import (ensure_pgpg_model,
                                                   ensure_synthetic_data)
    calls = []

    class Recorder(StepRunner):

        def run(self, argv, log_file, variables=None):
            calls.append(list(argv))
            return 0.0

    runner = Recorder(str(tmp_path), echo=lambda line: None)
    assert ensure_synthetic_data(runner, 'd', 'l.log') == 0.0
    assert calls[-1][:3] == [
        tool_path('make_synthetic_dataset'), '--out-dir', 'd'
    ]
    (tmp_path / 'd' / 'annotations').mkdir(parents=True)
    (tmp_path / 'd' / 'generator_config.json').write_text('{}')
    assert ensure_synthetic_data(runner, 'd', 'l.log') is None
    with pytest.raises(FileNotFoundError, match='train.json'):
        ensure_pgpg_model(runner, 'd', 'd/m.json', 0, 'l.log')
    (tmp_path / 'd' / 'annotations' / 'train.json').write_text('{}')
    (tmp_path / 'd' / 'detections').mkdir()
    (tmp_path / 'd' / 'detections' / 'train_det.json').write_text('[]')
    assert ensure_pgpg_model(runner, 'd', 'd/m.json', 5, 'l.log') == 0.0
    assert calls[-1][:2] == ['-m', 'rmpe_mm.datasets.pgpg.fit_cli']
    assert '5' in calls[-1]
    model = tmp_path / 'd' / 'm.json'
    model.write_text('{}')
    assert ensure_pgpg_model(runner, 'd', 'd/m.json', 5, 'l.log') is None
    past = time.time() - 100  # a model older than the annotations: refit
    os.utime(model, (past, past))
    assert ensure_pgpg_model(runner, 'd', 'd/m.json', 5, 'l.log') == 0.0


def test_interrupted_train_run_resumes_without_its_load_from(tmp_path):
    calls = []

    class Recorder(StepRunner):

        def run(self, argv, log_file, variables=None):
            calls.append(list(argv))
            seen.append(variables)
            return 0.0

    seen = []
    runner = Recorder(str(tmp_path), echo=lambda line: None)
    run = TrainRun('r', 'c.py', 4, dict(stage1_checkpoint='s0.pth'),
                   ('load_from=s1.pth', 'a=1'))
    runner.train(run, 'w')
    assert calls[-1][:3] == ['-m', 'rmpe_mm.engine.train_cli', 'c.py']
    assert '--resume' not in calls[-1] and 'load_from=s1.pth' in calls[-1]
    assert seen[-1] == dict(stage1_checkpoint='s0.pth')
    work = tmp_path / 'w' / 'r'
    work.mkdir(parents=True)
    (work / 'epoch_2.pth').write_bytes(b'')
    (work / 'last_checkpoint').write_text(str(work / 'epoch_2.pth'))
    runner.train(run, 'w')
    argv = calls[-1]
    assert argv[argv.index('--resume') + 1] == str(work / 'epoch_2.pth')
    assert 'load_from=s1.pth' not in argv and 'a=1' in argv
