# COCO person keypoints for top-down models. Children supply the pipelines:
#   train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
#   val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
_base_ = ['mmpose::_base_/datasets/coco.py']  # metainfo: joints, sigmas

dataset_type = 'CocoDataset'
data_mode = 'topdown'
data_root = 'data/coco/'

# `__name`: a helper of this file (MMEngine leaves names that start with
# `__` out of the config)
__loader = dict(num_workers=2, persistent_workers=True)
__dataset = dict(type=dataset_type, data_root=data_root, data_mode=data_mode)

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
        ann_file='annotations/person_keypoints_val2017.json',
        bbox_file=data_root +
        'person_detection_results/COCO_val2017_detections_AP_H_56_person.json',
        data_prefix=dict(img='val2017/'),
        test_mode=True))
test_dataloader = val_dataloader

val_evaluator = dict(
    type='CocoMetric',
    ann_file=data_root + 'annotations/person_keypoints_val2017.json')
test_evaluator = val_evaluator
