# RTMDet-M (MMDetection, 300 epochs, COCO box AP 49.1) as the person
# detector: a modern, fast alternative to the paper's SSD-512.
#
# Weights (not downloaded here; pass as DET_CKPT / --det-checkpoint):
#   https://download.openmmlab.com/mmdetection/v3.0/rtmdet/rtmdet_m_8xb32-300e_coco/rtmdet_m_8xb32-300e_coco_20220719_112220-229f527c.pth
#
# Person only: the head keeps the 80 COCO classes so the published weights
# load; rmpe_mm.apis.PersonDetector keeps label 0 (person).
# Test settings: score >= 0.05 (MMDetection: 0.001), class-wise NMS IoU 0.6
# (AlphaPose's detector NMS; MMDetection: 0.65), at most 100 boxes per image
# (MMDetection: 300). SyncBN is reverted to BN when the detector is built.
_base_ = 'mmdet::rtmdet/rtmdet_m_8xb32-300e_coco.py'

model = dict(
    backbone=dict(init_cfg=None),
    test_cfg=dict(
        score_thr=0.05,
        nms=dict(type='nms', iou_threshold=0.6),
        max_per_img=100))
