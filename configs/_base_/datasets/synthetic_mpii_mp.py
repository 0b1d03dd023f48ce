# The SIMULATED multi-person benchmark of tools/make_synthetic_dataset.py
# (drawn stick-figure people, MPII 16-joint skeleton, simulated detector),
# read as MPII multi-person data. Children supply the pipelines:
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
_base_ = ['./mpii_multi_person.py']

data_root = 'data/synthetic/'
synthetic_train_ann = 'annotations/train.json'
synthetic_val_ann = 'annotations/val.json'
synthetic_train_det = 'detections/train_det.json'  # what PGPG is fitted on
synthetic_val_det = 'detections/val_det.json'

# one loader process: the benchmark targets a 2-core CPU (one core for the
# model, one for the data). Batch 16: on this small training set (1,482
# people) twice the updates of batch 32 for the same compute trained faster
# (val mAP 22.4 vs 16.2 after 2 epochs, 30.4 vs 28.8 after 4).
train_dataloader = dict(
    batch_size=16,
    num_workers=1,
    persistent_workers=True,
    dataset=dict(
        data_root=data_root,
        ann_file=synthetic_train_ann,
        data_prefix=dict(img='images/')))
val_dataloader = dict(
    batch_size=64,
    num_workers=1,
    persistent_workers=False,
    dataset=dict(
        data_root=data_root,
        ann_file=synthetic_val_ann,
        data_prefix=dict(img='images/')))
test_dataloader = dict(
    batch_size=64,
    num_workers=1,
    persistent_workers=False,
    dataset=dict(
        data_root=data_root,
        ann_file=synthetic_val_ann,
        bbox_file=data_root + synthetic_val_det,
        data_prefix=dict(img='images/')))

val_evaluator = dict(ann_file=data_root + synthetic_val_ann, pose_nms=None)
test_evaluator = dict(
    ann_file=data_root + synthetic_val_ann,
    pose_nms=dict(type='ParametricPoseNMS', preset='paper_mpii'))
