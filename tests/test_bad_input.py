"""Bad data, bad parameters, use before fit, and failed or interrupted fits."""

import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.validation import check_is_fitted

from skgwae import GWAETransformer
from skgwae.training.trainer import Trainer

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def fitted(fast_params, X_small):
    return GWAETransformer(**fast_params).fit(X_small)


# ---------------------------------------------------------------------- bad data at fit


def test_nan_in_X(fast_params, X_small):
    X_small[3, 1] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        GWAETransformer(**fast_params).fit(X_small)


def test_inf_in_X(fast_params, X_small):
    X_small[3, 1] = np.inf
    with pytest.raises(ValueError, match="Input X contains infinity"):
        GWAETransformer(**fast_params).fit(X_small)


def test_values_too_large_for_float32(fast_params, X_small):
    X_small[3, 1] = -1e39  # finite in float64, inf in float32
    assert np.isfinite(X_small).all()
    with pytest.raises(ValueError, match="X contains values too large for float32"):
        GWAETransformer(**fast_params).fit(X_small)


def test_values_too_large_for_float32_at_transform(fitted, X_small):
    X_small[0, 0] = 1e39
    with pytest.raises(ValueError, match="X contains values too large for float32"):
        fitted.transform(X_small)


def test_values_too_large_for_float32_at_inverse_transform(fitted):
    with pytest.raises(ValueError, match="X contains values too large for float32"):
        fitted.inverse_transform(np.array([[0.0, 1e39], [0.0, 0.0]]))


def test_sparse_matrix(fast_params, X_small):
    with pytest.raises(TypeError, match="Sparse data was passed for X, but dense data is"):
        GWAETransformer(**fast_params).fit(sp.csr_matrix(X_small))


def test_sparse_matrix_at_transform(fitted, X_small):
    with pytest.raises(TypeError, match="Sparse data was passed for X"):
        fitted.transform(sp.csr_matrix(X_small))


def test_string_array(fast_params):
    X = np.array([["a", "b"], ["c", "d"], ["e", "f"], ["g", "h"], ["i", "j"]])
    with pytest.raises(ValueError, match="could not convert string to float"):
        GWAETransformer(**fast_params, early_stopping=False).fit(X)


def test_object_array_with_text(fast_params, X_small):
    X = X_small.astype(object)
    X[2, 2] = "text"
    with pytest.raises(ValueError, match="could not convert string to float: 'text'"):
        GWAETransformer(**fast_params).fit(X)


def test_one_dimensional_array(fast_params, X_small):
    with pytest.raises(ValueError, match="Expected 2D array, got 1D array instead"):
        GWAETransformer(**fast_params).fit(X_small[:, 0])


def test_empty_array(fast_params, X_small):
    with pytest.raises(ValueError, match=re.escape("Found array with 0 sample(s) (shape=(0, 5))")):
        GWAETransformer(**fast_params).fit(X_small[:0])


def test_zero_features(fast_params, X_small):
    with pytest.raises(ValueError, match=re.escape("0 feature(s) (shape=(40, 0))")):
        GWAETransformer(**fast_params).fit(X_small[:, :0])


def test_single_sample(fast_params, X_small):
    message = "Found array with 1 sample(s) (shape=(1, 5)) while a minimum of 2"
    with pytest.raises(ValueError, match=re.escape(message)):
        GWAETransformer(**fast_params, early_stopping=False).fit(X_small[:1])


def test_wrong_number_of_features_at_transform(fitted, X_small):
    with pytest.raises(
        ValueError,
        match="X has 3 features, but GWAETransformer is expecting 5 features",
    ):
        fitted.transform(X_small[:, :3])


def test_wrong_number_of_features_at_score(fitted, X_small):
    with pytest.raises(ValueError, match="X has 6 features, but GWAETransformer is expecting 5"):
        fitted.score(np.hstack([X_small, X_small[:, :1]]))


def test_nan_at_transform(fitted, X_small):
    X_small[0, 0] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        fitted.transform(X_small)


# ---------------------------------------------------------------------- use before fit


@pytest.mark.parametrize(
    "method, args",
    [
        ("transform", "X"),
        ("inverse_transform", "Z"),
        ("score", "X"),
        ("sample", None),
        ("get_feature_names_out", None),
    ],
)
def test_unfitted(fast_params, X_small, method, args):
    est = GWAETransformer(**fast_params)
    call_args = {"X": (X_small,), "Z": (np.zeros((3, 2)),), None: ()}[args]
    with pytest.raises(NotFittedError, match="This GWAETransformer instance is not fitted yet"):
        getattr(est, method)(*call_args)


@pytest.mark.parametrize("attribute", ["encoder_", "decoder_", "prior_", "critic_"])
def test_unfitted_module_attributes(fast_params, attribute):
    with pytest.raises(NotFittedError):
        getattr(GWAETransformer(**fast_params), attribute)


# ---------------------------------------------------------------------- invalid parameters


@pytest.mark.parametrize(
    "param, value, message",
    [
        (
            "n_components",
            0,
            "The 'n_components' parameter of GWAETransformer must be an int",
        ),
        ("n_components", 1.5, "The 'n_components' parameter"),
        (
            "prior",
            "nope",
            "The 'prior' parameter of GWAETransformer must be a str among",
        ),
        (
            "coupling",
            "x",
            "The 'coupling' parameter of GWAETransformer must be a str among",
        ),
        ("batch_size", 1, "The 'batch_size' parameter of GWAETransformer must be"),
        (
            "learning_rate",
            -1,
            "The 'learning_rate' parameter of GWAETransformer must be a str among {'auto'} "
            "or a float",
        ),
        ("learning_rate", "fast", "The 'learning_rate' parameter of GWAETransformer"),
        ("max_iter", "long", "The 'max_iter' parameter of GWAETransformer"),
        ("learning_rate", 0, "The 'learning_rate' parameter"),
        (
            "validation_fraction",
            1.5,
            "The 'validation_fraction' parameter of GWAETransformer",
        ),
        ("max_iter", 0, "The 'max_iter' parameter"),
        ("prior_params", "n_codes=4", "The 'prior_params' parameter"),
        ("device", 0, "The 'device' parameter"),
        (
            "hidden_layer_sizes",
            "wide",
            "The 'hidden_layer_sizes' parameter of GWAETransformer",
        ),
        ("hidden_layer_sizes", 0, "The 'hidden_layer_sizes' parameter of GWAETransformer"),
    ],
)
def test_invalid_parameter(fast_params, X_small, param, value, message):
    est = GWAETransformer(**{**fast_params, param: value})
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        est.fit(X_small)


@pytest.mark.parametrize("value", [(0,), (16, -2), (8.5,), (True,), [[4, 4]]])
def test_invalid_hidden_layer_sizes(fast_params, X_small, value):
    est = GWAETransformer(**{**fast_params, "hidden_layer_sizes": value})
    message = "hidden_layer_sizes must be a positive integer or a sequence of positive"
    with pytest.raises(ValueError, match=message):
        est.fit(X_small)


def test_invalid_device_string(fast_params, X_small):
    est = GWAETransformer(**{**fast_params, "device": "tpu-nonsense"})
    with pytest.raises(ValueError, match="Invalid device 'tpu-nonsense'"):
        est.fit(X_small)


@pytest.mark.parametrize("device", ["cuda", "cuda:1"])
def test_cuda_device_without_cuda(fast_params, X_small, device, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    est = GWAETransformer(**{**fast_params, "device": device})
    with pytest.raises(ValueError, match=f"device='{device}' was requested but CUDA is not"):
        est.fit(X_small)
    with pytest.raises(NotFittedError):
        check_is_fitted(est)


def test_auto_device_without_cuda_is_cpu(fast_params, X_small, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    est = GWAETransformer(**{**fast_params, "device": "auto"}).fit(X_small)
    assert est.device_ == "cpu"
    assert est.device == "auto"  # the parameter is not rewritten


def test_invalid_parameter_is_checked_before_data(fast_params):
    with pytest.raises(InvalidParameterError):
        GWAETransformer(**{**fast_params, "n_components": 0}).fit(np.array([[np.nan]]))


# ---------------------------------------------------------------------- batch size and split


def test_batch_size_larger_than_training_set_warns_and_fits(fast_params, X_small):
    est = GWAETransformer(**{**fast_params, "batch_size": 500, "early_stopping": False})
    with pytest.warns(UserWarning, match="batch_size=500 is larger than the 40 training samples"):
        est.fit(X_small)
    assert est.transform(X_small).shape == (40, 2)
    assert est.batch_size == 500  # the parameter is not rewritten


def test_features_in_different_units_warn_once_per_fresh_fit(fast_params, X_small):
    """Without standardisation, a feature whose spread dwarfs the others' (grams beside
    millimetres) is named in a warning that suggests scaling; the same rows standardised,
    a partial_fit that continues the fit, and the default standardize="auto" (which
    standardises them) do not warn."""
    rows = X_small / X_small.std(axis=0)
    rows[:, 3] *= 1000.0
    est = GWAETransformer(**fast_params, standardize=False)
    with pytest.warns(UserWarning, match=r"Feature 3 has a standard deviation \d+ times"):
        est.fit(rows)
    assert not est.standardize_
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter of fast_params
        est.partial_fit(rows)
        GWAETransformer(**fast_params, standardize=False).fit(X_small / X_small.std(axis=0))
        assert GWAETransformer(**fast_params).fit(rows).standardize_


def test_the_units_warning_names_a_data_frame_column(fast_params, X_small):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X_small, columns=[f"f{i}" for i in range(5)])
    frame["f1"] *= 500.0
    with pytest.warns(UserWarning, match="Feature 'f1' has a standard deviation"):
        GWAETransformer(**fast_params, standardize=False).fit(frame)


def test_too_few_samples_for_validation_split(fast_params, X_small):
    est = GWAETransformer(**fast_params, early_stopping=True)
    with pytest.raises(ValueError, match="n_samples=3 is too few for a validation split"):
        est.fit(X_small[:3])
    # The same data fit without the split.
    GWAETransformer(**{**fast_params, "batch_size": "auto", "early_stopping": False}).fit(
        X_small[:3]
    )


# ---------------------------------------------------------------------- failed fits


@pytest.mark.parametrize("coupling", ["mmd", "critic"])
def test_non_finite_loss_leaves_unfitted_estimator_unfitted(fast_params, X_small, coupling):
    est = GWAETransformer(**fast_params, coupling=coupling, learning_rate=1e12, n_critic=1)
    with pytest.raises(ValueError, match="The training loss became non-finite"):
        est.fit(X_small)
    with pytest.raises(NotFittedError):
        check_is_fitted(est)
    assert not [k for k in vars(est) if k.endswith("_") and not k.startswith("_")]


def test_non_finite_loss_keeps_previous_model(fast_params, X_small):
    est = GWAETransformer(**fast_params).fit(X_small)
    Z = est.transform(X_small)
    model, n_iter, history = est.model_, est.n_iter_, est.history_
    est.set_params(learning_rate=1e12)
    with pytest.raises(ValueError, match="non-finite"):
        est.fit(X_small + 1.0)
    assert est.model_ is model
    assert est.n_iter_ == n_iter and est.history_ is history
    np.testing.assert_array_equal(est.transform(X_small), Z)


def _interrupt_at_epoch(monkeypatch, epoch):
    """Make the trainer raise KeyboardInterrupt in epoch ``epoch`` (1-based)."""
    original = Trainer._train_epoch
    calls = []

    def train_epoch(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == epoch:
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Trainer, "_train_epoch", train_epoch)
    return calls


@pytest.mark.parametrize("refit", [False, True])
def test_keyboard_interrupt_in_first_epoch_gives_a_usable_estimator(
    fast_params, X_small, monkeypatch, refit
):
    est = GWAETransformer(**fast_params)
    if refit:
        est.fit(X_small)
    calls = _interrupt_at_epoch(monkeypatch, 1)
    with pytest.warns(UserWarning, match="interrupted by the user after 0 complete epoch"):
        est.fit(X_small + 1.0)
    assert calls == [1]
    check_is_fitted(est)
    assert est.n_iter_ == 0 and est.history_ == [] and est.best_validation_score_ is None
    assert np.isfinite(est.transform(X_small)).all()


def test_keyboard_interrupt_after_first_epoch_warns_and_keeps_weights(
    fast_params, X_small, monkeypatch
):
    fast_params["max_iter"] = 5
    _interrupt_at_epoch(monkeypatch, 3)
    est = GWAETransformer(**fast_params)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est.fit(X_small)
    messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    expected = "interrupted by the user after 2 complete epoch(s)"
    assert any(expected in m for m in messages), messages
    assert not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    check_is_fitted(est)
    assert est.n_iter_ == 2 == len(est.history_)
    assert np.isfinite(est.transform(X_small)).all()


# ---------------------------------------------------------------------- found by fuzzing


def test_int_too_large_for_float64(fast_params, fitted):
    with pytest.raises(ValueError, match="too large to convert to float64"):
        GWAETransformer(**fast_params).fit([[10**400, 1], [1, 2], [2, 3], [3, 4]])
    with pytest.raises(ValueError, match="too large to convert to float64"):
        fitted.transform([[10**400] * 5, [1] * 5])


def test_data_frame_without_columns(fast_params, fitted):
    pd = pytest.importorskip("pandas")
    with pytest.raises(ValueError, match="0 feature"):
        GWAETransformer(**fast_params).fit(pd.DataFrame(index=range(10)))
    with pytest.raises(ValueError, match="0 feature"):
        fitted.transform(pd.DataFrame(index=range(10)))


def test_score_of_data_whose_distances_overflow_float32(fitted):
    X = np.zeros((4, 5))
    X[:, 0] = [0.0, 1e19, 2e19, 3e19]
    for method in (fitted.score, fitted.score_samples):
        with pytest.raises(ValueError, match="overflow float32"):
            method(X)
