"""The settings the benchmark's configs expose, and how they are set.

The configs read each setting from an environment variable with a default
(MMEngine's ``{{$NAME:default}}`` substitution, done when a config file is
parsed), so a value set here flows into everything the config derives from
it (e.g. ``data_root`` into every loader and evaluator, ``stage1_epochs``
into the schedule, the LR drop and the checkpoint interval). The
orchestration passes them to its training and test subprocesses in their
environment (:func:`to_environment`) and to in-process configs through
:func:`load_config`.
"""
import os
import threading
from typing import Any, Dict, Mapping, Optional

from mmengine.config import Config

#: Config variable -> the environment variable the configs read.
VARIABLES: Dict[str, str] = {
    'data_root': 'SYNTHETIC_DATA_ROOT',
    'train_people': 'SYNTHETIC_TRAIN_PEOPLE',
    'seed': 'SYNTHETIC_SEED',
    'stage1_epochs': 'SYNTHETIC_STAGE1_EPOCHS',
    'stage2_epochs': 'SYNTHETIC_STAGE2_EPOCHS',
    'with_control': 'SYNTHETIC_WITH_CONTROL',
    'parallel_epochs': 'SYNTHETIC_PARALLEL_EPOCHS',
    'pgpg_model_file': 'SYNTHETIC_PGPG_MODEL',
    'parallel_checkpoint': 'SYNTHETIC_PARALLEL_CHECKPOINT',
    'stage1_checkpoint': 'SYNTHETIC_STAGE1_CHECKPOINT',
}
#: Variables the configs read inside a string literal (paths).
PATH_VARIABLES = frozenset(('data_root', 'pgpg_model_file',
                            'parallel_checkpoint', 'stage1_checkpoint'))
#: Variables that are positive integers (``train_people`` may be None).
INT_VARIABLES = frozenset(('seed', 'stage1_epochs', 'stage2_epochs',
                           'parallel_epochs', 'train_people'))

_LOCK = threading.Lock()


def _text(name: str, value: Any) -> str:
    """The text substituted for one variable (validated)."""
    if name in PATH_VARIABLES:
        if not isinstance(value, str) or not value or any(
                c in value for c in '\'"\\\n{}'):
            raise ValueError(f'config variable {name} must be a non-empty '
                             f'path without quotes, backslashes or braces, '
                             f'got {value!r}')
        if name == 'data_root':
            return value.rstrip('/') + '/'
        return value
    if name in INT_VARIABLES:
        if value is None and name == 'train_people':
            return 'None'
        if isinstance(value, bool) or not isinstance(
                value, int) or (value < (0 if name == 'seed' else 1)):
            raise ValueError(f'config variable {name} must be an integer '
                             f'{">= 0" if name == "seed" else ">= 1"}, got '
                             f'{value!r}')
        return str(value)
    if not isinstance(value, bool):
        raise ValueError(f'config variable {name} must be a bool, got '
                         f'{value!r}')
    return str(value)


def to_environment(values: Mapping[str, Any]) -> Dict[str, str]:
    """Environment variables that set ``values`` in the configs.

    Args:
        values (Mapping[str, Any]): Config variable -> value (see
            :data:`VARIABLES`).

    Raises:
        KeyError: An unknown variable.
        ValueError: A value of the wrong kind.
    """
    unknown = sorted(set(values) - set(VARIABLES))
    if unknown:
        raise KeyError(f'unknown config variables {unknown}; known: '
                       f'{sorted(VARIABLES)}')
    return {VARIABLES[k]: _text(k, v) for k, v in values.items()}


def environment_for(
        values: Mapping[str, Any],
        base: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """``base`` (default: this process's environment) with every
    :data:`VARIABLES` entry removed, then ``values`` set: a run depends on
    its own values only, never on a variable left in the shell."""
    env = dict(os.environ if base is None else base)
    for name in VARIABLES.values():
        env.pop(name, None)
    env.update(to_environment(values))
    return env


def load_config(path: str, values: Mapping[str, Any]) -> Config:
    """``Config.fromfile(path)`` with ``values`` set (unset ones: the
    configs' defaults). Thread-safe; this process's environment is restored.
    """
    wanted = environment_for(values, {})
    with _LOCK:
        saved = {name: os.environ.get(name) for name in VARIABLES.values()}
        try:
            for name in VARIABLES.values():
                os.environ.pop(name, None)
            os.environ.update(wanted)
            return Config.fromfile(path)
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
