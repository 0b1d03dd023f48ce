# Faster R-CNN R50-FPN (MMDetection, 1x schedule, COCO box AP 37.4) as the
# person detector. The paper's later detector (RMPE, COCO test-dev 63.3 AP).
#
# Weights (not downloaded here; pass as DET_CKPT / --det-checkpoint):
#   https://download.openmmlab.com/mmdetection/v2.0/faster_rcnn/faster_rcnn_r50_fpn_1x_coco/faster_rcnn_r50_fpn_1x_coco_20200130-047c8118.pth
#
# Person only: the head keeps the 80 COCO classes so the published weights
# load; rmpe_mm.apis.PersonDetector keeps label 0 (person).
# Test settings: score >= 0.05, class-wise NMS IoU 0.6 (AlphaPose's
# detector NMS; MMDetection uses 0.5), at most 100 boxes per image.
_base_ = 'mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py'

model = dict(
    backbone=dict(init_cfg=None),
    test_cfg=dict(
        rcnn=dict(
            score_thr=0.05,
            nms=dict(type='nms', iou_threshold=0.6),
            max_per_img=100)))
