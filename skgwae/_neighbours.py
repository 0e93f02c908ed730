"""The nearest training rows of rows given after fit, chosen so that each row's
neighbours depend on that row alone.

A neighbour search orders rows by distances that it computes through products over the
block of rows searched together, and a threaded search merges the parts of the training
rows in an order that depends on the block; so which of two rows at the same distance
(or within rounding of it) it returns can change with the other rows of the call. The
neighbours chosen here are the first by (distance computed from the two rows alone,
training index), so that a row joins the graph the same way whether it is scored alone,
among other rows or repeated.
"""

import numpy as np
from sklearn.neighbors import NearestNeighbors

# Bound on the error of a search's squared distance, relative to ||x||^2 + max ||y||^2
# over the training rows y: float32 rounding of the rows and of the products (about 1e-7
# each), with a wide margin.
SEARCH_ROUNDING = 1e-5
# Candidates held at once (rows x candidates searched): bounds the memory where a new row
# ties with many training rows, which can take a search of every training row.
MAX_CANDIDATES = 1 << 22


def row_distances(X, rows, indices):
    """Euclidean distances (float64, (len(X), k)) from each row of X to the rows
    ``rows[indices[i]]``, each computed from its two rows alone."""
    X = X.astype(np.float64, copy=False)
    out = np.empty(indices.shape, dtype=np.float64)
    for j in range(indices.shape[1]):
        out[:, j] = np.linalg.norm(X - rows[indices[:, j]].astype(np.float64), axis=1)
    return out


class NeighbourSearch:
    """The nearest training rows of new rows.

    Parameters
    ----------
    train_rows : ndarray of shape (n_train, n_features)
        The training rows (float32), indexed once here.
    """

    def __init__(self, train_rows):
        self.train_rows = train_rows
        self._index = NearestNeighbors().fit(train_rows)
        # For the bound on the search's rounding (summed in float64 without a float64
        # copy of the rows, which for many wide rows would be the largest array here).
        self._max_norm = float(
            np.einsum("ij,ij->i", train_rows, train_rows, dtype=np.float64).max()
        )

    def nearest(self, X, n_neighbors):
        """``(distances, indices)``, each (len(X), n) with n = min(n_neighbors, n_train),
        of each row's n nearest training rows, nearest first; rows at the same distance in
        the order of their training index.

        The search proposes twice as many candidates as needed; their distances are
        computed again from each pair of rows, and a row whose farthest candidate is not
        farther than its n-th nearest by more than the search's rounding (so that a row
        left out could be as near) is searched again with twice as many, up to every
        training row.
        """
        n_train = len(self.train_rows)
        n = min(n_neighbors, n_train)
        X = np.asarray(X)
        distances = np.empty((len(X), n), dtype=np.float64)
        indices = np.empty((len(X), n), dtype=np.intp)
        todo = np.arange(len(X))
        n_searched = min(n_train, 2 * n)
        while todo.size:
            group = max(1, MAX_CANDIDATES // n_searched)
            todo = np.concatenate(
                [
                    part[~self._settle(X, part, n, n_searched, distances, indices)]
                    for part in (todo[i : i + group] for i in range(0, len(todo), group))
                ]
            )
            n_searched = min(n_train, 2 * n_searched)
        return distances, indices

    def _settle(self, X, part, n, n_searched, distances, indices):
        """Search the rows ``X[part]`` with ``n_searched`` candidates, write the neighbours
        of those that this settles into ``distances`` and ``indices``, and return which."""
        rows = X[part]
        _, found = self._index.kneighbors(rows.astype(np.float32, copy=False), n_searched)
        found_distances = row_distances(rows, self.train_rows, found)
        order = np.lexsort((found, found_distances), axis=1)
        found = np.take_along_axis(found, order, 1)
        found_distances = np.take_along_axis(found_distances, order, 1)
        if n_searched == len(self.train_rows):
            done = np.ones(len(part), dtype=bool)
        else:
            slack = SEARCH_ROUNDING * ((rows.astype(np.float64) ** 2).sum(axis=1) + self._max_norm)
            # A row not proposed is, in the search's own distances, at least as far as every
            # candidate: at least the farthest candidate's distance less twice the rounding.
            done = found_distances[:, -1] ** 2 - found_distances[:, n - 1] ** 2 > 2 * slack
        distances[part[done]] = found_distances[done, :n]
        indices[part[done]] = found[done, :n]
        return done
