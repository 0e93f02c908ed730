"""standardize and weight_features: the rows' scaling inside the estimators (when "auto"
applies it, what it computes, that every entry point works in the same units, continued
fits and model files)."""

import warnings

import numpy as np
import pytest
import torch
from sklearn.preprocessing import StandardScaler

from skgwae import GWAEClusterer, GWAETransformer
from skgwae._data import DIFFERENT_UNITS_RATIO, column_moments, fit_input_scaling
from skgwae._feature_weights import graph_autocorrelation_weights

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def X_units(X_small):
    """X_small with one feature in units a thousand times smaller (grams for kilograms)."""
    rows = X_small / X_small.std(axis=0)
    rows[:, 3] = 1000.0 * rows[:, 3] + 5000.0
    return rows


def test_auto_standardises_features_in_different_units_only(fast_params, X_small, X_units):
    assert GWAETransformer(**fast_params).fit(X_units).standardize_
    assert not GWAETransformer(**fast_params).fit(X_small).standardize_
    # Just below and above the ratio that "auto" reads as different units.
    rows = X_small / X_small.std(axis=0)
    spread = np.median(rows.std(axis=0))
    for factor, expected in [(0.9, False), (1.1, True)]:
        scaled = rows.copy()
        scaled[:, 0] *= factor * DIFFERENT_UNITS_RATIO * spread / scaled[:, 0].std()
        est = GWAETransformer(**{**fast_params, "early_stopping": False}).fit(scaled)
        assert est.standardize_ is expected, factor


def test_the_fit_keeps_the_mean_and_scale_of_every_row(fast_params, X_units):
    est = GWAEClusterer(n_clusters=2, **fast_params).fit(X_units)
    np.testing.assert_allclose(est.model_.input_mean.numpy(), X_units.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(est.model_.input_scale.numpy(), X_units.std(axis=0), rtol=1e-12)
    assert est.model_.input_mean.dtype == torch.float64


def test_standardize_true_is_a_standard_scaler_in_front(fast_params, X_small):
    """A fit with standardize=True is the fit of StandardScaler's rows (with False): the
    same codes, and decodings and samples in the data's units."""
    est = GWAETransformer(**fast_params, standardize=True).fit(X_small)
    scaler = StandardScaler().fit(X_small)
    plain = GWAETransformer(**fast_params, standardize=False).fit(scaler.transform(X_small))
    Z = est.transform(X_small)
    np.testing.assert_allclose(Z, plain.transform(scaler.transform(X_small)), atol=1e-5)
    np.testing.assert_allclose(
        est.inverse_transform(Z),
        scaler.inverse_transform(plain.inverse_transform(Z)),
        rtol=1e-4,
        atol=1e-4,
    )
    np.testing.assert_allclose(
        est.sample(5, random_state=0),
        scaler.inverse_transform(plain.sample(5, random_state=0)),
        rtol=1e-4,
        atol=1e-4,
    )
    np.testing.assert_allclose(
        est.score_samples(X_small), plain.score_samples(scaler.transform(X_small)), atol=1e-5
    )


def test_a_standardised_fit_does_not_depend_on_the_units(fast_params, X_units):
    """Rows in other units (each feature rescaled and shifted) give the same codes and
    clusters, and decodings in their own units."""
    units = np.array([2.0, 0.5, 10.0, 3.0, 0.1])
    shift = np.array([1.0, -3.0, 100.0, 0.0, 5.0])
    a = GWAEClusterer(n_clusters=2, **fast_params).fit(X_units)
    b = GWAEClusterer(n_clusters=2, **fast_params).fit(X_units * units + shift)
    assert a.standardize_ and b.standardize_
    Z = a.transform(X_units)
    np.testing.assert_allclose(b.transform(X_units * units + shift), Z, atol=1e-4)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_allclose(
        b.inverse_transform(Z), a.inverse_transform(Z) * units + shift, rtol=1e-4, atol=1e-4
    )


def test_decodings_and_samples_are_in_the_data_units(fast_params, X_units):
    est = GWAEClusterer(n_clusters=2, **fast_params).fit(X_units)
    samples, _ = est.sample(200, random_state=0)
    # The large feature's samples lie around its mean of 5000, the others' around 0.
    assert abs(samples[:, 3].mean() - 5000.0) < 1000.0
    assert np.abs(samples[:, [0, 1, 2, 4]].mean(axis=0)).max() < 5.0
    decoded = est.inverse_transform(est.transform(X_units))
    assert abs(decoded[:, 3].mean() - 5000.0) < 1000.0
    assert decoded.dtype == X_units.dtype


def test_float32_rows_stay_float32(fast_params, X_units):
    rows = X_units.astype(np.float32)
    est = GWAETransformer(**fast_params).fit(rows)
    assert est.standardize_
    assert est.transform(rows).dtype == np.float32
    assert est.inverse_transform(est.transform(rows)).dtype == np.float32
    assert est.sample(3, random_state=0).dtype == np.float32


def test_a_constant_feature_keeps_a_scale_of_one(fast_params, X_units):
    rows = np.column_stack([X_units, np.full(len(X_units), 123.456)])
    est = GWAETransformer(**fast_params, standardize=True).fit(rows)
    assert est.model_.input_scale[-1].item() == 1.0
    assert np.isfinite(est.transform(rows)).all()
    _, scale = fit_input_scaling(True, rows, lambda: rows)
    assert scale[-1] == 1.0


def test_column_moments_by_chunks():
    rng = np.random.RandomState(0)
    rows = rng.normal(size=(103, 4)) * [1.0, 10.0, 1e-3, 1.0] + [0.0, 1e6, 5.0, -2.0]
    mean, std = column_moments(rows.astype(np.float32), chunk_rows=10)
    np.testing.assert_allclose(mean, rows.astype(np.float32).mean(axis=0, dtype=np.float64))
    np.testing.assert_allclose(std, rows.astype(np.float32).std(axis=0, dtype=np.float64))


def test_partial_fit_keeps_the_first_chunk_scaling(fast_params, X_units):
    est = GWAETransformer(**fast_params, metric="euclidean").partial_fit(X_units[:20])
    assert est.standardize_
    mean = est.model_.input_mean.clone()
    est.partial_fit(X_units[20:] + 100.0)
    assert torch.equal(est.model_.input_mean, mean)


def test_warm_start_keeps_the_scaling_and_refuses_a_changed_standardize(fast_params, X_units):
    est = GWAETransformer(**fast_params, warm_start=True).fit(X_units)
    mean = est.model_.input_mean.clone()
    est.fit(X_units[::-1] * 2.0)
    assert torch.equal(est.model_.input_mean, mean)
    est.set_params(standardize=False)
    with pytest.raises(ValueError, match=r"standardized \(True -> False\)"):
        est.fit(X_units)


def test_chunked_fit_standardises_from_its_sample(fast_params, X_units):
    chunks = [X_units[:15], X_units[15:30], X_units[30:]]
    est = GWAETransformer(**fast_params).fit(chunks)
    assert est.standardize_
    # The sample holds every training row here (fewer than 1,024); the validation rows
    # are left out of it.
    assert abs(est.model_.input_mean[3].item() - 5000.0) < 500.0
    assert np.isfinite(est.transform(X_units)).all()


@pytest.mark.parametrize("standardize", ["yes", 2, None])
def test_invalid_standardize(fast_params, X_small, standardize):
    with pytest.raises(ValueError, match="standardize"):
        GWAETransformer(**fast_params, standardize=standardize).fit(X_small)


def test_standardize_false_warns_and_uses_the_rows_as_given(fast_params, X_units):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est = GWAETransformer(**fast_params, standardize=False).fit(X_units)
    assert not est.standardize_
    assert not hasattr(est.model_, "input_mean")
    assert any("Feature 3 has a standard deviation" in str(w.message) for w in caught)


def test_the_warning_names_a_data_frame_column_of_chunked_data(fast_params, X_units):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X_units, columns=[f"f{i}" for i in range(5)])
    with pytest.warns(UserWarning, match="Feature 'f3' has a standard deviation"):
        GWAETransformer(**fast_params, standardize=False).fit([frame[:20], frame[20:]])


# ---------------------------------------------------------------------- feature weights


@pytest.fixture
def X_noise():
    """Three well-separated blobs in 2 features, beside 4 features of noise."""
    from sklearn.datasets import make_blobs

    rng = np.random.RandomState(0)
    blobs, _ = make_blobs(120, n_features=2, centers=3, cluster_std=0.5, random_state=0)
    rows = np.column_stack([blobs, rng.normal(size=(120, 4))])
    return rows / rows.std(axis=0)


def test_feature_weights_favour_the_features_that_hold_the_clusters(X_noise):
    weights = graph_autocorrelation_weights(X_noise)
    np.testing.assert_allclose(weights.mean(), 1.0)
    assert weights.min() >= 0
    assert weights[:2].min() > weights[2:].max()
    # A constant feature gets 0; a single row, no graph: every weight 1.
    constant = np.column_stack([X_noise, np.ones(len(X_noise))])
    assert graph_autocorrelation_weights(constant)[-1] == 0.0
    np.testing.assert_array_equal(graph_autocorrelation_weights(X_noise[:1]), np.ones(6))


def test_auto_weights_the_clusterer_features_of_tables_only(fast_params, X_noise):
    clusterer = GWAEClusterer(n_clusters=3, **fast_params).fit(X_noise)
    assert clusterer.feature_weights_[:2].min() > clusterer.feature_weights_[2:].max()
    assert not clusterer.standardize_
    # Rows in [0, 1] whose features hold one value in many rows (pixels with their
    # background, 0/1 answers; a rounding error past 1 included) are not weighted; a table
    # scaled to [0, 1] is. The transformer weights only when asked.
    table = (X_noise - X_noise.min()) / (X_noise.max() - X_noise.min())
    assert GWAEClusterer(n_clusters=3, **fast_params).fit(table).feature_weights_ is not None
    background = np.random.RandomState(0).uniform(size=table.shape) < 0.3
    unit = np.where(background, 0.0, table)
    unit[0, 0] = 1.0 + 1e-12
    assert GWAEClusterer(n_clusters=3, **fast_params).fit(unit).feature_weights_ is None
    assert GWAETransformer(**fast_params).fit(X_noise).feature_weights_ is None
    weighted = GWAETransformer(**fast_params, weight_features=True).fit(unit)
    assert weighted.feature_weights_.shape == (6,)
    assert GWAEClusterer(n_clusters=3, weight_features=False, **fast_params).fit(
        X_noise
    ).model_.input_scaling() is None


def test_weighted_rows_decode_to_the_data_units(fast_params, X_noise):
    rows = np.column_stack([X_noise * 10.0 + 3.0, np.full(len(X_noise), 7.5)])
    est = GWAEClusterer(n_clusters=3, weight_features=True, **fast_params).fit(rows)
    assert est.feature_weights_[-1] == 0.0  # the constant feature is dropped ...
    decoded = est.inverse_transform(est.transform(rows))
    samples, _ = est.sample(50, random_state=0)
    # ... and decodes to its value; the others come back near the data's units.
    np.testing.assert_array_equal(decoded[:, -1], 7.5)
    np.testing.assert_array_equal(samples[:, -1], 7.5)
    assert np.abs(decoded[:, :-1].mean(axis=0) - rows[:, :-1].mean(axis=0)).max() < 10.0


def test_a_continued_fit_keeps_the_weights_and_refuses_changed_weighting(
    fast_params, X_noise
):
    est = GWAEClusterer(n_clusters=3, warm_start=True, **fast_params).fit(X_noise)
    weights = est.feature_weights_
    est.fit(X_noise[::-1])
    np.testing.assert_array_equal(est.feature_weights_, weights)
    est.set_params(weight_features=False)
    with pytest.raises(ValueError, match=r"weighted \(True -> False\)"):
        est.fit(X_noise)


def test_weighted_model_files(fast_params, X_noise):
    import skgwae.io

    est = GWAEClusterer(n_clusters=3, **fast_params).fit(X_noise)
    loaded = skgwae.io.loads(skgwae.io.dumps(est))
    np.testing.assert_array_equal(loaded.feature_weights_, est.feature_weights_)
    np.testing.assert_array_equal(loaded.predict_proba(X_noise), est.predict_proba(X_noise))


def test_chunked_and_partial_fits_weight_from_their_sample(fast_params, X_noise):
    chunked = GWAEClusterer(n_clusters=3, **fast_params).fit([X_noise[:60], X_noise[60:]])
    partial = GWAEClusterer(n_clusters=3, **fast_params).partial_fit(X_noise)
    for est in (chunked, partial):
        assert est.feature_weights_[:2].min() > est.feature_weights_[2:].max()
        assert np.isfinite(est.predict_proba(X_noise)).all()
