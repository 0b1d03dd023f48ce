"""tools/compare_checkpoints.py."""
import pytest
import torch


def _save(path, weight, step):
    torch.save(
        dict(
            state_dict=dict(w=weight, empty=torch.zeros(0)),
            optimizer=dict(state={0: dict(step=step, exp_avg=weight * 2)})),
        str(path))


def test_compare(load_tool, tmp_path, capsys):
    tool = load_tool('compare_checkpoints')
    _save(tmp_path / 'a.pth', torch.tensor([1.0, 2.0]), torch.tensor(3.))
    _save(tmp_path / 'b.pth', torch.tensor([1.0, 2.0]), torch.tensor(3.))
    _save(tmp_path / 'c.pth', torch.tensor([1.0, 2.5]), torch.tensor(3.))
    assert tool.main([str(tmp_path / 'a.pth'), str(tmp_path / 'b.pth')]) == 0
    assert 'max |diff| 0 over 2 tensors' in capsys.readouterr().out
    assert tool.main([str(tmp_path / 'a.pth'), str(tmp_path / 'c.pth')]) == 1
    out = capsys.readouterr().out
    assert 'weights: max |diff| 0.5' in out and 'max |diff| 1;' in out
    assert 'DIFFERENT' in out
    with pytest.raises(ValueError, match="'w' has shape"):
        tool.max_abs_diff(dict(w=torch.zeros(2)), dict(w=torch.zeros(3)))
