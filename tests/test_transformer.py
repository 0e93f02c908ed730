"""Behaviour of GWAETransformer: outputs, reproducibility, attributes, priors, persistence."""

import copy
import io
import pickle
import re
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skgwae
import skgwae.clusterer
from skgwae import DeviceWarning, GWAEClusterer, GWAETransformer
from skgwae._validation import effective_lambda_h
from skgwae.training import Trainer

# Every fit here runs to its tiny max_iter; ConvergenceWarning has its own test below.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

PRIORS = [
    "gaussian",
    "neural",
    "factorized_neural",
    "uniform",
    "spherical",
    "vq",
    "gmm",
]

# The per-epoch keys that the GWAETransformer docstring documents for history_.
HISTORY_TRAIN_KEYS = {"loss", "gw", "w", "d", "h", "kappa", "seconds"}
HISTORY_VAL_KEYS = {"val_gw", "val_w", "val_mmd", "val_score"}


@pytest.fixture
def fresh_global_rngs():
    """Put torch's and numpy's global RNGs in a state of their own; restore them after.

    A fit that reseeded a global RNG with a constant would otherwise go unnoticed once an
    earlier fit had left the same state behind.
    """
    torch_state, np_state = torch.get_rng_state(), np.random.get_state()
    torch.manual_seed(918273)
    np.random.seed(918273)
    yield
    torch.set_rng_state(torch_state)
    np.random.set_state(np_state)


@pytest.fixture
def fitted(fast_params, X_small):
    return GWAETransformer(**fast_params).fit(X_small)


# ---------------------------------------------------------------------- shapes and dtypes


def test_fit_returns_self(fast_params, X_small):
    est = GWAETransformer(**fast_params)
    assert est.fit(X_small) is est


@pytest.mark.parametrize("n_components", [1, 3])
def test_transform_shape(fast_params, X_small, n_components):
    fast_params["n_components"] = n_components
    est = GWAETransformer(**fast_params).fit(X_small)
    assert est.transform(X_small).shape == (X_small.shape[0], n_components)
    assert est.transform(X_small[:7]).shape == (7, n_components)
    assert est.fit_transform(X_small).shape == (X_small.shape[0], n_components)
    assert est.n_features_in_ == X_small.shape[1]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_preserved(fast_params, X_small, dtype):
    X = X_small.astype(dtype)
    est = GWAETransformer(**fast_params).fit(X)
    Z = est.transform(X)
    assert Z.dtype == dtype
    assert est.fit_transform(X).dtype == dtype
    assert est.inverse_transform(Z).dtype == dtype
    assert est.sample(3, random_state=0).dtype == dtype


def test_transform_follows_input_dtype_not_fit_dtype(fitted, X_small):
    Z64 = fitted.transform(X_small)
    Z32 = fitted.transform(X_small.astype(np.float32))
    assert Z64.dtype == np.float64 and Z32.dtype == np.float32
    np.testing.assert_allclose(Z32, Z64, rtol=1e-5, atol=1e-6)


def test_integer_input_is_accepted_as_float64(fast_params):
    X = np.random.RandomState(0).randint(0, 5, size=(30, 4))
    est = GWAETransformer(**fast_params).fit(X)
    assert est.transform(X).dtype == np.float64


# ---------------------------------------------------------------------- determinism


def test_transform_is_deterministic(fitted, X_small):
    np.testing.assert_array_equal(fitted.transform(X_small), fitted.transform(X_small))


def test_transform_is_row_independent(fitted, X_small):
    Z = fitted.transform(X_small)
    one_by_one = np.vstack([fitted.transform(X_small[i : i + 1]) for i in range(len(X_small))])
    # Batched and single-row float32 matmuls may differ in the last bit.
    np.testing.assert_allclose(one_by_one, Z, rtol=1e-5, atol=1e-6)
    perm = np.random.RandomState(1).permutation(len(X_small))
    np.testing.assert_allclose(fitted.transform(X_small[perm]), Z[perm], rtol=1e-5, atol=1e-6)


def test_transform_accepts_negative_stride_views(fitted, X_small):
    Z = fitted.transform(X_small)
    np.testing.assert_allclose(fitted.transform(X_small[::-1]), Z[::-1], rtol=1e-5, atol=1e-6)


def test_fit_transform_equals_fit_then_transform(fast_params, X_small):
    Z1 = GWAETransformer(**fast_params).fit_transform(X_small)
    Z2 = GWAETransformer(**fast_params).fit(X_small).transform(X_small)
    np.testing.assert_array_equal(Z1, Z2)


def test_same_random_state_same_model(fast_params, X_small):
    Z1 = GWAETransformer(**fast_params).fit(X_small).transform(X_small)
    Z2 = GWAETransformer(**fast_params).fit(X_small).transform(X_small)
    np.testing.assert_array_equal(Z1, Z2)


def test_refit_same_estimator_is_reproducible(fitted, X_small):
    Z1 = fitted.transform(X_small)
    Z2 = fitted.fit(X_small).transform(X_small)
    np.testing.assert_array_equal(Z1, Z2)


def test_different_random_state_different_model(fast_params, X_small):
    Z1 = GWAETransformer(**{**fast_params, "random_state": 0}).fit(X_small).transform(X_small)
    Z2 = GWAETransformer(**{**fast_params, "random_state": 1}).fit(X_small).transform(X_small)
    assert not np.allclose(Z1, Z2)


def test_random_state_instance_is_accepted(fast_params, X_small):
    fast_params["random_state"] = np.random.RandomState(0)
    Z = GWAETransformer(**fast_params).fit_transform(X_small)
    assert np.isfinite(Z).all()


@pytest.mark.parametrize(
    "extra",
    [
        dict(prior="gaussian", early_stopping=False),
        dict(coupling="critic", n_critic=1, max_iter=2),
        dict(prior="neural"),
        dict(prior="factorized_neural"),
        dict(prior="vq", early_stopping=False),
        dict(prior="gmm", prior_params={"n_clusters": 3}),
    ],
    ids=["gaussian", "gaussian-critic", "neural", "factorized_neural", "vq", "gmm"],
)
def test_fit_leaves_global_rngs_alone(fast_params, X_small, extra, fresh_global_rngs):
    torch_state = torch.get_rng_state()
    np_state = np.random.get_state()
    GWAETransformer(**{**fast_params, **extra}).fit(X_small)
    assert torch.equal(torch.get_rng_state(), torch_state)
    np.testing.assert_array_equal(np.random.get_state()[1], np_state[1])
    assert np.random.get_state()[2] == np_state[2]


def test_fit_does_not_depend_on_global_rngs(fast_params, X_small, fresh_global_rngs):
    torch.manual_seed(1)
    np.random.seed(1)
    Z1 = GWAETransformer(**fast_params).fit_transform(X_small)
    torch.manual_seed(2)
    np.random.seed(2)
    Z2 = GWAETransformer(**fast_params).fit_transform(X_small)
    np.testing.assert_array_equal(Z1, Z2)


# ---------------------------------------------------------------------- inverse_transform, sample


def test_inverse_transform_shape(fitted, X_small):
    X_back = fitted.inverse_transform(fitted.transform(X_small))
    assert X_back.shape == X_small.shape
    assert np.isfinite(X_back).all()


def test_inverse_transform_rejects_wrong_latent_width(fitted):
    with pytest.raises(ValueError, match=r"X has 3 features, but inverse_transform expects"):
        fitted.inverse_transform(np.zeros((4, 3)))


def test_sample_shape(fitted, X_small):
    assert fitted.sample(7, random_state=0).shape == (7, X_small.shape[1])
    assert fitted.sample(random_state=0).shape == (1, X_small.shape[1])


def test_sample_is_reproducible_with_int_seed(fitted):
    np.testing.assert_array_equal(
        fitted.sample(5, random_state=3), fitted.sample(5, random_state=3)
    )
    assert not np.allclose(fitted.sample(5, random_state=3), fitted.sample(5, random_state=4))


@pytest.mark.parametrize("n_samples", [0, -1, 2.5, True])
def test_sample_rejects_bad_n_samples(fitted, n_samples):
    with pytest.raises(ValueError, match="n_samples must be a positive integer"):
        fitted.sample(n_samples)


# ---------------------------------------------------------------------- score


def test_score_is_finite_float_and_deterministic(fitted, X_small):
    s = fitted.score(X_small)
    assert isinstance(s, float)
    assert np.isfinite(s)
    assert fitted.score(X_small) == s


def test_score_prefers_training_data_over_noisy_data(fitted, X_small):
    noisy = X_small + 10.0 * np.random.RandomState(1).normal(size=X_small.shape)
    assert fitted.score(X_small) > fitted.score(noisy)


def test_one_row_can_be_scored_and_scores_alone_as_among_others(fitted, X_small):
    together = fitted.score_samples(X_small)
    alone = np.array([fitted.score_samples(row[None])[0] for row in X_small])
    np.testing.assert_allclose(alone, together, rtol=1e-5, atol=1e-5)
    assert fitted.score(X_small[:1]) == pytest.approx(together[0], rel=1e-5)
    subset = np.random.RandomState(0).permutation(len(X_small))[:7]
    np.testing.assert_allclose(fitted.score_samples(X_small[subset]), together[subset], rtol=1e-5)


# ---------------------------------------------------------------------- names, pandas, pipeline


def test_get_feature_names_out(fitted):
    np.testing.assert_array_equal(
        fitted.get_feature_names_out(), ["gwaetransformer0", "gwaetransformer1"]
    )


@pytest.fixture
def X_df(X_small):
    columns = [f"f{i}" for i in range(X_small.shape[1])]
    return pd.DataFrame(X_small, columns=columns, index=[f"r{i}" for i in range(len(X_small))])


def test_dataframe_input_sets_feature_names_in(fast_params, X_df, X_small):
    est = GWAETransformer(**fast_params).fit(X_df)
    np.testing.assert_array_equal(est.feature_names_in_, X_df.columns)
    Z = est.transform(X_df)
    np.testing.assert_array_equal(
        np.asarray(Z), GWAETransformer(**fast_params).fit(X_small).transform(X_small)
    )
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        est.transform(X_small)


def test_set_output_pandas_fit_transform(fast_params, X_df):
    est = GWAETransformer(**fast_params).set_output(transform="pandas")
    out = est.fit_transform(X_df)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == ["gwaetransformer0", "gwaetransformer1"]
    pd.testing.assert_index_equal(out.index, X_df.index)


def test_set_output_pandas_transform(fast_params, X_df):
    est = GWAETransformer(**fast_params).set_output(transform="pandas").fit(X_df)
    out = est.transform(X_df)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == ["gwaetransformer0", "gwaetransformer1"]
    pd.testing.assert_index_equal(out.index, X_df.index)
    np.testing.assert_array_equal(out.to_numpy(), est.fit_transform(X_df).to_numpy())


def test_numpy_input_sets_no_feature_names(fitted):
    assert not hasattr(fitted, "feature_names_in_")


def test_in_pipeline(fast_params, X_small):
    pipe = make_pipeline(StandardScaler(), GWAETransformer(**fast_params))
    Z = pipe.fit_transform(X_small)
    assert Z.shape == (X_small.shape[0], 2)
    np.testing.assert_array_equal(pipe.transform(X_small), Z)
    np.testing.assert_array_equal(
        pipe.get_feature_names_out(), ["gwaetransformer0", "gwaetransformer1"]
    )


# ---------------------------------------------------------------------- fitted attributes


def test_history_has_one_row_per_epoch_with_documented_keys(fitted, fast_params):
    assert fitted.n_iter_ == fast_params["max_iter"]
    assert len(fitted.history_) == fitted.n_iter_
    for row in fitted.history_:
        assert HISTORY_TRAIN_KEYS | HISTORY_VAL_KEYS <= set(row)
        assert all(np.isfinite(row[k]) for k in HISTORY_TRAIN_KEYS | HISTORY_VAL_KEYS)
    assert fitted.loss_curve_ == [row["loss"] for row in fitted.history_]
    assert fitted.validation_scores_ == [row["val_score"] for row in fitted.history_]
    assert fitted.best_validation_score_ == max(fitted.validation_scores_)
    assert len(pd.DataFrame(fitted.history_)) == fitted.n_iter_


def test_no_validation_without_early_stopping(fast_params, X_small):
    est = GWAETransformer(**fast_params, early_stopping=False).fit(X_small)
    assert est.validation_scores_ is None
    assert est.best_validation_score_ is None
    assert len(est.history_) == est.n_iter_ == fast_params["max_iter"]
    for row in est.history_:
        assert HISTORY_TRAIN_KEYS <= set(row)
        assert not HISTORY_VAL_KEYS & set(row)
    assert len(est.loss_curve_) == est.n_iter_


def test_fitted_parts(fitted):
    assert isinstance(fitted.encoder_, torch.nn.Module)
    assert isinstance(fitted.decoder_, torch.nn.Module)
    assert isinstance(fitted.prior_, torch.nn.Module)
    assert fitted.critic_ is None  # the default coupling is "mmd"
    assert fitted.device_ == "cpu"
    assert isinstance(fitted.kappa_, float) and fitted.kappa_ > 0


def test_convergence_warning_at_max_iter(fast_params, X_small):
    with pytest.warns(ConvergenceWarning, match="max_iter=3"):
        GWAETransformer(**fast_params).fit(X_small)


def test_no_convergence_warning_when_stopped_early(fast_params, X_small):
    fast_params.update(max_iter=20, n_iter_no_change=1, tol=1e6)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        est = GWAETransformer(**fast_params).fit(X_small)
    assert est.n_iter_ < 20


def test_auto_max_iter_runs_its_schedule_without_convergence_warning(fast_params, X_small):
    """max_iter="auto": about 1,250 steps (here 100 epochs, the cap, of 2 batches), and no
    warning at the end of the schedule."""
    fast_params.update(max_iter="auto", n_iter_no_change=10**6)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        est = GWAETransformer(**fast_params).fit(X_small)
    assert est.n_iter_ == 100


def test_partial_fit_keeps_a_constant_learning_rate(fast_params, X_small, monkeypatch):
    seen = []
    original = Trainer.fit

    def recording_fit(self, *args, **kwargs):
        seen.append(self.config)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Trainer, "fit", recording_fit)
    est = GWAETransformer(**fast_params)
    est.partial_fit(X_small)
    est.fit(X_small)
    assert [(c.max_epochs, c.anneal) for c in seen] == [(1, False), (3, True)]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, 2e-2),
        ({"image_shape": (8, 8)}, 5e-3),
        ({"coupling": "critic"}, 1e-3),
        ({"coupling": "critic", "image_shape": (8, 8)}, 1e-3),
        ({"learning_rate": 1e-2, "image_shape": (8, 8)}, 1e-2),
    ],
)
def test_auto_learning_rate_depends_on_the_coupling_and_networks(params, expected):
    rows = np.random.default_rng(0).normal(size=(50, 8))
    assert GWAETransformer(**params)._learning_rate(rows) == expected


def test_effective_width_is_between_the_root_of_the_width_and_the_width():
    from skgwae._data import effective_width

    p = 400
    assert effective_width(np.ones((5, p))) == pytest.approx(p)  # dense, equal values
    one_hot = np.eye(p)[:5]
    assert effective_width(one_hot) == pytest.approx(np.sqrt(p))
    # Nine of 400 features active: sqrt(400) * sqrt(9).
    sparse = np.zeros((5, p))
    sparse[:, :9] = 1.0
    assert effective_width(sparse) == pytest.approx(20 * 3)
    rows = np.random.default_rng(0).normal(size=(30, p))
    assert effective_width(1e3 * rows) == pytest.approx(effective_width(rows))
    # Rows of zeros are left out; only zeros: no width.
    assert effective_width(np.vstack([sparse, np.zeros((20, p))])) == pytest.approx(60)
    assert effective_width(np.zeros((3, p))) == 0.0


def test_auto_learning_rate_is_lower_for_wide_rows():
    est = GWAETransformer()
    narrow = np.random.default_rng(0).random((40, 50))  # effective width <= 50
    assert est._learning_rate(narrow) == 2e-2
    wide = np.ones((40, 400))  # effective width 400
    assert est._learning_rate(wide) == pytest.approx(1 / 400)
    assert est._learning_rate(np.zeros((4, 400))) == 2e-2
    # Only the fully connected networks with Adam; an explicit rate is kept.
    assert GWAETransformer(image_shape=(20, 20))._learning_rate(wide) == 5e-3
    assert GWAETransformer(coupling="critic")._learning_rate(wide) == 1e-3
    assert GWAETransformer(learning_rate=0.1)._learning_rate(wide) == 0.1


def test_auto_learning_rate_is_lower_for_wide_hidden_layers():
    narrow = np.random.default_rng(0).random((40, 50))
    wide = np.ones((40, 400))
    # In proportion to the widest hidden layer beyond 128 units; narrower ones keep 2e-2.
    assert GWAETransformer(hidden_layer_sizes=(512, 64))._learning_rate(narrow) == 5e-3
    assert GWAETransformer(hidden_layer_sizes=256)._learning_rate(narrow) == 1e-2
    assert GWAETransformer(hidden_layer_sizes=(32,))._learning_rate(narrow) == 2e-2
    assert GWAETransformer(hidden_layer_sizes=())._learning_rate(narrow) == 2e-2
    # The smaller of the two bounds: the first layer's (1 / W) and the hidden layers'.
    assert GWAETransformer(hidden_layer_sizes=(512,))._learning_rate(wide) == 1 / 400
    assert GWAETransformer(hidden_layer_sizes=(2048,))._learning_rate(wide) == pytest.approx(
        2e-2 / 16
    )
    # The clusterer shares the rule.
    assert GWAEClusterer(hidden_layer_sizes=(512,))._learning_rate(narrow) == 5e-3


def test_auto_entropy_weight_keeps_the_whole_term_of_ten_coordinates(monkeypatch):
    # 0.03 up to 10 latent coordinates, then 0.3 / n_components; an explicit weight is kept.
    assert effective_lambda_h("auto", 2) == 0.03
    assert effective_lambda_h("auto", 10) == 0.03
    assert effective_lambda_h("auto", 40) == pytest.approx(0.3 / 40)
    assert effective_lambda_h(0.5, 40) == 0.5
    assert effective_lambda_h(0.0, 2) == 0.0
    # The training steps and the clusterer's steps after its partition use it.
    seen = []
    original = Trainer.__init__

    def spy(self, config, **kwargs):
        seen.append(config.lambda_h)
        original(self, config, **kwargs)

    monkeypatch.setattr(Trainer, "__init__", spy)
    X = np.random.default_rng(0).normal(size=(60, 5))
    GWAETransformer(n_components=20, max_iter=1, random_state=0).fit(X)
    assert seen == [pytest.approx(0.015)]
    partition = skgwae.clusterer.fit_to_partition

    def partition_spy(*args, **kwargs):
        seen.append(kwargs["lambda_h"])
        return partition(*args, **kwargs)

    monkeypatch.setattr(skgwae.clusterer, "fit_to_partition", partition_spy)
    X = np.vstack([X, X + 8.0])
    GWAEClusterer(2, n_components=30, max_iter=2, random_state=0).fit(X)
    assert seen[1:] == [pytest.approx(0.01), pytest.approx(0.01)]
    with pytest.raises(ValueError, match="lambda_h"):
        GWAETransformer(lambda_h="large").fit(X)


def test_fit_trains_wide_rows_at_the_lower_rate(fast_params, monkeypatch):
    seen = []
    original = Trainer.fit

    def recording_fit(self, *args, **kwargs):
        seen.append(self.config.learning_rate)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Trainer, "fit", recording_fit)
    X = np.random.default_rng(0).random((60, 300))
    GWAETransformer(**{**fast_params, "learning_rate": "auto"}).fit(X)
    from skgwae._data import effective_width

    assert 1 / 300 < seen[0] < 2e-2
    assert seen[0] == pytest.approx(1 / effective_width(X), rel=0.05)


# ---------------------------------------------------------------------- priors and couplings


@pytest.mark.parametrize("prior", PRIORS)
def test_every_prior_fits(fast_params, X_small, prior):
    est = GWAETransformer(**fast_params, prior=prior).fit(X_small)
    assert np.isfinite(est.transform(X_small)).all()
    assert np.isfinite(est.sample(4, random_state=0)).all()
    assert np.isfinite(est.score(X_small))


def test_critic_coupling_fits(fast_params, X_small):
    fast_params.update(max_iter=2, n_critic=2)
    est = GWAETransformer(**fast_params, coupling="critic").fit(X_small)
    assert isinstance(est.critic_, torch.nn.Module)
    assert np.isfinite(est.transform(X_small)).all()
    assert np.isfinite(est.inverse_transform(est.transform(X_small))).all()
    assert np.isfinite(est.score(X_small))


def test_vq_prior_params(fast_params, X_small):
    est = GWAETransformer(**fast_params, prior="vq", prior_params={"n_codes": 4}).fit(X_small)
    assert est.prior_.codes.shape == (4, 2)
    # The vq prior only outputs its code vectors.
    z = est.prior_(50, torch.Generator().manual_seed(0))
    assert len(torch.unique(z, dim=0)) <= 4
    assert np.isfinite(est.transform(X_small)).all()


@pytest.mark.parametrize(
    "prior, prior_params",
    [("gaussian", {"n_codes": 4}), ("vq", {"n_code": 4}), ("neural", {"hidden": 3})],
)
def test_prior_params_that_do_not_fit_raise(fast_params, X_small, prior, prior_params):
    est = GWAETransformer(**fast_params, prior=prior, prior_params=prior_params)
    with pytest.raises(ValueError, match=r"do not fit prior="):
        est.fit(X_small)


# ---------------------------------------------------------------------- persistence


def test_pickle_round_trip(fitted, X_small):
    Z = fitted.transform(X_small)
    samples = fitted.sample(3, random_state=0)
    score = fitted.score(X_small)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.transform(X_small), Z)
    np.testing.assert_array_equal(restored.sample(3, random_state=0), samples)
    assert restored.score(X_small) == score
    assert restored.get_params() == fitted.get_params()


def test_joblib_round_trip(fitted, X_small, tmp_path):
    Z = fitted.transform(X_small)
    path = tmp_path / "gwae.joblib"
    joblib.dump(fitted, path)
    restored = joblib.load(path)
    np.testing.assert_array_equal(restored.transform(X_small), Z)
    assert restored.n_iter_ == fitted.n_iter_


def test_unfitted_pickle_round_trip(fast_params):
    restored = pickle.loads(pickle.dumps(GWAETransformer(**fast_params)))
    assert restored.get_params() == GWAETransformer(**fast_params).get_params()
    assert not hasattr(restored, "model_")


@pytest.mark.parametrize(
    "serialize",
    [pickle.dumps, lambda est: joblib.dump(est, io.BytesIO()), copy.deepcopy],
    ids=["pickle", "joblib", "deepcopy"],
)
def test_pickling_leaves_the_estimator_usable(fitted, X_small, serialize):
    Z = fitted.transform(X_small)
    serialize(fitted)
    assert isinstance(fitted.model_, torch.nn.Module)
    np.testing.assert_array_equal(fitted.transform(X_small), Z)


def test_pickle_stores_cpu_state_dict_not_torch_module(fitted):
    state = fitted.__getstate__()
    stored = state["model_"]
    assert isinstance(stored, dict)
    assert set(stored) == {"config", "state_dict"}
    assert stored["config"]["n_features"] == fitted.n_features_in_
    assert stored["state_dict"]  # not empty
    for name, tensor in stored["state_dict"].items():
        assert isinstance(tensor, torch.Tensor), name
        assert tensor.device.type == "cpu", name
    assert state["_skgwae_version"] == skgwae.__version__
    # No torch module anywhere in the state, and no optimiser state.
    for key, value in state.items():
        assert not isinstance(value, (torch.nn.Module, torch.optim.Optimizer)), key


def test_cuda_state_loads_on_cpu_with_device_warning(fitted, X_small, monkeypatch):
    """The skorch pattern: a model saved from CUDA loads on a machine without CUDA."""
    Z = fitted.transform(X_small)
    state = fitted.__getstate__()
    state["device_"] = "cuda:0"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    restored = GWAETransformer.__new__(GWAETransformer)
    with pytest.warns(DeviceWarning, match=r"fitted on cuda:0, which is not available"):
        restored.__setstate__(state)
    assert restored.device_ == "cpu"
    assert all(p.device.type == "cpu" for p in restored.model_.parameters())
    np.testing.assert_array_equal(restored.transform(X_small), Z)


def test_cuda_pickle_loads_on_cpu_with_device_warning(fast_params, X_small, monkeypatch):
    """Same as above through pickle.loads, with device_ claiming CUDA at dump time."""
    est = GWAETransformer(**fast_params).fit(X_small)
    Z = est.transform(X_small)
    est.device_ = "cuda:0"  # pretend: the stored tensors are on the CPU either way
    blob = pickle.dumps(est)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.warns(DeviceWarning):
        restored = pickle.loads(blob)
    assert restored.device_ == "cpu"
    np.testing.assert_array_equal(restored.transform(X_small), Z)


def test_cpu_pickle_loads_without_device_warning(fitted, X_small):
    blob = pickle.dumps(fitted)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeviceWarning)
        restored = pickle.loads(blob)
    assert restored.device_ == "cpu"


def test_default_fit_keeps_encoder_means_on_the_prior_scale():
    # With a weak or light-tailed coupling the encoder means can drift far
    # outside the prior's unit scale while the loss still falls. A default fit (only
    # n_components and the seed given) must keep every latent coordinate near unit spread.
    from sklearn.datasets import load_wine
    from sklearn.preprocessing import StandardScaler

    X = StandardScaler().fit_transform(load_wine().data)
    Z = GWAETransformer(n_components=2, random_state=0).fit_transform(X)
    spread = Z.std(axis=0)
    assert np.all((spread > 0.5) & (spread < 2.0)), spread
    assert np.all(np.abs(Z.mean(axis=0)) < 0.5), Z.mean(axis=0)


# ---------------------------------------------------------------------- parameters as in MLP


def test_int_hidden_layer_sizes_is_one_hidden_layer(fast_params, X_small):
    # As in scikit-learn's MLPClassifier, an int is one hidden layer of that width.
    est = GWAETransformer(**{**fast_params, "hidden_layer_sizes": 16}).fit(X_small)
    ref = GWAETransformer(**{**fast_params, "hidden_layer_sizes": (16,)}).fit(X_small)
    assert est.model_.config["hidden_layer_sizes"] == (16,)
    np.testing.assert_array_equal(est.transform(X_small), ref.transform(X_small))


@pytest.mark.parametrize("verbose", [1, 2])
def test_verbose_shows_either_a_bar_or_lines(fast_params, X_small, capsys, verbose):
    GWAETransformer(**{**fast_params, "verbose": verbose}).fit(X_small)
    captured = capsys.readouterr()
    text = captured.out + captured.err
    lines = re.findall(r"^epoch\s+(\d+) .*loss=", text, flags=re.MULTILINE)
    assert ("GWAE fit" in text) == (verbose == 1)
    assert lines == ([] if verbose == 1 else ["1", "2", "3"])


def test_reconstruction_error_is_the_w_term_row_by_row(fitted, X_small):
    from skgwae.training import evaluate_criterion

    errors = fitted.reconstruction_error(X_small)
    terms = evaluate_criterion(
        fitted.model_, X_small, None, fitted._geometry, lambda_w=1.0, lambda_d=1.0,
        device=fitted._device, per_sample=True,
    )
    np.testing.assert_allclose(errors, terms["w"], rtol=1e-5, atol=1e-7)
    assert errors.dtype == np.float64 and (errors >= 0).all()
    np.testing.assert_allclose(fitted.reconstruction_error(X_small[3:4]), errors[3:4], rtol=1e-5)
    # A row far from the training data is reconstructed worse than the training rows.
    assert fitted.reconstruction_error(X_small[:1] + 50.0)[0] > errors.max()
