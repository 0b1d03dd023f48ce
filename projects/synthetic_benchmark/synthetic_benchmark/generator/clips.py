"""Synthetic (simulated) video clips with identities, poses and detections.

A clip is rendered with the image generator's machinery (backgrounds,
textured parts, painting far to near, occlusion flags, blur and noise, the
simulated detector) over people that move smoothly (:mod:`.motion`). Its
ground truth holds every person in every frame (identity = person index),
with a presence mask (:class:`~.clip_config.ClipConfig`). Deterministic:
clip ``index`` depends only on ``(config.seed, index)`` and the settings.
"""
from dataclasses import dataclass
from typing import Dict, List, Tuple

import numpy as np

from .annotations import mask_bbox
from .appearance import PersonAppearance, sample_appearance
from .background import make_background
from .clip_config import ClipConfig
from .detector import SimulatedDetector
from .motion import (ROLES, PersonMotion, add_gait, crossing_paths,
                     interpolate_poses, key_poses, leave_path, wander_path)
from .occlusion import in_image, visibility_flags, visible_fraction
from .pose_sampler import pose_to_image
from .render import build_parts, paint_person
from .scene import finish_image
from .skeleton import JOINT_ID, NUM_JOINTS

#: Stream id of the clips in the seed sequence (images use split indices
#: 0 and 1).
CLIP_STREAM = 7
#: Codes of the detection kinds in :attr:`Clip.det_kind`.
DET_KINDS: Tuple[str, ...] = ('tp', 'duplicate', 'fp')


@dataclass
class Clip:
    """One clip (``T`` frames, ``P`` people, ``D`` detections).

    Args:
        frames (np.ndarray): ``(T, H, W, 3)`` uint8 BGR.
        keypoints (np.ndarray): ``(T, P, 16, 2)`` joints, pixels (also
            outside the image).
        flags (np.ndarray): ``(T, P, 16)`` MPII ``v`` flags (0 outside the
            image, 1 occluded by a nearer person, 2 visible).
        boxes (np.ndarray): ``(T, P, 4)`` tight silhouette boxes, xyxy
            (zeros when the person is entirely outside).
        visible (np.ndarray): ``(T, P)`` uncovered silhouette fraction.
        in_frame (np.ndarray): ``(T, P)`` bool, enough joints in the image.
        present (np.ndarray): ``(T, P)`` bool, in the ground truth.
        facing_back (np.ndarray): ``(T, P)`` bool.
        roles (list[str]): Role of each person.
        pose_classes (list[str]): Pose class of each person.
        det_frame (np.ndarray): ``(D,)`` frame of each detection.
        det_boxes (np.ndarray): ``(D, 4)`` xyxy.
        det_scores (np.ndarray): ``(D,)``.
        det_person (np.ndarray): ``(D,)`` person index, -1 for a false
            positive.
        det_kind (np.ndarray): ``(D,)`` index into :data:`DET_KINDS`.
    """
    frames: np.ndarray
    keypoints: np.ndarray
    flags: np.ndarray
    boxes: np.ndarray
    visible: np.ndarray
    in_frame: np.ndarray
    present: np.ndarray
    facing_back: np.ndarray
    roles: List[str]
    pose_classes: List[str]
    det_frame: np.ndarray
    det_boxes: np.ndarray
    det_scores: np.ndarray
    det_person: np.ndarray
    det_kind: np.ndarray

    @property
    def num_frames(self) -> int:
        """``T``."""
        return int(self.frames.shape[0])

    def frame_detections(self, t: int) -> Tuple[np.ndarray, np.ndarray]:
        """Boxes ``(n, 4)`` and scores ``(n,)`` of frame ``t``."""
        sel = self.det_frame == t
        return self.det_boxes[sel], self.det_scores[sel]

    def frame_truth(self, t: int) -> Tuple[np.ndarray, np.ndarray]:
        """Identities ``(m,)`` and boxes ``(m, 4)`` of the people present
        in frame ``t``."""
        ids = np.flatnonzero(self.present[t])
        return ids, self.boxes[t, ids]


def _sample_person(rng: np.random.Generator, cfg: ClipConfig, role: str,
                   width: float) -> Tuple[PersonMotion, PersonAppearance]:
    """Appearance, pose class, size and x path of one person (the x path
    of a crossing person is set by :func:`_people`)."""
    scene = cfg.scene
    classes = sorted(scene.pose_class_probs)
    p = np.array([scene.pose_class_probs[c] for c in classes], np.float64)
    pose_class = classes[rng.choice(len(classes), p=p / p.sum())]
    height = float(rng.uniform(*cfg.person_height_range) * scene.img_size[1])
    aspect = float(rng.uniform(*scene.aspect_range))
    appearance = sample_appearance(rng, cfg.appearance.texture_probs, height)
    keys, facings = key_poses(rng, pose_class, cfg.num_frames,
                              cfg.keyframe_interval, cfg.turn_prob,
                              scene.back_view_prob, scene.side_view_prob,
                              scene.foreshortening_range)
    body, facing = interpolate_poses(keys, facings, cfg.num_frames,
                                     cfg.keyframe_interval)
    speed = float(rng.uniform(*cfg.speed_range) * width)
    margin = 0.4 * height * aspect
    if role == 'leave':
        absence = int(
            rng.integers(cfg.absence_range[0], cfg.absence_range[1] + 1))
        x = leave_path(rng, cfg.num_frames, width, margin,
                       cfg.speed_range[1] * width, cfg.exit_fraction, absence)
    else:  # a crossing person's x is replaced by the pair's path
        x = wander_path(rng, cfg.num_frames, width, speed, 0.5 * margin)
    motion = PersonMotion(role, pose_class, height, aspect,
                          np.stack([x, np.zeros_like(x)], 1), body, facing)
    return motion, appearance


def _finish_motion(cfg: ClipConfig, motion: PersonMotion) -> None:
    """Set the pelvis height (ground plane, bob) and the gait."""
    h_img = cfg.scene.img_size[1]
    lo, hi = cfg.person_height_range
    depth = (motion.height_px / h_img - lo) / max(hi - lo, 1e-9)
    feet = h_img * (
        cfg.ground_range[0] + depth *
        (cfg.ground_range[1] - cfg.ground_range[0]))
    step = np.abs(np.diff(motion.pelvis[:, 0], prepend=motion.pelvis[0, 0]))
    stride = cfg.stride * motion.height_px
    bob = cfg.bob * motion.height_px * np.abs(
        np.sin(2 * np.pi * np.cumsum(step) / stride))
    motion.pelvis[:, 1] = feet - cfg.leg_length * motion.height_px - bob
    max_speed = cfg.speed_range[1] * cfg.scene.img_size[0]
    motion.body = add_gait(motion.body, step, max_speed, cfg.gait_amplitude,
                           stride)


def _people(rng: np.random.Generator,
            cfg: ClipConfig) -> Tuple[List[PersonMotion], List]:
    width = float(cfg.scene.img_size[0])
    num = int(rng.integers(cfg.min_people, cfg.max_people + 1))
    roles = list(ROLES) + ['wander'] * (num - len(ROLES))
    people = [_sample_person(rng, cfg, role, width) for role in roles]
    speeds = tuple(
        float(rng.uniform(*cfg.speed_range) * width) for _ in range(2))
    xa, xb = crossing_paths(rng, cfg.num_frames, width, speeds)
    people[0][0].pelvis[:, 0] = xa
    people[1][0].pelvis[:, 0] = xb
    for motion, _ in people:
        _finish_motion(cfg, motion)
    return [m for m, _ in people], [a for _, a in people]


def _render_frame(cfg: ClipConfig, background: np.ndarray,
                  motions: List[PersonMotion],
                  appearances: List[PersonAppearance], t: int,
                  noise_rng: np.random.Generator) -> Dict[str, np.ndarray]:
    """Paint frame ``t`` (far to near) and label its people."""
    shape = background.shape[:2]
    image = background
    num = len(motions)
    kpts = np.zeros((num, NUM_JOINTS, 2))
    silhouettes = np.zeros((num, ) + shape, bool)
    # far (small) to near (large)
    order = np.argsort([m.height_px for m in motions], kind='stable')
    for i in order:
        m = motions[i]
        kpts[i] = np.round(
            pose_to_image(m.body[t], m.pelvis[t], m.height_px, m.aspect), 2)
        parts = build_parts(kpts[i], m.height_px, appearances[i], m.facing[t])
        image, silhouettes[i] = paint_person(image, parts, appearances[i],
                                             kpts[i][JOINT_ID['pelvis']],
                                             cfg.appearance.outline_darkness)
    out = dict(
        keypoints=kpts,
        flags=np.zeros((num, NUM_JOINTS), np.int64),
        boxes=np.zeros((num, 4)),
        visible=np.zeros(num),
        in_frame=np.zeros(num, bool))
    for rank, i in enumerate(order):
        occluder = silhouettes[order[rank + 1:]].any(axis=0)
        out['flags'][i] = visibility_flags(kpts[i], occluder, 'drop')
        out['visible'][i] = visible_fraction(silhouettes[i], occluder)
        out['in_frame'][i] = in_image(kpts[i],
                                      shape).sum() >= cfg.min_joints_in_image
        if silhouettes[i].any():
            out['boxes'][i] = mask_bbox(silhouettes[i])
    out['present'] = out['in_frame'] & (
        out['visible'] >= cfg.min_visible_fraction)
    out['image'] = finish_image(noise_rng, image,
                                cfg.appearance.noise_std_range)
    return out


def generate_clip(cfg: ClipConfig, index: int) -> Clip:
    """Make clip ``index`` (see the module docstring).

    Args:
        cfg (ClipConfig): Settings (validated here).
        index (int): 0-based clip index.

    Returns:
        Clip: Frames, ground truth and simulated detections.
    """
    cfg.validate()
    if index < 0:
        raise ValueError(f'index must be >= 0, got {index}')
    seq = np.random.SeedSequence([cfg.seed, CLIP_STREAM, index])
    people_rng, bg_rng, noise_rng, det_rng = (
        np.random.default_rng(s) for s in seq.spawn(4))
    motions, appearances = _people(people_rng, cfg)
    w, h = cfg.scene.img_size
    background = make_background(bg_rng, w, h, cfg.appearance.num_shapes_range)
    detector = SimulatedDetector.from_config(cfg.detector)
    frames, labels, dets = [], [], []
    for t in range(cfg.num_frames):
        out = _render_frame(cfg, background, motions, appearances, t,
                            noise_rng)
        frames.append(out.pop('image'))
        labels.append(out)
        ids = np.flatnonzero(out['present'])
        found = detector.detect(det_rng, out['boxes'][ids],
                                [motions[i].pose_class for i in ids], (h, w))
        dets += [(t, d.bbox, d.score,
                  ids[d.gt_index] if d.gt_index >= 0 else -1,
                  DET_KINDS.index(d.kind)) for d in found]
    stack = {k: np.stack([lb[k] for lb in labels]) for k in labels[0]}
    return Clip(
        frames=np.stack(frames),
        keypoints=stack['keypoints'].astype(np.float32),
        flags=stack['flags'].astype(np.int8),
        boxes=stack['boxes'].astype(np.float32),
        visible=stack['visible'].astype(np.float32),
        in_frame=stack['in_frame'],
        present=stack['present'],
        facing_back=np.array([[f == 'back' for f in m.facing]
                              for m in motions]).T,
        roles=[m.role for m in motions],
        pose_classes=[m.pose_class for m in motions],
        det_frame=np.array([d[0] for d in dets], np.int32),
        det_boxes=np.array([d[1] for d in dets], np.float32).reshape(-1, 4),
        det_scores=np.array([d[2] for d in dets], np.float32),
        det_person=np.array([d[3] for d in dets], np.int32),
        det_kind=np.array([d[4] for d in dets], np.int8))


def clip_events(clip: Clip) -> Dict[str, int]:
    """Count the events a tracker must survive.

    Returns:
        dict[str, int]: ``crossings`` (pairs of people in the frame whose
        left-right order swaps), ``occlusion_gaps`` (a person leaves the
        ground truth while in the frame, hidden by nearer people, and comes
        back), ``reentries`` (a person leaves the frame and comes back),
        ``turns`` (facing changes), ``partial_occlusions`` (person-frames
        present but less than 90 % visible).
    """
    centers = (clip.boxes[..., 0] + clip.boxes[..., 2]) / 2
    crossings = 0
    num = clip.present.shape[1]
    for a in range(num):
        for b in range(a + 1, num):
            both = clip.in_frame[:, a] & clip.in_frame[:, b]
            sign = np.sign(centers[:, a] - centers[:, b])
            swaps = both[1:] & both[:-1] & (sign[1:] * sign[:-1] < 0)
            crossings += int(swaps.sum())
    occlusion_gaps = reentries = 0
    for p in range(num):
        frames = np.flatnonzero(clip.present[:, p])
        for t0, t1 in zip(frames[:-1], frames[1:]):
            if t1 - t0 > 1:
                left = not clip.in_frame[t0 + 1:t1, p].all()
                reentries += int(left)
                occlusion_gaps += int(not left)
    return dict(
        crossings=crossings,
        occlusion_gaps=occlusion_gaps,
        reentries=reentries,
        turns=int((clip.facing_back[1:] != clip.facing_back[:-1]).sum()),
        partial_occlusions=int((clip.present & (clip.visible < 0.9)).sum()))


__all__ = ['CLIP_STREAM', 'DET_KINDS', 'Clip', 'generate_clip', 'clip_events']
