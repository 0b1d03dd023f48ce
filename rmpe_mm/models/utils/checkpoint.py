"""Load a sub-model's weights out of any pose-estimator checkpoint.

The parallel SPPE of :class:`~rmpe_mm.models.RMPEPoseEstimator` is loaded
from a *full* pose-estimator checkpoint. The keys it needs may sit under any
prefix: ``''`` (a plain MMPose checkpoint: ``backbone.*``, ``head.*``),
``'module.'`` (saved from a DDP wrapper), ``'parallel_sppe.'`` (an earlier
RMPE checkpoint), ... :func:`load_submodule_weights` finds that prefix.

This is the one mechanism for the parallel SPPE's weights (run by
:meth:`RMPEPoseEstimator.init_weights`), instead of MMEngine's
``init_cfg=dict(type='Pretrained', ...)``, because that initialiser loads
non-strictly: a wrong checkpoint or an unexpected prefix loads nothing with
only warnings, where this loader requires every weight (with its shape)
under one prefix and raises otherwise; it also cannot express the empty
prefix or detect one. The class docstring of
:class:`~rmpe_mm.models.RMPEPoseEstimator` gives the details and when the
weights are loaded.
"""
import os.path as osp
from collections import OrderedDict
from typing import Dict, Iterable, List, Mapping, Optional

from mmengine.logging import print_log
from mmengine.runner import CheckpointLoader
from torch import Tensor, nn

from rmpe_mm.utils.file_errors import naming_file

#: Keys of the target module that a checkpoint need not provide (the data
#: preprocessor's mean/std are rebuilt from the config).
IGNORED_KEY_PREFIXES = ('data_preprocessor.', )


def extract_state_dict(checkpoint: Mapping) -> Mapping[str, Tensor]:
    """Return the weights of a loaded checkpoint.

    Args:
        checkpoint (Mapping): ``torch.load`` output: either a dict with a
            ``'state_dict'`` entry (MMEngine's format) or a bare state dict.

    Returns:
        Mapping[str, Tensor]: The state dict.

    Raises:
        ValueError: If neither form is recognised.
    """
    if not isinstance(checkpoint, Mapping):
        raise ValueError(
            f'checkpoint must be a dict, got {type(checkpoint).__name__}')
    if 'state_dict' in checkpoint:
        state = checkpoint['state_dict']
        if not isinstance(state, Mapping):
            raise ValueError('checkpoint "state_dict" must be a dict, got '
                             f'{type(state).__name__}')
        return state
    if all(isinstance(v, Tensor) for v in checkpoint.values()):
        return checkpoint
    raise ValueError('checkpoint has no "state_dict" entry and is not a bare '
                     f'state dict (keys: {sorted(checkpoint)[:10]})')


def _covers(prefix: str, wanted: Mapping[str, Tensor],
            available: Mapping[str, Tensor]) -> bool:
    """Whether ``available`` holds every wanted key under ``prefix`` with
    the right shape."""
    for key, value in wanted.items():
        other = available.get(prefix + key)
        if not isinstance(other,
                          Tensor) or tuple(other.shape) != tuple(value.shape):
            return False
    return True


def find_prefix(wanted: Mapping[str, Tensor],
                available: Mapping[str, Tensor]) -> str:
    """Find the unique prefix under which a checkpoint holds a module.

    Candidates are the strings ``p`` such that ``p + k`` is a checkpoint key
    for the first wanted key ``k`` (``p`` empty or ending with ``'.'``). A
    candidate is accepted when every wanted key is present under it with
    the same shape.

    Args:
        wanted (Mapping[str, Tensor]): The module's own state dict.
        available (Mapping[str, Tensor]): The checkpoint's state dict.

    Returns:
        str: The prefix.

    Raises:
        ValueError: If no candidate, or more than one, covers all keys (the
            message lists the candidates; pass an explicit prefix then).
    """
    if not wanted:
        raise ValueError('the target module has no weights to load')
    anchor = next(iter(wanted))
    candidates: List[str] = sorted({
        key[:len(key) - len(anchor)]
        for key in available if key.endswith(anchor) and (
            len(key) == len(anchor) or key[-len(anchor) - 1] == '.')
    })
    complete = [p for p in candidates if _covers(p, wanted, available)]
    if len(complete) == 1:
        return complete[0]
    if not complete:
        raise ValueError(
            f'no prefix of the checkpoint holds all {len(wanted)} weights of '
            f'the module with matching shapes (prefixes holding "{anchor}": '
            f'{candidates})')
    raise ValueError(f'ambiguous checkpoint: prefixes {complete} all hold the '
                     'module; name one explicitly (checkpoint_prefix)')


def _wanted_keys(module: nn.Module,
                 ignored: Iterable[str]) -> Dict[str, Tensor]:
    """The module's state dict without the ignored key prefixes."""
    ignored = tuple(ignored)
    return {
        k: v
        for k, v in module.state_dict().items() if not k.startswith(ignored)
    }


def load_submodule_weights(module: nn.Module,
                           filename: str,
                           prefix: Optional[str] = None,
                           logger: str = 'current') -> str:
    """Load ``module``'s weights from a checkpoint saved by a larger model.

    Every weight and buffer of ``module`` (except
    :data:`IGNORED_KEY_PREFIXES`) must be found, with the same shape, under
    one prefix; the load is then strict for those keys. Extra checkpoint
    keys are ignored. Loading goes through MMEngine's
    :class:`~mmengine.runner.CheckpointLoader` (local paths, URLs), mapped
    to CPU.

    Args:
        module (nn.Module): Target module (e.g. a pose estimator).
        filename (str): Checkpoint path or URL.
        prefix (str, optional): Key prefix of the module inside the
            checkpoint (``''`` for none). Defaults to None: detected with
            :func:`find_prefix`.
        logger (str): MMEngine logger name for the summary line. Defaults to
            'current'.

    Returns:
        str: The prefix used.

    Raises:
        FileNotFoundError: If ``filename`` is a local path that does not
            exist.
        ValueError: If the file cannot be read (corrupt, truncated, not a
            PyTorch file) or the weights cannot be found unambiguously; the
            message starts with ``filename``.
    """
    if '://' not in filename and not osp.isfile(osp.expanduser(filename)):
        raise FileNotFoundError(
            f'parallel SPPE checkpoint not found: {filename!r}')
    with naming_file(filename):
        return _load_submodule_weights(module, filename, prefix, logger)


def _read_checkpoint(filename: str, logger: str) -> Mapping:
    """``torch.load`` through MMEngine; an unreadable file is a
    ValueError."""
    try:
        return CheckpointLoader.load_checkpoint(
            filename, map_location='cpu', logger=logger)
    except Exception as exc:  # noqa: B902 -- torch.load of a corrupt file
        # raises RuntimeError, UnpicklingError, EOFError, UnicodeDecodeError,
        # KeyError, ... depending on where the bytes are damaged
        raise ValueError(
            f'{filename} cannot be read as a PyTorch checkpoint (corrupt, '
            f'truncated or another format): {type(exc).__name__}: '
            f'{str(exc)[:300]}') from exc


def _load_submodule_weights(module: nn.Module, filename: str,
                            prefix: Optional[str], logger: str) -> str:
    """The body of :func:`load_submodule_weights`."""
    available = extract_state_dict(_read_checkpoint(filename, logger))
    wanted = _wanted_keys(module, IGNORED_KEY_PREFIXES)
    if prefix is None:
        prefix = find_prefix(wanted, available)
    elif not _covers(prefix, wanted, available):
        missing = [
            k for k, v in wanted.items()
            if not _covers(prefix, {k: v}, available)
        ]
        raise ValueError(
            f'checkpoint {filename!r} lacks {len(missing)} weights under '
            f'prefix {prefix!r} (or their shapes differ), e.g. {missing[:5]}')
    state = OrderedDict((k, available[prefix + k]) for k in wanted)
    # Carry the module's own version metadata so that legacy-conversion
    # load hooks (MMPose heads) see current-version keys and leave them be.
    state._metadata = getattr(module.state_dict(), '_metadata', None)
    module.load_state_dict(state, strict=False)
    print_log(
        f'loaded {len(state)} tensors into {type(module).__name__} from '
        f'{filename} (prefix {prefix!r})',
        logger=logger)
    return prefix
