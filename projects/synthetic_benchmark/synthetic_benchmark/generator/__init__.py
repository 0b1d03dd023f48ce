"""Synthetic multi-person pose data: a **simulation**, not real data.

Draws articulated people (MPII 16-joint skeleton) with textured limbs on
cluttered backgrounds, writes MPII multi-person COCO-style annotations and
the output of a **simulated** detector whose box errors follow known,
pose-dependent distributions. Needs numpy, OpenCV, tqdm and rmpe_mm's MPII
format (``rmpe_mm.datasets.mpii_multi_person_format``).
Command line: ``tools/make_synthetic_dataset.py``.
"""
from .config import (POSE_CLASSES, AppearanceConfig, DetectorConfig,
                     GeneratorConfig, SceneConfig)
from .detector import SimDetection, SimulatedDetector, mixture_moments
from .generator import (SPLITS, SyntheticSample, generate_dataset,
                        generate_sample, generate_split, read_config,
                        split_paths)
from .pose_sampler import BodyPose, sample_body_pose
from .scene import Scene, ScenePerson, compose_scene
from .visualize import draw_annotations

__all__ = [
    'POSE_CLASSES', 'AppearanceConfig', 'DetectorConfig', 'GeneratorConfig',
    'SceneConfig', 'SimDetection', 'SimulatedDetector', 'mixture_moments',
    'SPLITS', 'SyntheticSample', 'generate_dataset', 'generate_sample',
    'generate_split', 'read_config', 'split_paths', 'BodyPose',
    'sample_body_pose', 'Scene', 'ScenePerson', 'compose_scene',
    'draw_annotations'
]
