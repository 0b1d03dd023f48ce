"""Compose one synthetic (simulated) multi-person image.

People are sampled (pose class, size, aspect, appearance), then placed from
the nearest (largest) to the farthest: each new person is behind all placed
ones, so its joints are labelled against the union of their silhouettes and
it is rejected (and re-placed, up to ``max_placement_tries``) when too few of
its joints are in the image or too little of it stays visible. People that
never fit are dropped; the nearest person's last try is centered in the image
so that every image holds at least one person. Painting goes back to front,
then the image gets a mild blur and Gaussian noise.
"""
from dataclasses import dataclass
from typing import List, Optional, Tuple

import cv2
import numpy as np

from .appearance import PersonAppearance, sample_appearance
from .background import make_background
from .config import AppearanceConfig, SceneConfig
from .occlusion import in_image, visibility_flags, visible_fraction
from .pose_sampler import BodyPose, pose_to_image, sample_body_pose
from .render import (Part, build_parts, paint_person, parts_bounds,
                     person_silhouette)
from .skeleton import JOINT_ID


@dataclass
class ScenePerson:
    """One drawn person.

    Args:
        keypoints (np.ndarray): ``(16, 2)`` joints in pixels (rounded to
            1/100 px; also outside the image).
        flags (np.ndarray): ``(16,)`` MPII ``v`` flags.
        pose (BodyPose): The body-frame pose (class, facing, angles).
        height_px (float): Standing body height in pixels.
        parts (list[Part]): Drawn parts.
        silhouette (np.ndarray): ``(H, W)`` bool in-image silhouette.
        bounds (np.ndarray): Unclipped extent ``[x1, y1, x2, y2]``.
        depth_rank (int): 0 = farthest (painted first).
        appearance (PersonAppearance): Colours and textures.
    """
    keypoints: np.ndarray
    flags: np.ndarray
    pose: BodyPose
    height_px: float
    parts: List[Part]
    silhouette: np.ndarray
    bounds: np.ndarray
    depth_rank: int
    appearance: PersonAppearance


@dataclass
class Scene:
    """A finished image and its people in painting (far to near) order.

    Args:
        image (np.ndarray): ``(H, W, 3)`` uint8 BGR.
        people (list[ScenePerson]): ``people[i].depth_rank == i``.
        label_map (np.ndarray): ``(H, W)`` int, index of the front-most
            person at each pixel, -1 for background.
    """
    image: np.ndarray
    people: List[ScenePerson]
    label_map: np.ndarray


@dataclass
class _Candidate:
    pose: BodyPose
    height_px: float
    aspect: float
    appearance: PersonAppearance


def _sample_candidates(rng: np.random.Generator, cfg: SceneConfig,
                       app_cfg: AppearanceConfig) -> List[_Candidate]:
    classes = sorted(cfg.pose_class_probs)
    p = np.array([cfg.pose_class_probs[c] for c in classes], np.float64)
    num = int(rng.integers(cfg.min_people, cfg.max_people + 1))
    img_h = cfg.img_size[1]
    out = []
    for _ in range(num):
        cls = classes[rng.choice(len(classes), p=p / p.sum())]
        pose = sample_body_pose(rng, cls, cfg.side_view_prob,
                                cfg.back_view_prob, cfg.foreshortening_range)
        height = float(rng.uniform(*cfg.person_height_range) * img_h)
        aspect = float(rng.uniform(*cfg.aspect_range))
        out.append(
            _Candidate(pose, height, aspect,
                       sample_appearance(rng, app_cfg.texture_probs, height)))
    # nearest (largest) first
    return sorted(out, key=lambda c: -c.height_px)


def _pelvis_position(rng: np.random.Generator, cfg: SceneConfig,
                     placed: List[ScenePerson],
                     cand: _Candidate) -> np.ndarray:
    w, h = cfg.img_size
    if placed and rng.random() < cfg.overlap_prob:
        anchor = placed[int(rng.integers(len(placed)))]
        ref = anchor.keypoints[JOINT_ID['pelvis']]
        dx = rng.uniform(-0.5, 0.5) * max(cand.height_px, anchor.height_px)
        dy = rng.normal(0.0, 0.1 * h)
        return ref + np.array([dx, dy])
    m = cfg.truncation_margin
    return np.array([
        rng.uniform(-m * w, (1 + m) * w),
        rng.uniform(0.45 * cand.height_px - m * h,
                    h - 0.45 * cand.height_px + m * h)
    ])


def _try_place(cand: _Candidate, pelvis: np.ndarray, cfg: SceneConfig,
               occluder: np.ndarray) -> Optional[ScenePerson]:
    shape = (cfg.img_size[1], cfg.img_size[0])
    kpts = np.round(
        pose_to_image(cand.pose.keypoints, pelvis, cand.height_px,
                      cand.aspect), 2)
    if in_image(kpts, shape).sum() < cfg.min_annotated_joints:
        return None
    parts = build_parts(kpts, cand.height_px, cand.appearance,
                        cand.pose.facing)
    silhouette = person_silhouette(parts, shape)
    if visible_fraction(silhouette, occluder) < cfg.min_visible_fraction:
        return None
    return ScenePerson(
        keypoints=kpts,
        flags=visibility_flags(kpts, occluder, cfg.outside_joints),
        pose=cand.pose,
        height_px=cand.height_px,
        parts=parts,
        silhouette=silhouette,
        bounds=parts_bounds(parts),
        depth_rank=-1,
        appearance=cand.appearance)


def place_people(rng: np.random.Generator, cfg: SceneConfig,
                 app_cfg: AppearanceConfig) -> List[ScenePerson]:
    """Sample and place the people of one image.

    Args:
        rng (np.random.Generator): Random stream.
        cfg (SceneConfig): Scene settings.
        app_cfg (AppearanceConfig): Appearance settings.

    Returns:
        list[ScenePerson]: At least one person, in painting (far to near)
        order with ``depth_rank`` set.
    """
    shape = (cfg.img_size[1], cfg.img_size[0])
    occluder = np.zeros(shape, bool)
    placed: List[ScenePerson] = []
    for cand in _sample_candidates(rng, cfg, app_cfg):
        for attempt in range(cfg.max_placement_tries):
            last_chance = (not placed
                           and attempt == cfg.max_placement_tries - 1)
            pelvis = (
                np.array([shape[1] / 2, shape[0] / 2 + 0.03 * cand.height_px])
                if last_chance else _pelvis_position(rng, cfg, placed, cand))
            person = _try_place(cand, pelvis, cfg, occluder)
            if person is not None:
                placed.append(person)
                occluder = occluder | person.silhouette
                break
    if not placed:
        raise ValueError('could not place any person: the scene settings '
                         f'are too strict ({cfg})')
    placed.reverse()
    for rank, person in enumerate(placed):
        person.depth_rank = rank
    return placed


def compose_scene(rng: np.random.Generator,
                  cfg: Optional[SceneConfig] = None,
                  app_cfg: Optional[AppearanceConfig] = None) -> Scene:
    """Make one image with its people.

    Args:
        rng (np.random.Generator): Random stream.
        cfg (SceneConfig, optional): Default ``SceneConfig()``.
        app_cfg (AppearanceConfig, optional): Default
            ``AppearanceConfig()``.

    Returns:
        Scene: Image, people (far to near) and the front-most-person map.
    """
    cfg = cfg if cfg is not None else SceneConfig()
    app_cfg = app_cfg if app_cfg is not None else AppearanceConfig()
    cfg.validate()
    app_cfg.validate()
    w, h = cfg.img_size
    image = make_background(rng, w, h, app_cfg.num_shapes_range)
    people = place_people(rng, cfg, app_cfg)
    label_map = np.full((h, w), -1, np.int64)
    for person in people:
        image, _ = paint_person(image, person.parts, person.appearance,
                                person.keypoints[JOINT_ID['pelvis']],
                                app_cfg.outline_darkness)
        label_map[person.silhouette] = person.depth_rank
    image = finish_image(rng, image, app_cfg.noise_std_range)
    return Scene(image=image, people=people, label_map=label_map)


def finish_image(rng: np.random.Generator, image: np.ndarray,
                 noise_std_range: Tuple[float, float]) -> np.ndarray:
    """Mild blur (sigma 0.6) and Gaussian noise."""
    blurred = cv2.GaussianBlur(image, (3, 3), 0.6).astype(np.float32)
    std = rng.uniform(*noise_std_range)
    noise = rng.standard_normal(image.shape, dtype=np.float32)
    noisy = blurred + np.float32(std) * noise
    return np.clip(np.round(noisy), 0, 255).astype(np.uint8)
