"""Kill the main job with SIGKILL at many points, rerun it, compare tables.

Runs ``tools/main_job.py`` once uninterrupted (the reference, in
``<work-dir>/reference``), then, for every kill point, starts it in a fresh
work directory, kills its whole process group (the job and the training or
test subprocess it runs) with SIGKILL at that point, reruns the same
command in the same directory to completion (it resumes: finished steps are
skipped, an interrupted training run resumes from its last checkpoint) and
checks that the rerun printed the reference's table and ends with the
reference's final weights (``torch.equal`` on every tensor)::

    python projects/synthetic_benchmark/tools/fault_injection.py
        [--work-dir work_dirs/fault_injection] [--seed 0] [--quick]
        [--epochs E1] [--finetune-epochs E2] [--parallel-epochs P]
        [--train-people N] [--num-vis N] [--points NAME ...] [--jobs N]

How kill points are chosen (:func:`kill_plan`): the reference run's output
is time-stamped, which gives each stage's length (data, PGPG fit, each
training stage, test, render). A *time* point kills when the run has been in
a stage for a fraction of the stage's reference length (e.g. 50 % into the
PGPG fit, 40 % and 85 % into stage 1a: mid-epoch).
A *file* point watches the run's folder and kills the moment a file appears:
the hidden temporary file of a checkpoint being written (a kill during the
save), of the test's prediction dump, or the first rendered image. Each
progress line says where the kill landed (the stage the job had reached,
and the temporary files the kill left behind). Kills of the data and PGPG
stages use a private data folder; the others share the reference's data
(finished, so skipped).

The rerun must print the same table: training is resumed bit-identically
(``ExactResumeHook``) and every output is written atomically
(``rmpe_mm.utils.atomic_io``), so a killed write never passes for a
finished step.
"""
import argparse
import codecs
import glob
import os
import os.path as osp
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

# imported here in the main thread, not lazily by the worker threads
import torch

#: Pattern of the main job's stage lines: "[main_job] (3/7) train NAME: ...".
STAGE_LINE = re.compile(r'^\[main_job\] \((\d+)/(\d+)\) (.*)$')
#: The line before the main job's table.
TABLE_HEADER = 'MPII multi-person AP (%)'
#: main_job.py beside this file.
MAIN_JOB = osp.join(osp.dirname(osp.abspath(__file__)), 'main_job.py')


@dataclass(frozen=True)
class KillPoint:
    """Where to kill.

    Args:
        name (str): Shown in the progress line.
        stage (str): The stage (``data``, ``pgpg_fit``, a training run's
            name, ``test``, ``render``).
        fraction (float, optional): Kill this far into the stage (time).
        pattern (str, optional): Kill when a file matching this glob
            (relative to the run's work directory) exists.
        private_data (bool): Use a data folder of its own.
    """
    name: str
    stage: str
    fraction: Optional[float] = None
    pattern: Optional[str] = None
    private_data: bool = False


def stage_key(text: str) -> str:
    """The stage name of a main-job stage line's text."""
    if text.startswith('synthetic data'):
        return 'data'
    if text.startswith('PGPG fit'):
        return 'pgpg_fit'
    if text.startswith('train '):
        return text.split()[1].rstrip(':')
    if text.startswith('test'):
        return 'test'
    if text.startswith('rendering'):
        return 'render'
    raise ValueError(f'unknown main_job stage line: {text!r}')


def stage_times(stamped: Sequence[Tuple[float, str]],
                end: float) -> Dict[str, Tuple[float, float]]:
    """``{stage: (start, duration)}`` from time-stamped output lines."""
    starts: List[Tuple[str, float]] = []
    for t, line in stamped:
        match = STAGE_LINE.match(line)
        if match:
            starts.append((stage_key(match.group(3)), t))
    if not starts:
        raise ValueError('no "[main_job] (i/n)" stage line in the output')
    times = {}
    for i, (name, t) in enumerate(starts):
        stop = starts[i + 1][1] if i + 1 < len(starts) else end
        times[name] = (t, stop - t)
    return times


def extract_table(lines: Sequence[str]) -> Optional[str]:
    """The table the main job printed (the lines after its header up to a
    blank line), or None."""
    for i, line in enumerate(lines):
        if line.startswith(TABLE_HEADER):
            table = []
            for row in lines[i + 1:]:
                if not row.strip():
                    break
                table.append(row.rstrip())
            return '\n'.join(table)
    return None


def kill_plan(train_runs: Sequence[Tuple[str, int]]) -> List[KillPoint]:
    """The kill points: data and PGPG fit halfway, each training run at
    40 % and 85 % (mid-epoch) and while it writes the checkpoint of its
    middle epoch, the test halfway and while it writes its predictions, and
    the render after its first image.

    Args:
        train_runs: ``(name, epochs)`` of the main job's training runs.
    """
    points = [
        KillPoint('data 50%', 'data', fraction=0.5, private_data=True),
        KillPoint('PGPG fit 50%', 'pgpg_fit', fraction=0.5, private_data=True),
    ]
    for name, epochs in train_runs:
        middle = (epochs + 1) // 2
        points += [
            KillPoint(f'{name} 40%', name, fraction=0.4),
            KillPoint(f'{name} 85%', name, fraction=0.85),
            KillPoint(
                f'{name} saving epoch_{middle}.pth',
                name,
                pattern=f'{name}/.epoch_{middle}.pth.tmp*'),
        ]
    points += [
        KillPoint('test 50%', 'test', fraction=0.5),
        KillPoint(
            'test writing predictions.pkl',
            'test',
            pattern='tests/*/.predictions.pkl.tmp*'),
        KillPoint('render after 1st image', 'render', pattern='vis/*.png'),
    ]
    return points


class Job:
    """The main job as a process group, its output time-stamped."""

    def __init__(self, argv: Sequence[str], log_file: str) -> None:
        self.start = time.perf_counter()
        self.log = open(log_file, 'a', buffering=1)
        self.proc = subprocess.Popen(
            list(argv),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True)  # its own process group
        self._fd = self.proc.stdout.fileno()
        os.set_blocking(self._fd, False)
        self._decoder = codecs.getincrementaldecoder('utf-8')('replace')
        self.lines: List[Tuple[float, str]] = []
        self._partial = ''

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def pump(self) -> None:
        """Read what the job printed so far."""
        chunks = []
        while True:
            try:
                data = os.read(self._fd, 1 << 16)
            except BlockingIOError:
                break
            if not data:
                break
            chunks.append(self._decoder.decode(data))
        chunk = ''.join(chunks)
        if not chunk:
            return
        self.log.write(chunk)
        text = self._partial + chunk
        *complete, self._partial = text.split('\n')
        now = self.elapsed()
        self.lines += [(now, line) for line in complete]

    def stage(self) -> str:
        """The last stage the job announced."""
        return self.stage_start()[0]

    def stage_start(self) -> Tuple[str, float]:
        """The last stage the job announced and when (``startup``, 0 before
        the first)."""
        for t, line in reversed(self.lines):
            match = STAGE_LINE.match(line)
            if match:
                return stage_key(match.group(3)), t
        return 'startup', 0.0

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)

    def wait(self, poll: float, trigger=None) -> Tuple[Optional[int], bool]:
        """Pump output until the job ends or ``trigger()`` is true (then
        SIGKILL the group). Returns (exit code, killed)."""
        killed = False
        try:
            while self.proc.poll() is None:
                self.pump()
                if trigger is not None and trigger():
                    self.kill()
                    killed = True
                    break
                time.sleep(poll)
        except BaseException:  # never leave a job behind
            self.kill()
            raise
        code = self.proc.wait()
        self.pump()
        if self._partial:
            self.lines.append((self.elapsed(), self._partial))
            self._partial = ''
        self.log.close()
        self.proc.stdout.close()
        return code, killed


def temporaries(folder: str) -> List[str]:
    """Temporary files of interrupted atomic writes under ``folder``."""
    return [
        p for p in glob.glob(
            osp.join(glob.escape(folder), '**', '.*.tmp*'), recursive=True)
        if osp.isfile(p)
    ]


def final_weights_equal(a: str, b: str) -> bool:
    """``torch.equal`` on every tensor of two checkpoints' state dicts."""
    sa = torch.load(a, map_location='cpu', weights_only=False)['state_dict']
    sb = torch.load(b, map_location='cpu', weights_only=False)['state_dict']
    return sa.keys() == sb.keys() and all(
        torch.equal(sa[k], sb[k]) for k in sa)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Command-line arguments."""
    parser = argparse.ArgumentParser(
        description='SIGKILL the main job at many points, rerun it, compare')
    parser.add_argument('--work-dir', default='work_dirs/fault_injection')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--quick',
        action='store_true',
        help="the main job's --quick schedule (a check of the method)")
    for flag in ('--epochs', '--finetune-epochs', '--parallel-epochs',
                 '--train-people', '--num-vis'):
        parser.add_argument(flag, type=int, default=None)
    parser.add_argument(
        '--points',
        nargs='+',
        default=None,
        help='only the kill points whose names start with these')
    parser.add_argument(
        '--poll',
        type=float,
        default=0.005,
        help='seconds between checks for a kill point (default 0.005)')
    parser.add_argument(
        '--jobs',
        type=int,
        default=1,
        help='kill points run at once (default 1; time points are fractions '
        'of the reference stage lengths, so a slower concurrent run is '
        'killed earlier within the stage)')
    parser.add_argument(
        '--python', default=sys.executable, help='interpreter of the job')
    return parser.parse_args(argv)


def job_argv(args: argparse.Namespace, work_dir: str,
             data_root: str) -> List[str]:
    """The main job's command line."""
    argv = [
        args.python, MAIN_JOB, '--work-dir', work_dir, '--data-root',
        data_root, '--seed',
        str(args.seed)
    ]
    if args.quick:
        argv.append('--quick')
    for dest in ('epochs', 'finetune_epochs', 'parallel_epochs',
                 'train_people', 'num_vis'):
        value = getattr(args, dest)
        if value is not None:
            argv += ['--' + dest.replace('_', '-'), str(value)]
    return argv


def _trigger(point: KillPoint, job: Job, work_dir: str,
             times: Dict[str, Tuple[float, float]]):
    if point.pattern is not None:
        pattern = osp.join(glob.escape(work_dir), point.pattern)
        return lambda: bool(glob.glob(pattern))
    # the fraction of the stage's reference length, from the stage's start
    # in this run (steps the run skips shift the absolute times)
    after = point.fraction * times[point.stage][1]

    def due() -> bool:
        stage, start = job.stage_start()
        return stage == point.stage and job.elapsed() - start >= after

    return due


def _final_checkpoint(work_dir: str) -> Optional[str]:
    """The last training run's last checkpoint."""
    folder = osp.join(work_dir, 'stage2_rmpe')
    ckpts = glob.glob(osp.join(folder, 'epoch_*.pth'))
    if not ckpts:
        return None
    return max(
        ckpts, key=lambda p: int(re.findall(r'\d+', osp.basename(p))[0]))


def run_point(args, index: int, total: int, point: KillPoint, ref_table: str,
              ref_ckpt: str, times, say) -> Dict[str, object]:
    """Kill one run at ``point``, rerun it; returns its record."""
    work_dir = osp.join(args.work_dir, f'kill_{index:02d}')
    data_root = osp.join(work_dir, 'data') if point.private_data else osp.join(
        args.work_dir, 'data')
    os.makedirs(work_dir, exist_ok=True)
    argv = job_argv(args, work_dir, data_root)
    job = Job(argv, osp.join(work_dir, 'job_output.log'))
    code, killed = job.wait(args.poll, _trigger(point, job, work_dir, times))
    record = dict(
        point=point.name, killed=killed, at=job.elapsed(), stage=job.stage())
    left = temporaries(work_dir) + (
        temporaries(data_root) if point.private_data else [])
    record['temporaries'] = len(left)
    rerun = Job(argv, osp.join(work_dir, 'job_output.log'))
    code, _ = rerun.wait(0.5)
    lines = [line for _, line in rerun.lines]
    table = extract_table(lines)
    ckpt = _final_checkpoint(work_dir)
    record.update(
        finished=code == 0,
        rerun_seconds=rerun.elapsed(),
        same_table=table is not None and table == ref_table,
        same_weights=ckpt is not None and final_weights_equal(ckpt, ref_ckpt))
    landed = (f'killed at {record["at"]:.1f} s in {record["stage"]}'
              if killed else f'NOT killed (job ended with {code})')
    say(f'[fault] kill {index}/{total} ({point.name}): {landed}, '
        f'{record["temporaries"]} temporary file(s) left; rerun '
        f'{"finished" if record["finished"] else "FAILED"} in '
        f'{record["rerun_seconds"]:.0f} s, table '
        f'{"identical" if record["same_table"] else "DIFFERENT"}, final '
        f'weights {"identical" if record["same_weights"] else "DIFFERENT"}')
    return record


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the experiment; returns 0 if every rerun finished with the
    reference's table."""
    args = parse_args(argv)

    def say(line: str) -> None:
        print(line, flush=True)

    ref_dir = osp.join(args.work_dir, 'reference')
    os.makedirs(ref_dir, exist_ok=True)
    say(f'[fault] reference run (uninterrupted): '
        f'{" ".join(job_argv(args, ref_dir, osp.join(args.work_dir, "data")))}'
        )
    ref = Job(
        job_argv(args, ref_dir, osp.join(args.work_dir, 'data')),
        osp.join(ref_dir, 'job_output.log'))
    code, _ = ref.wait(0.5)
    ref_lines = [line for _, line in ref.lines]
    ref_table = extract_table(ref_lines)
    if code != 0 or ref_table is None:
        say(f'[fault] the reference run failed (exit {code}); see '
            f'{osp.join(ref_dir, "job_output.log")}')
        return 1
    if any('already done, skipped' in line for line in ref_lines):
        say('[fault] the reference run skipped finished steps: use a fresh '
            '--work-dir so that its stage times are measured')
        return 1
    times = stage_times(ref.lines, ref.elapsed())
    say(f'[fault] reference: {ref.elapsed():.0f} s; stages (start, length '
        's): ' + ', '.join(f'{k} ({s:.0f}, {d:.0f})'
                           for k, (s, d) in times.items()))
    say(ref_table)
    train_runs = []
    for name in times:
        if name in ('data', 'pgpg_fit', 'test', 'render'):
            continue
        epochs = len(glob.glob(osp.join(ref_dir, name, 'epoch_*.pth')))
        train_runs.append((name, epochs))
    points = kill_plan(train_runs)
    if args.points:
        points = [
            p for p in points if any(
                p.name.startswith(x) for x in args.points)
        ]
    if not points:
        say(f'[fault] no kill point starts with {args.points}')
        return 1
    ref_ckpt = _final_checkpoint(ref_dir)

    def attempt(index: int, point: KillPoint) -> Dict[str, object]:
        try:
            return run_point(args, index, len(points), point, ref_table,
                             ref_ckpt, times, say)
        except Exception as error:  # counted as a failure, not a crash
            say(f'[fault] kill {index}/{len(points)} ({point.name}): the '
                f'check FAILED with {type(error).__name__}: {error}')
            return dict(
                point=point.name,
                killed=False,
                finished=False,
                same_table=False,
                same_weights=False)

    with ThreadPoolExecutor(args.jobs) as pool:
        records = list(pool.map(attempt, *zip(*enumerate(points, 1))))
    killed = sum(bool(r['killed']) for r in records)
    finished = sum(bool(r['finished']) for r in records)
    same = sum(bool(r['same_table']) for r in records)
    weights = sum(bool(r['same_weights']) for r in records)
    n = len(records)
    say(f'\n[fault] {killed} kills of {n} points; reruns finished: '
        f'{finished}/{n}; tables identical to the uninterrupted run: '
        f'{same}/{n}; final weights identical: {weights}/{n}')
    ok = killed == n and finished == n and same == n and weights == n
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
