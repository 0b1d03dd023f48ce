"""The video tracking benchmark on the synthetic clips.

- :mod:`.poses`: per-frame poses (a pose model through RMPEInferencer, or
  noisy ground truth) after rmpe_mm's pose NMS;
- :mod:`.trackers`: rmpe_mm's PoseTracker and MMPose's greedy matchers
  behind one interface;
- :mod:`.mot_metrics`: MOTA / IDF1 / ID switches (motmetrics) and HOTA
  (TrackEval) with box-IoU pairing;
- :mod:`.benchmark`: running them and the table.

Command line: ``tools/track_benchmark.py``.
"""
