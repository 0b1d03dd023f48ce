# COCO person keypoints for top-down models. Children supply the pipelines:
#   train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
#   val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
_base_ = ['mmpose::_base_/datasets/coco.py']  # metainfo: joints, sigmas

# Settings: environment variables (MMEngine's `{{$NAME:default}}`, read when
# the file is parsed, so they reach every loader and evaluator below; the
# same names in configs/_base_/datasets/mpii_multi_person.py):
#   RMPE_DATA_ROOT  the data set's root (default data/coco/)
# e.g. RMPE_DATA_ROOT=/datasets/coco python tools/train.py CONFIG
# (`__name`: a helper of this file; MMEngine leaves names that start with
# `__` out of the config, so `--cfg-options` cannot mistake them for
# settings.)
__data_root = '{{$RMPE_DATA_ROOT:data/coco/}}'.rstrip('/') + '/'
__val_ann = 'annotations/person_keypoints_val2017.json'
__det_file = ('person_detection_results/'
              'COCO_val2017_detections_AP_H_56_person.json')
# MMPose's inferencers read the top-level `dataset_type` and `data_mode`
# (they describe these data sets; they are not settings).
dataset_type = 'CocoDataset'
data_mode = 'topdown'
__loader = dict(num_workers=2, persistent_workers=True)
__dataset = dict(type=dataset_type, data_root=__data_root, data_mode=data_mode)

train_dataloader = dict(
    __loader,
    batch_size=64,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        __dataset,
        ann_file='annotations/person_keypoints_train2017.json',
        data_prefix=dict(img='train2017/')))
val_dataloader = dict(
    __loader,
    batch_size=32,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        __dataset,
        ann_file=__val_ann,
        bbox_file=__data_root + __det_file,
        data_prefix=dict(img='val2017/'),
        test_mode=True))
test_dataloader = val_dataloader

val_evaluator = dict(type='CocoMetric', ann_file=__data_root + __val_ann)
test_evaluator = val_evaluator
