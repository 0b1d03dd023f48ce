# MPII multi-person (the JSON of tools/dataset_converters/mpii_multi_person.py)
# for top-down models. Children supply the pipelines:
#   train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
#   val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
#   test_dataloader = dict(dataset=dict(pipeline=val_pipeline))
# (do not write `test_dataloader = val_dataloader`: testing runs on detections,
# validation on ground-truth boxes).
#
# Expected layout (convert with the tool; detections: COCO results format,
# category 1, e.g. from any MMDetection person detector):
#   data/mpii/images/*.jpg
#   data/mpii/annotations/mpii_multi_person_{train,val}.json
#   data/mpii/person_detection_results/mpii_multi_person_val_det.json
_base_ = ['mmpose::_base_/datasets/mpii.py']  # metainfo: joints, flip pairs

dataset_type = 'MpiiMultiPersonDataset'
data_mode = 'topdown'
data_root = 'data/mpii/'
mpii_multi_person_val_ann = 'annotations/mpii_multi_person_val.json'
mpii_multi_person_det_file = (
    'person_detection_results/mpii_multi_person_val_det.json')

# PackPoseInputs meta keys that also carry each image's ground truth
# (`mpii_gt`) to MpiiMultiPersonMAP, so the metric can run without ann_file.
mpii_multi_person_meta_keys = ('id', 'img_id', 'img_path', 'category_id',
                               'ori_shape', 'img_shape', 'input_size',
                               'input_center', 'input_scale', 'flip',
                               'flip_direction', 'flip_indices',
                               'raw_ann_info', 'dataset_name', 'mpii_gt')

# `__name`: a helper of this file (MMEngine leaves names that start with
# `__` out of the config)
__loader = dict(num_workers=2, persistent_workers=True)
__dataset = dict(
    type=dataset_type,
    data_root=data_root,
    data_mode=data_mode,
    data_prefix=dict(img='images/'))
__eval_loader = dict(
    __loader,
    batch_size=32,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False))
__val_dataset = dict(
    __dataset, ann_file=mpii_multi_person_val_ann, test_mode=True)

train_dataloader = dict(
    __loader,
    batch_size=64,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        __dataset, ann_file='annotations/mpii_multi_person_train.json'))
# validation during training: ground-truth boxes, no pose NMS needed
val_dataloader = dict(__eval_loader, dataset=__val_dataset)
# testing: the RMPE pipeline, detector boxes + parametric pose NMS
test_dataloader = dict(
    __eval_loader,
    dataset=dict(
        __val_dataset, bbox_file=data_root + mpii_multi_person_det_file))

__metric = dict(
    type='MpiiMultiPersonMAP', ann_file=data_root + mpii_multi_person_val_ann)
val_evaluator = dict(__metric, pose_nms=None)
test_evaluator = dict(
    __metric, pose_nms=dict(type='ParametricPoseNMS', preset='paper_mpii'))
