"""load_submodule_weights on damaged checkpoints (cases found by
benchmarks/fuzz_readers.py): every failure is a ValueError that starts
with the file."""
import pytest
import torch
from torch import nn

from rmpe_mm.models.utils import load_submodule_weights


def tiny() -> nn.Module:
    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4))


def test_loads_and_names_the_file_in_errors(tmp_path):
    path = tmp_path / 'ckpt.pth'
    source = tiny()
    torch.save({'state_dict': source.state_dict()}, path)
    target = tiny()
    assert load_submodule_weights(target, str(path)) == ''
    assert torch.equal(target[0].weight, source[0].weight)
    torch.save({'state_dict': {'other.weight': torch.zeros(1)}}, path)
    with pytest.raises(ValueError, match=f'{path}: no prefix'):
        load_submodule_weights(tiny(), str(path))


@pytest.mark.parametrize('damage', ['truncate', 'garbage', 'text'])
def test_unreadable_file(tmp_path, damage):
    """torch.load raised RuntimeError / UnpicklingError / UnicodeDecodeError
    here."""
    path = tmp_path / 'ckpt.pth'
    torch.save({'state_dict': tiny().state_dict()}, path)
    data = path.read_bytes()
    path.write_bytes({
        'truncate': data[:len(data) // 2],
        'garbage': b'\x89PNG' + data[4:],
        'text': b'not a checkpoint'
    }[damage])
    with pytest.raises(
            ValueError,
            match=f'{path} cannot be read as a PyTorch checkpoint'):
        load_submodule_weights(tiny(), str(path))


def test_malformed_state_dicts(tmp_path):
    """These raised TypeError / AttributeError."""
    path = tmp_path / 'ckpt.pth'
    torch.save({'state_dict': 3}, path)
    with pytest.raises(
            ValueError, match=f'{path}.*"state_dict" must be a '
            'dict, got int'):
        load_submodule_weights(tiny(), str(path))
    state = dict(tiny().state_dict())
    state['0.weight'] = 'a string'
    torch.save({'state_dict': state}, path)
    with pytest.raises(ValueError, match=f'{path}: no prefix'):
        load_submodule_weights(tiny(), str(path))
    with pytest.raises(
            ValueError, match=f"checkpoint '{path}' lacks 1 .*'0.weight'"):
        load_submodule_weights(tiny(), str(path), prefix='')
