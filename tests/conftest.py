"""Shared pytest fixtures and settings.

Tests run from the repository root (``pytest`` there); paths below are
relative to it.
"""
import os
import os.path as osp
import sys
from typing import Dict, Optional

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
    it exits non-zero; return stdout + stderr. ``env``: variables added to
    the environment (e.g. the configs' ``RMPE_PGPG_MODEL``)."""
    import subprocess

    def run(*args: str,
            timeout: float = 900,
            env: Optional[Dict[str, str]] = None) -> str:
        env = dict(os.environ, OMP_NUM_THREADS='1', **(env or {}))
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


# The signature of an abort inside gloo's C++ threads (std::terminate), an
# upstream flake of two-process CPU runs (seen once in ~17 runs here; e.g.
# pytorch/gloo#514): such a run is retried once, with a warning.
_GLOO_ABORT = ('SIGABRT', 'terminate called')


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.fixture(scope='session')
def run_torchrun(python, repo_root):
    """``run_torchrun('tools/train.py', ..., nproc=2)``: run a script with
    ``torchrun`` on CPU from the repo root; fail with the output's tail if it
    exits non-zero; return ``(stdout, stdout + stderr)``.

    A run whose rank aborted inside gloo (:data:`_GLOO_ABORT`) is retried
    once on a new port, with a warning; any other failure fails at once.
    """
    import subprocess
    import warnings

    def run(*args: str, nproc: int = 2, timeout: float = 600):
        env = dict(os.environ, OMP_NUM_THREADS='1')
        for attempt in range(2):
            cmd = [
                python, '-m', 'torch.distributed.run',
                f'--nproc_per_node={nproc}', '--master_addr=127.0.0.1',
                f'--master_port={_free_port()}', *args
            ]
            proc = subprocess.run(
                cmd,
                cwd=repo_root,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout)
            log = proc.stdout + proc.stderr
            if proc.returncode == 0:
                return proc.stdout, log
            if attempt == 0 and all(s in log for s in _GLOO_ABORT):
                warnings.warn('torchrun: a rank aborted inside gloo '
                              '(terminate called, SIGABRT); retrying once')
                continue
            break
        raise AssertionError(log[-6000:])

    return run


@pytest.fixture(scope='session')
def fitted_pgpg(tmp_path_factory) -> str:
    """A small fitted PGPG model file (one global Gaussian), standing in
    for the file a headline config names before its fitting step ran."""
    import numpy as np

    from rmpe_mm.datasets.pgpg import OffsetMixture, PGPGModel
    path = str(tmp_path_factory.mktemp('pgpg') / 'pgpg.json')
    PGPGModel(
        OffsetMixture([1.0], [[0.01, 0., -0.01, 0.]],
                      np.eye(4)[None] * 1e-3, 'global')).save(path)
    return path
