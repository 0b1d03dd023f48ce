"""tools/fit_pgpg.py on the shipped COCO sample and on planted data."""
import importlib.util
import json
import os.path as osp

import numpy as np
import pytest

from rmpe_mm.datasets.pgpg import PGPGModel
from rmpe_mm.testing import (PLANTED_MEANS, make_planted_pairs,
                             write_planted_coco)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
COCO_DIR = osp.join(REPO, 'tests', 'data', 'coco')


def _tool():
    path = osp.join(REPO, 'tools', 'fit_pgpg.py')
    spec = importlib.util.spec_from_file_location('rmpe_tools_fit_pgpg', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fit_on_real_sample(tmp_path, capsys):
    out = tmp_path / 'pgpg.json'
    fig = tmp_path / 'pgpg.png'
    report = tmp_path / 'report.json'
    code = _tool().main([
        osp.join(COCO_DIR, 'test_coco.json'),
        osp.join(COCO_DIR, 'test_coco_det_AP_H_56.json'), '--out',
        str(out), '-k', '2', '--num-components', '1', '--min-samples', '5',
        '--figure',
        str(fig), '--report',
        str(report), '--quiet'
    ])
    assert code == 0
    text = capsys.readouterr().out
    assert 'matched' in text and 'atom  count' in text
    model = PGPGModel.load(str(out))
    assert model.num_atoms == 2 and model.num_keypoints == 17
    assert model.meta['matching']['num_gt'] == 14
    rep = json.loads(report.read_text())
    assert sum(a['count'] for a in rep['atoms']) == rep['num_aligned']
    assert fig.stat().st_size > 10000


def test_fit_on_planted_files(tmp_path, capsys):
    pairs = make_planted_pairs(800, clusters=(0, 3), offset_scale=0.5, seed=3)
    files = write_planted_coco(pairs, str(tmp_path))
    out = tmp_path / 'model.json'
    _tool().main([
        files['ann_file'], files['det_file'], '--out',
        str(out), '-k', '2', '--num-components', '1', '--quiet'
    ])
    model = PGPGModel.load(str(out))
    assert sorted(model.atom_counts.tolist()) == [400, 400]
    ids = model.assign_atoms(pairs.keypoints, pairs.visible)
    for j in range(2):
        truth = np.bincount(pairs.labels[ids == j]).argmax()
        np.testing.assert_allclose(
            model.atom_mixtures[j].mean(), PLANTED_MEANS[truth], atol=0.01)


def test_cli_errors(tmp_path):
    tool = _tool()
    with pytest.raises(FileNotFoundError, match='missing.json'):
        tool.main([
            str(tmp_path / 'missing.json'),
            osp.join(COCO_DIR, 'test_coco_det_AP_H_56.json'), '--out',
            str(tmp_path / 'x.json'), '--quiet'
        ])
    with pytest.raises(ValueError, match='min_samples=50'):
        tool.main([
            osp.join(COCO_DIR, 'test_coco.json'),
            osp.join(COCO_DIR, 'test_coco_det_AP_H_56.json'), '--out',
            str(tmp_path / 'x.json'), '--quiet'
        ])
    with pytest.raises(SystemExit):
        tool.main(['a.json'])
