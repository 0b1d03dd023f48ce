"""Config files that ship with an installed OpenMMLab package."""
import os.path as osp


def package_config_root(scope: str) -> str:
    """The ``configs/`` folder of package ``scope`` (``'mmpose'``,
    ``'mmdet'``): its ``.mim/configs`` when installed from a wheel, the
    repository's ``configs`` when installed from source (MMEngine's own
    lookup, as its inferencers use).

    Raises:
        FileNotFoundError: The package ships no configs.
    """
    from mmengine.infer import BaseInferencer
    return osp.join(BaseInferencer._get_repo_or_mim_dir(scope), 'configs')


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
        package_config_root('mmpose'), '_base_', 'datasets', f'{name}.py')
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'MMPose has no dataset metainfo {name!r} (looked for {path})')
    return path
