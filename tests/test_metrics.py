"""skgwae.metrics (gw_distortion, cluster_accuracy) against cases with known answers."""

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from skgwae.metrics import cluster_accuracy, gw_distortion


@pytest.fixture
def X():
    return np.random.RandomState(0).normal(size=(60, 5))


def _rotation(d, seed):
    q, _ = np.linalg.qr(np.random.RandomState(seed).normal(size=(d, d)))
    return q


def test_scaled_isometry_has_zero_distortion(X):
    Z = 3.7 * X @ _rotation(5, 1) + 2.0
    assert gw_distortion(X, Z, random_state=0) == pytest.approx(0.0, abs=1e-12)


def test_value_is_at_most_the_identity_coupling(X):
    Z = X[:, :2]
    C_X, C_Z = cdist(X, X), cdist(Z, Z)
    n = len(X)
    C_X /= C_X.sum() / (n * (n - 1))
    C_Z /= C_Z.sum() / (n * (n - 1))
    identity_value = np.mean((C_X - C_Z) ** 2)
    value = gw_distortion(X, Z, n_samples=n, random_state=0)
    assert 0.0 < value <= identity_value + 1e-12


def test_unstructured_embedding_is_worse_than_a_projection():
    # Three separated clusters: a projection keeps them, Gaussian noise has none. (GW compares
    # metric-measure spaces up to the coupling, so noise shaped like the data would score
    # well; structure is what it detects.)
    rng = np.random.RandomState(0)
    centers = 6.0 * np.eye(5)[:3]
    X = np.repeat(centers, 40, axis=0) + rng.normal(size=(120, 5))
    projection = X[:, :3]
    noise = rng.normal(size=(120, 3))
    assert gw_distortion(X, noise, random_state=0) > 5 * gw_distortion(
        X, projection, random_state=0
    )


def test_subsample_is_seeded(X):
    Z = X[:, :2]
    a = gw_distortion(X, Z, n_samples=30, random_state=0)
    assert a == gw_distortion(X, Z, n_samples=30, random_state=0)
    assert a != gw_distortion(X, Z, n_samples=30, random_state=1)


def test_mismatched_rows_raise(X):
    with pytest.raises(ValueError, match="different numbers of rows"):
        gw_distortion(X, X[:-1, :2])


def test_cluster_accuracy_is_one_for_a_renamed_perfect_clustering():
    y = np.array([0, 0, 1, 1, 2, 2, 2])
    assert cluster_accuracy(y, np.array([7, 7, 3, 3, 9, 9, 9])) == 1.0
    assert cluster_accuracy(["a", "a", "b"], [1, 1, 0]) == 1.0


def test_cluster_accuracy_known_values():
    # Best matching: cluster 5 -> class 0 (2), cluster 3 -> class 1 (2), cluster 7 -> class 2.
    assert cluster_accuracy([0, 0, 1, 1, 2, 2], [5, 5, 3, 3, 3, 7]) == pytest.approx(5 / 6)
    # More clusters than classes: the extra cluster's samples count as wrong.
    assert cluster_accuracy([0, 0, 0, 0], [0, 0, 1, 2]) == pytest.approx(0.5)
    # One cluster for two balanced classes: half right.
    assert cluster_accuracy([0, 1, 0, 1], [4, 4, 4, 4]) == pytest.approx(0.5)


def test_cluster_accuracy_of_random_labels_is_near_chance():
    rng = np.random.RandomState(0)
    y = rng.randint(10, size=5000)
    assert cluster_accuracy(y, rng.randint(10, size=5000)) < 0.13


def test_cluster_accuracy_rejects_bad_input():
    with pytest.raises(ValueError):
        cluster_accuracy([0, 1, 2], [0, 1])
    with pytest.raises(ValueError):
        cluster_accuracy([], [])


def test_gw_distortion_in_the_geodesic_metric_of_a_curve():
    """A spiral unrolled onto a line is isometric in the geodesic metric, not in the
    Euclidean one."""
    from skgwae.metrics import gw_distortion

    t = np.linspace(0.5, 4 * np.pi, 300)
    X = np.column_stack([t * np.cos(t), t * np.sin(t)])
    arc = 0.5 * (t * np.sqrt(1 + t**2) + np.arcsinh(t))  # arc length of the spiral
    Z = arc[:, None]
    geodesic = gw_distortion(X, Z, metric="geodesic", n_neighbors=2, n_samples=150, random_state=0)
    euclidean = gw_distortion(X, Z, n_samples=150, random_state=0)
    assert geodesic < 1e-3
    assert euclidean > 50 * geodesic


def test_gw_distortion_cosine_ignores_row_norms():
    from skgwae.metrics import gw_distortion

    rng = np.random.RandomState(0)
    X = rng.normal(size=(100, 5))
    scaled = X * rng.uniform(1, 10, size=(100, 1))
    Z = rng.normal(size=(100, 2))
    assert gw_distortion(X, Z, metric="cosine", random_state=0) == pytest.approx(
        gw_distortion(scaled, Z, metric="cosine", random_state=0)
    )


@pytest.mark.parametrize("bad", [{"metric": "manhattan"}, {"n_neighbors": 0}])
def test_gw_distortion_rejects_bad_metric_arguments(bad):
    from skgwae.metrics import gw_distortion

    X = np.random.RandomState(0).normal(size=(20, 3))
    with pytest.raises(ValueError):
        gw_distortion(X, X[:, :2], **bad)
