"""The ``run_torchrun`` fixture retries only a gloo-style abort, once."""
import pytest

_SCRIPT = '''
import os, sys
marker = sys.argv[1]
if os.environ.get('RANK') == '0' and not os.path.exists(marker):
    open(marker, 'w').close()
    sys.stderr.write('terminate called without an active exception\\n')
    sys.stderr.flush()
    os.abort()
if sys.argv[2] == 'raise':
    raise RuntimeError('plain failure')
print('rank', os.environ.get('RANK'), 'done')
'''


@pytest.fixture
def script(tmp_path):
    path = tmp_path / 'flaky.py'
    path.write_text(_SCRIPT)
    return str(path)


def test_gloo_abort_is_retried_once(run_torchrun, script, tmp_path):
    marker = str(tmp_path / 'aborted_once')
    with pytest.warns(UserWarning, match='aborted inside gloo'):
        stdout, _ = run_torchrun(script, marker, 'ok', timeout=120)
    assert 'rank 0 done' in stdout and 'rank 1 done' in stdout


def test_other_failures_are_not_retried(run_torchrun, script, tmp_path):
    marker = tmp_path / 'aborted_once'
    marker.touch()  # no abort: a plain exception on every rank
    with pytest.raises(AssertionError, match='plain failure'):
        run_torchrun(script, str(marker), 'raise', timeout=120)
