"""Video tracking benchmark on SIMULATED clips with identities (CPU).

Makes (or reuses from the cache) ``--num-clips`` clips of ``--num-frames``
frames (``synthetic_benchmark.generator.clips``: people who walk, turn,
cross and occlude each other, leave and re-enter; simulated detections per
frame), gets every frame's poses after rmpe_mm's pose NMS, runs every
tracker on the same poses and prints per tracker MOTA, IDF1, HOTA, ID
switches and the frames per second of the tracking step alone::

    python projects/synthetic_benchmark/tools/track_benchmark.py
        [--poses model|gt_noise] [--main-job-dir work_dirs/main_job]
        [--config CFG --checkpoint CKPT] [--num-clips 5] [--num-frames 100]
        [--seed 0] [--cache-dir data/synthetic_clips] [--out FILE.json]
        [--strip FILE.jpg]

Poses: ``model`` (default) runs the main job's trained full-RMPE model
(``--main-job-dir``, made by ``tools/run_main_job.sh``) or any
``--config`` + ``--checkpoint`` through ``RMPEInferencer`` with the
``paper_mpii`` pose NMS; ``gt_noise`` uses the clips' true joints plus noise
(``synthetic_benchmark.tracking.poses``). Trackers: rmpe_mm's
``PoseTracker`` (documented defaults) and MMPose's greedy
``_track_by_oks`` / ``_track_by_iou`` as MMPose's inferencer calls them.
Pairing for MOT metrics: box IoU >= 0.5 between the true silhouette box and
the pose's box. Relative paths resolve against the current directory.
Same seed, same clips and poses; the FPS column is a wall-clock figure.
"""
import argparse
import json
import os.path as osp
import sys
from typing import List, Optional, Sequence, Tuple

import cv2
import numpy as np

from synthetic_benchmark.generator.clip_config import ClipConfig
from synthetic_benchmark.generator.clip_io import (ensure_clips, load_clip,
                                                   write_atomic)
from synthetic_benchmark.generator.clips import clip_events
from synthetic_benchmark.tracking.benchmark import format_table, run_benchmark
from synthetic_benchmark.tracking.poses import noisy_truth_poses
from synthetic_benchmark.tracking.render import tracked_strip
from synthetic_benchmark.tracking.trackers import (MMPoseGreedyTracker,
                                                   RMPETracker)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Command-line arguments."""
    p = argparse.ArgumentParser(
        description='Tracking benchmark on simulated clips (CPU)')
    p.add_argument(
        '--poses',
        choices=('model', 'gt_noise'),
        default='model',
        help='pose source (default: %(default)s)')
    p.add_argument(
        '--main-job-dir',
        default='work_dirs/main_job',
        help='the main job whose model --poses model uses when no '
        '--config/--checkpoint is given (default: %(default)s)')
    p.add_argument('--config', help='pose model config (with --checkpoint)')
    p.add_argument('--checkpoint', help='pose model checkpoint')
    p.add_argument(
        '--pose-nms',
        default='paper_mpii',
        help='pose-NMS preset (default: %(default)s)')
    p.add_argument(
        '--noise',
        type=float,
        default=0.03,
        help='gt_noise joint noise, fraction of sqrt(box area) '
        '(default: %(default)s)')
    p.add_argument('--num-clips', type=int, default=5)
    p.add_argument('--num-frames', type=int, default=100)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument(
        '--cache-dir',
        default='data/synthetic_clips',
        help='clip cache (default: %(default)s)')
    p.add_argument('--out', help='also write the rows as JSON here')
    p.add_argument(
        '--strip',
        help='also draw 6 frames of clip 0 tracked by rmpe_mm\'s tracker '
        'into this image file')
    args = p.parse_args(argv)
    if (args.config is None) != (args.checkpoint is None):
        p.error('--config and --checkpoint go together')
    for name in ('num_clips', 'num_frames'):
        if getattr(args, name) < 1:
            p.error(f'--{name.replace("_", "-")} must be >= 1')
    return args


def main_job_model(main_job_dir: str) -> Tuple[object, str]:
    """The main job's full-RMPE test config (with its variables) and
    trained checkpoint.

    Raises:
        FileNotFoundError: The main job has not finished training.
    """
    from synthetic_benchmark.config_variables import load_config
    from synthetic_benchmark.orchestration.plan import (BenchmarkSettings,
                                                        main_job_plan)
    settings_file = osp.join(main_job_dir, 'settings.json')
    if not osp.isfile(settings_file):
        raise FileNotFoundError(
            f'no main job in {main_job_dir!r} ({settings_file} missing): run '
            'bash tools/run_main_job.sh, give --config and --checkpoint, or '
            'use --poses gt_noise')
    with open(settings_file) as f:
        settings = BenchmarkSettings(**json.load(f))
    _, test = main_job_plan(settings, main_job_dir)
    if not osp.isfile(test.checkpoint):
        raise FileNotFoundError(
            f'the main job in {main_job_dir!r} has no trained model yet '
            f'({test.checkpoint} missing): let tools/run_main_job.sh finish, '
            'or use --poses gt_noise')
    return load_config(test.config, test.variables), test.checkpoint


def mpii_sigmas() -> np.ndarray:
    """MMPose's MPII OKS sigmas (16)."""
    from mmpose.datasets.datasets.utils import parse_pose_metainfo

    from rmpe_mm.datasets.mpii_multi_person_dataset import MPII_METAINFO_FILE
    return np.asarray(
        parse_pose_metainfo(dict(from_file=MPII_METAINFO_FILE))['sigmas'],
        np.float64)


def clip_poses(args: argparse.Namespace, clips: list) -> Tuple[List, str]:
    """Every clip's per-frame poses and a description of their source."""
    if args.poses == 'gt_noise':
        return [
            noisy_truth_poses(c, args.noise, args.seed + i, args.pose_nms)
            for i, c in enumerate(clips)
        ], (f'ground truth + noise {args.noise} (no model), '
            f'pose NMS {args.pose_nms}')
    from synthetic_benchmark.tracking.poses import ModelPoses
    if args.config is not None:
        config, checkpoint = args.config, args.checkpoint
    else:
        config, checkpoint = main_job_model(args.main_job_dir)
    model = ModelPoses(config, checkpoint, args.pose_nms)
    return [model(c) for c in clips], (f'model {checkpoint}, pose NMS '
                                       f'{args.pose_nms}')


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the benchmark; returns the exit status."""
    args = parse_args(argv)
    cfg = ClipConfig(seed=args.seed, num_frames=args.num_frames)
    paths = ensure_clips(cfg, args.num_clips, args.cache_dir)
    clips = [load_clip(p) for p in paths]
    print(f'[track_benchmark] {len(clips)} SIMULATED clips x '
          f'{args.num_frames} frames in {osp.dirname(paths[0])}')
    for i, clip in enumerate(clips):
        print(f'  clip {i}: {clip.present.shape[1]} people, '
              f'{int(clip.present.sum())} person-frames, events '
              f'{clip_events(clip)}')
    print(f'  total: {sum(int(c.present.sum()) for c in clips)} present '
          'person-frames')
    poses, source = clip_poses(args, clips)
    print(f'[track_benchmark] poses: {source}')
    sigmas = mpii_sigmas()
    trackers = [
        RMPETracker(sigmas),
        MMPoseGreedyTracker('oks', sigmas),
        MMPoseGreedyTracker('iou'),
    ]
    rows = run_benchmark(clips, poses, trackers)
    print('\nTracking on the simulated clips (MOT pairing: box IoU >= 0.5; '
          'FPS: tracking step alone, one process):')
    print(format_table(rows))
    if args.out:
        text = json.dumps(dict(poses=source, clips=paths, rows=rows), indent=1)
        write_atomic(args.out, lambda f: f.write(text.encode()))
    if args.strip:
        ours = trackers[0]
        ours.reset()
        ids = [ours.update(ours.prepare(p)) for p in poses[0]]
        step = max(1, clips[0].num_frames // 6)
        strip = tracked_strip(clips[0].frames, poses[0], ids,
                              list(range(0, clips[0].num_frames, step))[:6])
        ok, buf = cv2.imencode(
            osp.splitext(args.strip)[1] or '.jpg', strip,
            [cv2.IMWRITE_JPEG_QUALITY, 85])
        if not ok:
            raise ValueError(f'cannot encode {args.strip!r}')
        write_atomic(args.strip, lambda f: f.write(buf.tobytes()))
        print(f'[track_benchmark] strip of clip 0 in {args.strip}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
