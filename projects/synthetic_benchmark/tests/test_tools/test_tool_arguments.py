"""Argument handling of the project's tools (no runs)."""
from synthetic_benchmark.orchestration import tool_schedule
from synthetic_benchmark.orchestration.cli import settings_from_args


def test_ablation_quick_then_explicit_flags_win(load_tool):
    tool = load_tool('ablation')
    default = settings_from_args(tool.parse_args([]))
    assert (default.stage1_epochs, default.stage2_epochs,
            default.parallel_epochs, default.train_people) == (10, 4, 10, None)
    quick_schedule = tool_schedule('ablation', quick=True)
    quick = settings_from_args(tool.parse_args(['--quick', '--seed', '3']))
    assert quick.stage1_epochs == quick_schedule['stage1_epochs'] == 2
    assert quick.train_people == quick_schedule['train_people'] == 400
    assert quick.seed == 3
    mixed = settings_from_args(
        tool.parse_args(['--quick', '--epochs', '5', '--train-people', '9']))
    assert mixed.stage1_epochs == 5 and mixed.train_people == 9
    assert mixed.stage2_epochs == quick_schedule['stage2_epochs']


def test_main_job_defaults_fit_the_time_budget(load_tool):
    tool = load_tool('main_job')
    args = tool.parse_args([])
    settings = settings_from_args(args)
    assert (settings.stage1_epochs, settings.stage2_epochs,
            settings.parallel_epochs) == (8, 2, 5)
    assert args.work_dir == 'work_dirs/main_job'
    quick = settings_from_args(tool.parse_args(['--quick']))
    assert quick.train_people == 64 and quick.stage1_epochs == 1


def test_ablation_keeps_timings_of_earlier_runs(load_tool, tmp_path):
    import json
    tool = load_tool('ablation')
    assert tool.previous_timings(str(tmp_path)) == {}
    (tmp_path / 'results.json').write_text(
        json.dumps(dict(timings=dict(a=1.0, b=2.0))))
    (tmp_path / 'timings.json').write_text(json.dumps(dict(b=3.0, c=4.0)))
    assert tool.previous_timings(str(tmp_path)) == dict(a=1.0, b=3.0, c=4.0)


def test_box_error_sweep_settings_and_argument_errors(load_tool, capsys):
    import pytest
    tool = load_tool('box_error_sweep')
    args = tool.parse_args([])
    assert args.seeds == [0, 1, 2] and args.jobs == 1
    assert args.scales == [0.0, 0.5, 1.0, 2.0, 3.0]
    default = tool.seed_settings(args, 2)
    assert (default.stage1_epochs, default.stage2_epochs,
            default.parallel_epochs, default.seed) == (8, 3, 6, 2)
    quick = tool.seed_settings(
        tool.parse_args(['--quick', '--finetune-epochs', '2']), 0)
    quick_schedule = tool_schedule('box_error_sweep', quick=True)
    assert quick.train_people == quick_schedule['train_people'] == 64
    assert quick.stage1_epochs == quick_schedule['stage1_epochs'] == 1
    assert quick.stage2_epochs == 2
    assert 'seed' not in args  # the sweep's seeds are --seeds
    for bad in (['--jobs', '0'], ['--scales', '-1']):
        with pytest.raises(SystemExit):
            tool.parse_args(bad)
        assert 'must be' in capsys.readouterr().err
