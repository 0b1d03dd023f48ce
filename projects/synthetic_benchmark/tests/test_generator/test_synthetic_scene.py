"""Annotations of the synthetic (simulated) scenes fit the drawn figures."""
import numpy as np
import pytest

from synthetic_benchmark.generator import (AppearanceConfig, GeneratorConfig,
                                           SceneConfig, compose_scene,
                                           generate_sample)
from synthetic_benchmark.generator.annotations import assign_groups, mask_bbox
from synthetic_benchmark.generator.occlusion import in_image, joint_pixels
from synthetic_benchmark.generator.render import paint_person
from synthetic_benchmark.generator.skeleton import JOINT_ID

SIZE = 128


def _scenes(n=12, seed=0, **scene_kwargs):
    cfg = SceneConfig(
        img_size=(SIZE, SIZE), min_people=2, max_people=4, **scene_kwargs)
    rng = np.random.default_rng(seed)
    return [compose_scene(rng, cfg) for _ in range(n)]


@pytest.fixture(scope='module')
def scenes():
    return _scenes()


def test_scenes_have_overlaps_occlusion_and_truncation(scenes):
    flags = np.concatenate([p.flags for s in scenes for p in s.people])
    assert (flags == 1).sum() > 0, 'no occluded joint in 12 crowded scenes'
    assert (flags == 0).sum() > 0, 'no truncated joint in 12 scenes'
    assert (flags == 2).mean() > 0.5


def test_visible_joints_lie_on_their_own_front_most_silhouette(scenes):
    for scene in scenes:
        for p in scene.people:
            vis = p.flags == 2
            px = joint_pixels(p.keypoints, (SIZE, SIZE))[vis]
            assert p.silhouette[px[:, 1], px[:, 0]].all()
            # nobody nearer covers them: this person is front-most there
            assert (scene.label_map[px[:, 1], px[:, 0]] == p.depth_rank).all()


def test_occluded_joints_are_covered_by_a_nearer_person(scenes):
    seen = 0
    for scene in scenes:
        for p in scene.people:
            occ = p.flags == 1
            assert in_image(p.keypoints, (SIZE, SIZE))[occ].all()
            px = joint_pixels(p.keypoints, (SIZE, SIZE))[occ]
            # inside its own figure, but painted over by a nearer person
            assert p.silhouette[px[:, 1], px[:, 0]].all()
            assert (scene.label_map[px[:, 1], px[:, 0]] > p.depth_rank).all()
            nearer = [q for q in scene.people if q.depth_rank > p.depth_rank]
            for x, y in px:
                assert any(q.silhouette[y, x] for q in nearer)
            seen += int(occ.sum())
    assert seen > 0


def test_unannotated_joints_are_outside_the_image(scenes):
    for scene in scenes:
        for p in scene.people:
            inside = in_image(p.keypoints, (SIZE, SIZE))
            assert np.array_equal(p.flags == 0, ~inside)


def test_painted_pixels_are_the_silhouette(scenes):
    """Replaying the painting: each person changes only pixels of its
    silhouette, nearly all of them, and the last painter of every pixel is
    the label map's front-most person."""
    for scene in scenes[:4]:
        canvas = np.zeros((SIZE, SIZE, 3), np.uint8)
        owner = np.full((SIZE, SIZE), -1)
        for p in scene.people:
            new, sil = paint_person(canvas, p.parts, p.appearance,
                                    p.keypoints[JOINT_ID['pelvis']])
            changed = (new != canvas).any(-1)
            assert np.array_equal(sil, p.silhouette)
            assert not (changed & ~sil).any()
            assert (sil & changed).sum() >= 0.97 * sil.sum()
            owner[sil] = p.depth_rank
            canvas = new
        assert np.array_equal(owner, scene.label_map)


def test_every_joint_lies_inside_its_person_drawn_alone():
    """Without occluders, every in-image joint is on its own figure."""
    for scene in _scenes(n=6, seed=3):
        for p in scene.people:
            inside = in_image(p.keypoints, (SIZE, SIZE))
            px = joint_pixels(p.keypoints, (SIZE, SIZE))[inside]
            assert p.silhouette[px[:, 1], px[:, 0]].all()


def test_placement_rules_hold(scenes):
    cfg = SceneConfig()
    for scene in scenes:
        assert [p.depth_rank
                for p in scene.people] == list(range(len(scene.people)))
        union = np.zeros((SIZE, SIZE), bool)
        for p in reversed(scene.people):  # near to far
            assert in_image(p.keypoints,
                            (SIZE, SIZE)).sum() >= cfg.min_annotated_joints
            visible = (p.silhouette & ~union).sum() / p.silhouette.sum()
            assert visible >= cfg.min_visible_fraction
            union |= p.silhouette


def test_outside_joints_invisible_mode_keeps_coordinates():
    found = False
    for scene in _scenes(n=10, seed=1, outside_joints='invisible'):
        for p in scene.people:
            outside = ~in_image(p.keypoints, (SIZE, SIZE))
            assert (p.flags[outside] == 1).all()
            found |= bool(outside.any())
    assert found


def test_annotation_records_match_scene():
    cfg = GeneratorConfig(
        scene=SceneConfig(img_size=(SIZE, SIZE), min_people=2, max_people=4),
        appearance=AppearanceConfig(num_shapes_range=(2, 4)))
    for index in range(6):
        sample = generate_sample(cfg, 'train', index)
        groups = {g['id']: np.array(g['bbox']) for g in sample.image['groups']}
        for ann, p in zip(sample.annotations, sample.scene.people):
            k = np.array(ann['keypoints']).reshape(16, 3)
            assert np.array_equal(k[:, 2], p.flags)
            assert np.allclose(k[p.flags > 0, :2], p.keypoints[p.flags > 0])
            assert (k[p.flags == 0, :2] == 0).all()
            assert ann['num_keypoints'] == int((p.flags > 0).sum())
            x, y, w, h = ann['bbox']
            assert np.allclose([x, y, x + w, y + h], mask_bbox(p.silhouette))
            assert ann['area'] == p.silhouette.sum()
            head = np.array(ann['head_bbox'])
            for j in ('head_top', 'upper_neck'):
                hx, hy = p.keypoints[JOINT_ID[j]]
                assert head[0] <= hx <= head[2] and head[1] <= hy <= head[3]
            g = groups[ann['group_id']]
            assert (g[:2] <= [x, y]).all() and (g[2:] >= [x + w, y + h]).all()


def test_assign_groups_links_near_people_and_separates_far_ones():
    boxes = np.array([[0, 0, 10, 20], [9, 0, 19, 20], [60, 0, 70, 20]],
                     np.float64)
    labels, gboxes = assign_groups(boxes, (100, 100), margin=0.1, padding=0.0)
    assert labels.tolist() == [0, 0, 1]
    assert np.allclose(gboxes, [[0, 0, 19, 20], [60, 0, 70, 20]])
    # padding makes the group boxes touch: the groups are merged
    labels, gboxes = assign_groups(boxes, (100, 100), margin=0.1, padding=1.5)
    assert labels.tolist() == [0, 0, 0] and len(gboxes) == 1
    with pytest.raises(ValueError, match='boxes'):
        assign_groups(np.zeros((0, 4)), (10, 10))
