"""The training options ``precision`` and ``compile``, and the trainer's bookkeeping
(snapshots, per-epoch terms) that the speed work changed."""

import pickle
import shutil

import numpy as np
import pytest
import torch

from skgwae import GWAEClusterer, GWAETransformer
from skgwae.nn import GWAEModel
from skgwae.training import seeded
from skgwae.training.safeguards import restore, snapshot
from skgwae.training.tensors import cloned

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def X_blobs():
    rng = np.random.RandomState(0)
    centers = rng.normal(scale=4, size=(3, 6))
    return np.vstack([c + rng.normal(size=(60, 6)) for c in centers]).astype(np.float32)


@pytest.mark.parametrize("coupling", ["mmd", "critic"])
def test_bfloat16_fit_is_reproducible_and_keeps_float32_weights(fast_params, X_blobs, coupling):
    params = {**fast_params, "coupling": coupling, "n_critic": 1, "precision": "bfloat16"}
    est = GWAETransformer(**params).fit(X_blobs)
    assert all(p.dtype == torch.float32 for p in est.model_.parameters())
    Z = est.transform(X_blobs)
    assert Z.dtype == np.float32 and np.isfinite(Z).all()
    np.testing.assert_array_equal(GWAETransformer(**params).fit(X_blobs).transform(X_blobs), Z)
    # Autocast really ran: the bfloat16 products give other numbers than float32 ones.
    Z32 = GWAETransformer(**{**params, "precision": "float32"}).fit(X_blobs).transform(X_blobs)
    assert not np.array_equal(Z, Z32)
    assert np.abs(Z - Z32).max() < 0.5 * np.abs(Z32).max()


def test_bfloat16_training_loss_tracks_float32(X_blobs):
    params = dict(hidden_layer_sizes=(32,), max_iter=15, early_stopping=False, random_state=0)
    loss16 = GWAETransformer(precision="bfloat16", **params).fit(X_blobs).loss_curve_
    loss32 = GWAETransformer(**params).fit(X_blobs).loss_curve_
    assert loss16[-1] < 0.8 * loss16[0]  # it trains
    assert abs(loss16[-1] - loss32[-1]) < 0.1 * abs(loss32[-1])


def test_precision_is_validated(fast_params, X_blobs):
    with pytest.raises(ValueError, match="precision"):
        GWAETransformer(**fast_params, precision="float16").fit(X_blobs)
    with pytest.raises(ValueError, match="compile"):
        GWAETransformer(**fast_params, compile="yes").fit(X_blobs)


def _has_compiler():
    return shutil.which("cc") is not None or shutil.which("gcc") is not None


@pytest.mark.skipif(not _has_compiler(), reason="torch.compile needs a C++ compiler on CPU")
def test_compile_fits_and_leaves_a_plain_model(fast_params, X_blobs):
    # One test only: compiling takes 10-20 s on a CPU. The critic (not compiled, its
    # penalty differentiates twice) must train alongside the compiled networks.
    params = {**fast_params, "coupling": "critic", "n_critic": 1, "max_iter": 2}
    est = GWAEClusterer(n_clusters=3, compile=True, **params).fit(X_blobs)
    plain = GWAEClusterer(n_clusters=3, **params).fit(X_blobs)
    for module in (est.model_.encoder, est.model_.decoder):
        assert module._compiled_call_impl is None
    np.testing.assert_allclose(est.transform(X_blobs), plain.transform(X_blobs), rtol=0, atol=1e-3)
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.predict(X_blobs), est.predict(X_blobs))


def _trained_model_and_optimizer(coupling):
    # Seeded without touching torch's global RNG (see conftest).
    with seeded(0):
        model = GWAEModel(6, 2, (16,), prior="gaussian", coupling=coupling)
    opt = torch.optim.Adam(model.parameters(), 1e-2)
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(32, 6, generator=generator)
    for _ in range(2):
        terms = model.main_terms(x, generator)
        opt.zero_grad()
        (terms["gw"] + terms["w"] + terms["d"]).backward()
        opt.step()
    return model, opt, x


@pytest.mark.parametrize("coupling", ["mmd", "critic"])
def test_snapshot_is_independent_of_later_steps_and_restores_exactly(coupling):
    model, opt, x = _trained_model_and_optimizer(coupling)
    snap = snapshot(model, [opt])
    weights = {k: v.clone() for k, v in model.state_dict().items()}
    moments = {k: v.clone() for k, v in opt.state_dict()["state"][0].items()}
    generator = torch.Generator().manual_seed(1)
    for _ in range(2):  # steps after the snapshot update weights and moments in place
        terms = model.main_terms(x, generator)
        opt.zero_grad()
        (terms["gw"] + terms["w"]).backward()
        opt.step()
    assert not torch.equal(opt.state_dict()["state"][0]["exp_avg"], moments["exp_avg"])
    restore(model, [opt], snap)
    for k, v in model.state_dict().items():
        assert torch.equal(v, weights[k]), k
    for k, v in opt.state_dict()["state"][0].items():
        assert torch.equal(v, moments[k]), k


def test_cloned_copies_tensors_and_containers():
    state = {"a": [torch.ones(2), (torch.zeros(1), 3)], "b": "x"}
    copy = cloned(state)
    copy["a"][0].add_(1)
    copy["a"][1][0].add_(1)
    assert torch.equal(state["a"][0], torch.ones(2))
    assert torch.equal(state["a"][1][0], torch.zeros(1))
    assert copy["a"][1][1] == 3 and copy["b"] == "x"
    assert isinstance(copy["a"][1], tuple)


def test_history_terms_are_the_mean_over_the_epochs_steps(fast_params, X_blobs, monkeypatch):
    from skgwae.training import Trainer

    seen = []
    step = Trainer._step

    def spy(self, *args):
        terms = step(self, *args)
        seen.append(terms.clone())
        return terms

    monkeypatch.setattr(Trainer, "_step", spy)
    est = GWAETransformer(**{**fast_params, "max_iter": 1, "early_stopping": False})
    est.fit(X_blobs)
    expected = torch.stack(seen).mean(0).tolist()  # the mean of the steps, summed in place
    row = est.history_[0]
    np.testing.assert_allclose([row[k] for k in ("loss", "gw", "w", "d", "h")], expected, rtol=1e-6)
