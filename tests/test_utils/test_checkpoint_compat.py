"""The allow-list that lets torch >= 2.6 load MMEngine checkpoints.

The end-to-end proof (train -> resume -> test through the tools) is in
tests/test_tools/test_train_resume_test.py.
"""
import io

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub

from rmpe_mm.utils import allow_checkpoint_globals


def _mmengine_like_checkpoint() -> bytes:
    """What MMEngine's runner stores besides tensors: hub state and numpy."""
    hub = MessageHub.get_instance('rmpe_mm_test_checkpoint_compat')
    hub.update_scalar('train/loss', 0.5)
    hub.update_scalar('train/loss', 0.25)
    hub.update_scalar('train/never', 1.0)
    ckpt = dict(
        state_dict={'w': torch.ones(2)},
        message_hub=hub.state_dict(),
        meta=dict(
            dataset_meta=dict(
                sigmas=np.array([0.1, 0.2], dtype=np.float32),
                empty=np.zeros((0, 2)),
                flip_indices=[1, 0],
                num=np.int64(3),
                mask=np.array([True, False]))))
    stream = io.BytesIO()
    torch.save(ckpt, stream)
    return stream.getvalue()


def _load(data: bytes):
    # torch >= 2.6 defaults to weights_only=True; say it explicitly so the
    # test checks the same thing on every torch version.
    return torch.load(io.BytesIO(data), weights_only=True)


@pytest.fixture
def empty_allow_list():
    torch.serialization.clear_safe_globals()
    yield
    torch.serialization.clear_safe_globals()
    allow_checkpoint_globals()


def test_plain_torch_refuses_mmengine_checkpoints(empty_allow_list):
    with pytest.raises(Exception, match='Weights only load failed'):
        _load(_mmengine_like_checkpoint())


def test_allow_list_loads_mmengine_checkpoints(empty_allow_list):
    allow_checkpoint_globals()
    ckpt = _load(_mmengine_like_checkpoint())
    buffer = ckpt['message_hub']['log_scalars']['train/loss']
    assert isinstance(buffer, HistoryBuffer)
    assert buffer.mean() == pytest.approx(0.375)
    assert buffer.statistics('max') == pytest.approx(0.5)
    meta = ckpt['meta']['dataset_meta']
    np.testing.assert_array_equal(meta['sigmas'],
                                  np.array([0.1, 0.2], dtype=np.float32))
    assert meta['empty'].shape == (0, 2)
    assert meta['num'] == 3
    assert meta['mask'].dtype == np.bool_


def test_import_installs_the_allow_list(empty_allow_list):
    import importlib

    import rmpe_mm
    importlib.reload(rmpe_mm)
    _load(_mmengine_like_checkpoint())


class NotAllowListed:
    """A class no allow-list names: loading it must still be refused."""

    def __init__(self) -> None:
        self.payload = 1


class GetattrToOtherMethod:
    """Pickles as ``getattr(HistoryBuffer, 'update')``: not a statistic."""

    def __reduce__(self):
        return getattr, (HistoryBuffer, 'update')


@pytest.mark.parametrize('obj, message', [
    (NotAllowListed(), 'Weights only load failed'),
    (GetattrToOtherMethod(), "getattr.*'update'"),
])
def test_allow_list_still_refuses_other_globals(obj, message):
    stream = io.BytesIO()
    torch.save({'x': obj}, stream)
    with pytest.raises(Exception, match=message):
        _load(stream.getvalue())
