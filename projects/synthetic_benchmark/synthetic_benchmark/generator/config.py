"""Configuration of the synthetic multi-person dataset generator.

Everything here describes a **simulation**: the people are drawn stick
figures and the "detector" is a random box sampler with known error
distributions, not a trained network. Every default below is a documented
choice of rmpe_mm; :func:`GeneratorConfig.to_dict` writes all of them to
``generator_config.json`` beside the generated data.
"""
import copy
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

POSE_CLASSES: Tuple[str,
                    ...] = ('arms_down', 'arms_up', 'arms_out', 'crouched')


def _default_pose_class_probs() -> Dict[str, float]:
    return dict(arms_down=0.35, arms_up=0.2, arms_out=0.2, crouched=0.25)


#: Magnitude of the simulated detector's box errors: the offset shapes of
#: :func:`_default_offset_models` are multiplied by it so that the
#: root-mean-square normalized offset, pooled over coordinates and pose
#: classes (``pose_class_probs``), is 0.098: that of the pose-independent
#: Gaussian the RMPE reference code fitted on real MPII detections
#: (docs/method.md section 4: means (-0.0142, 0.0043, 0.0154, -0.0013),
#: stds (0.1158, 0.0680, 0.1337, 0.0711)). ``tools/box_error_sweep.py``
#: prints this check and the same figure for the real detector boxes of the
#: COCO sample (0.056).
OFFSET_CALIBRATION = 1.85


def _default_offset_models() -> Dict[str, List[Dict[str, Any]]]:
    """Pose-dependent box offset mixtures of the simulated detector.

    Offsets are ``((x1d - x1g) / wg, (y1d - y1g) / hg, (x2d - x2g) / wg,
    (y2d - y2g) / hg)`` (docs/method.md section 4), with diagonal Gaussian
    components. The shapes mimic what real detectors do: raised hands are
    cut off (box top too low), outstretched arms are cut off (box too
    narrow), crouched people get loose or tight boxes. Their magnitude is
    calibrated (:data:`OFFSET_CALIBRATION`).
    """
    shapes = dict(
        arms_down=[
            (1.0, [0.0, 0.0, 0.0, 0.0], [0.04, 0.03, 0.04, 0.03]),
        ],
        arms_up=[
            (1.0, [0.0, 0.08, 0.0, -0.01], [0.04, 0.05, 0.04, 0.03]),
        ],
        arms_out=[
            (1.0, [0.07, 0.0, -0.07, 0.0], [0.05, 0.03, 0.05, 0.03]),
        ],
        crouched=[
            (0.6, [-0.06, -0.08, 0.06, 0.04], [0.04, 0.04, 0.04, 0.03]),
            (0.4, [0.03, 0.04, -0.03, -0.02], [0.03, 0.03, 0.03, 0.03]),
        ],
    )
    k = OFFSET_CALIBRATION
    return {
        cls: [
            dict(
                weight=w,
                mean=[round(k * m, 6) for m in mean],
                std=[round(k * v, 6) for v in std]) for w, mean, std in comps
        ]
        for cls, comps in shapes.items()
    }


@dataclass
class SceneConfig:
    """How people are sampled and placed.

    Args:
        img_size (tuple[int, int]): Image ``(width, height)``. Default
            ``(256, 256)``.
        min_people (int): Fewest people asked for per image. Default 1.
        max_people (int): Most people asked for per image. Default 4.
            People whose placement fails ``max_placement_tries`` times are
            dropped, so an image may hold fewer (never zero).
        person_height_range (tuple[float, float]): Standing body height as
            a fraction of the image height. Default ``(0.35, 0.9)``.
        aspect_range (tuple[float, float]): Horizontal stretch of a person
            (body build / camera aspect). Default ``(0.85, 1.2)``.
        foreshortening_range (tuple[float, float]): Per-limb length factor
            imitating out-of-plane limbs. Default ``(0.75, 1.0)``.
        side_view_prob (float): Probability that a person is turned
            sideways (shoulders and hips narrowed). Default 0.3.
        back_view_prob (float): Probability that a person faces away (left
            and right swap sides in the image). Default 0.3.
        truncation_margin (float): How far outside the image (fraction of
            the image size) a person's pelvis may be placed. Default 0.2.
        overlap_prob (float): Probability that a person is placed next to
            an already placed one (creating overlaps). Default 0.6.
        min_annotated_joints (int): A placement is rejected when fewer of
            the person's joints lie inside the image. Default 8.
        min_visible_fraction (float): A placement is rejected when less
            than this fraction of the person's in-image silhouette is left
            uncovered by nearer people. Default 0.3.
        max_placement_tries (int): Placement attempts per person. Default
            25.
        outside_joints (str): ``'drop'`` (default): joints outside the image
            get ``v = 0, x = y = 0`` (not annotated, as in MPII);
            ``'invisible'``: they keep their coordinates with ``v = 1``.
        pose_class_probs (dict[str, float]): Sampling probability of each
            pose class (``arms_down``, ``arms_up``, ``arms_out``,
            ``crouched``). Default 0.35 / 0.2 / 0.2 / 0.25.
        group_margin (float): People whose boxes, grown by this fraction of
            their size, touch belong to one MPII group. Default 0.1.
        group_padding (float): Group box = union of member boxes padded by
            this fraction of its size (clipped to the image). Default 0.05.
    """
    img_size: Tuple[int, int] = (256, 256)
    min_people: int = 1
    max_people: int = 4
    person_height_range: Tuple[float, float] = (0.35, 0.9)
    aspect_range: Tuple[float, float] = (0.85, 1.2)
    foreshortening_range: Tuple[float, float] = (0.75, 1.0)
    side_view_prob: float = 0.3
    back_view_prob: float = 0.3
    truncation_margin: float = 0.2
    overlap_prob: float = 0.6
    min_annotated_joints: int = 8
    min_visible_fraction: float = 0.3
    max_placement_tries: int = 25
    outside_joints: str = 'drop'
    pose_class_probs: Dict[str, float] = field(
        default_factory=_default_pose_class_probs)
    group_margin: float = 0.1
    group_padding: float = 0.05

    def validate(self) -> None:
        """Raise ValueError naming the first invalid field."""
        w, h = self.img_size
        if w < 32 or h < 32:
            raise ValueError(f'img_size must be >= 32, got {self.img_size}')
        if not 1 <= self.min_people <= self.max_people <= 99:
            raise ValueError('need 1 <= min_people <= max_people <= 99, got '
                             f'{self.min_people}, {self.max_people}')
        for name in ('person_height_range', 'aspect_range',
                     'foreshortening_range'):
            _check_range(name, getattr(self, name), low=1e-3)
        for name in ('side_view_prob', 'back_view_prob', 'overlap_prob',
                     'min_visible_fraction'):
            _check_prob(name, getattr(self, name))
        if self.outside_joints not in ('drop', 'invisible'):
            raise ValueError("outside_joints must be 'drop' or 'invisible', "
                             f'got {self.outside_joints!r}')
        if not 1 <= self.min_annotated_joints <= 16:
            raise ValueError('min_annotated_joints must be in [1, 16], got '
                             f'{self.min_annotated_joints}')
        if self.max_placement_tries < 1:
            raise ValueError('max_placement_tries must be >= 1, got '
                             f'{self.max_placement_tries}')
        _check_class_dict('pose_class_probs', self.pose_class_probs)
        if sum(self.pose_class_probs.values()) <= 0 or min(
                self.pose_class_probs.values()) < 0:
            raise ValueError('pose_class_probs must be >= 0 with a positive '
                             f'sum, got {self.pose_class_probs}')
        for name in ('truncation_margin', 'group_margin', 'group_padding'):
            if getattr(self, name) < 0:
                raise ValueError(
                    f'{name} must be >= 0, got {getattr(self, name)}')


@dataclass
class AppearanceConfig:
    """How images look (backgrounds, clothes, noise, file format).

    Args:
        num_shapes_range (tuple[int, int]): Clutter shapes drawn on each
            background. Default ``(8, 25)``.
        noise_std_range (tuple[float, float]): Std of the Gaussian pixel
            noise added to the finished image (after a fixed 3x3 Gaussian
            blur, sigma 0.6). Default ``(2.0, 8.0)``.
        texture_probs (dict[str, float]): Probability of each garment
            texture (``solid``, ``stripes``, ``checker``, ``blotches``).
            Default 0.4 / 0.25 / 0.15 / 0.2.
        outline_darkness (float): Part outlines are the garment colour
            times this factor. Default 0.45.
        image_ext (str): ``'.jpg'`` (default) or ``'.png'``.
        jpeg_quality (int): JPEG quality. Default 92.
    """
    num_shapes_range: Tuple[int, int] = (8, 25)
    noise_std_range: Tuple[float, float] = (2.0, 8.0)
    texture_probs: Dict[str, float] = field(default_factory=lambda: dict(
        solid=0.4, stripes=0.25, checker=0.15, blotches=0.2))
    outline_darkness: float = 0.45
    image_ext: str = '.jpg'
    jpeg_quality: int = 92

    def validate(self) -> None:
        """Raise ValueError naming the first invalid field."""
        if not 0 <= self.num_shapes_range[0] <= self.num_shapes_range[1]:
            raise ValueError('num_shapes_range must be ordered and >= 0, '
                             f'got {self.num_shapes_range}')
        _check_range('noise_std_range', self.noise_std_range, low=0.0)
        known = ('solid', 'stripes', 'checker', 'blotches')
        unknown = set(self.texture_probs) - set(known)
        if unknown or not self.texture_probs or min(
                self.texture_probs.values()) < 0:
            raise ValueError(f'texture_probs must map a subset of {known} '
                             f'to weights >= 0, got {self.texture_probs}')
        _check_prob('outline_darkness', self.outline_darkness)
        if self.image_ext not in ('.jpg', '.png'):
            raise ValueError(
                f"image_ext must be '.jpg' or '.png', got {self.image_ext!r}")
        if not 1 <= self.jpeg_quality <= 100:
            raise ValueError(
                f'jpeg_quality must be in [1, 100], got {self.jpeg_quality}')


@dataclass
class DetectorConfig:
    """The simulated person detector (a random box sampler, not a network).

    For every annotated person: missed with probability ``miss_rate``;
    otherwise one box whose normalized offset to the ground-truth box is
    drawn from ``offset_models[pose_class]`` (a Gaussian mixture), plus, with
    probability ``duplicate_rate``, one duplicate drawn independently from
    the same mixture. Per image, ``Poisson(fp_per_image)`` false positives
    are placed uniformly.

    Args:
        miss_rate (float): Default 0.05.
        duplicate_rate (float): Default 0.3.
        fp_per_image (float): Mean false positives per image. Default 0.5.
        offset_models (dict): ``{pose_class: [dict(weight, mean[4],
            std[4]), ...]}``; see :func:`_default_offset_models`.
        tp_score (tuple[float, float]): Mean and std of true-detection
            scores (clipped to ``[0.01, 1]``). Default ``(0.85, 0.08)``.
        duplicate_score (tuple[float, float]): Default ``(0.6, 0.15)``.
        fp_score (tuple[float, float]): Default ``(0.35, 0.15)``.
        fp_height_range (tuple[float, float]): False-positive box height as
            a fraction of the image height. Default ``(0.2, 0.7)``.
        fp_aspect_range (tuple[float, float]): False-positive height / width.
            Default ``(1.2, 3.0)``.
        clip_to_image (bool): Clip boxes to the image, as real detectors
            do. Default True.
        min_box_size (float): Boxes narrower or shorter than this (pixels,
            after clipping) are re-drawn. Default 2.0.
        offset_scale (float): Multiplies every sampled offset (means and
            spreads alike): 0 gives ground-truth boxes, 2 twice the error.
            Default 1.0 (the calibrated ``offset_models``).
    """
    miss_rate: float = 0.05
    duplicate_rate: float = 0.3
    fp_per_image: float = 0.5
    offset_models: Dict[str, List[Dict[str, Any]]] = field(
        default_factory=_default_offset_models)
    tp_score: Tuple[float, float] = (0.85, 0.08)
    duplicate_score: Tuple[float, float] = (0.6, 0.15)
    fp_score: Tuple[float, float] = (0.35, 0.15)
    fp_height_range: Tuple[float, float] = (0.2, 0.7)
    fp_aspect_range: Tuple[float, float] = (1.2, 3.0)
    clip_to_image: bool = True
    min_box_size: float = 2.0
    offset_scale: float = 1.0

    def validate(self) -> None:
        """Raise ValueError naming the first invalid field."""
        for name in ('miss_rate', 'duplicate_rate'):
            _check_prob(name, getattr(self, name))
        if self.fp_per_image < 0:
            raise ValueError(
                f'fp_per_image must be >= 0, got {self.fp_per_image}')
        _check_class_dict('offset_models', self.offset_models)
        for cls, comps in self.offset_models.items():
            check_mixture(f'offset_models[{cls!r}]', comps)
        for name in ('tp_score', 'duplicate_score', 'fp_score'):
            mean, std = getattr(self, name)
            if not (0 <= mean <= 1 and std >= 0):
                raise ValueError(f'{name} must be (mean in [0, 1], std >= 0)'
                                 f', got {getattr(self, name)}')
        _check_range('fp_height_range', self.fp_height_range, low=1e-3)
        _check_range('fp_aspect_range', self.fp_aspect_range, low=1e-3)
        if self.min_box_size <= 0:
            raise ValueError(
                f'min_box_size must be > 0, got {self.min_box_size}')
        if not np.isfinite(self.offset_scale) or self.offset_scale < 0:
            raise ValueError(f'offset_scale must be finite and >= 0, got '
                             f'{self.offset_scale}')


@dataclass
class GeneratorConfig:
    """Top-level configuration of a simulated dataset.

    Args:
        seed (int): Master seed; image ``i`` of split ``s`` uses its own
            stream derived from ``(seed, s, i)``, so images do not depend on
            the split sizes. Default 0.
        num_train (int): Training images. Default 600.
        num_val (int): Validation images. Default 100.
        scene (SceneConfig): Default ``SceneConfig()``.
        appearance (AppearanceConfig): Default ``AppearanceConfig()``.
        detector (DetectorConfig): Default ``DetectorConfig()``.
    """
    seed: int = 0
    num_train: int = 600
    num_val: int = 100
    scene: SceneConfig = field(default_factory=SceneConfig)
    appearance: AppearanceConfig = field(default_factory=AppearanceConfig)
    detector: DetectorConfig = field(default_factory=DetectorConfig)

    def validate(self) -> None:
        """Raise ValueError naming the first invalid field."""
        if self.seed < 0:
            raise ValueError(f'seed must be >= 0, got {self.seed}')
        for name in ('num_train', 'num_val'):
            if getattr(self, name) < 0:
                raise ValueError(
                    f'{name} must be >= 0, got {getattr(self, name)}')
        self.scene.validate()
        self.appearance.validate()
        self.detector.validate()

    def to_dict(self) -> Dict[str, Any]:
        """Return a JSON-serialisable deep copy (tuples become lists)."""
        return _tuples_to_lists(asdict(self))

    @classmethod
    def from_dict(cls, cfg: Optional[Dict[str, Any]]) -> 'GeneratorConfig':
        """Build a config from a (possibly partial) nested dict.

        Args:
            cfg (dict, optional): Keys of :class:`GeneratorConfig`;
                ``scene`` / ``appearance`` / ``detector`` are dicts of their
                own fields. Missing keys keep their defaults.

        Returns:
            GeneratorConfig: A validated config.
        """
        cfg = copy.deepcopy(cfg or {})
        subs = dict(
            scene=SceneConfig,
            appearance=AppearanceConfig,
            detector=DetectorConfig)
        kwargs = {}
        for key, value in cfg.items():
            if key in ('notice', 'generator_version'):
                continue  # informational keys written by the writer
            if key in subs:
                kwargs[key] = _build_dataclass(subs[key], value, key)
            elif key in {f.name for f in fields(cls)}:
                kwargs[key] = value
            else:
                raise ValueError(f'unknown generator config key {key!r}')
        config = cls(**kwargs)
        config.validate()
        return config


def _build_dataclass(klass: type, values: Dict[str, Any], where: str) -> Any:
    names = {f.name: f for f in fields(klass)}
    kwargs = {}
    for key, value in values.items():
        if key not in names:
            raise ValueError(f'unknown key {where}.{key}')
        default = getattr(klass(), key)
        kwargs[key] = tuple(value) if isinstance(default, tuple) else value
    return klass(**kwargs)


def _tuples_to_lists(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _tuples_to_lists(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_tuples_to_lists(v) for v in obj]
    return obj


def _check_prob(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f'{name} must be in [0, 1], got {value}')


def _check_range(name: str, value: Tuple[float, float], low: float) -> None:
    if len(value) != 2 or not low <= value[0] <= value[1]:
        raise ValueError(
            f'{name} must be (lo, hi) with {low} <= lo <= hi, got {value}')


def _check_class_dict(name: str, value: Dict[str, Any]) -> None:
    if set(value) != set(POSE_CLASSES):
        raise ValueError(f'{name} must have exactly the keys {POSE_CLASSES}, '
                         f'got {sorted(value)}')


def check_mixture(name: str, comps: List[Dict[str, Any]]) -> None:
    """Raise ValueError unless ``comps`` is a list of diagonal Gaussian
    components ``dict(weight > 0, mean[4], std[4] >= 0)``."""
    if not comps:
        raise ValueError(f'{name} must hold at least one component, got []')
    for i, comp in enumerate(comps):
        if set(comp) != {'weight', 'mean', 'std'}:
            raise ValueError(f'{name}[{i}] must have keys weight, mean, std; '
                             f'got {sorted(comp)}')
        if comp['weight'] <= 0 or len(comp['mean']) != 4 or len(
                comp['std']) != 4 or min(comp['std']) < 0:
            raise ValueError(f'{name}[{i}] needs weight > 0, 4 means and 4 '
                             f'stds >= 0, got {comp}')
