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


def test_the_weights_are_the_autocorrelations_raised_to_the_power():
    """power=2 gives the square of power=1's weights, rescaled to mean 1: the gap between
    an informative feature and a noise feature widens."""
    rng = np.random.RandomState(1)
    labels = rng.randint(2, size=200)
    X = np.column_stack([3.0 * labels + rng.normal(size=200), rng.normal(size=(200, 3))])
    linear = graph_autocorrelation_weights(X, power=1)
    squared = graph_autocorrelation_weights(X, power=2)
    np.testing.assert_allclose(squared, linear**2 / np.mean(linear**2))
    assert squared[0] / squared[1:].max() > linear[0] / linear[1:].max() > 1.0


def test_rare_standardised_features_do_not_take_the_weight():
    """Three blobs in five features beside 200 rare binary features (each set in about
    0.5 % of the rows, independently of the blobs), all standardised as StandardScaler
    does: a rare feature is then about 14 standard deviations from its mean in the rows
    that have it. Were the neighbours found on those values, the rows that share a rare
    feature would be neighbours and the rare features would take most of the weight
    (0.68 of it); clipped, they weigh less than half, and every blob feature outweighs
    every rare one."""
    rng = np.random.RandomState(0)
    labels = rng.randint(3, size=600)
    informative = rng.normal(scale=2.0, size=(3, 5))[labels] + rng.normal(
        scale=0.7, size=(600, 5)
    )
    rare = (rng.uniform(size=(600, 200)) < 0.005).astype(float)
    X = np.hstack([informative, rare])
    X = (X - X.mean(axis=0)) / np.where(X.std(axis=0) > 0, X.std(axis=0), 1.0)
    weights = graph_autocorrelation_weights(X)
    assert weights[:5].min() > weights[5:].max()
    assert weights[5:].sum() < 0.5 * weights.sum()
