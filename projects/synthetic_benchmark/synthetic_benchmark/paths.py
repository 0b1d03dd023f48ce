"""Where the project's configs and tools are (beside this package)."""
import os.path as osp

#: ``projects/synthetic_benchmark/`` (the package's parent directory).
PROJECT_ROOT: str = osp.dirname(osp.dirname(osp.abspath(__file__)))
#: The benchmark's configs.
CONFIG_DIR: str = osp.join(PROJECT_ROOT, 'configs')
#: The benchmark's command-line tools.
TOOLS_DIR: str = osp.join(PROJECT_ROOT, 'tools')


def config_path(name: str) -> str:
    """Absolute path of the project config ``<name>.py``.

    Raises:
        FileNotFoundError: No such config (e.g. the package was installed
            without its project directory: install it editable).
    """
    path = osp.join(CONFIG_DIR, f'{name}.py')
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'synthetic benchmark config not found: {path} (install the '
            'project editable: pip install -e projects/synthetic_benchmark)')
    return path


def tool_path(name: str) -> str:
    """Absolute path of the project tool ``tools/<name>.py``.

    Raises:
        FileNotFoundError: No such tool.
    """
    path = osp.join(TOOLS_DIR, f'{name}.py')
    if not osp.isfile(path):
        raise FileNotFoundError(f'synthetic benchmark tool not found: {path}')
    return path
