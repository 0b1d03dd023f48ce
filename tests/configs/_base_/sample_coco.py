# The COCO samples the repo ships (tests/data/coco: 4 images, 14 people, the
# samples' 118 real detector boxes), for the smoke configs of tests/configs/
# (./smoke.py says how they inherit it):
#   train_dataloader = dict(cpu_loader, batch_size=2, dataset=dict(
#       sample_files, pipeline=...))
#   val_dataloader: dataset=dict(sample_gt_boxes, ...)
#   test_dataloader: dataset=dict(sample_detections, ...)
_base_ = ['./smoke.py']

sample_root = 'tests/data/coco/'
sample_codec = dict(
    type='MSRAHeatmap', input_size=(48, 64), heatmap_size=(12, 16), sigma=1)
sample_files = dict(
    data_root=sample_root, ann_file='test_coco.json', data_prefix=dict(img=''))
sample_gt_boxes = dict(sample_files, bbox_file=None)
sample_detections = dict(
    sample_files, bbox_file=sample_root + 'test_coco_det_AP_H_56.json')
sample_metric = dict(ann_file=sample_root + 'test_coco.json')
