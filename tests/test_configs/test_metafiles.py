"""The model index (``model-index.yml``) and the metafiles of
``configs/rmpe/*`` parse with the ``model-index`` package, the reader MIM
uses, and point at files that exist.

No checkpoint is published, which the metafiles say: no model has
``Weights`` and every result has empty ``Metrics``.
"""
import glob
import os.path as osp

import pytest
from modelindex.load_model_index import load

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
INDEX = osp.join(REPO, 'model-index.yml')


@pytest.fixture(scope='module')
def index():
    return load(INDEX)


def test_the_index_checks_clean(index):
    assert index.check(silent=True) == []


def test_every_config_folder_is_imported():
    imported = open(INDEX).read()
    folders = sorted(glob.glob(osp.join(REPO, 'configs', 'rmpe', '*', '')))
    assert folders
    for folder in folders:
        metafiles = glob.glob(osp.join(folder, '*.yml'))
        assert len(metafiles) == 1, folder
        assert osp.relpath(metafiles[0], REPO) in imported


def test_models_configs_names_and_collections(index):
    names = [m.name for m in index.models]
    assert len(names) == len(set(names)), 'duplicate model names'
    collections = {c.name for c in index.collections}
    configs = {m.config for m in index.models}
    for model in index.models:
        # MMPose's convention: the model is named after its config file
        assert osp.isfile(osp.join(REPO, model.config)), model.config
        assert osp.splitext(osp.basename(model.config))[0] == model.name
        assert model.in_collection in collections, model.name
        assert model.metadata.data['Architecture'], model.name
        assert model.metadata.data['Training Data'] in ('MPII', 'COCO')
        # no published checkpoint: no weights, no claimed numbers (but a
        # results list MIM's `mim search` can iterate)
        assert model.weights is None, model.name
        results = list(model.results)
        assert results and all(r.metrics == {} for r in results), model.name
    # every training config of configs/rmpe/ has its entry
    on_disk = {
        osp.relpath(p, REPO)
        for p in glob.glob(osp.join(REPO, 'configs', 'rmpe', '*', '*.py'))
    }
    assert configs == on_disk


def test_collections_point_at_files(index):
    for collection in index.collections:
        assert osp.isfile(osp.join(REPO, collection.readme)), collection.name
        assert collection.paper['URL'].startswith('https://')


def test_a_broken_import_is_reported(tmp_path):
    """The check above can fail: an import of a missing metafile is an
    error of the reader."""
    bad = tmp_path / 'model-index.yml'
    bad.write_text('Import:\n  - configs/missing.yml\n')
    assert load(str(bad)).check(silent=True)
