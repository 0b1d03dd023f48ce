"""RMPEInferencer with the SSTN's context window (issue 22): the config's
test pipeline cuts the window, the model crops the box inside it."""
import os.path as osp

import numpy as np

from rmpe_mm.apis import RMPEInferencer

CONTEXT_CONFIG = '''
_base_ = [{base!r}]
model = dict(sppe_input_size=(48, 64))
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=1.3),
    dict(
        type='TopdownContextAffine',
        input_size=(48, 64),
        context=2.0),
    dict(type='PackPoseInputs')
]
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader
'''


def people(inferencer, pm, boxes) -> list:
    results = list(inferencer(pm.COCO_IMAGES[:2], bboxes=boxes, batch_size=2))
    found = [p for r in results for image in r['predictions'] for p in image]
    return sorted(found, key=lambda p: (p['bbox'], -p['bbox_score']))


def test_untrained_context_model_predicts_as_the_crop_model(
        pm, pose_config, pose_checkpoint, models_dir):
    path = osp.join(str(models_dir), 'tiny_rmpe_coco_ctx2.py')
    with open(path, 'w') as f:
        f.write(CONTEXT_CONFIG.format(base=pose_config))
    boxes = [
        np.array([[10, 20, 110, 220, 0.9], [300, 50, 400, 300, 0.4]]),
        np.array([[50, 40, 200, 300, 0.8]])
    ]
    kwargs = dict(device='cpu', det_model=None, pose_nms=pm.KEEP_ALL_NMS)
    crop = people(
        RMPEInferencer(pose_config, pose_checkpoint, **kwargs), pm, boxes)
    context = RMPEInferencer(path, pose_checkpoint, **kwargs)
    assert context.model.sppe_input_size == (48, 64)
    window = context.pipeline(
        dict(img_path=pm.COCO_IMAGES[0], bbox=boxes[0][:1, :4]))
    assert tuple(window['inputs'].shape[-2:]) == (128, 96)
    ours = people(context, pm, boxes)
    assert [p['bbox'] for p in ours] == [p['bbox'] for p in crop]
    a = np.array([p['keypoints'] for p in ours])
    b = np.array([p['keypoints'] for p in crop])
    # the window's box crop equals the crop up to cv2's rounding; random
    # weights may flip a flat heatmap's argmax, so most joints must agree
    close = np.linalg.norm(a - b, axis=-1) < 0.5
    assert close.mean() > 0.9, close.mean()
