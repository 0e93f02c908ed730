"""The training steps replayed from CUDA graphs (skgwae.training.graphs).

The graph tests need CUDA and are skipped without it; the rest check what the CPU does.
"""

import copy

import numpy as np
import pytest
import torch

from skgwae import GWAEClusterer, GWAETransformer
from skgwae.nn import GWAEModel
from skgwae.training import Trainer, TrainingConfig, make_generator
from skgwae.training.trainer import MIN_GRAPHED_STEPS
from skgwae.training.graphs import GraphedBackward, graphs_supported
from skgwae.training.seeding import seeded

cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA is not available")
# Epochs of the 2 batches of X_small (16 rows each) that reach MIN_GRAPHED_STEPS.
GRAPHED_EPOCHS = 12


def test_graphs_only_on_cuda():
    assert not graphs_supported("cpu")
    trainer = Trainer(TrainingConfig(batch_size=8, max_epochs=1), device="cpu", seed=0)
    assert not trainer._graphs_possible


@cuda
@pytest.mark.parametrize(
    "options, possible",
    [({}, True), ({"cuda_graphs": False}, False), ({"compile": True}, False)],
)
def test_graphs_on_cuda_unless_turned_off_or_compiled(options, possible):
    config = TrainingConfig(batch_size=8, max_epochs=1, **options)
    assert Trainer(config, device="cuda", seed=0)._graphs_possible == possible


def _critic_model(prior="gaussian"):
    with seeded(0):
        model = GWAEModel(12, 3, (16, 16), prior=prior, coupling="critic")
    return model.cuda().train()


def _critic_backward(model, generator):
    opt = torch.optim.RMSprop(model.critic.parameters(), lr=1e-3)

    def backward(x, mu, logvar):
        loss = model.critic_loss(x, mu, logvar, generator)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        return loss.detach()

    return backward


@cuda
def test_replays_give_the_eager_gradients():
    # Two copies of a model and two generators of one seed: the graphed calls must give the
    # eager calls' losses and gradients, call after call (the generator's draws included).
    eager_model = _critic_model()
    graphed_model = copy.deepcopy(eager_model)
    eager = _critic_backward(eager_model, make_generator(0, "cuda"))
    generator = make_generator(0, "cuda")
    graphed = GraphedBackward(
        _critic_backward(graphed_model, generator), graphed_model.critic.parameters(), generator
    )
    rng = np.random.default_rng(0)
    for _ in range(4):
        x = torch.as_tensor(rng.normal(size=(10, 12)), dtype=torch.float32, device="cuda")
        mu = torch.as_tensor(rng.normal(size=(10, 3)), dtype=torch.float32, device="cuda")
        logvar = torch.full_like(mu, -1.0)
        expected = eager(x, mu, logvar)
        got = graphed(x, mu, logvar)
        torch.testing.assert_close(got, expected)
        for p, q in zip(graphed_model.critic.parameters(), eager_model.critic.parameters()):
            torch.testing.assert_close(p.grad, q.grad)
    assert graphed.n_graphs == 1 and graphed.enabled


@cuda
def test_a_capture_that_fails_falls_back_to_eager_calls():
    model = _critic_model()
    generator = make_generator(0, "cuda")
    weight = next(model.critic.parameters())

    def backward(x):
        # .item() reads a value on the host: a graph cannot record it.
        loss = (model.critic(x, x[:, :3]).sum() * x.sum().item()).sum()
        weight.grad = None
        loss.backward()
        return loss.detach()

    graphed = GraphedBackward(backward, [weight], generator)
    x = torch.ones(5, 12, device="cuda")
    losses = [graphed(x).item() for _ in range(3)]
    assert not graphed.enabled and graphed.n_graphs == 0 and graphed.failure
    assert np.isfinite(losses).all() and weight.grad is not None


def _count_captures(monkeypatch):
    captures = []
    capture = GraphedBackward._capture

    def counted(self, inputs):
        entry = capture(self, inputs)
        captures.append(self.failure)
        return entry

    monkeypatch.setattr(GraphedBackward, "_capture", counted)
    return captures


@cuda
@pytest.mark.parametrize(
    "prior", ["gaussian", "neural", "factorized_neural", "uniform", "spherical", "vq", "gmm"]
)
@pytest.mark.parametrize("coupling", ["mmd", "critic"])
def test_fit_on_cuda_replays_its_steps(fast_params, X_small, monkeypatch, prior, coupling):
    # Every prior family and coupling must be recordable: a failed capture would silently
    # leave the fit on the slow eager path.
    captures = _count_captures(monkeypatch)
    params = {**fast_params, "device": "cuda", "max_iter": GRAPHED_EPOCHS}
    est = GWAETransformer(**params, prior=prior, coupling=coupling).fit(X_small)
    assert captures and captures == [None] * len(captures)
    assert len(captures) >= (2 if coupling == "critic" else 1)
    assert np.isfinite(est.transform(X_small)).all()
    # The fitted model keeps no gradients in the released graphs' memory.
    assert all(p.grad is None for p in est.model_.parameters())


@cuda
def test_clusterer_fit_on_cuda_replays_its_steps(fast_params, X_small, monkeypatch):
    # The clusterer's default data metric gives each batch its distances as an input.
    captures = _count_captures(monkeypatch)
    params = {k: v for k, v in fast_params.items() if k != "n_components"}
    params.update(device="cuda", max_iter=GRAPHED_EPOCHS)
    est = GWAEClusterer(n_clusters=3, **params).fit(X_small)
    assert captures and captures == [None] * len(captures)
    assert np.isfinite(est.predict_proba(X_small)).all()


@cuda
@pytest.mark.parametrize("coupling", ["mmd", "critic"])
def test_graphed_fit_matches_eager_fit(X_small, coupling):
    X = X_small.astype(np.float32)
    models = []
    for cuda_graphs in (False, True):
        with seeded(0):
            model = GWAEModel(X.shape[1], 2, (16, 16), coupling=coupling)
        config = TrainingConfig(
            batch_size=16, max_epochs=GRAPHED_EPOCHS, cuda_graphs=cuda_graphs
        )
        trainer = Trainer(config, device="cuda", seed=0)
        trainer.fit(model, X)
        assert trainer._graphed == cuda_graphs
        models.append(model)
    for (name, p), q in zip(models[0].state_dict().items(), models[1].state_dict().values()):
        torch.testing.assert_close(p, q, rtol=1e-4, atol=1e-5, msg=name)


@cuda
def test_same_seed_same_model_with_graphs(fast_params, X_small):
    params = {**fast_params, "device": "cuda", "max_iter": GRAPHED_EPOCHS, "coupling": "critic"}
    first, second = (GWAETransformer(**params).fit(X_small) for _ in range(2))
    np.testing.assert_array_equal(first.transform(X_small), second.transform(X_small))


@cuda
def test_a_fit_of_few_steps_records_no_graph(fast_params, X_small, monkeypatch):
    # Recording costs about five eager steps: a fit shorter than MIN_GRAPHED_STEPS (here
    # 3 epochs of 2 batches) would lose more than it gains.
    assert 3 * 2 < MIN_GRAPHED_STEPS <= GRAPHED_EPOCHS * 2
    captures = _count_captures(monkeypatch)
    GWAETransformer(**{**fast_params, "device": "cuda", "max_iter": 3}).fit(X_small)
    assert captures == []
