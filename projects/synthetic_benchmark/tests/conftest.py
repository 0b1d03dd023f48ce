"""Fixtures of the synthetic-benchmark project's tests."""
import importlib.util
import os

import pytest

from synthetic_benchmark.paths import tool_path

# Tiny CPU models: one thread each keeps two test processes from fighting
# over two cores and makes results reproducible.
os.environ.setdefault('OMP_NUM_THREADS', '1')


def _load_tool(name: str):
    """Import the project's ``tools/<name>.py`` as a module (``tools`` is
    no package)."""
    path = tool_path(name)
    spec = importlib.util.spec_from_file_location(
        f'synthetic_benchmark_tools_{name}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='session')
def load_tool():
    """``load_tool('main_job')`` imports the project's ``tools/main_job.py``
    as a module."""
    return _load_tool
