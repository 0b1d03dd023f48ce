"""The ``pkg_resources`` deprecation warning is hidden at its source only."""
import subprocess
import sys
import warnings

import pipeline_models as pm
import pytest

from rmpe_mm.utils import filter_known_warnings

MESSAGE = ('pkg_resources is deprecated as an API. See '
           'https://setuptools.pypa.io/en/latest/pkg_resources.html.')


def _shown(message: str, module: str, category=UserWarning) -> bool:
    """Whether ``message`` from ``module`` passes the filters."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.resetwarnings()
        warnings.simplefilter('always')
        filter_known_warnings()
        warnings.warn_explicit(message, category, f'/x/{module}.py', 1, module)
    return len(caught) == 1


def test_filter_matches_message_and_modules_only():
    assert not _shown(MESSAGE, 'mmengine.utils.package_utils')
    assert not _shown(MESSAGE, 'importlib')
    # the same message from elsewhere, another message, another category
    assert _shown(MESSAGE, 'my_package.setup_helpers')
    assert _shown('something else', 'mmengine.utils.package_utils')
    assert _shown(MESSAGE, 'importlib', DeprecationWarning)


def test_mmdet_autocast_future_warning_only():
    autocast = ('`torch.cuda.amp.autocast(args...)` is deprecated. Please '
                "use `torch.amp.autocast('cuda', args...)` instead.")
    for module in ('mmdet.models.backbones.csp_darknet',
                   'mmdet.models.layers.se_layer'):
        assert not _shown(autocast, module, FutureWarning)
    assert _shown(autocast, 'my_package.model', FutureWarning)
    assert _shown(autocast, 'mmdet.models.layers.se_layer', UserWarning)


def test_tool_prints_no_pkg_resources_warning(run_python, tmp_path):
    """tools/demo.py on an image (tiny model, whole-image box): its config
    bases resolve ``mmpose::`` names, the MMEngine calls that import
    ``pkg_resources``; the same call without rmpe_mm shows the warning
    (this setuptools emits it), the tool does not."""
    control = subprocess.run([
        sys.executable, '-c', 'from mmengine.utils import is_installed; '
        'is_installed("mmpose")'
    ],
                             capture_output=True,
                             text=True,
                             timeout=300)
    if 'pkg_resources is deprecated' not in control.stderr:
        pytest.skip('this setuptools does not emit the warning')
    config = pm.write_pose_config(tmp_path)
    checkpoint = pm.save_pose_checkpoint(config, str(tmp_path / 'pose.pth'))
    log = run_python('tools/demo.py', pm.COCO_IMAGES[0], '--pose2d', config,
                     '--pose2d-weights', checkpoint, '--det-model',
                     'whole_image', '--device', 'cpu', '--sequential',
                     '--out-dir', str(tmp_path / 'out'))
    assert '1 image(s)' in log
    assert 'pkg_resources' not in log
