# The SIMULATED multi-person benchmark of tools/make_synthetic_dataset.py
# (drawn stick-figure people, MPII 16-joint skeleton, simulated detector),
# read as MPII multi-person data: the repository's
# configs/_base_/datasets/mpii_multi_person.py (rmpe_mm's
# MpiiMultiPersonDataset and MpiiMultiPersonMAP, metainfo, meta keys) with
# this data's files and loader sizes. Children supply the pipelines:
#   train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
#   val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
#   test_dataloader = dict(dataset=dict(pipeline=val_pipeline))
#
# Layout (default of the generator, data/synthetic/):
#   images/{train,val}_NNNNNN.jpg
#   annotations/{train,val}.json      MPII multi-person COCO-style
#   detections/{train,val}_det.json   simulated detections (COCO results)
#
# Training: ground-truth people of the train split. Validation during
# training: ground-truth boxes of the val split, no pose NMS (an upper bound
# of the detection-based test). Testing: the val split's simulated
# detections (`bbox_file`) -> SPPE -> parametric pose NMS (paper MPII
# preset); "without PPNMS" variants set `test_evaluator = dict(pose_nms=None)`.
#
# Settings (the benchmark's orchestration sets them through the environment,
# MMEngine's `{{$NAME:default}}`; synthetic_benchmark.config_variables):
#   data_root     SYNTHETIC_DATA_ROOT      the dataset (ends with '/')
#   train_people  SYNTHETIC_TRAIN_PEOPLE   train on the first N people only
_base_ = ['../../../../configs/_base_/datasets/mpii_multi_person.py']

data_root = '{{$SYNTHETIC_DATA_ROOT:data/synthetic/}}'
train_people = {{'$SYNTHETIC_TRAIN_PEOPLE:None'}}
synthetic_train_ann = 'annotations/train.json'
synthetic_val_ann = 'annotations/val.json'
synthetic_val_det = 'detections/val_det.json'

# one loader process: the benchmark targets a 2-core CPU (one core for the
# model, one for the data). Batch 16: on this small training set (1,482
# people) twice the updates of batch 32 for the same compute trained faster
# (val mAP 22.4 vs 16.2 after 2 epochs, 30.4 vs 28.8 after 4).
# (`__name`: a helper of this file; MMEngine leaves names that start with
# `__` out of the config.)
train_dataloader = dict(
    batch_size=16,
    num_workers=1,
    dataset=dict(
        data_root=data_root,
        ann_file=synthetic_train_ann,
        indices=train_people))
__eval_loader = dict(batch_size=64, num_workers=1, persistent_workers=False)
__val_dataset = dict(data_root=data_root, ann_file=synthetic_val_ann)
val_dataloader = dict(__eval_loader, dataset=__val_dataset)
test_dataloader = dict(
    __eval_loader,
    dataset=dict(__val_dataset, bbox_file=data_root + synthetic_val_det))

val_evaluator = dict(ann_file=data_root + synthetic_val_ann)
test_evaluator = dict(ann_file=data_root + synthetic_val_ann)
