"""The feature weights of ``weight_features`` (``graph_autocorrelation_weights``, which
benchmarks/cluster.py --weight-features also applies): known answers on features whose
structure is known."""

import numpy as np
import pytest

from skgwae._feature_weights import graph_autocorrelation_weights


def test_cluster_features_outweigh_noise_and_constants():
    """Two features that separate three blobs weigh more than uniform noise; a constant
    feature weighs 0; the weights have mean 1."""
    rng = np.random.RandomState(0)
    labels = rng.randint(3, size=300)
    informative = np.array([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0]])[labels] + rng.normal(
        scale=0.5, size=(300, 2)
    )
    noise = rng.uniform(-2.0, 2.0, size=(300, 6))
    X = np.hstack([informative, noise, np.ones((300, 1))])
    weights = graph_autocorrelation_weights(X)
    assert weights.shape == (9,)
    assert weights.mean() == pytest.approx(1.0)
    assert weights[8] == 0.0
    assert weights[:2].min() > 1.3 * weights[2:8].max()


def test_a_feature_that_the_graph_follows_has_autocorrelation_near_one():
    """Rows along a line in the first feature, with a second feature of tiny noise: the
    graph follows the first, whose autocorrelation is near 1, and not the second (near
    0); scaled to mean 1, their weights are near 2 and 0."""
    rng = np.random.RandomState(0)
    X = np.column_stack([np.linspace(0.0, 1.0, 200), 1e-3 * rng.normal(size=200)])
    weights = graph_autocorrelation_weights(X, rounds=1)
    assert weights[0] == pytest.approx(2.0, abs=0.1)
    assert weights[1] < 0.1


def test_all_constant_rows_get_equal_weights():
    X = np.zeros((50, 3))
    np.testing.assert_array_equal(graph_autocorrelation_weights(X), np.ones(3))
