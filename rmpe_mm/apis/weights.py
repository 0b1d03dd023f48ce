"""Which weights a model gets, chosen and fetched as MMPose's inferencers do.

A weights argument (``RMPEInferencer(weights=..., det_weights=...)``,
``PersonDetector(checkpoint=...)``, the demo's ``--pose2d-weights`` /
``--det-weights``) may be:

- ``None`` (the default): the published checkpoint of a model-zoo name or
  ``package::`` config name (:attr:`~.model_names.ResolvedModel.
  published_weights`), as MMPose loads it; a model without one (a config
  file or object) keeps its random initialisation, as in MMPose;
- ``'none'`` (any case): random weights, nothing is downloaded (tests,
  timing);
- a local file path (it must exist);
- an ``http(s)://`` URL: downloaded into the torch hub cache
  (``<torch.hub.get_dir()>/checkpoints/<file name>``, where MMEngine's
  checkpoint loader and so MMPose's inferencers put it), or taken from
  there when already cached;
- another MMEngine checkpoint prefix (``open-mmlab://``, ``s3://``, ...):
  passed to MMEngine's loader unchanged.

A URL that can be neither downloaded nor found in the cache raises
:class:`WeightsUnavailableError`, naming the URL, the cache file, how to
pass a local copy and ``'none'`` for random weights.
"""
import http.client
import os
import os.path as osp
from typing import NamedTuple, Optional
from urllib.parse import urlparse

import torch.hub

#: Weights argument meaning "random weights, nothing loaded".
NO_WEIGHTS = 'none'

_HTTP_SCHEMES = ('http', 'https')


class WeightsUnavailableError(RuntimeError):
    """Published or given weights (a URL) that cannot be fetched."""


class WeightsOption(NamedTuple):
    """How a caller takes weights, for messages.

    Attributes:
        what: The model, e.g. ``"pose model 'human'"``.
        argument: The Python argument, e.g. ``'weights'``.
        flag: The tools' option, e.g. ``'--pose2d-weights'``.
    """
    what: str
    argument: str
    flag: str


def is_no_weights(weights: Optional[str]) -> bool:
    """Whether ``weights`` is the ``'none'`` (random weights) argument."""
    return isinstance(weights, str) and weights.lower() == NO_WEIGHTS


def cached_checkpoint_path(url: str) -> str:
    """The file the torch hub cache keeps ``url`` in (MMEngine's and
    MMPose's download location)."""
    name = osp.basename(urlparse(url).path)
    return osp.join(torch.hub.get_dir(), 'checkpoints', name)


def fetch_checkpoint(url: str,
                     option: WeightsOption,
                     published: bool = False) -> str:
    """Local path of an ``http(s)`` checkpoint: the torch hub cache's copy,
    downloaded first if missing (written whole or not at all).

    Args:
        url (str): The checkpoint URL.
        option (WeightsOption): Names for the error message.
        published (bool): Whether the URL is the model's published
            checkpoint (implied by ``weights=None``), for the message.

    Returns:
        str: The cached file.

    Raises:
        WeightsUnavailableError: The download failed and no cached copy
            exists.
    """
    path = cached_checkpoint_path(url)
    if osp.isfile(path):
        return path
    os.makedirs(osp.dirname(path), exist_ok=True)
    try:
        torch.hub.download_url_to_file(url, path, progress=True)
    except (OSError, http.client.HTTPException, ValueError) as error:
        which = 'its published weights' if published else 'the weights'
        raise WeightsUnavailableError(
            f'{option.what}: {which} could not be downloaded from {url} '
            f'({type(error).__name__}: {error}) and are not in the torch hub '
            f'cache ({path}). Download the file elsewhere and pass it as '
            f'{option.argument}=PATH ({option.flag} PATH) or copy it to '
            f'that cache path, or pass {option.argument}={NO_WEIGHTS!r} '
            f'({option.flag} {NO_WEIGHTS}) for random weights (testing '
            'only)') from error
    return path


def choose_weights(weights: Optional[str], published: Optional[str],
                   option: WeightsOption) -> Optional[str]:
    """The checkpoint to load (a local path or an MMEngine checkpoint
    name), or None for random weights (see the module docstring).

    Args:
        weights (str, optional): The weights argument.
        published (str, optional): The model's published checkpoint (URL),
            if any.
        option (WeightsOption): Names for the error messages.

    Returns:
        str | None: What to pass to MMEngine's checkpoint loader.

    Raises:
        FileNotFoundError: A path (no ``scheme://``) that does not exist.
        WeightsUnavailableError: A URL that cannot be fetched.
    """
    if is_no_weights(weights):
        return None
    from_published = weights is None
    if from_published:
        weights = published
    if weights is None:
        return None
    if '://' not in weights:
        if not osp.isfile(weights):
            raise FileNotFoundError(
                f'{option.what}: {option.argument} {weights!r} does not '
                f'exist (pass {option.argument}={NO_WEIGHTS!r} for random '
                'weights)')
        return weights
    if urlparse(weights).scheme in _HTTP_SCHEMES:
        return fetch_checkpoint(weights, option, from_published)
    return weights
