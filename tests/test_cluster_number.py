"""The number of clusters without labels: GWAEClusterer.bic and .aic, and
skgwae.metrics.latent_eigengap, latent_silhouette, latent_modularity and
geodesic_silhouette."""

import math
import warnings

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs, make_moons
from sklearn.exceptions import NotFittedError
from sklearn.manifold import Isomap
from sklearn.metrics import silhouette_score
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import GridSearchCV

from skgwae import GWAEClusterer
from skgwae.metrics import (
    geodesic_silhouette,
    latent_eigengap,
    latent_modularity,
    latent_silhouette,
)
from skgwae.metrics._cluster import (
    EIGENGAP_MAX_ROWS,
    GEODESIC_SILHOUETTE_MAX_ROWS,
    SILHOUETTE_MAX_ROWS,
)

# Every fit here runs to its tiny max_iter.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# A short fit at a small learning rate: its codes stay close to a smooth map of the blobs,
# so these tests check the criterion, not the training. (Fits at the default learning
# rate separate the latent clusters further and can split a blob; the number-of-clusters
# benchmark measures the criterion on default-like fits.)
FAST = {
    "n_components": 2,
    "hidden_layer_sizes": (16,),
    "max_iter": 5,
    "batch_size": 16,
    "learning_rate": 1e-3,
}


def _blobs(n_clusters, random_state):
    """Small, clearly separated blobs."""
    return make_blobs(
        n_samples=240,
        centers=n_clusters,
        n_features=6,
        cluster_std=1.0,
        random_state=random_state,
    )[0]


def _best_n_clusters(score, X, candidates, random_state, params):
    """The candidate n_clusters whose clusterer, fitted on X, has the highest ``score``."""
    scores = [
        score(GWAEClusterer(n_clusters=k, random_state=random_state, **params).fit(X), X)
        for k in candidates
    ]
    return candidates[int(np.argmax(scores))]


@pytest.fixture(scope="module")
def fitted():
    X = _blobs(3, 0)
    return GWAEClusterer(n_clusters=3, random_state=0, **FAST).fit(X), X


@pytest.mark.parametrize("true_k, random_state", [(2, 0), (3, 0), (4, 1), (5, 2)])
def test_bic_finds_the_number_of_clear_blobs(true_k, random_state):
    candidates = range(max(1, true_k - 2), true_k + 3)
    lowest_bic = _best_n_clusters(
        lambda est, X: -est.bic(X), _blobs(true_k, random_state), candidates, random_state, FAST
    )
    assert lowest_bic == true_k


def test_bic_is_the_whitened_mixture_bic(fitted):
    """The criterion equals GaussianMixture.bic of the same mixture on whitened codes."""
    est, X = fitted
    codes = est.transform(X).astype(np.float64)
    w, means, covs = est.weights_, est.means_, est.covariances_
    centre = w @ means
    total = np.einsum("k,kij->ij", w, covs) + np.einsum(
        "k,ki,kj->ij", w, means - centre, means - centre
    )
    # Any W with W^T W = total^-1 whitens; the inverse Cholesky factor is one.
    W = np.linalg.inv(np.linalg.cholesky(total))
    gm = GaussianMixture(est.n_clusters, covariance_type="full")
    gm.weights_ = w
    gm.means_ = (means - centre) @ W.T
    gm.covariances_ = W @ covs @ W.T
    gm.precisions_cholesky_ = np.linalg.cholesky(np.linalg.inv(gm.covariances_))
    u = (codes - centre) @ W.T
    # The model evaluates the mixture density in float32; a wrong Jacobian or parameter
    # count would be off by far more than this.
    np.testing.assert_allclose(est.bic(X), gm.bic(u), rtol=1e-4)
    np.testing.assert_allclose(est.aic(X), gm.aic(u), rtol=1e-4)


def test_aic_and_bic_differ_by_the_penalty(fitted):
    est, X = fitted
    k, d, n = est.n_clusters, est.n_components, X.shape[0]
    n_params = k * d + k * d * (d + 1) // 2 + k - 1
    assert est.bic(X) - est.aic(X) == pytest.approx(n_params * (math.log(n) - 2), rel=1e-9)


def test_criterion_is_a_sum_over_rows(fitted):
    """Each row's term depends on that row alone, so the log-likelihood parts of two halves
    add up to that of the whole, and a single row can be scored."""
    est, X = fitted
    penalty = 2 * est._n_parameters()
    whole = est.aic(X) - penalty
    halves = sum(est.aic(part) - penalty for part in (X[:100], X[100:]))
    assert whole == pytest.approx(halves, rel=1e-9)
    assert np.isfinite(est.bic(X[:1]))


def test_bic_needs_a_fitted_model():
    with pytest.raises(NotFittedError):
        GWAEClusterer().bic(np.zeros((3, 2)))


def test_bic_rejects_a_wrong_number_of_features(fitted):
    est, X = fitted
    with pytest.raises(ValueError, match="features"):
        est.bic(X[:, :-1])
    with pytest.raises(ValueError, match="features"):
        est.aic(X[:, :-1])


# ---------------------------------------------------------------------- latent_silhouette

# The silhouette is not misled by blobs that the default learning rate separates further
# (or splits): those halves stay close to each other. So its fits keep the default rate,
# at which five epochs already separate the blobs in the codes.
FAST_DEFAULT_RATE = {key: value for key, value in FAST.items() if key != "learning_rate"}


class _FixedClusterer:
    """A stand-in clusterer: codes are the rows themselves, labels given."""

    def __init__(self, labels):
        self.labels = np.asarray(labels)

    def transform(self, X):
        return np.asarray(X)

    def predict(self, X):
        return self.labels[: len(X)]


def test_latent_silhouette_is_the_silhouette_of_the_codes(fitted):
    est, X = fitted
    expected = silhouette_score(est.transform(X), est.predict(X))
    assert latent_silhouette(est, X) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("true_k, random_state", [(2, 0), (3, 0), (4, 1), (5, 2)])
def test_latent_silhouette_finds_the_number_of_clear_blobs(true_k, random_state):
    X, candidates = _blobs(true_k, random_state), range(2, true_k + 3)
    best = _best_n_clusters(latent_silhouette, X, candidates, random_state, FAST_DEFAULT_RATE)
    assert best == true_k


def test_latent_silhouette_as_grid_search_scoring():
    X = _blobs(3, 0)
    search = GridSearchCV(
        GWAEClusterer(random_state=0, **FAST_DEFAULT_RATE),
        {"n_clusters": [2, 3, 5]},
        scoring=latent_silhouette,
        cv=[(np.arange(len(X)), np.arange(len(X)))],
    ).fit(X)
    assert search.best_params_ == {"n_clusters": 3}


def test_latent_silhouette_of_one_cluster_is_the_worst_value():
    X = np.random.default_rng(0).normal(size=(20, 2))
    assert latent_silhouette(_FixedClusterer(np.zeros(20, dtype=int)), X) == -1.0


def test_latent_silhouette_of_singletons_is_zero():
    X = np.random.default_rng(0).normal(size=(5, 2))
    assert latent_silhouette(_FixedClusterer(np.arange(5)), X) == 0.0


def test_latent_silhouette_needs_three_rows():
    with pytest.raises(ValueError, match="at least 3 rows"):
        latent_silhouette(_FixedClusterer([0, 1]), np.zeros((2, 2)))


def test_latent_silhouette_of_many_rows_uses_a_fixed_subset():
    """Above the row limit it is the silhouette of a fixed random subset of the limit's
    size (the same rows at every call), close to the whole set's."""
    rng = np.random.default_rng(0)
    n = SILHOUETTE_MAX_ROWS + 1000
    labels = rng.integers(0, 3, n)
    X = rng.normal(size=(n, 2)) + 4.0 * labels[:, None]
    est = _FixedClusterer(labels)
    rows = np.random.default_rng(0).choice(n, SILHOUETTE_MAX_ROWS, replace=False)
    value = latent_silhouette(est, X)
    assert value == pytest.approx(silhouette_score(X[rows], labels[rows]), rel=1e-12)
    assert latent_silhouette(est, X) == value
    assert value == pytest.approx(silhouette_score(X, labels), abs=0.02)


# ---------------------------------------------------------------------- latent_modularity


def _dense_modularity(codes, labels, n_neighbors):
    """Newman's modularity by its definition, (1 / 2m) sum_ij (A_ij - k_i k_j / 2m)
    [c_i = c_j], on the symmetrised nearest-neighbour graph built here with numpy."""
    n = len(codes)
    dist = np.sqrt(((codes[:, None, :] - codes[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(dist, np.inf)
    A = np.zeros((n, n))
    for i in range(n):
        A[i, np.argsort(dist[i], kind="stable")[:n_neighbors]] = 1.0
    A = np.maximum(A, A.T)
    k = A.sum(1)
    two_m = k.sum()
    same = labels[:, None] == labels[None, :]
    return ((A - np.outer(k, k) / two_m) * same).sum() / two_m


@pytest.mark.parametrize("n_neighbors", [3, 10])
def test_latent_modularity_matches_its_definition(n_neighbors):
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 4, 60)
    X = rng.normal(size=(60, 3)) + 2.0 * labels[:, None]
    got = latent_modularity(_FixedClusterer(labels), X, n_neighbors=n_neighbors)
    assert got == pytest.approx(_dense_modularity(X, labels, n_neighbors), rel=1e-12)


def test_latent_modularity_of_a_fitted_clusterer_uses_its_codes_and_labels(fitted):
    est, X = fitted
    expected = _dense_modularity(est.transform(X), est.predict(X), 10)
    assert latent_modularity(est, X) == pytest.approx(expected, rel=1e-12)


# The modularity of k perfectly separated, equal clusters is 1 - 1/k: splitting a cluster
# where few graph edges cross pays, and more so in 2 latent dimensions (a cut through a
# 2-d blob crosses fewer of its neighbour edges) and for two clusters (0.5 to beat). Its
# tests use the default 10 latent dimensions and 4 or more blobs: two blobs are split in
# three, three blobs (a bar of 0.667) in four or five, and on one draw of four blobs five
# clusters scored 0.753 against 0.750; the clusterer's spectral partition of the codes
# puts the extra components on the cheapest cuts (see the docstring).
FAST_10D = {**FAST_DEFAULT_RATE, "n_components": 10}


@pytest.mark.parametrize("true_k, random_state", [(4, 1), (5, 2), (6, 0)])
def test_latent_modularity_finds_the_number_of_clear_blobs(true_k, random_state):
    X, candidates = _blobs(true_k, random_state), range(2, true_k + 3)
    best = _best_n_clusters(latent_modularity, X, candidates, random_state, FAST_10D)
    assert best == true_k


def test_latent_modularity_as_grid_search_scoring():
    X = _blobs(5, 2)
    search = GridSearchCV(
        GWAEClusterer(random_state=2, **FAST_10D),
        {"n_clusters": [3, 5, 7]},
        scoring=latent_modularity,
        cv=[(np.arange(len(X)), np.arange(len(X)))],
    ).fit(X)
    assert search.best_params_ == {"n_clusters": 5}


def test_latent_modularity_of_one_cluster_is_zero():
    X = np.random.default_rng(0).normal(size=(20, 2))
    assert latent_modularity(_FixedClusterer(np.zeros(20, dtype=int)), X) == pytest.approx(0.0)


def test_latent_modularity_ignores_label_names():
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 3, 40)
    X = rng.normal(size=(40, 2)) + 3.0 * labels[:, None]
    renamed = np.array(["c", "a", "b"])[labels]
    assert latent_modularity(_FixedClusterer(renamed), X) == latent_modularity(
        _FixedClusterer(labels), X
    )


def test_latent_modularity_clips_the_neighbours_to_the_rows():
    X = np.arange(8.0).reshape(4, 2)
    labels = np.array([0, 0, 1, 1])
    got = latent_modularity(_FixedClusterer(labels), X, n_neighbors=10)
    assert got == pytest.approx(_dense_modularity(X, labels, 3), rel=1e-12)


def test_latent_modularity_needs_three_rows():
    with pytest.raises(ValueError, match="at least 3 rows"):
        latent_modularity(_FixedClusterer([0, 1]), np.zeros((2, 2)))


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "10"])
def test_latent_modularity_rejects_a_bad_number_of_neighbours(bad):
    with pytest.raises(ValueError, match="n_neighbors"):
        latent_modularity(
            _FixedClusterer(np.zeros(5, dtype=int)), np.zeros((5, 2)), n_neighbors=bad
        )


# ---------------------------------------------------------------------- geodesic_silhouette


class _NearestCentreClusterer:
    """A stand-in clusterer whose labels depend on each row: the nearest of given centres."""

    def __init__(self, centres):
        self.centres = np.asarray(centres, dtype=float)

    def predict(self, X):
        X = np.asarray(X)
        return np.argmin(((X[:, None, :] - self.centres[None]) ** 2).sum(-1), axis=1)


@pytest.mark.parametrize("n_neighbors", [4, 10])
def test_geodesic_silhouette_is_the_silhouette_under_isomap_distances(n_neighbors):
    """Isomap's geodesic distance matrix is an independent computation of the same
    distances."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 3)) + 3.0 * rng.integers(0, 3, 90)[:, None]
    est = _NearestCentreClusterer([[0.0] * 3, [3.0] * 3, [6.0] * 3])
    iso = Isomap(n_neighbors=n_neighbors, n_components=2).fit(X)
    expected = silhouette_score(iso.dist_matrix_, est.predict(X), metric="precomputed")
    got = geodesic_silhouette(est, X, n_neighbors=n_neighbors)
    assert got == pytest.approx(expected, rel=1e-10)


def test_geodesic_silhouette_follows_curved_clusters():
    """On two moons the moons themselves score higher than KMeans's straight cut, which
    the Euclidean silhouette prefers: the reason to measure along the data."""
    X, moons = make_moons(n_samples=300, noise=0.05, random_state=0)
    kmeans = KMeans(2, n_init=10, random_state=0).fit(X)

    class Moons:
        def predict(self, rows):
            return moons[: len(rows)]

    assert silhouette_score(X, kmeans.labels_) > silhouette_score(X, moons)
    assert geodesic_silhouette(Moons(), X) > geodesic_silhouette(kmeans, X) + 0.2


@pytest.mark.parametrize("true_k, random_state", [(2, 0), (3, 0), (5, 2)])
def test_geodesic_silhouette_finds_the_number_of_clear_blobs(true_k, random_state):
    X, candidates = _blobs(true_k, random_state), range(2, true_k + 3)
    best = _best_n_clusters(geodesic_silhouette, X, candidates, random_state, FAST_DEFAULT_RATE)
    assert best == true_k


def test_geodesic_silhouette_as_grid_search_scoring():
    X = _blobs(3, 0)
    search = GridSearchCV(
        GWAEClusterer(random_state=0, **FAST_DEFAULT_RATE),
        {"n_clusters": [2, 3, 5]},
        scoring=geodesic_silhouette,
        cv=[(np.arange(len(X)), np.arange(len(X)))],
    ).fit(X)
    assert search.best_params_ == {"n_clusters": 3}


def test_geodesic_silhouette_scores_any_clusterer_with_predict():
    X = _blobs(3, 0)
    right = GaussianMixture(3, random_state=0).fit(X)
    wrong = GaussianMixture(5, random_state=0).fit(X)
    assert geodesic_silhouette(right, X) > geodesic_silhouette(wrong, X)


def test_geodesic_silhouette_of_one_cluster_and_of_singletons():
    X = np.random.default_rng(0).normal(size=(20, 2))
    assert geodesic_silhouette(_FixedClusterer(np.zeros(20, dtype=int)), X) == -1.0
    assert geodesic_silhouette(_FixedClusterer(np.arange(5)), X[:5]) == 0.0


def test_geodesic_silhouette_ignores_label_names():
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 3, 40)
    X = rng.normal(size=(40, 2)) + 3.0 * labels[:, None]
    renamed = np.array(["c", "a", "b"])[labels]
    assert geodesic_silhouette(_FixedClusterer(renamed), X) == pytest.approx(
        geodesic_silhouette(_FixedClusterer(labels), X), rel=1e-12
    )


def test_geodesic_silhouette_joins_separate_parts_silently():
    """Well-separated clusters make a graph of separate parts: they are joined by their
    shortest edge, without the training-time warning, and score as separate."""
    X = np.vstack([np.zeros((10, 2)), np.full((10, 2), 100.0)])
    X += np.random.default_rng(0).normal(scale=0.1, size=X.shape)
    labels = np.repeat([0, 1], 10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = geodesic_silhouette(_FixedClusterer(labels), X, n_neighbors=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Isomap's own warning about the parts
        isomap_distances = Isomap(n_neighbors=3, n_components=1).fit(X).dist_matrix_
    assert value == pytest.approx(
        silhouette_score(isomap_distances, labels, metric="precomputed"), rel=1e-10
    )
    assert value > 0.9


def test_geodesic_silhouette_of_many_rows_uses_a_fixed_subset():
    """Above the row limit it is computed on a fixed random subset of the limit's size,
    on that subset's own graph (the same rows at every call)."""
    rng = np.random.default_rng(0)
    n = GEODESIC_SILHOUETTE_MAX_ROWS + 500
    centres = np.array([[0.0, 0.0], [6.0, 0.0], [0.0, 6.0]])
    X = centres[rng.integers(0, 3, n)] + rng.normal(size=(n, 2))
    est = _NearestCentreClusterer(centres)
    rows = np.sort(np.random.default_rng(0).choice(n, GEODESIC_SILHOUETTE_MAX_ROWS, replace=False))
    subset = X[rows]
    expected = silhouette_score(
        Isomap(n_neighbors=10, n_components=2).fit(subset).dist_matrix_,
        est.predict(subset),
        metric="precomputed",
    )
    value = geodesic_silhouette(est, X)
    assert value == pytest.approx(expected, rel=1e-10)
    assert geodesic_silhouette(est, X) == value


def test_geodesic_silhouette_needs_three_rows():
    with pytest.raises(ValueError, match="at least 3 rows"):
        geodesic_silhouette(_FixedClusterer([0, 1]), np.zeros((2, 2)))


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "10"])
def test_geodesic_silhouette_rejects_a_bad_number_of_neighbours(bad):
    with pytest.raises(ValueError, match="n_neighbors"):
        geodesic_silhouette(
            _FixedClusterer(np.zeros(5, dtype=int)), np.zeros((5, 2)), n_neighbors=bad
        )


def test_geodesic_silhouette_rejects_non_finite_rows():
    X = np.random.default_rng(0).normal(size=(10, 2))
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        geodesic_silhouette(_FixedClusterer(np.arange(10) % 2), X)


@pytest.mark.parametrize("n_samples", [240, GEODESIC_SILHOUETTE_MAX_ROWS + 100])
def test_geodesic_silhouette_passes_a_dataframe_to_the_estimator(n_samples):
    """A clusterer fitted on a DataFrame is given the DataFrame (with its column names),
    the whole of it or the subset's rows, and the score is that of its values."""
    pd = pytest.importorskip("pandas")
    X, y = make_blobs(n_samples=n_samples, centers=3, n_features=6, random_state=0)
    columns = [f"f{i}" for i in range(X.shape[1])]
    centres = np.array([X[y == c].mean(axis=0) for c in range(3)])
    plain = _NearestCentreClusterer(centres)

    class FrameOnly:
        def predict(self, rows):
            assert isinstance(rows, pd.DataFrame) and list(rows.columns) == columns
            return plain.predict(rows.to_numpy())

    value = geodesic_silhouette(FrameOnly(), pd.DataFrame(X, columns=columns))
    assert value == pytest.approx(geodesic_silhouette(plain, X), rel=1e-12)


# ---------------------------------------------------------------------- latent_eigengap


class _CodesClusterer:
    """A stand-in clusterer: the codes are the rows themselves, with a given number of
    mixture components (the columns of predict_proba)."""

    def __init__(self, n_clusters):
        self.n_clusters = n_clusters

    def transform(self, X):
        return np.asarray(X, dtype=float)

    def predict_proba(self, X):
        return np.full((len(X), self.n_clusters), 1.0 / self.n_clusters)


def _far_groups(n_groups, size, random_state=0):
    """``n_groups`` tight groups of ``size`` rows, far apart."""
    rng = np.random.default_rng(random_state)
    centres = 100.0 * np.arange(n_groups)[:, None] * np.ones((1, 3))
    return np.repeat(centres, size, axis=0) + rng.normal(scale=0.1, size=(n_groups * size, 3))


@pytest.mark.parametrize("n_groups", [2, 3, 5])
def test_latent_eigengap_of_separate_complete_groups(n_groups):
    """With as many neighbours as rows per group (a row is its own first one), each group
    is a complete graph and no edge joins two groups. The normalised Laplacian of the
    complete graph on m vertices has the eigenvalues 0 once and m / (m - 1) otherwise, so
    the spectrum is n_groups zeros, then 8/7: the gap is 8/7 at the true number and 0 at
    its neighbours."""
    X = _far_groups(n_groups, 8)
    gap = {k: latent_eigengap(_CodesClusterer(k), X, n_neighbors=8) for k in range(1, 7)}
    for k, value in gap.items():
        assert value == pytest.approx(8 / 7 if k == n_groups else 0.0, abs=1e-9)


def test_latent_eigengap_matches_the_laplacian_of_the_spectral_graph():
    """An independent construction of SpectralClustering's nearest-neighbour affinity and
    its normalised Laplacian, with numpy; a row's link to itself is no edge."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(70, 3)) + 3.0 * rng.integers(0, 3, 70)[:, None]
    n_neighbors = 6
    dist = ((X[:, None, :] - X[None, :, :]) ** 2).sum(-1)
    A = np.zeros((70, 70))
    for i in range(70):
        A[i, np.argsort(dist[i], kind="stable")[:n_neighbors]] = 1.0  # itself first
    A = 0.5 * (A + A.T)
    np.fill_diagonal(A, 0.0)
    d = A.sum(axis=1)
    L = np.eye(70) - A / np.sqrt(np.outer(d, d))
    eigenvalues = np.linalg.eigvalsh(L)
    for k in (2, 3, 4):
        got = latent_eigengap(_CodesClusterer(k), X, n_neighbors=n_neighbors)
        assert got == pytest.approx(eigenvalues[k] - eigenvalues[k - 1], abs=1e-10)


def test_latent_eigengap_of_a_fitted_clusterer_uses_its_codes_and_components(fitted):
    est, X = fitted
    codes = est.transform(X)

    class Same:
        n_clusters = est.n_clusters
        transform = staticmethod(lambda rows: codes)
        predict_proba = _CodesClusterer(est.n_clusters).predict_proba

    assert latent_eigengap(est, X) == pytest.approx(latent_eigengap(Same(), X), rel=1e-12)


# Fits with 10 latent dimensions, as the default: in 2 dimensions a blob's own graph is
# thinly connected, so its next eigenvalue is small and two blobs can lose to four.
@pytest.mark.parametrize("true_k, random_state", [(2, 0), (3, 0), (5, 2)])
def test_latent_eigengap_finds_the_number_of_clear_blobs(true_k, random_state):
    X, candidates = _blobs(true_k, random_state), range(2, true_k + 3)
    best = _best_n_clusters(latent_eigengap, X, candidates, random_state, FAST_10D)
    assert best == true_k


def test_latent_eigengap_as_grid_search_scoring():
    X = _blobs(3, 0)
    search = GridSearchCV(
        GWAEClusterer(random_state=0, **FAST_10D),
        {"n_clusters": [2, 3, 5]},
        scoring=latent_eigengap,
        cv=[(np.arange(len(X)), np.arange(len(X)))],
    ).fit(X)
    assert search.best_params_ == {"n_clusters": 3}


def test_latent_eigengap_of_many_rows_uses_a_fixed_subset():
    """Above the row limit it is computed on a fixed random subset of the limit's size
    (the same rows at every call)."""
    rng = np.random.default_rng(0)
    n = EIGENGAP_MAX_ROWS + 300
    X = rng.normal(size=(n, 2)) + 6.0 * rng.integers(0, 3, n)[:, None]
    rows = np.sort(np.random.default_rng(0).choice(n, EIGENGAP_MAX_ROWS, replace=False))
    value = latent_eigengap(_CodesClusterer(3), X)
    assert value == pytest.approx(latent_eigengap(_CodesClusterer(3), X[rows]), rel=1e-12)
    assert latent_eigengap(_CodesClusterer(3), X) == value


def test_latent_eigengap_passes_a_dataframe_to_the_estimator():
    pd = pytest.importorskip("pandas")
    X = _far_groups(3, 8)
    columns = ["a", "b", "c"]

    class FrameOnly(_CodesClusterer):
        def transform(self, rows):
            assert isinstance(rows, pd.DataFrame) and list(rows.columns) == columns
            return rows.to_numpy()

    frame = pd.DataFrame(X, columns=columns)
    assert latent_eigengap(FrameOnly(3), frame, n_neighbors=8) == pytest.approx(8 / 7)


def test_latent_eigengap_needs_more_rows_than_clusters():
    X = _far_groups(2, 2)
    with pytest.raises(ValueError, match="more than n_clusters"):
        latent_eigengap(_CodesClusterer(3), X)


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "10"])
def test_latent_eigengap_rejects_a_bad_number_of_neighbours(bad):
    with pytest.raises(ValueError, match="n_neighbors"):
        latent_eigengap(_CodesClusterer(2), _far_groups(2, 5), n_neighbors=bad)
