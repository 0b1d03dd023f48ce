"""Fit a PGPG model: atomic poses (k-means) and per-atom offset mixtures.

Steps (docs/method.md section 4): align the GT poses of matched pairs
(``alignment.py``), cluster the aligned poses into ``num_atoms`` atomic poses
(``kmeans.py``), fit a ``num_components`` Gaussian mixture to the offsets of
each atom, and a global mixture to all offsets. An atom with fewer than
``min_samples`` poses uses the global mixture (stored with
``source='global'``). Unaligned poses (missing torso joints) feed only the
global mixture.
"""
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
from tqdm import tqdm

from .alignment import align_poses, resolve_torso_joints
from .kmeans import masked_kmeans
from .mixture import OffsetMixture, fit_offset_mixture
from .model import PGPGModel
from .pairs import load_matched_pairs


@dataclass
class PGPGFitConfig:
    """Fitting options (all documented defaults; none given by the paper).

    Args:
        num_atoms (int): Number of atomic poses k. Defaults to 8.
        num_components (int): Gaussian components per mixture. Defaults
            to 3.
        min_samples (int): Poses an atom needs for its own mixture; sparser
            atoms fall back to the global mixture. Defaults to 50.
        min_keypoints (int): Annotated joints a pose needs to be aligned.
            Defaults to 4.
        min_torso (float): Minimum torso length in pixels. Defaults to 1.
        kmeans_n_init (int): k-means restarts. Defaults to 10.
        gmm_n_init (int): EM restarts per mixture. Defaults to 1.
        reg_covar (float): Covariance regularisation. Defaults to 1e-6.
        seed (int): Seed of k-means and EM. Defaults to 0.
        torso_joints (Sequence, optional): ``(shoulder_ids, hip_ids)``
            overriding the built-in layout.
    """
    num_atoms: int = 8
    num_components: int = 3
    min_samples: int = 50
    min_keypoints: int = 4
    min_torso: float = 1.0
    kmeans_n_init: int = 10
    gmm_n_init: int = 1
    reg_covar: float = 1e-6
    seed: int = 0
    torso_joints: Optional[Sequence[Sequence[int]]] = None

    def validate(self) -> None:
        """Raise ValueError naming the first bad field."""
        for name in ('num_atoms', 'num_components', 'min_samples',
                     'kmeans_n_init', 'gmm_n_init'):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f'{name}={value!r} must be an integer '
                                 '>= 1')
        if self.min_samples < 2:
            raise ValueError(f'min_samples={self.min_samples} must be >= 2')


@dataclass
class FitReport:
    """What the fit did and how well the mixtures fit.

    ``mean_ll`` is the mean log-likelihood (per pair, in-sample) of an atom's
    offsets under its mixture; ``gain_over_global`` the same minus their mean
    log-likelihood under the global mixture (> 0: pose dependence helps).
    """
    num_pairs: int
    num_aligned: int
    num_unaligned: int
    kmeans_inertia: float
    kmeans_rms: float
    global_mean_ll: float
    atoms: List[Dict[str, Any]] = field(default_factory=list)
    pairs_stats: Dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> Dict[str, Any]:
        """JSON-serialisable form."""
        return asdict(self)

    def format(self) -> str:
        """Human-readable table."""
        lines = [
            f'pairs: {self.num_pairs} (aligned {self.num_aligned}, '
            f'unaligned -> global {self.num_unaligned})',
            f'k-means: inertia {self.kmeans_inertia:.3f}, RMS joint '
            f'distance {self.kmeans_rms:.4f} torso lengths',
            f'global mixture: mean log-lik {self.global_mean_ll:.3f}',
            'atom  count  source   comps  mean_ll  gain  mean offset',
        ]
        for a in self.atoms:
            mean = ' '.join(f'{v:+.3f}' for v in a['offset_mean'])
            lines.append(f'{a["atom"]:4d}  {a["count"]:5d}  {a["source"]:7s}  '
                         f'{a["num_components"]:5d}  {a["mean_ll"]:7.3f}  '
                         f'{a["gain_over_global"]:+.3f}  {mean}')
        return '\n'.join(lines)


def _atom_boxes(gt_boxes: np.ndarray, origin: np.ndarray, torso: np.ndarray,
                labels: np.ndarray, k: int) -> np.ndarray:
    """Mean GT box of each atom in aligned coordinates (k, 4)."""
    aligned = (gt_boxes - np.tile(origin, 2)) / torso[:, None]
    return np.stack([
        aligned[labels == j].mean(axis=0) if
        (labels == j).any() else np.zeros(4) for j in range(k)
    ])


def _fit_atoms(offsets: np.ndarray, labels: np.ndarray,
               global_mixture: OffsetMixture, cfg: PGPGFitConfig,
               progress: bool) -> Tuple[List[OffsetMixture], List[dict]]:
    """Fit one mixture per atom (global fallback); return mixtures, rows."""
    mixtures, rows = [], []
    for j in tqdm(
            range(cfg.num_atoms), desc='atom mixtures', disable=not progress):
        x = offsets[labels == j]
        if len(x) >= cfg.min_samples:
            mix = fit_offset_mixture(x, cfg.num_components, cfg.seed,
                                     cfg.reg_covar, cfg.gmm_n_init, 'atom')
        else:
            mix = OffsetMixture(global_mixture.weights, global_mixture.means,
                                global_mixture.covariances, 'global')
        own = float(mix.log_likelihood(x).mean()) if len(x) else float('nan')
        glob = (
            float(global_mixture.log_likelihood(x).mean())
            if len(x) else float('nan'))
        rows.append(
            dict(
                atom=j,
                count=int(len(x)),
                source=mix.source,
                num_components=mix.num_components,
                mean_ll=own,
                gain_over_global=own - glob,
                offset_mean=(x.mean(
                    axis=0) if len(x) else np.full(4, np.nan)).tolist()))
        mixtures.append(mix)
    return mixtures, rows


def fit_pgpg(
        keypoints: np.ndarray,
        visible: np.ndarray,
        offsets: np.ndarray,
        gt_boxes: Optional[np.ndarray] = None,
        cfg: Optional[PGPGFitConfig] = None,
        progress: bool = True,
        meta: Optional[Dict[str, Any]] = None) -> Tuple[PGPGModel, FitReport]:
    """Fit atomic poses and their offset mixtures from matched pairs.

    Args:
        keypoints (np.ndarray): (P, K, 2) GT joints in pixels.
        visible (np.ndarray): (P, K) annotation flags (> 0 = annotated).
        offsets (np.ndarray): (P, 4) normalized offsets of the matched
            detections.
        gt_boxes (np.ndarray, optional): (P, 4) xyxy GT boxes, only used for
            the atoms' reference boxes in the figure.
        cfg (PGPGFitConfig, optional): Options; defaults if ``None``.
        progress (bool): Show progress bars. Defaults to True.
        meta (dict, optional): Extra information stored in the model.

    Returns:
        tuple: ``(model, report)``.

    Raises:
        ValueError: On bad shapes, fewer aligned poses than ``num_atoms`` or
            fewer pairs than ``min_samples``.
    """
    cfg = cfg or PGPGFitConfig()
    cfg.validate()
    keypoints = np.asarray(keypoints, dtype=np.float64)
    offsets = np.asarray(offsets, dtype=np.float64)
    if keypoints.ndim != 3 or offsets.shape != (len(keypoints), 4):
        raise ValueError(f'keypoints shape {keypoints.shape} and offsets '
                         f'shape {offsets.shape} must be (P, K, 2), (P, 4)')
    if len(offsets) < cfg.min_samples:
        raise ValueError(f'{len(offsets)} matched pairs < min_samples='
                         f'{cfg.min_samples}; lower min_samples or use more '
                         'data')
    torso = resolve_torso_joints(keypoints.shape[1], cfg.torso_joints)
    aligned = align_poses(keypoints, visible, torso, cfg.min_keypoints,
                          cfg.min_torso)
    num_aligned = int(aligned.valid.sum())
    if num_aligned < cfg.num_atoms:
        raise ValueError(f'only {num_aligned} poses could be aligned (need '
                         f'torso joints and >= {cfg.min_keypoints} joints), '
                         f'fewer than num_atoms={cfg.num_atoms}')
    sel = aligned.valid
    x = aligned.coords[sel].reshape(num_aligned, -1)
    mask = np.repeat(aligned.mask[sel], 2, axis=1)
    km = masked_kmeans(
        x,
        mask,
        cfg.num_atoms,
        n_init=cfg.kmeans_n_init,
        seed=cfg.seed,
        progress=progress)
    global_mixture = fit_offset_mixture(offsets, cfg.num_components, cfg.seed,
                                        cfg.reg_covar, cfg.gmm_n_init,
                                        'global')
    mixtures, rows = _fit_atoms(offsets[sel], km.labels, global_mixture, cfg,
                                progress)
    boxes = None
    if gt_boxes is not None:
        boxes = _atom_boxes(
            np.asarray(gt_boxes, np.float64)[sel], aligned.origin[sel],
            aligned.torso_length[sel], km.labels, cfg.num_atoms)
    model_meta = dict(fit_config=asdict(cfg), **(meta or {}))
    model = PGPGModel(
        global_mixture,
        atoms=km.centers.reshape(cfg.num_atoms, -1, 2),
        atom_mixtures=mixtures,
        torso_joints=torso,
        min_keypoints=cfg.min_keypoints,
        min_torso=cfg.min_torso,
        atom_counts=[r['count'] for r in rows],
        atom_boxes=boxes,
        meta=model_meta)
    report = FitReport(
        num_pairs=len(offsets),
        num_aligned=num_aligned,
        num_unaligned=len(offsets) - num_aligned,
        kmeans_inertia=km.inertia,
        kmeans_rms=float(np.sqrt(km.inertia / mask.sum())),
        global_mean_ll=float(global_mixture.log_likelihood(offsets).mean()),
        atoms=rows)
    return model, report


def fit_pgpg_from_files(
        ann_file: str,
        det_file: str,
        cfg: Optional[PGPGFitConfig] = None,
        iou_thr: float = 0.5,
        match: str = 'hungarian',
        min_score: float = 0.0,
        category_id: int = 1,
        progress: bool = True) -> Tuple[PGPGModel, FitReport, Any]:
    """Match a detection file to a GT file and fit a PGPG model.

    Args:
        ann_file (str): COCO-style keypoint annotation file.
        det_file (str): COCO results detection file.
        cfg (PGPGFitConfig, optional): Fitting options.
        iou_thr (float): Matching IoU threshold (pairs with IoU > it).
            Defaults to 0.5.
        match (str): ``'hungarian'`` or ``'greedy'``. Defaults to
            ``'hungarian'``.
        min_score (float): Ignore detections below this score. Defaults to 0.
        category_id (int): Person category id. Defaults to 1.
        progress (bool): Progress bars. Defaults to True.

    Returns:
        tuple: ``(model, report, pairs)``.
    """
    pairs = load_matched_pairs(
        ann_file,
        det_file,
        iou_thr=iou_thr,
        match=match,
        category_id=category_id,
        min_score=min_score,
        progress=progress)
    meta = dict(
        ann_file=str(ann_file),
        det_file=str(det_file),
        matching=dict(
            pairs.stats, min_score=min_score, category_id=category_id))
    model, report = fit_pgpg(pairs.keypoints, pairs.visible, pairs.offsets,
                             pairs.gt_boxes, cfg, progress, meta)
    report.pairs_stats = pairs.stats
    return model, report, pairs
