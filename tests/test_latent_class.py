"""The latent class model of binary and one-hot rows, and its place in the clusterer's
refinement."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler

from skgwae import GWAEClusterer
from skgwae import _latent_class as latent_class_module
from skgwae._latent_class import discrete_layout, latent_class_partition


def _latent_classes(n_rows=600, n_binary=12, n_categories=0, seed=0):
    """Rows of 3 classes: ``n_binary`` binary features on with probability 0.2 or 0.8 by
    class, and ``n_categories`` categories of 3 levels, one-hot, each class favouring one
    level (probability 0.7); and the classes."""
    rng = np.random.RandomState(seed)
    truth = rng.randint(0, 3, n_rows)
    on = np.where(rng.rand(3, n_binary) < 0.5, 0.2, 0.8)
    columns = [(rng.uniform(size=(n_rows, n_binary)) < on[truth]).astype(float)]
    for _ in range(n_categories):
        favoured = rng.permutation(3)[truth]
        other = (favoured + rng.randint(1, 3, n_rows)) % 3
        level = np.where(rng.uniform(size=n_rows) < 0.7, favoured, other)
        columns.append(np.eye(3)[level])
    return np.hstack(columns), truth


def test_discrete_layout_reads_binary_and_one_hot_columns():
    """Standardised binary and one-hot columns become indicators of their higher value;
    the one-hot run is a group, the others singles; a constant column is left out."""
    flags = np.array([[0, 1], [1, 1], [1, 0], [0, 0], [1, 0], [0, 1]], dtype=float)
    levels = np.eye(3)[[0, 1, 2, 0, 1, 2]]
    raw = np.c_[flags[:, 0], levels, np.full(6, 7.0), flags[:, 1]]
    rows = raw.copy()
    rows[:, [0, 1, 2, 3, 5]] = StandardScaler().fit_transform(raw[:, [0, 1, 2, 3, 5]])
    indicators, groups, singles = discrete_layout(rows)
    np.testing.assert_array_equal(indicators, raw[:, [0, 1, 2, 3, 5]])
    assert [list(group) for group in groups] == [[1, 2, 3]]
    np.testing.assert_array_equal(singles, [0, 4])


@pytest.mark.parametrize(
    "rows",
    [np.c_[np.arange(6.0), np.ones(6)], np.ones((6, 3)), np.c_[[0.0, 1, 2, 0, 1, 2], np.ones(6)]],
    ids=["continuous", "constant", "three_values"],
)
def test_discrete_layout_is_none_unless_every_feature_is_two_valued(rows):
    assert discrete_layout(rows) is None


def test_log_joint_known_answer():
    """A Bernoulli term for a single indicator, a categorical one (the group's
    probabilities renormalised) for a one-hot group."""
    indicators = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    layout = (indicators, [np.array([1, 2])], np.array([0]))
    log_weights = np.log([0.25, 0.75])
    probabilities = np.array([[0.9, 0.2, 0.6], [0.3, 0.5, 0.5]])
    expected = np.log(
        [
            [0.25 * 0.9 * 0.6 / 0.8, 0.75 * 0.3 * 0.5],
            [0.25 * 0.1 * 0.2 / 0.8, 0.75 * 0.7 * 0.5],
        ]
    )
    actual = latent_class_module._log_joint(layout, log_weights, probabilities)
    np.testing.assert_allclose(actual, expected)


def test_parameters_are_smoothed_frequencies():
    """Each probability adds SMOOTHING rows to each value: (count + 0.5) / (size + 1)."""
    indicators = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    responsibilities = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    log_weights, probabilities = latent_class_module._parameters(indicators, responsibilities)
    np.testing.assert_allclose(np.exp(log_weights), [2 / 3, 1 / 3])
    np.testing.assert_allclose(probabilities, [[2.5 / 3, 1.5 / 3], [0.5 / 2, 1.5 / 2]])


@pytest.mark.parametrize("n_binary, n_categories", [(16, 0), (12, 4)])
def test_latent_class_partition_finds_the_classes_from_a_poor_start(n_binary, n_categories):
    """From random parts, the kept partition is the one EM from the true classes ends at
    (which the classes' overlap keeps below an adjusted Rand index of 1)."""
    rows, truth = _latent_classes(n_binary=n_binary, n_categories=n_categories)
    best, _ = latent_class_module._em(discrete_layout(rows), np.eye(3)[truth])
    rng = np.random.RandomState(0)
    partition = latent_class_partition(rows, rng.randint(0, 3, len(rows)), 3, rng)
    assert adjusted_rand_score(best, partition) > 0.99
    assert adjusted_rand_score(truth, partition) > 0.9


def test_latent_class_partition_keeps_the_likeliest_fit(monkeypatch):
    """EM from the parts and from N_INIT k-means starts: the likeliest partition wins."""
    rows, _ = _latent_classes()
    ends = iter([(np.arange(len(rows)) % 3, -2.0), *[(np.arange(len(rows)) // 200, -1.0)] * 5])
    monkeypatch.setattr(latent_class_module, "_em", lambda layout, start: next(ends))
    monkeypatch.setattr(latent_class_module, "residual_dependence", lambda *a: 1.0)
    partition = latent_class_partition(rows, np.zeros(len(rows), int), 3, np.random.RandomState(0))
    np.testing.assert_array_equal(partition, np.arange(len(rows)) // 200)


def test_residual_dependence_known_answers():
    """The size-weighted mean of n times the mean squared correlation between features of
    different categories within each part."""
    x = np.array([1.0, 1.0, 0.0, 0.0])
    y = np.array([1.0, 0.0, 1.0, 0.0])
    layout = (np.c_[np.r_[x, x], np.r_[y, x]], [], np.array([0, 1]))
    # Uncorrelated in the first part (0), identical in the second (4 rows times 1).
    assert latent_class_module.residual_dependence(layout, np.repeat([0, 1], 4), 2) == 2.0
    # The two columns of one category are not compared with each other.
    layout = (np.c_[np.r_[x, x], 1.0 - np.r_[x, x]], [np.array([0, 1])], np.array([]))
    assert latent_class_module.residual_dependence(layout, np.repeat([0, 1], 4), 2) == 0.0


def test_latent_class_partition_is_none_where_the_model_does_not_hold():
    """Rows with a continuous feature have no latent class partition, nor rows whose
    features come in copies, which depend on each other within every class."""
    rows, truth = _latent_classes(n_binary=16)
    poor = np.random.RandomState(1).randint(0, 3, len(rows))
    continuous = np.c_[rows, np.random.RandomState(2).normal(size=len(rows))]
    assert latent_class_partition(continuous, poor, 3, np.random.RandomState(0)) is None
    copies = np.repeat(rows, 3, axis=1)
    layout = discrete_layout(copies)
    assert latent_class_module.residual_dependence(layout, truth, 3) > 5
    assert latent_class_partition(copies, poor, 3, np.random.RandomState(0)) is None


def test_clusterer_refines_binary_rows_with_the_latent_class_model(monkeypatch):
    """On binary and one-hot rows the clusterer's partition is the latent class model's
    where it cuts the graph less; without it the same short fit finds the classes less
    well."""
    rows, truth = _latent_classes(n_binary=12, n_categories=4)

    def fitted_labels():
        return GWAEClusterer(3, max_iter=15, random_state=0).fit(rows).labels_

    with_model = adjusted_rand_score(truth, fitted_labels())
    monkeypatch.setattr(latent_class_module, "discrete_layout", lambda rows: None)
    without = adjusted_rand_score(truth, fitted_labels())
    assert with_model > 0.85
    assert with_model > without + 0.02


def test_latent_class_partition_fits_the_free_starts_once_per_cache(monkeypatch):
    """With a shared cache, a second call on the same rows (from other parts) reuses the
    layout and the fits from k-means starts and gives what a call without it gives."""
    rows, _ = _latent_classes()
    starts = [np.random.RandomState(seed).randint(0, 3, len(rows)) for seed in (1, 2)]
    expected = [
        latent_class_partition(rows, start, 3, np.random.RandomState(0)) for start in starts
    ]
    runs = []
    real = latent_class_module._em
    monkeypatch.setattr(
        latent_class_module, "_em", lambda *a: runs.append(1) or real(*a)
    )
    cache = {}
    for start, labels in zip(starts, expected):
        partition = latent_class_partition(rows, start, 3, np.random.RandomState(0), cache)
        np.testing.assert_array_equal(partition, labels)
    assert len(runs) == latent_class_module.N_INIT + 2


def _gaussians_with_flags(n_rows=600, seed=0):
    """3 Gaussian classes in 3 features (centres 1.5 apart on average) beside 10 binary
    features on with probability 0.25 or 0.75 by class; and the classes."""
    rng = np.random.RandomState(seed)
    truth = rng.randint(0, 3, n_rows)
    gaussian = rng.normal(scale=1.5, size=(3, 3))[truth] + rng.normal(size=(n_rows, 3))
    on = np.where(rng.rand(3, 10) < 0.5, 0.25, 0.75)
    flags = (rng.uniform(size=(n_rows, 10)) < on[truth]).astype(float)
    return StandardScaler().fit_transform(np.c_[gaussian, flags]), truth


def test_mixed_partition_moves_a_partition_towards_the_classes():
    """EM of the mixed model from a partition a third of whose rows are relabelled ends
    near the classes, closer than the partition."""
    rows, truth = _gaussians_with_flags()
    rng = np.random.RandomState(0)
    start = np.where(rng.uniform(size=len(rows)) < 0.33, rng.randint(0, 3, len(rows)), truth)
    partition = latent_class_module.mixed_partition(rows, start, 3, rng)
    assert adjusted_rand_score(truth, partition) > adjusted_rand_score(truth, start) + 0.2
    assert adjusted_rand_score(truth, partition) > 0.8


def test_mixed_partition_is_none_where_the_clusters_are_not_gaussian():
    """Two moons beside class-free flags: a moon is no Gaussian, and splitting it in two
    explains its rows better, so the mixed model is not used."""
    from sklearn.datasets import make_moons

    moons, truth = make_moons(600, noise=0.05, random_state=0)
    flags = (np.random.RandomState(0).uniform(size=(600, 4)) < 0.5).astype(float)
    rows = StandardScaler().fit_transform(np.c_[moons, flags])
    rng = np.random.RandomState(0)
    assert latent_class_module._split_gain(rows[:, :2], truth, 2, rng) > 0
    assert latent_class_module.mixed_partition(rows, truth, 2, rng) is None


def test_mixed_partition_needs_both_kinds_of_feature_and_rows_for_the_covariances():
    rows, truth = _gaussians_with_flags()
    rng = np.random.RandomState(0)
    assert latent_class_module.mixed_partition(rows[:, :3], truth, 3, rng) is None
    assert latent_class_module.mixed_partition(rows[:, 3:], truth, 3, rng) is None
    # 12 continuous features need 2 x 90 rows in the smallest part.
    wide = np.c_[rows, np.random.RandomState(1).normal(size=(len(rows), 9))]
    small = np.r_[truth[:150], np.zeros(len(rows) - 150, dtype=int)]
    assert np.bincount(small).min() < 180
    assert latent_class_module.mixed_partition(wide, small, 3, rng) is None


def test_gaussian_log_densities_are_those_of_the_weighted_moments():
    from scipy.stats import multivariate_normal

    rng = np.random.RandomState(0)
    values = rng.normal(size=(50, 2))
    responsibilities = np.eye(2)[np.arange(50) % 2]
    densities = latent_class_module._gaussian_log_densities(values, responsibilities)
    for part in range(2):
        members = values[np.arange(50) % 2 == part]
        covariance = np.cov(members, rowvar=False, bias=True)
        covariance += latent_class_module.MIXED_REG_COVAR * np.eye(2)
        expected = multivariate_normal(members.mean(axis=0), covariance).logpdf(values)
        np.testing.assert_allclose(densities[:, part], expected)
