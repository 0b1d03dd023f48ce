"""MMPose's metainfo files by absolute path."""
import os.path as osp

import pytest
from mmpose.datasets.datasets.utils import parse_pose_metainfo

from rmpe_mm.utils import mmpose_dataset_metainfo, package_config_root


def test_metainfo_path_is_absolute_and_parses(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no configs/ here: nothing relative
    path = mmpose_dataset_metainfo('coco')
    assert osp.isabs(path) and osp.isfile(path)
    assert len(parse_pose_metainfo(dict(from_file=path))['sigmas']) == 17
    mpii = parse_pose_metainfo(dict(from_file=mmpose_dataset_metainfo('mpii')))
    assert mpii['num_keypoints'] == 16


def test_unknown_metainfo_names_the_name():
    with pytest.raises(FileNotFoundError, match="'no_such_set'"):
        mmpose_dataset_metainfo('no_such_set')


def test_package_config_roots():
    for scope, folder in (('mmpose', 'body_2d_keypoint'), ('mmdet', 'rtmdet')):
        assert osp.isdir(osp.join(package_config_root(scope), folder))
