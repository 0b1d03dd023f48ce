"""The fitted PGPG model: atomic poses and one offset mixture per atom.

Saved as JSON (``format: 'rmpe_mm.pgpg'``, ``version: 1``); see
:meth:`PGPGModel.to_dict` for the fields. Without a fitted file,
:meth:`PGPGModel.published` gives the reference code's pose-independent
Gaussian (no atoms; every pose uses the global mixture).
"""
import json
import os
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from rmpe_mm.utils.atomic_io import atomic_open
from rmpe_mm.utils.file_errors import naming_file
from .alignment import align_poses, resolve_torso_joints
from .mixture import OffsetMixture, published_mixture

PGPG_FORMAT = 'rmpe_mm.pgpg'
PGPG_VERSION = 1


def _numbers(data: Dict[str, Any],
             key: str,
             dtype: type = np.float64,
             default: Any = None) -> Any:
    """``data[key]`` as finite numbers of ``dtype`` (``default`` when
    absent or null), or a ValueError naming the field and value."""
    value = data.get(key)
    if value is None:
        return default
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f'PGPG model field {key!r} must hold numbers, got '
                         f'{value!r:.100}') from None
    if not np.isfinite(array).all() or (dtype is not np.float64 and
                                        (array != np.round(array)).any()):
        raise ValueError(f'PGPG model field {key!r} must hold finite '
                         f'{np.dtype(dtype).name} numbers, got '
                         f'{value!r:.100}')
    return array.astype(dtype)


def _scalar(data: Dict[str, Any], key: str, dtype: type, default: Any) -> Any:
    """One finite number of ``data[key]`` (see :func:`_numbers`)."""
    value = _numbers(data, key, dtype, default)
    if np.ndim(value) != 0:
        raise ValueError(f'PGPG model field {key!r} must be one number, got '
                         f'{data[key]!r:.100}')
    return value


class PGPGModel:
    """Atomic poses and their offset mixtures, with lookup and sampling.

    Args:
        global_mixture (OffsetMixture): Mixture for poses without an atom
            (unaligned poses, or a model without atoms).
        atoms (np.ndarray, optional): Aligned atomic poses (k, K, 2).
            ``None`` for a pose-independent model.
        atom_mixtures (Sequence[OffsetMixture], optional): One mixture per
            atom (an atom with too few samples holds a copy of the global
            mixture with ``source='global'``).
        torso_joints (tuple, optional): ``(shoulder_ids, hip_ids)``; defaults
            to the built-in layout for K (see ``alignment.py``).
        min_keypoints (int): Annotated joints a pose needs to get an atom.
            Defaults to 4.
        min_torso (float): Minimum torso length (pixels) to get an atom.
            Defaults to 1.0.
        atom_counts (Sequence[int], optional): Fitting poses per atom.
        atom_boxes (np.ndarray, optional): Mean aligned GT box per atom
            (k, 4), used by the figure.
        meta (dict, optional): Free-form fit information (saved as is).

    Raises:
        ValueError: On inconsistent atoms / mixtures.
    """

    def __init__(self,
                 global_mixture: OffsetMixture,
                 atoms: Optional[np.ndarray] = None,
                 atom_mixtures: Optional[Sequence[OffsetMixture]] = None,
                 torso_joints: Optional[Tuple[Sequence[int],
                                              Sequence[int]]] = None,
                 min_keypoints: int = 4,
                 min_torso: float = 1.0,
                 atom_counts: Optional[Sequence[int]] = None,
                 atom_boxes: Optional[np.ndarray] = None,
                 meta: Optional[Dict[str, Any]] = None) -> None:
        self.global_mixture = global_mixture
        self.atom_mixtures: List[OffsetMixture] = list(atom_mixtures or [])
        self.min_keypoints = int(min_keypoints)
        self.min_torso = float(min_torso)
        self.meta = dict(meta or {})
        if atoms is None:
            if self.atom_mixtures:
                raise ValueError('atom_mixtures given without atoms')
            self.atoms = np.zeros((0, 0, 2))
            self.torso_joints = None
        else:
            self.atoms = np.asarray(atoms, dtype=np.float64)
            if self.atoms.ndim != 3 or self.atoms.shape[-1] != 2:
                raise ValueError(f'atoms shape {self.atoms.shape} must be '
                                 '(k, K, 2)')
            if len(self.atom_mixtures) != self.atoms.shape[0]:
                raise ValueError(
                    f'{len(self.atom_mixtures)} atom_mixtures for '
                    f'{self.atoms.shape[0]} atoms')
            self.torso_joints = resolve_torso_joints(self.atoms.shape[1],
                                                     torso_joints)
        k = self.atoms.shape[0]
        self.atom_counts = np.asarray(
            atom_counts if atom_counts is not None else np.zeros(k),
            dtype=np.int64)
        self.atom_boxes = (None if atom_boxes is None else np.asarray(
            atom_boxes, dtype=np.float64).reshape(k, 4))

    @classmethod
    def published(cls) -> 'PGPGModel':
        """The pose-independent Gaussian of the reference code."""
        return cls(published_mixture(), meta=dict(source='published'))

    @property
    def num_atoms(self) -> int:
        """Number of atomic poses k (0 for a pose-independent model)."""
        return self.atoms.shape[0]

    @property
    def num_keypoints(self) -> Optional[int]:
        """Keypoint count K the atoms use (``None`` without atoms)."""
        return self.atoms.shape[1] if self.num_atoms else None

    def mixture_for(self, atom_id: int) -> OffsetMixture:
        """Mixture of an atom; ``-1`` gives the global mixture."""
        if atom_id < 0:
            return self.global_mixture
        return self.atom_mixtures[atom_id]

    def assign_atoms(self,
                     keypoints: Optional[np.ndarray],
                     visible: Optional[np.ndarray],
                     num_instances: Optional[int] = None) -> np.ndarray:
        """Nearest atomic pose of each pose (-1 = use the global mixture).

        Args:
            keypoints (np.ndarray, optional): (N, K, 2) pixel joints; may be
                ``None`` for a model without atoms.
            visible (np.ndarray, optional): (N, K) annotation flags.
            num_instances (int, optional): N when ``keypoints`` is ``None``.

        Returns:
            np.ndarray: (N,) int64 atom ids.

        Raises:
            ValueError: If the model has atoms and the keypoints are missing
                or have the wrong count.
        """
        if self.num_atoms == 0:
            n = num_instances if keypoints is None else len(keypoints)
            if n is None:
                raise ValueError('num_instances is needed without keypoints')
            return np.full(n, -1, dtype=np.int64)
        if keypoints is None or visible is None:
            raise ValueError('this PGPG model has atomic poses: keypoints '
                             'and keypoints_visible are required')
        keypoints = np.asarray(keypoints)
        if keypoints.ndim != 3 or keypoints.shape[1] != self.num_keypoints:
            raise ValueError(
                f'keypoints shape {keypoints.shape}: the PGPG model was '
                f'fitted on {self.num_keypoints} keypoints')
        aligned = align_poses(keypoints, visible, self.torso_joints,
                              self.min_keypoints, self.min_torso)
        # Partial squared distances over annotated joints (the k-means
        # rule; its per-pose rescaling does not change the argmin).
        diff = aligned.coords[:, None] - self.atoms[None]
        dist = ((diff * diff).sum(axis=-1) * aligned.mask[:, None]).sum(-1)
        return np.where(aligned.valid, dist.argmin(axis=1), -1)

    def sample_offsets(self,
                       atom_ids: np.ndarray,
                       num: int,
                       rng: Optional[Any] = None) -> np.ndarray:
        """Draw ``num`` offsets per instance from its atom's mixture.

        Args:
            atom_ids (np.ndarray): (N,) ids from :meth:`assign_atoms`.
            num (int): Samples per instance.
            rng (optional): ``np.random.Generator``/``RandomState``; ``None``
                uses ``np.random``'s global state.

        Returns:
            np.ndarray: (N, num, 4) normalized offsets.
        """
        return np.stack(
            [self.mixture_for(int(a)).sample(num, rng)
             for a in atom_ids]) if len(atom_ids) else np.zeros((0, num, 4))

    def to_dict(self) -> Dict[str, Any]:
        """JSON-serialisable form (with ``format`` and ``version``)."""
        has_atoms = self.num_atoms > 0
        return dict(
            format=PGPG_FORMAT,
            version=PGPG_VERSION,
            num_keypoints=self.num_keypoints,
            torso_joints=([list(t)
                           for t in self.torso_joints] if has_atoms else None),
            min_keypoints=self.min_keypoints,
            min_torso=self.min_torso,
            atoms=self.atoms.tolist() if has_atoms else None,
            atom_counts=self.atom_counts.tolist(),
            atom_boxes=(None if self.atom_boxes is None else
                        self.atom_boxes.tolist()),
            atom_mixtures=[m.to_dict() for m in self.atom_mixtures],
            global_mixture=self.global_mixture.to_dict(),
            meta=self.meta)

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> 'PGPGModel':
        """Build from :meth:`to_dict` output.

        Raises:
            ValueError: On a wrong format/version or missing fields.
        """
        if not isinstance(data, dict) or data.get('format') != PGPG_FORMAT:
            fmt = data.get('format') if isinstance(data, dict) else None
            raise ValueError(f'not a PGPG model: format={fmt!r}, expected '
                             f'{PGPG_FORMAT!r}')
        if data.get('version') != PGPG_VERSION:
            raise ValueError(f'unsupported PGPG model version='
                             f'{data.get("version")!r} (supported: '
                             f'{PGPG_VERSION})')
        for key in ('global_mixture', 'atom_mixtures', 'atoms'):
            if key not in data:
                raise ValueError(f'PGPG model is missing the field {key!r}')
        mixtures = data['atom_mixtures']
        if not isinstance(mixtures, list):
            raise ValueError('PGPG model field \'atom_mixtures\' must be a '
                             f'list, got {mixtures!r:.100}')
        torso = data.get('torso_joints')
        if torso is not None and not (isinstance(torso, list)
                                      and len(torso) == 2 and all(
                                          isinstance(t, list) for t in torso)):
            raise ValueError('PGPG model field \'torso_joints\' must be '
                             f'[shoulder_ids, hip_ids], got {torso!r:.100}')
        meta = data.get('meta')
        if meta is not None and not isinstance(meta, dict):
            raise ValueError('PGPG model field \'meta\' must be an object, '
                             f'got {meta!r:.100}')
        return cls(
            OffsetMixture.from_dict(data['global_mixture']),
            atoms=_numbers(data, 'atoms'),
            atom_mixtures=[OffsetMixture.from_dict(m) for m in mixtures],
            torso_joints=(None if torso is None else [
                _numbers(dict(torso_joints=t), 'torso_joints', np.int64)
                for t in torso
            ]),
            min_keypoints=_scalar(data, 'min_keypoints', np.int64, 4),
            min_torso=_scalar(data, 'min_torso', np.float64, 1.0),
            atom_counts=_numbers(data, 'atom_counts', np.int64),
            atom_boxes=_numbers(data, 'atom_boxes'),
            meta=meta)

    def save(self, path: str) -> None:
        """Write the model as JSON, atomically (parent directories are
        created)."""
        with atomic_open(path) as f:
            json.dump(self.to_dict(), f)

    @classmethod
    def load(cls, path: str) -> 'PGPGModel':
        """Read a model written by :meth:`save`.

        Raises:
            FileNotFoundError: If ``path`` does not exist.
            ValueError: If it is not valid JSON or not a PGPG model.
        """
        if not os.path.isfile(path):
            raise FileNotFoundError(
                f'PGPG model file not found: {path!r}. Fit one on the '
                'training split (python tools/fit_pgpg.py ANN_FILE DET_FILE '
                f'--out {path}), or set model_file=None for the reference '
                "code's pose-independent Gaussian (in rmpe_mm's configs: "
                'RMPE_PGPG_MODEL=PATH or RMPE_PGPG_MODEL=none)')
        with naming_file(path):
            with open(path, 'rb') as f:
                try:
                    data = json.loads(f.read())
                except ValueError as err:
                    raise ValueError(f'PGPG model file {path!r} is not '
                                     f'valid JSON: {err}') from err
            return cls.from_dict(data)
