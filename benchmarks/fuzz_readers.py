"""Fuzz the pose NMS and every file reader; print the outcome counts.

Feeds ``--nms-count`` random inputs to the parametric pose NMS and
``--count`` mutated, truncated or missing files to each reader (see
:mod:`rmpe_mm.testing.fuzz` and :mod:`rmpe_mm.testing.fuzz_targets`), and
prints per target: inputs tried, documented errors (``ValueError`` /
``FileNotFoundError`` naming the file, or the NMS input), valid results
and anything else (must be 0), then the first tracebacks of anything else
and a few documented messages. Same ``--seed``, same inputs. Exits with
status 1 when anything else happened.

Usage::

    python benchmarks/fuzz_readers.py [--count 1000] [--nms-count 10000]
        [--seed 0] [--targets pose_nms checkpoint ...] [--samples]
        [--isolate]
"""
import argparse
import logging
import sys
import tempfile

from mmengine.logging import MMLogger
from tqdm import tqdm

import rmpe_mm  # noqa: F401
from rmpe_mm.testing.fuzz import format_table, run_target
from rmpe_mm.testing.fuzz_targets import all_targets


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--count', type=int, default=1000, help='inputs per file reader')
    parser.add_argument(
        '--nms-count', type=int, default=10000, help='pose NMS inputs')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--targets', nargs='+', help='only these targets (default: all)')
    parser.add_argument(
        '--samples',
        action='store_true',
        help='also print a few documented error messages per target')
    parser.add_argument(
        '--isolate',
        action='store_true',
        help='run every case in a forked process, so that a crash of native '
        'code counts as "other" instead of ending the run (POSIX; slower). '
        'The .mat readers\' cases always are')
    parser.add_argument(
        '--no-progress', action='store_true', help='no progress bar')
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    # the readers log what they load and warn about what they skip: keep
    # the output to the counts
    MMLogger.get_current_instance().setLevel(logging.ERROR)
    targets = [(i, t) for i, t in enumerate(all_targets())
               if not args.targets or t.name in args.targets]
    counts = {
        t.name: args.nms_count if t.name == 'pose_nms' else args.count
        for _, t in targets
    }
    rows = []
    with tempfile.TemporaryDirectory() as work_dir, tqdm(
            total=sum(counts.values()), disable=args.no_progress,
            file=sys.stderr) as bar:
        for index, target in targets:
            target.isolate = target.isolate or args.isolate
            bar.set_description(target.name)
            rows.append(
                run_target(
                    target,
                    counts[target.name],
                    args.seed,
                    index,
                    work_dir,
                    progress=bar.update))
    print(f'seed {args.seed}')
    print(format_table(rows))
    for row in rows:
        for text in row.tracebacks:
            print(f'\n--- {row.target}: other\n{text}')
        if args.samples:
            for text in row.samples:
                print(f'--- {row.target}: documented: {text[:300]}')
    return 1 if any(row.other for row in rows) else 0


if __name__ == '__main__':
    sys.exit(main())
