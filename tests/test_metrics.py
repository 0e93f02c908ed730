"""skgwae.metrics.gw_distortion against cases with known answers."""

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from skgwae.metrics import gw_distortion


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
