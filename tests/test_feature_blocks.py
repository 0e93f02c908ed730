"""Tests of the independent blocks of features that hold no clusters (_feature_blocks)."""

import numpy as np
import pytest
from scipy.stats import spearmanr
from sklearn.preprocessing import StandardScaler

from skgwae import GWAEClusterer, GWAETransformer, _feature_blocks
from skgwae._feature_blocks import (
    _unit_ranks,
    cluster_free_blocks,
    feature_blocks,
    is_independent,
    rank_correlations,
    without_cluster_free_blocks,
)


def _classes(rng, n_rows, n_features, n_classes=3, spread=3.0):
    labels = rng.randint(n_classes, size=n_rows)
    means = rng.normal(scale=spread, size=(n_classes, n_features))
    return means[labels] + rng.normal(size=(n_rows, n_features)), labels


def _mixed_circle(rng, n_rows, n_features):
    angle = rng.uniform(0, 2 * np.pi, size=n_rows)
    circle = np.column_stack([np.cos(angle), np.sin(angle)])
    return circle @ rng.normal(size=(2, n_features)) + 0.1 * rng.normal(
        size=(n_rows, n_features)
    )


def _classes_beside_circle(seed=0, n_rows=600):
    rng = np.random.RandomState(seed)
    classes, labels = _classes(rng, n_rows, 4)
    X = np.hstack([classes, _mixed_circle(rng, n_rows, 8)])
    return StandardScaler().fit_transform(X), labels


def test_rank_correlations_are_spearmans():
    rows = np.random.RandomState(0).lognormal(size=(50, 4))
    assert np.allclose(rank_correlations(rows), spearmanr(rows).correlation)


def test_a_circle_beside_classes_is_a_block_of_its_own():
    X, _ = _classes_beside_circle()
    blocks = feature_blocks(X)
    assert len(np.unique(blocks[:4])) == 1 and len(np.unique(blocks[4:])) == 1
    assert blocks[0] != blocks[4]


@pytest.mark.parametrize("seed", [0, 1])
def test_an_independent_block_without_clusters_is_dropped(seed):
    X, _ = _classes_beside_circle(seed)
    dropped = cluster_free_blocks(X, 3, np.random.RandomState(0))
    assert dropped.tolist() == [False] * 4 + [True] * 8


def test_a_block_that_shares_the_classes_is_not_independent():
    rng = np.random.RandomState(0)
    classes, labels = _classes(rng, 600, 6)
    # A second block of 6 features of its own factor, shifted by the same classes.
    factor = rng.normal(size=(600, 1)) @ rng.normal(size=(1, 6))
    X = StandardScaler().fit_transform(
        np.hstack([classes, factor + rng.normal(scale=0.5, size=(3, 6))[labels]])
    )
    blocks = feature_blocks(X)
    assert len(np.unique(blocks)) >= 2
    for block in np.unique(blocks):
        if (blocks == block).sum() >= 2:
            assert not is_independent(_unit_ranks(X), blocks == block, np.random.RandomState(1))
    assert not cluster_free_blocks(X, 3, np.random.RandomState(0)).any()


def test_independent_blocks_without_clusters_anywhere_are_kept():
    # Two circles, neither of which holds clusters: no block reproduces its partitions.
    rng = np.random.RandomState(0)
    X = StandardScaler().fit_transform(
        np.hstack([_mixed_circle(rng, 600, 6), _mixed_circle(rng, 600, 6)])
    )
    assert not cluster_free_blocks(X, 3, np.random.RandomState(0)).any()


def test_many_independent_blocks_drop_nothing(monkeypatch):
    # Ten independent pairs of correlated features beside classes: a table of unrelated
    # features, not a few structures side by side, whose stabilities are not measured.
    def unexpected(*args):
        raise AssertionError("stabilities measured")

    monkeypatch.setattr(_feature_blocks, "partition_stability", unexpected)
    rng = np.random.RandomState(0)
    classes, _ = _classes(rng, 600, 4)
    pairs = [
        rng.normal(size=(600, 1)) @ np.ones((1, 2)) + 0.3 * rng.normal(size=(600, 2))
        for _ in range(10)
    ]
    X = StandardScaler().fit_transform(np.hstack([classes, *pairs]))
    assert not cluster_free_blocks(X, 3, np.random.RandomState(0)).any()


def test_few_features_or_one_cluster_drop_nothing():
    X, _ = _classes_beside_circle()
    assert not cluster_free_blocks(X[:, :3], 3, np.random.RandomState(0)).any()
    assert not cluster_free_blocks(X, 1, np.random.RandomState(0)).any()
    assert not cluster_free_blocks(X[:10], 3, np.random.RandomState(0)).any()


def test_without_cluster_free_blocks_zeroes_them_and_keeps_mean_one():
    X, _ = _classes_beside_circle()
    weights = np.linspace(0.5, 1.5, X.shape[1])
    weights /= weights.mean()
    kept = without_cluster_free_blocks(weights, X, 3)
    assert np.all(kept[4:] == 0)
    assert np.allclose(kept[:4] / weights[:4], kept[0] / weights[0])
    assert kept.mean() == pytest.approx(1.0)
    # Nothing to drop: the weights as given.
    assert without_cluster_free_blocks(weights, X, 1) is weights


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_the_clusterer_drops_the_block_and_the_gaussian_prior_transformer_does_not():
    X, labels = _classes_beside_circle()
    clusterer = GWAEClusterer(3, max_iter=2, random_state=0).fit(X)
    assert np.all(clusterer.feature_weights_[4:] == 0)
    assert np.all(clusterer.feature_weights_[:4] > 0)
    transformer = GWAETransformer(max_iter=2, weight_features=True, random_state=0).fit(X)
    assert np.all(transformer.feature_weights_ > 0)
    # With the Gaussian-mixture prior the transformer seeks its components' clusters.
    mixture = GWAETransformer(
        max_iter=2,
        prior="gmm",
        prior_params={"n_clusters": 3},
        weight_features=True,
        random_state=0,
    ).fit(X)
    assert np.all(mixture.feature_weights_[4:] == 0)
