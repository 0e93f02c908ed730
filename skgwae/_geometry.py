"""The data-side distance d_X of the GW term: Euclidean, cosine, geodesic or potential.

The GW term compares distances between data rows with distances between their codes. A
:class:`DataGeometry` is fitted on the training rows and gives those data distances two
ways: between training rows, by their indices (for the training batches), and from any
rows to a fixed set of *reference* training rows (for the score, which compares every row
with the same reference rows, so a row's score does not depend on the other rows scored).

The geodesic distance is the shortest-path length on the symmetrised k-nearest-neighbour
graph of the training rows, whose edges weigh their Euclidean lengths (Isomap's distance).
It is computed from ``n_reference`` random training rows, the landmarks (Dijkstra from
each), which also serve as the reference rows. The distance between two training rows i and j is
approximated by the shortest path through a landmark::

    d(i, j) ~ min_l d(i, l) + d(l, j)

an upper bound that is exact when a landmark lies on a shortest path from i to j, and
exact for every pair when every training row is a landmark (``n_train <= n_reference``).
Memory and time grow as n_train * n_landmarks, never n_train ** 2. A new row joins the
graph through its ``n_neighbors`` nearest training rows, as ``Isomap.transform`` does:
``d(x, l) = min_j ||x - x_j|| + d(j, l)`` over those neighbours.

The potential distance (:mod:`skgwae._diffusion`) is the Euclidean distance between rows'
diffusion potentials on a soft neighbour graph of the training rows, with the same
landmarks as cells and reference rows; memory n_train * n_landmarks as well.
"""

import copy
import warnings

import numpy as np
import scipy.sparse
import scipy.sparse.linalg
import torch
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, dijkstra, laplacian
from scipy.spatial.distance import cdist
from sklearn.metrics import pairwise_distances
from sklearn.neighbors import NearestNeighbors

from ._diffusion import DiffusionPotential, fit_potential
from ._neighbours import NeighbourSearch

METRICS = ("euclidean", "cosine", "geodesic", "potential")
# The metrics of a graph on the training rows: they need every training row at once.
GRAPH_METRICS = ("geodesic", "potential")
# Reference rows of the score (and landmarks of the geodesic distance). The score's GW
# part compares each row with each of them, so its cost grows with this number; 256
# random rows pin the mean over the data to a few per cent.
N_REFERENCE_ROWS = 256
# Rows per block when distances to new rows are computed: bounds the temporaries.
BLOCK_ROWS = 2048
# Up to this many training rows, the geodesic distances between all of them are tabulated
# once (n * n float32: 64 MiB at most) and each batch reads its block; above it, each batch
# computes its pairs through the landmarks (memory n * n_reference).
FULL_TABLE_ROWS = 4096
# metric="auto" gives the transformer the geodesic metric up to this many training rows.
# The graph's cost grows as n^2 (the neighbour search), a default fit's does not (a fixed
# budget of steps): fitting the geometry of uniform random rows took 0.2 s for 2,000 x
# 64, 1.2 s for 5,000 x 784, 5.7 s for 20,000 x 50 and 99 s for 54,000 x 784 (scratch,
# AMD EPYC, 2 cores), against 8-15 s for a whole default fit; up to here the rows'
# distances are also tabulated at once rather than per batch.
AUTO_GEODESIC_ROWS = FULL_TABLE_ROWS
# Graphs of up to this many nodes (or 4 per eigenvalue asked for) get all the eigenvalues
# of their Laplacian from a dense solver; larger ones the few lowest from a sparse one,
# which on 2,000 codes with 20 neighbours took a seventh of the dense solver's time (0.09 s
# against 0.65 s for 11 eigenvalues, one thread).
DENSE_SPECTRUM_NODES = 200
# Where the sparse solver fails, the dense one takes over up to this many nodes (about a
# second); above, the failure is raised.
DENSE_FALLBACK_NODES = 2_000


def _cosine(A, B):
    # scikit-learn's cosine distance 1 - cos(a, b); an all-zero row is at distance 1 from
    # every row (its cosine is taken as 0), as scikit-learn has it.
    a = np.linalg.norm(A, axis=1, keepdims=True)
    b = np.linalg.norm(B, axis=1, keepdims=True)
    cos = np.einsum("ik,jk->ij", A / np.where(a > 0, a, 1), B / np.where(b > 0, b, 1))
    return np.clip(1.0 - cos, 0.0, 2.0)


class DataGeometry:
    """Distances between data rows under ``metric``, fitted on the training rows.

    Parameters
    ----------
    metric : {"euclidean", "cosine", "geodesic", "potential"}
    n_neighbors : int
        Neighbours per row of the graph (geodesic and potential only).
    n_reference : int
        Number of reference rows (landmarks), drawn at random from the training rows.
    """

    def __init__(self, metric="euclidean", n_neighbors=5, n_reference=N_REFERENCE_ROWS):
        if metric not in METRICS:
            raise ValueError(f"metric must be one of {METRICS}, got {metric!r}.")
        self.metric = metric
        self.n_neighbors = n_neighbors
        self.n_reference = n_reference

    # ------------------------------------------------------------------ fitting

    def fit(self, X, rng):
        """Fit on the training rows X (float array, at least 2 rows); ``rng`` a numpy
        RandomState. With the geodesic metric, X must be every training row, in the order
        the trainer indexes them; otherwise any random sample of them will do."""
        X = np.asarray(X)
        n = X.shape[0]
        reference = np.sort(rng.permutation(n)[: min(n, self.n_reference)])
        self.reference_rows_ = np.ascontiguousarray(X[reference], dtype=np.float32)
        self.n_train_ = n
        self.scale_ = 1.0
        self._index = None
        self._pair_table = None
        self._potential = None
        self._train_potentials = None
        if self.metric == "potential":
            self.train_rows_ = np.ascontiguousarray(X, dtype=np.float32)
            potential, self._train_potentials = fit_potential(
                self.train_rows_, self.n_neighbors, reference
            )
            self.neighbour_scales_ = potential.neighbour_scales
            self.walk_ = potential.walk
            self._potential = potential
            # The reference rows are training rows: a row's potential is its own.
            self.reference_potentials_ = self._train_potentials[reference]
        if self.metric == "geodesic":
            graph = neighbour_graph(X, self.n_neighbors)
            # (n, n_reference) shortest-path lengths from every row to every landmark.
            to_rows = dijkstra(graph, directed=False, indices=reference)
            self.landmark_distances_ = np.ascontiguousarray(to_rows.T, dtype=np.float32)
            # What a new row needs to join the graph: the training rows, and their
            # distances to the landmarks.
            self.train_rows_ = np.ascontiguousarray(X, dtype=np.float32)
        if self.metric != "euclidean":
            # Rescaled so that the mean distance between reference rows is their mean
            # Euclidean distance: the GW term then weighs as much against the other terms
            # (lambda_w, lambda_d) as with the Euclidean metric, whatever the metric's unit.
            metric_mean = _off_diagonal_mean(self.reference_distances(self.reference_rows_))
            euclidean_mean = _off_diagonal_mean(pairwise_distances(self.reference_rows_))
            if metric_mean > 0 and euclidean_mean > 0:
                self.scale_ = float(euclidean_mean / metric_mean)
                if self.metric == "geodesic":
                    self.landmark_distances_ *= np.float32(self.scale_)
        if self.metric == "geodesic" and n <= FULL_TABLE_ROWS:
            # Tabulated here, under the caller's torch threads: the training steps may run
            # on one thread, on which the table took 4 times as long (0.7 s for the digits).
            self._training_pair_table()
        return self

    def _diffusion(self):
        """The :class:`DiffusionPotential` of the fitted arrays (rebuilt after pickling)."""
        if getattr(self, "_potential", None) is None:
            self._potential = DiffusionPotential(
                self.n_neighbors, self.train_rows_, self.neighbour_scales_, self.walk_
            )
        return self._potential

    def _training_potentials(self):
        """The (n_train, n_reference) potentials of the training rows, computed once, and
        again after pickling, which drops them."""
        if getattr(self, "_train_potentials", None) is None:
            self._train_potentials = self._diffusion().potentials(self.train_rows_)
        return self._train_potentials

    def _training_pair_table(self):
        """The (n, n) geodesic distances between the training rows (at most
        ``FULL_TABLE_ROWS``), through the landmarks; built once, and again after pickling,
        which drops it."""
        if getattr(self, "_pair_table", None) is None:
            self._pair_table = min_plus_pairs(torch.from_numpy(self.landmark_distances_))
        return self._pair_table

    # ------------------------------------------------------------------ training pairs

    def for_new_rows(self):
        """This geometry, for training on rows that are not the ones it was fitted on
        (:meth:`partial_fit` continuing a fit): its :meth:`pair_distance_fn` then joins
        each row to the geodesic graph through its nearest fitted rows, as
        :meth:`reference_distances` does, instead of indexing the fitted rows."""
        view = copy.copy(self)
        view._rows_in_graph = False
        return view

    def pair_distance_fn(self, device):
        """A function ``(x, idx) -> (B, B) tensor`` of the data distances between the
        training rows ``x`` whose indices (into the training rows) are ``idx``, or None
        for the Euclidean metric (the model computes it from x)."""
        if self.metric == "euclidean":
            return None
        if self.metric == "cosine":
            scale = self.scale_
            return lambda x, idx: cosine_pairs(x) * scale
        if self.metric == "potential":
            scale = self.scale_
            if not getattr(self, "_rows_in_graph", True):
                potentials = self._diffusion().potentials
                return lambda x, idx: _potential_pairs(
                    torch.as_tensor(potentials(x.cpu().numpy()), device=device), scale
                )
            table = torch.as_tensor(self._training_potentials(), device=device)
            return lambda x, idx: _potential_pairs(table[idx], scale)
        if not getattr(self, "_rows_in_graph", True):
            return lambda x, idx: min_plus_pairs(
                torch.as_tensor(self.reference_distances(x), dtype=torch.float32, device=device)
            )
        table = torch.as_tensor(self.landmark_distances_, device=device)
        if self.n_train_ <= FULL_TABLE_ROWS:
            full = self._training_pair_table().to(device)
            # Rows, then columns: two gathers of whole rows and of contiguous runs, 2-3 times
            # faster on a CPU than one 2-D advanced index into the table (same values).
            return lambda x, idx: full.index_select(0, idx).index_select(1, idx)
        return lambda x, idx: min_plus_pairs(table[idx])

    # ------------------------------------------------------------------ new rows

    def reference_distances(self, X):
        """Distances (float64 array of shape (len(X), n_reference)) from each row of X to
        each reference row; a row's values depend on that row alone (each distance is
        computed from its two rows, never through products over the block)."""
        X = np.asarray(X.cpu() if isinstance(X, torch.Tensor) else X)
        reference = self.reference_rows_.astype(np.float64)
        out = np.empty((X.shape[0], len(reference)), dtype=np.float64)
        for start in range(0, X.shape[0], BLOCK_ROWS):
            block = X[start : start + BLOCK_ROWS].astype(np.float64, copy=False)
            if self.metric == "euclidean":
                out[start : start + len(block)] = cdist(block, reference)
            elif self.metric == "cosine":
                out[start : start + len(block)] = self.scale_ * _cosine(block, reference)
            elif self.metric == "potential":
                out[start : start + len(block)] = self.scale_ * cdist(
                    self._diffusion().potentials(block).astype(np.float64),
                    self.reference_potentials_.astype(np.float64),
                )
            else:  # landmark_distances_ are already scaled
                out[start : start + len(block)] = self._geodesic_to_landmarks(block)
        return out

    def _geodesic_to_landmarks(self, X):
        if self._index is None:
            self._index = NeighbourSearch(self.train_rows_)
        dist, ind = self._index.nearest(X, self.n_neighbors)
        # min over the neighbours j of ||x - x_j|| + d(j, l), for every landmark l.
        # (landmark_distances_ are rescaled by scale_: the edge to a neighbour is too.)
        through = self.scale_ * dist[:, :, None] + self.landmark_distances_[ind]
        return through.min(axis=1)

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_index"] = None  # rebuilt on first use
        state["_pair_table"] = None  # likewise, and up to 64 MiB
        state["_potential"] = None  # rebuilt from the arrays
        state["_train_potentials"] = None  # likewise
        return state


def _off_diagonal_mean(D):
    n = D.shape[0]
    return float((D.sum() - np.trace(D)) / max(n * (n - 1), 1))


def neighbour_affinity(X, n_neighbors, metric="euclidean"):
    """SpectralClustering's ``affinity="nearest_neighbors"`` matrix of X: 1 between rows
    that list each other among their ``n_neighbors`` nearest (a row being its own first;
    at most ``len(X) - 1``), 1/2 where one does, else 0 (sparse)."""
    return neighbour_affinities(X, (n_neighbors,), metric)[0]


def neighbour_affinities(X, counts, metric="euclidean"):
    """``neighbour_affinity(X, k, metric)`` for each ``k`` of ``counts``, from one search
    for the most neighbours: the graph of the largest count is the same, and a smaller
    count keeps each row's nearest of those (which can differ from a search of its own
    only between neighbours at the same distance)."""
    n = X.shape[0]
    search = NearestNeighbors(n_neighbors=min(max(counts), n - 1), metric=metric).fit(X)
    _, nearest = search.kneighbors(X)  # X itself as the query: each row its own first
    graphs = []
    for count in counts:
        k = min(count, n - 1)
        graph = scipy.sparse.csr_matrix(
            (np.ones(n * k), nearest[:, :k].ravel(), np.arange(0, n * k + 1, k)),
            shape=(n, n),
        )
        graphs.append(0.5 * (graph + graph.T))
    return graphs


def laplacian_low_eigenvalues(graph, n_values):
    """The ``n_values`` smallest eigenvalues (ascending) of the normalized Laplacian of the
    symmetric graph ``graph`` (sparse or dense; self-loops do not count, as in scipy's
    ``laplacian``). A graph of k connected parts has k zero eigenvalues.

    The spectrum of a graph of several connected parts is the union of theirs, so each
    part's lowest eigenvalues are computed on its own and the smallest of them kept: the
    sparse solver converges poorly on an eigenvalue of several copies, and a graph of more
    parts than values asked for has only zeros to give (in a scratch run, on a
    common-neighbour graph of 3,238 codes in 24 parts, the solver gave up after 81 s;
    part by part it took under 0.05 s).
    Small graphs (see ``DENSE_SPECTRUM_NODES``) use a dense solver; larger ones shift-invert
    Lanczos about a point just below 0, where the lowest eigenvalues converge first and the
    shifted Laplacian is never singular, from a fixed start (the same values at every
    call); if that fails, the dense solver takes over up to
    ``DENSE_FALLBACK_NODES`` nodes, and above it the ``ArpackError`` is raised."""
    graph = scipy.sparse.csr_matrix(graph, dtype=np.float64)
    n_parts, part = connected_components(graph, directed=False)
    if n_parts == 1:
        return _connected_low_eigenvalues(graph, n_values)
    values = [np.zeros(min(n_parts, n_values))]  # each part's own zero
    for members in np.split(np.argsort(part, kind="stable"), np.cumsum(np.bincount(part))[:-1]):
        # A part's values below its zero: at most as many as it has nodes, and as many as
        # can be among the n_values smallest.
        n_own = min(len(members), n_values) - 1
        if n_own > 0:
            own = _connected_low_eigenvalues(graph[members][:, members], n_own + 1)
            values.append(own[1:])
    return np.sort(np.concatenate(values))[:n_values]


def _connected_low_eigenvalues(graph, n_values):
    """:func:`laplacian_low_eigenvalues` of a connected graph (csr, float64)."""
    lap = laplacian(graph, normed=True)
    n_nodes = graph.shape[0]
    if n_nodes > max(4 * n_values, DENSE_SPECTRUM_NODES):
        try:
            # A fixed start vector: ARPACK's own is random, and the values would differ
            # in the last digits from call to call.
            start = np.random.RandomState(0).uniform(-1.0, 1.0, n_nodes)
            values = scipy.sparse.linalg.eigsh(
                lap, k=n_values, sigma=-1e-3, which="LM", v0=start, return_eigenvectors=False
            )
            return np.sort(values)
        except scipy.sparse.linalg.ArpackError:
            if n_nodes > DENSE_FALLBACK_NODES:
                raise
    return np.linalg.eigvalsh(lap.toarray())[:n_values]


def neighbour_graph(X, n_neighbors, data="the training data", warn=True):
    """The symmetrised k-nearest-neighbour graph of X (sparse, Euclidean edge lengths),
    with its components joined as scikit-learn's Isomap does: each pair of components
    by the shortest edge between them, with a warning that names X as ``data`` unless
    ``warn`` is False."""
    n = X.shape[0]
    k = min(n_neighbors, n - 1)
    graph = NearestNeighbors(n_neighbors=k).fit(X).kneighbors_graph(mode="distance")
    # Duplicate rows are at distance 0, which a sparse graph cannot hold as an edge: the
    # symmetrisation below would drop it, and leave each duplicate its own component.
    graph.data = np.maximum(graph.data, np.finfo(np.float32).tiny)
    graph = graph.maximum(graph.T).tocsr()
    n_parts, labels = connected_components(graph, directed=False)
    if n_parts > 1 and warn:
        warnings.warn(
            f"The {k}-nearest-neighbour graph of {data} has {n_parts} connected "
            "components; they are joined by their shortest edges, so the geodesic "
            "distance between them is only a rough estimate. Consider a larger n_neighbors.",
            UserWarning,
        )
    if n_parts > 1:
        graph = _join_components(X, graph, n_parts, labels)
    return graph


def _join_components(X, graph, n_parts, labels):
    """``graph`` with an edge added between every pair of its components: the shortest
    between their rows (as Isomap's joining does), found component by component against
    the rows of all later components at once rather than pair by pair."""
    order = np.argsort(labels, kind="stable")  # the rows, grouped by component
    starts = np.searchsorted(labels[order], np.arange(n_parts + 1))
    sources, targets, lengths = [], [], []
    for a in range(n_parts - 1):
        members = order[starts[a] : starts[a + 1]]
        later = order[starts[a + 1] :]
        # For every row of a later component: its nearest row of component a, and how far.
        nearest = np.empty(len(later), dtype=np.intp)
        best = np.full(len(later), np.inf)
        block = max(1, 2**22 // len(later))  # a (block, len(later)) array of 32 MiB
        for start in range(0, len(members), block):
            rows = members[start : start + block]
            D = pairwise_distances(X[rows], X[later])
            arg = D.argmin(axis=0)
            value = D[arg, np.arange(len(later))]
            closer = value < best
            best[closer], nearest[closer] = value[closer], rows[arg[closer]]
        # The closest of each later component's rows (its rows lie side by side in later).
        bounds = starts[a + 1 :] - starts[a + 1]
        group = np.repeat(np.arange(len(bounds) - 1), np.diff(bounds))
        first = np.lexsort((best, group))[bounds[:-1]]
        sources.append(nearest[first])
        targets.append(later[first])
        lengths.append(np.maximum(best[first], np.finfo(np.float32).tiny))
    sources, targets = np.concatenate(sources), np.concatenate(targets)
    lengths = np.concatenate(lengths)
    bridges = coo_matrix(
        (np.r_[lengths, lengths], (np.r_[sources, targets], np.r_[targets, sources])),
        shape=graph.shape,
    )
    # No edge joins two components yet, so the sum only adds the bridges.
    return (graph + bridges).tocsr()


def _potential_pairs(potentials, scale):
    """``scale`` times the Euclidean distances between the rows of ``potentials``, in
    float32. Computed in float64: the matrix-product form of the distance subtracts
    squared norms of about 10**4 (potentials of 256 values up to 16), which in float32
    left an error of 0.02 on the diagonal, about the distance between near neighbours."""
    return (scale * torch.cdist(potentials.double(), potentials.double())).float()


def cosine_pairs(x):
    """scikit-learn's cosine distances between the rows of x (a tensor)."""
    norms = x.norm(dim=1, keepdim=True)
    unit = x / norms.clamp_min(torch.finfo(x.dtype).tiny)
    return (1.0 - unit @ unit.T).clamp_min(0.0)


def min_plus_pairs(to_landmarks, block=None):
    """``min_l a_il + a_jl`` for every pair (i, j) of rows of ``to_landmarks`` (B, L):
    the shortest path from i to j through a landmark; (B, B), with a zero diagonal."""
    n, n_landmarks = to_landmarks.shape
    out = torch.empty(n, n, device=to_landmarks.device, dtype=to_landmarks.dtype)
    # In square tiles of block x block pairs. On a CPU their (block, block, L) temporary
    # is about 2**18 values (1 MiB): written and reduced while still in the cache, twice as
    # fast as tiles of whole rows for the digits' table (0.12 s against 0.22 s). Elsewhere
    # 2**22 values (16 MiB), few kernel launches.
    cells = 2**18 if to_landmarks.device.type == "cpu" else 2**22
    block = block or max(1, int((cells // max(1, n_landmarks)) ** 0.5))
    for start in range(0, n, block):
        rows = to_landmarks[start : start + block]
        stop = start + len(rows)
        # The tiles from the diagonal on; the others are the mirror image of tiles already
        # computed (a sum of two floats does not depend on their order).
        for first in range(start, n, block):
            cols = to_landmarks[first : first + block]
            part = (rows[:, None, :] + cols[None, :, :]).amin(-1)
            out[start:stop, first : first + len(cols)] = part
            out[first : first + len(cols), start:stop] = part.T
    out.fill_diagonal_(0.0)
    return out

