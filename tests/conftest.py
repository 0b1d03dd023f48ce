"""Shared pytest fixtures and settings.

Tests run from the repository root (``pytest`` there); paths below are
relative to it.
"""
import os
import os.path as osp
import sys

import pytest

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
DATA_DIR = osp.join(REPO_ROOT, 'tests', 'data')

# Tiny CPU models: one thread each keeps two test processes from fighting
# over two cores and makes results reproducible.
os.environ.setdefault('OMP_NUM_THREADS', '1')


@pytest.fixture(scope='session')
def repo_root() -> str:
    return REPO_ROOT


@pytest.fixture(scope='session')
def data_dir() -> str:
    return DATA_DIR


@pytest.fixture(scope='session')
def python() -> str:
    """The interpreter running the tests (the project's venv)."""
    return sys.executable


def _load_tool(name: str):
    """Import ``tools/<name>.py`` as a module (``tools`` is no package)."""
    import importlib.util
    path = osp.join(REPO_ROOT, 'tools', f'{name}.py')
    spec = importlib.util.spec_from_file_location(f'rmpe_tools_{name}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='session')
def load_tool():
    """``load_tool('train')`` imports ``tools/train.py`` as a module."""
    return _load_tool


@pytest.fixture(scope='session')
def run_python(python, repo_root):
    """``run_python('tools/train.py', ...)``: run a script from the repo root
    in a fresh interpreter, as a user would; fail with its output's tail if
    it exits non-zero; return stdout + stderr."""
    import subprocess

    def run(*args: str, timeout: float = 900) -> str:
        env = dict(os.environ, OMP_NUM_THREADS='1')
        proc = subprocess.run([python, *args],
                              cwd=repo_root,
                              env=env,
                              capture_output=True,
                              text=True,
                              timeout=timeout)
        log = proc.stdout + proc.stderr
        assert proc.returncode == 0, log[-6000:]
        return log

    return run
