"""Behaviour of GWAEClusterer: fitted mixture, predictions, sampling, restarts, errors."""

import copy
import pickle
import re
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.datasets import make_blobs, make_circles
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import adjusted_rand_score

import skgwae._data as data_module
import skgwae._modularity as modularity_module
import skgwae._parts as parts_module
import skgwae._refinement as refinement_module
from skgwae import GWAEClusterer, GWAETransformer
from skgwae.clusterer import most_typical_partitions
from skgwae.training import evaluate_criterion

# Every fit here runs to its tiny max_iter; the empty-component warning is tested below with
# a filter of its own.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# On the CPU wherever the tests run: they read the models' tensors, and several seeds were
# chosen for what they give there (tests/test_gpu.py fits the clusterer on CUDA).
FAST = {
    "n_components": 2,
    "hidden_layer_sizes": (16,),
    "max_iter": 3,
    "batch_size": 16,
    "random_state": 0,
    "device": "cpu",
}
N_CLUSTERS = 3


def _blobs(n_samples=120, n_features=6, random_state=0, **kwargs):
    return make_blobs(
        n_samples=n_samples,
        centers=3,
        n_features=n_features,
        random_state=random_state,
        **kwargs,
    )


@pytest.fixture(scope="module")
def blobs():
    return _blobs()


@pytest.fixture(scope="module")
def fitted(blobs):
    """A clusterer fitted on the blobs. Tests must not modify it."""
    return GWAEClusterer(n_clusters=N_CLUSTERS, **FAST).fit(blobs[0])


# ---------------------------------------------------------------------- fitted attributes


def test_fitted_attributes_shapes_and_dtypes(fitted, blobs):
    X = blobs[0]
    k, d = N_CLUSTERS, FAST["n_components"]
    assert fitted.labels_.shape == (X.shape[0],)
    assert np.issubdtype(fitted.labels_.dtype, np.integer)
    assert set(np.unique(fitted.labels_)) <= set(range(k))
    assert fitted.weights_.shape == (k,)
    assert np.all(fitted.weights_ > 0)
    np.testing.assert_allclose(fitted.weights_.sum(), 1.0, rtol=1e-6)
    assert fitted.means_.shape == (k, d)
    assert fitted.covariances_.shape == (k, d, d)
    for attr in ("weights_", "means_", "covariances_"):
        assert getattr(fitted, attr).dtype == np.float64, attr
        assert np.isfinite(getattr(fitted, attr)).all(), attr
    np.testing.assert_allclose(fitted.covariances_, fitted.covariances_.transpose(0, 2, 1))
    assert np.all(np.linalg.eigvalsh(fitted.covariances_) > 0)
    assert fitted.n_iter_ == FAST["max_iter"]
    assert len(fitted.history_) == fitted.n_iter_
    assert all(np.isfinite(row["loss"]) for row in fitted.history_)
    assert fitted.n_features_in_ == X.shape[1]
    assert not hasattr(fitted, "feature_names_in_")
    assert fitted.critic_ is None
    assert fitted.prior_ is fitted.model_.prior


def test_dataframe_input_sets_feature_names_in(blobs):
    X = blobs[0]
    df = pd.DataFrame(X, columns=[f"col{i}" for i in range(X.shape[1])])
    est = GWAEClusterer(n_clusters=N_CLUSTERS, **FAST).fit(df)
    np.testing.assert_array_equal(est.feature_names_in_, df.columns)
    assert est.feature_names_in_.dtype == object
    assert est.n_features_in_ == X.shape[1]
    # The names change nothing in the fit.
    np.testing.assert_array_equal(
        est.labels_, GWAEClusterer(n_clusters=N_CLUSTERS, **FAST).fit(X).labels_
    )
    np.testing.assert_array_equal(est.predict(df), est.labels_)


def test_mixture_attributes_are_the_prior_components(fitted):
    """means_/covariances_/weights_ are the raw prior parameters mapped through the
    batch-norm's running statistics."""
    prior = fitted.model_.prior
    bn = prior.batchnorm
    with torch.no_grad():
        std = (bn.running_var + bn.eps).double().sqrt().numpy()
        mean = bn.running_mean.double().numpy()
        raw_means = prior.means.double().numpy()
        roots = prior.scales.double().numpy() / std[:, None]
        logits = prior.logits.double().numpy()
    weights = np.exp(logits - logits.max())
    weights /= weights.sum()
    np.testing.assert_allclose(fitted.means_, (raw_means - mean) / std, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(
        fitted.covariances_, roots @ roots.transpose(0, 2, 1), rtol=1e-5, atol=1e-8
    )
    np.testing.assert_allclose(fitted.weights_, weights, rtol=1e-5)


def test_eval_mode_prior_samples_exactly_the_mixture(fitted):
    prior = fitted.model_.prior
    prior.eval()
    n = 20000
    with torch.no_grad():
        z, labels = prior.sample_with_labels(n, torch.Generator().manual_seed(0))
    z, labels = z.double().numpy(), labels.numpy()
    assert z.shape == (n, FAST["n_components"])
    for k in range(N_CLUSTERS):
        zk = z[labels == k]
        assert abs(len(zk) / n - fitted.weights_[k]) < 0.02
        # Five standard errors of the component's empirical mean.
        se = np.sqrt(np.diag(fitted.covariances_[k]) / len(zk))
        np.testing.assert_array_less(np.abs(zk.mean(axis=0) - fitted.means_[k]), 5 * se)
        scale = np.sqrt(np.outer(np.diag(fitted.covariances_[k]), np.diag(fitted.covariances_[k])))
        np.testing.assert_array_less(np.abs(np.cov(zk.T) - fitted.covariances_[k]) / scale, 0.1)


def test_mixture_is_fitted_to_the_latent_codes(fitted, blobs):
    """Each component sits on the latent codes of its cluster (the EM step)."""
    X = blobs[0]
    Z = fitted.transform(X)
    for k in range(N_CLUSTERS):
        members = Z[fitted.labels_ == k]
        assert len(members) > 0
        np.testing.assert_allclose(members.mean(axis=0), fitted.means_[k], atol=0.1 * Z.std())
    np.testing.assert_allclose(
        np.bincount(fitted.labels_, minlength=N_CLUSTERS) / len(X), fitted.weights_, atol=0.05
    )


# ---------------------------------------------------------------------- predictions


def test_predict_proba_is_a_distribution(fitted, blobs):
    X = blobs[0]
    proba = fitted.predict_proba(X)
    assert proba.shape == (X.shape[0], N_CLUSTERS)
    assert np.all((proba >= 0) & (proba <= 1))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)


def test_predict_is_argmax_of_predict_proba_and_labels(fitted, blobs):
    X = blobs[0]
    labels = fitted.predict(X)
    np.testing.assert_array_equal(labels, fitted.predict_proba(X).argmax(axis=1))
    np.testing.assert_array_equal(fitted.labels_, labels)
    # Well-separated blobs: every cluster is used.
    assert len(np.unique(labels)) == N_CLUSTERS


def test_fit_predict_equals_fit_then_predict(blobs):
    X = blobs[0]
    labels = GWAEClusterer(n_clusters=N_CLUSTERS, **FAST).fit_predict(X)
    np.testing.assert_array_equal(
        labels, GWAEClusterer(n_clusters=N_CLUSTERS, **FAST).fit(X).predict(X)
    )


def test_same_random_state_same_model(fitted, blobs):
    X = blobs[0]
    other = GWAEClusterer(n_clusters=N_CLUSTERS, **FAST).fit(X)
    np.testing.assert_array_equal(other.labels_, fitted.labels_)
    np.testing.assert_array_equal(other.means_, fitted.means_)
    np.testing.assert_array_equal(other.covariances_, fitted.covariances_)
    np.testing.assert_array_equal(other.weights_, fitted.weights_)
    different = GWAEClusterer(n_clusters=N_CLUSTERS, **{**FAST, "random_state": 1}).fit(X)
    assert not np.allclose(different.means_, fitted.means_)


def test_transform_and_feature_names(fitted, blobs):
    X = blobs[0]
    Z = fitted.transform(X[:7])
    assert Z.shape == (7, FAST["n_components"])
    assert Z.dtype == np.float64
    np.testing.assert_array_equal(
        fitted.get_feature_names_out(), ["gwaeclusterer0", "gwaeclusterer1"]
    )


@pytest.mark.parametrize("random_state", [0, 1])
def test_recovers_well_separated_blobs(random_state):
    X, y = make_blobs(
        n_samples=300, centers=3, n_features=8, cluster_std=1.0, random_state=random_state
    )
    params = {**FAST, "max_iter": 5, "random_state": random_state}
    est = GWAEClusterer(n_clusters=3, **params).fit(X)
    assert adjusted_rand_score(y, est.labels_) > 0.9


def test_critic_coupling(blobs):
    X = blobs[0]
    params = {**FAST, "max_iter": 2}
    est = GWAEClusterer(n_clusters=N_CLUSTERS, coupling="critic", n_critic=1, **params).fit(X)
    assert isinstance(est.critic_, torch.nn.Module)
    proba = est.predict_proba(X)
    assert proba.shape == (X.shape[0], N_CLUSTERS)
    assert np.all((proba >= 0) & (proba <= 1))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(est.labels_, proba.argmax(axis=1))


# ---------------------------------------------------------------------- sample


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sample_shapes_dtype_and_labels(blobs, dtype):
    X = blobs[0].astype(dtype)
    est = GWAEClusterer(n_clusters=N_CLUSTERS, **FAST).fit(X)
    Xs, ys = est.sample(4000, random_state=0)
    assert Xs.shape == (4000, X.shape[1])
    assert Xs.dtype == dtype
    assert np.isfinite(Xs).all()
    assert ys.shape == (4000,)
    assert np.issubdtype(ys.dtype, np.integer)
    assert set(np.unique(ys)) <= set(range(N_CLUSTERS))
    # Components are drawn by their mixing weights.
    np.testing.assert_allclose(
        np.bincount(ys, minlength=N_CLUSTERS) / 4000, est.weights_, atol=0.04
    )
    # y is the component each sample came from: the samples of component k lie around the
    # decoding of its mean (the components are narrow), nearer to it than to the others.
    decoded_means = est.inverse_transform(est.means_)
    group_means = np.array([Xs[ys == k].mean(axis=0) for k in range(N_CLUSTERS)])
    distances = np.linalg.norm(group_means[:, None] - decoded_means[None], axis=2)
    np.testing.assert_array_equal(distances.argmin(axis=1), np.arange(N_CLUSTERS))
    X1, y1 = est.sample(random_state=0)
    assert X1.shape == (1, X.shape[1]) and y1.shape == (1,)


def test_sample_is_reproducible(fitted):
    X1, y1 = fitted.sample(50, random_state=3)
    X2, y2 = fitted.sample(50, random_state=3)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, _ = fitted.sample(50, random_state=4)
    assert not np.allclose(X1, X3)


@pytest.mark.parametrize("n_samples", [0, -1, 1.5, True])
def test_sample_rejects_bad_n_samples(fitted, n_samples):
    with pytest.raises(ValueError, match="n_samples must be a positive integer"):
        fitted.sample(n_samples)


# ---------------------------------------------------------------------- n_init


def _spy_on_restarts(monkeypatch):
    """Lists that a fit fills with a copy of each restart's model (as the restarts are
    compared) and with the training / validation split of the rows (as indices)."""
    models, splits = [], []
    after_training, split = GWAEClusterer._after_training, data_module._split_index

    def spy_after_training(self, model, data, **kwargs):
        after_training(self, model, data, **kwargs)
        models.append(copy.deepcopy(model))

    def spy_split(*args, **kwargs):
        parts = split(*args, **kwargs)
        splits.append(parts)
        return parts

    monkeypatch.setattr(GWAEClusterer, "_after_training", spy_after_training)
    monkeypatch.setattr(data_module, "_split_index", spy_split)
    return models, splits


def _validation_scores(models, X_val, geometry):
    return [
        evaluate_criterion(m, X_val, None, geometry, lambda_w=1.0, lambda_d=1.0, device="cpu")[
            "score"
        ]
        for m in models
    ]


@pytest.mark.parametrize("random_state", [0, 4])  # the first, then the second restart wins
def test_two_restarts_keep_the_best_validation_score(blobs, monkeypatch, random_state):
    # Two partitions agree with each other equally, so the label-free score decides.
    X = blobs[0]
    models, splits = _spy_on_restarts(monkeypatch)
    params = {**FAST, "random_state": random_state}
    # The rows as given, so that the validation rows are X's own.
    est = GWAEClusterer(
        n_clusters=N_CLUSTERS, n_init=2, weight_features=False, **params
    ).fit(X)

    assert len(models) == 2 and len(splits) == 1
    assert est.model_.input_scaling() is None
    X_val = X[splits[0][1]]
    scores = _validation_scores(models, X_val, est._geometry)
    assert scores[0] != scores[1]
    best = int(np.argmax(scores))
    # score passes float64 rows through a float64 copy of the model: the same value up to
    # float32's rounding of the rows' forward pass.
    assert est.score(X_val) == pytest.approx(scores[best], rel=1e-6)
    kept = est.model_.state_dict()
    for name, value in models[best].state_dict().items():
        assert torch.equal(kept[name], value), name
    assert est.n_iter_ == len(est.history_)


def test_most_typical_partitions_known_answers():
    a = [0, 0, 0, 1, 1, 1, 2, 2, 2]
    relabelled = [2, 2, 2, 0, 0, 0, 1, 1, 1]  # a with its clusters renumbered
    other = [0, 1, 2, 0, 1, 2, 0, 1, 2]
    near = [0, 0, 0, 1, 1, 2, 2, 2, 2]  # a with one row moved
    np.testing.assert_array_equal(most_typical_partitions([other, a, relabelled]), [1, 2])
    # near agrees with a and relabelled, which agree with each other exactly.
    np.testing.assert_array_equal(most_typical_partitions([other, near, a, relabelled]), [2, 3])
    np.testing.assert_array_equal(most_typical_partitions([near, other, a, near]), [0, 3])
    # Two partitions always agree equally; one is trivially the most typical.
    np.testing.assert_array_equal(most_typical_partitions([a, other]), [0, 1])
    np.testing.assert_array_equal(most_typical_partitions([other]), [0])


def test_n_init_keeps_the_most_typical_partition(monkeypatch):
    """With more than two restarts the kept model is the one whose clusters of the
    training rows agree best with the others', here not the one the label-free score
    prefers (the seed is chosen so that they differ)."""
    X = np.random.RandomState(0).uniform(size=(150, 4))
    models, splits = _spy_on_restarts(monkeypatch)
    # The rows as given (uniform values count as a table scaled to [0, 1]): the codes
    # below encode X itself.
    as_given = dict(weight_features=False, power_transform=False)
    est = GWAEClusterer(n_clusters=4, n_init=4, **{**FAST, "random_state": 2}, **as_given)
    est.fit(X)

    assert len(models) == 4 and not est.standardize_
    X_train, X_val = (X[index] for index in splits[0])
    with torch.no_grad():
        codes = [m.encoder(torch.as_tensor(X_train, dtype=torch.float32))[0] for m in models]
        labels = [m.prior.log_joint(c).argmax(dim=1).numpy() for m, c in zip(models, codes)]
    typical = most_typical_partitions(labels)
    assert len(typical) == 1
    scores = _validation_scores(models, X_val, est._geometry)
    assert int(np.argmax(scores)) != typical[0]
    kept = est.model_.state_dict()
    for name, value in models[typical[0]].state_dict().items():
        assert torch.equal(kept[name], value), name


def test_n_init_is_reproducible_and_valid(blobs):
    X = blobs[0]
    est1 = GWAEClusterer(n_clusters=N_CLUSTERS, n_init=2, **FAST).fit(X)
    est2 = GWAEClusterer(n_clusters=N_CLUSTERS, n_init=2, **FAST).fit(X)
    np.testing.assert_array_equal(est1.labels_, est2.labels_)
    np.testing.assert_array_equal(est1.means_, est2.means_)
    np.testing.assert_allclose(est1.predict_proba(X).sum(axis=1), 1.0)
    np.testing.assert_array_equal(est1.labels_, est1.predict(X))


# ---------------------------------------------------------------------- errors


def test_more_clusters_than_samples_raises():
    X = np.random.RandomState(0).normal(size=(4, 3))
    with pytest.raises(ValueError, match=r"n_samples=4 should be >= n_clusters=5"):
        GWAEClusterer(n_clusters=5, **FAST).fit(X)


def test_more_clusters_than_training_rows_raises():
    # 10 rows, 2 held out for validation: 8 training rows for 9 clusters.
    X = np.random.RandomState(0).normal(size=(10, 3))
    with pytest.raises(ValueError, match=r"fewer than n_clusters=9"):
        GWAEClusterer(n_clusters=9, **FAST).fit(X)


@pytest.mark.parametrize("params", [{"n_clusters": 0}, {"n_init": 0}, {"n_clusters": 2.5}])
def test_invalid_parameters_raise(blobs, params):
    name = next(iter(params))
    with pytest.raises(ValueError, match=name):
        GWAEClusterer(**{"n_clusters": 2, **FAST, **params}).fit(blobs[0])


def test_failed_fit_leaves_previous_fit_unchanged(blobs):
    X = blobs[0]
    est = GWAEClusterer(n_clusters=N_CLUSTERS, **FAST).fit(X)
    labels, means, model = est.labels_, est.means_, est.model_
    labels_copy, proba = labels.copy(), est.predict_proba(X)
    # Validated (with 4 features, which resets n_features_in_), then rejected by the split.
    with pytest.raises(ValueError, match="n_clusters"):
        est.fit(np.zeros((2, 4)))
    assert est.labels_ is labels and est.means_ is means and est.model_ is model
    np.testing.assert_array_equal(est.labels_, labels_copy)
    assert est.n_features_in_ == X.shape[1]
    np.testing.assert_array_equal(est.predict_proba(X), proba)


# ---------------------------------------------------------------------- empty components


@pytest.mark.filterwarnings("default::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("random_state", [0, 1])
def test_empty_components_warn(random_state):
    # 3 distinct points, each 30 times, and 5 components: two components are left without a
    # sample (EM may also put two components on one point; they share its weight, but only
    # one wins its samples).
    points = np.random.RandomState(random_state).normal(size=(3, 6)) * 3
    X = np.repeat(points, 30, axis=0)
    params = {**FAST, "max_iter": 2, "random_state": random_state}
    with pytest.warns(ConvergenceWarning, match="most responsible component") as record:
        est = GWAEClusterer(n_clusters=5, **params).fit(X)
    message = next(str(w.message) for w in record if "most responsible" in str(w.message))
    assert "n_clusters=5" in message
    empty = [int(i) for i in re.search(r"component\(s\) \[([\d, ]+)\]", message)[1].split(",")]
    assert len(empty) == 2
    assert not set(empty) & set(est.labels_)
    assert len(set(est.labels_)) == 3


@pytest.mark.filterwarnings("default::sklearn.exceptions.ConvergenceWarning")
def test_no_empty_component_warning_on_matching_clusters(blobs):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        GWAEClusterer(n_clusters=N_CLUSTERS, **FAST).fit(blobs[0])
    messages = [str(w.message) for w in record]
    assert any("max_iter=3" in m for m in messages)  # the recording works
    assert not any("most responsible" in m for m in messages)


# ---------------------------------------------------------------------- persistence


def test_pickle_round_trip(fitted, blobs):
    X = blobs[0]
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict(X), fitted.predict(X))
    np.testing.assert_array_equal(restored.predict_proba(X), fitted.predict_proba(X))
    np.testing.assert_array_equal(restored.transform(X), fitted.transform(X))
    np.testing.assert_array_equal(restored.labels_, fitted.labels_)
    np.testing.assert_array_equal(restored.means_, fitted.means_)
    for a, b in zip(restored.sample(5, random_state=0), fitted.sample(5, random_state=0)):
        np.testing.assert_array_equal(a, b)
    assert restored.score(X) == fitted.score(X)
    assert restored.get_params() == fitted.get_params()


# ---------------------------------------------------------------------- score, outliers


@pytest.fixture(scope="module", params=["transformer", "clusterer"])
def fitted_on_normal(request):
    """A GWAETransformer or GWAEClusterer fitted on 300 standard normal rows of 5 features."""
    X = np.random.RandomState(0).normal(size=(300, 5))
    if request.param == "transformer":
        return GWAETransformer(**FAST).fit(X)
    return GWAEClusterer(n_clusters=2, **FAST).fit(X)


def test_score_is_mean_of_score_samples(fitted_on_normal):
    X = np.random.RandomState(1).normal(size=(50, 5))
    scores = fitted_on_normal.score_samples(X)
    assert scores.shape == (50,)
    assert np.isfinite(scores).all()
    np.testing.assert_allclose(fitted_on_normal.score(X), scores.mean(), rtol=1e-6)


def test_score_samples_does_not_depend_on_row_order(fitted_on_normal):
    # More than 512 rows: the pair terms are taken within chunks.
    X = np.random.RandomState(1).normal(size=(600, 5))
    perm = np.random.RandomState(2).permutation(len(X))
    scores = fitted_on_normal.score_samples(X)
    np.testing.assert_allclose(
        fitted_on_normal.score_samples(X[perm]), scores[perm], rtol=1e-6, atol=1e-9
    )
    np.testing.assert_allclose(fitted_on_normal.score(X[perm]), scores.mean(), rtol=1e-6)


def test_score_samples_detects_outliers(fitted_on_normal):
    rng = np.random.RandomState(1)
    inliers = rng.normal(size=(100, 5))
    outliers = inliers + 20.0
    scores = fitted_on_normal.score_samples(np.vstack([inliers, outliers]))
    inlier_scores, outlier_scores = scores[:100], scores[100:]
    assert np.median(outlier_scores) < np.percentile(inlier_scores, 5)
    # On a shift this large, not a single outlier scores like the inliers' lowest 5%.
    assert outlier_scores.max() < np.percentile(inlier_scores, 5)


def test_em_mixture_on_many_codes_starts_from_a_subset(monkeypatch):
    """Above EM_SUBSET codes the EM starts run on a subset and one EM on all codes
    continues from the best: it finds the same blobs as EM on all codes (up to where EM's
    tolerance stops each), with the same result for the same seed."""
    import skgwae._mixture as mixture_module

    codes, truth = make_blobs(600, n_features=3, centers=4, cluster_std=1.0, random_state=0)
    full = mixture_module.fit_latent_mixture(codes, 4, seed=0, method="em")
    calls = []
    original = mixture_module.GaussianMixture.fit

    def recording_fit(self, X, y=None):
        calls.append((len(X), self.means_init is not None))
        return original(self, X, y)

    monkeypatch.setattr(mixture_module, "EM_SUBSET", 200)
    monkeypatch.setattr(mixture_module.GaussianMixture, "fit", recording_fit)
    subset = mixture_module.fit_latent_mixture(codes, 4, seed=0, method="em")
    again = mixture_module.fit_latent_mixture(codes, 4, seed=0, method="em")
    assert calls[:2] == [(200, False), (600, True)]
    order_full = np.lexsort(full.means.T)
    order_subset = np.lexsort(subset.means.T)
    # Blobs of standard deviation 1, 150 codes each: the two EMs stop within 0.1 of each
    # other; a different local optimum would be off by a blob's distance.
    np.testing.assert_allclose(subset.means[order_subset], full.means[order_full], atol=0.2)
    np.testing.assert_allclose(subset.weights[order_subset], full.weights[order_full], atol=0.02)
    np.testing.assert_array_equal(again.means, subset.means)



def _two_rings(n_per_ring=300, random_state=0):
    rng = np.random.RandomState(random_state)
    angles = rng.uniform(0, 2 * np.pi, size=2 * n_per_ring)
    radii = np.repeat([1.0, 4.0], n_per_ring)
    codes = np.c_[radii * np.cos(angles), radii * np.sin(angles)]
    return codes + 0.1 * rng.normal(size=codes.shape), np.repeat([0, 1], n_per_ring)


def test_spectral_mixture_components_are_the_moments_of_connected_parts():
    """Two concentric rings: the neighbour graph has one part per ring, so each component
    is the weight, mean and covariance of one ring; the maximum-likelihood mixture cuts
    across the rings instead."""
    from sklearn.metrics import adjusted_rand_score as ari

    import skgwae._mixture as mixture_module

    codes, rings = _two_rings()
    mixture = mixture_module.fit_latent_mixture(codes, 2, seed=0)
    labels = np.argmax(
        mixture_module._log_joint(codes, mixture.weights, mixture.means, mixture.covariances),
        axis=1,
    )
    # The inner ring has the smaller covariance.
    inner = int(np.argmin([np.trace(c) for c in mixture.covariances]))
    for ring, k in ((0, inner), (1, 1 - inner)):
        members = codes[rings == ring]
        np.testing.assert_allclose(mixture.weights[k], 0.5)
        np.testing.assert_allclose(mixture.means[k], members.mean(axis=0), atol=1e-12)
        ridge = mixture_module.REG_COVAR * codes.std() ** 2 * np.eye(2)
        expected = np.cov(members.T, bias=True) + ridge
        np.testing.assert_allclose(mixture.covariances[k], expected, rtol=1e-10)
    assert mixture.empty.size == 0
    # The inner ring's narrow component wins its codes and the outer one the rest; EM
    # ignores the rings altogether.
    em = mixture_module.fit_latent_mixture(codes, 2, seed=0, method="em")
    em_labels = np.argmax(
        mixture_module._log_joint(codes, em.weights, em.means, em.covariances), axis=1
    )
    assert ari(rings, labels) > 0.95
    assert ari(rings, em_labels) < 0.5



def _codes_of_a_plane():
    """Three overlapping Gaussian parts of different shapes in a plane, rotated into 6
    dimensions, the 4 others holding only a noise 1,000 times smaller whose scale
    follows the position (as an encoder's does): codes of rows with 2 features."""
    rng = np.random.RandomState(0)
    shapes = [[[1.0, 0.0], [0.0, 0.3]], [[0.3, 0.0], [0.0, 1.0]], [[0.6, 0.4], [0.4, 0.6]]]
    centres = ([0, 0], [1.5, 0], [0, 1.5])
    plane = np.vstack(
        [rng.normal(size=(300, 2)) @ np.array(a) + m for a, m in zip(shapes, centres)]
    )
    noise = 1e-3 * rng.normal(size=(900, 4)) * (1 + np.abs(plane[:, :1]))
    rotation = np.linalg.qr(rng.normal(size=(6, 6)))[0]
    return np.c_[plane, noise] @ rotation, np.repeat(np.arange(3), 300)


def test_mixture_of_parts_shares_the_directions_of_noise_alone():
    """Components fitted in all 6 directions let the noise's chance variances decide
    labels; the mixture of the parts differs only in the plane, and labels the codes
    more often as their parts."""
    import skgwae._mixture as mixture_module

    codes, labels = _codes_of_a_plane()
    mixture = mixture_module.mixture_of_parts(codes, labels, 3)
    full = parts_module.part_moments(codes, labels, 3)

    def agreement(weights, means, covariances):
        joint = mixture_module._log_joint(codes, weights, means, covariances)
        return np.mean(joint.argmax(axis=1) == labels)

    chosen = agreement(mixture.weights, mixture.means, mixture.covariances)
    assert chosen >= agreement(*full) + 0.005
    # Along the codes' 4 least-varying principal directions every component is the
    # codes' own distribution: their mean, and one covariance for all.
    rest = np.linalg.eigh(np.cov(codes.T))[1][:, :4]
    np.testing.assert_allclose(
        mixture.means @ rest, np.tile(codes.mean(axis=0) @ rest, (3, 1)), atol=1e-12
    )
    blocks = rest.T @ mixture.covariances @ rest
    np.testing.assert_allclose(blocks, np.broadcast_to(blocks[0], blocks.shape), atol=1e-12)


def test_mixture_of_parts_uses_every_direction_that_separates_the_parts():
    """Parts apart along every axis: the components are the parts' own moments."""
    import skgwae._mixture as mixture_module

    codes, labels = make_blobs(600, n_features=3, centers=np.eye(3) * 4, random_state=0)
    mixture = mixture_module.mixture_of_parts(codes, labels, 3)
    standardised, center, scale = mixture_module._standardise(codes)
    weights, means, covariances = parts_module.part_moments(standardised, labels, 3)
    np.testing.assert_allclose(mixture.means, means * scale + center, rtol=1e-12)
    np.testing.assert_allclose(mixture.covariances, covariances * scale**2, rtol=1e-12)

def test_spectral_mixture_on_many_codes_uses_a_subset(monkeypatch):
    """Above SPECTRAL_SUBSET codes the partition is found on that many of them (the same
    ones for the same seed), and the components still sit on the blobs."""
    import skgwae._mixture as mixture_module

    codes, truth = make_blobs(900, n_features=3, centers=3, cluster_std=0.5, random_state=0)
    sizes = []
    original = mixture_module.SpectralClustering.fit

    def recording_fit(self, X, y=None):
        sizes.append(X.shape[0])  # the affinity matrix of the partitioned codes
        return original(self, X, y)

    monkeypatch.setattr(mixture_module, "SPECTRAL_SUBSET", 300)
    monkeypatch.setattr(mixture_module.SpectralClustering, "fit", recording_fit)
    mixture = mixture_module.fit_latent_mixture(codes, 3, seed=0)
    again = mixture_module.fit_latent_mixture(codes, 3, seed=0)
    assert sizes == [300, 300]
    np.testing.assert_array_equal(again.means, mixture.means)
    centres = np.stack([codes[truth == k].mean(axis=0) for k in range(3)])
    distances = np.linalg.norm(mixture.means[:, None] - centres[None], axis=2)
    # Each component within 0.2 of a different blob centre (blobs 0.5 wide, several apart).
    assert sorted(distances.argmin(axis=1)) == [0, 1, 2]
    np.testing.assert_array_less(distances.min(axis=1), 0.2)


def test_latent_mixture_does_not_depend_on_the_codes_scale():
    """The graph and the covariance regulariser work on standardised codes: codes scaled
    and shifted give the same mixture, scaled and shifted."""
    import skgwae._mixture as mixture_module

    codes, _ = make_blobs(400, n_features=4, centers=4, random_state=1)
    mixture = mixture_module.fit_latent_mixture(codes, 4, seed=0)
    moved = mixture_module.fit_latent_mixture(codes * 1000.0 - 7.0, 4, seed=0)
    np.testing.assert_allclose(moved.weights, mixture.weights)
    np.testing.assert_allclose(moved.means, mixture.means * 1000.0 - 7.0, rtol=1e-9)
    np.testing.assert_allclose(moved.covariances, mixture.covariances * 1e6, rtol=1e-9)


@pytest.mark.parametrize("n_codes", [3, 14])
def test_latent_mixture_on_few_codes_falls_back_to_em(monkeypatch, n_codes):
    """With fewer than SPECTRAL_MIN_PER_CLUSTER codes per component there is no graph
    partition to speak of: the mixture is EM's."""
    import skgwae._mixture as mixture_module

    codes = np.random.RandomState(0).normal(size=(n_codes, 2))
    calls = []
    monkeypatch.setattr(
        mixture_module.SpectralClustering, "fit", lambda *a, **k: calls.append(1) or None
    )
    mixture = mixture_module.fit_latent_mixture(codes, 3, seed=0)
    em = mixture_module.fit_latent_mixture(codes, 3, seed=0, method="em")
    assert not calls
    np.testing.assert_array_equal(mixture.means, em.means)
    np.testing.assert_array_equal(mixture.weights, em.weights)


def test_latent_mixture_rejects_an_unknown_method():
    import skgwae._mixture as mixture_module

    with pytest.raises(ValueError, match="method must be 'spectral' or 'em', got 'kmeans'"):
        mixture_module.fit_latent_mixture(np.zeros((20, 2)), 2, seed=0, method="kmeans")


def test_spectral_mixture_with_rows_keeps_the_edges_of_both_graphs(monkeypatch):
    """With the data rows, the partitioned graph is the geometric mean of the codes' and
    the rows' nearest-neighbour affinities (built here with numpy), on the same subset of
    codes and rows; rows are asked for at the subset's sorted positions."""
    import skgwae._mixture as mixture_module

    rng = np.random.RandomState(0)
    codes, rows = rng.normal(size=(90, 3)), rng.normal(size=(90, 5))
    monkeypatch.setattr(mixture_module, "SPECTRAL_SUBSET", 60)
    seen, asked = [], []
    original = mixture_module.SpectralClustering.fit

    def recording_fit(self, X, y=None):
        seen.append(X.toarray())
        return original(self, X, y)

    def rows_at(index):
        asked.append(index)
        return rows[index]

    monkeypatch.setattr(mixture_module.SpectralClustering, "fit", recording_fit)
    mixture_module.fit_latent_mixture(codes, 3, seed=0, rows=rows_at, n_neighbors=6)
    (index,) = asked
    assert len(index) == 60 and np.all(np.diff(index) > 0)

    def affinity(X):
        dist = ((X[:, None, :] - X[None, :, :]) ** 2).sum(-1)
        A = np.zeros((len(X), len(X)))
        for i in range(len(X)):
            A[i, np.argsort(dist[i], kind="stable")[:6]] = 1.0  # itself first
        return 0.5 * (A + A.T)

    standardised = (codes - codes.mean(axis=0)) / codes.std()
    expected = np.sqrt(affinity(standardised[index]) * affinity(rows[index]))
    np.testing.assert_allclose(seen[0], expected, atol=1e-12)


def test_partition_joins_parts_smaller_than_a_neighbourhood_to_their_nearest_code():
    """Two cliques of 30 codes, and a pair of codes linked only to each other (as the
    graph of neighbours common to codes and rows can leave): the pair would be the
    cheapest cut of the spectral clustering; it is left out of it and joins the part of
    its nearest code outside it."""
    import scipy.sparse

    import skgwae._mixture as mixture_module

    rng = np.random.RandomState(0)
    codes = np.r_[
        rng.normal(size=(30, 2)), rng.normal(size=(30, 2)) + 10.0, [[9.0, 9.0], [9.5, 9.5]]
    ]
    blocks = [np.ones((30, 30)), np.ones((30, 30)), np.ones((2, 2))]
    affinity = scipy.sparse.csr_matrix(scipy.sparse.block_diag(blocks))
    labels = mixture_module._partition(affinity, codes, 2, np.random.RandomState(0), 20)
    assert len(set(labels[:30])) == 1 and len(set(labels[30:60])) == 1
    assert labels[0] != labels[30]
    np.testing.assert_array_equal(labels[60:], labels[30])
    # Without the rule (every part kept), the pair is a cluster of its own.
    kept_all = mixture_module._partition(affinity, codes, 2, np.random.RandomState(0), 1)
    assert np.bincount(kept_all).min() == 2


def _concentric_arcs(n_rows, seed):
    """Rows on three concentric half circles (radii 1, 2 and 3) in 5 standardised
    features, and their arcs."""
    from sklearn.preprocessing import StandardScaler

    rng = np.random.RandomState(seed)
    arc = rng.randint(3, size=n_rows)
    angle = rng.uniform(0, np.pi, size=n_rows)
    points = (arc + 1.0)[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    points += 0.15 * rng.normal(size=(n_rows, 2))
    return StandardScaler().fit_transform(points @ rng.normal(size=(2, 5))), arc


def test_spectral_partition_of_concentric_arcs_is_rounded_by_a_mixture(monkeypatch):
    """k-means on the first eigenvectors cuts long arcs across; a Gaussian mixture of the
    spectral embedding finds the arcs, at a far smaller normalized cut, and replaces its
    partition."""
    from sklearn.neighbors import kneighbors_graph

    import skgwae._mixture as mixture_module
    from skgwae.metrics import cluster_accuracy

    rows, arc = _concentric_arcs(900, 11)
    graph = kneighbors_graph(rows, 10)
    graph = 0.5 * (graph + graph.T)
    labels = mixture_module._partition(graph, rows, 3, np.random.RandomState(0), 10)
    assert cluster_accuracy(arc, labels) > 0.99
    cut = mixture_module._normalized_cut(graph, labels, 3)
    # Without the mixture's rounding: spectral clustering's own partition.
    monkeypatch.setattr(mixture_module, "ROUNDING_MAX_CUT_RATIO", 0.0)
    by_k_means = mixture_module._partition(graph, rows, 3, np.random.RandomState(0), 10)
    assert cluster_accuracy(arc, by_k_means) < 0.9
    assert cut < 0.5 * mixture_module._normalized_cut(graph, by_k_means, 3)


def test_mixture_rounding_keeps_a_partition_it_cannot_clearly_improve():
    """On Gaussian blobs spectral clustering's partition is the blobs; the mixture of the
    embedding finds no partition that cuts the graph clearly less, and the partition
    stays as it was (the same object)."""
    from sklearn.neighbors import kneighbors_graph

    import skgwae._mixture as mixture_module

    rows, _ = make_blobs(600, centers=3, cluster_std=1.5, random_state=0)
    graph = kneighbors_graph(rows, 10)
    graph = 0.5 * (graph + graph.T)
    labels = mixture_module._partition(graph, rows, 3, np.random.RandomState(0), 10)
    rounded = mixture_module._mixture_rounding(graph, labels, 3, np.random.RandomState(0))
    assert rounded is labels


def test_training_rows_at_reads_positions_across_chunks():
    from skgwae.training.chunks import IterableRows

    chunks = [np.arange(12.0).reshape(6, 2), np.arange(12.0, 20.0).reshape(4, 2)]
    data = data_module.TrainingData(
        train=IterableRows(chunks, prepare=np.asarray),
        validation=None,
        all_rows=None,
        calibration_rows=np.empty((0, 2)),
        n_features=2,
        n_train=10,
        dtype=np.dtype(np.float64),
        in_unit_range=False,
        input_scaling=None,
    )
    whole = np.concatenate(chunks)
    index = np.array([0, 4, 5, 6, 9])
    np.testing.assert_array_equal(data.training_rows_at(index), whole[index])
    np.testing.assert_array_equal(data.training_rows_at(np.array([], dtype=int)), whole[:0])


@pytest.mark.parametrize(
    "metric, rows_metric",
    [("euclidean", "euclidean"), ("cosine", "cosine"), ("geodesic", "euclidean")],
)
def test_clusterer_partitions_with_its_training_rows(monkeypatch, metric, rows_metric):
    """The last step gets the training rows of the codes, compared under the data metric
    (the geodesic metric's graph joins Euclidean neighbours)."""
    import skgwae.clusterer as clusterer_module

    X = make_blobs(120, n_features=4, centers=3, random_state=0)[0] + 10.0
    calls = []
    original = clusterer_module.fit_latent_mixture

    def recording(codes, n_components, seed, **kwargs):
        calls.append((codes, kwargs))
        return original(codes, n_components, seed, **kwargs)

    monkeypatch.setattr(clusterer_module, "fit_latent_mixture", recording)
    # The codes are compared with those of the fitted encoder: no step after the partition.
    monkeypatch.setattr(clusterer_module, "PARTITION_STEPS", 0)
    monkeypatch.setattr(clusterer_module, "REPLACED_PARTITION_STEPS", 0)
    # The rows as given, which the test compares with X.
    est = GWAEClusterer(3, metric=metric, max_iter=2, random_state=0, weight_features=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X)
    ((codes, kwargs),) = calls
    assert kwargs["rows_metric"] == rows_metric
    rows = kwargs["rows"](np.arange(len(codes)))
    # The training rows, shuffled, in the order of their codes.
    assert rows.shape == (len(codes), 4)
    np.testing.assert_allclose(est.transform(rows), codes, rtol=1e-5, atol=1e-6)


def test_model_is_trained_towards_the_partition(monkeypatch):
    """After the partition, the model is trained on so that the mixture of the codes' parts
    reproduces it, and the components are the mixture of the parts' codes. Here two
    classes differ in 3 of 20 standardised features: a fit preserving the rows' distances
    mixes them in the codes, and the steps raise the agreement with the partition."""
    import skgwae.clusterer as clusterer_module
    from sklearn.datasets import make_classification
    from sklearn.preprocessing import StandardScaler

    X, _ = make_classification(
        600, n_features=20, n_informative=3, n_redundant=0, n_clusters_per_class=1,
        class_sep=2.0, random_state=0,
    )
    X = StandardScaler().fit_transform(X)
    calls = []
    original = clusterer_module.fit_to_partition

    def recording(model, rows, positions, labels, n_parts, **kwargs):
        calls.append((rows, labels))
        return original(model, rows, positions, labels, n_parts, **kwargs)

    monkeypatch.setattr(clusterer_module, "fit_to_partition", recording)
    # The steps' own effect, on the parts' moments: the refit of a replaced partition's
    # mixture (tested in test_classifying_mixture.py) would raise the agreement without them.
    monkeypatch.setattr(clusterer_module, "CLASSIFIED_MIN_AGREEMENT", 0.0)
    agreement = {}
    default = clusterer_module.PARTITION_STEPS
    # These classes share their noise, so the mixture with one shared covariance may
    # replace the graph's partition (the longer steps): both counts go to 0 without steps.
    replaced_default = clusterer_module.REPLACED_PARTITION_STEPS
    for n_steps in (0, default):
        monkeypatch.setattr(clusterer_module, "PARTITION_STEPS", n_steps)
        monkeypatch.setattr(
            clusterer_module, "REPLACED_PARTITION_STEPS", n_steps and replaced_default
        )
        # The rows as given: weighted features would tell the classes apart themselves.
        est = GWAEClusterer(2, random_state=0, weight_features=False).fit(X)
        rows, labels = calls[-1]
        codes = est.transform(rows).astype(np.float64)
        parts = clusterer_module.mixture_of_parts(codes, labels, 2)
        np.testing.assert_allclose(est.means_, parts.means, atol=1e-4)
        np.testing.assert_allclose(est.covariances_, parts.covariances, atol=1e-4)
        agreement[n_steps] = np.mean(est.predict(rows) == labels)
    # Measured: 0.83 without the steps, 0.96 with them (before the shared covariance's
    # partition: 0.82 and 0.87; 0.88 and 0.92, 0.88 and 0.94 for random_state 1 and 2).
    assert agreement[default] > agreement[0] + 0.025


@pytest.mark.parametrize("replaced", [False, True])
def test_steps_after_the_partition_are_a_share_of_the_training(
    monkeypatch, short_clusterer_fit, replaced
):
    """A short fit (epochs of 2 steps, in batches of 16 of its 36 training rows) is
    followed by PARTITION_STEP_FRACTION as many steps, or REPLACED_PARTITION_STEP_FRACTION
    as many where a model of the rows replaced the graph's partition (``replaced``)."""
    import skgwae.clusterer as clusterer_module

    calls = []
    steps, fit_mixture = clusterer_module.fit_to_partition, clusterer_module.fit_latent_mixture

    def recording(*args, **kwargs):
        calls.append(kwargs["n_steps"])
        return steps(*args, **kwargs)

    def mixture_of_rows(*args, **kwargs):
        mixture = fit_mixture(*args, **kwargs)
        mixture.replaced = replaced
        return mixture

    monkeypatch.setattr(clusterer_module, "fit_to_partition", recording)
    monkeypatch.setattr(clusterer_module, "fit_latent_mixture", mixture_of_rows)
    est = short_clusterer_fit()
    if replaced:
        fraction = clusterer_module.REPLACED_PARTITION_STEP_FRACTION
        most = clusterer_module.REPLACED_PARTITION_STEPS
    else:
        fraction = clusterer_module.PARTITION_STEP_FRACTION
        most = clusterer_module.PARTITION_STEPS
    expected = round(fraction * est.n_iter_ * 2)
    assert 0 < expected < most and calls == [expected]


@pytest.mark.parametrize("share, weights", [(0.5, [1.0, 10.0]), (0.95, [1.0])])
def test_a_second_pass_follows_where_the_codes_mix_the_parts(
    monkeypatch, short_clusterer_fit, share, weights
):
    """Where the mixture of the parts' codes gives fewer than MIN_CODES_AGREEMENT of the
    training rows their part after the steps, as many steps follow again with the
    cross-entropy at MIXED_LABEL_WEIGHT (and the next seed); at that share, none."""
    import skgwae.clusterer as clusterer_module

    assert clusterer_module.MIN_CODES_AGREEMENT == 0.95
    assert clusterer_module.MIXED_LABEL_WEIGHT == 10.0
    calls = []
    steps = clusterer_module.fit_to_partition

    def recording(*args, **kwargs):
        calls.append((kwargs["label_weight"], kwargs["n_steps"], kwargs["seed"]))
        return steps(*args, **kwargs)

    monkeypatch.setattr(clusterer_module, "fit_to_partition", recording)
    monkeypatch.setattr(clusterer_module, "agreement", lambda *args: share)
    est = short_clusterer_fit()
    assert [weight for weight, _, _ in calls] == weights
    assert len({n_steps for _, n_steps, _ in calls}) == 1
    assert [seed for _, _, seed in calls] == [calls[0][2] + i for i in range(len(calls))]
    assert np.isfinite(est.means_).all()


def test_agreement_of_a_mixture_with_the_parts_of_its_codes():
    """Two well-separated parts: their own mixture gives every code its part; with the
    labels swapped, none; with a tenth of one part's labels swapped, 0.95."""
    import skgwae._mixture as mixture_module

    codes, labels = make_blobs(200, centers=[[0, 0], [8, 0]], random_state=0)
    mixture = mixture_module.mixture_of_parts(codes, labels, 2)
    assert mixture_module.agreement(mixture, codes, labels) == 1.0
    assert mixture_module.agreement(mixture, codes, 1 - labels) == 0.0
    moved = labels.copy()
    moved[np.flatnonzero(labels == 0)[:10]] = 1
    assert mixture_module.agreement(mixture, codes, moved) == pytest.approx(0.95)


def test_more_steps_follow_a_partition_that_a_model_of_the_rows_replaced():
    """Where a model of the rows replaced the graph's partition, the steps after it are
    REPLACED_PARTITION_STEP_FRACTION of the training's, at most REPLACED_PARTITION_STEPS
    (of a default training of 1,150 steps: 368 against 92)."""
    import skgwae.clusterer as clusterer_module

    assert clusterer_module.partition_steps(1150, False) == 92
    assert clusterer_module.partition_steps(1150, True) == 368
    assert clusterer_module.partition_steps(5000, False) == clusterer_module.PARTITION_STEPS
    assert clusterer_module.partition_steps(5000, True) == 400


def test_the_latent_mixture_says_whether_a_model_of_the_rows_replaced_the_partition():
    """Binary rows of 3 classes: the latent class model's partition replaces the graph's
    (``replaced``); well-separated blobs keep the graph's, refined; EM has no graph."""
    import skgwae._mixture as mixture_module

    rng = np.random.RandomState(0)
    y = rng.randint(3, size=300)
    rows = (rng.uniform(size=(300, 16)) < rng.uniform(0.1, 0.9, size=(3, 16))[y]) * 1.0
    codes = rows @ rng.normal(size=(16, 4)) + 0.05 * rng.normal(size=(300, 4))
    mixture = mixture_module.fit_latent_mixture(codes, 3, 0, rows=lambda i: rows[i])
    assert mixture.replaced
    codes, _ = make_blobs(300, centers=3, n_features=4, random_state=0)
    mixture = mixture_module.fit_latent_mixture(codes, 3, 0, rows=lambda i: codes[i])
    assert mixture.labels is not None and not mixture.replaced
    assert not mixture_module.fit_latent_mixture(codes, 3, 0, method="em").replaced


def test_auto_length_counts_the_steps_after_the_partition():
    """Under max_iter="auto" the training and the steps after the partition together take
    about the transformer's step budget."""
    from skgwae import GWAETransformer
    from skgwae.training import AUTO_STEPS

    import skgwae.clusterer as clusterer_module

    n_train = 1617  # digits' training rows: 25 batches of the default 64 per epoch
    rows = np.zeros((4, 64))
    epochs = GWAEClusterer(10)._training_config(n_train, False, rows).max_epochs
    training_steps = epochs * 25
    after = min(
        clusterer_module.PARTITION_STEPS,
        round(clusterer_module.PARTITION_STEP_FRACTION * training_steps),
    )
    assert abs(training_steps + after - AUTO_STEPS) <= 25
    assert GWAETransformer(10)._training_config(n_train, False, rows).max_epochs == 50
    assert epochs == 46

def _overlapping_gaussians():
    """A wide and a narrow Gaussian cluster that overlap, in 3 dimensions: the boundary a
    nearest-centroid split draws is the bisector, the Gaussian one wraps the narrow
    cluster."""
    rng = np.random.RandomState(0)
    wide = rng.normal(scale=3.0, size=(300, 3))
    narrow = rng.normal(scale=0.5, size=(150, 3)) + [2.5, 0.0, 0.0]
    return np.r_[wide, narrow], np.r_[np.zeros(300, int), np.ones(150, int)]


def _complete_graph(n_rows):
    """Every row a neighbour of every other: the refinement may move any row."""
    import scipy.sparse

    return scipy.sparse.csr_matrix(np.ones((n_rows, n_rows)))


def test_refinement_is_em_started_from_the_parts():
    """The refined labels are those of scikit-learn's GaussianMixture started from the
    weights, means and covariances of the parts (full covariances, on the rows themselves
    when they have few features): here they recover the narrow cluster that a
    nearest-centroid split cuts through."""
    from sklearn.cluster import KMeans
    from sklearn.mixture import GaussianMixture

    from skgwae.metrics import cluster_accuracy

    rows, truth = _overlapping_gaussians()
    start = KMeans(2, n_init=10, random_state=0).fit_predict(rows)
    refined = refinement_module.refine_on_rows(
        rows, start, 2, np.random.RandomState(0), "euclidean", _complete_graph(len(rows)), 10
    )
    parts = [rows[start == k] for k in range(2)]
    expected = GaussianMixture(
        2,
        weights_init=[len(p) / len(rows) for p in parts],
        means_init=[p.mean(axis=0) for p in parts],
        precisions_init=[np.linalg.inv(np.cov(p.T, bias=True)) for p in parts],
        random_state=0,
    ).fit_predict(rows)
    assert adjusted_rand_score(expected, refined) > 0.99
    assert cluster_accuracy(truth, refined) > cluster_accuracy(truth, start) + 0.05


def _latent_class_binary(n_rows=300, n_features=8, seed=0, on=0.8):
    """Binary rows from 3 classes, each feature on with probability 1 - on or on by
    class."""
    rng = np.random.RandomState(seed)
    on = np.where(rng.rand(3, n_features) < 0.5, 1 - on, on)
    truth = rng.randint(0, 3, n_rows)
    return (rng.uniform(size=(n_rows, n_features)) < on[truth]).astype(float), truth


def test_refinement_keeps_the_partition_where_em_collapses_onto_discrete_values(
    monkeypatch,
):
    """On binary rows EM drifts to parts that share a feature's value, whose covariances
    are singular: the refinement keeps the partition (here the true classes) instead."""
    rows, truth = _latent_class_binary()

    def refine():
        rng, graph = np.random.RandomState(0), _complete_graph(len(rows))
        return refinement_module.refine_on_rows(rows, truth, 3, rng, "euclidean", graph, 10)

    np.testing.assert_array_equal(refine(), truth)
    monkeypatch.setattr(refinement_module, "_collapsed", lambda mixture: False)
    assert adjusted_rand_score(truth, refine()) < 0.5


def test_free_em_does_not_replace_a_partition_by_collapsed_components(monkeypatch):
    rows, truth = _latent_class_binary()
    graph = _complete_graph(len(rows))

    def free():
        rng = np.random.RandomState(0)
        return refinement_module.free_em_partition(rows, truth, 3, rng, "euclidean", graph)

    assert free() is None
    # Unguarded, the collapsed EM looks far likelier and takes over.
    monkeypatch.setattr(refinement_module, "_collapsed", lambda mixture: False)
    assert free() is not None


def test_collapse_is_a_part_on_a_hyperplane_not_a_feature_the_data_never_varies():
    """A feature that is the sum of two others (as one-hot columns of a category sum to
    one) leaves every part without spread in one direction; the rows' principal
    components drop it, so that EM on them is not taken for collapsed. A part whose rows
    lie on a line is."""
    import skgwae._mixture as mixture_module
    from sklearn.mixture import GaussianMixture

    blobs, labels = make_blobs(400, centers=3, n_features=3, random_state=0)
    rows = np.c_[blobs, blobs[:, 0] + blobs[:, 1]]
    principal = refinement_module._principal_rows(
        rows, 4, np.random.RandomState(0), "euclidean"
    )
    assert principal.shape == (400, 3)
    fit = GaussianMixture(3, reg_covar=mixture_module.REG_COVAR, random_state=0)
    assert not refinement_module._collapsed(fit.fit(principal))
    assert refinement_module._collapsed(fit.fit(rows))
    on_a_line = blobs.copy()
    on_a_line[labels == 0, 2] = on_a_line[labels == 0, 1]
    assert refinement_module._collapsed(fit.fit(on_a_line))


def test_copies_share_their_rows_edges_in_the_graph():
    import skgwae._mixture as mixture_module

    from skgwae._geometry import neighbour_affinity

    rng = np.random.RandomState(0)
    distinct = rng.normal(size=(30, 3))
    rows = distinct[rng.randint(0, 30, size=200)]
    copies = mixture_module._copies(rows, 5)
    first, inverse = copies
    assert len(first) == len(np.unique(rows, axis=0))
    np.testing.assert_array_equal(rows[first][inverse], rows)
    graph = mixture_module._copy_graphs(rows, (5,), "euclidean", copies)[0].toarray()
    expected = neighbour_affinity(rows[first], 5).toarray()
    # Every copy has its row's edges, to every copy of the other end, and weight 1 (a
    # row's own neighbour) to its copies.
    np.testing.assert_array_equal(graph, expected[inverse][:, inverse])
    np.testing.assert_array_equal(graph[inverse[:, None] == inverse[None, :]], 1.0)
    # Without copies, the plain neighbour graph.
    assert mixture_module._copies(distinct, 5) is None
    np.testing.assert_array_equal(
        mixture_module._copy_graphs(distinct, (5,), "euclidean", None)[0].toarray(),
        neighbour_affinity(distinct, 5).toarray(),
    )


def test_copy_graph_is_skipped_when_it_would_be_too_large(monkeypatch):
    import skgwae._mixture as mixture_module

    rows = np.repeat(np.eye(4), 50, axis=0)
    assert mixture_module._copies(rows, 5) is not None
    monkeypatch.setattr(mixture_module, "COPY_GRAPH_MAX_EDGES", 1000)
    assert mixture_module._copies(rows, 5) is None


def test_partition_of_rows_with_many_copies_follows_the_classes(monkeypatch):
    """600 binary rows of 3 classes, 83 distinct: partitioned on the graph of the
    distinct rows, the classes are found; on the graph of all rows, groups of copies are
    cut apart instead (the graph's partition, before the latent class model of the
    refinement replaces it)."""
    import skgwae._mixture as mixture_module

    rows, truth = _latent_class_binary(600, on=0.9)

    def partition():
        mixture = mixture_module.fit_latent_mixture(
            rows, 3, 0, rows=lambda index: rows[index], refine=False
        )
        return adjusted_rand_score(truth[mixture.index], mixture.labels)

    assert partition() > 0.7
    monkeypatch.setattr(mixture_module, "_copies", lambda X, n_neighbors: None)
    assert partition() < 0.6


def test_refinement_does_not_depend_on_the_rows_scale():
    from sklearn.cluster import KMeans

    rows, _ = _overlapping_gaussians()
    start = KMeans(2, n_init=10, random_state=0).fit_predict(rows)

    def refine(X, metric="euclidean"):
        rng, graph = np.random.RandomState(0), _complete_graph(len(X))
        return refinement_module.refine_on_rows(X, start, 2, rng, metric, graph, 10)

    np.testing.assert_array_equal(refine(rows * 1000.0 - 7.0), refine(rows))
    # Under the cosine metric only the rows' directions count.
    lengths = np.random.RandomState(1).uniform(0.1, 10.0, size=(len(rows), 1))
    np.testing.assert_array_equal(refine(rows * lengths, "cosine"), refine(rows, "cosine"))


def test_refinement_of_many_features_runs_on_principal_and_discriminant_directions(
    monkeypatch,
):
    """With more features than REFINE_DIMS, EM runs in the span of REFINE_DIMS principal
    directions and the partition's n_clusters - 1 discriminant directions."""
    import skgwae._mixture as mixture_module

    rows, _ = _overlapping_gaussians()
    rows = np.c_[rows, 0.01 * np.random.RandomState(2).normal(size=(len(rows), 3))]
    start = (rows[:, 0] > 1.0).astype(int)
    seen = []
    original = mixture_module.GaussianMixture.fit_predict

    def recording(self, X, y=None):
        seen.append(X.shape)
        return original(self, X, y)

    # One Gaussian per part: the mechanics of EM's boundary moves alone (a part of several
    # Gaussians keeps curved clusters, see test_refinement_models_a_curved_part_...).
    monkeypatch.setattr(refinement_module, "PART_MAX_GAUSSIANS", 1)
    monkeypatch.setattr(refinement_module, "REFINE_DIMS", 2)
    monkeypatch.setattr(mixture_module.GaussianMixture, "fit_predict", recording)
    rng, graph = np.random.RandomState(0), _complete_graph(len(rows))
    refinement_module.refine_on_rows(rows, start, 2, rng, "euclidean", graph, 10)
    assert seen == [(len(rows), 3)]


def _classes_in_two_quiet_features():
    """3 classes that differ only in 2 of 14 features, which vary less than the 12 noise
    features: the leading principal components are noise. Returns the rows, the classes
    and a partition with 30 % of the rows given random labels."""
    rng = np.random.RandomState(0)
    truth = np.repeat(np.arange(3), 200)
    centres = np.array([[0.0, 0.0], [0.8, 0.0], [0.4, 0.7]])
    informative = centres[truth] + rng.normal(scale=0.15, size=(len(truth), 2))
    rows = np.c_[informative, rng.normal(size=(len(truth), 12))]
    start = truth.copy()
    flipped = rng.rand(len(truth)) < 0.3
    start[flipped] = rng.randint(0, 3, flipped.sum())
    return rows, truth, start


def test_refinement_finds_clusters_that_the_principal_components_miss(monkeypatch):
    """Classes in a few quiet features among many noisy ones: EM on the leading principal
    components sees only noise, and the partition's discriminant directions give it the
    features in which its parts differ."""
    rows, truth, start = _classes_in_two_quiet_features()
    assert np.mean(start == truth) < 0.85
    monkeypatch.setattr(refinement_module, "REFINE_DIMS", 5)
    graph = _complete_graph(len(rows))
    refined = refinement_module.refine_on_rows(
        rows, start, 3, np.random.RandomState(0), "euclidean", graph, 10
    )
    assert np.mean(refined == truth) > 0.99
    # The same EM without the discriminant directions (too few rows per dimension for
    # any): the principal components alone.
    monkeypatch.setattr(refinement_module, "DISCRIMINANT_ROWS_PER_DIM", len(rows) + 1)
    principal = refinement_module.refine_on_rows(
        rows, start, 3, np.random.RandomState(0), "euclidean", graph, 10
    )
    assert np.mean(principal == truth) < 0.8


def test_refinement_of_fewer_rows_than_features(monkeypatch):
    """Fewer rows than features (small image sets): the principal components and the
    discriminant directions are taken among as many directions as the rows span."""
    rng = np.random.RandomState(0)
    truth = np.repeat([0, 1], 30)
    rows = rng.normal(size=(60, 80)) + 4.0 * truth[:, None] * (np.arange(80) < 5)
    start = truth.copy()
    start[:4] = 1
    monkeypatch.setattr(refinement_module, "REFINE_DIMS", 3)
    refined = refinement_module.refine_on_rows(
        rows, start, 2, np.random.RandomState(0), "euclidean", _complete_graph(len(rows)), 10
    )
    np.testing.assert_array_equal(refined, truth)


def test_discriminant_directions_are_fishers():
    """Two classes: the direction is S_w^-1 (m_1 - m_0), S_w the within-class scatter."""
    from skgwae._refinement import _discriminant_directions

    rng = np.random.RandomState(0)
    mixing = rng.normal(size=(4, 4))
    labels = np.repeat([0, 1], 150)
    rows = rng.normal(size=(300, 4)) @ mixing + np.outer(labels, [1.0, -2.0, 0.5, 0.0])
    rows = rows - rows.mean(axis=0)
    means = np.array([rows[labels == part].mean(axis=0) for part in (0, 1)])
    within = sum(
        (rows[labels == part] - means[part]).T @ (rows[labels == part] - means[part])
        for part in (0, 1)
    )
    expected = np.linalg.solve(within, means[1] - means[0])
    (direction,) = _discriminant_directions(rows, labels, 2).T
    cosine = direction @ expected / np.linalg.norm(direction) / np.linalg.norm(expected)
    assert abs(cosine) == pytest.approx(1.0, abs=1e-6)


def test_discriminant_directions_of_parts_without_spread():
    """Parts that are copies of one row each: the ridge stands in for the within-part
    scatter, and the direction is the one between the parts."""
    from skgwae._refinement import _discriminant_directions

    rows = np.repeat([[1.0, 0.0], [-1.0, 0.0]], 5, axis=0)
    (direction,) = _discriminant_directions(rows, np.repeat([0, 1], 5), 2).T
    assert np.all(np.isfinite(direction))
    assert abs(direction[0]) / np.linalg.norm(direction) == pytest.approx(1.0)


def test_refinement_falls_back_to_principal_components(monkeypatch):
    """Where EM in the span with the discriminant directions ends with a component on a
    hyperplane (as on discrete rows), EM on the principal components alone is tried."""
    import skgwae._mixture as mixture_module

    rows, truth, start = _classes_in_two_quiet_features()
    seen = []
    original = mixture_module.GaussianMixture.fit_predict

    def recording(self, X, y=None):
        seen.append(X.shape)
        return original(self, X, y)

    # One Gaussian per part: the mechanics of EM's boundary moves alone (a part of several
    # Gaussians keeps curved clusters, see test_refinement_models_a_curved_part_...).
    monkeypatch.setattr(refinement_module, "PART_MAX_GAUSSIANS", 1)
    verdicts = iter([True, False])
    monkeypatch.setattr(refinement_module, "REFINE_DIMS", 5)
    monkeypatch.setattr(mixture_module.GaussianMixture, "fit_predict", recording)
    monkeypatch.setattr(refinement_module, "_collapsed", lambda mixture: next(verdicts))
    graph = _complete_graph(len(rows))
    refinement_module.refine_on_rows(
        rows, start, 3, np.random.RandomState(0), "euclidean", graph, 10
    )
    assert seen == [(len(rows), 7), (len(rows), 5)]


@pytest.mark.parametrize("failure", ["tiny part", "empty part", "error"])
def test_refinement_keeps_the_partition_when_em_cannot_help(monkeypatch, failure):
    """A part of one row has no covariance; EM that empties a part would leave a cluster
    with no codes, and EM that fails has no answer: the partition is kept in each case."""
    import skgwae._mixture as mixture_module

    rows, truth = _overlapping_gaussians()
    start = truth.copy()
    if failure == "tiny part":
        start = np.r_[np.zeros(len(rows) - 1, int), 1]
    elif failure == "empty part":
        fit_predict = mixture_module.GaussianMixture.fit_predict

        def emptying(self, X, y=None):
            fit_predict(self, X)
            return np.zeros(len(X), dtype=int)

        monkeypatch.setattr(mixture_module.GaussianMixture, "fit_predict", emptying)
    else:

        def failing(self, X, y=None):
            raise ValueError("Fitting the mixture model failed")

        monkeypatch.setattr(mixture_module.GaussianMixture, "fit_predict", failing)
    rng, graph = np.random.RandomState(0), _complete_graph(len(rows))
    refined = refinement_module.refine_on_rows(rows, start, 2, rng, "euclidean", graph, 10)
    np.testing.assert_array_equal(refined, start)


def test_refinement_moves_only_rows_beside_another_part(monkeypatch):
    """A row takes EM's cluster only once a graph neighbour is in that cluster's part. Two
    moons, each its own part and apart in their neighbour graph, are kept whole, though
    EM alone (every row a neighbour) moves the tip of each into the other; between two
    touching Gaussian clusters, the first round moves only rows with a neighbour across
    the boundary, and the rounds that follow carry the boundary to where EM puts it."""
    from sklearn.cluster import KMeans
    from sklearn.datasets import make_moons

    from skgwae._geometry import neighbour_affinity

    # One Gaussian per part: the mechanics of EM's boundary moves alone (a part of several
    # Gaussians keeps curved clusters, see test_refinement_models_a_curved_part_...).
    monkeypatch.setattr(refinement_module, "PART_MAX_GAUSSIANS", 1)
    moons, truth = make_moons(400, noise=0.05, random_state=0)

    def refine(rows, start, graph):
        rng = np.random.RandomState(0)
        return refinement_module.refine_on_rows(rows, start, 2, rng, "euclidean", graph, 10)

    unconstrained = refine(moons, truth, _complete_graph(len(moons)))
    assert (unconstrained != truth).mean() > 0.1
    np.testing.assert_array_equal(refine(moons, truth, neighbour_affinity(moons, 10)), truth)

    rows, _ = _overlapping_gaussians()
    start = KMeans(2, n_init=10, random_state=0).fit_predict(rows)
    graph = neighbour_affinity(rows, 10)
    em = refine(rows, start, _complete_graph(len(rows)))

    def move(graph):
        return refinement_module._move_beside(start, em, graph, 2)

    np.testing.assert_array_equal(move(graph), em)
    # A cut bound that every move exceeds: only the first round.
    monkeypatch.setattr(refinement_module, "REFINE_MAX_CUT_RATIO", 0.0)
    first_round = move(graph)
    beside = (np.asarray(graph @ np.eye(2)[start]) > 0)[np.arange(len(rows)), em]
    np.testing.assert_array_equal(first_round, np.where(beside, em, start))
    assert 0 < (first_round != start).sum() < (em != start).sum()


def test_a_refinement_that_cuts_the_graph_far_more_is_not_kept(monkeypatch):
    """EM's clusters of two moons (every row a neighbour of every other) cut the moons'
    neighbour graph, which the moons themselves do not cut: the moons are kept. Between a
    wide and a narrow Gaussian cluster that overlap, EM moves a k-means boundary and cuts
    the graph less than REFINED_MAX_NCUT_RATIO times as much: its partition is kept, and
    undone under a bound below its ratio of cuts."""
    from sklearn.cluster import KMeans
    from sklearn.datasets import make_moons

    import skgwae._mixture as mixture_module
    from skgwae._geometry import neighbour_affinity

    def em(rows, start):
        rng = np.random.RandomState(0)
        graph = _complete_graph(len(rows))
        return refinement_module.refine_on_rows(rows, start, 2, rng, "euclidean", graph, 10)

    def ncut(graph, labels):
        return mixture_module._normalized_cut(graph, labels, 2)

    # One Gaussian per part: the mechanics of EM's boundary moves alone (a part of several
    # Gaussians keeps curved clusters, see test_refinement_models_a_curved_part_...).
    monkeypatch.setattr(refinement_module, "PART_MAX_GAUSSIANS", 1)
    moons, truth = make_moons(400, noise=0.05, random_state=0)
    graph = neighbour_affinity(moons, 10)
    across = em(moons, truth)
    assert ncut(graph, across) > mixture_module.REFINED_MAX_NCUT_RATIO * ncut(graph, truth)
    kept = mixture_module._kept_refinement(graph, truth, across, 2)
    np.testing.assert_array_equal(kept, truth)

    rows, _ = _overlapping_gaussians()
    start = KMeans(2, n_init=10, random_state=0).fit_predict(rows)
    graph = neighbour_affinity(rows, 10)
    moved = em(rows, start)
    assert (moved != start).sum() > 10
    ratio = ncut(graph, moved) / ncut(graph, start)
    assert ratio < mixture_module.REFINED_MAX_NCUT_RATIO
    np.testing.assert_array_equal(
        mixture_module._kept_refinement(graph, start, moved, 2), moved
    )
    monkeypatch.setattr(mixture_module, "REFINED_MAX_NCUT_RATIO", 0.99 * ratio)
    np.testing.assert_array_equal(
        mixture_module._kept_refinement(graph, start, moved, 2), start
    )


def test_a_refinement_that_makes_a_part_of_outliers_is_not_kept():
    """Three overlapping Gaussian clusters, a tenth of whose rows are spread three times as
    far. A refinement that gives those far rows, from every cluster, a part of their own and
    joins two clusters (what EM's wide component of outliers does) cuts the graph less than
    REFINED_MAX_NCUT_RATIO times as much as the clusters do, but most of the outliers'
    part's edges leave it, many times its share before: the clusters are kept. One that
    moves a few far rows of one cluster to another is kept."""
    import skgwae._mixture as mixture_module
    from skgwae._geometry import neighbour_affinity

    rng = np.random.RandomState(0)
    truth = rng.randint(3, size=900)
    far = rng.uniform(size=900) < 0.1
    rows = 3.0 * np.eye(3, 6)[truth] + np.where(far, 3.0, 1.0)[:, None] * rng.normal(
        size=(900, 6)
    )
    graph = neighbour_affinity(rows, 20)
    outliers = np.where(far, 2, np.where(truth == 2, 0, truth))
    ncut = mixture_module._normalized_cut
    bound = mixture_module.REFINED_MAX_NCUT_RATIO
    assert ncut(graph, outliers, 3) < bound * ncut(graph, truth, 3)
    before = mixture_module._conductances(graph, truth, 3)
    after = mixture_module._conductances(graph, outliers, 3)
    assert after[2] > mixture_module.OUTLIER_PART_MIN_CONDUCTANCE
    assert after[2] > mixture_module.OUTLIER_PART_MIN_GROWTH * before[2]
    kept = mixture_module._kept_refinement(graph, truth, outliers, 3)
    np.testing.assert_array_equal(kept, truth)
    # The parts' conductances add up to the normalized cut.
    assert np.sum(after) == ncut(graph, outliers, 3)

    trimmed = np.where(far & (truth == 2), 0, truth)
    assert (trimmed != truth).sum() > 5
    kept = mixture_module._kept_refinement(graph, truth, trimmed, 3)
    np.testing.assert_array_equal(kept, trimmed)


def _clusters_beside_a_large_feature(n_rows=600, seed=0):
    """3 Gaussian clusters in 4 features of unit scale beside a feature of pure noise in
    the thousands, as raw measurements in different units are: Euclidean distances (and
    k-means) follow the large feature alone."""
    rng = np.random.RandomState(seed)
    truth = rng.randint(0, 3, n_rows)
    centres = 4.0 * rng.normal(size=(3, 4))
    small = centres[truth] + rng.normal(size=(n_rows, 4))
    return np.c_[small, 1000.0 * rng.normal(size=n_rows)], truth


def test_refinement_finds_clusters_in_features_of_small_units():
    """EM runs on directions scaled to unit variance, so features of small units are not
    taken for a hyperplane, and its partition replaces the graph's whole where it cuts
    the graph of the standardised features less: here the start follows the large
    feature (as the graph of the rows does) and the refinement finds the clusters."""
    from sklearn.cluster import KMeans

    from skgwae._geometry import neighbour_affinity
    from skgwae.metrics import cluster_accuracy

    rows, truth = _clusters_beside_a_large_feature()
    start = KMeans(3, n_init=10, random_state=0).fit_predict(rows)
    assert cluster_accuracy(truth, start) < 0.6
    refined = refinement_module.refine_on_rows(
        rows, start, 3, np.random.RandomState(0), "euclidean", neighbour_affinity(rows, 10), 10
    )
    assert cluster_accuracy(truth, refined) > 0.95
    # The same clusters whatever the large feature's unit.
    rows[:, -1] /= 1000.0
    again = refinement_module.refine_on_rows(
        rows, start, 3, np.random.RandomState(0), "euclidean", neighbour_affinity(rows, 10), 10
    )
    assert adjusted_rand_score(refined, again) > 0.99


def test_refinement_of_raw_measurements_tries_em_in_fewer_dimensions(monkeypatch):
    """Unscaled wine (one feature in the thousands, about 60 rows per class in 13
    features): k-means follows the large features; EM from its parts finds the classes,
    better in as many principal components as the smallest part supports (as the free EM
    uses) than in all 13, where a full covariance fits each part's noise. The candidate
    that cuts the graph of the standardised features least is kept."""
    from sklearn.cluster import KMeans
    from sklearn.datasets import load_wine

    from skgwae._geometry import neighbour_affinity
    from skgwae.metrics import cluster_accuracy

    rows, truth = load_wine(return_X_y=True)
    start = KMeans(3, n_init=10, random_state=0).fit_predict(rows)
    graph = neighbour_affinity(rows, 20)

    def refine():
        rng = np.random.RandomState(0)
        labels = refinement_module.refine_on_rows(rows, start, 3, rng, "euclidean", graph, 20)
        return cluster_accuracy(truth, labels)

    assert cluster_accuracy(truth, start) < 0.75
    assert refinement_module._supported_dims(rows, start, 3) < rows.shape[1]
    refined = refine()
    assert refined > 0.85
    monkeypatch.setattr(refinement_module, "_supported_dims", lambda rows, labels, k: 99)
    assert refine() < refined


def test_refinement_builds_the_graph_of_standardised_features_once(monkeypatch):
    """The spectral and the modularity partition refine on the same rows: with a shared
    cache the graph of the standardised features is built once, and the labels are those
    of a refinement without it."""
    from skgwae._geometry import neighbour_affinity

    rows, truth = _clusters_beside_a_large_feature()
    graph = neighbour_affinity(rows, 10)
    start = np.where(rows[:, -1] > 0, 0, 1) + (truth == 2)
    # One Gaussian per part: the mechanics of EM's boundary moves alone (a part of several
    # Gaussians keeps curved clusters, see test_refinement_models_a_curved_part_...).
    monkeypatch.setattr(refinement_module, "PART_MAX_GAUSSIANS", 1)
    expected = refinement_module.refine_on_rows(
        rows, start, 3, np.random.RandomState(0), "euclidean", graph, 10
    )
    built = []
    real = refinement_module.neighbour_affinities
    monkeypatch.setattr(
        refinement_module, "neighbour_affinities", lambda *a: built.append(1) or real(*a)
    )
    cache = {}
    for _ in range(2):
        labels = refinement_module.refine_on_rows(
            rows, start, 3, np.random.RandomState(0), "euclidean", graph, 10, cache
        )
        np.testing.assert_array_equal(labels, expected)
    assert len(built) == 1


def test_unit_directions_and_standardised_features():
    """Each column at unit standard deviation, a column that never varies left as it is;
    the standardised features are centred, and under the cosine metric those of the
    rows' directions."""
    rng = np.random.RandomState(0)
    rows = np.c_[1000.0 * rng.normal(size=50), 0.001 * rng.normal(size=50), np.zeros(50)]
    scaled = refinement_module._unit_directions(rows - rows.mean(axis=0))
    np.testing.assert_allclose(scaled.std(axis=0), [1.0, 1.0, 0.0])
    standardised = refinement_module._standardised_features(rows + 5.0, "euclidean")
    np.testing.assert_allclose(standardised, scaled)
    directions = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    by_cosine = refinement_module._standardised_features(rows, "cosine")
    np.testing.assert_allclose(
        by_cosine, refinement_module._unit_directions(directions - directions.mean(axis=0))
    )


def _rings_in_10d():
    """Two concentric noisy rings in a random plane of 10 dimensions: the neighbour graph
    joins them in a few places, and EM cuts each ring across."""
    rng = np.random.RandomState(0)
    rings, truth = make_circles(600, factor=0.5, noise=0.08, random_state=0)
    rows = np.c_[rings, 0.05 * rng.normal(size=(600, 8))]
    return rows @ np.linalg.qr(rng.normal(size=(10, 10)))[0], truth


def test_refinement_stops_where_the_cut_grows(monkeypatch):
    """Rounds of moves stop before the graph weight cut between parts exceeds
    REFINE_MAX_CUT_RATIO times the partition's: on the rings, EM's clusters are halves
    of both rings, and unbounded rounds would carry them across; bounded, only rows on the
    boundary move."""
    from skgwae._geometry import neighbour_affinity
    from skgwae.metrics import cluster_accuracy

    rows, truth = _rings_in_10d()
    graph = neighbour_affinity(rows, 10)

    def refine():
        rng = np.random.RandomState(0)
        return refinement_module.refine_on_rows(rows, truth, 2, rng, "euclidean", graph, 10)

    em = refinement_module.refine_on_rows(
        rows, truth, 2, np.random.RandomState(0), "euclidean", _complete_graph(len(rows)), 10
    )
    assert cluster_accuracy(truth, em) < 0.6
    bounded = refine()
    assert cluster_accuracy(truth, bounded) > 0.95
    monkeypatch.setattr(refinement_module, "REFINE_MAX_CUT_RATIO", 1e9)
    assert cluster_accuracy(truth, refine()) < 0.8


def _compact_inside_broad():
    """Three Gaussian clusters in 3 dimensions: a compact one inside a broad one, and a
    third apart. A neighbour graph ties the compact cluster to the broad one around it."""
    rng = np.random.RandomState(0)
    broad = rng.normal(scale=1.5, size=(300, 3))
    compact = rng.normal(scale=0.25, size=(300, 3)) + [0.5, 0.0, 0.0]
    third = rng.normal(scale=0.8, size=(300, 3)) + [6.0, 0.0, 0.0]
    return np.r_[broad, compact, third], np.repeat([0, 1, 2], 300)


def test_normalized_cut_of_a_path():
    """A path 0-1-2-3 of unit edges with unit self-loops, cut in the middle: each half has
    volume 5 (2 + 3) and 1 of it crosses, so the normalized cut is 2 / 5; a part with no
    rows makes it infinite."""
    import scipy.sparse as sp

    import skgwae._mixture as mixture_module

    path = sp.csr_matrix(np.eye(4) + np.eye(4, k=1) + np.eye(4, k=-1))
    assert mixture_module._normalized_cut(path, np.array([0, 0, 1, 1]), 2) == pytest.approx(0.4)
    assert mixture_module._normalized_cut(path, np.array([0, 0, 0, 0]), 2) == np.inf


@pytest.mark.filterwarnings("ignore:Graph is not fully connected")
def test_partition_of_the_rows_graph_wins_where_the_codes_blur_a_gap(monkeypatch):
    """scikit-learn's sheared blobs, with codes that blur the narrow direction separating
    two thin parallel clusters: the common graph's partition by spectral clustering joins
    part of them, the rows' own graph's does not and cuts the common graph less, so it is
    the partition kept. (The mixture's rounding of the common graph finds the clusters
    too; it is left out, so that the rows' graph is what the test sees.)"""
    import skgwae._mixture as mixture_module

    monkeypatch.setattr(mixture_module, "ROUNDING_MAX_CUT_RATIO", 0.0)
    from sklearn.preprocessing import StandardScaler

    from skgwae._geometry import neighbour_affinity
    from skgwae.metrics import cluster_accuracy

    X, truth = make_blobs(1000, centers=4, n_features=2, random_state=170)
    rows = StandardScaler().fit_transform(X @ np.array([[0.6, -0.64], [-0.41, 0.85]]))
    narrow = np.linalg.svd(rows - rows.mean(axis=0))[2][1]
    noise = np.random.RandomState(0).normal(scale=0.15, size=(len(rows), 1))
    codes = np.c_[rows + noise * narrow, np.zeros((len(rows), 8))]
    common = neighbour_affinity(codes, 20).multiply(neighbour_affinity(rows, 20)).sqrt()
    joined = mixture_module._partition(common.tocsr(), codes, 4, np.random.RandomState(0), 20)
    assert cluster_accuracy(truth, joined) < 0.97
    labels, index, _, _ = mixture_module._spectral_partition(
        codes, 4, 0, 20, lambda i: rows[i], "euclidean", refine=False
    )
    assert np.array_equal(index, np.arange(len(rows)))
    assert cluster_accuracy(truth, labels) > 0.99
    assert mixture_module._normalized_cut(common, labels, 4) < mixture_module._normalized_cut(
        common, joined, 4
    )



def _block_graph(groups, linked, p_within, p_between, rng):
    """A symmetric random graph of unit weights (self-loops included) on nodes in the
    ``groups``: two nodes are joined with probability ``p_within`` where ``linked`` holds
    their two groups together, else ``p_between``."""
    from scipy import sparse

    same = linked[groups[:, None], groups[None, :]]
    edges = rng.uniform(size=same.shape) < np.where(same, p_within, p_between)
    edges = np.triu(edges, 1)
    return sparse.csr_matrix((edges | edges.T | np.eye(len(groups), dtype=bool)).astype(float))


def test_partition_of_the_rows_own_graph_wins_where_it_cuts_that_graph_clearly_less():
    """Four groups of nodes: the rows' own graph joins them in pairs (0, 1) and (2, 3),
    the classes; the common graph, far less clearly, in pairs (0, 2) and (1, 3). The
    common graph's partition cuts the common graph less, but the rows' own partition cuts
    the rows' own graph less than OWN_GRAPH_MAX_CUT_RATIO times as much, and the common
    graph at most OWN_GRAPH_MAX_COMMON_CUT_RATIO times as much, so it is kept."""
    import skgwae._mixture as mixture_module

    rng = np.random.RandomState(0)
    groups = np.repeat(np.arange(4), 50)
    classes = groups // 2
    rows_graph = _block_graph(groups, (classes[::50][:, None] == classes[::50]), 0.3, 0.02, rng)
    crossed = np.array([[1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1]], dtype=bool)
    common = _block_graph(groups, crossed, 0.2, 0.12, rng)
    codes = rng.normal(size=(len(groups), 2))
    args = (common, rows_graph, codes, None, 2, 0, 5, "euclidean", False, {})
    labels, replaced = mixture_module._graph_partition(
        *args, np.random.RandomState(0), "spectral"
    )
    assert not replaced
    assert adjusted_rand_score(classes, labels) == 1.0
    own_cut = mixture_module._normalized_cut(rows_graph, labels, 2)
    crossed_labels = np.isin(groups, [1, 3]).astype(int)
    assert mixture_module._normalized_cut(common, labels, 2) > (
        mixture_module._normalized_cut(common, crossed_labels, 2)
    )
    assert own_cut < mixture_module.OWN_GRAPH_MAX_CUT_RATIO * (
        mixture_module._normalized_cut(rows_graph, crossed_labels, 2)
    )
    assert mixture_module._normalized_cut(common, labels, 2) <= (
        mixture_module.OWN_GRAPH_MAX_COMMON_CUT_RATIO
        * mixture_module._normalized_cut(common, crossed_labels, 2)
    )
    # A common graph that holds its own pairs clearly keeps its partition.
    common = _block_graph(groups, crossed, 0.3, 0.05, rng)
    labels, _ = mixture_module._graph_partition(
        common, rows_graph, *args[2:], np.random.RandomState(0), "spectral"
    )
    assert adjusted_rand_score(crossed_labels, labels) == 1.0

def _blobs_with_a_fragment(fragment_offset, fragment_scale):
    """Codes of 3 clusters in 2-D: A with a subgroup of 25 codes beside it (the
    fragment), and two clusters B and C, 4 standard deviations apart, far from A."""
    rng = np.random.RandomState(0)
    codes = np.r_[
        rng.normal([0.0, 0.0], 1.0, size=(200, 2)),
        rng.normal([0.0, fragment_offset], fragment_scale, size=(25, 2)),
        rng.normal([10.0, 0.0], 1.0, size=(200, 2)),
        rng.normal([14.0, 0.0], 1.0, size=(200, 2)),
    ]
    return (codes - codes.mean(axis=0)) / codes.std(), np.repeat([0, 1, 2], [225, 200, 200])


@pytest.mark.filterwarnings("ignore:Graph is not fully connected")
def test_a_fragment_cut_off_instead_of_two_joined_clusters_is_merged_back():
    """Spectral clustering cuts the loosely attached subgroup off A and joins B and C
    (the cheaper normalized cut); the partition into one more part, with the subgroup
    merged into A, gives the codes a likelier mixture of parts, so it is kept."""
    import skgwae._mixture as mixture_module

    from skgwae._geometry import neighbour_affinity
    from skgwae.metrics import cluster_accuracy

    codes, truth = _blobs_with_a_fragment(4.5, 0.5)
    graph = neighbour_affinity(codes, 20).tocsr()
    spectral = mixture_module._partition(graph, codes, 3, np.random.RandomState(0), 20)
    assert np.bincount(spectral).min() == 25
    assert cluster_accuracy(truth, spectral) < 0.7
    kept = mixture_module._without_fragments(graph, codes, spectral, 3, 0, 20)
    assert cluster_accuracy(truth, kept) > 0.98
    labels, _, _, _ = mixture_module._spectral_partition(codes, 3, 0, 20, None, "euclidean", True)
    assert cluster_accuracy(truth, labels) > 0.98


@pytest.mark.filterwarnings("ignore:Graph is not fully connected")
def test_a_small_compact_cluster_apart_stays_whole():
    """A subgroup of 25 codes, compact and far from A, is a cluster of its own: merging it
    into A lowers the codes' likelihood, so the spectral partition that keeps it stays."""
    import skgwae._mixture as mixture_module

    from skgwae._geometry import neighbour_affinity

    codes, _ = _blobs_with_a_fragment(9.0, 0.3)
    graph = neighbour_affinity(codes, 20).tocsr()
    spectral = mixture_module._partition(graph, codes, 3, np.random.RandomState(0), 20)
    assert np.bincount(spectral).min() == 25
    kept = mixture_module._without_fragments(graph, codes, spectral, 3, 0, 20)
    assert kept is spectral


@pytest.mark.filterwarnings("ignore:Graph is not fully connected")
def test_a_finer_partition_with_an_empty_part_is_no_candidate(monkeypatch):
    """Where k-means leaves a part of the finer partition empty (codes with few distinct
    values), merging its fragment would leave fewer than n_components parts: the
    partition is kept."""
    import skgwae._mixture as mixture_module

    from skgwae._geometry import neighbour_affinity

    codes, _ = _blobs_with_a_fragment(4.5, 0.5)
    graph = neighbour_affinity(codes, 20).tocsr()
    spectral = mixture_module._partition(graph, codes, 3, np.random.RandomState(0), 20)
    # A "finer" partition of only 3 parts, one of them the fragment.
    monkeypatch.setattr(mixture_module, "_partition", lambda *args: spectral.copy())
    kept = mixture_module._without_fragments(graph, codes, spectral, 3, 0, 20)
    assert kept is spectral


def test_a_fragment_merges_into_the_part_it_links_to_or_the_nearest():
    """The smallest part joins the part its edges weigh most to, or, with no edge out,
    the part of its nearest code; a smallest part of ``floor`` codes or more is no
    fragment."""
    import scipy.sparse as sp

    import skgwae._mixture as mixture_module

    codes = np.array([[0.0], [1.0], [2.0], [3.0], [10.0], [11.0], [25.0], [30.0], [31.0]])
    edges = np.zeros((9, 9))
    edges[4, 3] = edges[4, 7] = edges[5, 8] = 1.0  # codes 4, 5: 1 edge to part 0, 2 to 3
    graph = sp.csr_matrix(edges + edges.T + np.eye(9))
    linked = np.array([0, 0, 0, 0, 1, 1, 2, 2, 2])
    merged = mixture_module._merge_fragment(linked, graph, codes, floor=2.5)
    assert np.array_equal(merged, [0, 0, 0, 0, 1, 1, 1, 1, 1])
    # Code 6 alone, with no edge: its nearest code is 30 (5 away), not 11 (14 away).
    alone = np.array([0, 0, 0, 0, 1, 1, 2, 3, 3])
    merged = mixture_module._merge_fragment(alone, graph, codes, floor=1.5)
    assert np.array_equal(merged, [0, 0, 0, 0, 1, 1, 2, 2, 2])
    assert mixture_module._merge_fragment(linked, graph, codes, floor=2) is None


def test_free_em_replaces_a_partition_wrong_as_a_whole():
    """A partition that joins the compact cluster to the broad one and splits the third
    in two is replaced by EM's from its own starts: it explains the rows far better,
    and the graph tolerates its cut. Boundary moves (the refinement) cannot undo it."""
    from skgwae._geometry import neighbour_affinity
    from skgwae.metrics import cluster_accuracy

    rows, truth = _compact_inside_broad()
    wrong = np.where(truth == 1, 0, truth)
    third = np.flatnonzero(truth == 2)
    wrong[third[rows[third, 1] > 0]] = 1
    graph = neighbour_affinity(rows, 20)
    rng = np.random.RandomState(0)
    free = refinement_module.free_em_partition(rows, wrong, 3, rng, "euclidean", graph)
    assert free is not None
    assert cluster_accuracy(truth, free) > 0.95
    refined = refinement_module.refine_on_rows(rows, wrong, 3, rng, "euclidean", graph, 10)
    assert cluster_accuracy(truth, refined) < 0.8


def test_free_em_that_cuts_the_graph_far_more_does_not_replace_the_partition(monkeypatch):
    """The partition wrong as a whole of the test above, its free EM partition far
    likelier (the truth's cut is 1.16 times the wrong partition's there): with that cut
    made 1.4 or 2.9 times the partition's (the ratios of such partitions went up to 2.8
    in fits), EM's partition still replaces it; made 3.2 or 6 times, it does not, since
    FREE_EM_MAX_CUT_RATIO is 3."""
    from skgwae._geometry import neighbour_affinity
    from skgwae.metrics import cluster_accuracy

    assert refinement_module.FREE_EM_MAX_CUT_RATIO == 3.0
    rows, truth = _compact_inside_broad()
    wrong = np.where(truth == 1, 0, truth)
    third = np.flatnonzero(truth == 2)
    wrong[third[rows[third, 1] > 0]] = 1
    graph = neighbour_affinity(rows, 20)
    cut = refinement_module._cut_fraction
    for ratio, replaced in ((1.4, True), (2.9, True), (3.2, False), (6.0, False)):

        def scaled_cut(affinity, labels, ratio=ratio):
            if np.array_equal(labels, wrong):
                return cut(affinity, labels)
            return ratio * cut(affinity, wrong)

        monkeypatch.setattr(refinement_module, "_cut_fraction", scaled_cut)
        rng = np.random.RandomState(0)
        free = refinement_module.free_em_partition(rows, wrong, 3, rng, "euclidean", graph)
        assert (free is not None) == replaced, ratio
        if replaced:
            assert cluster_accuracy(truth, free) > 0.95


def test_free_em_replaces_a_partition_it_beats_on_likelihood_and_cut(monkeypatch):
    """scikit-learn's sheared blobs: a partition that joins two thin parallel clusters and
    splits a third along its length is replaced by EM's clusters whatever their gain in
    likelihood (FREE_EM_MIN_GAIN made infinite), because they also cut the neighbour graph
    less: better by both measures, they are what the spectral partition missed."""
    from sklearn.preprocessing import StandardScaler

    from skgwae._geometry import neighbour_affinity
    from skgwae.metrics import cluster_accuracy

    X, truth = make_blobs(1000, centers=4, n_features=2, random_state=170)
    rows = StandardScaler().fit_transform(X @ np.array([[0.6, -0.64], [-0.41, 0.85]]))
    wrong = np.where(truth == 1, 0, truth)
    split = np.flatnonzero(truth == 3)
    along = rows[split] @ np.linalg.svd(rows - rows.mean(axis=0))[2][0]
    wrong[split[along > np.median(along)]] = 1
    graph = neighbour_affinity(rows, 20)
    cut = refinement_module._cut_fraction
    assert cut(graph, truth) < cut(graph, wrong)
    monkeypatch.setattr(refinement_module, "FREE_EM_MIN_GAIN", np.inf)
    rng = np.random.RandomState(0)
    free = refinement_module.free_em_partition(rows, wrong, 4, rng, "euclidean", graph)
    assert free is not None
    assert cluster_accuracy(truth, free) > 0.99



def test_free_em_keeps_the_likelier_of_its_two_starts():
    """Three Gaussian classes of different scales and random covariances: EM from k-means
    (scikit-learn's default start) ends at a mixture 1.2 nats per row less likely than
    EM from k-means++ seeds, whose mixture finds the classes; the free EM keeps that one.
    Each start's mixture is the one it gives alone from the same generator state, and
    a tie keeps the first start's."""
    from sklearn.metrics import adjusted_rand_score
    from sklearn.mixture import GaussianMixture

    rng = np.random.RandomState(38)
    truth = np.repeat([0, 1, 2], 200)
    axes = rng.normal(size=(3, 3, 3)) * np.array([0.2, 0.6, 1.5])[:, None, None]
    rows = rng.normal(scale=1.2, size=(3, 3))[truth] + np.einsum(
        "nij,nj->ni", axes[truth], rng.normal(size=(600, 3))
    )
    assert refinement_module.FREE_EM_INITS == ("kmeans", "k-means++")
    alone = {
        init: GaussianMixture(
            3, covariance_type="full", reg_covar=refinement_module.REG_COVAR,
            init_params=init, random_state=np.random.RandomState(0),
        ).fit(rows)
        for init in refinement_module.FREE_EM_INITS
    }
    assert alone["k-means++"].score(rows) > alone["kmeans"].score(rows) + 1.0
    assert adjusted_rand_score(truth, alone["kmeans"].predict(rows)) < 0.5
    kept = refinement_module._likeliest_free_em(rows, 3, np.random.RandomState(0))
    np.testing.assert_array_equal(kept.means_, alone["k-means++"].means_)
    assert adjusted_rand_score(truth, kept.predict(rows)) > 0.99


def test_refinement_models_a_curved_part_with_several_gaussians():
    """Two moons labelled by their true parts: EM with one Gaussian per part moves each
    moon's tip into the other (accuracy about 0.85); each part's rows prefer a mixture of
    several Gaussians (BIC), whose EM keeps the moons, and its partition cuts the
    neighbour graph less, so the refinement's labels are the moons'. The generator's
    state after the call is that of the one-Gaussian EM alone."""
    from sklearn.datasets import make_moons

    from skgwae.metrics import cluster_accuracy

    rows, truth = make_moons(600, noise=0.08, random_state=0)
    rows = (rows - rows.mean(axis=0)) / rows.std(axis=0)
    one = refinement_module._em_from_parts(rows, truth, 2, np.random.RandomState(0))
    assert cluster_accuracy(truth, one.fit_predict(rows)) < 0.9
    parts = [refinement_module._part_mixture(rows[truth == k], np.random.RandomState(0))
             for k in range(2)]
    assert all(part.n_components > 1 for part in parts)
    rng = np.random.RandomState(0)
    assert cluster_accuracy(truth, refinement_module._em_labels(rows, truth, 2, rng)) > 0.99
    alone = np.random.RandomState(0)
    refinement_module._em_from_parts(rows, truth, 2, alone).fit(rows)
    assert rng.randint(10**9) == alone.randint(10**9)


def test_refinement_moves_no_boundary_of_parts_that_are_not_gaussian():
    """Three moons beside two noise features, labelled by their true parts: each part
    prefers several Gaussians (the lower BIC), but EM of those cuts the neighbour graph
    more than EM of one Gaussian per part, which moves the moons' tips across (accuracy
    about 0.7); the parts are not Gaussian either way, so the labels stay the parts'."""
    from sklearn.datasets import make_moons

    from skgwae._geometry import neighbour_affinities
    from skgwae.metrics import cluster_accuracy

    rng = np.random.RandomState(0)
    moons, truth = make_moons(600, noise=0.08, random_state=rng)
    third = moons[truth == 0][:300] + np.array([2.2, 0.0])
    rows = np.hstack([np.vstack([moons, third]), 0.2 * rng.normal(size=(900, 2))])
    rows = (rows - rows.mean(axis=0)) / rows.std(axis=0)
    truth = np.concatenate([truth, np.full(300, 2)])
    one = refinement_module._em_from_parts(rows, truth, 3, np.random.RandomState(0))
    single = one.fit_predict(rows)
    assert cluster_accuracy(truth, single) < 0.8
    several, mixture = refinement_module._parts_mixture_labels(
        rows, truth, 3, np.random.RandomState(0))
    assert mixture.bic(rows) < one.bic(rows)
    (graph,) = neighbour_affinities(rows, (refinement_module.PART_GRAPH_NEIGHBORS,))
    assert refinement_module._cut_fraction(graph, several) > refinement_module._cut_fraction(
        graph, single)
    np.testing.assert_array_equal(
        refinement_module._em_labels(rows, truth, 3, np.random.RandomState(0)), truth
    )


def test_refinement_keeps_one_gaussian_per_part_where_its_bic_is_lower():
    """Gaussian classes of standard deviations 0.3, 1 and 2.5 along one axis, started from
    k-means' parts (about half the rows right): the parts' own mixtures of several
    Gaussians keep k-means' partition, while EM of one Gaussian per part moves the
    boundaries to the classes, with the lower BIC, so the refinement takes its labels."""
    from sklearn.cluster import KMeans

    from skgwae.metrics import cluster_accuracy

    rng = np.random.RandomState(0)
    truth = rng.randint(3, size=900)
    centres = np.array([[0.0, 0, 0], [1.5, 0, 0], [3.0, 0, 0]])
    rows = centres[truth] + np.array([0.3, 1.0, 2.5])[truth, None] * rng.normal(size=(900, 3))
    rows = (rows - rows.mean(axis=0)) / rows.std(axis=0)
    start = KMeans(3, n_init=1, random_state=0).fit_predict(rows)
    assert cluster_accuracy(truth, start) < 0.6
    several, mixture = refinement_module._parts_mixture_labels(
        rows, start, 3, np.random.RandomState(0))
    assert cluster_accuracy(truth, several) < 0.6
    one = refinement_module._em_from_parts(rows, start, 3, np.random.RandomState(0))
    single = one.fit_predict(rows)
    assert cluster_accuracy(truth, single) > 0.85
    assert one.bic(rows) < mixture.bic(rows)
    np.testing.assert_array_equal(
        refinement_module._em_labels(rows, start, 3, np.random.RandomState(0)), single
    )


def test_refinement_keeps_one_gaussian_for_gaussian_parts():
    """Gaussian classes: BIC keeps one Gaussian for every part, so the refinement's
    labels are EM's with one Gaussian per part, row for row."""
    rng = np.random.RandomState(1)
    truth = rng.randint(3, size=600)
    rows = 1.5 * rng.normal(size=(3, 4))[truth] + rng.normal(size=(600, 4))
    assert refinement_module._parts_mixture_labels(
        rows, truth, 3, np.random.RandomState(0)) is None
    one = refinement_module._em_from_parts(rows, truth, 3, np.random.RandomState(0))
    np.testing.assert_array_equal(
        refinement_module._em_labels(rows, truth, 3, np.random.RandomState(0)),
        one.fit_predict(rows),
    )


def _classes_of_one_mean(n_rows=900, n_features=5, seed=0):
    """Rows of 3 classes that share a mean and differ in covariance (random axes, scales
    e^u with u uniform in [-1, 1]), and their classes."""
    rng = np.random.RandomState(seed)
    truth = rng.randint(3, size=n_rows)
    factors = []
    for _ in range(3):
        axes, _ = np.linalg.qr(rng.normal(size=(n_features, n_features)))
        factors.append(axes * np.exp(rng.uniform(-1, 1, n_features)))
    noise = rng.normal(size=(n_rows, n_features))
    return np.einsum("nfg,ng->nf", np.array(factors)[truth], noise), truth


def test_em_from_the_parts_replaces_a_partition_of_classes_the_graph_cannot_see(
    monkeypatch,
):
    """Classes of one mean that differ in covariance leave no gap for a graph (or k-means)
    to cut: its partition is arbitrary. EM started from its parts explains the rows far
    better than the parts' own Gaussians (more than STARTED_EM_MIN_GAIN nats per row)
    and finds the classes, so its partition replaces the graph's whole; without that
    rule (the gain threshold made infinite) nothing does."""
    from sklearn.cluster import KMeans

    from skgwae._geometry import neighbour_affinity
    from skgwae._parts import parts_log_likelihood
    from skgwae.metrics import cluster_accuracy

    rows, truth = _classes_of_one_mean()
    arbitrary = KMeans(3, n_init=1, random_state=0).fit_predict(rows)
    assert cluster_accuracy(truth, arbitrary) < 0.5
    graph = neighbour_affinity(rows, 20)

    def free():
        rng = np.random.RandomState(0)
        return refinement_module.free_em_partition(rows, arbitrary, 3, rng, "euclidean", graph)

    replaced = free()
    assert replaced is not None
    assert cluster_accuracy(truth, replaced) > 0.7
    # Its parts' own Gaussians explain the rows better than the arbitrary parts' too.
    assert parts_log_likelihood(rows, replaced, 3) > parts_log_likelihood(rows, arbitrary, 3)
    monkeypatch.setattr(refinement_module, "STARTED_EM_MIN_GAIN", np.inf)
    assert free() is None


def test_em_from_the_parts_is_no_candidate_where_a_part_has_no_density(monkeypatch):
    """Where scipy finds a part's covariance singular, the parts' likelihood is unknown:
    the graph's partition stays (None), with no error reaching the user."""
    from sklearn.cluster import KMeans

    from skgwae._geometry import neighbour_affinity

    rows, _ = _classes_of_one_mean()
    arbitrary = KMeans(3, n_init=1, random_state=0).fit_predict(rows)
    graph = neighbour_affinity(rows, 20)

    def singular(*args):
        raise np.linalg.LinAlgError("singular matrix")

    monkeypatch.setattr(refinement_module, "parts_log_likelihood", singular)
    rng = np.random.RandomState(0)
    assert refinement_module.free_em_partition(rows, arbitrary, 3, rng, "euclidean", graph) is None


def test_parts_log_likelihood_is_the_mean_log_density_of_the_parts_mixture():
    """Known answer: two parts of 1-D rows, their weights, means and variances (plus the
    ridge) written out by hand."""
    from skgwae._parts import REG_COVAR, parts_log_likelihood

    rows = np.array([[0.0], [2.0], [10.0], [11.0], [12.0]])
    labels = np.array([0, 0, 1, 1, 1])
    weights = np.array([0.4, 0.6])
    means = np.array([1.0, 11.0])
    variances = np.array([1.0, 2.0 / 3.0]) + REG_COVAR
    densities = (
        weights
        * np.exp(-0.5 * (rows - means) ** 2 / variances)
        / np.sqrt(2 * np.pi * variances)
    )
    expected = np.log(densities.sum(axis=1)).mean()
    assert parts_log_likelihood(rows, labels, 2) == pytest.approx(expected, rel=1e-10)


def test_parts_kurtosis_is_mardias_over_its_gaussian_value():
    """Known answers: rows at +-1 (every Mahalanobis distance 1) give 1 / (d (d + 2)) =
    1/3 in one dimension; the corners of a square, 4 / 8 = 1/2 in two; Gaussian rows
    about 1 and Student-t rows of 3 degrees of freedom far more."""
    from skgwae._parts import REG_COVAR, parts_kurtosis

    line = np.array([[-1.0], [1.0], [4.0], [6.0]])
    ratios = parts_kurtosis(line, np.array([0, 0, 1, 1]), 2)
    np.testing.assert_allclose(ratios, [1 / 3, 1 / 3], rtol=10 * REG_COVAR)
    square = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
    np.testing.assert_allclose(parts_kurtosis(square, np.zeros(4, int), 1), [0.5], rtol=1e-5)
    rng = np.random.RandomState(0)
    rows = np.r_[rng.normal(size=(3000, 4)), 20.0 + rng.standard_t(3, size=(3000, 4))]
    gaussian, heavy = parts_kurtosis(rows, np.repeat([0, 1], 3000), 2)
    assert abs(gaussian - 1.0) < 0.05
    assert heavy > 2.0


def _student_t_classes():
    """900 rows of 3 classes in 8 features, centres drawn with standard deviation 2, and
    Student-t noise of 2.5 degrees of freedom, and the classes."""
    rng = np.random.RandomState(1)
    truth = rng.randint(3, size=900)
    rows = rng.normal(scale=2.0, size=(3, 8))[truth] + rng.standard_t(2.5, size=(900, 8))
    return rows, truth


def test_em_from_heavy_tailed_parts_needs_a_larger_gain(monkeypatch):
    """On classes with Student-t noise, the classes themselves are heavy-tailed parts;
    EM from them gives the tails a component of their own and explains the rows better
    by more than STARTED_EM_MIN_GAIN but less than HEAVY_TAILS_STARTED_EM_MIN_GAIN nats
    per row: the classes stay (None). With the heavy-tail bound at the usual one, EM's
    partition, far from the classes, would replace them."""
    from skgwae._geometry import neighbour_affinity
    from skgwae.metrics import cluster_accuracy

    rows, truth = _student_t_classes()
    graph = neighbour_affinity(rows, 20)

    def free():
        rng = np.random.RandomState(0)
        return refinement_module.free_em_partition(rows, truth, 3, rng, "euclidean", graph)

    assert free() is None
    monkeypatch.setattr(
        refinement_module,
        "HEAVY_TAILS_STARTED_EM_MIN_GAIN",
        refinement_module.STARTED_EM_MIN_GAIN,
    )
    replaced = free()
    assert replaced is not None and cluster_accuracy(truth, replaced) < 0.7


def test_a_refinement_that_follows_heavy_tails_is_recognised():
    """A refinement of heavy-tailed classes whose parts are still far from Gaussian (EM's
    partition of the Student-t classes) follows the tails; one that splits a compact
    cluster from the broad one a partition had joined it to, leaving Gaussian parts, does
    not; nor does a refinement that moves nothing."""
    rows, truth = _student_t_classes()
    em_labels = refinement_module._em_labels(rows, truth, 3, np.random.RandomState(0))
    assert not np.array_equal(em_labels, truth)

    def follows(rows, labels, refined):
        rng = np.random.RandomState(0)
        return refinement_module.follows_tails(rows, labels, refined, 3, rng, "euclidean")

    assert follows(rows, truth, em_labels)
    assert not follows(rows, truth, truth)
    rng = np.random.RandomState(0)
    nested = np.r_[
        0.3 * rng.normal(size=(300, 4)),
        2.0 * rng.normal(size=(300, 4)),
        rng.normal(size=(300, 4)) + 10.0,
    ]
    nested_truth = np.repeat([0, 1, 2], 300)
    # The compact and the broad cluster joined, the third split in two.
    joined = np.where(nested_truth == 1, 0, nested_truth)
    joined[600:750] = 1
    assert refinement_module._kurtosis(nested, joined, 3) > refinement_module.HEAVY_TAILS_KURTOSIS
    assert not follows(nested, joined, nested_truth)


def test_free_em_keeps_the_graph_partition_of_clusters_that_are_not_gaussian():
    """On two moons, and on concentric rings, EM from a k-means++ start cuts across the
    clusters: its cut of the neighbour graph is far above REFINE_MAX_CUT_RATIO times the
    true partition's, so the graph's partition stays (None)."""
    from sklearn.datasets import make_moons

    from skgwae._geometry import neighbour_affinity

    moons, moon_truth = make_moons(400, noise=0.05, random_state=0)
    for rows, truth in ((moons, moon_truth), _rings_in_10d()):
        graph = neighbour_affinity(rows, 10)
        rng = np.random.RandomState(0)
        assert refinement_module.free_em_partition(rows, truth, 2, rng, "euclidean", graph) is None


def test_free_em_keeps_a_partition_that_em_would_not_improve():
    """Where EM from the partition and from a k-means++ start end at the same mixture (two
    well-separated blobs), the likelihoods tie and the graph's partition stays (None)."""
    from skgwae._geometry import neighbour_affinity

    rows, truth = make_blobs(400, centers=[[0, 0], [8, 0]], random_state=0)
    graph = neighbour_affinity(rows, 10)
    rng = np.random.RandomState(0)
    assert refinement_module.free_em_partition(rows, truth, 2, rng, "euclidean", graph) is None


def test_free_em_runs_on_as_many_components_as_the_smallest_part_supports(monkeypatch):
    """With 30 rows in the smallest part and FREE_EM_ROWS_PER_PARAMETER=2, every EM (from
    the parts, and from each of the free EM's two starts) runs on 4 principal components:
    2 x 4 x 7 / 2 = 28 rows for a mean and a covariance in 4 dimensions, 36 in 5."""
    import skgwae._mixture as mixture_module

    rng = np.random.RandomState(0)
    rows = np.r_[rng.normal(size=(170, 12)), rng.normal(size=(30, 12)) + 3.0]
    labels = np.repeat([0, 1], [170, 30])
    seen = []
    original = mixture_module.GaussianMixture.fit_predict

    def recording(self, X, y=None):
        seen.append(X.shape)
        return original(self, X, y)

    monkeypatch.setattr(mixture_module.GaussianMixture, "fit_predict", recording)
    graph = _complete_graph(len(rows))
    refinement_module.free_em_partition(rows, labels, 2, rng, "euclidean", graph)
    assert seen == [(200, 4)] * 3


def _cliques(sizes, bridges=()):
    """The affinity (sparse, self-loops of weight 1) of cliques of the given sizes, with
    an edge of weight 1 between each pair of rows in ``bridges``."""
    import scipy.sparse

    n = sum(sizes)
    dense = np.zeros((n, n))
    start = 0
    for size in sizes:
        dense[start : start + size, start : start + size] = 1.0
        start += size
    for a, b in bridges:
        dense[a, b] = dense[b, a] = 1.0
    return scipy.sparse.csr_matrix(dense)


def test_louvain_finds_cliques_joined_by_single_edges():
    """Four cliques of 10 in a ring, each joined to the next by one edge: the Louvain
    method finds each clique, whatever the order it visits the nodes in."""
    graph = _cliques([10] * 4, [(9, 10), (19, 20), (29, 30), (39, 0)])
    truth = np.repeat(np.arange(4), 10)
    for seed in range(3):
        labels = modularity_module._louvain(graph, 1.0, np.random.RandomState(seed))
        assert adjusted_rand_score(truth, labels) == 1.0


def test_modularity_of_known_partitions():
    """Two disconnected cliques of equal size: modularity 1/2 for the cliques, 0 for the
    whole graph as one part."""
    graph = _cliques([6, 6])
    truth = np.repeat([0, 1], 6)
    assert modularity_module.modularity(graph, truth) == pytest.approx(0.5)
    assert modularity_module.modularity(graph, np.zeros(12, dtype=int)) == pytest.approx(0.0)


def test_merging_communities_joins_the_most_linked_pairs():
    """Four cliques of 8, the first two joined by 6 edges and the last two by 6, the pairs
    by one: merged down to 2 communities, each pair is one."""
    bridges = [(i, 8 + i) for i in range(6)] + [(16 + i, 24 + i) for i in range(6)]
    graph = _cliques([8] * 4, bridges + [(7, 31)])
    communities = np.repeat(np.arange(4), 8)
    merged = modularity_module._merge_communities(graph, communities, 2, 1.0)
    assert adjusted_rand_score(np.repeat([0, 1], 16), merged) == 1.0
    assert set(merged) == {0, 1}


def test_modularity_partition_gives_as_many_parts_as_asked():
    """More communities than clusters are merged; fewer (two cliques, 3 parts asked: no
    resolution splits a clique) are split; either way there are exactly n_components."""
    import skgwae._mixture as mixture_module

    graph = _cliques([10] * 4, [(9, 10), (19, 20), (29, 30)])
    labels = modularity_module.modularity_partition(
        graph, 2, np.random.RandomState(0), mixture_module.SPECTRAL_N_INIT
    )
    assert np.bincount(labels).tolist() == [20, 20]
    few = modularity_module.modularity_partition(
        _cliques([10, 10]), 3, np.random.RandomState(0), mixture_module.SPECTRAL_N_INIT
    )
    assert sorted(set(few)) == [0, 1, 2]


def test_a_partition_better_by_both_graph_measures_replaces_the_spectral_one():
    """The modularity partition is taken only where it has a higher modularity and a
    lower normalized cut on every graph; the true cliques dominate a partition that
    splits one clique and joins two others."""
    import skgwae._mixture as mixture_module

    graph = _cliques([10] * 3, [(9, 10), (19, 20)])
    truth = np.repeat(np.arange(3), 10)
    # The first clique's first half alone, its second half joined with the second clique.
    wrong = np.where(np.arange(30) < 5, 2, np.where(np.arange(30) < 20, 0, 1))
    assert mixture_module._dominates(truth, wrong, [graph, graph], 3)
    assert not mixture_module._dominates(wrong, truth, [graph], 3)
    # A candidate with an empty part never replaces a partition.
    assert not mixture_module._dominates(np.zeros(30, dtype=int), truth, [graph], 3)


@pytest.mark.filterwarnings("ignore:Graph is not fully connected")
def test_modularity_partition_needs_several_neighbourhoods_per_cluster(monkeypatch):
    """With fewer codes per cluster than MODULARITY_MIN_CODES_PER_CLUSTER, only the
    spectral partition is made; with more, the modularity partition competes. With
    MODULARITY_MANY_CLUSTERS clusters or more, MODULARITY_MIN_CODES_MANY_CLUSTERS codes
    per cluster suffice."""
    import skgwae._mixture as mixture_module

    made = []
    original = mixture_module._graph_partition

    def spy(*args):
        made.append(args[-1])
        return original(*args)

    monkeypatch.setattr(mixture_module, "_graph_partition", spy)
    codes, _ = make_blobs(n_samples=3 * 60, centers=3, random_state=0)
    mixture_module._spectral_partition(codes, 3, 0, 20, None, "euclidean", True)
    assert made == ["spectral"]  # 60 codes per cluster
    made.clear()
    codes, _ = make_blobs(n_samples=3 * 120, centers=3, random_state=0)
    mixture_module._spectral_partition(codes, 3, 0, 20, None, "euclidean", True)
    assert made == ["spectral", "modularity"]
    # 60 codes per cluster: enough with 6 clusters, not with 5.
    assert mixture_module.MODULARITY_MANY_CLUSTERS == 6
    assert mixture_module.MODULARITY_MIN_CODES_MANY_CLUSTERS <= 60
    for k, expected in ((5, ["spectral"]), (6, ["spectral", "modularity"])):
        made.clear()
        codes, _ = make_blobs(n_samples=k * 60, centers=k, random_state=0)
        mixture_module._spectral_partition(codes, k, 0, 20, None, "euclidean", True)
        assert made == expected
    # Below that floor, many clusters make no difference.
    made.clear()
    codes, _ = make_blobs(n_samples=8 * 40, centers=8, random_state=0)
    mixture_module._spectral_partition(codes, 8, 0, 20, None, "euclidean", True)
    assert made == ["spectral"]


@pytest.mark.parametrize("size", [5, 80])  # a dense eigensolver, then a sparse one
def test_low_eigenvalues_of_separate_cliques(size):
    """k separate cliques of m codes: the normalized Laplacian (whose self-loops do not
    count) has k zero eigenvalues, then m / (m - 1), so the k-th and next eigenvalues are 0
    and m / (m - 1), and with fewer clusters both 0."""
    import scipy.sparse

    import skgwae._mixture as mixture_module

    cliques = scipy.sparse.block_diag([np.ones((size, size))] * 3).tocsr()
    expected = size / (size - 1)
    last, following = mixture_module._low_eigenvalues(cliques, 3, 1)
    assert last == pytest.approx(0.0, abs=1e-8)
    assert following == pytest.approx(expected, abs=1e-8)
    assert mixture_module._low_eigenvalues(cliques, 2, 1) == pytest.approx((0.0, 0.0), abs=1e-8)
    # One edge between two cliques: the third eigenvalue leaves 0 and the gap narrows.
    joined = cliques.tolil()
    joined[0, size] = joined[size, 0] = 1.0
    last, following = mixture_module._low_eigenvalues(joined.tocsr(), 3, 1)
    assert 0.0 < last and 0.5 * expected < following - last < expected


@pytest.mark.filterwarnings("ignore:Graph is not fully connected")
def test_partition_graph_has_the_neighbour_count_with_the_largest_eigengap(monkeypatch):
    """Clusters of 15 codes: 20 neighbours must reach into other clusters, 10 need not, so
    the 10-neighbour graph shows the clusters more clearly and is the one partitioned."""
    import skgwae._mixture as mixture_module

    codes, truth = make_blobs(
        n_samples=[15] * 4, centers=[[0, 0], [0, 6], [6, 0], [6, 6]], cluster_std=0.5,
        random_state=0,
    )
    graphs = []
    original = mixture_module._graph_partition

    def spy(affinity, *args):
        graphs.append(affinity)
        return original(affinity, *args)

    monkeypatch.setattr(mixture_module, "_graph_partition", spy)
    labels, _, _, _ = mixture_module._spectral_partition(
        codes, 4, 0, (20, 10), None, "euclidean", True
    )
    (graph,) = graphs
    rows, cols = graph.nonzero()
    assert np.all(truth[rows] == truth[cols])  # no edge between clusters: 10 neighbours
    assert adjusted_rand_score(truth, labels) == 1.0
    # With 20 neighbours alone the graph joins the clusters.
    graphs.clear()
    mixture_module._spectral_partition(codes, 4, 0, 20, None, "euclidean", True)
    rows, cols = graphs[0].nonzero()
    assert np.any(truth[rows] != truth[cols])


@pytest.mark.parametrize(
    "spectra, chosen",
    [
        ({20: (0.01, 0.05), 10: (0.0, 0.08)}, 10),  # the larger gap
        ({20: (0.01, 0.05), 10: (0.0, 0.03)}, 20),  # the smaller gap
        ({20: (0.0, 0.04), 10: (0.0, 0.04)}, 20),  # a tie
        # A larger gap, but a graph that nearly falls into more parts than clusters.
        ({20: (0.0030, 0.0031), 10: (0.0004, 0.0017)}, 20),
        ({20: (np.nan, np.nan), 10: (0.0, 0.03)}, 10),  # no spectrum for 20
        ({20: (0.01, 0.05), 10: (np.nan, np.nan)}, 20),
    ],
)
def test_neighbour_count_choice(monkeypatch, spectra, chosen):
    """The first count is the default; a later one replaces it only with a larger gap and
    a next eigenvalue of at least FEWER_NEIGHBORS_MIN_EIGENVALUE."""
    import skgwae._mixture as mixture_module

    used = []
    original = mixture_module._graph_partition

    def spy(*args):
        used.append(args[6])  # n_neighbors, after the graphs and the options before it
        return original(*args)

    monkeypatch.setattr(mixture_module, "_graph_partition", spy)
    monkeypatch.setattr(
        mixture_module, "_low_eigenvalues", lambda graph, k, count: spectra[count]
    )
    codes, _ = make_blobs(n_samples=60, centers=3, random_state=0)
    mixture_module._spectral_partition(codes, 3, 0, (20, 10), None, "euclidean", True)
    assert used == [chosen]


@pytest.mark.parametrize(
    "modularity_gain, cut_gain, dominates",
    [
        ((1, 1), (1, -1), True),  # higher modularity on both, lower cut on one
        ((1, 1), (-1, -1), False),  # higher cut on both: modularity alone joins clusters
        ((1, -1), (1, 1), False),  # lower modularity on one graph
        ((1, 1), (1, 1), True),
    ],
)
def test_modularity_partition_needs_higher_modularity_everywhere_and_one_lower_cut(
    monkeypatch, modularity_gain, cut_gain, dominates
):
    """The Louvain partition replaces the spectral one where its modularity is higher on
    every graph and its normalized cut lower on at least one."""
    import skgwae._mixture as mixture_module

    graphs = ["common", "rows"]
    candidate, labels = np.array([0, 1]), np.array([1, 0])

    def measure(gains, sign):
        def value(graph, partition, *_):
            gain = gains[graphs.index(graph)]
            return sign * gain * 0.1 if partition is candidate else 0.0

        return value

    monkeypatch.setattr(mixture_module, "modularity", measure(modularity_gain, 1))
    monkeypatch.setattr(mixture_module, "_normalized_cut", measure(cut_gain, -1))
    assert mixture_module._dominates(candidate, labels, graphs, 2) is dominates


def _one_mean_scales(n_rows=600, seed=0):
    """Rows of 3 classes with one mean and standard deviations 0.5, 1 and 2 in 3
    features: clusters that differ in scale alone."""
    rng = np.random.RandomState(seed)
    truth = rng.randint(0, 3, n_rows)
    return np.array([0.5, 1.0, 2.0])[truth][:, None] * rng.normal(size=(n_rows, 3)), truth


def test_parts_that_differ_in_scale_explain_the_rows_better_than_a_split_by_position():
    rows, truth = _one_mean_scales()
    by_position = np.digitize(rows[:, 0], np.quantile(rows[:, 0], [1 / 3, 2 / 3]))
    assert refinement_module.explains_better(rows, truth, by_position, 3, 0, "euclidean")
    assert not refinement_module.explains_better(rows, by_position, truth, 3, 0, "euclidean")


def test_explains_better_cannot_tell_partitions_that_differ_in_one_row():
    rows, truth = _one_mean_scales()
    moved = truth.copy()
    moved[0] = (moved[0] + 1) % 3
    assert refinement_module.explains_better(rows, moved, truth, 3, 0, "euclidean") is None


def test_explains_better_cannot_tell_with_a_part_of_too_few_rows():
    rows, truth = _one_mean_scales()
    tiny = truth.copy()
    tiny[tiny == 2] = 1
    tiny[:3] = 2  # a part of 3 rows supports no covariance
    assert refinement_module.explains_better(rows, truth, tiny, 3, 0, "euclidean") is None


@pytest.mark.parametrize("graph_says", [True, False])
def test_models_partitions_compete_on_the_rows_likelihood(monkeypatch, graph_says):
    """Where models of the rows replaced both graph partitions, the parts that held-out
    rows clearly prefer win whatever the graph's measures say; where one of them is the
    graph's own partition, the graph's measures decide."""
    import skgwae._mixture as mixture_module

    rows, truth = _one_mean_scales()
    by_position = np.digitize(rows[:, 0], np.quantile(rows[:, 0], [1 / 3, 2 / 3]))
    monkeypatch.setattr(mixture_module, "_dominates", lambda *args: graph_says)
    monkeypatch.setattr(mixture_module, "_reproduced", lambda *args: False)

    def better(candidate, current):
        return mixture_module._better_partition(
            candidate, current, [], rows, 3, 0, "euclidean", rows, 10
        )

    assert better((truth, True), (by_position, True))
    assert not better((by_position, True), (truth, True))
    assert better((by_position, True), (truth, False)) is graph_says
    assert better((by_position, False), (truth, True)) is graph_says
    # A partition with an empty part never replaces one.
    assert not better((np.where(truth == 2, 1, truth), True), (by_position, True))


def _blob_graph(X):
    from skgwae._geometry import neighbour_affinities

    return neighbour_affinities(X, (10,))[0].tocsr()


def test_a_partition_the_louvain_method_finds_again_is_reproduced():
    """Well-separated blobs: every Louvain start finds them, so their partition is
    reproduced, and a partition that moved a piece of one blob to another is not."""
    import skgwae._mixture as mixture_module

    X, truth = make_blobs(600, centers=4, cluster_std=0.5, random_state=0)
    graph = _blob_graph(X)
    moved = truth.copy()
    piece = np.flatnonzero(truth == 0)[:60]
    moved[piece] = 1
    args = ([graph], X, 4, 0, 10)
    assert mixture_module._reproduced(truth, moved, *args)
    assert not mixture_module._reproduced(moved, truth, *args)


def test_a_partition_of_a_ring_into_arcs_is_not_reproduced():
    """A ring holds no two clusters: the Louvain method's starts cut it into different
    arcs, so none of its partitions is reproduced, not even against a worse one."""
    import skgwae._mixture as mixture_module

    angle = np.random.RandomState(0).uniform(0, 2 * np.pi, 600)
    X = np.column_stack([np.cos(angle), np.sin(angle)])
    graph = _blob_graph(X)
    arcs = mixture_module._partition(graph, X, 2, np.random.RandomState(0), 10, "modularity")
    halves = (X[:, 0] > 0).astype(int)
    runs = mixture_module._louvain_runs([graph], X, 2, 0, 10)
    agreement = [adjusted_rand_score(arcs, run) for run in runs]
    assert np.mean(agreement) < mixture_module.LOUVAIN_MIN_AGREEMENT
    assert not mixture_module._reproduced(arcs, halves, [graph], X, 2, 0, 10)


@pytest.mark.filterwarnings("ignore:Graph is not fully connected")
def test_a_partition_some_louvain_starts_do_not_find_is_not_reproduced():
    """Blobs with a fragment: two of three Louvain starts give the fragment to a far
    cluster, one gives it to the cluster beside it, as the truth does. The further
    starts agree with the first on average by more than LOUVAIN_MIN_AGREEMENT, but it is
    not reproduced: one start is closer to the truth."""
    import skgwae._mixture as mixture_module

    from skgwae._geometry import neighbour_affinity

    codes, truth = _blobs_with_a_fragment(4.5, 0.5)
    graph = neighbour_affinity(codes, 20).tocsr()
    runs = mixture_module._louvain_runs([graph], codes, 3, 0, 20)
    louvain = runs[0]
    assert adjusted_rand_score(truth, louvain) < 0.9
    assert np.mean([adjusted_rand_score(louvain, run) for run in runs]) >= (
        mixture_module.LOUVAIN_MIN_AGREEMENT
    )
    assert max(adjusted_rand_score(truth, run) for run in runs) > 0.95
    assert not mixture_module._reproduced(louvain, truth, [graph], codes, 3, 0, 20)


def test_a_refinement_that_trims_reproducible_clusters_loses_agreement():
    """Well-separated blobs: the Louvain method reproduces their partition. A refinement
    that moves a fifteenth of the rows across two boundaries lowers the agreement by far
    more than REFINED_MAX_AGREEMENT_DROP and is refused; one that moves a few rows on a
    boundary is not, and neither is one that moves a tenth of the rows (more than
    REFINED_FEW_MOVED), as EM does between overlapping classes."""
    import skgwae._mixture as mixture_module

    X, truth = make_blobs(600, centers=4, cluster_std=0.5, random_state=0)
    graph = _blob_graph(X)

    def moved(count):
        labels = truth.copy()
        labels[np.flatnonzero(truth == 0)[:count]] = 1
        labels[np.flatnonzero(truth == 2)[:count]] = 3
        return labels

    assert np.mean(moved(20) != truth) < mixture_module.REFINED_FEW_MOVED
    assert np.mean(moved(30) != truth) > mixture_module.REFINED_FEW_MOVED
    args = ([graph, None], X, 4, 0, 10)
    assert mixture_module._loses_agreement(truth, moved(20), *args)
    assert not mixture_module._loses_agreement(truth, moved(2), *args)
    assert not mixture_module._loses_agreement(truth, moved(30), *args)


def test_a_refinement_of_a_partition_louvain_does_not_reproduce_is_kept():
    """A ring: Louvain's starts cut it into different arcs, so no partition of it is
    reproduced, and a refinement that moves few rows is not refused."""
    import skgwae._mixture as mixture_module

    angle = np.random.RandomState(0).uniform(0, 2 * np.pi, 600)
    X = np.column_stack([np.cos(angle), np.sin(angle)])
    graph = _blob_graph(X)
    halves = (X[:, 0] > 0).astype(int)
    shifted = (X[:, 0] > 0.15).astype(int)
    assert 0 < np.mean(halves != shifted) < mixture_module.REFINED_FEW_MOVED
    assert not mixture_module._loses_agreement(halves, shifted, [graph, None], X, 2, 0, 10)
