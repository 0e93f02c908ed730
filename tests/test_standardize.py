"""standardize: the rows' standardisation inside the estimators (when "auto" applies it,
what it computes, that every entry point works in the same units, and continued fits)."""

import warnings

import numpy as np
import pytest
import torch
from sklearn.preprocessing import StandardScaler

from skgwae import GWAEClusterer, GWAETransformer
from skgwae._data import DIFFERENT_UNITS_RATIO, column_moments, fit_input_scaling

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
