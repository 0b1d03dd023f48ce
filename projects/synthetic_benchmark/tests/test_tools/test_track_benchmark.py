"""tools/track_benchmark.py end to end on one tiny clip (noisy truth)."""
import json
import os

import pytest


def test_track_benchmark_tiny_run(load_tool, tmp_path, capsys):
    tool = load_tool('track_benchmark')
    args = [
        '--poses', 'gt_noise', '--num-clips', '1', '--num-frames', '20',
        '--cache-dir',
        str(tmp_path / 'clips'), '--out',
        str(tmp_path / 'rows.json'), '--strip',
        str(tmp_path / 'strip.jpg')
    ]
    assert tool.main(args) == 0
    printed = capsys.readouterr().out
    assert '| Tracker | MOTA | IDF1 | HOTA | ID switches |' in printed
    with open(tmp_path / 'rows.json') as f:
        rows = json.load(f)['rows']
    names = [r['name'] for r in rows]
    assert names == [
        'rmpe_mm PoseTracker', 'MMPose greedy _track_by_oks',
        'MMPose greedy _track_by_iou'
    ]
    for row in rows:
        assert 0 <= row['idf1'] <= 1 and row['mota'] <= 1
        assert row['fps'] > 0
        assert f'| {row["name"]} | {row["mota"]:.3f} |' in printed
    assert os.path.getsize(tmp_path / 'strip.jpg') > 1000
    # a second run reuses the cached clip and prints the same metrics
    clip_files = sorted(
        os.path.join(d, n) for d, _, files in os.walk(tmp_path / 'clips')
        for n in files if n.endswith('.npz'))
    stamp = os.stat(clip_files[0]).st_mtime_ns
    assert tool.main(args) == 0
    assert os.stat(clip_files[0]).st_mtime_ns == stamp
    with open(tmp_path / 'rows.json') as f:
        again = json.load(f)['rows']
    for a, b in zip(rows, again):
        assert (a['mota'], a['idf1'], a['hota'],
                a['id_switches']) == (b['mota'], b['idf1'], b['hota'],
                                      b['id_switches'])


def test_track_benchmark_model_needs_a_trained_main_job(load_tool, tmp_path):
    tool = load_tool('track_benchmark')
    with pytest.raises(FileNotFoundError, match='run_main_job.sh'):
        tool.main_job_model(str(tmp_path))
    with pytest.raises(SystemExit):
        tool.parse_args(['--config', 'x.py'])
