# SSD-512 (VGG-16, MMDetection, COCO box AP 29.5) as the person detector:
# the detector of the RMPE paper (MPII 76.7 mAP, COCO test-dev 61.8 AP).
#
# Weights (not downloaded here; pass as DET_CKPT / --det-checkpoint):
#   https://download.openmmlab.com/mmdetection/v2.0/ssd/ssd512_coco/ssd512_coco_20210803_022849-0a47a1ca.pth
#
# Person only: the head keeps the 80 COCO classes so the published weights
# load; rmpe_mm.apis.PersonDetector keeps label 0 (person).
# Test settings: score >= 0.05 (MMDetection: 0.02), class-wise NMS IoU 0.6
# (AlphaPose's detector NMS; MMDetection: 0.45), at most 100 boxes per image
# (MMDetection: 200). MMDetection 3.3.0 cannot run SSD inference by itself
# (SSDHead lacks loss_cls); rmpe_mm.apis.PersonDetector works around it.
_base_ = 'mmdet::ssd/ssd512_coco.py'

model = dict(
    backbone=dict(init_cfg=None),
    test_cfg=dict(
        score_thr=0.05,
        nms=dict(type='nms', iou_threshold=0.6),
        max_per_img=100))
