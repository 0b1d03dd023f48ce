"""Benchmark the multi-person pipeline on a video: frames per second.

Generates a video (``--frames`` frames, 640x480, from the shipped sample
images ``tests/data/coco/*.jpg``, each held for several frames) and runs the
same detector and the same pose model (identical weights, loaded from the
same checkpoints) through

- ``mmpose``: ``mmpose.apis.MMPoseInferencer`` (one frame at a time, no
  pose NMS, its defaults otherwise);
- ``sequential``: :class:`rmpe_mm.apis.RMPEInferencer`, one loop (decode,
  detect, crop, pose model, parametric pose NMS);
- ``overlapped``: the same with ``overlap=True``: decoding, detection (with
  the crops) and the pose model in three threads joined by queues, as
  AlphaPose runs them,

and prints frames per second (wall clock), CPU seconds per pass and the
time per stage. Before timing it checks that the sequential and overlapped
passes give identical per-frame results and that MMPose's inferencer runs
the pose model on as many boxes. All get the same box filtering
(``--bbox-thr``, box NMS at ``--nms-thr``, which MMPose always applies).
No visualisation.

With ``--memory-frames N`` it instead checks that the overlapped pipeline
holds memory flat on a long input: it writes an ``N``-frame video of
``--boxes`` person-like shapes moving (``--memory-size``, default
320x240), runs only the overlapped :class:`rmpe_mm.apis.RMPEInferencer`
over it (results are consumed and dropped, as a caller streaming to disk
would) and prints the process's peak and current resident set size after
100 frames and at every quarter of the video, then the growth of the peak
from frame 100 to frame ``N`` (goal: within 10 %). The boxes come from a
detection file of the shapes' boxes (the detector's compute would make
2,000 frames take an hour on a shared CPU; ``--memory-detector`` runs it,
``--det-scale`` shrinks its input).

Weights are random (no pretrained weights here): fine for timing, not for
accuracy. The detector is set to emit exactly ``--boxes`` person boxes
per frame before box NMS (score threshold 0, one class, so a random
detector still yields people); the pose model includes the STN in every
path. Each path runs ``--repeats`` times, alternating, after one warm-up
each; the median is reported (and the fastest pass). ``--threads`` sets
PyTorch's intra-op threads per process: with 1, a sequential pass uses one
core and the overlapped one can use more.

Usage::

    python benchmarks/bench_pipeline.py [--frames 40] [--threads 1]
        [--pose-model lhg2|res50|hg8|PATH] [--det-config PATH] [--boxes 8]
        [--repeats 3] [--batch-size 1] [--pose-batch-size 8]
        [--queue-size 2]
    python benchmarks/bench_pipeline.py --memory-frames 2000 [--boxes 4]
        [--memory-size 320 240] [--memory-detector [--det-scale 320]]
"""
import argparse
import glob
import json
import os
import os.path as osp
import resource
import statistics
import tempfile
import time
from typing import Callable, Dict, List, Tuple

import cv2
import mmcv
import numpy as np
import torch
from mmengine.config import Config

import rmpe_mm  # noqa: F401
from rmpe_mm.apis import (PersonDetector, RMPEInferencer, StageTimer,
                          filter_person_boxes, scope_guard)

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
#: Generated video frame size (width, height) and frame rate.
FRAME_SIZE = (640, 480)
FPS = 25

#: Pose models by name: the project's RMPE config (8-stack hourglass SPPE),
#: a lighter RMPE model on MMPose's SimpleBaseline ResNet-50 config, and the
#: main job's small model (SSTN + 2-stack light hourglass, 48x64 crops).
POSE_MODELS = {
    'hg8':
    osp.join(REPO, 'configs', 'rmpe', 'coco',
             'rmpe_sstn-hourglass52-8stack_8xb32-60e_coco-256x192.py'),
    'res50':
    None,  # written by _res50_config
    'lhg2':
    osp.join(REPO, 'projects', 'synthetic_benchmark', 'configs',
             'rmpe_lhg2_synthetic_sstn.py'),
}
RES50_CONFIG = '''
_base_ = [
    'mmpose::body_2d_keypoint/topdown_heatmap/coco/'
    'td-hm_res50_8xb64-210e_coco-256x192.py', {plugin!r}
]
model = dict(
    type='RMPEPoseEstimator',
    backbone=dict(init_cfg=None),
    stn=dict(type='STNLocalizer', backbone=dict(type='ResNet', depth=18)))
'''


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--pose-model',
        default='lhg2',
        help='"lhg2" (the main job\'s model), "res50", "hg8" (configs/rmpe/'
        'coco/rmpe_sstn-hourglass52-8stack_8xb32-60e_coco-256x192.py) or '
        'a config path')
    parser.add_argument(
        '--det-config',
        default=osp.join(REPO, 'configs', '_base_', 'detectors',
                         'rtmdet_tiny_person.py'),
        help='detector config')
    parser.add_argument(
        '--frames', type=int, default=40, help='frames of the video')
    parser.add_argument(
        '--boxes', type=int, default=8, help='detector boxes per frame')
    parser.add_argument('--bbox-thr', type=float, default=0.0)
    parser.add_argument('--nms-thr', type=float, default=0.3)
    parser.add_argument(
        '--batch-size',
        type=int,
        default=1,
        help='frames per RMPEInferencer batch')
    parser.add_argument(
        '--pose-batch-size',
        type=int,
        default=8,
        help='crops per RMPEInferencer pose forward')
    parser.add_argument(
        '--queue-size',
        type=int,
        default=2,
        help='batches each overlapped stage runs ahead')
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument(
        '--memory-frames',
        type=int,
        default=0,
        help='check memory over a video of this many frames (>= 100) '
        'instead of timing')
    parser.add_argument(
        '--det-scale',
        type=int,
        help='detector input size (its test Resize scale and Pad size; '
        'default: the config\'s, 640 for RTMDet)')
    parser.add_argument(
        '--memory-detector',
        action='store_true',
        help='with --memory-frames: run the detector (default: the '
        'shapes\' boxes from a detection file, so that the long pass is '
        'affordable on a CPU)')
    parser.add_argument(
        '--memory-size',
        type=int,
        nargs=2,
        default=(320, 240),
        metavar=('W', 'H'),
        help='frame size of the --memory-frames video')
    args = parser.parse_args()
    if args.memory_frames and args.memory_frames < FIRST_MARK:
        parser.error(f'--memory-frames must be >= {FIRST_MARK}')
    return args


def _write(directory: str, name: str, text: str) -> str:
    path = osp.join(directory, name)
    with open(path, 'w') as f:
        f.write(text)
    return path


def _set_det_scale(det_cfg: Config, size: int) -> None:
    """Detector test input ``size`` x ``size`` (Resize scale, Pad size)."""
    found = 0
    for step in det_cfg.test_dataloader.dataset.pipeline:
        if step['type'] in ('Resize', 'Pad'):
            step['scale' if step['type'] == 'Resize' else 'size'] = (size,
                                                                     size)
            found += 1
    if not found:
        raise ValueError('--det-scale: the detector test pipeline has no '
                         'Resize or Pad step')


def prepare_models(args: argparse.Namespace, directory: str) -> dict:
    """Configs and random-weight checkpoints shared by both paths."""
    det_cfg = Config.fromfile(args.det_config)
    head = det_cfg.model.get('bbox_head') or det_cfg.model.roi_head.bbox_head
    head.num_classes = 1
    test_cfg = det_cfg.model.test_cfg
    test_cfg = test_cfg.get('rcnn', test_cfg)
    test_cfg.update(score_thr=0.0, max_per_img=args.boxes)
    if args.det_scale:
        _set_det_scale(det_cfg, args.det_scale)
    det_config = osp.join(directory, 'detector.py')
    det_cfg.dump(det_config)
    torch.manual_seed(0)
    detector = PersonDetector(det_config, 'none')
    det_ckpt = osp.join(directory, 'detector.pth')
    torch.save(dict(state_dict=detector.model.state_dict()), det_ckpt)

    pose_config = POSE_MODELS.get(args.pose_model, args.pose_model)
    if pose_config is None:
        plugin = osp.join(REPO, 'configs', '_base_', 'plugin.py')
        pose_config = _write(directory, 'pose.py',
                             RES50_CONFIG.format(plugin=plugin))
    from mmpose.apis.inference import dataset_meta_from_config
    from mmpose.registry import MODELS
    pose_cfg = Config.fromfile(pose_config)
    torch.manual_seed(0)
    with scope_guard('mmpose'):
        model = MODELS.build(pose_cfg.model)
    pose_ckpt = osp.join(directory, 'pose.pth')
    torch.save(
        dict(
            state_dict=model.state_dict(),
            meta=dict(dataset_meta=dataset_meta_from_config(pose_cfg))),
        pose_ckpt)
    return dict(
        det_config=det_config,
        det_ckpt=det_ckpt,
        pose_config=pose_config,
        pose_ckpt=pose_ckpt)


def build_rmpe(models: dict, args: argparse.Namespace) -> RMPEInferencer:
    """The RMPE inferencer of the prepared models."""
    return RMPEInferencer(
        models['pose_config'],
        models['pose_ckpt'],
        device='cpu',
        det_model=models['det_config'],
        det_weights=models['det_ckpt'],
        pose_batch_size=args.pose_batch_size)


class _Timed:
    """Calls ``fn`` and adds its time to ``timer[stage]``."""

    def __init__(self, fn: Callable, timer: StageTimer, stage: str) -> None:
        self.fn, self.timer, self.stage = fn, timer, stage

    def __call__(self, *args, **kwargs):
        with self.timer(self.stage):
            return self.fn(*args, **kwargs)


def build_mmpose(models: dict, timer: StageTimer):
    """MMPose's inferencer with its detector and pose forward timed."""
    from mmpose.apis import MMPoseInferencer
    inferencer = MMPoseInferencer(
        pose2d=models['pose_config'],
        pose2d_weights=models['pose_ckpt'],
        device='cpu',
        det_model=models['det_config'],
        det_weights=models['det_ckpt'],
        det_cat_ids=(0, ))
    pose2d = inferencer.inferencer
    pose2d.detector = _Timed(pose2d.detector, timer, 'detector')
    pose2d.model.test_step = _Timed(pose2d.model.test_step, timer, 'pose')
    return inferencer


def make_video(path: str, frames: int) -> str:
    """A video of the sample images, each held for ``frames / 4`` frames."""
    images = sorted(
        glob.glob(osp.join(REPO, 'tests', 'data', 'coco', '*.jpg')))
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), FPS,
                             FRAME_SIZE)
    for i in range(frames):
        image = cv2.imread(images[i * len(images) // frames])
        writer.write(cv2.resize(image, FRAME_SIZE))
    writer.release()
    return path


def make_moving_video(path: str, frames: int, size: Tuple[int, int],
                      people: int) -> List[dict]:
    """Write a video of ``people`` person-like shapes moving on a dark
    background (every frame differs).

    Returns:
        list[dict]: The shapes' boxes as COCO detection records, image id =
        0-based frame index (what ``RMPEInferencer``'s ``det_file`` reads).
    """
    width, height = size
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), FPS, size)
    half_w, top, bottom = width // 20, height // 4, height // 5
    records = []
    for i in range(frames):
        frame = np.full((height, width, 3), 40, np.uint8)
        for k in range(people):
            phase = i / FPS + 1.7 * k
            x = int(width * (0.5 + 0.35 * np.sin(phase)))
            y = int(height * (0.5 + 0.25 * np.cos(1.3 * phase)))
            color = ((60 * k + 50) % 256, (255 - 50 * k) % 256, 120)
            cv2.rectangle(frame, (x - half_w, y - height // 8),
                          (x + half_w, y + bottom), color, -1)
            cv2.circle(frame, (x, y - height // 6), height // 20, color, -1)
            records.append(
                dict(
                    image_id=i,
                    category_id=1,
                    bbox=[x - 2 * half_w, y - top, 4 * half_w, top + bottom],
                    score=0.9))
        writer.write(frame)
    writer.release()
    return records


#: The first frame count at which --memory-frames reports memory.
FIRST_MARK = 100


def rss_mb() -> Tuple[float, float]:
    """``(peak, current)`` resident set size of this process in MiB
    (Linux: ``ru_maxrss`` is in KiB; current from ``/proc/self/statm``)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with open('/proc/self/statm') as f:
        pages = int(f.read().split()[1])
    return peak, pages * os.sysconf('SC_PAGE_SIZE') / 2**20


def memory_check(rmpe: RMPEInferencer, video: str, args) -> None:
    """Peak and current RSS along the overlapped pass over ``video``."""
    total = args.memory_frames
    marks = sorted({FIRST_MARK} | {total * q // 4 for q in (1, 2, 3, 4)})
    marks = [m for m in marks if m >= FIRST_MARK]
    print(f'{"frames":>7s} {"peak RSS MiB":>13s} {"RSS MiB":>8s} '
          f'{"s":>7s}')
    start, done, peaks = time.perf_counter(), 0, {}
    for result in rmpe(
            video,
            batch_size=args.batch_size,
            bbox_thr=args.bbox_thr,
            nms_thr=args.nms_thr,
            overlap=True,
            queue_size=args.queue_size):
        done += len(result['predictions'])
        while marks and done >= marks[0]:
            peak, current = rss_mb()
            peaks[marks.pop(0)] = peak
            print(
                f'{done:7d} {peak:13.1f} {current:8.1f} '
                f'{time.perf_counter() - start:7.1f}',
                flush=True)
    if done != total:
        raise RuntimeError(f'the pipeline gave {done} of {total} frames')
    growth = 100 * (peaks[total] / peaks[FIRST_MARK] - 1)
    print(f'peak RSS after {FIRST_MARK} frames {peaks[FIRST_MARK]:.1f} MiB, '
          f'after {total} frames {peaks[total]:.1f} MiB: {growth:+.1f} % '
          f'({"within" if abs(growth) <= 10 else "NOT within"} 10 %)')


def memory_run(args: argparse.Namespace, directory: str) -> None:
    """The --memory-frames check: video, models, then the pass."""
    video = osp.join(directory, 'long.mp4')
    records = make_moving_video(video, args.memory_frames,
                                tuple(args.memory_size), args.boxes)
    models = prepare_models(args, directory)
    if args.memory_detector:
        rmpe, boxes = build_rmpe(models, args), 'detector'
    else:
        det_file = osp.join(directory, 'boxes.json')
        with open(det_file, 'w') as f:
            json.dump(records, f)
        rmpe = RMPEInferencer(
            models['pose_config'],
            models['pose_ckpt'],
            device='cpu',
            det_file=det_file,
            pose_batch_size=args.pose_batch_size)
        boxes = 'the shapes\' boxes from a detection file'
    print(f'pose model: {args.pose_model}; random weights; boxes: {boxes}; '
          f'{args.boxes} per frame; overlapped, queue size '
          f'{args.queue_size}; video {args.memory_frames} frames '
          f'{args.memory_size[0]}x{args.memory_size[1]}')
    memory_check(rmpe, video, args)


def run_mmpose(inferencer, video: str, args) -> List[list]:
    """Per-frame people of MMPose's inferencer."""
    people = []
    for result in inferencer(
            video, bbox_thr=args.bbox_thr, nms_thr=args.nms_thr):
        people += result['predictions']
    return people


def run_rmpe(inferencer, video: str, args, overlap: bool) -> List[list]:
    """Per-frame people of RMPEInferencer."""
    people = []
    for result in inferencer(
            video,
            batch_size=args.batch_size,
            bbox_thr=args.bbox_thr,
            nms_thr=args.nms_thr,
            overlap=overlap,
            queue_size=args.queue_size):
        people += result['predictions']
    return people


def _timed_runs(runs: Dict[str, Callable], timers: Dict[str, StageTimer],
                repeats: int) -> Dict[str, dict]:
    """Alternate the runs; per run the wall and CPU seconds and stages."""
    stats = {name: dict(wall=[], cpu=[], stages=[]) for name in runs}
    for name, run in runs.items():  # warm-up
        run()
    for _ in range(repeats):
        for name, run in runs.items():
            timers[name].reset()
            wall, cpu = time.perf_counter(), time.process_time()
            run()
            stats[name]['wall'].append(time.perf_counter() - wall)
            stats[name]['cpu'].append(time.process_time() - cpu)
            stats[name]['stages'].append(timers[name].as_dict())
    return stats


def _median_stages(stages: List[dict]) -> Dict[str, float]:
    keys = sorted({k for s in stages for k in s})
    return {k: statistics.median(s.get(k, 0.) for s in stages) for k in keys}


def report(stats: Dict[str, dict], num_frames: int) -> None:
    print(f'{"path":11s} {"fps":>6s} {"best":>6s} {"s/pass":>7s} '
          f'{"cpu s":>7s}  stages (median s/pass; overlapping when threaded)')
    medians = {}
    for name, values in stats.items():
        medians[name] = statistics.median(values['wall'])
        best = min(values['wall'])
        stages = _median_stages(values['stages'])
        text = ', '.join(f'{k} {v:.2f}' for k, v in stages.items())
        print(f'{name:11s} {num_frames / medians[name]:6.2f} '
              f'{num_frames / best:6.2f} {medians[name]:7.2f} '
              f'{statistics.median(values["cpu"]):7.2f}  {text}')
    for name in ('sequential', 'overlapped'):
        for base in ('mmpose', 'sequential'):
            if name != base:
                print(f'{name} vs {base}: '
                      f'{medians[base] / medians[name]:.2f}x fps')


def check_results(sequential: List[list], overlapped: List[list],
                  mmpose: List[list], boxes: List[int]) -> None:
    """Same per-frame results in both modes; MMPose saw as many boxes."""
    if sequential != overlapped:
        raise RuntimeError('sequential and overlapped results differ')
    if [len(p) for p in mmpose] != boxes:
        raise RuntimeError(f'box counts differ: rmpe {boxes}, mmpose '
                           f'{[len(p) for p in mmpose]}')


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    if args.memory_frames:
        with tempfile.TemporaryDirectory() as directory:
            memory_run(args, directory)
        return
    with tempfile.TemporaryDirectory() as directory:
        video = make_video(osp.join(directory, 'bench.mp4'), args.frames)
        models = prepare_models(args, directory)
        timers = dict(
            sequential=StageTimer(),
            overlapped=StageTimer(),
            mmpose=StageTimer())
        rmpe = build_rmpe(models, args)
        mmpose = build_mmpose(models, timers['mmpose'])
        boxes = [
            len(
                filter_person_boxes(
                    rmpe.detector([frame])[0], args.bbox_thr, args.nms_thr))
            for frame in mmcv.VideoReader(video)
        ]
        check_results(
            run_rmpe(rmpe, video, args, False),
            run_rmpe(rmpe, video, args, True), run_mmpose(mmpose, video, args),
            boxes)

        def rmpe_run(mode: str) -> Callable[[], list]:

            def run() -> list:
                rmpe.timer = timers[mode]
                return run_rmpe(rmpe, video, args, mode == 'overlapped')

            return run

        runs = dict(
            mmpose=lambda: run_mmpose(mmpose, video, args),
            sequential=rmpe_run('sequential'),
            overlapped=rmpe_run('overlapped'))
        stats = _timed_runs(runs, timers, args.repeats)
        print(f'pose model: {args.pose_model} ({models["pose_config"]}); '
              f'detector: {args.det_config}; random weights; '
              f'{args.threads} thread(s) per op; video {args.frames} frames '
              f'{FRAME_SIZE[0]}x{FRAME_SIZE[1]}, {sum(boxes)} boxes '
              'through the pose model; wall clock')
        report(stats, args.frames)


if __name__ == '__main__':
    main()
