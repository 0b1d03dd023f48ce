# The MPII samples the repo ships (tests/data/mpii: 5 images, one person each,
# stand-in head boxes, and 15 detector-like boxes with duplicates and false
# positives; see tests/data/mpii/make_test_mpii_multi.py), for the smoke
# configs of tests/configs/ (./smoke.py says how they inherit it):
#   train_dataloader = dict(cpu_loader, batch_size=2, dataset=dict(
#       sample_files, pipeline=...))
#   val_dataloader: dataset=dict(sample_files, ...)  (ground-truth boxes)
#   test_dataloader: dataset=dict(sample_detections, ...)
_base_ = ['./smoke.py']

sample_root = 'tests/data/mpii/'
__ann_file = 'test_mpii_multi.json'  # (`__`: this file's helper)
sample_codec = dict(
    type='MSRAHeatmap', input_size=(64, 64), heatmap_size=(16, 16), sigma=1)
sample_files = dict(
    data_root=sample_root, ann_file=__ann_file, data_prefix=dict(img=''))
sample_detections = dict(
    sample_files, bbox_file=sample_root + 'test_mpii_det.json')
sample_metric = dict(ann_file=sample_root + __ann_file)
