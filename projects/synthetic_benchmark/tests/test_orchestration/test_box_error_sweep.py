"""The box-error sweep: plan, aggregation, in-process tests, STN probes."""
import json
import os.path as osp

import numpy as np
import pytest
import torch

from synthetic_benchmark.orchestration import BenchmarkSettings
from synthetic_benchmark.orchestration.evaluate import (build_test_config,
                                                        evaluate_on_detections,
                                                        parse_cfg_options,
                                                        stn_diagnostics)
# yapf: disable
from synthetic_benchmark.orchestration.sweep import (SWEEP_TRAIN_RUNS,
                                                     collect_totals,
                                                     ensure_level_detections,
                                                     level_meta_file,
                                                     offset_rms,
                                                     paired_differences,
                                                     sweep_markdown,
                                                     sweep_plan)
# yapf: enable
from synthetic_benchmark.paths import config_path
from synthetic_benchmark.testing import make_tiny_synthetic


def test_plan_trains_what_the_models_need_in_order(tmp_path):
    settings = BenchmarkSettings(
        stage1_epochs=10, stage2_epochs=4, parallel_epochs=10, seed=3)
    runs, models = sweep_plan(settings, str(tmp_path))
    assert [r.name for r in runs] == [
        n for n in ('sppe_gt_boxes', 'sppe_pgpg', 'parallel_sppe', 'rmpe_sstn',
                    'rmpe_sstn_parallel')
    ]
    assert set(r.name for r in runs) == set(SWEEP_TRAIN_RUNS)
    made = {r.checkpoint(str(tmp_path)) for r in runs}
    for model in models:
        assert model.test.checkpoint in made
    assert [m.is_sstn for m in models] == [False, False, True, True]
    assert all(r.variables['seed'] == 3 for r in runs)
    runs, _ = sweep_plan(settings, str(tmp_path), ['model.x=1'])
    assert [bool(r.cfg_options)
            for r in runs] == [False, False, False, True,
                               True]  # --stage2-options: SSTN runs


def _fake_results():
    """Two seeds; sstn_parallel better than pgpg by 2 +- 0 at x1."""
    out = {}
    for seed, noise in ((0, 0.0), (1, 1.0)):
        out[seed] = {}
        for key, base in (('pgpg', 50.), ('sstn_parallel', 52.)):
            out[seed][key] = {
                f'x{s:g}': dict(
                    raw=dict(Total=base - 10 * s + noise),
                    ppnms=dict(Total=base + 5 - 10 * s + noise))
                for s in (0.0, 1.0)
            }
    return out


def test_totals_table_and_paired_differences():
    totals = collect_totals(_fake_results(), (0.0, 1.0))
    assert totals['pgpg'][1.0] == [40.0, 41.0]
    assert totals['sstn_parallel_ppnms'][0.0] == [57.0, 58.0]
    md = sweep_markdown(totals, {'pgpg': '+ PGPG'}, (0.0, 1.0), {
        0.0: 0.0,
        1.0: 0.1
    }, (0, 1))
    assert '| + PGPG | 50.5 ± 0.7 | 40.5 ± 0.7 |' in md
    diff = paired_differences(totals, [('sstn_parallel', 'pgpg', 'd')],
                              (0.0, 1.0))
    assert '| d | +2.0 ± 0.0 * | +2.0 ± 0.0 * |' in diff
    totals['sstn_parallel'][1.0] = [43.0, 40.0]  # +3 and -1: no sign
    diff = paired_differences(totals, [('sstn_parallel', 'pgpg', 'd')],
                              (0.0, 1.0))
    assert '| +1.0 ± 2.8 |' in diff


def test_offset_rms():
    meta = [
        dict(offset=[0.1, 0.0, -0.1, 0.0]),
        dict(offset=None),
        dict(offset=[0.1, 0.2, 0.1, 0.0])
    ]
    assert offset_rms(meta) == pytest.approx(
        np.mean([0.1, np.sqrt(0.02), 0.1, 0.0]))
    assert offset_rms([dict(offset=None)]) == 0.0


def _record(theta, center, scale, bbox, img_id=1):
    return dict(
        img_id=img_id,
        bbox=np.asarray(bbox, float),
        center=np.asarray(center, float),
        scale=np.asarray(scale, float),
        theta=np.asarray(theta))


def test_stn_diagnostics_perfect_identity_and_wrong_stn():
    """A detection 10 px right of its person: the ideal STN looks 10 px
    left; the identity removes nothing; the opposite move doubles it."""
    gt = {7: [40., 20., 30., 60.]}  # x, y, w, h: center (55, 50)
    dets, meta, recs = [], [], {}
    for k, dx in enumerate((10., -6., 4.)):
        x1 = 40. + dx
        dets.append(dict(image_id=1, bbox=[x1, 20., 30., 60.], score=0.9))
        meta.append(dict(image_id=1, kind='tp', gt_ann_id=7, offset=None))
    dets.append(dict(image_id=1, bbox=[0., 0., 10., 10.], score=0.1))
    meta.append(dict(image_id=1, kind='fp', gt_ann_id=None, offset=None))
    scale = np.array([58.5, 78.0])  # 1.3 * (30, 60) at aspect 0.75
    for name, sign in (('perfect', 1.), ('identity', 0.), ('wrong', -1.)):
        recs[name] = []
        for d in dets[:3]:
            x1, y1, w, h = d['bbox']
            center = np.array([x1 + w / 2, y1 + h / 2])
            t = sign * 2 * (np.array([55., 50.]) - center) / scale
            theta = np.array([[1., 0., t[0]], [0., 1., t[1]]])
            recs[name].append(
                _record(theta, center, scale, [x1, y1, x1 + w, y1 + h]))
        recs[name].append(
            _record(np.eye(2, 3), [5., 5.], [10., 10.], [0., 0., 10., 10.]))
    stats = {
        name: stn_diagnostics(r, dets, meta, gt, 1.3, (48, 64))
        for name, r in recs.items()
    }
    assert stats['perfect']['num'] == 3  # the false positive is left out
    assert stats['perfect']['center_err_reduction'] == pytest.approx(1.0)
    assert stats['perfect']['corr_tx'] == pytest.approx(1.0)
    assert stats['identity']['center_err_reduction'] == pytest.approx(0.0)
    assert stats['wrong']['center_err_reduction'] == pytest.approx(-1.0)
    assert stats['wrong']['corr_tx'] == pytest.approx(-1.0)
    assert stats['perfect']['scale_mean'] == pytest.approx([1.0, 1.0])


def test_parse_cfg_options_as_the_command_line():
    opts = parse_cfg_options(['a.b=1', 'c=[1,2]', 'd=None'])
    assert opts == {'a.b': 1, 'c': [1, 2], 'd': None}
    assert parse_cfg_options([]) == {}


@pytest.fixture(scope='module')
def tiny_root(tmp_path_factory) -> str:
    return make_tiny_synthetic(
        str(tmp_path_factory.mktemp('sweep_tiny')),
        num_train=2,
        num_val=3,
        img_size=128)


def _random_model_checkpoint(name: str, root: str, path: str, stn_bias=None):
    """A synthetic config's model with random weights saved to ``path``;
    returns (config file, its data-root variables)."""
    from mmengine.registry import init_default_scope
    from mmpose.registry import MODELS

    from synthetic_benchmark.config_variables import load_config
    config = config_path(name)
    variables = dict(data_root=root)
    cfg = load_config(config, variables)
    init_default_scope('mmpose')
    model = MODELS.build(cfg.model)
    if stn_bias is not None:
        with torch.no_grad():
            model.stn.fc.bias.copy_(torch.tensor(stn_bias))
    torch.save(dict(state_dict=model.state_dict(), meta={}), path)
    return config, variables


def test_in_process_test_with_stn_probe(tiny_root, tmp_path):
    """An SSTN model (random weights, checkpoint saved here) tested on a
    box-error level of the tiny data: both evaluators, one probe record
    per detection, diagnostics over the true detections."""
    ckpt = str(tmp_path / 'model.pth')
    config, variables = _random_model_checkpoint(
        'rmpe_lhg2_synthetic_sstn',
        tiny_root,
        ckpt,
        stn_bias=[0.9, 0., 0.05, 0., 0.9, 0.])  # clearly not the identity
    det_file = ensure_level_detections(tiny_root, 2.0)
    assert osp.isfile(level_meta_file(tiny_root, 2.0))
    built = build_test_config(config, variables, (), ckpt, det_file,
                              str(tmp_path / 'w'))
    assert [e['prefix'] for e in built.test_evaluator] == ['raw', 'ppnms']
    assert built.test_evaluator[1]['pose_nms'] == 'paper_mpii'
    result = evaluate_on_detections(
        config,
        variables, (),
        ckpt,
        det_file,
        str(tmp_path / 'w'),
        probe_stn=True)
    for part in ('raw', 'ppnms'):
        assert 'Total' in result[part]
    with open(det_file) as f:
        dets = json.load(f)
    with open(level_meta_file(tiny_root, 2.0)) as f:
        meta = json.load(f)
    assert len(result['thetas']) == len(dets)
    np.testing.assert_allclose(
        result['thetas'][0]['theta'], [[0.9, 0., 0.05], [0., 0.9, 0.]],
        atol=1e-5)
    with open(osp.join(tiny_root, 'annotations', 'val.json')) as f:
        gt = {a['id']: a['bbox'] for a in json.load(f)['annotations']}
    stats = stn_diagnostics(result['thetas'], dets, meta, gt, 1.3, (48, 64))
    num_true = sum(m['gt_ann_id'] is not None for m in meta)
    assert stats['num'] == num_true > 0
    assert stats['det_mean'] == pytest.approx(0.81, abs=1e-4)


def test_ideal_theta_is_identity_for_a_perfect_box_and_moves_otherwise():
    from synthetic_benchmark.orchestration.evaluate import ideal_theta
    gt = [40., 20., 30., 60.]  # center (55, 50); crop 58.5 x 78 at 0.75
    theta = ideal_theta(
        np.array([55., 50.]), np.array([58.5, 78.]), gt, 1.3, (48, 64))
    np.testing.assert_allclose(theta, np.eye(2, 3), atol=1e-6)
    theta = ideal_theta(
        np.array([65., 50.]), np.array([117., 156.]), gt, 1.3, (48, 64))
    np.testing.assert_allclose(
        theta, [[0.5, 0., -20 / 117], [0., 0.5, 0.]], atol=1e-6)


def test_parallel_sppe_probe_runs_on_a_checkpoint(tiny_root, tmp_path):
    from synthetic_benchmark.orchestration.evaluate import parallel_sppe_probe
    ckpt = str(tmp_path / 'model.pth')
    config, variables = _random_model_checkpoint(
        'rmpe_lhg2_synthetic_sstn_parallel', tiny_root, ckpt)
    det_file = ensure_level_detections(tiny_root, 1.0)
    with open(level_meta_file(tiny_root, 1.0)) as f:
        meta = json.load(f)
    with open(osp.join(tiny_root, 'annotations', 'val.json')) as f:
        anns = {a['id']: a for a in json.load(f)['annotations']}
    probe = parallel_sppe_probe(config, variables, (), ckpt, det_file, meta,
                                anns, 1.3)
    assert probe['num'] == sum(m['gt_ann_id'] is not None for m in meta)
    assert probe['loss_identity'] > 0 and probe['loss_ideal'] > 0
    assert 0 <= probe['ideal_better'] <= 1
    with pytest.raises(ValueError, match='no parallel SPPE'):
        parallel_sppe_probe(
            config_path('rmpe_lhg2_synthetic_sstn'), variables, (), ckpt,
            det_file, meta, anns, 1.3)
