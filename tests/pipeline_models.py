"""Tiny random-weight detector and pose models for the pipeline tests.

Both are built from configs, their checkpoints saved in a temporary
directory and loaded back by the code under test, as a user's trained
checkpoints would be. Used by ``tests/test_apis`` (through its conftest) and
``tests/test_tools`` (loaded with :func:`load_pipeline_models`).
"""
import os.path as osp
import textwrap

import torch

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
DET_CONFIG = osp.join(REPO_ROOT, 'tests', 'configs', 'detectors',
                      'rtmdet_test_tiny.py')
COCO_DIR = osp.join(REPO_ROOT, 'tests', 'data', 'coco')
COCO_IMAGES = [
    osp.join(COCO_DIR, name)
    for name in ('000000000785.jpg', '000000040083.jpg', '000000196141.jpg',
                 '000000197388.jpg')
]
COCO_DET_FILE = osp.join(COCO_DIR, 'test_coco_det_AP_H_56.json')
COCO_ANN_FILE = osp.join(COCO_DIR, 'test_coco.json')
#: Pose NMS that removes nothing (every random-weight pose scores > 0).
KEEP_ALL_NMS = dict(type='ParametricPoseNMS', score_thr=0.0)

#: RMPE estimator (tiny STN + tiny ResNet SPPE), 48x64 crops, COCO joints.
TINY_POSE_CONFIG = '''
_base_ = [{runtime!r}, {coco!r}]
codec = dict(
    type='MSRAHeatmap', input_size=(48, 64), heatmap_size=(12, 16), sigma=2)
model = dict(
    type='RMPEPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='ResNet', depth=18, stem_channels=8, base_channels=8,
        init_cfg=None),
    head=dict(
        type='HeatmapHead',
        in_channels=64,
        out_channels=17,
        deconv_out_channels=(16, 16),
        deconv_kernel_sizes=(4, 4),
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        decoder=codec),
    test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=True),
    stn=dict(
        type='STNLocalizer',
        backbone=dict(
            type='ResNet', depth=18, stem_channels=8, base_channels=8,
            init_cfg=None),
        feat_channels=64,
        input_size=(32, 32)))
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=1.3),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs')
]
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader
'''


def write_pose_config(directory) -> str:
    """Write the tiny pose config into ``directory``; return its path."""
    base = osp.join(REPO_ROOT, 'configs', '_base_')
    text = TINY_POSE_CONFIG.format(
        runtime=osp.join(base, 'default_runtime.py'),
        coco=osp.join(base, 'datasets', 'coco_topdown.py'))
    path = osp.join(str(directory), 'tiny_rmpe_coco.py')
    with open(path, 'w') as f:
        f.write(textwrap.dedent(text))
    return path


def save_pose_checkpoint(pose_config: str, path: str) -> str:
    """Build the pose model (seed 0) and save it with its dataset meta."""
    from mmengine.config import Config
    from mmpose.apis.inference import dataset_meta_from_config
    from mmpose.registry import MODELS

    import rmpe_mm  # noqa: F401
    from rmpe_mm.apis import scope_guard
    cfg = Config.fromfile(pose_config)
    torch.manual_seed(0)
    with scope_guard('mmpose'):
        model = MODELS.build(cfg.model)
    torch.save(
        dict(
            state_dict=model.state_dict(),
            meta=dict(dataset_meta=dataset_meta_from_config(cfg))), path)
    return path


def save_det_checkpoint(path: str, det_config: str = DET_CONFIG) -> str:
    """Build the tiny detector (seed 0) and save its weights."""
    from rmpe_mm.apis import PersonDetector
    torch.manual_seed(0)
    detector = PersonDetector(det_config, 'none')
    torch.save(dict(state_dict=detector.model.state_dict()), path)
    return path


def write_video(path: str, frames, size=(160, 112), fps: int = 5) -> str:
    """Write ``frames`` (image paths or BGR arrays), resized to ``size``
    (w, h), as an mp4v video; no frames give an empty video file."""
    import cv2
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), fps, size)
    for frame in frames:
        image = cv2.imread(frame) if isinstance(frame, str) else frame
        writer.write(cv2.resize(image, size))
    writer.release()
    return path


def load_pipeline_models():
    """This module, imported by path (``tests`` is not a package)."""
    import importlib.util
    import sys
    name = 'rmpe_test_pipeline_models'
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, __file__)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[name] = module
    return sys.modules[name]
