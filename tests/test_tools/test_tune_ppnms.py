"""tools/tune_ppnms.py on a small dump of the COCO sample."""
import json

import pytest
from ppnms_coco_samples import COCO_ANN, coco_sample_predictions, write_dump

from rmpe_mm.evaluation.functional import ParametricPoseNMS


def test_tuning_recovers_from_bad_parameters(tmp_path, capsys, load_tool):
    dump = write_dump(
        coco_sample_predictions(seed=0, duplicates=3),
        str(tmp_path / 'preds.pkl'))
    start = tmp_path / 'start.json'
    # No match criterion and an unreachable gamma: nothing is suppressed.
    start.write_text(
        json.dumps(
            dict(
                preset='alphapose_body',
                params=dict(gamma=60.0, match_thr=None))))
    out_file = tmp_path / 'work' / 'tuned.json'
    tool = load_tool('tune_ppnms')
    out = tool.main([
        dump, COCO_ANN, '--out',
        str(out_file), '--params-file',
        str(start), '--pairs', 'mu,gamma', 'delta1,delta2', '--no-progress'
    ])
    printed = capsys.readouterr().out
    assert 'round | pair' in printed and 'AP (xtcocotools)' in printed
    metric = out['metric']
    assert metric['xtcocotools_start'] < 0.8
    assert metric['xtcocotools_best'] > 0.95
    assert metric['best'] == pytest.approx(metric['xtcocotools_best'])
    rounds = [row['round'] for row in out['history']]
    assert rounds[-1] >= 2
    last = [r for r in out['history'] if r['round'] == rounds[-1]]
    assert all(r['score_after'] == r['score_before'] for r in last)
    saved = json.loads(out_file.read_text())
    nms = ParametricPoseNMS(params_file=str(out_file))
    assert nms.params.match_thr is None
    assert nms.params.gamma == saved['params']['gamma'] < 60.0


def test_grid_and_pair_arguments(tmp_path, load_tool):
    tool = load_tool('tune_ppnms')
    assert tool.parse_grids(['gamma=10,20']) == {'gamma': [10.0, 20.0]}
    with pytest.raises(ValueError, match='--grid entry'):
        tool.parse_grids(['alpha=1,2'])
    with pytest.raises(ValueError, match='--pairs entry'):
        tool.parse_pairs(['mu'])
    dump = write_dump(
        coco_sample_predictions(seed=1), str(tmp_path / 'preds.pkl'))
    out = tool.main([
        dump, COCO_ANN, '--out',
        str(tmp_path / 't.json'), '--pairs', 'gamma,score_thr', '--grid',
        'gamma=15,22.48,30', '--max-rounds', '1', '--evaluator', 'coco',
        '--score-mode', 'bbox_keypoint', '--no-progress'
    ])
    assert out['metric']['evaluator'] == 'coco'
    assert out['history'][0]['evaluations'] <= 3 * 7 + 1
