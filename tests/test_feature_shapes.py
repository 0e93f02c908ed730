"""The power transform of skewed features (``power_transform``): the Yeo-Johnson transform
and its inverse, which features are reshaped, and the estimators that reshape them."""

import warnings

import numpy as np
import pytest
from scipy import stats
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

import skgwae.io
from skgwae import GWAEClusterer, GWAETransformer
from skgwae._feature_shapes import (
    MAX_MODAL_FRACTION,
    MIXTURE_STARTS,
    _best_lambda,
    fit_feature_shapes,
    mixture_log_likelihood,
)
from skgwae.nn import FeatureShapes, InputScaling
from skgwae.nn.scaling import yeo_johnson, yeo_johnson_inverse

from conftest import FAST_PARAMS

LAMBDAS = [-1.5, 0.0, 0.4, 1.0, 2.0, 3.0]


@pytest.mark.parametrize("lam", LAMBDAS)
def test_yeo_johnson_is_scipys_and_its_inverse_undoes_it(lam):
    x = np.linspace(-4.0, 6.0, 41)
    assert np.allclose(yeo_johnson(x[:, None], [lam])[:, 0], stats.yeojohnson(x, lam), atol=1e-12)
    assert np.allclose(yeo_johnson_inverse(yeo_johnson(x, lam), lam), x, atol=1e-9)


def test_the_inverse_of_a_value_beyond_the_range_stays_finite():
    # With lam < 0 the transform of x >= 0 stays below -1 / lam; a decoder may go beyond.
    assert np.isfinite(yeo_johnson_inverse(np.array([0.5, 1.0, 5.0]), -2.0)).all()


def test_the_exponent_is_scipys_maximum_likelihood_one():
    x = stats.zscore(np.random.RandomState(0).lognormal(size=500))
    assert _best_lambda(x) == pytest.approx(stats.yeojohnson_normmax(x), abs=1e-3)


@pytest.mark.parametrize("n_modes", [1, 3])
def test_the_mixtures_likelihoods_are_scikit_learns(n_modes, monkeypatch):
    rng = np.random.RandomState(0)
    columns = [
        rng.normal(size=300),
        np.concatenate([rng.normal(size=200), rng.normal(4.0, 0.5, size=100)]),
        rng.lognormal(size=300),
        rng.randint(5, size=300).astype(float),  # fewer distinct values than rows
        np.where(rng.rand(300) < 0.5, 0.0, 1.0),  # as many distinct values as modes at most
    ]
    values = stats.zscore(np.column_stack(columns), axis=0)
    expected = []
    for column in values.T:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            mixture = GaussianMixture(n_modes, n_init=MIXTURE_STARTS, random_state=0)
            mixture.fit(column[:, None])
        expected.append(mixture.score(column[:, None]) * len(column))
    assert np.allclose(mixture_log_likelihood(values, n_modes), expected, rtol=0, atol=1e-8)
    # Fitted a column at a time, as where the columns' arrays would not fit together.
    monkeypatch.setattr("skgwae._feature_shapes.MIXTURE_BLOCK_VALUES", 1)
    assert np.allclose(mixture_log_likelihood(values, n_modes), expected, rtol=0, atol=1e-8)


def _skewed_clusters(n=600, seed=0):
    """3 classes whose features are log-normal (the log of each class is Gaussian)."""
    rng = np.random.RandomState(seed)
    y = rng.randint(3, size=n)
    centres = np.array([[0.0, 0.0], [1.5, 0.5], [3.0, 1.5]])
    return np.exp(centres[y] + 0.5 * rng.normal(size=(n, 2)))


def test_skewed_clusters_are_reshaped_and_a_cluster_in_the_tail_is_not():
    rng = np.random.RandomState(1)
    lognormal = _skewed_clusters()[:, 0]
    # Skewed as a whole (one Gaussian class of 10 % far to the right), yet a mixture of
    # Gaussians fits it as it stands.
    tail = np.where(rng.rand(600) < 0.1, 6.0, 0.0) + rng.normal(size=600)
    gaussian = rng.normal(size=600)
    counts = np.where(rng.rand(600) < 2 * MAX_MODAL_FRACTION, 0.0, rng.lognormal(size=600))
    X = np.column_stack([lognormal, tail, gaussian, counts])
    shapes = fit_feature_shapes(X, 3)
    assert stats.skew(tail) > 1.5 and stats.skew(counts) > 1.0
    reshaped = shapes.lambdas != 1.0
    assert reshaped.tolist() == [True, False, False, False]
    assert abs(stats.skew(shapes.apply(X)[:, 0])) < 0.25 * stats.skew(lognormal)
    assert np.array_equal(shapes.apply(X)[:, 1:], X[:, 1:])


def test_no_skewed_feature_gives_no_shapes():
    assert fit_feature_shapes(np.random.RandomState(0).normal(size=(300, 4)), 3) is None


def test_reshaped_features_keep_their_units_and_the_scaling_undoes_them():
    X = _skewed_clusters() * [1.0, 1000.0]
    shapes = fit_feature_shapes(X, 3)
    reshaped = shapes.apply(X)
    # The feature's mean and spread, in its units, are kept: the transform is of its shape.
    assert np.allclose(reshaped.mean(axis=0), X.mean(axis=0))
    assert np.allclose(reshaped.std(axis=0), X.std(axis=0))
    assert abs(stats.skew(reshaped[:, 0])) < 0.5 * abs(stats.skew(X[:, 0]))
    # Units do not change which exponent a feature gets.
    assert np.allclose(fit_feature_shapes(X / [1.0, 1000.0], 3).lambdas, shapes.lambdas)
    scaling = InputScaling(
        reshaped.mean(axis=0), reshaped.std(axis=0), weights=np.array([0.5, 1.5]), shapes=shapes
    )
    assert np.allclose(scaling.undo(scaling.apply(X)), X)
    assert np.allclose(FeatureShapes(*shapes.stacked()).apply(X), reshaped)
    assert scaling.apply(X.astype(np.float32)).dtype == np.float32


def test_the_clusterer_reshapes_skewed_tables_and_undoes_it_in_its_samples():
    X = _skewed_clusters(300)
    est = GWAEClusterer(n_clusters=3, **FAST_PARAMS).fit(X)
    assert est.feature_lambdas_ is not None and (est.feature_lambdas_ != 1.0).any()
    samples, _ = est.sample(200)
    # Samples are in the data's units: the reshaping undone, so log-normal again.
    assert np.isfinite(samples).all() and stats.skew(samples[:, 0]) > 0.5
    assert np.isfinite(est.score_samples(X)).all()
    off = GWAEClusterer(n_clusters=3, **FAST_PARAMS, power_transform=False).fit(X)
    assert off.feature_lambdas_ is None


def test_pixels_and_the_transformer_are_not_reshaped_by_default():
    X = _skewed_clusters(300)
    # Values in [0, 1] with a background at 0 in 30 % of the rows.
    pixels = np.where(np.random.RandomState(1).rand(*X.shape) < 0.3, 0.0, X / X.max(axis=0))
    assert GWAEClusterer(n_clusters=3, **FAST_PARAMS).fit(pixels).feature_lambdas_ is None
    assert GWAETransformer(**FAST_PARAMS).fit(X).feature_lambdas_ is None
    forced = GWAETransformer(**FAST_PARAMS, power_transform=True).fit(X)
    assert forced.feature_lambdas_ is not None
    assert forced.inverse_transform(forced.transform(X)).shape == X.shape


def test_asked_to_reshape_rows_with_no_skewed_feature_the_fit_reshapes_none():
    X = np.random.RandomState(0).normal(size=(200, 3))
    est = GWAEClusterer(n_clusters=3, **FAST_PARAMS, power_transform=True).fit(X)
    assert est.feature_lambdas_ is None
    assert skgwae.io.loads(skgwae.io.dumps(est)).feature_lambdas_ is None


def test_a_continued_fit_keeps_the_shapes_and_a_changed_parameter_is_refused():
    X = _skewed_clusters(300)
    est = GWAEClusterer(n_clusters=3, **FAST_PARAMS, warm_start=True).fit(X)
    lambdas = est.feature_lambdas_.copy()
    est.fit(X[:150] * 3.0)
    assert np.array_equal(est.feature_lambdas_, lambdas)
    est.set_params(power_transform=False)
    with pytest.raises(ValueError, match="reshaped"):
        est.fit(X)


def test_a_min_max_scaled_table_is_a_table_and_pixels_or_answers_are_not():
    from sklearn.preprocessing import MinMaxScaler

    from skgwae._data import is_min_max_table

    rng = np.random.RandomState(0)
    table = MinMaxScaler().fit_transform(_skewed_clusters(300))
    assert is_min_max_table(table)
    # A constant feature (MinMaxScaler makes it 0) does not make a table pixels.
    assert is_min_max_table(np.column_stack([table, np.zeros(300)]))
    pixels = np.where(rng.rand(300, 16) < 0.5, 0.0, rng.rand(300, 16))  # half background
    answers = (rng.rand(300, 8) < 0.3).astype(float)
    rounded = np.round(table, 1)  # 11 values: each held by many rows
    for rows in (pixels, answers, rounded, np.zeros((300, 3))):
        assert not is_min_max_table(rows)


def test_the_clusterer_weights_and_reshapes_a_min_max_table_but_not_pixels():
    from sklearn.preprocessing import MinMaxScaler

    X = MinMaxScaler().fit_transform(_skewed_clusters(300))
    est = GWAEClusterer(n_clusters=3, **FAST_PARAMS).fit(X)
    assert est.feature_weights_ is not None and est.feature_lambdas_ is not None
    pixels = np.where(np.random.RandomState(1).rand(300, 2) < 0.3, 0.0, X)
    est = GWAEClusterer(n_clusters=3, **FAST_PARAMS).fit(pixels)
    assert est.feature_weights_ is None and est.feature_lambdas_ is None


def test_a_mildly_skewed_feature_of_skewed_clusters_is_a_candidate():
    # Exponential clusters of 45/45/10 %, the small one further out: skewness about 0.8,
    # which a threshold of 1 left as it was.
    rng = np.random.RandomState(0)
    y = rng.choice(3, size=1000, p=[0.45, 0.45, 0.1])
    x = np.array([0.0, 1.5, 3.0])[y] + rng.exponential(size=1000)
    assert 0.5 < stats.skew(x) < 1.0
    shapes = fit_feature_shapes(x[:, None], 3)
    assert shapes is not None and shapes.lambdas[0] != 1.0
