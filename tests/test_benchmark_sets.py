"""The data sets of benchmarks/cluster.py's second and third held-out groups (``LATER``,
``THIRD``) load as described."""

import numpy as np
import pytest
from scipy.stats import skew


@pytest.fixture(scope="module")
def cluster(benchmark_script):
    return benchmark_script("cluster")


def test_every_later_set_has_finite_rows_and_a_label_per_row(cluster):
    for name in (*cluster.LATER, *cluster.THIRD):
        X, y = cluster.load(name)
        X = np.asarray(X)
        assert X.ndim == 2 and np.isfinite(X).all(), name
        assert len(y) == len(X) and len(np.unique(y)) >= 2, name


def test_the_penguins_in_their_units_and_standardised(cluster):
    """342 birds of 3 species (151 Adelie, 123 Gentoo, 68 Chinstrap); the unscaled rows keep
    millimetres and grams (body mass in the thousands), the standardised ones have mean 0
    and standard deviation 1 in each column."""
    raw, y = cluster.load("penguins_unscaled")
    standardised, y_standardised = cluster.load("penguins")
    assert raw.shape == (342, 4)
    assert sorted(np.bincount(y)) == [68, 123, 151]
    np.testing.assert_array_equal(y, y_standardised)
    assert 2500 < raw[:, 3].min() and raw[:, 3].max() < 6500  # grams
    assert 30 < raw[:, 0].mean() < 50  # bill length, millimetres
    np.testing.assert_allclose(standardised.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(standardised.std(axis=0), 1.0)


def test_the_later_sets_keep_their_described_shapes(cluster):
    shapes = {
        "moons": (1000, 2),
        "digits_pca_whitened": (1797, 20),
        "classification_20": (1000, 20),
        "breast_cancer_pca5": (569, 5),
        "blobs_50": (1500, 50),
        "iris_redundant": (150, 6),
        "digits_5_to_9": (896, 64),
        "unequal_blobs": (950, 5),
    }
    for name, shape in shapes.items():
        X, y = cluster.load(name)
        assert np.shape(X) == shape, name
    X, _ = cluster.load("digits_pca_whitened")
    np.testing.assert_allclose(X.var(axis=0, ddof=1), 1.0, rtol=1e-6)
    _, y = cluster.load("unequal_blobs")
    assert np.bincount(y).tolist() == [500, 100, 50, 300]


def test_the_third_sets_keep_their_described_shapes_and_classes(cluster):
    shapes = {
        "classification_8_of_30": ((1200, 30), 6),
        "breast_cancer_noise": ((569, 50), 2),
        "aniso_blobs": ((1500, 2), 3),
        "varied_blobs": ((1500, 2), 3),
        "circles": ((1000, 2), 2),
        "digits_sqrt": ((1797, 64), 10),
        "blobs_100": ((1200, 100), 6),
    }
    _assert_shapes_and_classes(cluster, shapes)
    X, _ = cluster.load("digits_sqrt")
    assert X.min() == 0.0 and X.max() == 1.0


def test_the_fourth_held_out_sets_are_standardised_as_documented(cluster):
    """Shapes and classes of the FOURTH group that the module's docstring gives; every
    feature standardised."""
    shapes = {
        "binary_topics": ((1200, 200), 4),
        "gauss_rare_noise": ((900, 36), 3),
        "blobs_uniform_noise": ((1000, 30), 5),
        "classification_redundant": ((1200, 25), 4),
        "log_counts": ((1000, 30), 4),
    }
    assert set(shapes) == set(cluster.FOURTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)


def test_the_fifth_held_out_sets_are_as_documented(cluster):
    """Shapes and classes of the FIFTH group that the module's docstring gives; every set
    standardised but the principal components, whose variances fall."""
    shapes = {
        "overlap3_5d": ((600, 5), 3),
        "overlap4_10d": ((800, 10), 4),
        "covariance2_20d": ((700, 20), 2),
        "lognormal3_5d": ((600, 5), 3),
        "student3_8d": ((750, 8), 3),
        "gamma4_6d": ((800, 6), 4),
        "pca3_of_overlap": ((800, 3), 3),
    }
    assert set(shapes) == set(cluster.FIFTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, set(shapes) - {"pca3_of_overlap"})
    X, _ = cluster.load("pca3_of_overlap")
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-10)
    assert np.all(np.diff(X.var(axis=0)) < 0)


def test_the_sixth_held_out_sets_are_standardised_as_documented(cluster):
    """Shapes and classes of the SIXTH group that the module's docstring gives; every
    feature standardised."""
    shapes = {
        "topics6_150": ((1500, 150), 6),
        "graded_12_of_40": ((1000, 40), 4),
        "structured_noise": ((1000, 32), 4),
        "likert_20": ((1000, 20), 3),
        "breast_cancer_log": ((569, 30), 2),
        "counts_8_of_50": ((1200, 50), 3),
    }
    assert set(shapes) == set(cluster.SIXTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)


def test_the_seventh_held_out_sets_are_standardised_as_documented(cluster):
    """Shapes and classes of the SEVENTH group that the module's docstring gives; every
    feature standardised (but the digits' constant pixels)."""
    shapes = {
        "nuisance_factors": ((900, 36), 3),
        "topics5_300": ((1500, 300), 5),
        "mixed_types": ((1000, 26), 4),
        "heteroscedastic_15": ((900, 15), 3),
        "digits_log": ((1797, 64), 10),
    }
    assert set(shapes) == set(cluster.SEVENTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, set(shapes) - {"digits_log"})
    # The digits' pixels that are 0 in every image stay constant.
    spread = cluster.load("digits_log")[0].std(axis=0)
    assert np.allclose(spread[spread > 0.5], 1.0) and np.all(spread[spread <= 0.5] == 0.0)


def test_the_eighth_held_out_sets_are_as_documented(cluster):
    """Shapes and classes of the EIGHTH group that the module's docstring gives; every
    feature standardised but the smoothed digits, which keep pixel values in [0, 16]."""
    shapes = {
        "duplicated_informative": ((1000, 40), 3),
        "factor_blobs": ((1200, 46), 5),
        "wine_poly": ((178, 104), 3),
        "rotated_signal": ((1000, 40), 4),
        "digits_smoothed": ((1797, 64), 10),
        "breast_cancer_mean10": ((569, 10), 2),
    }
    assert set(shapes) == set(cluster.EIGHTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, set(shapes) - {"digits_smoothed"})
    X, _ = cluster.load("digits_smoothed")
    assert X.min() > -1e-9 and X.max() < 16.0 + 1e-9 and len(np.unique(X)) > 17


def test_the_ninth_held_out_sets_are_standardised_as_documented(cluster):
    """Shapes and classes of the NINTH group that the module's docstring gives; every
    feature standardised."""
    shapes = {
        "wine_with_factors": ((178, 33), 3),
        "iris_poly3": ((150, 34), 3),
        "breast_cancer_worst10": ((569, 10), 2),
        "classes_in_blocks": ((1000, 18), 4),
        "bent_factors": ((1000, 36), 3),
    }
    assert set(shapes) == set(cluster.NINTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)


def test_the_tenth_held_out_sets_are_standardised_as_documented(cluster):
    """Shapes and classes of the TENTH group that the module's docstring gives; every
    feature standardised (the digits' constant pixels stay 0)."""
    shapes = {
        "iris_with_factors": ((150, 16), 3),
        "breast_cancer_with_factors": ((569, 45), 2),
        "classes_beside_roll": ((1000, 20), 4),
        "correlated_classes": ((800, 12), 5),
        "one_factor_copies": ((900, 20), 3),
        "digits_with_factors": ((1000, 96), 10),
    }
    assert set(shapes) == set(cluster.TENTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, set(shapes) - {"digits_with_factors"})
    spread = cluster.load("digits_with_factors")[0].std(axis=0)
    assert np.allclose(spread[spread > 0], 1.0) and np.count_nonzero(spread == 0) < 5


def test_the_eleventh_held_out_sets_are_skewed_as_documented(cluster):
    """Shapes and classes of the ELEVENTH group that the module's docstring gives; every
    set but income_like standardised, income_like's units 1 to 10,000 apart; the skewed
    features are skewed (what the group is for), the noise beside them is not."""
    shapes = {
        "breast_cancer_errors10": ((569, 10), 2),
        "lognormal_beside_noise": ((900, 12), 3),
        "gamma3_10d": ((750, 10), 3),
        "tail_class": ((1000, 8), 3),
        "income_like": ((1200, 5), 4),
        "iris_exp": ((150, 4), 3),
    }
    assert set(shapes) == set(cluster.ELEVENTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, set(shapes) - {"income_like"})
    income = cluster.load("income_like")[0]
    assert np.all(income > 0) and income.std(axis=0)[-1] > 1000 * income.std(axis=0)[0]
    beside_noise = cluster.load("lognormal_beside_noise")[0]
    assert np.all(skew(beside_noise[:, :6]) > 1.0) and np.all(abs(skew(beside_noise[:, 6:])) < 0.5)


def test_the_twelfth_held_out_sets_are_min_max_scaled_as_documented(cluster):
    """Shapes and classes of the TWELFTH group that the module's docstring gives; every
    feature scaled to [0, 1] (up to rounding), each reaching both ends unless constant."""
    shapes = {
        "iris_minmax": ((150, 4), 3),
        "penguins_minmax": ((342, 4), 3),
        "classification_minmax": ((1000, 20), 4),
        "gamma_minmax": ((750, 8), 3),
        "digits_minmax": ((1797, 64), 10),
        "images_noise_minmax": ((1500, 256), 10),
    }
    assert set(shapes) == set(cluster.TWELFTH)
    _assert_shapes_and_classes(cluster, shapes)
    for name in shapes:
        X = cluster.load(name)[0]
        spread = np.ptp(X, axis=0)
        assert np.allclose(X.min(axis=0), 0.0) and np.allclose(spread[spread > 0], 1.0), name


def test_the_thirteenth_held_out_sets_are_standardised_as_documented(cluster):
    """Shapes and classes of the THIRTEENTH group that the module's docstring gives; every
    feature standardised."""
    shapes = {
        "weibull_classes": ((900, 6), 3),
        "chi2_classes": ((800, 8), 4),
        "breast_cancer_sqrt": ((569, 30), 2),
        "wine_sqrt": ((178, 13), 3),
        "small_class_in_gamma": ((1000, 8), 3),
        "unequal_gaussians": ((1000, 6), 3),
    }
    assert set(shapes) == set(cluster.THIRTEENTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)


def test_the_fourteenth_held_out_sets_are_standardised_as_documented(cluster):
    """Shapes and classes of the FOURTEENTH group that the module's docstring gives; every
    feature standardised."""
    shapes = {
        "wine_beside_roll": ((178, 25), 3),
        "blobs_beside_uniform_factors": ((1000, 26), 4),
        "iris_beside_circle": ((150, 12), 3),
        "weak_classes_30d": ((1000, 30), 5),
        "covariances_beside_factors": ((900, 18), 3),
        "classes_beside_t_noise": ((1000, 20), 3),
    }
    assert set(shapes) == set(cluster.FOURTEENTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)


def test_the_fifteenth_held_out_sets_are_standardised_as_documented(cluster):
    """Shapes and classes of the FIFTEENTH group that the module's docstring gives; every
    feature standardised, and no feature with a value held by 10 % of the rows."""
    from skgwae._feature_shapes import modal_fraction

    shapes = {
        "blobs_beside_roll": ((900, 16), 3),
        "classes_in_correlated_noise": ((1000, 20), 4),
        "classes_beside_sphere": ((900, 14), 3),
        "own_covariances_8d": ((900, 8), 3),
        "moons_beside_factors": ((1000, 8), 2),
        "unequal_shared": ((1000, 10), 4),
    }
    assert set(shapes) == set(cluster.FIFTEENTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)
    for name in shapes:
        assert max(modal_fraction(column) for column in cluster.load(name)[0].T) < 0.1


def test_the_sixteenth_held_out_sets_are_standardised_as_documented(cluster):
    """Shapes and classes of the SIXTEENTH group that the module's docstring gives, every
    feature standardised, and the binary, one-hot and count features as described: two
    values each, or whole numbers before standardising."""
    shapes = {
        "binary_beside_classes": ((900, 21), 3),
        "classes_with_binary_signal": ((1000, 20), 4),
        "onehot_beside_classes": ((900, 18), 3),
        "counts_beside_classes": ((1000, 15), 4),
        "weak_gaussian_binary_classes": ((1000, 20), 5),
        "unequal_mixed_types": ((900, 21), 3),
    }
    assert set(shapes) == set(cluster.SIXTEENTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)
    binary = {
        "binary_beside_classes": slice(5, 13),
        "classes_with_binary_signal": slice(4, 14),
        "onehot_beside_classes": slice(6, 18),
        "weak_gaussian_binary_classes": slice(8, 20),
        "unequal_mixed_types": slice(6, 16),
    }
    for name, columns in binary.items():
        X, _ = cluster.load(name)
        assert all(len(np.unique(column)) == 2 for column in X[:, columns].T), name
    X, _ = cluster.load("counts_beside_classes")
    for column in X[:, 5:].T:  # whole numbers, standardised: steps of one spacing
        steps = np.diff(np.unique(column)) / np.diff(np.unique(column)).min()
        assert 3 < len(steps) < 30 and np.allclose(steps, steps.round())
    _, y = cluster.load("unequal_mixed_types")
    np.testing.assert_allclose(np.bincount(y) / len(y), [0.5, 0.3, 0.2], atol=0.05)


def test_the_seventeenth_held_out_sets_are_standardised_as_documented(cluster):
    """Shapes and classes of the SEVENTEENTH group that the module's docstring gives, every
    feature standardised, and the discrete features as described."""
    shapes = {
        "binary_signal_3": ((900, 15), 3),
        "likert_classes": ((1000, 20), 4),
        "onehot_signal": ((1000, 24), 4),
        "moons_beside_binary": ((1000, 8), 2),
        "circles_beside_counts": ((1000, 6), 2),
        "blobs_beside_binary": ((1000, 18), 5),
    }
    assert set(shapes) == set(cluster.SEVENTEENTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)
    binary = {
        "binary_signal_3": slice(3, 15),
        "onehot_signal": slice(4, 24),
        "moons_beside_binary": slice(2, 8),
        "blobs_beside_binary": slice(8, 18),
    }
    for name, columns in binary.items():
        X, _ = cluster.load(name)
        assert all(len(np.unique(column)) == 2 for column in X[:, columns].T), name
    X, _ = cluster.load("likert_classes")
    assert all(len(np.unique(column)) == 5 for column in X[:, :15].T)
    X, _ = cluster.load("onehot_signal")  # one level of each category per row
    levels = X[:, 4:].reshape(len(X), 4, 5)
    assert np.all((levels == levels.max(axis=2, keepdims=True)).sum(axis=2) == 1)


def test_the_eighteenth_held_out_sets_are_standardised_as_documented(cluster):
    """Shapes and classes of the EIGHTEENTH group that the module's docstring gives, every
    feature standardised, and one level of each one-hot category marked in every row."""
    shapes = {
        "categories_only": ((900, 24), 3),
        "blobs_beside_categories": ((900, 19), 3),
        "wine_beside_categories": ((178, 37), 3),
        "skewed_levels_beside_classes": ((1000, 25), 3),
        "moons_beside_categories": ((1000, 14), 2),
        "weak_classes_with_categories": ((1000, 15), 5),
    }
    assert set(shapes) == set(cluster.EIGHTEENTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)
    categories = {  # first one-hot column, number of categories, levels
        "categories_only": (0, 8, 3),
        "blobs_beside_categories": (4, 5, 3),
        "wine_beside_categories": (13, 4, 6),
        "moons_beside_categories": (2, 3, 4),
        "weak_classes_with_categories": (6, 3, 3),
    }
    for name, (first, n_categories, n_levels) in categories.items():
        X, _ = cluster.load(name)
        levels = X[:, first:].reshape(len(X), n_categories, n_levels)
        marked = levels == levels.max(axis=2, keepdims=True)
        assert np.all(marked.sum(axis=2) == 1), name


def test_the_nineteenth_held_out_sets_are_standardised_as_documented(cluster):
    """Shapes and classes of the NINETEENTH group that the module's docstring gives, every
    feature standardised, the binary features two-valued and the others not."""
    shapes = {
        "binary_answers_only": ((900, 24), 4),
        "weak_classes_with_flags": ((1000, 21), 4),
        "rare_flags_beside_classes": ((900, 30), 3),
        "rare_signal_flags": ((1000, 18), 4),
        "wine_with_flags": ((178, 21), 3),
        "moons_with_binary_signal": ((1000, 10), 2),
        "unequal_binary_signal": ((1000, 21), 3),
    }
    assert set(shapes) == set(cluster.NINETEENTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)
    binary = {  # the binary features' columns
        "binary_answers_only": slice(0, 24),
        "weak_classes_with_flags": slice(6, 21),
        "rare_flags_beside_classes": slice(5, 25),
        "rare_signal_flags": slice(6, 18),
        "wine_with_flags": slice(13, 21),
        "moons_with_binary_signal": slice(2, 8),
        "unequal_binary_signal": slice(5, 17),
    }
    for name, columns in binary.items():
        X, _ = cluster.load(name)
        two_valued = np.array([len(np.unique(column)) == 2 for column in X.T])
        assert two_valued[columns].all() and two_valued.sum() == len(two_valued[columns]), name
    X, y = cluster.load("unequal_binary_signal")
    np.testing.assert_allclose(np.bincount(y) / len(y), [0.6, 0.25, 0.15], atol=0.03)


def test_the_twentieth_held_out_sets_are_binary_or_one_hot_as_documented(cluster):
    """Shapes and classes of the TWENTIETH group that the module's docstring gives: every
    feature two-valued, the first five sets standardised and the others 0/1, the one-hot
    sets marking one level of each category per row."""
    shapes = {
        "survey_answers_5": ((1000, 30), 5),
        "categories_of_many_levels": ((900, 40), 4),
        "sparse_topics_5": ((2000, 300), 5),
        "unequal_answer_classes": ((1000, 20), 3),
        "flags_beside_free_flags": ((900, 30), 3),
        "answers_01": ((900, 20), 4),
        "categories_01": ((1000, 24), 3),
        "digits_0_to_4_binary": ((901, 64), 5),
    }
    assert set(shapes) == set(cluster.TWENTIETH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, list(shapes)[:5])
    for name in shapes:
        X, _ = cluster.load(name)
        values = [np.unique(column) for column in X.T]
        # A pixel that is never on is one-valued; every other column has two values.
        assert all(len(v) == 2 for v in values if name != "digits_0_to_4_binary"), name
        if name in list(shapes)[5:]:
            assert set(np.unique(X)) == {0.0, 1.0}, name
    X, _ = cluster.load("categories_01")
    assert np.all(X.reshape(1000, 6, 4).sum(axis=2) == 1)
    X, y = cluster.load("unequal_answer_classes")
    np.testing.assert_allclose(np.bincount(y) / len(y), [0.6, 0.3, 0.1], atol=0.03)


def test_the_twenty_first_held_out_sets_are_standardised_as_documented(cluster):
    """Shapes and classes of the TWENTY_FIRST group that the module's docstring gives,
    every feature standardised, and as many two-valued features as said."""
    shapes = {
        "flags_and_levels_by_class": ((900, 20), 3),
        "weak_gaussians_with_answers": ((1000, 25), 4),
        "moons_beside_levels": ((1000, 12), 2),
        "circles_with_flags": ((1000, 8), 2),
        "covariance_classes_with_flags": ((900, 10), 3),
        "unequal_classes_with_levels": ((1000, 13), 3),
        "blobs_beside_free_flags": ((1000, 20), 4),
    }
    assert set(shapes) == set(cluster.TWENTY_FIRST)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)
    two_valued = {
        "flags_and_levels_by_class": 16,
        "weak_gaussians_with_answers": 20,
        "moons_beside_levels": 10,
        "circles_with_flags": 6,
        "covariance_classes_with_flags": 6,
        "unequal_classes_with_levels": 9,
        "blobs_beside_free_flags": 10,
    }
    for name, count in two_valued.items():
        X, _ = cluster.load(name)
        assert sum(len(np.unique(column)) == 2 for column in X.T) == count, name
    X, y = cluster.load("unequal_classes_with_levels")
    np.testing.assert_allclose(np.bincount(y) / len(y), [0.7, 0.2, 0.1], atol=0.03)


def test_the_twenty_second_held_out_sets_are_standardised_as_documented(cluster):
    """Shapes and classes of the TWENTY_SECOND group that the module's docstring gives,
    every feature standardised, and the classes of one mean where it says so."""
    shapes = {
        "equal_means_10d": ((1000, 10), 4),
        "scales_beside_noise": ((900, 10), 3),
        "crossing_lines_4d": ((900, 4), 3),
        "covariances_beside_roll": ((900, 15), 3),
        "t_classes_8d": ((900, 8), 3),
        "rings_beside_noise": ((1000, 6), 2),
        "near_means_12d": ((1200, 18), 3),
    }
    assert set(shapes) == set(cluster.TWENTY_SECOND)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)
    for name in ("equal_means_10d", "scales_beside_noise", "crossing_lines_4d"):
        X, y = cluster.load(name)
        means = np.array([X[y == c].mean(axis=0) for c in np.unique(y)])
        # One mean: the classes' means differ by their sampling noise only.
        assert np.abs(means).max() < 0.25, name


def test_the_twenty_third_held_out_sets_are_standardised_as_documented(cluster):
    """Shapes and classes of the TWENTY_THIRD group that the module's docstring gives,
    every feature standardised, and the heavy-tailed classes heavier-tailed than Gaussian
    ones (the excess kurtosis of each feature within a class above 0)."""
    shapes = {
        "t_classes_5d": ((1000, 5), 4),
        "laplace_classes_6d": ((900, 6), 3),
        "lognormal_classes_6d": ((900, 6), 3),
        "contaminated_classes_6d": ((900, 6), 3),
        "nested_scales_4d": ((900, 4), 3),
        "t_classes_beside_noise": ((900, 8), 3),
        "gamma_classes_8d": ((1000, 8), 4),
    }
    assert set(shapes) == set(cluster.TWENTY_THIRD)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)
    for name in ("t_classes_5d", "laplace_classes_6d", "contaminated_classes_6d"):
        X, y = cluster.load(name)
        for c in np.unique(y):
            centred = X[y == c] - X[y == c].mean(axis=0)
            kurtosis = (centred**4).mean(axis=0) / (centred**2).mean(axis=0) ** 2 - 3
            assert kurtosis.min() > 0.5, name


def test_the_twenty_fourth_held_out_sets_are_standardised_as_documented(cluster):
    """Shapes and classes of the TWENTY_FOURTH group that the module's docstring gives,
    every feature standardised, and the unequal classes in their proportions."""
    shapes = {
        "t2_classes_6d": ((900, 6), 3),
        "t4_classes_10d": ((1000, 10), 4),
        "elliptical_t_classes": ((900, 5), 3),
        "unequal_t_classes": ((1000, 4), 3),
        "t_classes_beside_roll": ((900, 10), 3),
        "blobs_with_outliers": ((1000, 6), 4),
        "t_classes_of_three_scales": ((900, 5), 3),
    }
    assert set(shapes) == set(cluster.TWENTY_FOURTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)
    X, y = cluster.load("unequal_t_classes")
    np.testing.assert_allclose(np.bincount(y) / len(y), [0.6, 0.3, 0.1], atol=0.03)


def test_the_twenty_fifth_held_out_sets_are_standardised_as_documented(cluster):
    """Shapes and classes of the TWENTY_FIFTH group that the module's docstring gives,
    every feature standardised, the binary and one-hot features two-valued, and the
    unequal classes in their proportions."""
    shapes = {
        "survey_answers_30": ((1000, 30), 4),
        "levels_by_class_10": ((900, 40), 3),
        "raw_counts_12": ((1000, 12), 3),
        "mixed_survey": ((900, 21), 3),
        "one_mean_covariances_5d": ((900, 5), 3),
        "unequal_gaussians_12d": ((1200, 12), 5),
        "answers_beside_free_answers": ((1000, 24), 3),
    }
    assert set(shapes) == set(cluster.TWENTY_FIFTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)
    _assert_two_valued(
        cluster, ("survey_answers_30", "levels_by_class_10", "answers_beside_free_answers")
    )
    X, y = cluster.load("unequal_gaussians_12d")
    np.testing.assert_allclose(
        np.bincount(y) / len(y), [0.4, 0.25, 0.15, 0.12, 0.08], atol=0.03
    )


def test_the_twenty_sixth_held_out_sets_are_standardised_as_documented(cluster):
    """Shapes and classes of the TWENTY_SIXTH group that the module's docstring gives,
    every feature standardised, and the binary features two-valued."""
    shapes = {
        "covariance_classes_16d": ((1000, 16), 3),
        "weak_signal_40d": ((1200, 40), 4),
        "sparse_topics_4": ((1000, 80), 4),
        "topic_counts_5": ((900, 60), 5),
        "gaussian_classes_25d": ((1500, 25), 6),
        "classes_in_noise_50d": ((1000, 50), 3),
        "binary_profiles_40": ((1000, 40), 5),
    }
    assert set(shapes) == set(cluster.TWENTY_SIXTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)
    _assert_two_valued(cluster, ("sparse_topics_4", "binary_profiles_40"))


def test_the_twenty_seventh_held_out_sets_are_standardised_as_documented(cluster):
    """Shapes and classes of the TWENTY_SEVENTH group that the module's docstring gives,
    every feature standardised, and the unequal classes in their proportions."""
    shapes = {
        "classes_beside_helix": ((1000, 17), 4),
        "classes_beside_factors_20": ((900, 26), 3),
        "classes_in_shared_covariance": ((1000, 12), 4),
        "own_covariances_10d": ((900, 10), 3),
        "breast_cancer_beside_roll": ((569, 40), 2),
        "unequal_spreads_8d": ((1000, 8), 3),
        "wine_beside_sphere": ((178, 22), 3),
    }
    assert set(shapes) == set(cluster.TWENTY_SEVENTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)
    _, y = cluster.load("unequal_spreads_8d")
    np.testing.assert_allclose(np.bincount(y) / len(y), [0.5, 0.3, 0.2], atol=0.04)

def test_the_twenty_eighth_held_out_sets_are_standardised_as_documented(cluster):
    """Shapes and classes of the TWENTY_EIGHTH group that the module's docstring gives,
    every feature standardised, and the unequal classes in their proportions."""
    shapes = {
        "classes_beside_roll_1200": ((1200, 20), 5),
        "blobs_beside_circle": ((900, 14), 3),
        "crossing_lines_6d": ((1000, 6), 4),
        "parallel_sheets_5d": ((900, 5), 3),
        "classes_beside_s_curve": ((1000, 17), 4),
        "breast_cancer_beside_helix": ((569, 40), 2),
        "unequal_covariances_12d": ((1200, 12), 5),
    }
    assert set(shapes) == set(cluster.TWENTY_EIGHTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)
    _, y = cluster.load("unequal_covariances_12d")
    np.testing.assert_allclose(
        np.bincount(y) / len(y), [0.35, 0.25, 0.2, 0.12, 0.08], atol=0.04
    )


def test_the_twenty_ninth_held_out_sets_are_standardised_as_documented(cluster):
    """Shapes and classes of the TWENTY_NINTH group that the module's docstring gives,
    every feature standardised, and the answers and words two-valued."""
    shapes = {
        "word_presence_6": ((1200, 120), 6),
        "own_covariances_18d": ((1000, 18), 3),
        "moons_beside_answers": ((900, 12), 2),
        "word_counts_4": ((1000, 50), 4),
        "levels_and_gaussians": ((900, 27), 4),
        "weak_classes_20d": ((1000, 20), 3),
        "answers_of_5_classes": ((1000, 30), 5),
    }
    assert set(shapes) == set(cluster.TWENTY_NINTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)
    _assert_two_valued(cluster, ("word_presence_6", "answers_of_5_classes"))


def test_the_thirtieth_held_out_sets_are_standardised_as_documented(cluster):
    """Shapes and classes of the THIRTIETH group that the module's docstring gives, every
    feature standardised, the answers and words two-valued, and the real sets' rows."""
    shapes = {
        "word_presence_8": ((1000, 100), 8),
        "small_classes_15d": ((600, 15), 4),
        "pixels_of_2_to_7": ((1083, 61), 6),
        "answers_of_3_classes": ((800, 40), 3),
        "counts_beside_gaussians": ((900, 24), 3),
        "own_covariances_14d": ((1000, 14), 4),
        "wine_beside_noise": ((178, 20), 3),
    }
    assert set(shapes) == set(cluster.THIRTIETH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)
    _assert_two_valued(cluster, ("word_presence_8", "answers_of_3_classes"))


def test_the_thirty_first_held_out_sets_are_as_documented(cluster):
    """Shapes and classes of the THIRTY_FIRST group that the module's docstring gives,
    every feature standardised but the digits' pixels, which stay in [0, 1]."""
    shapes = {
        "even_digits": ((891, 64), 5),
        "wine_quantile": ((178, 13), 3),
        "iris_mixed_6d": ((150, 6), 3),
        "breast_cancer_uniform": ((569, 30), 2),
        "many_classes_12": ((1200, 12), 12),
        "uniform_boxes_6d": ((1000, 6), 4),
        "beta_classes_5d": ((900, 5), 3),
    }
    assert set(shapes) == set(cluster.THIRTY_FIRST)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, [name for name in shapes if name != "even_digits"])
    X, y = cluster.load("even_digits")
    assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_array_equal(np.unique(y), np.arange(5))


def test_the_thirty_second_held_out_sets_are_as_documented(cluster):
    """Shapes and classes of the THIRTY_SECOND group that the module's docstring gives,
    every feature standardised."""
    shapes = {
        "breast_cancer_beside_sphere": ((569, 39), 2),
        "classes_beside_torus": ((1000, 16), 4),
        "classes_in_two_blocks": ((900, 12), 3),
        "classes_beside_clusters": ((900, 10), 3),
        "wine_beside_uniform": ((178, 19), 3),
        "iris_beside_roll": ((150, 13), 3),
        "answers_beside_helix": ((900, 21), 3),
    }
    assert set(shapes) == set(cluster.THIRTY_SECOND)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)


def test_the_thirty_third_held_out_sets_are_as_documented(cluster):
    """Shapes and classes of the THIRTY_THIRD group that the module's docstring gives,
    every feature standardised."""
    shapes = {
        "skewed_classes_4d": ((900, 4), 3),
        "wine_pca3": ((178, 3), 3),
        "moons_beside_noise_4": ((1000, 6), 2),
        "overlap_covariances_6d": ((900, 6), 3),
        "iris_with_flags": ((150, 8), 3),
        "arcs_of_3": ((900, 5), 3),
        "breast_cancer_pca3": ((569, 3), 2),
    }
    assert set(shapes) == set(cluster.THIRTY_THIRD)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)


def test_the_thirty_fourth_held_out_sets_are_as_documented(cluster):
    """Shapes and classes of the THIRTY_FOURTH group that the module's docstring gives,
    every feature standardised."""
    shapes = {
        "arcs_of_4_in_8d": ((1000, 8), 4),
        "rings_of_3_3d": ((900, 3), 3),
        "shifted_arcs": ((900, 2), 3),
        "spirals_of_2": ((1000, 2), 2),
        "long_blobs_4d": ((900, 4), 3),
        "iris_beside_noise_2": ((150, 6), 3),
        "overlap_gaussians_4d": ((900, 4), 3),
    }
    assert set(shapes) == set(cluster.THIRTY_FOURTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)


def test_the_thirty_fifth_held_out_sets_are_as_documented(cluster):
    """Shapes and classes of the THIRTY_FIFTH group that the module's docstring gives,
    every feature standardised."""
    shapes = {
        "scales_beside_uniform_6d": ((900, 6), 3),
        "own_covariances_4_in_5d": ((1000, 5), 4),
        "wine_beside_noise_3": ((178, 16), 3),
        "scales_and_means_4d": ((900, 4), 3),
        "blobs_5_in_10d": ((1000, 10), 5),
        "breast_cancer_pca8": ((569, 8), 2),
        "gaussians_beside_counts_3": ((900, 7), 3),
    }
    assert set(shapes) == set(cluster.THIRTY_FIFTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)


def test_the_thirty_sixth_held_out_sets_are_as_documented(cluster):
    """Shapes and classes of the THIRTY_SIXTH group that the module's docstring gives,
    every feature standardised."""
    shapes = {
        "digits_1_to_6": ((1086, 61), 6),
        "digits_pca16": ((1797, 16), 10),
        "curved_mixture_1200": ((1200, 30), 5),
        "moons_beside_noise_1200": ((1200, 4), 2),
        "circles_1200": ((1200, 2), 2),
        "blobs_6_in_8d_1500": ((1500, 8), 6),
        "t_classes_4_in_6d_1200": ((1200, 6), 4),
    }
    assert set(shapes) == set(cluster.THIRTY_SIXTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)


def test_the_thirty_seventh_held_out_sets_are_as_documented(cluster):
    """Shapes and classes of the THIRTY_SEVENTH group that the module's docstring gives,
    every feature standardised."""
    shapes = {
        "gamma_noise_3_in_5d": ((900, 5), 3),
        "overlap_5_in_6d": ((1000, 6), 5),
        "contaminated_blobs_4d": ((900, 4), 3),
        "own_covariances_3_in_4d": ((900, 4), 3),
        "breast_cancer_yeo_johnson": ((569, 30), 2),
        "iris_beside_uniform_2": ((150, 6), 3),
        "t3_classes_4_in_5d": ((1000, 5), 4),
    }
    assert set(shapes) == set(cluster.THIRTY_SEVENTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)


def test_the_thirty_eighth_held_out_sets_are_as_documented(cluster):
    """Shapes and classes of the THIRTY_EIGHTH group that the module's docstring gives,
    every feature standardised."""
    shapes = {
        "lognormal_noise_3_in_4d": ((900, 4), 3),
        "exponential_noise_4_in_5d": ((1000, 5), 4),
        "chi2_noise_3_in_6d": ((900, 6), 3),
        "overlap_3_in_4d_150": ((150, 4), 3),
        "overlap_4_in_5d_300": ((300, 5), 4),
        "iris_squared": ((150, 4), 3),
        "wine_beside_uniform_2": ((178, 15), 3),
    }
    assert set(shapes) == set(cluster.THIRTY_EIGHTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)


def test_the_thirty_ninth_held_out_sets_are_as_documented(cluster):
    """Shapes and classes of the THIRTY_NINTH group that the module's docstring gives,
    every feature standardised."""
    shapes = {
        "nested_scales_3d": ((900, 3), 3),
        "scaled_blobs_4_in_4d": ((1000, 4), 4),
        "covariances_3_in_5d_600": ((600, 5), 3),
        "compact_in_broad_2d": ((900, 2), 3),
        "equal_blobs_6_in_5d": ((1200, 5), 6),
        "moons_and_blob_3d": ((900, 3), 3),
        "iris_one_class_shrunk": ((150, 4), 3),
    }
    assert set(shapes) == set(cluster.THIRTY_NINTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)


def test_the_fortieth_held_out_sets_are_as_documented(cluster):
    """Shapes and classes of the FORTIETH group that the module's docstring gives, every
    feature standardised."""
    shapes = {
        "moons_rotated_5d": ((1000, 5), 2),
        "banana_and_blob_4d": ((900, 4), 2),
        "bent_classes_3_in_4d": ((900, 4), 3),
        "bimodal_classes_3_in_4d": ((900, 4), 3),
        "overlap_3_in_3d_600": ((600, 3), 3),
        "wine_pca4": ((178, 4), 3),
        "digits_0_to_4_pca10": ((901, 10), 5),
    }
    assert set(shapes) == set(cluster.FORTIETH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)


def test_the_forty_first_held_out_sets_are_as_documented(cluster):
    """Shapes and classes of the FORTY_FIRST group that the module's docstring gives,
    every feature standardised."""
    shapes = {
        "arcs_of_2_in_6d": ((800, 6), 2),
        "moons_of_3_in_4d": ((900, 4), 3),
        "sticks_3_in_5d": ((900, 5), 3),
        "ring_and_blob_3d": ((900, 3), 2),
        "unequal_blobs_4_in_6d": ((1000, 6), 4),
        "breast_cancer_pca6": ((569, 6), 2),
        "digits_5_to_9_pca10": ((896, 10), 5),
    }
    assert set(shapes) == set(cluster.FORTY_FIRST)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)


def test_the_forty_second_held_out_sets_are_as_documented(cluster):
    """Shapes and classes of the FORTY_SECOND group that the module's docstring gives,
    every feature standardised."""
    shapes = {
        "arc_and_blob_5d": ((900, 5), 2),
        "two_bands_4d": ((900, 4), 2),
        "band_between_blobs_4d": ((900, 4), 3),
        "crossing_lines_3_in_6d": ((900, 6), 3),
        "crossing_lines_4_in_5d": ((1000, 5), 4),
        "wine_pca5": ((178, 5), 3),
        "breast_cancer_pca4": ((569, 4), 2),
    }
    assert set(shapes) == set(cluster.FORTY_SECOND)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, shapes)


def test_the_forty_third_held_out_sets_are_as_documented(cluster):
    """Shapes and classes of the FORTY_THIRD group that the module's docstring gives:
    the tables standardised, the Gaussian classes in [0, 1], the digits' pixels / 16."""
    shapes = {
        "answers_of_4_in_24": ((900, 24), 4),
        "levels_by_class_12": ((900, 36), 4),
        "word_counts_4_in_50": ((1000, 50), 4),
        "gaussian_classes_18d_minmax": ((1000, 18), 4),
        "flags_beside_gaussians": ((900, 19), 3),
        "wine_cube_root": ((178, 13), 3),
        "digits_0_to_6": ((1264, 64), 7),
    }
    assert set(shapes) == set(cluster.FORTY_THIRD)
    _assert_shapes_and_classes(cluster, shapes)
    in_unit_range = ("gaussian_classes_18d_minmax", "digits_0_to_6")
    _assert_standardised(cluster, [name for name in shapes if name not in in_unit_range])
    for name in in_unit_range:
        X, _ = cluster.load(name)
        # MinMaxScaler's maximum is 1 within a rounding, which differs between machines.
        assert X.min() == pytest.approx(0.0, abs=1e-12) and X.max() == pytest.approx(1.0)


def test_the_forty_fourth_held_out_sets_are_as_documented(cluster):
    """Shapes and classes of the FORTY_FOURTH group that the module's docstring gives:
    the tables standardised, the digits' pixels / 16."""
    shapes = {
        "moons_sheared_4d": ((900, 4), 2),
        "arcs_of_3_in_5d": ((900, 5), 3),
        "hook_and_blob_3d": ((900, 3), 2),
        "overlap_4_in_6d_800": ((800, 6), 4),
        "breast_cancer_cube_root": ((569, 30), 2),
        "wine_pca6": ((178, 6), 3),
        "digits_2_to_8": ((1257, 64), 7),
    }
    assert set(shapes) == set(cluster.FORTY_FOURTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, [name for name in shapes if name != "digits_2_to_8"])
    X, _ = cluster.load("digits_2_to_8")
    assert X.min() == 0.0 and X.max() == 1.0


def test_the_forty_fifth_held_out_sets_are_as_documented(cluster):
    """Shapes and classes of the FORTY_FIFTH group that the module's docstring gives:
    the tables standardised, the digits 3 to 9 as pixels / 16."""
    shapes = {
        "digits_pca24": ((1797, 24), 10),
        "digits_3_to_9": ((1260, 64), 7),
        "rings_of_2_in_4d": ((900, 4), 2),
        "blobs_varied_8_in_10d": ((1200, 10), 8),
        "s_curve_3_parts": ((900, 3), 3),
        "wine_rank": ((178, 13), 3),
        "breast_cancer_pca10": ((569, 10), 2),
    }
    assert set(shapes) == set(cluster.FORTY_FIFTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, [name for name in shapes if name != "digits_3_to_9"])
    X, y = cluster.load("digits_3_to_9")
    assert X.min() == 0.0 and X.max() == 1.0 and y.min() == 3
    # The curve's three parts are equal in size.
    _, y = cluster.load("s_curve_3_parts")
    assert np.bincount(y).tolist() == [300, 300, 300]


def test_the_forty_sixth_held_out_sets_are_as_documented(cluster):
    """Shapes and classes of the FORTY_SIXTH group that the module's docstring gives, all
    standardised."""
    shapes = {
        "outlier_classes_5d": ((1000, 5), 4),
        "t_classes_7d": ((900, 7), 3),
        "laplace_classes_5d": ((900, 5), 3),
        "overlap_covariances_4d": ((1000, 4), 4),
        "near_means_8d": ((900, 8), 3),
        "iris_outliers": ((150, 4), 3),
        "breast_cancer_pca7": ((569, 7), 2),
    }
    assert set(shapes) == set(cluster.FORTY_SIXTH)
    _assert_shapes_and_classes(cluster, shapes)
    _assert_standardised(cluster, list(shapes))


def test_each_group_alias_names_its_group(cluster):
    """``--datasets ALIAS`` takes the group of that name (``held_out`` for HELDOUT), and
    every held-out group has an alias."""
    for alias, group in cluster.GROUP_ALIASES.items():
        assert group is getattr(cluster, "HELDOUT" if alias == "held_out" else alias.upper())
    assert cluster.GROUP_ALIASES["thirty_fourth"] == cluster.THIRTY_FOURTH
    assert len(cluster.GROUP_ALIASES) == 48


def _assert_two_valued(cluster, names):
    """Every feature of each set of ``names`` takes exactly two values."""
    for name in names:
        X, _ = cluster.load(name)
        assert all(len(np.unique(column)) == 2 for column in X.T), name


def _assert_shapes_and_classes(cluster, shapes):
    """Each set of ``shapes`` (name: (shape, number of classes)) loads as described."""
    for name, (shape, n_classes) in shapes.items():
        X, y = cluster.load(name)
        assert np.shape(X) == shape and len(np.unique(y)) == n_classes, name


def _assert_standardised(cluster, names):
    """Every feature of each set of ``names`` has mean 0 and standard deviation 1."""
    for name in names:
        X, _ = cluster.load(name)
        np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-10)
        np.testing.assert_allclose(X.std(axis=0), 1.0)


def test_repeated_params_add_up(cluster):
    """``--param`` given twice keeps the pairs of both, as one ``--param`` with both."""
    parser = cluster.build_parser()
    repeated = parser.parse_args(["--param", "metric=geodesic", "--param", "n_neighbors=10"])
    together = parser.parse_args(["--param", "metric=geodesic", "n_neighbors=10"])
    assert repeated.param == together.param == ["metric=geodesic", "n_neighbors=10"]
    assert cluster.parse_params(repeated.param) == {"metric": "geodesic", "n_neighbors": 10}
    assert parser.parse_args([]).param == []


def test_every_leaves_out_the_held_back_groups(cluster):
    """``--datasets every`` does not spend a held-back group; asking for them gives them."""
    every = cluster.every_set()
    everything = cluster.every_set(include_held_back=True)
    assert cluster.TWENTY_FOURTH in cluster.HELD_BACK
    assert not set(every) & set(cluster.TWENTY_FOURTH)
    assert set(cluster.TWENTY_FOURTH) <= set(everything)
    assert len(everything) == len(every) + len(cluster.TWENTY_FOURTH)
    assert [name for name in everything if name in set(every)] == every


def test_only_the_raw_tables_in_mixed_units_reach_the_warning_ratio(cluster):
    """The documented gap behind DIFFERENT_UNITS_RATIO: every benchmark set of standardised
    columns, pixels, 0/1 values or comparable measurements has a ratio of at most 2.9; the
    four raw tables in mixed units 82 or more."""
    from skgwae._data import DIFFERENT_UNITS_RATIO, spread_ratio

    ratios = {name: spread_ratio(cluster.load(name)[0])[0]
              for name in cluster.every_set(include_held_back=True)}
    mixed = {"penguins_unscaled", "wine_unscaled", "breast_cancer_unscaled", "income_like"}
    assert len(ratios) == 340
    assert max(r for name, r in ratios.items() if name not in mixed) < 2.95
    assert min(ratios[name] for name in mixed) > 82
    assert 2.95 < DIFFERENT_UNITS_RATIO < 82


def test_the_penguins_body_mass_sets_their_distances(cluster):
    """The figures the benchmarks page quotes: body mass (grams) has a standard deviation
    of 802, the lengths (millimetres) 2.0-14.1; Chinstrap and Adelie penguins weigh about
    the same on average (3733 g and 3701 g)."""
    import pandas as pd

    table = pd.read_csv(cluster.pathlib.Path(cluster.__file__).parent / "data" / "penguins.csv")
    spread = table.drop(columns="species").std().round(1)
    assert spread.tolist() == [5.5, 2.0, 14.1, 802.0]
    mass = table.groupby("species")["body_mass_g"].mean().round()
    assert mass["Chinstrap"] == 3733 and mass["Adelie"] == 3701


def test_the_benchmarks_put_torch_threads_back_after_a_block(cluster):
    """A thread count changed inside the block (as fitting UMAP changes it) is the one
    before the block again after it, also where the block raises."""
    import torch

    before = torch.get_num_threads()
    other = 2 if before == 1 else 1
    with cluster._torch_threads_kept():
        torch.set_num_threads(other)
    assert torch.get_num_threads() == before
    with pytest.raises(RuntimeError), cluster._torch_threads_kept():
        torch.set_num_threads(other)
        raise RuntimeError("a failed fit")
    assert torch.get_num_threads() == before


def test_the_umap_baseline_leaves_torch_threads_as_it_found_them(cluster):
    """Fitting and applying the UMAP baseline leaves torch on one thread where it was on
    one (UMAP alone raised it to 2), so that GWAE fits after it run as they would alone."""
    pytest.importorskip("umap")
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        X = np.random.RandomState(0).normal(size=(120, 5))
        model = cluster._umap(2, 0)
        model.fit_transform(X)
        model.transform(X[:10])
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
