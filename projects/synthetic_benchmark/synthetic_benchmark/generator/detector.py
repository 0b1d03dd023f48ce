"""A **simulated** person detector for the synthetic dataset.

This is not a detector: it never looks at pixels. It perturbs the
ground-truth boxes with known, pose-dependent random errors so that the
two-step pipeline (and PGPG, which learns ``P(offset | atomic pose)``) has
realistic-looking, but fully known, detections to work with:

- every ground-truth person is missed with probability ``miss_rate``;
- otherwise it gets one box ``gt + offset * (w, h, w, h)`` where the
  normalized offset ``((x1d - x1g) / wg, (y1d - y1g) / hg, (x2d - x2g) / wg,
  (y2d - y2g) / hg)`` is drawn from the Gaussian mixture of the person's
  pose class, and with probability ``duplicate_rate`` one more
  (a duplicate) drawn independently from the same mixture;
- ``Poisson(fp_per_image)`` false positives per image, placed uniformly
  with person-like aspect ratios;
- scores: clipped normal per kind (true, duplicate, false positive).
"""
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .config import POSE_CLASSES, DetectorConfig, check_mixture


@dataclass(frozen=True)
class SimDetection:
    """One simulated detection.

    Args:
        bbox (np.ndarray): ``(4,)`` box, xyxy pixels.
        score (float): Confidence in ``[0.01, 1]``.
        kind (str): ``'tp'``, ``'duplicate'`` or ``'fp'``.
        gt_index (int): Index of the ground-truth person it was drawn for
            (-1 for false positives).
        offset (np.ndarray | None): The sampled normalized offset (before
            clipping to the image); None for false positives.
    """
    bbox: np.ndarray
    score: float
    kind: str
    gt_index: int
    offset: Optional[np.ndarray]


def mixture_moments(
        components: Sequence[Dict[str, Any]]) -> Tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation (per coordinate) of a diagonal mixture.

    Args:
        components (Sequence[dict]): ``dict(weight, mean[4], std[4])``.

    Returns:
        tuple[np.ndarray, np.ndarray]: ``(4,)`` mean and ``(4,)`` std.
    """
    w = np.array([c['weight'] for c in components], np.float64)
    w = w / w.sum()
    mu = np.array([c['mean'] for c in components], np.float64)
    sd = np.array([c['std'] for c in components], np.float64)
    mean = w @ mu
    var = w @ (sd**2 + mu**2) - mean**2
    return mean, np.sqrt(np.maximum(var, 0.0))


class SimulatedDetector:
    """Sample simulated detections for one image (see module docstring).

    Args:
        miss_rate (float): Probability of missing a person. Default 0.05.
        duplicate_rate (float): Probability of one duplicate per detected
            person. Default 0.3.
        fp_per_image (float): Mean number of false positives. Default 0.5.
        offset_models (dict, optional): ``{pose_class: [dict(weight,
            mean[4], std[4]), ...]}``. Default: :class:`DetectorConfig`'s.
        tp_score (tuple[float, float]): Score mean/std of true boxes.
            Default ``(0.85, 0.08)``.
        duplicate_score (tuple[float, float]): Default ``(0.6, 0.15)``.
        fp_score (tuple[float, float]): Default ``(0.35, 0.15)``.
        fp_height_range (tuple[float, float]): False-positive height as a
            fraction of the image height. Default ``(0.2, 0.7)``.
        fp_aspect_range (tuple[float, float]): False-positive height/width.
            Default ``(1.2, 3.0)``.
        clip_to_image (bool): Clip boxes to the image. Default True.
        min_box_size (float): Minimum box side after clipping; smaller boxes
            are re-drawn. Default 2.0.
        offset_scale (float): Multiplies every sampled offset (box-error
            sweeps). Default 1.0. The random stream is consumed the same way
            at every scale, so misses, duplicates, false positives and
            scores stay the same (unless a box must be re-drawn).
    """

    def __init__(self,
                 miss_rate: float = 0.05,
                 duplicate_rate: float = 0.3,
                 fp_per_image: float = 0.5,
                 offset_models: Optional[Dict[str, List[Dict]]] = None,
                 tp_score: Tuple[float, float] = (0.85, 0.08),
                 duplicate_score: Tuple[float, float] = (0.6, 0.15),
                 fp_score: Tuple[float, float] = (0.35, 0.15),
                 fp_height_range: Tuple[float, float] = (0.2, 0.7),
                 fp_aspect_range: Tuple[float, float] = (1.2, 3.0),
                 clip_to_image: bool = True,
                 min_box_size: float = 2.0,
                 offset_scale: float = 1.0) -> None:
        cfg = DetectorConfig(
            miss_rate=miss_rate,
            duplicate_rate=duplicate_rate,
            fp_per_image=fp_per_image,
            tp_score=tuple(tp_score),
            duplicate_score=tuple(duplicate_score),
            fp_score=tuple(fp_score),
            fp_height_range=tuple(fp_height_range),
            fp_aspect_range=tuple(fp_aspect_range),
            clip_to_image=clip_to_image,
            min_box_size=min_box_size,
            offset_scale=offset_scale)
        if offset_models is not None:
            cfg.offset_models = offset_models
        cfg.validate()
        self.cfg = cfg
        self._mixtures = {
            cls: self._as_arrays(cfg.offset_models[cls])
            for cls in POSE_CLASSES
        }

    @classmethod
    def from_config(cls, cfg: DetectorConfig) -> 'SimulatedDetector':
        """Build from a :class:`DetectorConfig`."""
        return cls(**{k: getattr(cfg, k) for k in cfg.__dataclass_fields__})

    @staticmethod
    def _as_arrays(components: List[Dict]) -> Tuple[np.ndarray, ...]:
        check_mixture('offset model', components)
        w = np.array([c['weight'] for c in components], np.float64)
        return (w / w.sum(),
                np.array([c['mean'] for c in components], np.float64),
                np.array([c['std'] for c in components], np.float64))

    def sample_offsets(self, rng: np.random.Generator, pose_class: str,
                       num: int) -> np.ndarray:
        """Draw ``num`` normalized offsets of a pose class, ``(num, 4)``,
        times ``offset_scale``."""
        if pose_class not in self._mixtures:
            raise ValueError(f'pose_class must be one of {POSE_CLASSES}, '
                             f'got {pose_class!r}')
        w, mu, sd = self._mixtures[pose_class]
        comp = rng.choice(len(w), size=num, p=w)
        draw = mu[comp] + sd[comp] * rng.standard_normal((num, 4))
        return self.cfg.offset_scale * draw

    def _score(self, rng: np.random.Generator, kind: str) -> float:
        mean, std = dict(
            tp=self.cfg.tp_score,
            duplicate=self.cfg.duplicate_score,
            fp=self.cfg.fp_score)[kind]
        return float(np.clip(rng.normal(mean, std), 0.01, 1.0))

    def _finish(self, box: np.ndarray,
                img_shape: Tuple[int, int]) -> Optional[np.ndarray]:
        """Clip (if configured); None if the box is too small."""
        if self.cfg.clip_to_image:
            h, w = img_shape
            box = np.clip(box, 0, [w, h, w, h])
        size = box[2:] - box[:2]
        return box if (size >= self.cfg.min_box_size).all() else None

    def _perturbed(
            self, rng: np.random.Generator, gt: np.ndarray, pose_class: str,
            img_shape: Tuple[int, int]) -> Tuple[np.ndarray, np.ndarray]:
        wh = np.tile(gt[2:] - gt[:2], 2)
        for _ in range(100):
            offset = self.sample_offsets(rng, pose_class, 1)[0]
            box = self._finish(gt + offset * wh, img_shape)
            if box is not None:
                return box, offset
        raise ValueError(f'offset model of {pose_class!r} keeps producing '
                         f'boxes smaller than min_box_size for gt {gt}')

    def _false_positive(self, rng: np.random.Generator,
                        img_shape: Tuple[int, int]) -> np.ndarray:
        h, w = img_shape
        for _ in range(100):
            bh = rng.uniform(*self.cfg.fp_height_range) * h
            bw = bh / rng.uniform(*self.cfg.fp_aspect_range)
            x1 = rng.uniform(-0.1 * bw, w - 0.9 * bw)
            y1 = rng.uniform(-0.1 * bh, h - 0.9 * bh)
            box = self._finish(np.array([x1, y1, x1 + bw, y1 + bh]), img_shape)
            if box is not None:
                return box
        raise ValueError('fp_height_range/fp_aspect_range keep producing '
                         f'boxes smaller than min_box_size in {img_shape}')

    def detect(self, rng: np.random.Generator, gt_boxes: np.ndarray,
               pose_classes: Sequence[str],
               img_shape: Tuple[int, int]) -> List[SimDetection]:
        """Simulate the detections of one image.

        Args:
            rng (np.random.Generator): Random stream.
            gt_boxes (np.ndarray): ``(N, 4)`` ground-truth boxes, xyxy.
            pose_classes (Sequence[str]): Pose class of each person.
            img_shape (tuple[int, int]): ``(height, width)``.

        Returns:
            list[SimDetection]: Sorted by descending score.
        """
        gt_boxes = np.asarray(gt_boxes, np.float64).reshape(-1, 4)
        if len(pose_classes) != len(gt_boxes):
            raise ValueError(f'pose_classes has {len(pose_classes)} entries '
                             f'for {len(gt_boxes)} gt_boxes')
        dets = []
        for i, (gt, cls) in enumerate(zip(gt_boxes, pose_classes)):
            if rng.random() < self.cfg.miss_rate:
                continue
            kinds = ['tp']
            if rng.random() < self.cfg.duplicate_rate:
                kinds.append('duplicate')
            for kind in kinds:
                box, offset = self._perturbed(rng, gt, cls, img_shape)
                dets.append(
                    SimDetection(box, self._score(rng, kind), kind, i, offset))
        for _ in range(int(rng.poisson(self.cfg.fp_per_image))):
            dets.append(
                SimDetection(
                    self._false_positive(rng, img_shape),
                    self._score(rng, 'fp'), 'fp', -1, None))
        order = sorted(range(len(dets)), key=lambda k: -dets[k].score)
        return [dets[k] for k in order]
