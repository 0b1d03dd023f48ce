"""Training and testing infrastructure: hooks, launch helpers, tool args."""
from .distributed import prepare_cpu_distributed
from .hooks import *  # noqa: F401,F403
from .hooks import __all__ as _hooks_all
from .runner_args import merge_test_args, merge_train_args
from .worker_seeding import EpochWorkerSeeder, install_worker_seeder

__all__ = [
    'prepare_cpu_distributed', 'merge_train_args', 'merge_test_args',
    'EpochWorkerSeeder', 'install_worker_seeder'
] + list(_hooks_all)
