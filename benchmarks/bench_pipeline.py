"""Benchmark the multi-person pipeline against MMPose's own inferencer.

Runs, on the shipped sample images (``tests/data/coco/*.jpg``), the same
detector and the same pose model (identical weights, loaded from the same
checkpoints) through

- ``rmpe``: :class:`rmpe_mm.apis.RMPEInferencer` (all images of a batch
  through the detector at once, all their crops through the pose model
  together, parametric pose NMS per image);
- ``mmpose``: ``mmpose.apis.MMPoseInferencer`` (one image at a time, no
  pose NMS, its defaults otherwise),

and prints images/s and the time per stage (detector, pose, pose NMS).
Both get the same box filtering (``--bbox-thr``, box NMS at ``--nms-thr``,
which MMPose always applies) so that both run the pose model on the same
boxes; the script checks the box counts match. No visualisation.

Weights are random (no pretrained weights here): fine for timing, not for
accuracy. The detector is set to emit exactly ``--boxes`` person boxes
per image before box NMS (score threshold 0, one class, so a random
detector still yields people); the pose model includes the STN in both
paths, so the difference between the two is the pipeline's own overhead
plus the pose NMS.

Times are this process's CPU seconds (``time.process_time``) with one
thread, so that other processes on a shared machine do not inflate them;
each path runs ``--repeats`` times, alternating, after one warm-up each;
the median and the minimum over the repeats are reported (on a shared
machine repeated identical passes differ by up to ~10 %).

Usage::

    OMP_NUM_THREADS=1 python benchmarks/bench_pipeline.py \\
        [--pose-model res50|hg8|PATH] [--det-config PATH] [--boxes 8] \\
        [--repeats 5] [--batch-size 1] [--pose-batch-size 8]
"""
import argparse
import glob
import os.path as osp
import statistics
import sys
import tempfile
import time
from typing import Callable, Dict, List

import torch

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

import mmcv  # noqa: E402
import rmpe_mm  # noqa: E402,F401
from mmengine.config import Config  # noqa: E402

from rmpe_mm.apis import (PersonDetector, RMPEInferencer,  # noqa: E402
                          StageTimer, filter_person_boxes, scope_guard)

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
CLOCK = time.process_time

#: Pose models by name: the project's RMPE config (8-stack hourglass SPPE)
#: and a lighter RMPE model on MMPose's SimpleBaseline ResNet-50 config.
POSE_MODELS = {
    'hg8': osp.join(REPO, 'configs', 'rmpe_hg_coco.py'),
    'res50': None,  # written by _res50_config
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
        default='res50',
        help='"res50", "hg8" (configs/rmpe_hg_coco.py) or a config path')
    parser.add_argument(
        '--det-config',
        default=osp.join(REPO, 'configs', '_base_', 'detectors',
                         'rtmdet_tiny_person.py'),
        help='detector config')
    parser.add_argument(
        '--boxes', type=int, default=8, help='detector boxes per image')
    parser.add_argument('--bbox-thr', type=float, default=0.0)
    parser.add_argument('--nms-thr', type=float, default=0.3)
    parser.add_argument('--batch-size', type=int, default=1,
                        help='images per RMPEInferencer batch')
    parser.add_argument('--pose-batch-size', type=int, default=8,
                        help='crops per RMPEInferencer pose forward')
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--threads', type=int, default=1)
    return parser.parse_args()


def _write(directory: str, name: str, text: str) -> str:
    path = osp.join(directory, name)
    with open(path, 'w') as f:
        f.write(text)
    return path


def prepare_models(args: argparse.Namespace, directory: str) -> dict:
    """Configs and random-weight checkpoints shared by both paths."""
    det_cfg = Config.fromfile(args.det_config)
    head = det_cfg.model.get('bbox_head') or det_cfg.model.roi_head.bbox_head
    head.num_classes = 1
    test_cfg = det_cfg.model.test_cfg
    test_cfg = test_cfg.get('rcnn', test_cfg)
    test_cfg.update(score_thr=0.0, max_per_img=args.boxes)
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


class _Timed:
    """Calls ``fn`` and adds its CPU time to ``timer[stage]``."""

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


def run_mmpose(inferencer, images: List[str], args) -> List[int]:
    counts = []
    for result in inferencer(
            images, bbox_thr=args.bbox_thr, nms_thr=args.nms_thr):
        counts += [len(p) for p in result['predictions']]
    return counts


def run_rmpe(inferencer, images: List[str], args) -> List[int]:
    counts = []
    for result in inferencer(
            images,
            batch_size=args.batch_size,
            bbox_thr=args.bbox_thr,
            nms_thr=args.nms_thr):
        counts += [len(p) for p in result['predictions']]
    return counts


def _timed_runs(runs: Dict[str, Callable], timers: Dict[str, StageTimer],
                repeats: int) -> Dict[str, dict]:
    """Alternate the runs; per run the CPU seconds and stage times."""
    stats = {name: dict(total=[], stages=[]) for name in runs}
    for name, run in runs.items():  # warm-up
        run()
    for _ in range(repeats):
        for name, run in runs.items():
            timers[name].reset()
            start = CLOCK()
            run()
            stats[name]['total'].append(CLOCK() - start)
            stats[name]['stages'].append(timers[name].as_dict())
    return stats


def _median_stages(stages: List[dict]) -> Dict[str, float]:
    keys = sorted({k for s in stages for k in s})
    return {k: statistics.median(s.get(k, 0.) for s in stages) for k in keys}


def report(stats: Dict[str, dict], num_images: int, boxes: List[int]):
    print(f'{num_images} images, {sum(boxes)} boxes through the pose model '
          f'({boxes} per image)')
    print(f'{"path":8s} {"img/s":>7s} {"s/pass":>7s} {"min":>7s}  '
          'stages (median s/pass)')
    medians, minima = {}, {}
    for name, values in stats.items():
        medians[name] = statistics.median(values['total'])
        minima[name] = min(values['total'])
        stages = _median_stages(values['stages'])
        text = ', '.join(f'{k} {v:.3f}' for k, v in stages.items())
        print(f'{name:8s} {num_images / medians[name]:7.2f} '
              f'{medians[name]:7.3f} {minima[name]:7.3f}  {text}')
    for label, totals in (('median', medians), ('min', minima)):
        overhead = totals['rmpe'] / totals['mmpose'] - 1
        print(f'rmpe vs mmpose ({label}): {100 * overhead:+.1f} % time '
              'per pass')


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    images = sorted(glob.glob(osp.join(REPO, 'tests', 'data', 'coco',
                                       '*.jpg')))
    with tempfile.TemporaryDirectory() as directory:
        models = prepare_models(args, directory)
        timers = dict(rmpe=StageTimer(CLOCK), mmpose=StageTimer(CLOCK))
        rmpe = RMPEInferencer(
            models['pose_config'],
            models['pose_ckpt'],
            device='cpu',
            det_model=models['det_config'],
            det_weights=models['det_ckpt'],
            pose_batch_size=args.pose_batch_size)
        rmpe.timer = timers['rmpe']
        mmpose = build_mmpose(models, timers['mmpose'])
        boxes = [
            len(filter_person_boxes(b, args.bbox_thr, args.nms_thr))
            for b in rmpe.detector([mmcv.imread(p) for p in images])
        ]
        runs = dict(
            rmpe=lambda: run_rmpe(rmpe, images, args),
            mmpose=lambda: run_mmpose(mmpose, images, args))
        mmpose_people = run_mmpose(mmpose, images, args)
        if mmpose_people != boxes:
            raise RuntimeError(f'box counts differ: rmpe {boxes}, mmpose '
                               f'{mmpose_people}')
        stats = _timed_runs(runs, timers, args.repeats)
        print(f'pose model: {args.pose_model} ({models["pose_config"]}); '
              f'detector: {args.det_config}; random weights; '
              f'{args.threads} thread(s); CPU time')
        report(stats, len(images), boxes)


if __name__ == '__main__':
    main()
