"""Options of the MPII multi-person converter."""
from dataclasses import dataclass
from typing import Optional

#: MPII ``scale`` is the person height divided by this (pixels).
MPII_PIXEL_STD = 200.0


@dataclass(frozen=True)
class ConvertOptions:
    """Options of :func:`convert_mpii_release` (see
    :mod:`rmpe_mm.datasets.mpii_multi_person_converter`).

    Attributes:
        img_root (str | None): Image folder for image sizes. Default: None.
        allow_missing_images (bool): With ``img_root``, fall back to the
            annotation extent for a missing image instead of raising.
            Default: False.
        coord_offset (float): Added to every MATLAB coordinate. Default: -1.
        bbox_margin (float): Person box growth per side, as a fraction of the
            box's width/height. Default: 0.1.
        group_margin (float): Group box half-side around each ``objpos`` in
            units of ``200 * scale``. Default: 0.25.
        val_ratio (float): Share of multi-person training images held out
            for validation. Default: 0.1.
        seed (int): Seed of the random split. Default: 0.
        train_multi_only (bool): Keep only multi-person images in the
            training file. Default: False.
    """
    img_root: Optional[str] = None
    allow_missing_images: bool = False
    coord_offset: float = -1.0
    bbox_margin: float = 0.1
    group_margin: float = 0.25
    val_ratio: float = 0.1
    seed: int = 0
    train_multi_only: bool = False

    def __post_init__(self) -> None:
        if not 0.0 <= self.val_ratio <= 1.0:
            raise ValueError(f'val_ratio must be in [0, 1], got '
                             f'{self.val_ratio}')
        if self.bbox_margin < 0 or self.group_margin < 0:
            raise ValueError('bbox_margin and group_margin must be >= 0, got '
                             f'{self.bbox_margin}, {self.group_margin}')
