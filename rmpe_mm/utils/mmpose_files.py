"""Files that ship inside the installed MMPose package."""
import os.path as osp

import mmpose


def mmpose_dataset_metainfo(name: str) -> str:
    """Absolute path of MMPose's dataset metainfo file ``name`` (``'coco'``,
    ``'mpii'``, ...: ``configs/_base_/datasets/<name>.py`` of the installed
    MMPose).

    A relative ``configs/_base_/datasets/<name>.py`` would resolve against
    the working directory first and only then inside MMPose, so the file
    is named by its absolute path.

    Raises:
        FileNotFoundError: MMPose has no such metainfo file.
    """
    path = osp.join(
        osp.dirname(mmpose.__file__), '.mim', 'configs', '_base_', 'datasets',
        f'{name}.py')
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'MMPose has no dataset metainfo {name!r} (looked for {path})')
    return path
