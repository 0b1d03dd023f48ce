"""The pose-NMS step of the pipeline."""
import numpy as np
from mmengine.structures import InstanceData

from rmpe_mm.apis import apply_pose_nms, person_scores
from rmpe_mm.evaluation.functional import ParametricPoseNMS, build_pose_nms


def _instances(num_people: int = 2, duplicates: int = 3) -> InstanceData:
    """``num_people`` distinct people, each seen ``duplicates`` times."""
    rng = np.random.default_rng(0)
    keypoints, scores, boxes, box_scores = [], [], [], []
    for p in range(num_people):
        base = rng.uniform(0, 80, (17, 2)) + 200 * p
        for d in range(duplicates):
            keypoints.append(base + rng.normal(0, 0.3, (17, 2)))
            scores.append(rng.uniform(0.6, 1.0, 17))
            x1, y1 = base.min(0) - 5
            x2, y2 = base.max(0) + 5
            boxes.append([x1, y1, x2, y2])
            box_scores.append(0.9 - 0.1 * d)
    out = InstanceData()
    out.keypoints = np.array(keypoints, np.float32)
    out.keypoint_scores = np.array(scores, np.float32)
    out.bboxes = np.array(boxes, np.float32)
    out.bbox_scores = np.array(box_scores, np.float32)
    return out


def test_default_merges_duplicates():
    instances = _instances()
    before = instances.keypoints.copy()
    out = apply_pose_nms(instances, build_pose_nms('alphapose_body'))
    assert len(out) == 2
    assert out.keypoints.shape == (2, 17, 2)
    assert out.keypoint_scores.shape == (2, 17)
    np.testing.assert_array_equal(out.keypoints_visible, out.keypoint_scores)
    assert sorted(sorted(c.tolist()) for c in out.idx) == [[0, 1, 2],
                                                           [3, 4, 5]]
    # merged joints lie within the cluster's joints
    for person, members in zip(out.keypoints, out.idx):
        group = instances.keypoints[members]
        assert np.all(person >= group.min(0) - 1e-4)
        assert np.all(person <= group.max(0) + 1e-4)
    # same answer as the pose NMS called directly
    ref = ParametricPoseNMS()(instances.bboxes, instances.bbox_scores,
                              instances.keypoints, instances.keypoint_scores)
    np.testing.assert_allclose(out.scores, ref.scores, rtol=1e-6)
    np.testing.assert_allclose(out.bboxes, instances.bboxes[ref.keep])
    np.testing.assert_array_equal(instances.keypoints, before)


def test_disabled_keeps_everything_with_the_same_score_formula():
    instances = _instances()
    out = apply_pose_nms(instances, None)
    assert len(out) == 6
    np.testing.assert_array_equal(out.keypoints, instances.keypoints)
    expected = (
        instances.keypoint_scores.mean(1) + instances.bbox_scores +
        1.25 * instances.keypoint_scores.max(1))
    np.testing.assert_allclose(out.scores, expected, rtol=1e-6)
    np.testing.assert_allclose(
        person_scores(instances.keypoint_scores, instances.bbox_scores),
        expected)
    assert [c.tolist() for c in out.idx] == [[i] for i in range(6)]


def test_empty_image():
    empty = InstanceData()
    empty.keypoints = np.zeros((0, 17, 2), np.float32)
    empty.keypoint_scores = np.zeros((0, 17), np.float32)
    empty.bboxes = np.zeros((0, 4), np.float32)
    empty.bbox_scores = np.zeros((0, ), np.float32)
    for nms in (None, build_pose_nms('alphapose_body')):
        out = apply_pose_nms(empty, nms)
        assert out.keypoints.shape == (0, 17, 2)
        assert out.scores.shape == (0, )
