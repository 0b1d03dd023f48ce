"""A tiny synthetic dataset for tests (seconds to make, 96-128 px images)."""
from synthetic_benchmark.generator import (AppearanceConfig, GeneratorConfig,
                                           SceneConfig, generate_dataset)


def make_tiny_synthetic(out_dir: str,
                        num_train: int = 3,
                        num_val: int = 2,
                        img_size: int = 96) -> str:
    """Generate a tiny synthetic dataset (2-4 background shapes) in
    ``out_dir`` and return it.

    Args:
        out_dir (str): Where to write it (must not hold a dataset).
        num_train (int): Training images. Defaults to 3.
        num_val (int): Validation images. Defaults to 2.
        img_size (int): Square image side. Defaults to 96.
    """
    cfg = GeneratorConfig(
        num_train=num_train,
        num_val=num_val,
        scene=SceneConfig(img_size=(img_size, img_size)),
        appearance=AppearanceConfig(num_shapes_range=(2, 4)))
    generate_dataset(out_dir, cfg, progress=False)
    return out_dir
