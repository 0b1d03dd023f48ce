"""Figure of atomic poses and their offset distributions (paper's Figure 5).

Top row: each atomic pose (aligned frame, unit torso) with its mean GT box
(black) and proposals sampled from its mixture (red). Bottom row: sampled
offsets of the top-left (blue) and bottom-right (red) corners, with the
fitted pairs' offsets as grey dots when given.
"""
from typing import Optional, Sequence

import numpy as np

from rmpe_mm.utils.atomic_io import atomic_save_with
from .boxes import apply_offsets
from .model import PGPGModel


def _draw_pose(ax, pose: np.ndarray,
               skeleton: Optional[Sequence[Sequence[int]]]) -> None:
    """Draw an aligned pose (K, 2) with image-style y axis."""
    if skeleton:
        for a, b in skeleton:
            ax.plot(
                pose[[a, b], 0],
                pose[[a, b], 1],
                '-',
                color='tab:green',
                lw=1.5)
    ax.plot(pose[:, 0], pose[:, 1], 'o', color='tab:green', ms=2.5)


def _draw_box(ax, box: np.ndarray, **kwargs) -> None:
    x1, y1, x2, y2 = box
    ax.plot([x1, x2, x2, x1, x1], [y1, y1, y2, y2, y1], **kwargs)


def plot_pgpg_model(model: PGPGModel,
                    path: str,
                    skeleton: Optional[Sequence[Sequence[int]]] = None,
                    offsets: Optional[np.ndarray] = None,
                    labels: Optional[np.ndarray] = None,
                    num_proposals: int = 30,
                    max_atoms: int = 12,
                    seed: int = 0) -> None:
    """Save the figure (PNG/PDF by extension) with the Agg canvas.

    Args:
        model (PGPGModel): A fitted model with atoms.
        path (str): Output image path.
        skeleton (Sequence, optional): 0-based joint pairs to draw limbs.
        offsets (np.ndarray, optional): (P, 4) fitted offsets (scatter).
        labels (np.ndarray, optional): (P,) atom of each offset (-1 none).
        num_proposals (int): Proposals drawn per atom. Defaults to 30.
        max_atoms (int): Atoms shown (largest first). Defaults to 12.
        seed (int): Seed of the sampled proposals. Defaults to 0.

    Raises:
        ValueError: If the model has no atoms.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if model.num_atoms == 0:
        raise ValueError('the model has no atomic poses to plot')
    rng = np.random.default_rng(seed)
    n = min(model.num_atoms, max_atoms)
    fig = Figure(figsize=(2.2 * n, 4.6))
    FigureCanvasAgg(fig)
    axes = fig.subplots(2, n, squeeze=False)
    for j in range(n):
        top, bottom = axes[0, j], axes[1, j]
        mix = model.atom_mixtures[j]
        samples = mix.sample(num_proposals, rng)
        box = (
            model.atom_boxes[j]
            if model.atom_boxes is not None else np.array([-1., -2., 1., 2.]))
        for prop in apply_offsets(box[None], samples):
            _draw_box(top, prop, color='tab:red', lw=0.5, alpha=0.4)
        _draw_box(top, box, color='k', lw=1.2)
        _draw_pose(top, model.atoms[j], skeleton)
        top.set_title(
            f'atom {j} (n={model.atom_counts[j]}, {mix.source})', fontsize=7)
        top.set_aspect('equal')
        top.invert_yaxis()
        top.axis('off')
        if offsets is not None and labels is not None:
            own = offsets[labels == j]
            bottom.plot(own[:, 0], own[:, 1], '.', color='0.6', ms=2)
            bottom.plot(own[:, 2], own[:, 3], '.', color='0.6', ms=2)
        many = mix.sample(500, rng)
        bottom.plot(
            many[:, 0],
            many[:, 1],
            '.',
            color='tab:blue',
            ms=1,
            alpha=0.5,
            label='(x1, y1)')
        bottom.plot(
            many[:, 2],
            many[:, 3],
            '.',
            color='tab:red',
            ms=1,
            alpha=0.5,
            label='(x2, y2)')
        bottom.set_xlim(-0.5, 0.5)
        bottom.set_ylim(0.5, -0.5)
        bottom.tick_params(labelsize=6)
        if j == 0:
            bottom.set_xlabel('x offset / w', fontsize=7)
            bottom.set_ylabel('y offset / h', fontsize=7)
            bottom.legend(fontsize=6, markerscale=4, loc='lower left')
    fig.suptitle(
        'PGPG atomic poses and proposal offset distributions', fontsize=9)
    fig.tight_layout()
    atomic_save_with(path, lambda tmp: fig.savefig(tmp, dpi=120))
