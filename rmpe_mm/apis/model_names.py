"""Models named as MMPose and MMDetection users name them.

A model argument (``RMPEInferencer(model=..., det_model=...)``,
``PersonDetector(config)``, the tools' ``--pose-config`` / ``--det-config``)
may be:

- a config file path;
- a ``package::path`` config name of an installed OpenMMLab package, e.g.
  ``'mmdet::rtmdet/rtmdet_m_8xb32-300e_coco.py'`` (resolved by MMEngine's
  :func:`mmengine.hub.get_config`, as ``_base_`` entries are);
- a model-zoo name or alias from the installed package's metafiles, e.g.
  ``'rtmdet-m'`` (MMDetection) or ``'human'`` (MMPose), looked up by
  MMEngine's ``BaseInferencer._load_model_from_metafile``, the lookup
  MMPose's and MMDetection's inferencers use;
- a ``Config`` / ``ConfigDict`` / dict.

A model-zoo name's published checkpoint is returned
(:attr:`ResolvedModel.published_weights`); :mod:`rmpe_mm.apis.weights`
loads it when no weights are given, as MMPose's inferencers do.
"""
import copy
import difflib
import functools
import importlib.util
import os
import os.path as osp
from types import SimpleNamespace
from typing import NamedTuple, Optional, Tuple, Union

from mmengine.config import Config, ConfigDict

from ..utils.mmpose_files import package_config_root

ModelArg = Union[str, Config, ConfigDict, dict]

#: ``det_model`` values meaning "no detector: one whole-image box per
#: image" (MMPose's inferencer accepts the same two spellings).
WHOLE_IMAGE = ('whole_image', 'whole-image')

#: Number of close matches listed for an unknown name.
NUM_CLOSE_MATCHES = 5


class ResolvedModel(NamedTuple):
    """A resolved model argument.

    Attributes:
        config: The model's config (a new object).
        published_weights: The weights a model-zoo name's metafile lists
            (URL), else None.
        source: How it was resolved, for messages (e.g. ``"alias 'rtmdet-m'
            in mmdet's metafiles"``).
    """
    config: Config
    published_weights: Optional[str]
    source: str


def resolve_model(model: ModelArg,
                  scope: str,
                  what: str = 'model') -> ResolvedModel:
    """Resolve a model argument to its config (see the module docstring).

    Args:
        model (str | Config | ConfigDict | dict): The argument.
        scope (str): The package whose metafiles hold model-zoo names:
            ``'mmdet'`` for detectors, ``'mmpose'`` for pose models.
        what (str): The argument's name, for error messages.

    Returns:
        ResolvedModel: Its config, published weights and source.

    Raises:
        FileNotFoundError: A path-like string (``.py`` or a directory part)
            that does not exist.
        ValueError: An unknown ``package::`` name or model-zoo name (the
            message lists the close matches), an uninstalled package, or
            another type.
    """
    if isinstance(model, Config):
        return ResolvedModel(copy.deepcopy(model), None, 'config object')
    if isinstance(model, (ConfigDict, dict)):
        return ResolvedModel(
            Config(copy.deepcopy(dict(model))), None, 'config dict')
    if not isinstance(model, str):
        raise ValueError(f'{what} must be a config path, a "package::path" '
                         'config name, a model-zoo name or a Config, got '
                         f'{type(model).__name__}')
    if osp.isfile(model):
        return ResolvedModel(Config.fromfile(model), None, f'file {model!r}')
    if '::' in model:
        return _package_config(model, what)
    if model.endswith('.py') or os.sep in model:
        raise FileNotFoundError(f'{what} config {model!r} does not exist')
    return _metafile_config(model, scope, what)


def _package_config(name: str, what: str) -> ResolvedModel:
    """``package::path`` through :func:`mmengine.hub.get_config`."""
    from mmengine.hub import get_config
    package = name.partition('::')[0]
    if not package or importlib.util.find_spec(package) is None:
        # get_config would pip-install it: never install behind the back
        raise ValueError(f'{what} {name!r}: package {package!r} is not '
                         'installed')
    try:
        try:
            config = get_config(name, pretrained=True)
        except AssertionError:  # in a metafile, without weights
            config = get_config(name)
    except (ValueError, FileNotFoundError) as error:
        close = difflib.get_close_matches(
            name.partition('::')[2], package_config_names(package),
            NUM_CLOSE_MATCHES)
        raise ValueError(
            f'{what} {name!r}: no such config in the installed {package!r} '
            f'({error}); close matches: '
            f'{[f"{package}::{c}" for c in close] or "none"}') from None
    published = config.get('model_path', None)
    if published is not None:
        config.pop('model_path')
    return ResolvedModel(config, published, f'config name {name!r}')


def _metafile_config(name: str, scope: str, what: str) -> ResolvedModel:
    """A model-zoo name or alias, looked up as MMEngine's inferencers do."""
    from mmengine.infer import BaseInferencer

    # _load_model_from_metafile reads only ``self.scope``
    lookup = SimpleNamespace(scope=scope)
    try:
        config, weights = BaseInferencer._load_model_from_metafile(
            lookup, name)
    except ValueError:
        close = difflib.get_close_matches(name.lower(), model_zoo_names(scope),
                                          NUM_CLOSE_MATCHES)
        raise ValueError(
            f'unknown {what} {name!r}: not a file, not a "package::path" '
            f'config name and not a model name or alias in {scope}\'s '
            f'metafiles; close matches: {close or "none"}') from None
    return ResolvedModel(config, weights,
                         f"model-zoo name {name!r} in {scope}'s metafiles")


@functools.lru_cache(maxsize=None)
def model_zoo_names(scope: str) -> Tuple[str, ...]:
    """Every model name and alias (lower case) in a package's metafiles."""
    from mmengine.infer import BaseInferencer
    directory = BaseInferencer._get_repo_or_mim_dir(scope)
    names = []
    for model in BaseInferencer._get_models_from_metafile(directory):
        aliases = model.get('Alias', [])
        aliases = [aliases] if isinstance(aliases, str) else aliases
        names += [n.lower() for n in (model['Name'], *aliases)]
    return tuple(sorted(set(names)))


@functools.lru_cache(maxsize=None)
def package_config_names(package: str) -> Tuple[str, ...]:
    """Config paths (relative to ``configs/``) an installed package ships."""
    root = package_config_root(package)
    names = []
    for directory, _, files in os.walk(root):
        names += [
            osp.relpath(osp.join(directory, f), root) for f in files
            if f.endswith('.py')
        ]
    return tuple(sorted(names))
