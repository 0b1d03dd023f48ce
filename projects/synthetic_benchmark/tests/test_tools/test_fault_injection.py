"""The fault-injection script's logic (no main-job run): stage times from
time-stamped output, the table, the kill plan, and a SIGKILL of a whole
process group at a file trigger on a stand-in job."""
import sys
import textwrap
import time


def _alive(pid: int) -> bool:
    """Running (a zombie, dead but not yet reaped, counts as dead)."""
    try:
        with open(f'/proc/{pid}/stat') as f:
            return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except FileNotFoundError:
        return False


SAMPLE = [
    (0.0, '[main_job] settings: {}'),
    (0.1, '[main_job] (1/7) synthetic data in data/synthetic'),
    (30.0, '[main_job] (2/7) PGPG fit on the train split'),
    (40.0, '[main_job] (3/7) train stage1_sppe_pgpg: cfg.py, 8 epochs'),
    (200.0, '[main_job] (4/7) train stage1_parallel_sppe: cfg.py, 5 epochs'),
    (300.0, '[main_job] (5/7) train stage2_rmpe: cfg.py, 2 epochs'),
    (400.0, '[main_job] (6/7) test on the simulated detections with PPNMS'),
    (430.0, '[main_job] (7/7) rendering predictions'),
    (440.0, ''),
    (440.0, 'MPII multi-person AP (%), val split, ...:'),
    (440.0, '  Head | Total'),
    (440.0, '-------+-------'),
    (440.0, '  74.4 |  51.5'),
    (440.0, ''),
    (441.0, '[main_job] 100 rendered images'),
]


def test_stage_times_and_table(load_tool):
    tool = load_tool('fault_injection')
    times = tool.stage_times(SAMPLE, 450.0)
    assert list(times) == [
        'data', 'pgpg_fit', 'stage1_sppe_pgpg', 'stage1_parallel_sppe',
        'stage2_rmpe', 'test', 'render'
    ]
    assert times['pgpg_fit'] == (30.0, 10.0)
    assert times['render'] == (430.0, 20.0)
    table = tool.extract_table([line for _, line in SAMPLE])
    assert table == '  Head | Total\n-------+-------\n  74.4 |  51.5'
    assert tool.extract_table(['no table']) is None


def test_kill_plan_covers_every_stage(load_tool):
    tool = load_tool('fault_injection')
    plan = tool.kill_plan([('stage1_sppe_pgpg', 8),
                           ('stage1_parallel_sppe', 5), ('stage2_rmpe', 2)])
    assert len(plan) >= 10
    stages = {p.stage for p in plan}
    assert stages == {
        'data', 'pgpg_fit', 'stage1_sppe_pgpg', 'stage1_parallel_sppe',
        'stage2_rmpe', 'test', 'render'
    }
    saves = [p.pattern for p in plan if p.pattern and '.pth' in p.pattern]
    assert saves == [
        'stage1_sppe_pgpg/.epoch_4.pth.tmp*',
        'stage1_parallel_sppe/.epoch_3.pth.tmp*',
        'stage2_rmpe/.epoch_1.pth.tmp*'
    ]
    assert all(p.private_data == (p.stage in ('data', 'pgpg_fit'))
               for p in plan)


def test_job_group_killed_at_file_trigger(load_tool, tmp_path):
    # a stand-in job: announces a stage, starts a child that writes a
    # temporary file, both sleep; the trigger must kill both
    tool = load_tool('fault_injection')
    child = textwrap.dedent(f'''
        import os, time
        with open({str(tmp_path / 'child.pid')!r}, 'w') as f:
            f.write(str(os.getpid()))
        open({str(tmp_path / '.epoch_1.pth.tmp1_ab.pth')!r}, 'w').close()
        time.sleep(60)
        ''')
    parent = textwrap.dedent(f'''
        import subprocess, sys, time
        print('[main_job] (3/7) train stage2_rmpe: c.py, 1 epochs',
              flush=True)
        subprocess.Popen([sys.executable, '-c', {child!r}])
        time.sleep(60)
        ''')
    job = tool.Job([sys.executable, '-c', parent], str(tmp_path / 'log'))
    point = tool.KillPoint('save', 'stage2_rmpe', pattern='.epoch_1.pth.tmp*')
    code, killed = job.wait(0.01, tool._trigger(point, job, str(tmp_path), {}))
    assert killed and code == -9
    assert job.stage() == 'stage2_rmpe'
    pid = int((tmp_path / 'child.pid').read_text())
    for _ in range(100):  # the child dies with its group
        if not _alive(pid):
            break
        time.sleep(0.05)
    else:
        raise AssertionError('the job\'s child survived the kill')
    assert tool.temporaries(
        str(tmp_path)) == [str(tmp_path / '.epoch_1.pth.tmp1_ab.pth')]
