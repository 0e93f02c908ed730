"""The feature weights of ``weight_features`` (``graph_autocorrelation_weights``, which
benchmarks/cluster.py --weight-features also applies): known answers on features whose
structure is known."""

import numpy as np
import pytest
from sklearn.neighbors import kneighbors_graph

from skgwae._feature_weights import (
    FOLD_WEIGHT_POWER,
    MIN_FOLD_FEATURES,
    WEIGHT_POWER,
    _capped,
    _multiplicities,
    _neighbour_graphs,
    _squared_gaps,
    graph_autocorrelation_weights,
    one_hot_groups,
)


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


def _symmetric_knn(rows, n_neighbors):
    graph = kneighbors_graph(rows, n_neighbors, include_self=False)
    return ((graph + graph.T) > 0).astype(np.float64)


def _autocorrelations(graph, rows):
    """The autocorrelations of the docstring's formula, one column at a time."""
    A = graph.toarray()
    degrees = A.sum(axis=1)
    values = []
    for f in rows.T:
        f = f - degrees @ f / degrees.sum()
        values.append(f @ A @ f / (degrees * f * f).sum())
    return np.array(values)


def test_the_graphs_are_the_neighbour_graphs_of_all_features_and_of_each_folds_outside():
    """Graph 0 is the weighted rows' symmetric neighbour graph; graph k + 1 that of the
    features outside fold k (scikit-learn's kneighbors_graph gives the same edges)."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 7))
    weights = rng.uniform(0.2, 2.0, size=7)
    fold = np.arange(7) % 3
    graphs = _neighbour_graphs(X, weights, fold, 6)
    assert len(graphs) == 4
    expected = _symmetric_knn(X * np.sqrt(weights), 6)
    assert abs(graphs[0] - expected).sum() == 0
    for k in range(3):
        outside = fold != k
        expected = _symmetric_knn(X[:, outside] * np.sqrt(weights[outside]), 6)
        assert abs(graphs[k + 1] - expected).sum() == 0


def _one_round_of_two_folds(X, repeats):
    """The docstring's weights of 8 features in two folds after one round at power 1, the
    features divided by ``repeats``, written out from the autocorrelations."""
    scaled = X / np.sqrt(repeats)
    everything = _autocorrelations(_symmetric_knn(scaled, 10), X)
    fold = np.arange(8) % 2
    outside = np.empty(8)
    for k in range(2):
        graph = _symmetric_knn(scaled[:, fold != k], 10)
        outside[fold == k] = _autocorrelations(graph, X[:, fold == k])
    expected = np.sqrt(np.clip(everything, 0.0, None) * np.clip(outside, 0.0, None))
    expected = _capped(expected / expected.mean()) / repeats
    return expected / expected.mean()


def test_each_weight_is_the_geometric_mean_of_its_autocorrelations_on_both_graphs():
    """One round, power 1, two folds of 8 features: feature f's weight is proportional
    to the geometric mean of its autocorrelations (clipped at 0) on the graph of all
    features and on that of the other fold's, both graphs of the rows weighted by the
    inverse square roots of the multiplicities, capped at the weighted median and then
    divided by the square root of its multiplicity."""
    rng = np.random.RandomState(2)
    labels = rng.randint(3, size=250)
    X = np.column_stack(
        [2.0 * labels + rng.normal(size=250), labels + rng.normal(size=250)]
        + [rng.normal(size=250) for _ in range(6)]
    )
    weights = graph_autocorrelation_weights(X, rounds=1, power=1, folds=2)
    repeats = np.sqrt(_multiplicities(X))
    assert repeats[:2].min() > 1.1  # the two class features repeat each other
    np.testing.assert_allclose(weights, _one_round_of_two_folds(X, repeats), rtol=1e-10)


def test_fewer_features_than_the_minimum_are_weighted_on_the_graph_of_all():
    """Below MIN_FOLD_FEATURES features, the weights are those of one fold."""
    rng = np.random.RandomState(3)
    labels = rng.randint(3, size=200)
    X = np.column_stack(
        [labels + rng.normal(scale=0.5, size=200)] + [rng.normal(size=200) for _ in range(6)]
    )
    assert X.shape[1] < MIN_FOLD_FEATURES
    np.testing.assert_array_equal(
        graph_autocorrelation_weights(X), graph_autocorrelation_weights(X, folds=1)
    )
    assert not np.array_equal(
        graph_autocorrelation_weights(X[:, [0, 1, 2, 3, 4, 5, 6, 0]]),
        graph_autocorrelation_weights(X[:, [0, 1, 2, 3, 4, 5, 6, 0]], folds=1),
    )


def test_the_default_power_is_the_fold_power_only_where_fold_graphs_are_used():
    """power=None: FOLD_WEIGHT_POWER with the fold graphs, WEIGHT_POWER on the graph of
    all features alone (fewer than MIN_FOLD_FEATURES features, or one fold); the two
    differ, so the rule is seen."""
    assert FOLD_WEIGHT_POWER != WEIGHT_POWER
    rng = np.random.RandomState(4)
    labels = rng.randint(3, size=200)
    X = np.column_stack(
        [labels + rng.normal(scale=0.5, size=200)] + [rng.normal(size=200) for _ in range(9)]
    )
    np.testing.assert_array_equal(
        graph_autocorrelation_weights(X), graph_autocorrelation_weights(X, power=FOLD_WEIGHT_POWER)
    )
    np.testing.assert_array_equal(
        graph_autocorrelation_weights(X, folds=1),
        graph_autocorrelation_weights(X, folds=1, power=WEIGHT_POWER),
    )
    few = X[:, : MIN_FOLD_FEATURES - 1]
    np.testing.assert_array_equal(
        graph_autocorrelation_weights(few), graph_autocorrelation_weights(few, power=WEIGHT_POWER)
    )
    assert not np.allclose(
        graph_autocorrelation_weights(X), graph_autocorrelation_weights(X, power=WEIGHT_POWER)
    )


def test_features_that_make_their_own_neighbours_do_not_take_the_weight():
    """Four blobs in 8 features beside 60 binary features set in 6 % of the rows,
    independently of the blobs, all standardised: a binary feature is then about 4
    standard deviations from its mean where it is set (inside the clip), and the rows
    that share it become neighbours on the graph of all features. Judged on that graph
    alone, the binary features took 67 % of the weight and outweighed some blob
    features; judged also on the other folds' graphs, they take under 40 % and every
    blob feature outweighs every one of them."""
    rng = np.random.RandomState(0)
    labels = rng.randint(4, size=800)
    informative = rng.normal(scale=2.5, size=(4, 8))[labels] + rng.normal(size=(800, 8))
    rare = (rng.uniform(size=(800, 60)) < 0.06).astype(float)
    X = np.hstack([informative, rare])
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    weights = graph_autocorrelation_weights(X)
    assert weights[:8].min() > weights[8:].max()
    assert weights[8:].sum() < 0.4 * weights.sum()
    # On the graph of all features alone (one fold), the binary features take the weight.
    alone = graph_autocorrelation_weights(X, folds=1)
    assert alone[8:].sum() > 0.6 * alone.sum()


def test_a_feature_with_no_other_weighing_feature_is_judged_on_its_own_graph():
    """One feature beside seven constants: the other folds' features do not vary, so the
    feature is judged on the graph of all features alone and takes all the weight."""
    feature = np.random.RandomState(0).normal(size=(100, 1))
    X = np.hstack([feature, np.ones((100, 7))])
    np.testing.assert_allclose(graph_autocorrelation_weights(X), [8.0] + [0.0] * 7)


def test_the_cap_is_the_weighted_median():
    """Known answer: of weights 0, 0.5, 1, 1.5, 2 (total 5), the weights of at least 1.5
    hold 3.5, half of the total or more, and those of at least 2 do not, so 2 becomes
    1.5 and all are divided by their new mean, 0.9; equal weights stay as they are."""
    np.testing.assert_allclose(
        _capped(np.array([0.0, 0.5, 1.0, 1.5, 2.0])),
        np.array([0.0, 0.5, 1.0, 1.5, 1.5]) / 0.9,
    )
    np.testing.assert_array_equal(_capped(np.ones(4)), np.ones(4))


def test_features_that_carry_the_clusters_alike_share_the_largest_weight(monkeypatch):
    """The presence of 60 words in 600 documents of 3 topics, 12 words a topic present
    with probability 0.3 and 0.04 otherwise, standardised: uncapped, one word weighs more
    than any other and 1.4 times as much as the median topic word; capped, no topic word
    weighs more than 1.15 times the median one (the words' multiplicities differ a
    little), and without the multiplicities at least a third of the topics' words share
    the largest weight. Either way the median topic word outweighs every other word. (The
    words' squared gaps, by which their weights are divided where the fold graphs are
    used, are left out: the test is of the cap and the multiplicities.)"""
    monkeypatch.setattr(
        "skgwae._feature_weights._squared_gaps", lambda rows, groups: np.ones(rows.shape[1])
    )
    rng = np.random.RandomState(0)
    labels = rng.randint(3, size=600)
    presence = np.full((3, 60), 0.04)
    for topic in range(3):
        presence[topic, 12 * topic : 12 * topic + 12] = 0.3
    X = (rng.uniform(size=(600, 60)) < presence[labels]).astype(float)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    topic_words = np.arange(60) < 36
    weights = graph_autocorrelation_weights(X)
    assert weights.mean() == pytest.approx(1.0)
    assert weights.max() < 1.15 * np.median(weights[topic_words])
    assert np.median(weights[topic_words]) > weights[~topic_words].max()
    with monkeypatch.context() as patched:
        patched.setattr(
            "skgwae._feature_weights._multiplicities", lambda rows: np.ones(rows.shape[1])
        )
        alike = graph_autocorrelation_weights(X)
    assert np.isclose(alike[topic_words], alike.max()).sum() >= 12
    monkeypatch.setattr("skgwae._feature_weights._capped", lambda w: w)
    uncapped = graph_autocorrelation_weights(X)
    assert np.isclose(uncapped, uncapped.max()).sum() == 1
    assert uncapped.max() > 1.4 * np.median(uncapped[topic_words])
    assert np.median(uncapped[topic_words]) > uncapped[~topic_words].max()


def test_the_multiplicity_counts_the_copies_of_a_feature():
    """Known answer: three independent features, a near copy of the first and a
    constant: the first and its copy are each present twice, the others once."""
    rng = np.random.RandomState(0)
    independent = rng.normal(size=(2000, 3))
    copy = independent[:, :1] + 0.01 * rng.normal(size=(2000, 1))
    X = np.hstack([independent, copy, np.ones((2000, 1))])
    np.testing.assert_allclose(_multiplicities(X), [2.0, 1.0, 1.0, 2.0, 1.0], atol=0.01)


def test_the_multiplicity_of_wide_rows_is_that_of_the_correlation_matrix():
    """With more features than rows the multiplicities are computed through the rows'
    Gram matrix; they equal 1 plus each feature's summed squared correlations with the
    others, less (features - 1) / rows, at least 0."""
    rng = np.random.RandomState(1)
    X = rng.normal(size=(40, 3)) @ rng.normal(size=(3, 90)) + rng.normal(size=(40, 90))
    X[:, 5] = 2.0  # a constant feature stays at 1
    z = (X - X.mean(axis=0)) / np.where(X.std(axis=0) > 0, X.std(axis=0), 1.0)
    others = (z.T @ z / 40) ** 2
    np.fill_diagonal(others, 0.0)
    expected = 1.0 + np.clip(others.sum(axis=1) - 88 / 40, 0.0, None)
    expected[5] = 1.0
    np.testing.assert_allclose(_multiplicities(X), expected, rtol=1e-10)
    assert expected.max() > 3.0


def test_features_that_repeat_one_another_do_not_take_the_weight(monkeypatch):
    """Three classes in 4 features beside 20 features driven by 2 class-free factors, all
    standardised. The driven features repeat one another (multiplicities 4.5-9), and every
    graph follows them: without the multiplicities the class features' mean weight is
    under 0.4 times the median driven feature's (0.32); with them, over 0.75 times (1.20),
    and the class features hold more than twice the share of the total weight (0.193
    against 0.067)."""
    rng = np.random.RandomState(1)
    labels = rng.randint(3, size=600)
    classes = rng.normal(scale=2.0, size=(3, 4))[labels] + rng.normal(size=(600, 4))
    driven = rng.normal(size=(600, 2)) @ rng.normal(size=(2, 20))
    X = np.hstack([classes, driven + 0.5 * rng.normal(size=(600, 20))])
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    assert _multiplicities(X)[4:].min() > 4.0
    weights = graph_autocorrelation_weights(X)
    assert weights[:4].mean() > 0.75 * np.median(weights[4:])
    monkeypatch.setattr(
        "skgwae._feature_weights._multiplicities", lambda rows: np.ones(rows.shape[1])
    )
    without = graph_autocorrelation_weights(X)
    assert without[:4].mean() < 0.4 * np.median(without[4:])
    assert weights[:4].sum() / weights.sum() > 2 * without[:4].sum() / without.sum()


def test_many_features_that_repeat_one_another_do_not_set_the_cap():
    """Three classes in 6 features beside 30 features that are tanh of mixtures of 2
    class-free factors, all standardised. The driven features hold most of the weight;
    capped after the division by the multiplicities, every feature would weigh the
    driven ones' weight (the class features' mean weight 0.98 times the median driven
    feature's); capped before it, the class features weigh more than 1.5 times as
    much."""
    rng = np.random.RandomState(4)
    labels = rng.randint(3, size=600)
    classes = rng.normal(scale=2.0, size=(3, 6))[labels] + rng.normal(size=(600, 6))
    bent = np.tanh(rng.normal(size=(600, 2)) @ rng.normal(size=(2, 30)))
    X = np.hstack([classes, bent + 0.2 * rng.normal(size=(600, 30))])
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    weights = graph_autocorrelation_weights(X)
    assert weights[6:].sum() > 0.5 * weights.sum()
    assert weights[:6].mean() > 1.5 * np.median(weights[6:])


def _one_hot(levels, n_levels):
    return np.eye(n_levels)[levels]


def test_one_hot_groups_are_the_runs_of_columns_that_mark_each_row_once():
    """Two categories (3 and 4 levels, one level unused: a constant column) between a
    Gaussian feature, a binary one and a count, standardised: the groups are the two
    categories' varying columns; the binary column beside the first category, whose
    marks meet its levels', and two complementary columns of a 2-level category are
    found as they are."""
    rng = np.random.RandomState(0)
    n = 200
    first = _one_hot(rng.randint(3, size=n), 3)
    second = _one_hot(rng.choice([0, 1, 3], size=n), 4)  # level 2 never drawn
    binary = (rng.uniform(size=(n, 1)) < 0.3).astype(float)
    two_levels = _one_hot(rng.randint(2, size=n), 2)
    X = np.hstack([
        rng.normal(size=(n, 1)), binary, first, rng.poisson(2.0, size=(n, 1)), second,
        two_levels,
    ])
    spread = X.std(axis=0)
    X = (X - X.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    groups = one_hot_groups(X)
    assert [group.tolist() for group in groups] == [[2, 3, 4], [6, 7, 9], [10, 11]]
    # Binary columns that do not mark every row once, and continuous ones, form none.
    assert one_hot_groups(np.hstack([binary, 1 - binary[::-1], rng.normal(size=(n, 2))])) == []


def test_a_class_free_category_counts_as_one_feature():
    """Three Gaussian classes in 6 features beside 3 class-free categories of 4 levels,
    one-hot, standardised. Spread over the folds (and each column not divided as a
    two-valued feature is, the rule after it), a category's other levels stay in the
    graph on which each level is judged, rows that share every category are each other's
    nearest, and the levels take the weight (each over 1.2, the class features under
    0.3); with each category in one fold and counting as one feature, every class
    feature outweighs every level."""
    rng = np.random.RandomState(0)
    labels = rng.randint(3, size=900)
    classes = rng.normal(scale=1.5, size=(3, 6))[labels] + rng.normal(size=(900, 6))
    categories = [_one_hot(rng.randint(4, size=900), 4) for _ in range(3)]
    X = np.hstack([classes, *categories])
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    weights = graph_autocorrelation_weights(X)
    assert weights[:6].min() > weights[6:].max()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("skgwae._feature_weights.one_hot_groups", lambda rows: [])
        patch.setattr(  # nor its columns each divided as a two-valued feature
            "skgwae._feature_weights._squared_gaps", lambda rows, groups: np.ones(rows.shape[1])
        )
        spread_over_folds = graph_autocorrelation_weights(X)
    assert spread_over_folds[6:].min() > 1.2 and spread_over_folds[:6].max() < 0.3


def test_the_squared_gap_of_a_two_valued_feature_is_in_standard_deviations():
    """A two-valued feature whose higher value a share p of the rows hold has its two
    values 1 / sqrt(p (1 - p)) standard deviations apart, whatever the values; features
    of one or of more than two values, and the columns of one-hot categories, get 1."""
    rows = np.column_stack(
        [
            np.repeat([0.0, 1.0], [75, 25]),  # p = 0.25
            np.repeat([-3.0, 7.0], [10, 90]),  # p = 0.9 (or 0.1: the same)
            np.linspace(0.0, 1.0, 100),
            np.zeros(100),
            np.repeat([0.0, 1.0, 2.0], [30, 30, 40]),
            np.repeat([1.0, 0.0], [40, 60]),  # a category of two levels
            np.repeat([0.0, 1.0], [40, 60]),
        ]
    )
    gaps = _squared_gaps(rows, [np.array([5, 6])])
    np.testing.assert_allclose(gaps, [1 / (0.25 * 0.75), 1 / (0.9 * 0.1), 1, 1, 1, 1, 1])
    for f in range(2):  # the squared distance between the values, in variances
        values = np.unique(rows[:, f])
        assert gaps[f] == pytest.approx((values[1] - values[0]) ** 2 / rows[:, f].var())


def test_two_valued_features_are_divided_by_their_squared_gaps():
    """One round, power 1, two folds of 8 features, two of them binary (one that follows
    the classes, one rare and class-free): as in the test above, but each binary feature
    is divided by its squared gap where the others are divided by the square roots of
    their multiplicities, in the rounds' graphs and in the weights returned, so that its
    two values lie one standard deviation apart. Undone, the weights differ."""
    rng = np.random.RandomState(3)
    labels = rng.randint(3, size=300)
    X = np.column_stack(
        [2.0 * labels + rng.normal(size=300), labels + rng.normal(size=300)]
        + [rng.uniform(size=300) < np.array([0.2, 0.5, 0.8])[labels]]
        + [rng.uniform(size=300) < 0.05]
        + [rng.normal(size=300) for _ in range(4)]
    ).astype(float)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    weights = graph_autocorrelation_weights(X, rounds=1, power=1, folds=2)
    shares = np.mean(X[:, 2:4] == X[:, 2:4].max(axis=0), axis=0)
    repeats = np.sqrt(_multiplicities(X))
    repeats[2:4] = 1 / (shares * (1 - shares))
    np.testing.assert_allclose(weights, _one_round_of_two_folds(X, repeats), rtol=1e-10)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "skgwae._feature_weights._squared_gaps", lambda rows, groups: np.ones(rows.shape[1])
        )
        undivided = graph_autocorrelation_weights(X, rounds=1, power=1, folds=2)
    assert np.abs(undivided - weights).max() > 0.1
