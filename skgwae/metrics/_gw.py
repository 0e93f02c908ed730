"""Gromov-Wasserstein distortion between a data set and its embedding."""

from numbers import Integral

import numpy as np
import ot
from scipy.sparse.csgraph import dijkstra
from scipy.spatial.distance import pdist, squareform
from sklearn.utils import check_array, check_random_state

from .._diffusion import fit_potential
from .._geometry import METRICS, N_REFERENCE_ROWS, neighbour_graph


def gw_distortion(
    X, Z, *, metric="euclidean", n_neighbors=5, n_samples=500, random_state=None
):
    """Gromov-Wasserstein discrepancy between data X and its embedding Z (lower is better).

    On a subsample of ``n_samples`` rows (the same rows of X and Z), let ``C_X`` be the
    distance matrix of the rows of X under ``metric`` and ``C_Z`` the Euclidean distance
    matrix of the rows of Z, each divided by its mean off-diagonal value so that the score
    ignores a global scale. The distortion is the squared-loss GW discrepancy::

        min_T sum_{i,j,k,l} (C_X[i, k] - C_Z[j, l])^2 T[i, j] T[k, l]

    over couplings T of two uniform distributions, computed with POT's conditional-gradient
    solver started from the identity coupling ``T = I / n`` (the embedding's own
    correspondence), so the value is at most that of the identity coupling,
    ``mean_{i,k} (C_X[i, k] - C_Z[i, k])^2``. It is 0 when Z is a scaled isometry of X.

    Parameters
    ----------
    X : array-like of shape (n_samples_total, n_features)
        Data.
    Z : array-like of shape (n_samples_total, n_components)
        Embedding of the rows of X.
    metric : {"euclidean", "cosine", "geodesic", "potential"}, default="euclidean"
        The distance between rows of X, as the ``metric`` parameter of the estimators, so
        that an embedding can be scored in the geometry it was trained for:
        ``"cosine"`` is scikit-learn's cosine distance, ``"geodesic"`` the exact
        shortest-path distance on the ``n_neighbors``-nearest-neighbour graph of all the
        rows of X (parts of the graph joined by their shortest edges, with a warning),
        ``"potential"`` the estimators' diffusion-potential distance on the graph of all
        the rows of X (its 256 landmark cells drawn with ``random_state``).
    n_neighbors : int, default=5
        Neighbours per row of the graph of ``metric="geodesic"`` or ``"potential"``.
    n_samples : int, default=500
        Size of the random subsample (all rows if there are fewer).
    random_state : int, RandomState instance or None, default=None
        Seeds the subsample.

    Returns
    -------
    distortion : float
        The GW discrepancy, at least 0 up to the solver's rounding; 0 for a scaled
        isometry, larger the more the embedding distorts the distances of X.

    See Also
    --------
    skgwae.GWAETransformer : The embedding whose training keeps a GW term of this kind
        low, with the same ``metric``.

    Examples
    --------
    >>> import numpy as np
    >>> from skgwae.metrics import gw_distortion
    >>> X = np.random.RandomState(0).normal(size=(50, 3))
    >>> gw_distortion(X, 2 * X) < 1e-12  # a scaled copy keeps every distance
    True
    >>> round(gw_distortion(X, X[:, :2]), 3)  # dropping a coordinate does not
    0.066
    """
    X = check_array(X, dtype=np.float64)
    Z = check_array(Z, dtype=np.float64)
    if X.shape[0] != Z.shape[0]:
        raise ValueError(f"X and Z have different numbers of rows: {X.shape[0]} and {Z.shape[0]}.")
    n = X.shape[0]
    if n < 2:
        raise ValueError("gw_distortion needs at least 2 rows.")
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}, got {metric!r}.")
    if isinstance(n_neighbors, bool) or not isinstance(n_neighbors, Integral) or n_neighbors < 1:
        raise ValueError(f"n_neighbors must be a positive integer, got {n_neighbors!r}.")
    rng = check_random_state(random_state)
    rows = rng.permutation(n)[: min(n, n_samples)]
    if metric == "geodesic":
        graph = neighbour_graph(X, n_neighbors, data="X")
        C_X = dijkstra(graph, directed=False, indices=rows)[:, rows]
    elif metric == "potential":
        landmarks = np.sort(rng.permutation(n)[:N_REFERENCE_ROWS])
        potentials = fit_potential(X, n_neighbors, landmarks)[1][rows]
        C_X = squareform(pdist(potentials.astype(np.float64)))
    else:
        C_X = squareform(pdist(X[rows], metric=metric))
    C_Z = squareform(pdist(Z[rows]))
    m = len(rows)
    off_diagonal = m * (m - 1)
    C_X /= max(C_X.sum() / off_diagonal, np.finfo(float).tiny)
    C_Z /= max(C_Z.sum() / off_diagonal, np.finfo(float).tiny)
    p = np.full(m, 1.0 / m)
    return float(
        ot.gromov.gromov_wasserstein2(C_X, C_Z, p, p, loss_fun="square_loss", G0=np.diag(p))
    )
