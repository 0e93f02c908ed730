"""Diffusion potentials on the neighbour graph of the training rows (the data-side
distance of ``metric="potential"``).

A random walk on the training rows steps from each row to its nearest rows with the
probabilities of an alpha-decaying kernel (PHATE's): row i weighs its neighbour j by

    w_ij = (exp(-(d_ij / s_i) ** DECAY) + exp(-(d_ij / s_j) ** DECAY)) / 2,

where d_ij is their Euclidean distance and s_i the ``(n_neighbors + 1)``-th smallest
distance from i to the training rows (for a training row, after its distance 0 to itself:
the distance to its ``n_neighbors``-th nearest other row). The weights of a row are
normalised into its transition probabilities. After ``STEPS`` steps, a row's walk has
spread over the graph; the *potential* of the row is ``-log`` of the probability that the
walk ends in each landmark's cell (the training rows nearest to that landmark), and the
distance between two rows is the Euclidean distance between their potentials. The log weighs small
probabilities, the far parts of the graph, as much as large ones, so the distance keeps
both neighbourhoods and the layout between them (PHATE's potential distance, with the
landmark cells in place of its clusters).

Memory and time grow as n_train * n_landmarks. A row that is not a training row (a new row)
steps into the graph through its nearest training rows with the same kernel, then walks
on: a training row given again as a new row gets its own potential back.
"""

import numpy as np
import scipy.sparse
from sklearn.metrics import pairwise_distances_argmin

from ._neighbours import NeighbourSearch

# Steps of the walk. Fewer steps leave more far rows at the floor (every far pair at the
# same distance), more blur the neighbourhoods. In scratch probes of 2-D embeddings (5-NN
# accuracy, 2 seeds), 64 steps did worse on the digits and iris, 8 no better than 32;
# 16 against 32 was mixed (better on iris, worse on the Vowel set, level elsewhere).
STEPS = 32
# The kernel's decay exponent (PHATE's default): the kernel is above 0.98 below 0.9
# times a row's scale, exp(-1) at it and below 1e-600 beyond 1.2 times it, a soft
# k-nearest-neighbour graph.
DECAY = 40.0
# Added to the probabilities before the log, which bounds a far row's potential (PHATE's).
FLOOR = 1e-7
# Neighbours searched per row, as a multiple of n_neighbors (plus the row itself): the
# rows beyond them are left out of the walk, so the search must reach past the scale
# (the n_neighbors-th row) to where the kernel has fallen.
SEARCH_FACTOR = 3
# Rows per block when new rows' potentials are computed: bounds the temporaries
# (block x search x landmarks float64 values).
BLOCK_ROWS = 512


def search_size(n_neighbors, n_train):
    """Training rows searched per row: ``SEARCH_FACTOR * n_neighbors + 1``, at most all."""
    return min(n_train, SEARCH_FACTOR * n_neighbors + 1)


def neighbour_scale(distances, n_neighbors):
    """Each row's kernel scale s: its distance to the ``n_neighbors``-th nearest row after
    the first (the row itself, for a training row), from the sorted ``distances`` of the
    search (n, search)."""
    return distances[:, min(n_neighbors, distances.shape[1] - 1)]


def transition_weights(distances, scales, neighbour_scales):
    """The walk's step probabilities (n, search) from rows with kernel scales ``scales``
    (n,) to their searched neighbours at ``distances`` (n, search), whose scales are
    ``neighbour_scales`` (n, search). A scale of 0 (a row with many exact duplicates) keeps
    only the neighbours at distance 0."""

    def kernel(scale):
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(
                scale > 0,
                distances / np.where(scale > 0, scale, 1.0),
                np.where(distances > 0, np.inf, 0.0),
            )
        return np.exp(-(ratio**DECAY))

    weights = 0.5 * (kernel(scales[:, None]) + kernel(neighbour_scales))
    # The first neighbour is the nearest: its weight is 1 for a row at distance 0 and at
    # least exp(-1) / 2 otherwise, so a row's total is positive.
    return weights / weights.sum(axis=1, keepdims=True)


class DiffusionPotential:
    """The potentials of rows, given the training rows and their fitted walk.

    Parameters
    ----------
    n_neighbors : int
        The rank of the neighbour that sets a row's kernel scale.
    train_rows : ndarray of shape (n_train, n_features)
    neighbour_scales : ndarray of shape (n_train,)
        The training rows' kernel scales.
    walk : ndarray of shape (n_train, n_landmarks)
        The probability that a walk of ``STEPS - 1`` steps from each training row ends in
        each landmark's cell.
    """

    def __init__(self, n_neighbors, train_rows, neighbour_scales, walk):
        self.n_neighbors = n_neighbors
        self.train_rows = train_rows
        self.neighbour_scales = neighbour_scales
        self.walk = walk
        self._index = None

    def potentials(self, X):
        """The potentials (float32, (len(X), n_landmarks)) of rows X; each row's value
        depends on that row alone."""
        return self.potentials_from(*self.search(np.asarray(X, dtype=np.float32)))

    def search(self, X):
        """``(distances, indices)`` (n, search) of each row's nearest training rows,
        nearest first, chosen from that row alone (:class:`NeighbourSearch`)."""
        if self._index is None:
            self._index = NeighbourSearch(self.train_rows)
        return self._index.nearest(X, search_size(self.n_neighbors, len(self.train_rows)))

    def transitions(self, distances, indices):
        """The step probabilities (n, search) to the searched training rows."""
        scales = neighbour_scale(distances, self.n_neighbors)
        neighbour_scales = self.neighbour_scales[indices].astype(np.float64)
        return transition_weights(distances, scales, neighbour_scales)

    def potentials_from(self, distances, indices):
        """The potentials (float32, (n, n_landmarks)) of rows whose search gave
        ``(distances, indices)``: one step into the walk, in blocks of rows."""
        out = np.empty((len(indices), self.walk.shape[1]), dtype=np.float32)
        for start in range(0, len(indices), BLOCK_ROWS):
            block = slice(start, start + BLOCK_ROWS)
            P = self.transitions(distances[block], indices[block])
            # Elementwise products summed over the neighbours: a row's value depends on
            # its own numbers alone (a matrix product would round it by its block).
            ends = (P[:, :, None] * self.walk[indices[block]].astype(np.float64)).sum(axis=1)
            out[block] = -np.log(ends + FLOOR)
        return out


def fit_potential(X, n_neighbors, landmarks):
    """``(potential, train_potentials)``: the :class:`DiffusionPotential` of the training
    rows X (n, n_features) whose cells are those of the landmark rows of indices
    ``landmarks`` (each training row joins the cell of its nearest landmark), and the
    potentials of the training rows (what ``potential.potentials(X)`` gives, from the
    same search)."""
    X = np.ascontiguousarray(X, dtype=np.float32)
    n = X.shape[0]
    potential = DiffusionPotential(n_neighbors, X, None, None)
    distances, indices = potential.search(X)
    potential.neighbour_scales = neighbour_scale(distances, n_neighbors).astype(np.float32)
    P = potential.transitions(distances, indices)
    steps = scipy.sparse.csr_matrix(
        (P.ravel(), indices.ravel(), np.arange(0, P.size + 1, P.shape[1])), shape=(n, n)
    )
    walk = np.zeros((n, len(landmarks)))
    walk[np.arange(n), pairwise_distances_argmin(X, X[landmarks])] = 1.0
    for _ in range(STEPS - 1):
        walk = steps @ walk
    potential.walk = walk.astype(np.float32)
    return potential, potential.potentials_from(distances, indices)

