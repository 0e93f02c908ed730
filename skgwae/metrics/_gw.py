"""Gromov-Wasserstein distortion between a data set and its embedding."""

import numpy as np
import ot
from scipy.spatial.distance import pdist, squareform
from sklearn.utils import check_array, check_random_state


def gw_distortion(X, Z, *, n_samples=500, random_state=None):
    """Gromov-Wasserstein discrepancy between data X and its embedding Z (lower is better).

    On a subsample of ``n_samples`` rows (the same rows of X and Z), let ``C_X`` and ``C_Z``
    be the Euclidean distance matrices, each divided by its mean off-diagonal value so that
    the score ignores a global scale. The distortion is the squared-loss GW discrepancy::

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
    n_samples : int, default=500
        Size of the random subsample (all rows if there are fewer).
    random_state : int, RandomState instance or None, default=None
        Seeds the subsample.

    Returns
    -------
    distortion : float
    """
    X = check_array(X, dtype=np.float64)
    Z = check_array(Z, dtype=np.float64)
    if X.shape[0] != Z.shape[0]:
        raise ValueError(f"X and Z have different numbers of rows: {X.shape[0]} and {Z.shape[0]}.")
    n = X.shape[0]
    if n < 2:
        raise ValueError("gw_distortion needs at least 2 rows.")
    rows = check_random_state(random_state).permutation(n)[: min(n, n_samples)]
    C_X = squareform(pdist(X[rows]))
    C_Z = squareform(pdist(Z[rows]))
    m = len(rows)
    off_diagonal = m * (m - 1)
    C_X /= max(C_X.sum() / off_diagonal, np.finfo(float).tiny)
    C_Z /= max(C_Z.sum() / off_diagonal, np.finfo(float).tiny)
    p = np.full(m, 1.0 / m)
    return float(
        ot.gromov.gromov_wasserstein2(C_X, C_Z, p, p, loss_fun="square_loss", G0=np.diag(p))
    )
