"""PGPG fitting on planted structure, sampling, save/load and bad input."""
import json

import numpy as np
import pytest

from rmpe_mm.datasets.pgpg import (PUBLISHED_MEAN, PUBLISHED_STD,
                                   OffsetMixture, PGPGFitConfig, PGPGModel,
                                   fit_pgpg)
from rmpe_mm.testing import (PLANTED_COVS, PLANTED_MEANS, TEMPLATES,
                             make_planted_pairs)

# Tolerances (4000 pairs, 1000 per cluster; offset stds 0.03-0.08, so the
# standard error of a mean is <= 0.0026 and of a variance about 4.5 %):
MEAN_TOL = 0.012  # absolute, normalized offset units
COV_REL_TOL = 0.25  # relative to sqrt(var_i var_j)
ATOM_RMS_TOL = 0.05  # torso lengths


@pytest.fixture(scope='module')
def planted_fit():
    pairs = make_planted_pairs(4000, seed=1)
    cfg = PGPGFitConfig(num_atoms=4, num_components=1, min_samples=50)
    model, report = fit_pgpg(
        pairs.keypoints,
        pairs.visible,
        pairs.offsets,
        pairs.gt_boxes,
        cfg,
        progress=False)
    return pairs, model, report


def _truth_of_atoms(pairs, model):
    """Planted cluster of each atom (majority of its assigned poses)."""
    ids = model.assign_atoms(pairs.keypoints, pairs.visible)
    return ids, [
        np.bincount(pairs.labels[ids == j]).argmax()
        for j in range(model.num_atoms)
    ]


def test_fit_recovers_atoms(planted_fit):
    pairs, model, report = planted_fit
    ids, truth = _truth_of_atoms(pairs, model)
    assert sorted(truth) == [0, 1, 2, 3]
    accuracy = np.mean(np.asarray(truth)[ids] == pairs.labels)
    assert accuracy > 0.98
    for j, t in enumerate(truth):
        rms = np.sqrt(((model.atoms[j] - TEMPLATES[t])**2).sum(-1).mean())
        assert rms < ATOM_RMS_TOL
    assert report.num_aligned == 4000
    assert [a['count'] for a in report.atoms] == list(model.atom_counts)
    assert all(a['source'] == 'atom' for a in report.atoms)
    assert all(a['gain_over_global'] > 0.5 for a in report.atoms)


def test_fit_recovers_offset_means_and_covariances(planted_fit):
    pairs, model, _ = planted_fit
    _, truth = _truth_of_atoms(pairs, model)
    for j, t in enumerate(truth):
        mix = model.atom_mixtures[j]
        np.testing.assert_allclose(mix.mean(), PLANTED_MEANS[t], atol=MEAN_TOL)
        cov = PLANTED_COVS[t]
        scale = np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
        assert np.all(np.abs(mix.covariance() - cov) <= COV_REL_TOL * scale)


def test_sampling_follows_fitted_mixture(planted_fit):
    _, model, _ = planted_fit
    rng = np.random.default_rng(123)
    n = 20000
    for j in range(model.num_atoms):
        samples = model.sample_offsets(np.array([j]), n, rng)[0]
        mix = model.atom_mixtures[j]
        sd = np.sqrt(np.diag(mix.covariance()))
        # 5 standard errors on the mean, 5 % on the covariance.
        np.testing.assert_allclose(
            samples.mean(0), mix.mean(), atol=5 * sd.max() / np.sqrt(n))
        np.testing.assert_allclose(
            np.cov(samples.T), mix.covariance(), atol=0.05 * sd.max()**2)


def test_multi_component_sampling_moments():
    mix = OffsetMixture([0.3, 0.7], [[0.1, 0, 0, 0], [-0.1, 0.05, 0, 0]],
                        np.stack([np.eye(4) * 0.01,
                                  np.eye(4) * 0.002]))
    samples = mix.sample(40000, np.random.default_rng(0))
    np.testing.assert_allclose(samples.mean(0), mix.mean(), atol=0.002)
    np.testing.assert_allclose(
        np.cov(samples.T), mix.covariance(), atol=0.0007)
    # Component choice: fraction of samples with x > 0.05 reflects 0.3.
    assert abs(np.mean(samples[:, 0] > 0.0) - (0.3 * 0.84 + 0.7 * 0.013)) \
        < 0.02


def test_sparse_atoms_fall_back_to_global():
    pairs = make_planted_pairs(400, seed=2)
    sparse = np.concatenate([
        np.nonzero(pairs.labels != 3)[0],
        np.nonzero(pairs.labels == 3)[0][:20]
    ])
    cfg = PGPGFitConfig(num_atoms=4, num_components=2, min_samples=40)
    model, report = fit_pgpg(
        pairs.keypoints[sparse],
        pairs.visible[sparse],
        pairs.offsets[sparse],
        None,
        cfg,
        progress=False)
    rows = {a['count']: a for a in report.atoms}
    assert rows[20]['source'] == 'global'
    fallback = model.atom_mixtures[report.atoms.index(rows[20])]
    np.testing.assert_allclose(fallback.means, model.global_mixture.means)
    assert sum(a['source'] == 'atom' for a in report.atoms) == 3


def test_unaligned_poses_use_global(planted_fit):
    pairs, model, _ = planted_fit
    vis = pairs.visible[:3].copy()
    vis[0, [11, 12]] = 0  # no hips
    ids = model.assign_atoms(pairs.keypoints[:3], vis)
    assert ids[0] == -1 and (ids[1:] >= 0).all()
    assert model.mixture_for(-1) is model.global_mixture


def test_save_load_round_trip(planted_fit, tmp_path):
    pairs, model, _ = planted_fit
    path = tmp_path / 'sub' / 'pgpg.json'
    model.save(str(path))
    data = json.loads(path.read_text())
    assert data['format'] == 'rmpe_mm.pgpg' and data['version'] == 1
    loaded = PGPGModel.load(str(path))
    np.testing.assert_allclose(loaded.atoms, model.atoms)
    assert loaded.torso_joints == model.torso_joints
    for a, b in zip(loaded.atom_mixtures, model.atom_mixtures):
        np.testing.assert_allclose(a.covariances, b.covariances)
        assert a.source == b.source
    np.testing.assert_array_equal(
        loaded.assign_atoms(pairs.keypoints, pairs.visible),
        model.assign_atoms(pairs.keypoints, pairs.visible))
    rng1, rng2 = np.random.default_rng(4), np.random.default_rng(4)
    np.testing.assert_allclose(
        loaded.sample_offsets(np.array([0, -1]), 5, rng1),
        model.sample_offsets(np.array([0, -1]), 5, rng2))


def test_published_model():
    model = PGPGModel.published()
    assert model.num_atoms == 0
    np.testing.assert_allclose(model.global_mixture.mean(), PUBLISHED_MEAN)
    np.testing.assert_allclose(
        np.sqrt(np.diag(model.global_mixture.covariance())), PUBLISHED_STD)
    np.testing.assert_array_equal(
        model.assign_atoms(None, None, 3), [-1, -1, -1])
    loaded = PGPGModel.from_dict(model.to_dict())
    np.testing.assert_allclose(loaded.global_mixture.means,
                               model.global_mixture.means)


def test_bad_model_files(tmp_path):
    with pytest.raises(FileNotFoundError, match='missing.json'):
        PGPGModel.load(str(tmp_path / 'missing.json'))
    bad = tmp_path / 'bad.json'
    bad.write_text('{"format": ')
    with pytest.raises(ValueError, match='not valid JSON'):
        PGPGModel.load(str(bad))
    data = PGPGModel.published().to_dict()
    with pytest.raises(ValueError, match='version=99'):
        PGPGModel.from_dict(dict(data, version=99))
    with pytest.raises(ValueError, match="format='other'"):
        PGPGModel.from_dict(dict(data, format='other'))
    broken = dict(data)
    broken['global_mixture'] = dict(weights=[1.0], means=[[0, 0, 0, 0]])
    with pytest.raises(ValueError, match='covariances'):
        PGPGModel.from_dict(broken)
    with pytest.raises(ValueError, match='positive definite'):
        OffsetMixture([1.0], np.zeros((1, 4)), np.zeros((1, 4, 4)))


def _atom_model() -> dict:
    """A 2-atom, 17-joint model as saved."""
    mixture = PGPGModel.published().global_mixture
    return PGPGModel(
        mixture,
        atoms=np.zeros((2, 17, 2)),
        atom_mixtures=[mixture, mixture],
        atom_counts=[1, 2]).to_dict()


@pytest.mark.parametrize('field, value, message', [
    ('atoms', [[{
        'x': 1
    }]], "'atoms' must hold numbers"),
    ('atoms', [[[float('nan'), 0.]] * 17] * 2, "'atoms' must hold finite"),
    ('atom_counts', [1.5, 2], "'atom_counts' must hold finite int64"),
    ('min_keypoints', [4, 5], "'min_keypoints' must be one number"),
    ('min_torso', 'long', "'min_torso' must hold numbers"),
    ('torso_joints', 3, "'torso_joints' must be"),
    ('torso_joints', [[5, 6], [{
        'a': 1
    }]], "'torso_joints' must hold"),
    ('atom_mixtures', 'none', "'atom_mixtures' must be a list"),
    ('atom_mixtures', [1.0, 2.0], 'mixture entry must be an object'),
    ('meta', [1], "'meta' must be an object"),
])
def test_malformed_fields_name_the_file_and_field(tmp_path, field, value,
                                                  message):
    """Found by benchmarks/fuzz_readers.py: these raised TypeError (or, for
    NaN, loaded a model that samples NaN offsets)."""
    path = tmp_path / 'pgpg.json'
    path.write_text(json.dumps(dict(_atom_model(), **{field: value})))
    with pytest.raises(ValueError, match=f'{path}.*{message}'):
        PGPGModel.load(str(path))


def test_malformed_mixture_fields():
    data = _atom_model()
    data['global_mixture'] = dict(data['global_mixture'], means='x')
    with pytest.raises(ValueError, match="mixture field 'means' must hold"):
        PGPGModel.from_dict(data)
    data['global_mixture']['means'] = [[float('inf'), 0, 0, 0]]
    with pytest.raises(ValueError, match="'means' must be finite"):
        PGPGModel.from_dict(data)


def test_wrong_keypoint_count(planted_fit):
    _, model, _ = planted_fit
    with pytest.raises(ValueError, match='fitted on 17 keypoints'):
        model.assign_atoms(np.zeros((1, 16, 2)), np.ones((1, 16)))
    with pytest.raises(ValueError, match='keypoints_visible are required'):
        model.assign_atoms(None, None, 1)


def test_fit_errors():
    pairs = make_planted_pairs(30, seed=0)
    with pytest.raises(ValueError, match='min_samples=50'):
        fit_pgpg(
            pairs.keypoints,
            pairs.visible,
            pairs.offsets,
            cfg=PGPGFitConfig(),
            progress=False)
    with pytest.raises(ValueError, match='num_atoms=0'):
        fit_pgpg(
            pairs.keypoints,
            pairs.visible,
            pairs.offsets,
            cfg=PGPGFitConfig(num_atoms=0),
            progress=False)
    vis = pairs.visible.copy()
    vis[:, [11, 12]] = 0
    with pytest.raises(ValueError, match='only 0 poses could be aligned'):
        fit_pgpg(
            pairs.keypoints,
            vis,
            pairs.offsets,
            cfg=PGPGFitConfig(min_samples=10),
            progress=False)


# COCO-17 ids giving MPII-16 joints (pelvis, thorax, upper neck and head top
# are synthesised from pairs).
_MPII_FROM_COCO = [
    16, 14, 12, 11, 13, 15, (11, 12), (5, 6), (5, 6), 0, 10, 8, 6, 5, 7, 9
]


def _to_mpii(keypoints, visible):
    kpts, vis = [], []
    for src in _MPII_FROM_COCO:
        ids = list(src) if isinstance(src, tuple) else [src]
        kpts.append(keypoints[:, ids].mean(axis=1))
        vis.append(visible[:, ids].min(axis=1))
    return np.stack(kpts, axis=1), np.stack(vis, axis=1)


def test_fit_on_mpii_layout():
    pairs = make_planted_pairs(1200, seed=9)
    kpts, vis = _to_mpii(pairs.keypoints, pairs.visible)
    model, report = fit_pgpg(
        kpts,
        vis,
        pairs.offsets,
        cfg=PGPGFitConfig(num_atoms=4, num_components=1),
        progress=False)
    assert model.num_keypoints == 16
    assert model.torso_joints == ((12, 13), (2, 3))
    ids = model.assign_atoms(kpts, vis)
    truth = [np.bincount(pairs.labels[ids == j]).argmax() for j in range(4)]
    assert sorted(truth) == [0, 1, 2, 3]
    assert np.mean(np.asarray(truth)[ids] == pairs.labels) > 0.97
    for j, t in enumerate(truth):
        np.testing.assert_allclose(
            model.atom_mixtures[j].mean(), PLANTED_MEANS[t], atol=2 * MEAN_TOL)
    with pytest.raises(ValueError, match='fitted on 16 keypoints'):
        model.assign_atoms(pairs.keypoints, pairs.visible)
