"""Clustering scores: accuracy under the best matching of clusters to classes, the
label-free eigengap, silhouette and modularity of a clusterer's latent codes, and the
silhouette of its clusters under the data's geodesic distance."""

from numbers import Integral

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse.csgraph import dijkstra
from sklearn.metrics import silhouette_score
from sklearn.neighbors import kneighbors_graph
from sklearn.utils import _safe_indexing, check_array, check_consistent_length, column_or_1d

from .._geometry import laplacian_low_eigenvalues, neighbour_affinity, neighbour_graph

# Above this many rows the silhouette is computed on a fixed random subset of this size:
# its cost grows with the square of the rows, and a few thousand rows estimate it well.
SILHOUETTE_MAX_ROWS = 5000
# The geodesic silhouette tabulates the shortest paths between all its rows (n * n float64:
# 32 MiB at this size); above it, it is computed on a fixed random subset of this size.
GEODESIC_SILHOUETTE_MAX_ROWS = 2000
# Above this many rows the eigengap is computed on a fixed random subset of this size: the
# lowest eigenvalues of its graph's Laplacian then take a fraction of a second, and the
# dense solver, where the sparse one fails, about a second (DENSE_FALLBACK_NODES).
EIGENGAP_MAX_ROWS = 2000


def cluster_accuracy(labels_true, labels_pred):
    """Accuracy of a clustering after matching clusters to classes (Hungarian method).

    Each predicted cluster is matched to at most one true class, and each class to at
    most one cluster, so as to maximise the number of samples whose matched class is
    their true class; the score is that number divided by the number of samples. Clusters
    left without a class (more clusters than classes) count as wrong.

    Parameters
    ----------
    labels_true : array-like of shape (n_samples,)
        True class labels (any hashable values).
    labels_pred : array-like of shape (n_samples,)
        Cluster labels (any hashable values); their names do not matter.

    Returns
    -------
    accuracy : float
        In [0, 1]; 1 when the clusters are the classes up to renaming.

    See Also
    --------
    sklearn.metrics.adjusted_rand_score : A clustering score that needs no matching.
    skgwae.GWAEClusterer : The clustering estimator this score evaluates in the benchmarks.

    Examples
    --------
    >>> from skgwae.metrics import cluster_accuracy
    >>> cluster_accuracy([0, 0, 1, 1, 2, 2], [5, 5, 3, 3, 3, 7])
    0.8333333333333334
    """
    labels_true = column_or_1d(labels_true)
    labels_pred = column_or_1d(labels_pred)
    check_consistent_length(labels_true, labels_pred)
    if labels_true.size == 0:
        raise ValueError("cluster_accuracy needs at least one sample.")
    classes, true_idx = np.unique(labels_true, return_inverse=True)
    clusters, pred_idx = np.unique(labels_pred, return_inverse=True)
    counts = np.zeros((clusters.size, classes.size), dtype=np.int64)
    np.add.at(counts, (pred_idx, true_idx), 1)
    rows, cols = linear_sum_assignment(counts, maximize=True)
    return float(counts[rows, cols].sum() / labels_true.size)


def latent_eigengap(estimator, X, y=None, *, n_neighbors=20):
    """Eigengap of a fitted clusterer's codes at its number of clusters (higher is better).

    The graph links each row to its ``n_neighbors`` nearest rows in the codes
    ``estimator.transform(X)`` (Euclidean distance; a row counts as its own first
    neighbour, which adds no edge, and an edge weighs 1 when both rows list each other,
    1/2 when one does), the graph that :class:`~skgwae.GWAEClusterer` partitions to set
    its mixture. With
    ``0 = l_1 <= l_2 <= ...`` the eigenvalues of its normalised Laplacian and ``k`` the
    clusterer's number of clusters, the score is ``l_(k+1) - l_k``. A graph made of ``k``
    parts joined by few edges has ``k`` eigenvalues near 0 and then a jump (exactly ``k``
    zeros for ``k`` separate parts), so the gap is large when the codes form as many
    clusters as the model has; it is small when the model has too few clusters (the next
    eigenvalue is near 0 too) or too many (``l_k`` has already jumped). This is the
    eigengap heuristic of spectral clustering, measured on each candidate model's own
    codes. Comparing it across fits with different ``n_clusters`` chooses the number of
    clusters without labels, and the signature is that of a scikit-learn scorer, so it
    can be passed as ``scoring`` to :class:`~sklearn.model_selection.GridSearchCV`.

    Unlike :func:`geodesic_silhouette` it does not score a merge of two similar clusters
    as nearly as good as the truth: the merged clusters still make their own part of the
    graph, so the eigenvalue after the model's ``k`` stays small. It chose the true
    number more often than the silhouettes on the package's number-of-clusters
    benchmark. The default of 20 neighbours is the graph of the clusterer's partition.
    With more than 2,000 rows it is computed on a fixed random subset of 2,000 of them.

    Parameters
    ----------
    estimator : fitted clusterer with ``transform`` and ``predict_proba``
        For example a fitted :class:`skgwae.GWAEClusterer`; ``k`` is the number of
        columns of ``predict_proba``.
    X : array-like of shape (n_samples, n_features)
        Rows to score, usually the training rows; more than ``k + 1``.
    y : None
        Ignored; present for the scorer signature.
    n_neighbors : int, default=20
        Neighbours of each row in the graph, itself included (at most ``n_samples - 1``
        are used).

    Returns
    -------
    eigengap : float
        In [0, 2].

    See Also
    --------
    geodesic_silhouette : The silhouette of the clusters under the data's geodesic distance.
    latent_silhouette : The silhouette of the clusters in the latent space.
    skgwae.GWAEClusterer.bic : A likelihood criterion for the number of clusters.
    sklearn.cluster.SpectralClustering : Clustering on the same kind of graph.

    Examples
    --------
    >>> from sklearn.datasets import make_blobs
    >>> from skgwae import GWAEClusterer
    >>> from skgwae.metrics import latent_eigengap
    >>> X, _ = make_blobs(n_samples=200, centers=3, n_features=6, random_state=0)
    >>> clusterer = GWAEClusterer(n_clusters=3, max_iter=20, random_state=0).fit(X)
    >>> bool(latent_eigengap(clusterer, X) > 0.1)
    True
    """
    _check_n_neighbors(n_neighbors)
    n_samples = check_array(X, dtype=None, input_name="X").shape[0]
    subset = _fixed_subset(n_samples, EIGENGAP_MAX_ROWS)
    if subset is not None:
        X, n_samples = _safe_indexing(X, subset), subset.size
    # Only the column count: the number of components the model has.
    n_clusters = np.asarray(estimator.predict_proba(_safe_indexing(X, [0]))).shape[1]
    if n_samples < n_clusters + 2:
        raise ValueError(
            f"latent_eigengap needs more than n_clusters + 1 = {n_clusters + 1} rows; "
            f"got {n_samples}."
        )
    codes = np.asarray(estimator.transform(X), dtype=np.float64)
    # The graph of the clusterer's partition (its codes' part).
    graph = neighbour_affinity(codes, int(n_neighbors))
    eigenvalues = laplacian_low_eigenvalues(graph, n_clusters + 1)
    return float(eigenvalues[n_clusters] - eigenvalues[n_clusters - 1])


def latent_silhouette(estimator, X, y=None):
    """Silhouette of a fitted clusterer's clusters in its latent space (higher is better).

    The mean silhouette coefficient (:func:`sklearn.metrics.silhouette_score`) of the
    labels ``estimator.predict(X)`` under the Euclidean distance between the codes
    ``estimator.transform(X)``. A row's coefficient compares its mean distance to the rows
    of its own cluster with that to the rows of the nearest other cluster, so the score is
    high when the clusters are compact and far apart, and it falls when a true cluster is
    split in two (the halves are close) or two are merged (the merged cluster is wide).
    Comparing it across fits with different ``n_clusters`` chooses the number of clusters
    without labels; the signature is that of a scikit-learn scorer, so it can be passed as
    ``scoring`` to :class:`~sklearn.model_selection.GridSearchCV`.

    It is computed in the latent space because that is where the clusterer assigns rows,
    and, unlike a likelihood criterion, it does not depend on the scale the encoder gave
    the codes or charge for covariance parameters. But each fit's codes are shaped by its
    own mixture prior, so fits with different ``n_clusters`` are not measured with the
    same ruler; :func:`latent_eigengap` chose the true number more often on the
    package's number-of-clusters benchmark. With more than 5,000 rows
    it is computed on a fixed random subset of 5,000 of them (its cost grows with the
    square of the rows).

    Parameters
    ----------
    estimator : fitted clusterer with ``transform`` and ``predict``
        For example a fitted :class:`skgwae.GWAEClusterer`.
    X : array-like of shape (n_samples, n_features)
        Rows to score, usually the training rows; at least 3.
    y : None
        Ignored; present for the scorer signature.

    Returns
    -------
    silhouette : float
        In [-1, 1]. -1 when every row is predicted in the same cluster (the silhouette is
        then undefined, and one cluster is the worst answer to how the rows group).

    See Also
    --------
    latent_eigengap : The eigengap of the codes' graph at the number of clusters.
    geodesic_silhouette : The silhouette of the clusters under the data's geodesic distance.
    skgwae.GWAEClusterer.bic : A likelihood criterion for the number of clusters.
    sklearn.metrics.silhouette_score : The coefficient on any features.

    Examples
    --------
    >>> from sklearn.datasets import make_blobs
    >>> from skgwae import GWAEClusterer
    >>> from skgwae.metrics import latent_silhouette
    >>> X, _ = make_blobs(n_samples=200, centers=3, n_features=6, random_state=0)
    >>> clusterer = GWAEClusterer(n_clusters=3, max_iter=20, random_state=0).fit(X)
    >>> bool(latent_silhouette(clusterer, X) > 0.5)
    True
    """
    codes, labels = _codes_and_labels(estimator, X, "latent_silhouette")
    n_samples = labels.shape[0]
    if n_samples > SILHOUETTE_MAX_ROWS:
        # A fixed subset, so that two fits are compared on the same rows.
        rows = np.random.default_rng(0).choice(n_samples, SILHOUETTE_MAX_ROWS, replace=False)
        codes, labels = codes[rows], labels[rows]
    return _silhouette(lambda: codes, labels, "euclidean")


def latent_modularity(estimator, X, y=None, *, n_neighbors=10):
    """Modularity of a fitted clusterer's clusters on its codes' neighbour graph.

    Higher is better. The graph links each row to its ``n_neighbors`` nearest rows in the codes
    ``estimator.transform(X)`` (Euclidean distance; an edge when either row is among the
    other's neighbours). The modularity of the labels ``estimator.predict(X)`` is the
    fraction of the graph's edges that join two rows of the same cluster, minus the
    fraction expected if the edges were placed at random between the same rows with the
    same degrees (Newman's modularity). Splitting a true cluster cuts the many edges
    inside it, and merging two clusters raises the expected fraction more than the
    observed one, so both lower the score. Comparing it across fits with different
    ``n_clusters`` chooses the number of clusters without labels; the signature is that
    of a scikit-learn scorer, so it can be passed as ``scoring`` to
    :class:`~sklearn.model_selection.GridSearchCV`.

    Unlike :func:`latent_silhouette`, it depends only on which rows are among each
    other's nearest neighbours, not on the distances between the codes. Its bias runs
    towards more clusters: k perfectly separated clusters of equal size score 1 - 1/k, so
    a split of a cluster where few edges cross (a long, thin cluster, or any cluster in
    two latent dimensions) can pay, and two or three clusters (0.5, 0.667) are often split
    into more. :class:`~skgwae.GWAEClusterer` partitions its codes on their neighbour graph,
    so the extra components of a model with too many find exactly such cuts. To choose
    the number of clusters prefer :func:`latent_eigengap`. The
    default of 10 neighbours is a usual size for such graphs; 5 and 15 made nearly the
    same choices on the package's number-of-clusters benchmark.

    Parameters
    ----------
    estimator : fitted clusterer with ``transform`` and ``predict``
        For example a fitted :class:`skgwae.GWAEClusterer`.
    X : array-like of shape (n_samples, n_features)
        Rows to score, usually the training rows; at least 3.
    y : None
        Ignored; present for the scorer signature.
    n_neighbors : int, default=10
        Neighbours of each row in the graph (at most ``n_samples - 1`` are used).

    Returns
    -------
    modularity : float
        In [-0.5, 1). 0 when every row is predicted in the same cluster.

    See Also
    --------
    latent_eigengap : The eigengap of the codes' graph at the number of clusters.
    latent_silhouette : The silhouette of the clusters in the latent space.
    geodesic_silhouette : The silhouette of the clusters under the data's geodesic distance.
    skgwae.GWAEClusterer.bic : A likelihood criterion for the number of clusters.

    Examples
    --------
    >>> from sklearn.datasets import make_blobs
    >>> from skgwae import GWAEClusterer
    >>> from skgwae.metrics import latent_modularity
    >>> X, _ = make_blobs(n_samples=200, centers=3, n_features=6, random_state=0)
    >>> clusterer = GWAEClusterer(n_clusters=3, max_iter=20, random_state=0).fit(X)
    >>> bool(latent_modularity(clusterer, X) > 0.5)
    True
    """
    _check_n_neighbors(n_neighbors)
    codes, labels = _codes_and_labels(estimator, X, "latent_modularity")
    n_samples = labels.shape[0]
    _, labels = np.unique(labels, return_inverse=True)
    graph = kneighbors_graph(codes, min(int(n_neighbors), n_samples - 1))
    graph = graph.maximum(graph.T).tocoo()
    degrees = np.bincount(graph.row, weights=graph.data, minlength=n_samples)
    total = degrees.sum()  # twice the number of edges
    inside = graph.data[labels[graph.row] == labels[graph.col]].sum() / total
    expected = np.square(np.bincount(labels, weights=degrees) / total).sum()
    return float(inside - expected)


def geodesic_silhouette(estimator, X, y=None, *, n_neighbors=10):
    """Silhouette of a fitted clusterer's clusters under the data's geodesic distance.

    Higher is better. The mean silhouette coefficient
    (:func:`sklearn.metrics.silhouette_score`) of the labels ``estimator.predict(X)``,
    where the distance between two rows of X is the length of the shortest path between
    them on the graph that joins each row to its ``n_neighbors`` nearest rows (edges of
    Euclidean length, an edge when either row is among the other's neighbours), Isomap's
    geodesic distance. A cluster that follows a curved or elongated part of the data
    keeps a high coefficient, and a split of such a part scores low, because the halves
    meet along a short path; merging two parts that only a long path joins scores low
    too. Separate parts of the graph are joined by their shortest edges, silently:
    well-separated clusters make such parts, and the edge between two of them is the gap
    the silhouette should see. Comparing it across fits with different ``n_clusters``
    chooses the number of clusters without labels, and the signature is that of a
    scikit-learn scorer, so it can be passed as ``scoring`` to
    :class:`~sklearn.model_selection.GridSearchCV`.

    It is measured on the data, not on the codes: each fit shapes its latent space after
    its own number of clusters (its mixture prior has ``n_clusters`` components), so codes
    of two fits are not a common ruler, while the data's graph is the same for every fit.
    It needs only ``predict``, so it also compares other clusterers (for example
    :class:`~sklearn.mixture.GaussianMixture`) on the same data. With more than 2,000 rows
    it is computed on a fixed random subset of 2,000 of them, on that subset's own graph
    (the shortest paths between all rows are tabulated, so memory grows with the square of
    the rows). The default of 10 neighbours is a usual size for such graphs. A clean
    merge of two similar clusters scores nearly as well as the two, so with a clusterer
    that merges cleanly it can choose too few; :func:`latent_eigengap` does not, and
    chose the true number more often on the package's number-of-clusters benchmark.

    Parameters
    ----------
    estimator : fitted clusterer with ``predict``
        For example a fitted :class:`skgwae.GWAEClusterer`.
    X : array-like of shape (n_samples, n_features)
        Rows to score, usually the training rows; at least 3.
    y : None
        Ignored; present for the scorer signature.
    n_neighbors : int, default=10
        Neighbours of each row in the graph (at most ``n_samples - 1`` are used).

    Returns
    -------
    silhouette : float
        In [-1, 1]. -1 when every row is predicted in the same cluster (the silhouette is
        then undefined, and one cluster is the worst answer to how the rows group).

    See Also
    --------
    latent_eigengap : The eigengap of the codes' graph at the number of clusters.
    latent_silhouette : The silhouette of the clusters in the latent space.
    sklearn.manifold.Isomap : An embedding that preserves the same geodesic distance.

    Examples
    --------
    >>> from sklearn.datasets import make_blobs
    >>> from skgwae import GWAEClusterer
    >>> from skgwae.metrics import geodesic_silhouette
    >>> X, _ = make_blobs(n_samples=200, centers=3, n_features=6, random_state=0)
    >>> clusterer = GWAEClusterer(n_clusters=3, max_iter=20, random_state=0).fit(X)
    >>> bool(geodesic_silhouette(clusterer, X) > 0.5)
    True
    """
    _check_n_neighbors(n_neighbors)
    rows = check_array(X, dtype=(np.float64, np.float32), input_name="X")
    if rows.shape[0] < 3:
        raise ValueError(f"geodesic_silhouette needs at least 3 rows; got {rows.shape[0]}.")
    subset = _fixed_subset(rows.shape[0], GEODESIC_SILHOUETTE_MAX_ROWS)
    if subset is not None:
        rows, X = rows[subset], _safe_indexing(X, subset)
    # X as given (a DataFrame keeps its column names for the estimator).
    labels = np.asarray(estimator.predict(X))
    return _silhouette(
        lambda: dijkstra(neighbour_graph(rows, int(n_neighbors), warn=False), directed=False),
        labels,
        "precomputed",
    )


def _fixed_subset(n_samples, max_rows):
    """Sorted indices of a fixed random subset of ``max_rows`` rows, or None when there are
    not more rows than that: fixed, so that two fits are compared on the same rows."""
    if n_samples <= max_rows:
        return None
    return np.sort(np.random.default_rng(0).choice(n_samples, max_rows, replace=False))


def _check_n_neighbors(n_neighbors):
    if not isinstance(n_neighbors, Integral) or isinstance(n_neighbors, bool) or n_neighbors < 1:
        raise ValueError(f"n_neighbors must be an int >= 1; got {n_neighbors!r}.")


def _silhouette(features, labels, metric):
    """The mean silhouette of ``labels`` on ``features()`` (rows, or a distance matrix when
    ``metric="precomputed"``), built only when the silhouette is defined: -1 for a single
    cluster (the worst answer to how the rows group), 0 when every row is alone (each
    coefficient is 0 by definition)."""
    n_labels = np.unique(labels).size
    if n_labels < 2:
        return -1.0
    if n_labels == labels.shape[0]:
        return 0.0
    return float(silhouette_score(features(), labels, metric=metric))


def _codes_and_labels(estimator, X, name):
    """The codes and predicted labels of X, for a label-free score ``name`` that needs at
    least 3 rows."""
    codes = np.asarray(estimator.transform(X))
    labels = np.asarray(estimator.predict(X))
    if labels.shape[0] < 3:
        raise ValueError(f"{name} needs at least 3 rows; got {labels.shape[0]}.")
    return codes, labels
