"""Gaussian mixtures over the 4-D normalized box offsets.

Fitting uses scikit-learn's ``GaussianMixture`` (full covariances); sampling
and densities are done here from the stored parameters, so a saved model
needs neither scikit-learn nor pickles.
"""
from typing import Any, Dict, Optional, Sequence

import numpy as np

OFFSET_DIM = 4

# Pose-independent Gaussian of the reference code (docs/method.md section 4):
# per-coordinate mean / std of (xmin, ymin, xmax, ymax) normalized offsets.
PUBLISHED_MEAN = (-0.0142, 0.0043, 0.0154, -0.0013)
PUBLISHED_STD = (0.1158, 0.0680, 0.1337, 0.0711)


class OffsetMixture:
    """A Gaussian mixture over normalized offsets, ready to sample.

    Args:
        weights (Sequence[float]): Component weights (C,), summing to 1.
        means (np.ndarray): Component means (C, 4).
        covariances (np.ndarray): Component covariances (C, 4, 4), symmetric
            positive definite.
        source (str): Where it comes from: ``'atom'``, ``'global'`` or
            ``'published'``. Defaults to ``'atom'``.

    Raises:
        ValueError: On inconsistent shapes, weights that do not sum to 1, or
            covariances that are not positive definite.
    """

    def __init__(self,
                 weights: Sequence[float],
                 means: np.ndarray,
                 covariances: np.ndarray,
                 source: str = 'atom') -> None:
        self.weights = np.asarray(weights, dtype=np.float64).reshape(-1)
        self.means = np.asarray(means, dtype=np.float64)
        self.covariances = np.asarray(covariances, dtype=np.float64)
        self.source = str(source)
        c = self.weights.shape[0]
        if (c == 0 or self.means.shape != (c, OFFSET_DIM)
                or self.covariances.shape != (c, OFFSET_DIM, OFFSET_DIM)):
            raise ValueError(
                f'mixture shapes weights {self.weights.shape}, means '
                f'{self.means.shape}, covariances {self.covariances.shape} '
                f'must be (C,), (C, {OFFSET_DIM}), (C, {OFFSET_DIM}, '
                f'{OFFSET_DIM})')
        if np.any(self.weights < 0) or abs(self.weights.sum() - 1) > 1e-6:
            raise ValueError(f'mixture weights {self.weights.tolist()} must '
                             'be non-negative and sum to 1')
        try:
            self.cholesky = np.linalg.cholesky(self.covariances)
        except np.linalg.LinAlgError as err:
            raise ValueError('mixture covariances must be positive '
                             f'definite ({err})') from err
        self.cum_weights = np.cumsum(self.weights)
        self.cum_weights[-1] = 1.0

    @property
    def num_components(self) -> int:
        """Number of components C."""
        return self.weights.shape[0]

    def mean(self) -> np.ndarray:
        """Mean of the mixture, shape (4,)."""
        return self.weights @ self.means

    def covariance(self) -> np.ndarray:
        """Covariance of the mixture, shape (4, 4)."""
        mu = self.mean()
        diff = self.means - mu
        within = np.einsum('c,cij->ij', self.weights, self.covariances)
        between = np.einsum('c,ci,cj->ij', self.weights, diff, diff)
        return within + between

    def transform_normals(self, uniforms: np.ndarray,
                          normals: np.ndarray) -> np.ndarray:
        """Turn raw random numbers into mixture samples (deterministic).

        Args:
            uniforms (np.ndarray): U(0, 1) draws choosing the component,
                shape (...,).
            normals (np.ndarray): Standard normal draws, shape (..., 4).

        Returns:
            np.ndarray: Samples in shape (..., 4).
        """
        comp = np.searchsorted(self.cum_weights, uniforms, side='right')
        comp = np.minimum(comp, self.num_components - 1)
        chol = self.cholesky[comp]
        return self.means[comp] + np.einsum('...ij,...j->...i', chol, normals)

    def sample(self, num: int, rng: Optional[Any] = None) -> np.ndarray:
        """Draw ``num`` offsets.

        Args:
            num (int): Number of samples.
            rng (np.random.Generator | np.random.RandomState, optional):
                Random source; ``None`` uses ``np.random``'s global state.

        Returns:
            np.ndarray: Samples in shape (num, 4).
        """
        rng = np.random if rng is None else rng
        uniforms = rng.random(num)
        normals = rng.standard_normal((num, OFFSET_DIM))
        return self.transform_normals(uniforms, normals)

    def log_likelihood(self, x: np.ndarray) -> np.ndarray:
        """Log density of offsets ``x`` (N, 4); returns (N,)."""
        x = np.asarray(x, dtype=np.float64).reshape(-1, OFFSET_DIM)
        diff = x[:, None, :] - self.means[None]
        # Solve L z = diff for each component.
        z = np.stack([
            np.linalg.solve(self.cholesky[c], diff[:, c].T).T
            for c in range(self.num_components)
        ],
                     axis=1)
        log_det = 2 * np.log(np.diagonal(self.cholesky, axis1=1,
                                         axis2=2)).sum(axis=1)
        log_comp = (-0.5 * (z**2).sum(axis=-1) - 0.5 * log_det -
                    0.5 * OFFSET_DIM * np.log(2 * np.pi))
        log_comp = log_comp + np.log(np.maximum(self.weights, 1e-300))
        top = log_comp.max(axis=1, keepdims=True)
        return (top +
                np.log(np.exp(log_comp - top).sum(axis=1, keepdims=True)))[:,
                                                                           0]

    def to_dict(self) -> Dict[str, Any]:
        """JSON-serialisable parameters."""
        return dict(
            source=self.source,
            weights=self.weights.tolist(),
            means=self.means.tolist(),
            covariances=self.covariances.tolist())

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> 'OffsetMixture':
        """Build from :meth:`to_dict` output.

        Raises:
            ValueError: If a field is missing or malformed.
        """
        if not isinstance(data, dict):
            raise ValueError(f'mixture entry must be an object, got '
                             f'{data!r:.100}')
        for key in ('weights', 'means', 'covariances'):
            if key not in data:
                raise ValueError(f'mixture entry is missing the field {key!r}'
                                 f' (has {sorted(data)})')
        values = []
        for key in ('weights', 'means', 'covariances'):
            try:
                values.append(np.asarray(data[key], dtype=np.float64))
            except (TypeError, ValueError):
                raise ValueError(f'mixture field {key!r} must hold numbers, '
                                 f'got {data[key]!r:.100}') from None
            if not np.isfinite(values[-1]).all():
                raise ValueError(f'mixture field {key!r} must be finite, '
                                 f'got {data[key]!r:.100}')
        return cls(*values, data.get('source', 'atom'))


def published_mixture() -> OffsetMixture:
    """The reference code's pose-independent Gaussian (diagonal)."""
    cov = np.diag(np.square(PUBLISHED_STD))[None]
    return OffsetMixture([1.0],
                         np.asarray([PUBLISHED_MEAN]),
                         cov,
                         source='published')


def fit_offset_mixture(offsets: np.ndarray,
                       num_components: int,
                       seed: int = 0,
                       reg_covar: float = 1e-6,
                       n_init: int = 1,
                       source: str = 'atom') -> OffsetMixture:
    """Fit a full-covariance Gaussian mixture with scikit-learn.

    Args:
        offsets (np.ndarray): Normalized offsets in shape (N, 4).
        num_components (int): Number of components; reduced to N when there
            are fewer samples than components.
        seed (int): Random state of the EM initialisation. Defaults to 0.
        reg_covar (float): Added to covariance diagonals. Defaults to 1e-6.
        n_init (int): EM restarts. Defaults to 1.
        source (str): Stored as :attr:`OffsetMixture.source`.

    Returns:
        OffsetMixture: The fitted mixture.

    Raises:
        ValueError: With fewer than 2 samples or a bad shape.
    """
    from sklearn.mixture import GaussianMixture

    offsets = np.asarray(offsets, dtype=np.float64)
    if offsets.ndim != 2 or offsets.shape[1] != OFFSET_DIM:
        raise ValueError(f'offsets shape {offsets.shape} must be (N, 4)')
    if offsets.shape[0] < 2:
        raise ValueError(f'need at least 2 offsets to fit a mixture, got '
                         f'{offsets.shape[0]}')
    gmm = GaussianMixture(
        n_components=min(num_components, offsets.shape[0]),
        covariance_type='full',
        reg_covar=reg_covar,
        n_init=n_init,
        random_state=seed)
    gmm.fit(offsets)
    weights = gmm.weights_ / gmm.weights_.sum()
    return OffsetMixture(weights, gmm.means_, gmm.covariances_, source)
