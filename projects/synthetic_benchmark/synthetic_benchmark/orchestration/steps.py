"""Steps of the synthetic benchmark and a subprocess runner for them.

Training and testing run rmpe_mm's ``python -m rmpe_mm.engine.train_cli`` /
``test_cli`` (what the repository's ``tools/train.py`` and ``tools/test.py``
wrap) in subprocesses, with the run's config variables in their environment
(:mod:`..config_variables`).
"""
import os
import os.path as osp
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import (Any, Callable, Dict, List, Mapping, Optional, Sequence,
                    Tuple)

from ..config_variables import environment_for, to_environment

#: mmengine log lines echoed while a step runs (the rest goes to its log).
PROGRESS_PATTERN = re.compile(r'Epoch\((train|val|test)\)|Traceback|Error')


@dataclass(frozen=True)
class TrainRun:
    """One training run.

    Args:
        name (str): Run name; its work directory is ``<root>/<name>``.
        config (str): Config path.
        epochs (int): Epochs it trains; its last checkpoint is
            ``epoch_<epochs>.pth``.
        variables (Mapping[str, Any]): The config variables it sets
            (:data:`~synthetic_benchmark.config_variables.VARIABLES`).
        cfg_options (tuple[str]): Extra ``--cfg-options`` entries
            (``key=value``), for investigations only.
        needs (tuple[str]): Files that must exist before it starts (the
            checkpoints it loads, the PGPG model).
    """
    name: str
    config: str
    epochs: int
    variables: Mapping[str, Any] = field(default_factory=dict)
    cfg_options: Tuple[str, ...] = ()
    needs: Tuple[str, ...] = ()

    def work_dir(self, root: str) -> str:
        """Work directory under ``root``."""
        return osp.join(root, self.name)

    def checkpoint(self, root: str, epoch: Optional[int] = None) -> str:
        """Checkpoint of ``epoch`` (default: the last one)."""
        return osp.join(
            self.work_dir(root),
            f'epoch_{self.epochs if epoch is None else epoch}.pth')


@dataclass(frozen=True)
class TestRun:
    """One test run (a row of the results table).

    Args:
        name (str): Run name; results go to ``<root>/tests/<name>/``.
        label (str): Row label in the table.
        config (str): Config path.
        checkpoint (str): Checkpoint to test.
        variables (Mapping[str, Any]): The config variables it sets.
        cfg_options (tuple[str]): Test-time ``--cfg-options`` entries (the
            evaluator's pose NMS, the boxes).
        dump (bool): Also dump the raw predictions (``predictions.pkl``).
    """
    __test__ = False  # not a pytest test class despite its name
    name: str
    label: str
    config: str
    checkpoint: str
    variables: Mapping[str, Any] = field(default_factory=dict)
    cfg_options: Tuple[str, ...] = ()
    dump: bool = False

    def work_dir(self, root: str) -> str:
        """Work directory under ``root``."""
        return osp.join(root, 'tests', self.name)

    def metrics_file(self, root: str) -> str:
        """Where the test's ``--out`` writes the metrics."""
        return osp.join(self.work_dir(root), 'metrics.json')

    def dump_file(self, root: str) -> str:
        """Where the test's ``--dump`` writes the predictions."""
        return osp.join(self.work_dir(root), 'predictions.pkl')


#: The training and test entry points (modules of the installed rmpe_mm).
TRAIN_MODULE = 'rmpe_mm.engine.train_cli'
TEST_MODULE = 'rmpe_mm.engine.test_cli'


def command_for_train(run: TrainRun,
                      root: str,
                      resume: Optional[str] = None) -> List[str]:
    """Interpreter arguments training ``run`` (its config variables go in
    the environment, see :meth:`StepRunner.train`).

    With ``resume`` (a checkpoint of an interrupted run) training continues
    from it (``--resume``: weights, optimiser, epoch); a ``load_from`` among
    the extra options is then dropped, since ``--cfg-options`` would
    otherwise replace the checkpoint to resume from.
    """
    argv = ['-m', TRAIN_MODULE, run.config, '--work-dir', run.work_dir(root)]
    options = list(run.cfg_options)
    if resume is not None:
        argv += ['--resume', resume]
        options = [o for o in options if not o.startswith('load_from=')]
    if options:
        argv += ['--cfg-options', *options]
    return argv


def command_for_test(run: TestRun, root: str) -> List[str]:
    """Interpreter arguments testing ``run``."""
    argv = [
        '-m', TEST_MODULE, run.config, run.checkpoint, '--work-dir',
        run.work_dir(root), '--out',
        run.metrics_file(root)
    ]
    if run.dump:
        argv += ['--dump', run.dump_file(root)]
    if run.cfg_options:
        argv += ['--cfg-options', *run.cfg_options]
    return argv


class StepRunner:
    """Run the steps as subprocesses, log them, echo their progress.

    Every step's full output goes to its log file; lines matching
    :data:`PROGRESS_PATTERN` (training/validation/test progress with the
    metrics, errors) are also passed to ``echo``. Subprocesses get
    ``OMP_NUM_THREADS=threads`` unless the environment already sets it:
    one thread for the model plus one data-loader process fits a 2-core
    CPU, and on a shared CPU more threads were measured to be slower
    (OpenMP threads spin while waiting for each other).

    Args:
        repo_root (str): Working directory of the subprocesses; relative
            paths (work and data directories) resolve against it.
        python (str): Interpreter. Defaults to the current one.
        echo (Callable[[str], None]): Where progress goes. Defaults to
            ``print`` (flushed).
        verbose (bool): Echo every line. Defaults to False.
        threads (int): Default ``OMP_NUM_THREADS``. Defaults to 1.
    """

    def __init__(self,
                 repo_root: str,
                 python: Optional[str] = None,
                 echo: Optional[Callable[[str], None]] = None,
                 verbose: bool = False,
                 threads: int = 1) -> None:
        if not osp.isdir(repo_root):
            raise FileNotFoundError(f'repo_root not found: {repo_root!r}')
        if threads < 1:
            raise ValueError(f'threads must be >= 1, got {threads}')
        self.repo_root = repo_root
        self.python = python or sys.executable
        self.echo = echo or (lambda line: print(line, flush=True))
        self.verbose = verbose
        self.threads = threads

    def path(self, path: str) -> str:
        """``path`` resolved against :attr:`repo_root`."""
        return osp.join(self.repo_root, path)

    def _env(self, variables: Mapping[str, Any]) -> Dict[str, str]:
        env = environment_for(variables)
        env.setdefault('OMP_NUM_THREADS', str(self.threads))
        env.setdefault('PYTHONUNBUFFERED', '1')
        return env

    def run(self,
            argv: Sequence[str],
            log_file: str,
            variables: Optional[Mapping[str, Any]] = None) -> float:
        """Run ``python *argv`` with the config ``variables`` (none: the
        configs' defaults) in its environment; returns the wall time in
        seconds.

        Raises:
            RuntimeError: The command failed (message: log file and the
                last lines of its output).
        """
        os.makedirs(osp.dirname(osp.abspath(log_file)), exist_ok=True)
        start = time.perf_counter()
        tail: List[str] = []
        with open(log_file, 'w', buffering=1) as log:  # line-buffered
            shown = to_environment(variables or {})
            log.write('$ ' + ' '.join([f'{k}={v}' for k, v in shown.items()] +
                                      [self.python, *argv]) + '\n')
            proc = subprocess.Popen([self.python, *argv],
                                    cwd=self.repo_root,
                                    env=self._env(variables or {}),
                                    stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT,
                                    text=True,
                                    bufsize=1)
            for line in proc.stdout:
                log.write(line)
                line = line.rstrip('\n')
                tail = (tail + [line])[-15:]
                if self.verbose or PROGRESS_PATTERN.search(line):
                    self.echo('    ' + line)
            code = proc.wait()
        if code != 0:
            raise RuntimeError(f'command failed with exit code {code}: '
                               f'{" ".join(argv)}\nlog: {log_file}\n' +
                               '\n'.join(tail))
        return time.perf_counter() - start

    def _resume_point(self, run: TrainRun, root: str) -> Optional[str]:
        """Checkpoint an interrupted ``run`` left (MMEngine's
        ``last_checkpoint`` file), if it still exists."""
        pointer = self.path(osp.join(run.work_dir(root), 'last_checkpoint'))
        if not osp.isfile(pointer):
            return None
        with open(pointer) as f:
            path = f.read().strip()
        return path if path and osp.isfile(self.path(path)) else None

    def train(self, run: TrainRun, root: str) -> Optional[float]:
        """Train ``run`` unless its last checkpoint exists; an interrupted
        run resumes from its latest checkpoint.

        Returns:
            float | None: Wall time, or None when skipped.

        Raises:
            FileNotFoundError: A file in ``run.needs`` is missing.
        """
        if osp.isfile(self.path(run.checkpoint(root))):
            return None
        for need in run.needs:
            if not osp.isfile(self.path(need)):
                raise FileNotFoundError(
                    f'run {run.name!r} needs {need!r}, which does not exist')
        resume = self._resume_point(run, root)
        if resume is not None:
            self.echo(f'    resuming {run.name} from {resume}')
        return self.run(
            command_for_train(run, root, resume),
            self.path(osp.join(run.work_dir(root), 'train.log')),
            run.variables)

    def test(self, run: TestRun, root: str) -> Optional[float]:
        """Test ``run`` unless its metrics file exists (then None)."""
        if osp.isfile(self.path(run.metrics_file(root))) and (
                not run.dump or osp.isfile(self.path(run.dump_file(root)))):
            return None
        if not osp.isfile(self.path(run.checkpoint)):
            raise FileNotFoundError(
                f'test {run.name!r} needs checkpoint {run.checkpoint!r}, '
                'which does not exist')
        return self.run(
            command_for_test(run, root),
            self.path(osp.join(run.work_dir(root), 'test.log')), run.variables)
