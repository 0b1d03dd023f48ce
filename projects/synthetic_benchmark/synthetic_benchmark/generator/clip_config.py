"""Settings of the synthetic (simulated) video clips with identities."""
import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, Tuple

from .config import AppearanceConfig, DetectorConfig, SceneConfig


def _check_pair(name: str, value: Tuple[float, float], low: float,
                high: float) -> None:
    if not (len(value) == 2 and low <= value[0] <= value[1] <= high):
        raise ValueError(f'{name} must be an ordered pair in [{low}, {high}]'
                         f', got {value}')


@dataclass
class ClipConfig:
    """How the clips are made (every default is a documented choice).

    A clip is a static camera over one background with ``min_people`` to
    ``max_people`` people moving smoothly (:mod:`.motion`): two cross each
    other, one leaves and re-enters, the rest wander and turn. Frames are
    rendered with the image generator's parts, painting and noise; the
    simulated detector of the image generator runs on every frame.

    A person is *present* in a frame (in the ground truth for tracking and
    given to the simulated detector) when at least ``min_joints_in_image``
    of its joints are inside the image and at least ``min_visible_fraction``
    of its in-image silhouette is not covered by nearer people; otherwise
    it is out of the frame or hidden, and a tracker is not asked to output
    it (as MOT benchmarks leave out people below a visibility threshold).

    Args:
        seed (int): Master seed; clip ``i`` depends only on ``(seed, i)``
            and the settings. Default 0.
        num_frames (int): Frames per clip. Default 100.
        min_people (int): Fewest people per clip (>= 3: two crossing, one
            leaving). Default 4.
        max_people (int): Most people per clip. Default 5.
        person_height_range (tuple[float, float]): Standing body height as
            a fraction of the image height; smaller people are farther.
            Default ``(0.35, 0.6)`` (room to walk and cross).
        speed_range (tuple[float, float]): Walking speed, fraction of the
            image width per frame. Default ``(0.008, 0.014)``.
        ground_range (tuple[float, float]): Feet height (fraction of the
            image height) of the farthest and nearest possible person.
            Default ``(0.62, 0.97)``.
        leg_length (float): Pelvis-to-feet height, fraction of the body
            height (pelvis y = feet y - this * height). Default 0.48.
        bob (float): Vertical walking bob, fraction of the body height.
            Default 0.01.
        keyframe_interval (int): Frames between key poses. Default 20.
        turn_prob (float): Probability that a key pose faces the other way
            than the previous one. Default 0.4.
        gait_amplitude (float): Ankle swing at full speed, body units.
            Default 0.12.
        stride (float): Distance of one gait cycle, body heights.
            Default 0.8.
        exit_fraction (float): The leaving person (who walks at the top
            of ``speed_range``) is fully out at frame ``exit_fraction *
            num_frames``. Default 0.3.
        absence_range (tuple[int, int]): Frames it then stays out
            (inclusive). Default ``(5, 15)``.
        min_joints_in_image (int): Presence rule (above). Default 8 (the
            image generator's ``min_annotated_joints``).
        min_visible_fraction (float): Presence rule (above). Default 0.3
            (the image generator's ``min_visible_fraction``).
        scene (SceneConfig): Image size, pose-class probabilities, view and
            foreshortening settings and ``aspect_range`` are read from it.
            Default ``SceneConfig()``.
        appearance (AppearanceConfig): Default ``AppearanceConfig()``.
        detector (DetectorConfig): Default ``DetectorConfig()``.
    """
    seed: int = 0
    num_frames: int = 100
    min_people: int = 4
    max_people: int = 5
    person_height_range: Tuple[float, float] = (0.35, 0.6)
    speed_range: Tuple[float, float] = (0.008, 0.014)
    ground_range: Tuple[float, float] = (0.62, 0.97)
    leg_length: float = 0.48
    bob: float = 0.01
    keyframe_interval: int = 20
    turn_prob: float = 0.4
    gait_amplitude: float = 0.12
    stride: float = 0.8
    exit_fraction: float = 0.3
    absence_range: Tuple[int, int] = (5, 15)
    min_joints_in_image: int = 8
    min_visible_fraction: float = 0.3
    scene: SceneConfig = field(default_factory=SceneConfig)
    appearance: AppearanceConfig = field(default_factory=AppearanceConfig)
    detector: DetectorConfig = field(default_factory=DetectorConfig)

    def validate(self) -> None:
        """Raise ValueError naming the first invalid field."""
        if self.num_frames < 2:
            raise ValueError(f'num_frames must be >= 2, got {self.num_frames}')
        if not 3 <= self.min_people <= self.max_people:
            raise ValueError('min_people and max_people must satisfy 3 <= '
                             f'min_people <= max_people, got '
                             f'{self.min_people}, {self.max_people}')
        _check_pair('person_height_range', self.person_height_range, 0.05, 1.0)
        _check_pair('speed_range', self.speed_range, 1e-4, 0.2)
        _check_pair('ground_range', self.ground_range, 0.0, 1.5)
        _check_pair('absence_range', self.absence_range, 0, self.num_frames)
        for name in ('turn_prob', 'exit_fraction', 'min_visible_fraction'):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f'{name} must be in [0, 1], got {value}')
        for name in ('leg_length', 'stride'):
            if getattr(self, name) <= 0:
                raise ValueError(
                    f'{name} must be > 0, got {getattr(self, name)}')
        if self.keyframe_interval < 1:
            raise ValueError('keyframe_interval must be >= 1, got '
                             f'{self.keyframe_interval}')
        self.scene.validate()
        self.appearance.validate()
        self.detector.validate()

    def to_dict(self) -> Dict[str, Any]:
        """All settings as plain JSON types."""
        return json.loads(json.dumps(asdict(self)))

    def digest(self) -> str:
        """A short hash of the settings (the clip cache's key)."""
        text = json.dumps(self.to_dict(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12]
