"""The parametric pose NMS inside MMPose's own MMPoseInferencer."""
import numpy as np
import pytest

from rmpe_mm.apis import PoseNMSForward, add_pose_nms, scope_guard

#: Random-weight joint scores are below AlphaPose's 0.3 pose threshold:
#: keep every cluster so that the comparison sees people; a wide spatial
#: scale and a low threshold so that the random poses do merge (clusters of
#: 2 to 4 on these images).
KEEP_ALL_NMS = dict(
    type='ParametricPoseNMS', score_thr=0.0, delta2=200.0, gamma=10.0)
#: MMPose's inferencer always runs box NMS; at IoU 1 it keeps the
#: overlapping boxes the pose NMS is there to merge. RMPE gets the same.
BOX_FILTER = dict(bbox_thr=0.0, nms_thr=1.0)


@pytest.fixture(scope='module')
def mmpose_inferencer(pose_config, pose_checkpoint, det_config,
                      det_checkpoint):
    from mmpose.apis import MMPoseInferencer
    with scope_guard('mmpose'):
        return MMPoseInferencer(
            pose2d=pose_config,
            pose2d_weights=pose_checkpoint,
            device='cpu',
            det_model=det_config,
            det_weights=det_checkpoint,
            det_cat_ids=(0, ))


def _samples(inferencer, images) -> list:
    with scope_guard('mmpose'):
        return [
            sample for result in inferencer(
                images, return_datasamples=True, **BOX_FILTER)
            for sample in result['predictions']
        ]


def test_same_poses_as_rmpe_inferencer(pm, mmpose_inferencer, tiny_inferencer):
    plain = _samples(mmpose_inferencer, pm.COCO_IMAGES)
    add_pose_nms(mmpose_inferencer, KEEP_ALL_NMS)
    try:
        merged = _samples(mmpose_inferencer, pm.COCO_IMAGES)
    finally:
        add_pose_nms(mmpose_inferencer, None)
    rmpe = tiny_inferencer(pose_nms=KEEP_ALL_NMS)
    ours = [
        p for r in rmpe(pm.COCO_IMAGES, **BOX_FILTER) for p in r['predictions']
    ]
    merged_any = False
    for before, after, people in zip(plain, merged, ours):
        instances = after.pred_instances
        assert len(instances) == len(people) <= len(before.pred_instances)
        merged_any |= len(instances) < len(before.pred_instances)
        assert [list(i) for i in instances.idx] == [p['idx'] for p in people]
        np.testing.assert_allclose(
            instances.keypoints, [p['keypoints'] for p in people],
            rtol=1e-5,
            atol=1e-3)
        np.testing.assert_allclose(
            instances.keypoint_scores, [p['keypoint_scores'] for p in people],
            rtol=1e-5,
            atol=1e-5)
        np.testing.assert_allclose(
            instances.bboxes, [p['bbox'] for p in people], rtol=1e-6)
        np.testing.assert_allclose(
            instances.scores, [p['score'] for p in people], rtol=1e-5)
    assert merged_any  # the comparison exercised real merges


def test_result_dicts_and_switching_off(pm, mmpose_inferencer):
    pose2d = mmpose_inferencer.inferencer
    add_pose_nms(mmpose_inferencer, KEEP_ALL_NMS)
    add_pose_nms(mmpose_inferencer, 'alphapose_body')  # replaces, no stack
    try:
        assert isinstance(pose2d.forward, PoseNMSForward)
        assert not isinstance(pose2d.forward.original, PoseNMSForward)
        with scope_guard('mmpose'):
            results = list(mmpose_inferencer(pm.COCO_IMAGES[:1], **BOX_FILTER))
        # AlphaPose's constants drop every random-weight pose (< 0.3)
        assert results[0]['predictions'] == [[]]
        with pytest.raises(ValueError, match='merge_results=True'):
            with scope_guard('mmpose'):
                list(
                    mmpose_inferencer(pm.COCO_IMAGES[:1], merge_results=False))
    finally:
        add_pose_nms(mmpose_inferencer, None)
    assert 'forward' not in vars(pose2d)
    with pytest.raises(ValueError, match='Pose2DInferencer'):
        add_pose_nms(object())
