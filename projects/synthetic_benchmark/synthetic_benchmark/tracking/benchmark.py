"""Run trackers on the clips' poses and score them (the benchmark table)."""
import time
from typing import Any, Dict, List, Sequence, Tuple

import numpy as np

from synthetic_benchmark.generator.clips import Clip
from .mot_metrics import TrackedFrame, mot_metrics
from .poses import FramePoses

#: Columns of the table: (key, header, format).
COLUMNS: Tuple[Tuple[str, str, str], ...] = (
    ('mota', 'MOTA', '{:.3f}'),
    ('idf1', 'IDF1', '{:.3f}'),
    ('hota', 'HOTA', '{:.3f}'),
    ('id_switches', 'ID switches', '{:d}'),
    ('false_positives', 'FP', '{:d}'),
    ('misses', 'misses', '{:d}'),
    ('fps', 'tracking FPS', '{:.0f}'),
    ('ms_per_frame', 'ms / frame', '{:.3f}'),
)


def truth_frames(clip: Clip) -> List[TrackedFrame]:
    """The ground truth of every frame (people present, silhouette
    boxes)."""
    return [TrackedFrame(*clip.frame_truth(t)) for t in range(clip.num_frames)]


def track_clip(
        tracker: Any,
        poses: Sequence[FramePoses]) -> Tuple[List[TrackedFrame], float]:
    """Run ``tracker`` over one clip's poses (after ``reset()``).

    Returns:
        tuple: The tracked people of every frame (ids >= 0 with their pose
        boxes) and the seconds spent in ``update`` (the tracking step
        alone; ``prepare`` is not timed).
    """
    tracker.reset()
    frames, seconds = [], 0.0
    for pose in poses:
        prepared = tracker.prepare(pose)
        start = time.perf_counter()
        ids = tracker.update(prepared)
        seconds += time.perf_counter() - start
        ids = np.asarray(ids, np.int64).reshape(-1)
        if len(ids) != len(pose['bboxes']):
            raise RuntimeError(f'{tracker.name} returned {len(ids)} ids for '
                               f'{len(pose["bboxes"])} poses')
        keep = ids >= 0
        frames.append(TrackedFrame(ids[keep], pose['bboxes'][keep]))
    return frames, seconds


def run_benchmark(clips: Sequence[Clip],
                  poses: Sequence[Sequence[FramePoses]],
                  trackers: Sequence[Any],
                  iou_threshold: float = 0.5) -> List[Dict[str, Any]]:
    """Every tracker on every clip's poses.

    Returns:
        list[dict]: One row per tracker: ``name``, the metrics of
        :func:`~.mot_metrics.mot_metrics`, ``fps`` and ``ms_per_frame`` of
        the tracking step.
    """
    if len(clips) != len(poses):
        raise ValueError(f'{len(clips)} clips but poses of {len(poses)}')
    truth = [truth_frames(c) for c in clips]
    rows = []
    for tracker in trackers:
        preds, seconds = [], 0.0
        for clip_poses in poses:
            frames, s = track_clip(tracker, clip_poses)
            preds.append(frames)
            seconds += s
        num_frames = sum(len(p) for p in poses)
        row = dict(
            name=tracker.name, **mot_metrics(truth, preds, iou_threshold))
        row['fps'] = num_frames / max(seconds, 1e-12)
        row['ms_per_frame'] = 1000.0 * seconds / num_frames
        rows.append(row)
    return rows


def format_table(rows: Sequence[Dict[str, Any]]) -> str:
    """A Markdown table of :func:`run_benchmark`'s rows."""
    head = ['Tracker'] + [c[1] for c in COLUMNS]
    lines = ['| ' + ' | '.join(head) + ' |', '|---|' + '---:|' * len(COLUMNS)]
    for row in rows:
        cells = [row['name']
                 ] + [fmt.format(row[key]) for key, _, fmt in COLUMNS]
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)
