"""Partitions of a graph into communities of high modularity (the Louvain method),
one of the partitions of the clusterer's last step."""

import numpy as np
import scipy.sparse
from sklearn.cluster import SpectralClustering

from ._parts import member_matrix

# The modularity partition (see modularity_partition): Louvain's resolution starts at 1
# (modularity as Newman defined it) and is raised by this factor while it finds fewer
# communities than clusters are asked for, at most MODULARITY_MAX_RAISES times.
MODULARITY_RESOLUTION_STEP = 1.5
MODULARITY_MAX_RAISES = 10


def modularity_partition(affinity, n_components, rng, n_init):
    """A partition of the graph ``affinity`` into ``n_components`` parts of high
    modularity: Louvain's communities (``_louvain``), at a resolution raised by
    MODULARITY_RESOLUTION_STEP while they are fewer than ``n_components``, then the two
    communities whose merging raises the modularity most merged, again and again, until
    ``n_components`` are left. With fewer communities at the highest resolution tried,
    the largest ones are split by spectral clustering of their own graphs (``n_init``
    k-means starts)."""
    resolution = 1.0
    for _ in range(MODULARITY_MAX_RAISES):
        labels = _louvain(affinity, resolution, rng)
        if labels.max() + 1 >= n_components:
            return _merge_communities(affinity, labels, n_components, resolution)
        resolution *= MODULARITY_RESOLUTION_STEP
    while labels.max() + 1 < n_components:  # a graph of a few tight groups
        largest = np.bincount(labels).argmax()
        members = np.flatnonzero(labels == largest)
        if len(members) < 2:
            break
        halves = SpectralClustering(
            2, affinity="precomputed", n_init=n_init, random_state=rng
        ).fit_predict(affinity[members][:, members])
        labels[members[halves == 1]] = labels.max() + 1
    return labels


def _louvain(affinity, resolution, rng):
    """The communities (labels 0, 1, ...) of the weighted graph ``affinity`` found by the
    Louvain method (Blondel et al., 2008): each node in turn (in random order) moves to
    the neighbouring community that raises the modularity at ``resolution`` most, until
    none moves; then each community becomes a node of a graph of communities, and so on
    until no node moves."""
    graph = scipy.sparse.csr_matrix(affinity, dtype=np.float64)
    labels = np.arange(graph.shape[0])
    while True:
        communities = _local_moves(graph, resolution, rng)
        if communities.max() + 1 == graph.shape[0]:
            return np.unique(labels, return_inverse=True)[1]
        labels = communities[labels]
        graph = _between_parts(graph, communities).tocsr()


def _local_moves(graph, resolution, rng):
    """The communities (labels 0, 1, ...) of Louvain's local moving phase on ``graph``,
    each node starting alone. Moving node i from its community to community C changes
    the modularity in proportion to ``w(i, C) - resolution * d(i) * D(C) / (2 m)``, with
    w(i, C) the weight of i's edges into C, d(i) its degree, D(C) the total degree of C
    (without i) and 2 m the total degree; a node moves where that is largest, if larger
    than for its own community."""
    n = graph.shape[0]
    indptr, indices, weights = graph.indptr, graph.indices, graph.data
    degree = np.asarray(graph.sum(axis=1)).ravel()
    # Python lists and a dict per node: a node has a few tens of edges, where numpy's
    # per-call overhead made this loop 7 times slower (0.34 s against 0.05 s on the
    # 1,617 codes of the digits, the same communities).
    scale = (resolution * degree / degree.sum()).tolist()
    node_degree = degree.tolist()
    neighbours = [indices[indptr[i] : indptr[i + 1]].tolist() for i in range(n)]
    links = [weights[indptr[i] : indptr[i + 1]].tolist() for i in range(n)]
    community = list(range(n))
    total = list(node_degree)
    # Every pass that moves a node raises the modularity, so this ends; the cap only
    # bounds the time on graphs whose gains differ by rounding.
    for _ in range(100):
        moves = 0
        for i in rng.permutation(n).tolist():
            own = community[i]
            total[own] -= node_degree[i]
            into = {}  # weight of i's edges into each neighbouring community
            for j, weight in zip(neighbours[i], links[i], strict=True):
                if j != i:  # a self-loop stays with its node wherever it goes
                    into[community[j]] = into.get(community[j], 0.0) + weight
            best, best_gain = own, into.get(own, 0.0) - scale[i] * total[own]
            for candidate, weight in into.items():
                gain = weight - scale[i] * total[candidate]
                if gain > best_gain:
                    best, best_gain = candidate, gain
            if best != own:
                community[i] = best
                moves += 1
            total[community[i]] += node_degree[i]
        if moves == 0:
            break
    return np.unique(community, return_inverse=True)[1]


def _between_parts(affinity, labels):
    """The (n_parts, n_parts) sparse matrix of the weight of the edges of the graph
    ``affinity`` between (and, on the diagonal, within) the parts ``labels``."""
    members = member_matrix(labels)
    return members.T @ affinity @ members


def _merge_communities(affinity, labels, n_components, resolution):
    """``labels`` with, again and again, the two communities whose merging raises the
    modularity (at ``resolution``) of the graph ``affinity`` most merged, until
    ``n_components`` are left."""
    between = _between_parts(affinity, labels).toarray()
    total = between.sum()
    labels = labels.copy()
    while len(between) > n_components:
        share = between.sum(axis=1) / total
        gain = between / total - resolution * np.outer(share, share)
        np.fill_diagonal(gain, -np.inf)
        a, b = sorted(np.unravel_index(gain.argmax(), gain.shape))
        between[a] += between[b]
        between[:, a] += between[:, b]
        between = np.delete(np.delete(between, b, axis=0), b, axis=1)
        labels[labels == b] = a
        labels[labels > b] -= 1
    return labels


def modularity(affinity, labels):
    """The modularity (resolution 1) of the partition ``labels`` of the graph
    ``affinity``: the fraction of edge weight within parts, less that expected if
    edges were drawn at random keeping every node's degree."""
    between = _between_parts(affinity, labels).toarray()
    total = between.sum()
    return float(np.trace(between) / total - np.sum((between.sum(axis=1) / total) ** 2))
