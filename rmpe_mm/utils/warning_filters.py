"""Warnings a user cannot act on, filtered at their source.

1. MMEngine 0.10.7 imports (and re-imports) ``pkg_resources`` in
``mmengine.utils.package_utils`` (``is_installed``,
``get_installed_path``), which every ``mmpose::`` / ``mmdet::`` config base
and model-zoo lookup calls. setuptools 81 deprecated ``pkg_resources``: its
import warns ``UserWarning: pkg_resources is deprecated as an API`` on
every command. setuptools stays pinned below 82 (``pkg_resources`` exists
there; MMEngine and MMCV's build need it, ``requirements/build.txt``), so
the message says nothing a user of this project can change; the filter
below hides exactly it.

2. MMDetection 3.3.0's CSPNeXt layers (``mmdet.models.backbones.
csp_darknet``, ``mmdet.models.layers.se_layer``: RTMDet, and RTMPose's
backbone, e.g. ``--pose2d human``) call ``torch.cuda.amp.autocast(...)``,
which torch >= 2.4 reports as a ``FutureWarning`` on every forward pass of
such a model; the code is MMDetection's.

Documented in docs/installation.md.
"""
import warnings

#: The start of setuptools' message (a regular expression).
PKG_RESOURCES_MESSAGE = r'pkg_resources is deprecated as an API'

#: Where the warning is reported: the first import in MMEngine's
#: ``package_utils``, then ``importlib`` (``is_installed`` re-imports it
#: with ``importlib.reload``).
PKG_RESOURCES_MODULES = r'(mmengine\.utils\.package_utils|importlib)$'

#: torch's message for ``torch.cuda.amp.autocast(...)``.
CUDA_AUTOCAST_MESSAGE = (r'`torch\.cuda\.amp\.autocast\(args\.\.\.\)` '
                         r'is deprecated')

#: MMDetection's modules that call it.
CUDA_AUTOCAST_MODULES = (r'mmdet\.models\.(backbones\.csp_darknet|'
                         r'layers\.se_layer)$')


def filter_known_warnings() -> None:
    """Ignore setuptools' ``pkg_resources`` deprecation warning when
    MMEngine triggers it, and torch's ``torch.cuda.amp.autocast``
    ``FutureWarning`` when MMDetection's CSPNeXt layers trigger it (each:
    that message, that category, those modules only); every other warning
    is untouched."""
    warnings.filterwarnings(
        'ignore',
        message=PKG_RESOURCES_MESSAGE,
        category=UserWarning,
        module=PKG_RESOURCES_MODULES)
    warnings.filterwarnings(
        'ignore',
        message=CUDA_AUTOCAST_MESSAGE,
        category=FutureWarning,
        module=CUDA_AUTOCAST_MODULES)
