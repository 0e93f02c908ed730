"""Known-answer tests of the data-side distances (skgwae._geometry), and what the
estimators' metric parameter gives and refuses."""

import numpy as np
import pytest
import torch
from sklearn import config_context
from sklearn.datasets import load_digits
from threadpoolctl import threadpool_limits

import skgwae._data as data_module
from skgwae import GWAEClusterer, GWAETransformer
from skgwae._geometry import DataGeometry, cosine_pairs, min_plus_pairs, neighbour_graph

# The estimators' fits here run to their tiny max_iter.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def circle(n, radius=1.0):
    angles = 2 * np.pi * np.arange(n) / n
    return radius * np.column_stack([np.cos(angles), np.sin(angles)])


def circle_geodesic(n, radius=1.0):
    """Shortest paths along the n-gon inscribed in the circle: hops times the chord."""
    i = np.arange(n)
    hops = np.abs(i[:, None] - i[None, :])
    hops = np.minimum(hops, n - hops)
    return hops * 2 * radius * np.sin(np.pi / n)


def all_pairs(geometry, n):
    fn = geometry.pair_distance_fn("cpu")
    X = torch.zeros(n, 1)  # unused by the geodesic lookup
    # In the graph's own unit (the geometry rescales to the mean Euclidean distance).
    return fn(X, torch.arange(n)).numpy() / geometry.scale_


def test_geodesic_on_a_circle_is_the_polygon_path():
    n = 60
    X = circle(n)
    geometry = DataGeometry("geodesic", n_neighbors=2, n_reference=n).fit(
        X, np.random.RandomState(0)
    )
    # Every row is a landmark: the landmark formula is exact.
    np.testing.assert_allclose(all_pairs(geometry, n), circle_geodesic(n), atol=1e-5)


def test_geodesic_on_a_line_is_the_distance_along_it():
    # Gaps in [1, 1.5]: the 2 nearest rows of any row are its two sides, so the graph is
    # the path along the line.
    x = np.cumsum(np.random.RandomState(1).uniform(1, 1.5, size=40))
    X = np.column_stack([x, np.zeros_like(x)])
    geometry = DataGeometry("geodesic", n_neighbors=2, n_reference=40).fit(
        X, np.random.RandomState(0)
    )
    expected = np.abs(x[:, None] - x[None, :])
    np.testing.assert_allclose(all_pairs(geometry, 40), expected, atol=1e-4)


def test_a_grid_of_axis_neighbours_gives_manhattan_distances():
    # On a grid with spacing 1, rows on the border take a diagonal edge (sqrt 2) among
    # their 4 neighbours, so compare with all-pairs shortest paths of the same graph.
    from scipy.sparse.csgraph import shortest_path

    g = np.stack(np.meshgrid(np.arange(6), np.arange(6)), -1).reshape(-1, 2).astype(float)
    graph = neighbour_graph(g, 4)
    geometry = DataGeometry("geodesic", n_neighbors=4, n_reference=36).fit(
        g, np.random.RandomState(0)
    )
    np.testing.assert_allclose(
        all_pairs(geometry, 36), shortest_path(graph, directed=False), atol=1e-5
    )
    # Axis-aligned pairs on the same row of the grid are joined by unit steps.
    assert all_pairs(geometry, 36)[0, 5] == pytest.approx(5.0)


def test_disconnected_graph_is_joined_with_a_warning():
    left = np.column_stack([np.arange(5.0), np.zeros(5)])
    right = left + [100.0, 0.0]
    X = np.vstack([left, right])
    with pytest.warns(UserWarning, match="2 connected components"):
        geometry = DataGeometry("geodesic", n_neighbors=1, n_reference=10).fit(
            X, np.random.RandomState(0)
        )
    D = all_pairs(geometry, 10)
    assert np.isfinite(D).all()
    # From the left end to the right end: 4 along the left, the bridge of 96, 4 along.
    assert D[0, 9] == pytest.approx(104.0)


def test_duplicate_rows_stay_joined_at_distance_zero():
    # Three points on a line, each three times: with 2 neighbours a row's edges all go to
    # its copies, so the graph has 3 components (not 9: the zero-length edges are kept).
    X = np.repeat([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0]], 3, axis=0)
    with pytest.warns(UserWarning, match="has 3 connected components"):
        geometry = DataGeometry("geodesic", n_neighbors=2, n_reference=9).fit(
            X, np.random.RandomState(0)
        )
    D = all_pairs(geometry, 9)
    point = np.repeat(np.arange(3), 3)
    np.testing.assert_allclose(D[point[:, None] == point[None, :]], 0.0, atol=1e-5)
    # Every pair of components is bridged by its shortest edge, as Isomap joins them.
    assert D[0, 3] == pytest.approx(1.0)
    assert D[3, 6] == pytest.approx(2.0)
    assert D[0, 6] == pytest.approx(3.0)


def test_joining_many_components_keeps_each_pair_shortest_edge():
    from scipy.sparse.csgraph import connected_components
    from sklearn.metrics import pairwise_distances
    from sklearn.neighbors import NearestNeighbors

    rng = np.random.RandomState(0)
    centers = rng.uniform(-50, 50, size=(12, 3))
    X = np.vstack([c + rng.randn(rng.randint(2, 6), 3) for c in centers])
    with pytest.warns(UserWarning, match="connected components"):
        graph = neighbour_graph(X, 1)
    # The components before joining: those of the plain 1-nearest-neighbour graph.
    knn = NearestNeighbors(n_neighbors=1).fit(X).kneighbors_graph(mode="connectivity")
    knn_parts, knn_labels = connected_components(knn, directed=False)
    assert knn_parts > 2
    # Between any two of them the graph has one edge each way, of their shortest distance.
    D = pairwise_distances(X)
    coo = graph.tocoo()
    across = knn_labels[coo.row] != knn_labels[coo.col]
    pairs = {}
    for i, j, length in zip(coo.row[across], coo.col[across], coo.data[across]):
        key = tuple(sorted((knn_labels[i], knn_labels[j])))
        pairs.setdefault(key, []).append(length)
        assert length == pytest.approx(D[i, j])
    assert len(pairs) == knn_parts * (knn_parts - 1) // 2
    for (a, b), found in pairs.items():
        shortest = D[np.ix_(knn_labels == a, knn_labels == b)].min()
        assert found == pytest.approx([shortest, shortest])


@pytest.mark.parametrize("n_reference", [4, 8, 16])
def test_landmark_approximation_error_bound(n_reference):
    n = 80
    X = circle(n)
    geometry = DataGeometry("geodesic", n_neighbors=2, n_reference=n_reference).fit(
        X, np.random.RandomState(0)
    )
    approx = all_pairs(geometry, n)
    exact = circle_geodesic(n)
    # An upper bound, exact on the diagonal ...
    assert (approx >= exact - 1e-5).all()
    np.testing.assert_allclose(np.diag(approx), 0.0)
    # ... and off by at most twice the distance from either row to its nearest landmark
    # (the triangle inequality through that landmark).
    to_nearest = geometry.landmark_distances_.min(axis=1) / geometry.scale_
    bound = 2 * np.minimum(to_nearest[:, None], to_nearest[None, :])
    assert (approx - exact <= bound + 1e-5).all()
    # Exact whenever one of the two rows is a landmark.
    is_landmark = to_nearest < 1e-6
    np.testing.assert_allclose(approx[is_landmark], exact[is_landmark], atol=1e-5)


def test_new_rows_join_the_graph_through_their_neighbours():
    n = 40
    X = circle(n)
    geometry = DataGeometry("geodesic", n_neighbors=2, n_reference=n).fit(
        X, np.random.RandomState(0)
    )
    # A new row halfway between training rows 0 and 1 (on the chord).
    new = 0.5 * (X[0] + X[1])
    half_chord = np.sin(np.pi / n)
    d = geometry.reference_distances(new[None])[0] / geometry.scale_
    reference = geometry.reference_rows_
    # Rows are sorted landmarks here: all rows, in order.
    np.testing.assert_allclose(reference, X.astype(np.float32))
    expected = half_chord + np.minimum(circle_geodesic(n)[0], circle_geodesic(n)[1])
    np.testing.assert_allclose(d, expected, atol=1e-5)
    # A training row, given as a new row, gets its own distances.
    np.testing.assert_allclose(
        geometry.reference_distances(X[5:6])[0] / geometry.scale_, circle_geodesic(n)[5], atol=1e-5
    )


def test_reference_distances_do_not_depend_on_other_rows():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 5))
    for metric in ("euclidean", "cosine", "geodesic", "potential"):
        geometry = DataGeometry(metric, n_neighbors=5, n_reference=32).fit(X, rng)
        new = rng.normal(size=(30, 5))
        together = geometry.reference_distances(new)
        alone = np.vstack([geometry.reference_distances(row[None]) for row in new])
        np.testing.assert_allclose(together, alone, rtol=1e-6)


@pytest.mark.filterwarnings("ignore:The .*-nearest-neighbour graph")
@pytest.mark.parametrize("metric, n_neighbors", [("geodesic", 5), ("potential", 3)])
def test_reference_distances_of_rows_with_tied_neighbours(metric, n_neighbors):
    # Pixels in sixteenths: many rows have several training rows at the same distance,
    # and which of them a threaded search returned depended on how many rows it searched
    # at once (with 2 threads, 3 of these 896 rows got other distances when searched
    # together; see tests/test_neighbours.py for the rule that settles ties).
    X, y = load_digits(return_X_y=True)
    X = (X / 16.0).astype(np.float32)
    geometry = DataGeometry(metric, n_neighbors=n_neighbors).fit(
        X[y < 5][:630], np.random.RandomState(0)
    )
    new = X[y >= 5]
    # (The session runs one thread, conftest.py; the search's threads are OpenMP's.)
    with threadpool_limits(2, user_api="openmp"):
        together = geometry.reference_distances(new)
        alone = np.vstack([geometry.reference_distances(row[None]) for row in new])
    np.testing.assert_array_equal(together, alone)


@pytest.mark.parametrize("metric", ["cosine", "geodesic", "potential"])
def test_distances_are_rescaled_to_the_mean_euclidean_distance(metric):
    from sklearn.metrics import pairwise_distances

    X = np.random.RandomState(0).normal(size=(300, 6)) + 3.0
    geometry = DataGeometry(metric, n_neighbors=6, n_reference=64).fit(
        X, np.random.RandomState(0)
    )
    R = geometry.reference_rows_
    D = geometry.reference_distances(R)
    off = ~np.eye(len(R), dtype=bool)
    assert D[off].mean() == pytest.approx(pairwise_distances(R)[off].mean(), rel=1e-4)
    # The training pairs are on the same scale as the distances to new rows.
    fn = geometry.pair_distance_fn("cpu")
    x = torch.as_tensor(X, dtype=torch.float32)
    pairs = fn(x, torch.arange(300)).numpy()
    if metric == "cosine":
        np.testing.assert_allclose(
            pairs[:5, :5], geometry.scale_ * cosine_distances_(X[:5]), atol=1e-5
        )


def cosine_distances_(X):
    from sklearn.metrics.pairwise import cosine_distances

    return cosine_distances(X)


def test_cosine_pairs_match_scikit_learn():
    from sklearn.metrics.pairwise import cosine_distances

    x = np.random.RandomState(0).normal(size=(20, 7)).astype(np.float32)
    np.testing.assert_allclose(
        cosine_pairs(torch.from_numpy(x)).numpy(), cosine_distances(x), atol=1e-5
    )


def test_min_plus_pairs_blocks_agree():
    a = torch.rand(150, 9)
    expected = (a[:, None, :] + a[None, :, :]).amin(-1)
    expected.fill_diagonal_(0.0)
    torch.testing.assert_close(min_plus_pairs(a, block=7), expected)


def test_unknown_metric_is_refused():
    with pytest.raises(ValueError, match="metric must be one of"):
        DataGeometry("manhattan")


@pytest.mark.parametrize("metric", ["euclidean", "cosine"])
def test_neighbour_affinities_match_one_search_per_count(metric):
    """One search serves every count: on rows with distinct distances, each graph is the
    one scikit-learn's kneighbors_graph gives for its count (itself included), made
    symmetric as SpectralClustering does."""
    from sklearn.neighbors import kneighbors_graph

    from skgwae._geometry import neighbour_affinities

    X = np.random.RandomState(0).rand(120, 6)
    graphs = neighbour_affinities(X, (20, 10, 3), metric)
    for count, graph in zip((20, 10, 3), graphs, strict=True):
        one = kneighbors_graph(X, count, metric=metric, include_self=True)
        np.testing.assert_array_equal(graph.toarray(), (0.5 * (one + one.T)).toarray())
    # More neighbours than rows: at most len(X) - 1 of them, itself included.
    (few,) = neighbour_affinities(X[:5], (20,), metric)
    one = kneighbors_graph(X[:5], 4, metric=metric, include_self=True)
    np.testing.assert_array_equal(few.toarray(), (0.5 * (one + one.T)).toarray())


def _cycle(n_nodes):
    """The cycle graph on ``n_nodes`` nodes (each joined to the next), sparse."""
    import scipy.sparse

    nodes = np.arange(n_nodes)
    graph = scipy.sparse.coo_matrix(
        (np.ones(n_nodes), (nodes, (nodes + 1) % n_nodes)), shape=(n_nodes, n_nodes)
    )
    return (graph + graph.T).tocsr()


@pytest.mark.parametrize("n_nodes", [30, 400])  # the dense solver, then the sparse one
def test_laplacian_low_eigenvalues_of_a_cycle(n_nodes):
    """Every node of a cycle has degree 2, so its normalized Laplacian is I - A / 2, whose
    eigenvalues are 1 - cos(2 pi j / n) for j = 0 .. n - 1."""
    from skgwae._geometry import laplacian_low_eigenvalues

    known = np.sort(1.0 - np.cos(2.0 * np.pi * np.arange(n_nodes) / n_nodes))
    np.testing.assert_allclose(
        laplacian_low_eigenvalues(_cycle(n_nodes), 7), known[:7], atol=1e-10
    )


def test_laplacian_low_eigenvalues_of_separate_cycles(monkeypatch):
    """A graph of several connected parts has the union of their spectra, each part
    solved on its own (the sparse solver never sees a zero eigenvalue of several copies);
    with more parts than values asked for, every value is 0."""
    import scipy.sparse
    import scipy.sparse.linalg

    import skgwae._geometry as geometry

    solved = []
    eigsh = scipy.sparse.linalg.eigsh

    def recording(matrix, *args, **kwargs):
        solved.append(matrix.shape[0])
        return eigsh(matrix, *args, **kwargs)

    monkeypatch.setattr(scipy.sparse.linalg, "eigsh", recording)
    sizes = [30, 250, 400]  # the first part dense, the others sparse
    graph = scipy.sparse.block_diag([_cycle(n) for n in sizes]).tocsr()
    known = np.sort(
        np.concatenate([1.0 - np.cos(2.0 * np.pi * np.arange(n) / n) for n in sizes])
    )
    np.testing.assert_allclose(
        geometry.laplacian_low_eigenvalues(graph, 8), known[:8], atol=1e-10
    )
    assert sorted(solved) == [250, 400]
    many = scipy.sparse.block_diag([_cycle(300)] * 12).tocsr()
    np.testing.assert_allclose(geometry.laplacian_low_eigenvalues(many, 11), 0.0, atol=1e-10)


def test_laplacian_low_eigenvalues_fall_back_to_the_dense_solver(monkeypatch):
    """Where the sparse solver fails, the dense one answers up to DENSE_FALLBACK_NODES
    nodes, and above that the failure is raised, not hidden."""
    import scipy.sparse.linalg

    import skgwae._geometry as geometry

    def fails(*args, **kwargs):
        raise scipy.sparse.linalg.ArpackNoConvergence("no convergence", [], [])

    monkeypatch.setattr(scipy.sparse.linalg, "eigsh", fails)
    known = np.sort(1.0 - np.cos(2.0 * np.pi * np.arange(400) / 400))
    np.testing.assert_allclose(
        geometry.laplacian_low_eigenvalues(_cycle(400), 5), known[:5], atol=1e-10
    )
    monkeypatch.setattr(geometry, "DENSE_FALLBACK_NODES", 300)
    with pytest.raises(scipy.sparse.linalg.ArpackNoConvergence):
        geometry.laplacian_low_eigenvalues(_cycle(400), 5)


def test_new_row_pairs_of_training_rows_are_their_graph_distances():
    # partial_fit continuing a geodesic fit joins its rows to the graph through their
    # nearest fitted rows; a fitted row is its own nearest, so it keeps its distances.
    X = circle(60)
    geometry = DataGeometry("geodesic", n_neighbors=2, n_reference=12).fit(
        X, np.random.RandomState(0)
    )
    rows = torch.as_tensor(X[[3, 17, 40, 41]], dtype=torch.float32)
    new = geometry.for_new_rows().pair_distance_fn("cpu")(rows, None)
    fitted = geometry.pair_distance_fn("cpu")(rows, torch.tensor([3, 17, 40, 41]))
    np.testing.assert_allclose(new.numpy(), fitted.numpy(), rtol=1e-5)
    # The view leaves the fitted geometry as it was.
    assert getattr(geometry, "_rows_in_graph", True)


def test_the_table_of_training_pairs_is_rebuilt_after_pickling():
    import pickle

    X = circle(30)
    geometry = DataGeometry("geodesic", n_neighbors=2, n_reference=8).fit(
        X, np.random.RandomState(0)
    )
    assert geometry._pair_table.shape == (30, 30)
    restored = pickle.loads(pickle.dumps(geometry))
    assert restored._pair_table is None  # not in the pickle
    np.testing.assert_array_equal(all_pairs(restored, 30), all_pairs(geometry, 30))


# --------------------------------------------------------------------------------------------
# The metric parameter of the estimators: what "auto" gives, and what each metric refuses
# --------------------------------------------------------------------------------------------

ROWS = np.random.RandomState(0).normal(size=(120, 5))


@pytest.fixture
def quick(fast_params):
    return {**fast_params, "max_iter": 1}


def test_metric_auto_gives_the_transformer_the_geodesic_metric_on_rows_in_memory(quick):
    est = GWAETransformer(**quick).fit(ROWS)
    assert est.metric == "auto" and est.metric_ == "geodesic"
    assert est._geometry.n_neighbors == 5
    # The clusterer partitions better in the Euclidean geometry.
    assert GWAEClusterer(n_clusters=2, **quick).fit(ROWS).metric_ == "euclidean"
    assert GWAETransformer(**quick, metric="cosine").fit(ROWS).metric_ == "cosine"


def test_metric_auto_is_euclidean_where_the_graph_cannot_train(quick, monkeypatch):
    # Generated points have no place in the graph.
    assert GWAETransformer(**quick, gw_coupling="both").fit(ROWS).metric_ == "euclidean"
    # A first partial_fit sees one chunk.
    assert GWAETransformer(**quick).partial_fit(ROWS).metric_ == "euclidean"
    # Data read by chunks (a working memory below the data's size) is not all in memory.
    with config_context(working_memory=ROWS.nbytes / 8 / 2**20):
        assert GWAETransformer(**quick).fit(ROWS).metric_ == "euclidean"
    # More training rows than the graph is worth its cost for (120; 108 beside the
    # validation rows).
    monkeypatch.setattr(data_module, "AUTO_GEODESIC_ROWS", 110)
    assert GWAETransformer(**quick, early_stopping=False).fit(ROWS).metric_ == "euclidean"
    assert GWAETransformer(**quick, early_stopping=True).fit(ROWS).metric_ == "geodesic"


@pytest.mark.parametrize("metric", ["geodesic", "potential"])
def test_explicit_graph_metric_is_refused_where_it_cannot_train(quick, metric):
    est = GWAETransformer(**quick, metric=metric)
    with pytest.raises(ValueError, match=f"no place in the '{metric}' geometry"):
        est.set_params(gw_coupling="generative").fit(ROWS)
    est.set_params(gw_coupling="inference")
    with pytest.raises(ValueError, match=f"metric='{metric}' builds its neighbour graph"):
        est.partial_fit(ROWS)
    with pytest.raises(ValueError, match="partial_fit sees one chunk at a time"):
        est.partial_fit(ROWS)
    with config_context(working_memory=ROWS.nbytes / 8 / 2**20):
        with pytest.raises(ValueError, match="data read by chunks is not held in memory"):
            est.fit(ROWS)
    assert not hasattr(est, "model_")


def test_partial_fit_trains_on_through_the_fitted_geodesic_graph(quick):
    est = GWAETransformer(**quick).fit(ROWS[:80])
    geometry = est._geometry
    before = est.transform(ROWS[80:])
    est.partial_fit(ROWS[80:])
    assert est._geometry is geometry and est.metric_ == "geodesic"
    assert getattr(geometry, "_rows_in_graph", True)
    assert not np.allclose(est.transform(ROWS[80:]), before)
    assert np.isfinite(est.history_[-1]["loss"])
    # Another metric than the fitted one cannot continue it.
    with pytest.raises(ValueError, match="continues a model fitted with metric='geodesic'"):
        est.set_params(metric="euclidean").partial_fit(ROWS[80:])
