"""Files, format and determinism of the synthetic (simulated) dataset."""
import hashlib
import importlib.util
import json
import os
import os.path as osp

import numpy as np
import pytest

from rmpe_mm.datasets.mpii_multi_person_format import (
    mpii_person_category, parse_mpii_multi_person_json)
from synthetic_benchmark.generator import (AppearanceConfig, GeneratorConfig,
                                           SceneConfig, generate_dataset)
from synthetic_benchmark.paths import tool_path

ANN_KEYS = {
    'id', 'image_id', 'category_id', 'group_id', 'keypoints', 'num_keypoints',
    'bbox', 'area', 'iscrowd', 'head_bbox', 'center', 'scale'
}


def _small(seed=0, num_train=4, num_val=2, **scene):
    return GeneratorConfig(
        seed=seed,
        num_train=num_train,
        num_val=num_val,
        scene=SceneConfig(img_size=(96, 80), **scene),
        appearance=AppearanceConfig(num_shapes_range=(3, 6)))


def _digests(root):
    out = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            path = osp.join(dirpath, name)
            with open(path, 'rb') as f:
                out[osp.relpath(path,
                                root)] = hashlib.sha1(f.read()).hexdigest()
    return out


@pytest.fixture(scope='module')
def dataset(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('synth_a'))
    generate_dataset(root, _small(), progress=False)
    return root


def _load(root, name):
    with open(osp.join(root, name)) as f:
        return json.load(f)


def test_same_seed_same_bytes_other_seed_differs(dataset, tmp_path):
    again = str(tmp_path / 'again')
    generate_dataset(again, _small(), progress=False)
    first = _digests(dataset)
    assert len(first) == 4 + 2 + 8  # images, jsons, config + README
    assert first == _digests(again)
    other = str(tmp_path / 'other')
    generate_dataset(other, _small(seed=1), progress=False)
    second = _digests(other)
    assert second.keys() == first.keys()
    changed = [k for k in first if first[k] != second[k]]
    assert all(f'train_00000{i}.jpg' in ' '.join(changed) for i in range(4))
    assert 'annotations/train.json' in changed
    assert 'detections/val_det.json' in changed


def test_val_does_not_depend_on_num_train(dataset, tmp_path):
    root = str(tmp_path / 'more_train')
    generate_dataset(root, _small(num_train=6), progress=False)
    a, b = _digests(dataset), _digests(root)
    for key in ('images/val_000000.jpg', 'images/val_000001.jpg',
                'annotations/val.json', 'detections/val_det.json',
                'images/train_000003.jpg'):
        assert a[key] == b[key], key


def test_annotation_files_follow_the_mpii_multi_person_format(dataset):
    ids = set()
    for split in ('train', 'val'):
        coco = _load(dataset, f'annotations/{split}.json')
        assert coco['categories'] == [mpii_person_category()]
        per_image = parse_mpii_multi_person_json(
            coco)  # the shared validating reader
        assert len(per_image) == len(coco['images'])
        for img in coco['images']:
            assert set(img) == {'id', 'file_name', 'width', 'height', 'groups'}
            assert (img['width'], img['height']) == (96, 80)
            assert osp.isfile(osp.join(dataset, 'images', img['file_name']))
            assert img['file_name'].startswith(split)
            assert img['groups'] and img['id'] not in ids
            ids.add(img['id'])
        for ann in coco['annotations']:
            assert set(ann) == ANN_KEYS
            assert ann['category_id'] == 1 and ann['iscrowd'] == 0
            k = np.array(ann['keypoints']).reshape(16, 3)
            assert (k[k[:, 2] == 0, :2] == 0).all()
            assert ann['num_keypoints'] == int((k[:, 2] > 0).sum()) >= 8
            assert ann['scale'] > 0 and ann['area'] > 0
        dets = _load(dataset, f'detections/{split}_det.json')
        img_ids = {img['id'] for img in coco['images']}
        for det in dets:
            assert set(det) == {'image_id', 'category_id', 'bbox', 'score'}
            assert det['image_id'] in img_ids and det['category_id'] == 1
            assert det['bbox'][2] > 0 and det['bbox'][3] > 0
            assert 0 < det['score'] <= 1


def test_config_file_round_trips_and_says_simulated(dataset):
    saved = _load(dataset, 'generator_config.json')
    assert 'SIMULATED' in saved['notice']
    assert GeneratorConfig.from_dict(saved) == _small()
    assert 'SIMULATED' in _load(
        dataset, 'annotations/train.json')['info']['description']
    with open(osp.join(dataset, 'README.md')) as f:
        assert 'SIMULATED' in f.read()


def test_existing_dataset_needs_overwrite(dataset, tmp_path):
    root = str(tmp_path / 'd')
    generate_dataset(root, _small(num_train=3), progress=False)
    with pytest.raises(FileExistsError, match='overwrite'):
        generate_dataset(root, _small(num_train=2), progress=False)
    generate_dataset(root, _small(num_train=2), overwrite=True, progress=False)
    names = sorted(os.listdir(osp.join(root, 'images')))
    assert names == [
        'train_000000.jpg', 'train_000001.jpg', 'val_000000.jpg',
        'val_000001.jpg'
    ]


@pytest.mark.parametrize('section, key, value',
                         [('scene', 'min_people', 0),
                          ('scene', 'outside_joints', 'keep'),
                          ('scene', 'pose_class_probs', dict(arms_up=1.0)),
                          ('detector', 'duplicate_rate', -0.1),
                          ('appearance', 'image_ext', '.gif'),
                          (None, 'num_val', -1)])
def test_bad_config_values_name_the_field(section, key, value):
    cfg = {section: {key: value}} if section else {key: value}
    with pytest.raises(ValueError, match=key):
        GeneratorConfig.from_dict(cfg)
    with pytest.raises(ValueError, match='unknown'):
        GeneratorConfig.from_dict(dict(scene=dict(colour='red')))


def _tool():
    path = tool_path('make_synthetic_dataset')
    spec = importlib.util.spec_from_file_location('make_synthetic', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_command_line_tool(tmp_path, capsys):
    tool = _tool()
    out = str(tmp_path / 'cli')
    args = [
        '--out-dir', out, '--num-train', '2', '--num-val', '1', '--img-size',
        '64', '--seed', '7', '--duplicate-rate', '0.5', '--preview', '1',
        '--no-progress'
    ]
    assert tool.main(args) == 0
    saved = _load(out, 'generator_config.json')
    assert saved['seed'] == 7 and saved['scene']['img_size'] == [64, 64]
    assert saved['detector']['duplicate_rate'] == 0.5
    assert os.listdir(osp.join(out, 'preview')) == ['train_000000_preview.png']
    assert 'SIMULATED' in capsys.readouterr().out
    assert tool.main(args) == 0  # same settings: nothing to do
    assert 'nothing to do' in capsys.readouterr().out
    other_seed = args[:args.index('--preview')] + ['--seed', '8']
    assert tool.main(other_seed) == 1  # other settings need --force
    assert tool.main(args + ['--force', '--seed', '8']) == 0
    assert _load(out, 'generator_config.json')['seed'] == 8
    with pytest.raises(FileNotFoundError, match='missing.json'):
        tool.main(['--out-dir', out, '--config', 'missing.json'])
