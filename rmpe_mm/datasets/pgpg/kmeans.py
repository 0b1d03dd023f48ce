"""k-means over aligned poses with missing joints (partial distances).

Aligned poses have unannotated joints, which plain k-means (e.g.
scikit-learn's) cannot take. This k-means uses the partial-distance rule:
the squared distance between a pose and a center is summed over the pose's
observed coordinates and rescaled by ``D / observed`` (D = 2K), so poses with
few joints are comparable to complete ones. Centers are per-coordinate means
over the observed entries of their members (a coordinate no member observes
keeps its previous value). k-means++ seeding with the same distance, a
seed's unobserved entries filled from its nearest neighbours; the best of
``n_init`` restarts (lowest inertia) is kept; an empty cluster is re-seeded
with the pose farthest from its center.
"""
from typing import NamedTuple, Optional

import numpy as np
from tqdm import tqdm


class KMeansResult(NamedTuple):
    """Result of :func:`masked_kmeans`.

    Attributes:
        centers (np.ndarray): (k, D) centers, sorted by member count
            (descending).
        labels (np.ndarray): (N,) cluster index of each sample.
        inertia (float): Sum of partial squared distances to the centers.
        n_iter (int): Lloyd iterations of the kept restart.
    """
    centers: np.ndarray
    labels: np.ndarray
    inertia: float
    n_iter: int


def masked_sq_distances(x: np.ndarray, mask: np.ndarray,
                        centers: np.ndarray) -> np.ndarray:
    """Partial squared distances of samples to centers.

    Args:
        x (np.ndarray): Samples in shape (N, D); unobserved entries ignored.
        mask (np.ndarray): (N, D) bool, observed entries.
        centers (np.ndarray): Centers in shape (k, D).

    Returns:
        np.ndarray: (N, k) distances, rescaled by ``D / observed`` per
        sample; ``inf`` for samples with nothing observed.
    """
    m = mask.astype(np.float64)
    xm = np.where(mask, x, 0.)
    d2 = ((xm**2).sum(axis=1)[:, None] - 2. * xm @ centers.T +
          m @ (centers**2).T)
    observed = m.sum(axis=1)
    factor = np.full_like(observed, np.inf)
    np.divide(x.shape[1], observed, out=factor, where=observed > 0)
    return np.maximum(d2, 0.) * factor[:, None]


def _update_centers(x: np.ndarray, mask: np.ndarray, labels: np.ndarray,
                    centers: np.ndarray) -> np.ndarray:
    """Per-coordinate means of observed entries (old value if none)."""
    k = centers.shape[0]
    onehot = np.zeros((x.shape[0], k))
    onehot[np.arange(x.shape[0]), labels] = 1.
    sums = onehot.T @ np.where(mask, x, 0.)
    counts = onehot.T @ mask.astype(np.float64)
    return np.where(counts > 0, sums / np.maximum(counts, 1), centers)


def _complete_seed(x: np.ndarray, mask: np.ndarray, idx: int,
                   num_neighbours: int) -> np.ndarray:
    """Sample ``idx`` with its unobserved entries filled from neighbours.

    Each unobserved coordinate takes the mean over the ``num_neighbours``
    samples nearest to the seed (partial distance on the seed's observed
    entries) that observe it; the column mean if none does.
    """
    seed_mask = mask[idx]
    seed = np.where(seed_mask, x[idx], 0.)
    dist = masked_sq_distances(seed[None], seed_mask[None],
                               np.where(mask, x, 0.))[0]
    # A candidate neighbour must observe the seed's entries: penalise others.
    missing = (seed_mask[None] & ~mask).sum(axis=1)
    near = np.argsort(dist + 1e6 * missing)[:num_neighbours]
    obs = mask[near]
    near_mean = np.where(obs, x[near], 0.).sum(axis=0) / np.maximum(
        obs.sum(axis=0), 1)
    col_mean = np.where(mask, x, 0.).sum(axis=0) / np.maximum(
        mask.sum(axis=0), 1)
    fill = np.where(obs.any(axis=0), near_mean, col_mean)
    return np.where(seed_mask, x[idx], fill)


def _kmeanspp(x: np.ndarray, mask: np.ndarray, k: int,
              rng: np.random.Generator) -> np.ndarray:
    """k-means++ seeding with partial distances; returns (k, D) centers.

    A seed's unobserved entries would leave its center with arbitrary
    coordinates that no member can correct (a cluster of poses "missing
    the left wrist"); they are filled from the seed's nearest neighbours
    (:func:`_complete_seed`).
    """
    n = x.shape[0]
    num_neighbours = max(5, n // (4 * k))
    centers = [_complete_seed(x, mask, int(rng.integers(n)), num_neighbours)]
    closest = masked_sq_distances(x, mask, centers[0][None])[:, 0]
    for _ in range(1, k):
        weights = np.nan_to_num(closest, posinf=0.)
        total = weights.sum()
        idx = (
            int(rng.choice(n, p=weights /
                           total)) if total > 0 else int(rng.integers(n)))
        centers.append(_complete_seed(x, mask, idx, num_neighbours))
        new = masked_sq_distances(x, mask, centers[-1][None])[:, 0]
        closest = np.minimum(closest, new)
    return np.stack(centers)


def _lloyd(x: np.ndarray, mask: np.ndarray, centers: np.ndarray, max_iter: int,
           tol: float) -> KMeansResult:
    """Lloyd iterations from given centers."""
    labels = np.zeros(x.shape[0], dtype=np.int64)
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        dist = masked_sq_distances(x, mask, centers)
        labels = dist.argmin(axis=1)
        closest = dist[np.arange(len(labels)), labels]
        counts = np.bincount(labels, minlength=len(centers))
        for empty in np.nonzero(counts == 0)[0]:
            far = int(np.argmax(np.where(np.isfinite(closest), closest, -1)))
            labels[far] = empty
            closest[far] = 0.
        new = _update_centers(x, mask, labels, centers)
        shift = float(((new - centers)**2).sum())
        centers = new
        if shift <= tol:
            break
    dist = masked_sq_distances(x, mask, centers)
    labels = dist.argmin(axis=1)
    inertia = float(dist[np.arange(len(labels)), labels].sum())
    return KMeansResult(centers, labels, inertia, n_iter)


def masked_kmeans(x: np.ndarray,
                  mask: np.ndarray,
                  k: int,
                  n_init: int = 10,
                  max_iter: int = 100,
                  tol: float = 1e-8,
                  seed: Optional[int] = 0,
                  progress: bool = False) -> KMeansResult:
    """k-means with missing entries (see the module docstring).

    Args:
        x (np.ndarray): Samples in shape (N, D).
        mask (np.ndarray): (N, D) bool, observed entries. Every sample needs
            at least one observed entry.
        k (int): Number of clusters.
        n_init (int): Restarts; the lowest inertia wins. Defaults to 10.
        max_iter (int): Lloyd iterations per restart. Defaults to 100.
        tol (float): Stop when the summed squared center shift is below it.
            Defaults to 1e-8.
        seed (int, optional): Seed of the restarts. Defaults to 0.
        progress (bool): Show a progress bar over restarts. Defaults to
            False.

    Returns:
        KMeansResult: Centers sorted by cluster size (descending) and labels
        renumbered accordingly.

    Raises:
        ValueError: On bad shapes, ``k`` larger than the number of samples,
            or samples without any observed entry.
    """
    x = np.asarray(x, dtype=np.float64)
    mask = np.asarray(mask, dtype=bool)
    if x.ndim != 2 or mask.shape != x.shape:
        raise ValueError(f'x shape {x.shape} and mask shape {mask.shape} '
                         'must be equal and 2-D')
    if not 1 <= k <= x.shape[0]:
        raise ValueError(f'k={k} must be in [1, number of samples = '
                         f'{x.shape[0]}]')
    if not mask.any(axis=1).all():
        raise ValueError('every sample needs at least one observed entry')
    rng = np.random.default_rng(seed)
    best = None
    for _ in tqdm(
            range(n_init), desc='k-means restarts', disable=not progress):
        init = _kmeanspp(x, mask, k, rng)
        result = _lloyd(x, mask, init, max_iter, tol)
        if best is None or result.inertia < best.inertia:
            best = result
    counts = np.bincount(best.labels, minlength=k)
    order = np.argsort(-counts, kind='stable')
    relabel = np.empty(k, dtype=np.int64)
    relabel[order] = np.arange(k)
    return KMeansResult(best.centers[order], relabel[best.labels],
                        best.inertia, best.n_iter)
