"""Benchmark the pose tracker: milliseconds per frame of ``update()``.

Synthetic detections of people walking across a 1280x720 frame
(:func:`rmpe_mm.testing.tracking_clips.crowd_clip`, 17 COCO joints); the
tracker (:class:`rmpe_mm.apis.tracking.PoseTracker`, default settings,
with and without One-Euro smoothing) runs frame by frame. The figure is
process CPU time per frame (best of ``--repeats`` passes), one thread.
Goal: < 1 ms per frame at 10 people.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/bench_tracking.py [--people 1 5 10 \
        20] [--frames 300] [--repeats 3]
"""
import argparse
import time

from rmpe_mm.apis.tracking import PoseTracker
from rmpe_mm.testing.tracking_clips import COCO_SIGMAS, crowd_clip


def ms_per_frame(clip, repeats: int, **options) -> float:
    """Best over ``repeats`` passes of the CPU milliseconds per frame."""
    tracker = PoseTracker(sigmas=COCO_SIGMAS, **options)
    best = float('inf')
    for _ in range(repeats):
        tracker.reset()
        start = time.process_time()
        for frame in clip:
            tracker.update(frame.keypoints, frame.keypoint_scores,
                           frame.bboxes)
        best = min(best, (time.process_time() - start) / len(clip))
    return best * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--people', type=int, nargs='+', default=[1, 5, 10, 20])
    parser.add_argument('--frames', type=int, default=300)
    parser.add_argument('--repeats', type=int, default=3)
    args = parser.parse_args()
    try:
        import torch
        torch.set_num_threads(1)
    except ImportError:  # pragma: no cover
        pass
    print('people | ms/frame | ms/frame (One-Euro smoothing)')
    for people in args.people:
        clip = crowd_clip(people, args.frames, seed=people)
        plain = ms_per_frame(clip, args.repeats)
        smooth = ms_per_frame(clip, args.repeats, smooth_keypoints=True)
        print(f'{people:6d} | {plain:8.3f} | {smooth:8.3f}')


if __name__ == '__main__':
    main()
