# The plain two-step baseline: MMPose's stacked hourglass (hourglass52,
# 256x256 crops) with its training recipe unchanged, rmpe_mm loaded, and the
# data and test protocol of RMPE: the MPII multi-person JSON of
# tools/dataset_converters/mpii_multi_person.py, validation on ground-truth
# boxes, testing on detector boxes + parametric pose NMS (paper MPII preset)
# + the official MPII multi-person mAP. Expected layout:
#   data/mpii/images/*.jpg
#   data/mpii/annotations/mpii_multi_person_{train,val}.json
#   data/mpii/person_detection_results/mpii_multi_person_val_det.json
#   python tools/train.py \
#       configs/rmpe/mpii/td-hm_hourglass52_8xb64-210e_mpii-256x256.py
_base_ = [
    'mmpose::body_2d_keypoint/topdown_heatmap/mpii/'
    'td-hm_hourglass52_8xb64-210e_mpii-256x256.py',
    '../../_base_/plugin.py',
]

# A 1-stack HourglassNet builds inter-stack layers it never uses; DDP must be
# told, or distributed training stops at the first backward pass.
find_unused_parameters = True

# The data root: environment variable RMPE_DATA_ROOT (MMEngine's
# `{{$NAME:default}}`), as in configs/_base_/datasets/mpii_multi_person.py.
# `data_root` is MMPose's name, inherited: it shows the value and sets
# nothing (`__name`: a helper of this file).
__data_root = '{{$RMPE_DATA_ROOT:data/mpii/}}'.rstrip('/') + '/'
__val_ann = 'annotations/mpii_multi_person_val.json'
__det_file = 'person_detection_results/mpii_multi_person_val_det.json'
data_root = __data_root

# rmpe_mm's runtime additions (configs/_base_/default_runtime.py): atomic
# checkpoints, exact resume
default_hooks = dict(
    checkpoint=dict(
        type='AtomicCheckpointHook', save_best='Total', rule='greater'))
custom_hooks = _base_.custom_hooks + [dict(type='ExactResumeHook')]

# MMPose's MPII datasets replaced (`_delete_`) by the multi-person one
__dataset = dict(
    _delete_=True,
    type='MpiiMultiPersonDataset',
    data_root=__data_root,
    data_prefix=dict(img='images/'))
train_dataloader = dict(
    dataset=dict(
        __dataset,
        ann_file='annotations/mpii_multi_person_train.json',
        bbox_file=None,
        test_mode=False,
        pipeline=_base_.train_pipeline))
val_dataloader = dict(
    dataset=dict(
        __dataset,
        ann_file=__val_ann,
        bbox_file=None,
        test_mode=True,
        pipeline=_base_.val_pipeline))
test_dataloader = dict(
    dataset=dict(
        __dataset,
        ann_file=__val_ann,
        bbox_file=__data_root + __det_file,
        test_mode=True,
        pipeline=_base_.val_pipeline))
val_evaluator = dict(
    _delete_=True,
    type='MpiiMultiPersonMAP',
    ann_file=__data_root + __val_ann,
    pose_nms=None)
test_evaluator = dict(
    _delete_=True,
    type='MpiiMultiPersonMAP',
    ann_file=__data_root + __val_ann,
    pose_nms=dict(type='ParametricPoseNMS', preset='paper_mpii'))
