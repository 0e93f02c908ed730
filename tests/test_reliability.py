"""Faults during fit, interrupts, warm starts and persistence across versions, seen from the
estimators (the trainer's side is in test_training.py)."""

import copy
import pickle
import signal
import warnings

import numpy as np
import pytest
import torch
from sklearn.datasets import make_blobs
from sklearn.utils.validation import check_is_fitted

import skgwae._persistence
from skgwae import GWAEClusterer, GWAETransformer
from skgwae.exceptions import (
    InconsistentVersionWarning,
    NonFiniteLossError,
    NonFiniteLossWarning,
)
from skgwae.training import Trainer

ESTIMATORS = {
    "transformer": (GWAETransformer, {}),
    "clusterer": (GWAEClusterer, {"n_clusters": 2, "n_components": 2}),
}


@pytest.fixture(params=sorted(ESTIMATORS))
def make_estimator(request, fast_params):
    cls, own = ESTIMATORS[request.param]

    def make(**params):
        return cls(**{**fast_params, **own, **params})

    return make


# ---------------------------------------------------------------------- non-finite loss


def test_non_finite_epoch_recovers_with_a_convergence_warning(
    make_estimator, X_small, nan_in_epochs
):
    from sklearn.exceptions import ConvergenceWarning

    nan_in_epochs({2})
    est = make_estimator(max_iter=4)
    with pytest.warns(ConvergenceWarning, match="non-finite at epoch 2") as record:
        est.fit(X_small)
    assert any(issubclass(w.category, NonFiniteLossWarning) for w in record)
    check_is_fitted(est)
    assert [row["epoch"] for row in est.history_] == [1, 3, 4]  # the bad epoch is not kept
    assert np.isfinite(est.transform(X_small)).all()
    assert np.isfinite(est.score(X_small))


def test_absurd_learning_rate_fails_cleanly_and_keeps_the_previous_fit(make_estimator, X_small):
    est = make_estimator().fit(X_small)
    before = est.transform(X_small)
    est.set_params(learning_rate=1e12)
    with pytest.warns(NonFiniteLossWarning), pytest.raises(ValueError, match="non-finite"):
        est.fit(X_small)
    np.testing.assert_array_equal(est.transform(X_small), before)
    assert est.learning_rate == 1e12  # the parameter the user set is left alone


@pytest.mark.parametrize("scale", [1e18, 1e30, 1e37])
def test_distances_that_overflow_float32_are_a_clear_error(make_estimator, X_small, scale):
    X = X_small / np.abs(X_small).max() * scale
    with pytest.raises(ValueError, match="squared distances between samples overflow float32"):
        make_estimator().fit(X)


def test_large_but_representable_data_fits(make_estimator, X_small):
    est = make_estimator().fit(X_small * 1e12)
    assert np.isfinite(est.transform(X_small * 1e12)).all()


# ---------------------------------------------------------------------- interrupts


def test_ctrl_c_stops_after_the_current_step_and_keeps_the_best_weights(
    make_estimator, X_small, sigint_at_step
):
    # 36 training rows in batches of 16: 2 steps per epoch; the signal comes in epoch 3.
    steps = sigint_at_step(6)
    est = make_estimator(max_iter=50)
    try:
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            est.fit(X_small)
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C escaped fit")
    messages = [str(w.message) for w in record]
    assert any("interrupted by the user after 2 complete epoch(s)" in m for m in messages)
    assert not any("max_iter" in m for m in messages)  # no convergence complaint
    assert len(steps) == 6 and est.n_iter_ == 2
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    # The weights kept are those of the best validated epoch.
    assert est.best_validation_score_ == max(est.validation_scores_)
    assert np.isfinite(est.transform(X_small)).all()
    if hasattr(est, "predict"):
        assert est.predict(X_small).shape == (40,)


def test_ctrl_c_stops_the_restarts_too(fast_params, X_small, sigint_at_step):
    steps = sigint_at_step(3)
    est = GWAEClusterer(**fast_params, n_clusters=2, n_init=3)
    with pytest.warns(UserWarning, match="interrupted"):
        est.fit(X_small)
    assert len(steps) == 3  # no second restart ran
    check_is_fitted(est)


def test_ctrl_c_during_the_clusterers_last_steps_stops_them_and_the_restarts(
    fast_params, X_small, sigint_at_step, monkeypatch
):
    """The clusterer trains on after the partition of its training rows; Ctrl-C there
    stops those steps after the current one, keeps the model as it is (its mixture set
    from the codes it has), and runs no further restart."""
    import skgwae.clusterer as clusterer_module

    # 3 epochs of 2 steps each, then as many steps after the partition.
    monkeypatch.setattr(clusterer_module, "PARTITION_STEP_FRACTION", 1.0)
    monkeypatch.setattr(clusterer_module, "REPLACED_PARTITION_STEP_FRACTION", 1.0)
    steps = sigint_at_step(9)
    est = GWAEClusterer(**fast_params, n_clusters=2, n_init=3)
    with pytest.warns(UserWarning, match="interrupted by the user during the steps"):
        est.fit(X_small)
    assert len(steps) == 9
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    check_is_fitted(est)
    codes = est.transform(X_small).astype(np.float64)
    for k in np.unique(est.labels_):
        assert np.isfinite(est.means_[k]).all()
    assert est.predict(X_small).shape == (40,) and np.isfinite(codes).all()


# ---------------------------------------------------------------------- warm start


def test_warm_start_continues_from_the_fitted_state(make_estimator, X_small):
    est = make_estimator(max_iter=3, warm_start=True, early_stopping=False)
    est.fit(X_small)
    weights = {k: v.clone() for k, v in est.model_.state_dict().items()}
    first_history = list(est.history_)
    est.fit(X_small)
    assert est.n_iter_ == 6 and len(est.loss_curve_) == 6
    assert [row["epoch"] for row in est.history_] == [1, 2, 3, 4, 5, 6]
    assert est.history_[:3] == first_history
    # It continued rather than refit from scratch: epoch 4 does not start where a fresh
    # fit's epoch 1 does, and the weights moved.
    fresh = make_estimator(max_iter=3, early_stopping=False).fit(X_small)
    assert est.history_[3]["loss"] != pytest.approx(fresh.history_[0]["loss"])
    assert any(not torch.equal(v, weights[k]) for k, v in est.model_.state_dict().items())


def test_warm_start_keeps_the_optimizer_moments(fast_params, X_small):
    est = GWAETransformer(**fast_params, warm_start=True).fit(X_small)
    steps = est._optimizer_state[0]["state"][0]["step"].item()
    est.fit(X_small)
    # A second fit of 3 epochs of 2 steps each (36 training rows, batches of 16).
    assert steps == 6 and est._optimizer_state[0]["state"][0]["step"].item() == 12


def test_without_warm_start_fit_starts_afresh(fast_params, X_small):
    est = GWAETransformer(**fast_params).fit(X_small)
    Z = est.transform(X_small)
    est.fit(X_small)
    np.testing.assert_array_equal(est.transform(X_small), Z)
    assert est.n_iter_ == 3


@pytest.mark.parametrize(
    "change, message",
    [({"n_components": 3}, "n_components"), ({"hidden_layer_sizes": (8,)}, "hidden_layer_sizes")],
)
def test_warm_start_refuses_a_changed_model(make_estimator, X_small, change, message):
    est = make_estimator(warm_start=True).fit(X_small)
    model = est.model_
    est.set_params(**change)
    with pytest.raises(ValueError, match=f"warm_start=True.*{message}"):
        est.fit(X_small)
    assert est.model_ is model


def test_warm_start_refuses_other_features(make_estimator, X_small):
    est = make_estimator(warm_start=True).fit(X_small)
    with pytest.raises(ValueError, match="features"):
        est.fit(X_small[:, :4])


def test_warm_start_failure_leaves_the_fitted_model_untouched(fast_params, X_small):
    est = GWAETransformer(**fast_params, warm_start=True).fit(X_small)
    before = {k: v.clone() for k, v in est.model_.state_dict().items()}
    est.set_params(learning_rate=1e12)
    with pytest.warns(NonFiniteLossWarning), pytest.raises(NonFiniteLossError):
        est.fit(X_small)
    for k, v in est.model_.state_dict().items():
        torch.testing.assert_close(v, before[k])
    assert est.n_iter_ == 3


def test_warm_start_clusterer_refits_its_mixture(fast_params):
    X, _ = make_blobs(60, n_features=4, centers=2, random_state=0)
    est = GWAEClusterer(**fast_params, n_clusters=2, warm_start=True).fit(X)
    est.fit(X)
    assert est.n_iter_ == 6
    np.testing.assert_allclose(est.means_, est.prior_.components()[0].detach().numpy(), atol=1e-5)


# ---------------------------------------------------------------------- persistence


def test_pickle_holds_only_the_reference_rows_and_no_optimizer_state(fast_params):
    X = np.random.RandomState(0).normal(size=(2000, 50))
    # The geodesic metric (of "auto" on these rows) keeps the training rows, for the score.
    est = GWAETransformer(**fast_params, metric="euclidean").fit(X)
    blob = pickle.dumps(est)
    n_weights = sum(v.numel() for v in est.model_.state_dict().values())
    # float32 weights, the score's 256 float32 reference rows and a little metadata.
    assert len(blob) < 4 * n_weights + 4 * 256 * 50 + 20_000
    assert len(blob) < X.nbytes / 10
    assert "_optimizer_state" not in pickle.loads(blob).__dict__


def test_pickle_keeps_the_optimizer_state_with_warm_start(fast_params, X_small):
    est = GWAETransformer(**fast_params, warm_start=True).fit(X_small)
    restored = pickle.loads(pickle.dumps(est))
    state = restored._optimizer_state[0]["state"][0]
    assert state["exp_avg"].device.type == "cpu"
    restored.fit(X_small)
    assert restored.n_iter_ == 6


def _adam_steps(est):
    """The step count of the main (Adam) optimiser's state kept by the estimator."""
    return int(est._optimizer_state[0]["state"][0]["step"])


COPIES = {
    "pickle": lambda est: pickle.loads(pickle.dumps(est)),
    "deepcopy": copy.deepcopy,
}


@pytest.mark.parametrize("how", sorted(COPIES))
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_copy_without_optimizer_state_continues_with_fresh_moments(
    make_estimator, X_small, how, method
):
    # Pickled or copied with warm_start=False, the optimiser state is left out; continuing
    # the copy restarts the optimiser from the fitted weights (as documented).
    est = make_estimator().fit(X_small)
    copied = COPIES[how](est)
    assert not hasattr(copied, "_optimizer_state")
    copied.set_params(warm_start=True)
    getattr(copied, method)(X_small)
    assert copied.n_iter_ > est.n_iter_  # the history continues
    assert copied.history_[: est.n_iter_] == est.history_
    # The original keeps its moments: its step count runs on from the first fit's.
    first_steps = _adam_steps(est)
    est.set_params(warm_start=True)
    getattr(est, method)(X_small)
    assert _adam_steps(est) == first_steps + _adam_steps(copied)


def test_estimators_from_parallel_cross_validate_continue(X_small, fast_params):
    from sklearn.model_selection import cross_validate

    for Estimator, own in ESTIMATORS.values():
        result = cross_validate(
            Estimator(**{**fast_params, **own}), X_small, cv=2, n_jobs=2, return_estimator=True
        )
        for est in result["estimator"]:  # each came back from a worker process, pickled
            n_iter = est.n_iter_
            est.set_params(warm_start=True).fit(X_small)
            assert est.n_iter_ > n_iter
            est.partial_fit(X_small)


def test_unpickling_under_another_version_warns(fast_params, X_small, monkeypatch):
    est = GWAETransformer(**fast_params).fit(X_small)
    monkeypatch.setattr(skgwae._persistence, "__version__", "0.0.1")
    blob = pickle.dumps(est)
    monkeypatch.undo()
    with pytest.warns(InconsistentVersionWarning, match="from skgwae version 0.0.1 when using"):
        restored = pickle.loads(blob)
    np.testing.assert_array_equal(restored.transform(X_small), est.transform(X_small))


def test_unpickling_under_the_same_version_is_silent(fast_params, X_small):
    blob = pickle.dumps(GWAETransformer(**fast_params).fit(X_small))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pickle.loads(blob)
    assert "_skgwae_version" not in pickle.loads(blob).__dict__


# ---------------------------------------------------------------------- history


def test_history_as_a_data_frame(fast_params, X_small):
    est = GWAETransformer(**fast_params).fit(X_small)
    frame = est.history_.to_frame()
    assert list(frame.index) == [1, 2, 3] and frame.index.name == "epoch"
    assert {"loss", "gw", "w", "d", "h", "kappa", "val_score", "seconds"} <= set(frame.columns)
    np.testing.assert_allclose(frame["loss"], est.loss_curve_)


# ---------------------------------------------------------------------- best_epoch_


def test_best_epoch_is_the_epoch_whose_weights_are_kept(fast_params, X_small):
    est = GWAETransformer(**{**fast_params, "max_iter": 6}).fit(X_small)
    best = est.history_[int(np.argmax(est.validation_scores_))]["epoch"]
    assert est.best_epoch_ == best
    assert est.validation_scores_[est.best_epoch_ - 1] == est.best_validation_score_
    no_validation = GWAETransformer(**fast_params, early_stopping=False).fit(X_small)
    assert no_validation.best_epoch_ == no_validation.n_iter_ == 3


def test_best_epoch_counts_on_after_a_warm_start(fast_params, X_small):
    est = GWAETransformer(**fast_params, warm_start=True, early_stopping=False).fit(X_small)
    est.fit(X_small)
    assert est.best_epoch_ == 6 == est.history_[-1]["epoch"]


def test_best_epoch_is_none_when_no_epoch_completed(fast_params, X_small, monkeypatch):
    def interrupted(self, *args):
        raise KeyboardInterrupt

    monkeypatch.setattr(Trainer, "_train_epoch", interrupted)
    with pytest.warns(UserWarning, match="interrupted"):
        est = GWAETransformer(**fast_params).fit(X_small)
    assert est.best_epoch_ is None
