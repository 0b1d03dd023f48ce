"""Per-person appearance of the synthetic (simulated) people.

Each drawn person gets skin and hair colours, a top and a bottom garment
(colour pair + texture: solid, stripes, checker or blotches), shoes, sleeve
and trouser lengths and a build factor that scales limb thickness.
Textures are generated lazily from a small spec so that rendering only
computes them inside the person's region.
"""
from dataclasses import dataclass
from typing import Dict, Tuple

import cv2
import numpy as np

Color = Tuple[int, int, int]

#: Skin tones (BGR) that get a small random jitter.
SKIN_TONES_BGR: Tuple[Color, ...] = ((189, 224, 255), (134, 192, 234),
                                     (105, 172, 224), (66, 134, 198),
                                     (36, 85, 141), (148, 205, 255))
HAIR_COLORS_BGR: Tuple[Color,
                       ...] = ((20, 20, 20), (30, 50, 90), (60, 110, 170),
                               (150, 150, 150), (40, 40, 60))


@dataclass(frozen=True)
class TextureSpec:
    """Parameters of one garment texture.

    Args:
        kind (str): ``'solid'``, ``'stripes'``, ``'checker'`` or
            ``'blotches'``.
        color_a (tuple): Main BGR colour.
        color_b (tuple): Second BGR colour (unused by ``solid``).
        period (float): Stripe period / checker cell / blotch size, pixels.
        angle (float): Stripe angle in degrees.
        seed (int): Seed of the blotch pattern.
    """
    kind: str
    color_a: Color
    color_b: Color
    period: float
    angle: float
    seed: int


@dataclass(frozen=True)
class PersonAppearance:
    """How one person is dressed.

    Args:
        skin (tuple): BGR skin colour.
        hair (tuple): BGR hair colour.
        top (TextureSpec): Torso and sleeves.
        bottom (TextureSpec): Trousers / shorts.
        shoes (tuple): BGR shoe colour.
        long_sleeves (bool): Forearms take the top's texture.
        long_trousers (bool): Shins take the bottom's texture.
        build (float): Limb thickness factor.
    """
    skin: Color
    hair: Color
    top: TextureSpec
    bottom: TextureSpec
    shoes: Color
    long_sleeves: bool
    long_trousers: bool
    build: float


def random_color(rng: np.random.Generator,
                 min_sat: int = 60,
                 min_val: int = 50) -> Color:
    """A random saturated BGR colour (uniform hue)."""
    hsv = np.array([[[
        rng.integers(0, 180),
        rng.integers(min_sat, 256),
        rng.integers(min_val, 256)
    ]]],
                   dtype=np.uint8)
    bgr = cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)[0, 0]
    return tuple(int(c) for c in bgr)


def _jitter(rng: np.random.Generator, color: Color, amount: int) -> Color:
    noisy = np.asarray(color) + rng.integers(-amount, amount + 1, 3)
    return tuple(int(c) for c in np.clip(noisy, 0, 255))


def sample_texture(rng: np.random.Generator, kind_probs: Dict[str, float],
                   height_px: float) -> TextureSpec:
    """Sample a garment texture whose pattern size follows the body size.

    Args:
        rng (np.random.Generator): Random stream.
        kind_probs (dict[str, float]): Weight of each texture kind.
        height_px (float): Body height in pixels.

    Returns:
        TextureSpec: The texture parameters.
    """
    kinds = sorted(kind_probs)
    weights = np.array([kind_probs[k] for k in kinds], dtype=np.float64)
    kind = kinds[rng.choice(len(kinds), p=weights / weights.sum())]
    return TextureSpec(
        kind=kind,
        color_a=random_color(rng),
        color_b=random_color(rng),
        period=float(max(3.0,
                         rng.uniform(0.03, 0.08) * height_px)),
        angle=float(rng.uniform(0, 180)),
        seed=int(rng.integers(0, 2**31 - 1)))


def sample_appearance(rng: np.random.Generator, kind_probs: Dict[str, float],
                      height_px: float) -> PersonAppearance:
    """Sample colours, textures and build of one person."""
    skin = _jitter(rng, SKIN_TONES_BGR[rng.integers(len(SKIN_TONES_BGR))], 12)
    hair = _jitter(rng, HAIR_COLORS_BGR[rng.integers(len(HAIR_COLORS_BGR))],
                   10)
    return PersonAppearance(
        skin=skin,
        hair=hair,
        top=sample_texture(rng, kind_probs, height_px),
        bottom=sample_texture(rng, kind_probs, height_px),
        shoes=random_color(rng, min_sat=0, min_val=20),
        long_sleeves=bool(rng.random() < 0.6),
        long_trousers=bool(rng.random() < 0.7),
        build=float(rng.uniform(0.8, 1.25)))


def make_texture(spec: TextureSpec,
                 height: int,
                 width: int,
                 origin: Tuple[int, int] = (0, 0)) -> np.ndarray:
    """Render a texture patch.

    Args:
        spec (TextureSpec): Texture parameters.
        height (int): Patch height.
        width (int): Patch width.
        origin (tuple[int, int]): Image ``(x, y)`` of the patch's top-left
            pixel (keeps patterns continuous across patches). Default
            ``(0, 0)``.

    Returns:
        np.ndarray: ``(height, width, 3)`` uint8 BGR patch.
    """
    a = np.asarray(spec.color_a, dtype=np.float32)
    b = np.asarray(spec.color_b, dtype=np.float32)
    xs = np.arange(width, dtype=np.float32)[None, :] + origin[0]
    ys = np.arange(height, dtype=np.float32)[:, None] + origin[1]
    if spec.kind == 'solid':
        shade = 1.0 + 0.12 * np.sin(ys / max(height, 1) * np.pi - np.pi / 2)
        out = np.broadcast_to(a * shade[..., None], (height, width, 3))
    elif spec.kind == 'stripes':
        t = np.deg2rad(spec.angle)
        phase = (xs * np.cos(t) + ys * np.sin(t)) / spec.period
        mix = (np.floor(phase) % 2)[..., None]
        out = a + mix * (b - a)
    elif spec.kind == 'checker':
        cell = np.floor(xs / spec.period) + np.floor(ys / spec.period)
        mix = (cell % 2)[..., None]
        out = a + mix * (b - a)
    elif spec.kind == 'blotches':
        noise_rng = np.random.default_rng(spec.seed)
        gh = max(2, int(height / spec.period / 2) + 2)
        gw = max(2, int(width / spec.period / 2) + 2)
        grid = noise_rng.random((gh, gw)).astype(np.float32)
        mix = cv2.resize(grid, (width, height), interpolation=cv2.INTER_CUBIC)
        mix = np.clip(mix, 0, 1)[..., None]
        out = a + mix * (b - a)
    else:
        raise ValueError(f'unknown texture kind {spec.kind!r}')
    return np.clip(out, 0, 255).astype(np.uint8)
