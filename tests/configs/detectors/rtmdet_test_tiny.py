# A tiny RTMDet for tests only (random weights; tests/pipeline_models.py):
# RTMDet-tiny's layout (configs/_base_/detectors/rtmdet_tiny_person.py) at a
# third of its width, 128x128 input, one class (person, label 0, as in
# MMDetection's person-only configs). Never trained.
#
# Test settings differ on purpose: score_thr=0 so that a randomly
# initialised model (scores around the 0.01 prior) still outputs boxes, and
# at most 5 boxes per image so that tests stay small and deterministic.
_base_ = '../../../configs/_base_/detectors/rtmdet_tiny_person.py'

input_size = (128, 128)
model = dict(
    backbone=dict(widen_factor=0.125),
    neck=dict(in_channels=[32, 64, 128], out_channels=32),
    bbox_head=dict(num_classes=1, in_channels=32, feat_channels=32),
    test_cfg=dict(
        score_thr=0.0, nms=dict(type='nms', iou_threshold=0.6), max_per_img=5))

test_pipeline = [
    dict(type='LoadImageFromFile', backend_args=None),
    dict(type='Resize', scale=input_size, keep_ratio=True),
    dict(type='Pad', size=input_size, pad_val=dict(img=(114, 114, 114))),
    dict(
        type='PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                   'scale_factor'))
]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
