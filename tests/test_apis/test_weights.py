"""Weights as MMPose's inferencers choose them: a model-zoo name's published
checkpoint by default (torch hub cache), ``'none'`` for random weights, a
local file or a URL.

No test touches the network: the torch hub directory is a temporary one and
``torch.hub.download_url_to_file`` is replaced by a stub that fails (no
network) or copies a file the test saved (a reachable server).
"""
import os
import shutil
from types import SimpleNamespace
from urllib.error import URLError

import pytest
import torch

from rmpe_mm.apis import (NO_WEIGHTS, PersonDetector, RMPEInferencer,
                          WeightsUnavailableError, choose_weights)
from rmpe_mm.apis.weights import WeightsOption, cached_checkpoint_path

OPTION = WeightsOption('pose model', 'weights', '--pose2d-weights')
FAKE_URL = 'https://example.invalid/checkpoints/tiny_rmpe.pth'


@pytest.fixture
def hub_dir(tmp_path, monkeypatch):
    """An empty torch hub directory (``.path``); downloads fail as without
    network (the URLs tried: ``.calls``)."""
    directory = tmp_path / 'hub'
    monkeypatch.setattr(torch.hub, 'get_dir', lambda: str(directory))
    calls = []

    def no_network(url, dst, *args, **kwargs):
        calls.append(url)
        raise URLError('[Errno -3] Temporary failure in name resolution')

    monkeypatch.setattr(torch.hub, 'download_url_to_file', no_network)
    return SimpleNamespace(path=directory, calls=calls)


def _published_url(name: str, scope: str) -> str:
    from rmpe_mm.apis import resolve_model
    url = resolve_model(name, scope).published_weights
    assert url.startswith('https://')
    return url


def test_model_zoo_name_without_network_names_url_and_options(hub_dir):
    url = _published_url('human', 'mmpose')
    with pytest.raises(WeightsUnavailableError) as info:
        RMPEInferencer('human', device='cpu', det_model='whole_image')
    message = str(info.value)
    for part in ("model-zoo name 'human'", url, 'URLError',
                 cached_checkpoint_path(url), 'weights=PATH',
                 '--pose2d-weights PATH', "weights='none'",
                 '--pose2d-weights none'):
        assert part in message
    assert hub_dir.calls == [url]
    # written whole or not at all: nothing is left in the cache
    assert not os.path.exists(cached_checkpoint_path(url))


def test_detector_name_without_network_names_its_option(hub_dir):
    url = _published_url('rtmdet-t', 'mmdet')
    with pytest.raises(WeightsUnavailableError, match='checkpoint=PATH'):
        PersonDetector('rtmdet-t')
    with pytest.raises(WeightsUnavailableError) as info:
        RMPEInferencer('human', NO_WEIGHTS, device='cpu', det_model='rtmdet-t')
    assert url in str(info.value)
    assert '--det-weights none' in str(info.value)
    assert "det_weights='none'" in str(info.value)


def test_none_gives_random_weights_without_download(hub_dir):
    detector = PersonDetector('rtmdet-t', 'none')
    inferencer = RMPEInferencer(
        'human', 'NONE', device='cpu', det_model=detector, pose_nms=None)
    assert hub_dir.calls == []
    assert inferencer.model.dataset_meta['num_keypoints'] == 17


def _shifted_checkpoint(pose_checkpoint: str, path: str) -> dict:
    """The tiny model's checkpoint with every float tensor + 1 (so loaded
    weights cannot be mistaken for a fresh initialisation)."""
    checkpoint = torch.load(pose_checkpoint, map_location='cpu')
    checkpoint['state_dict'] = {
        k: v + 1 if v.is_floating_point() else v
        for k, v in checkpoint['state_dict'].items()
    }
    torch.save(checkpoint, path)
    return checkpoint['state_dict']


def _assert_loaded(model: torch.nn.Module, expected: dict) -> None:
    state = model.state_dict()
    assert set(state) == set(expected)
    for key, value in expected.items():
        assert torch.equal(state[key].cpu(), value), key


def test_local_file_loads(hub_dir, tmp_path, pose_config, pose_checkpoint):
    path = str(tmp_path / 'shifted.pth')
    expected = _shifted_checkpoint(pose_checkpoint, path)
    inferencer = RMPEInferencer(
        pose_config, path, device='cpu', det_model='whole_image')
    _assert_loaded(inferencer.model, expected)
    random = RMPEInferencer(
        pose_config, 'none', device='cpu', det_model='whole_image')
    key = next(k for k, v in expected.items() if v.is_floating_point())
    assert not torch.equal(random.model.state_dict()[key], expected[key])
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        RMPEInferencer(pose_config, str(tmp_path / 'missing.pth'))
    assert hub_dir.calls == []


def test_url_from_cache_or_download(hub_dir, tmp_path, monkeypatch,
                                    pose_config, pose_checkpoint):
    server_copy = str(tmp_path / 'served.pth')
    expected = _shifted_checkpoint(pose_checkpoint, server_copy)
    cached = cached_checkpoint_path(FAKE_URL)
    assert cached == str(hub_dir.path / 'checkpoints' / 'tiny_rmpe.pth')
    # not cached, no network: the error
    with pytest.raises(WeightsUnavailableError, match='the weights could'):
        choose_weights(FAKE_URL, None, OPTION)
    # a reachable server: downloaded into the cache, then loaded

    def serve(url, dst, *args, **kwargs):
        assert url == FAKE_URL
        shutil.copyfile(server_copy, dst)

    monkeypatch.setattr(torch.hub, 'download_url_to_file', serve)
    inferencer = RMPEInferencer(
        pose_config, FAKE_URL, device='cpu', det_model='whole_image')
    _assert_loaded(inferencer.model, expected)
    assert os.path.isfile(cached)
    # cached: no download (the stub fails again), same weights
    monkeypatch.setattr(torch.hub, 'download_url_to_file',
                        lambda *a, **k: pytest.fail('downloaded again'))
    again = RMPEInferencer(
        pose_config, FAKE_URL, device='cpu', det_model='whole_image')
    _assert_loaded(again.model, expected)


def test_published_weights_are_the_default(hub_dir):
    """weights=None takes the published URL: an error without network,
    the cached file once there is one; 'none' and other MMEngine names
    win over it."""
    assert choose_weights(None, None, OPTION) is None
    with pytest.raises(WeightsUnavailableError, match='its published'):
        choose_weights(None, FAKE_URL, OPTION)
    os.makedirs(hub_dir.path / 'checkpoints', exist_ok=True)
    (hub_dir.path / 'checkpoints' / 'tiny_rmpe.pth').write_bytes(b'cached')
    assert choose_weights(None, FAKE_URL,
                          OPTION) == cached_checkpoint_path(FAKE_URL)
    assert choose_weights('none', FAKE_URL, OPTION) is None
    assert choose_weights('open-mmlab://x', FAKE_URL,
                          OPTION) == 'open-mmlab://x'
    assert hub_dir.calls == [FAKE_URL]
