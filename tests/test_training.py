"""Unit tests of skgwae.training: device, seeding, early stopping, history and the Trainer."""

import math
import re
import warnings

import numpy as np
import pytest
import torch

from skgwae._geometry import DataGeometry

from skgwae.exceptions import DivergenceWarning, NonFiniteLossError, NonFiniteLossWarning
from skgwae.nn import GWAEModel
from skgwae.training import (
    Trainer,
    TrainingConfig,
    TrainResult,
    evaluate_criterion,
    flush_denormal,
    make_generator,
    resolve_device,
    seeded,
)
from skgwae.training.device import _flush_denormal_enabled, deterministic_kernels
from skgwae.training.early_stopping import EarlyStopping
from skgwae.training.history import History

CPU = torch.device("cpu")
EPOCH_KEYS = {"loss", "gw", "w", "d", "h", "kappa", "seconds"}
VAL_KEYS = {"val_gw", "val_w", "val_mmd", "val_score"}


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _data(n=60, seed=0):
    return np.random.RandomState(seed).normal(size=(n, 5)).astype(np.float32)


def _model(seed=0, **kw):
    params = dict(n_features=5, n_components=2, hidden_layer_sizes=(8,), prior="neural")
    params.update(kw)
    with seeded(seed):
        return GWAEModel(**params)


def _trainer(**kw):
    device, seed = kw.pop("device", CPU), kw.pop("seed", 0)
    params = dict(
        batch_size=16,
        max_epochs=4,
        learning_rate=1e-2,
        lambda_w=1.0,
        lambda_d=1.0,
        lambda_h=0.03,
        n_iter_no_change=10,
        tol=1e-4,
    )
    params.update(kw)
    return Trainer(TrainingConfig(**params), device=device, seed=seed)


def _without_seconds(history):
    return [{k: v for k, v in row.items() if k != "seconds"} for row in history]


def _state(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _states_equal(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


@pytest.fixture
def restore_flush_denormal():
    yield
    torch.set_flush_denormal(False)


# --------------------------------------------------------------------------------------------
# Device
# --------------------------------------------------------------------------------------------


def test_resolve_device_auto_is_cpu_without_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("auto") == torch.device("cpu")


def test_resolve_device_auto_picks_cuda_when_available(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device("auto") == torch.device("cuda")


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the CPU-only environment")
def test_resolve_device_without_cuda_unpatched():
    assert resolve_device("auto") == torch.device("cpu")
    with pytest.raises(ValueError):
        resolve_device("cuda")


def test_resolve_device_cpu():
    assert resolve_device("cpu") == torch.device("cpu")
    assert isinstance(resolve_device("cpu"), torch.device)


@pytest.mark.parametrize("device", ["cuda", "cuda:0", "cuda:1"])
def test_resolve_device_cuda_unavailable_raises(monkeypatch, device):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match="CUDA"):
        resolve_device(device)


def test_resolve_device_cuda_index_out_of_range(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    assert resolve_device("cuda:0") == torch.device("cuda:0")
    with pytest.raises(ValueError):
        resolve_device("cuda:1")


def _subnormal_product():
    return (torch.tensor([1e-30], dtype=torch.float32) * 1e-9).item()


@pytest.mark.parametrize("before", [False, True])
def test_flush_denormal_sets_and_restores(restore_flush_denormal, before):
    if not torch.set_flush_denormal(before):
        pytest.skip("this CPU does not support flushing denormals")
    assert (_subnormal_product() == 0.0) == before
    assert _flush_denormal_enabled() == before
    with flush_denormal(CPU):
        assert _subnormal_product() == 0.0
    assert (_subnormal_product() == 0.0) == before
    assert _flush_denormal_enabled() == before


def test_deterministic_kernels_leave_the_cpu_alone():
    """cuDNN's flags matter on CUDA only: on the CPU the block runs with the caller's."""
    cudnn = torch.backends.cudnn
    before = cudnn.deterministic, cudnn.benchmark
    with deterministic_kernels(CPU):
        assert (cudnn.deterministic, cudnn.benchmark) == before
    assert (cudnn.deterministic, cudnn.benchmark) == before


def test_flush_denormal_restores_after_exception(restore_flush_denormal):
    if not torch.set_flush_denormal(False):
        pytest.skip("this CPU does not support flushing denormals")
    with pytest.raises(RuntimeError, match="boom"):
        with flush_denormal(CPU):
            assert _subnormal_product() == 0.0
            raise RuntimeError("boom")
    assert _subnormal_product() != 0.0


def test_flush_denormal_noop_off_cpu(restore_flush_denormal):
    torch.set_flush_denormal(False)
    with flush_denormal(torch.device("cuda")):
        assert _subnormal_product() != 0.0
    assert _subnormal_product() != 0.0


# --------------------------------------------------------------------------------------------
# Seeding
# --------------------------------------------------------------------------------------------


def test_seeded_leaves_global_rng_unchanged():
    before = torch.get_rng_state()
    expected_next = torch.rand(3)
    torch.set_rng_state(before)
    with seeded(123):
        inside = torch.rand(3)
    assert torch.equal(torch.get_rng_state(), before)
    assert torch.equal(torch.rand(3), expected_next)
    assert not torch.equal(inside, expected_next)


def test_seeded_is_reproducible():
    with seeded(7):
        a = torch.randn(4)
        lin_a = torch.nn.Linear(3, 2).weight.detach().clone()
    with seeded(7):
        b = torch.randn(4)
        lin_b = torch.nn.Linear(3, 2).weight.detach().clone()
    with seeded(8):
        c = torch.randn(4)
    assert torch.equal(a, b) and torch.equal(lin_a, lin_b)
    assert not torch.equal(a, c)
    with torch.random.fork_rng(devices=[]):  # the global RNG seeded alike gives the same
        torch.manual_seed(7)
        assert torch.equal(torch.randn(4), a)


def test_make_generator_determinism():
    g1, g2, g3 = make_generator(5, CPU), make_generator(5, CPU), make_generator(6, CPU)
    assert isinstance(g1, torch.Generator) and g1.device == CPU
    a = torch.randn(5, generator=g1)
    b = torch.randn(5, generator=g2)
    c = torch.randn(5, generator=g3)
    assert torch.equal(a, b) and not torch.equal(a, c)
    assert g1.initial_seed() == 5
    assert make_generator(np.int64(5), CPU).initial_seed() == 5


def test_make_generator_does_not_touch_global_rng():
    before = torch.get_rng_state()
    torch.randn(3, generator=make_generator(1, CPU))
    assert torch.equal(torch.get_rng_state(), before)


# --------------------------------------------------------------------------------------------
# EarlyStopping and History
# --------------------------------------------------------------------------------------------


def test_early_stopping_lower_is_better_patience():
    stopper = EarlyStopping(patience=2, tol=0.1, higher_is_better=False)
    assert stopper.update(5.0, 1) is True and not stopper.should_stop
    assert stopper.update(4.0, 2) is True and stopper.wait == 0
    # Better, but by less than tol: a new best, yet it counts as no improvement.
    assert stopper.update(3.95, 3) is True
    assert stopper.wait == 1 and stopper.best_epoch == 3 and not stopper.should_stop
    assert stopper.update(3.99, 4) is False
    assert stopper.should_stop and stopper.best_epoch == 3
    assert stopper.best_value == pytest.approx(3.95)


def test_early_stopping_improvement_resets_wait():
    stopper = EarlyStopping(patience=2, tol=0.0, higher_is_better=False)
    stopper.update(1.0, 1)
    stopper.update(1.5, 2)
    assert stopper.wait == 1 and not stopper.should_stop
    stopper.update(0.5, 3)
    assert stopper.wait == 0 and stopper.best_epoch == 3
    stopper.update(0.6, 4)
    assert not stopper.should_stop
    stopper.update(0.5, 5)  # equal is not an improvement
    assert stopper.should_stop and stopper.best_epoch == 3


def test_early_stopping_higher_is_better():
    stopper = EarlyStopping(patience=3, tol=0.01, higher_is_better=True)
    for epoch, value in enumerate([-3.0, -2.0, -2.5, -1.995, -2.2], start=1):
        stopper.update(value, epoch)
    assert stopper.best_epoch == 4
    assert stopper.best_value == pytest.approx(-1.995)
    assert stopper.wait == 3 and stopper.should_stop
    fresh = EarlyStopping(patience=3, tol=0.01, higher_is_better=True)
    assert fresh.best_epoch is None and not fresh.should_stop


def test_early_stopping_first_value_always_best():
    for higher in (True, False):
        stopper = EarlyStopping(patience=1, tol=1e9, higher_is_better=higher)
        assert stopper.update(1e30 if not higher else -1e30, 1)
        assert stopper.best_epoch == 1 and stopper.wait == 0 and not stopper.should_stop


def test_history_record_and_column():
    history = History()
    history.record(epoch=1, loss=2.0)
    history.record(epoch=2, loss=1.5, val_score=-1.0)
    assert isinstance(history, list) and len(history) == 2
    assert history[-1] == {"epoch": 2, "loss": 1.5, "val_score": -1.0}
    assert history.column("loss") == [2.0, 1.5]
    assert history.column("val_score") == [None, -1.0]
    assert history.column("missing") == [None, None]
    import pandas as pd

    frame = pd.DataFrame(history)
    assert frame.shape == (2, 3)


def test_history_record_copies_values():
    history = History()
    values = {"loss": 1.0}
    history.record(**values)
    values["loss"] = 99.0
    assert history.column("loss") == [1.0]


# --------------------------------------------------------------------------------------------
# Trainer
# --------------------------------------------------------------------------------------------


def test_fit_history_keys_and_result():
    model = _model()
    result = _trainer(max_epochs=3).fit(model, _data())
    assert isinstance(result, TrainResult)
    assert result.n_epochs == 3 and len(result.history) == 3
    assert [row["epoch"] for row in result.history] == [1, 2, 3]
    for row in result.history:
        assert EPOCH_KEYS <= set(row)
        assert not VAL_KEYS & set(row)
        assert all(math.isfinite(row[k]) for k in EPOCH_KEYS)
        assert row["seconds"] >= 0
        loss = row["gw"] + row["w"] + row["d"] + 0.03 * row["h"]
        assert row["loss"] == pytest.approx(loss, rel=1e-5, abs=1e-6)
    assert result.best_validation_score is None
    assert not result.interrupted
    assert not model.training
    # kappa is recorded after each epoch's updates, and it does move.
    assert result.history[-1]["kappa"] == pytest.approx(model.kappa.item())
    assert result.history[-1]["kappa"] != 1.0


def test_fit_same_seed_identical_different_seed_different():
    X = _data()
    runs = []
    for seed in (0, 0, 1):
        model = _model(seed=0)
        result = _trainer(seed=seed, max_epochs=3).fit(model, X)
        runs.append((_without_seconds(result.history), _state(model)))
    assert runs[0][0] == runs[1][0]
    assert _states_equal(runs[0][1], runs[1][1])
    assert runs[0][0] != runs[2][0]
    assert not _states_equal(runs[0][1], runs[2][1])


def test_fit_does_not_touch_global_rng():
    before = torch.get_rng_state()
    _trainer(max_epochs=2).fit(_model(), _data())
    assert torch.equal(torch.get_rng_state(), before)


def test_fit_trains_parameters_and_reduces_loss():
    model = _model()
    before = _state(model)
    result = _trainer(max_epochs=8, learning_rate=1e-2).fit(model, _data())
    after = _state(model)
    for name, value in before.items():
        if name.endswith(("weight", "bias", "log_kappa")):
            assert not torch.equal(value, after[name]), name
    losses = result.history.column("loss")
    assert losses[-1] < losses[0]


def test_fit_with_validation_keeps_best_weights(monkeypatch):
    X, X_val = _data(60, 0), _data(30, 1)
    snapshots = {}
    original = Trainer._train_epoch

    def spy(self, model, *args):
        out = original(self, model, *args)
        snapshots[len(snapshots) + 1] = _state(model)
        return out

    monkeypatch.setattr(Trainer, "_train_epoch", spy)
    # Find a (deterministic) run whose best epoch is not the last one, so that keeping the
    # last weights would be caught below.
    for seed in range(8):
        snapshots.clear()
        model = _model(seed=seed)
        result = _trainer(seed=seed, max_epochs=8, learning_rate=1e-2).fit(model, X, X_val)
        if result.best_epoch < result.n_epochs:
            break
    else:
        pytest.fail("no run with a best epoch before the last one; the test needs another setup")
    history = result.history
    for row in history:
        assert EPOCH_KEYS | VAL_KEYS <= set(row)
        assert row["val_score"] == pytest.approx(
            -(row["val_gw"] + row["val_w"] + row["val_mmd"]), rel=1e-6
        )
    scores = history.column("val_score")
    assert result.best_epoch == int(np.argmax(scores)) + 1
    assert result.best_validation_score == pytest.approx(max(scores), rel=1e-6)
    assert _states_equal(_state(model), snapshots[result.best_epoch])
    assert not _states_equal(_state(model), snapshots[result.n_epochs])
    terms = evaluate_criterion(model, X_val, None, _geometry(), lambda_w=1.0, lambda_d=1.0, device=CPU)
    assert terms["score"] == pytest.approx(result.best_validation_score, rel=1e-5, abs=1e-6)


def test_fit_early_stopping_stops_before_max_epochs():
    # An enormous tol: no epoch counts as an improvement after the first one.
    result = _trainer(max_epochs=20, n_iter_no_change=2, tol=1e9).fit(_model(), _data())
    assert result.stopped_early
    assert result.n_epochs == 3
    assert result.best_epoch >= 1
    full = _trainer(max_epochs=3, n_iter_no_change=10).fit(_model(), _data())
    assert not full.stopped_early and full.n_epochs == 3


def _batch_sizes(monkeypatch):
    sizes = []
    original = GWAEModel.main_terms

    def spy(self, x, generator=None, dx=None):
        sizes.append(x.shape[0])
        return original(self, x, generator, dx)

    monkeypatch.setattr(GWAEModel, "main_terms", spy)
    return sizes


@pytest.mark.parametrize("n, batch_size", [(60, 16), (50, 7), (5, 2), (9, 4), (10, 32)])
def test_fit_batches_cover_data_with_near_equal_sizes(monkeypatch, n, batch_size):
    sizes = _batch_sizes(monkeypatch)
    _trainer(batch_size=batch_size, max_epochs=2, learning_rate=1e-3).fit(_model(), _data(n))
    per_epoch = len(sizes) // 2
    assert per_epoch == max(1, min(round(n / batch_size), n // 2))
    for epoch in (sizes[:per_epoch], sizes[per_epoch:]):
        assert sum(epoch) == n
        assert max(epoch) - min(epoch) <= 1
        assert min(epoch) >= 2


@pytest.mark.parametrize("n", [3, 7])
def test_fit_no_batch_smaller_than_two_with_batch_size_two(monkeypatch, n):
    # Trainer's docstring: "no batch is smaller than 2, which the batch statistics of the prior
    # and of L_GW need"; the estimators accept batch_size=2.
    sizes = _batch_sizes(monkeypatch)
    result = _trainer(batch_size=2, max_epochs=2, learning_rate=1e-3).fit(_model(), _data(n))
    assert result.n_epochs == 2
    assert min(sizes) >= 2


def test_fit_with_critic_coupling_updates_critic():
    model = _model(coupling="critic")
    critic_before = {k: v.detach().clone() for k, v in model.critic.named_parameters()}
    main_before = [p.detach().clone() for p in model.main_parameters()]
    result = _trainer(max_epochs=2, learning_rate=1e-3, n_critic=2).fit(model, _data())
    assert result.n_epochs == 2
    assert all(math.isfinite(row["d"]) for row in result.history)
    changed = [
        k for k, v in model.critic.named_parameters() if not torch.equal(v, critic_before[k])
    ]
    assert len(changed) == len(critic_before)
    assert any(not torch.equal(a, b) for a, b in zip(main_before, model.main_parameters()))
    # The critic is left trainable.
    assert all(p.requires_grad for p in model.critic.parameters())


def test_fit_critic_uses_rmsprop_and_mmd_uses_adam():
    trainer = _trainer()
    main, critic = trainer._optimizers(_model(coupling="critic"))
    assert isinstance(main, torch.optim.RMSprop) and isinstance(critic, torch.optim.RMSprop)
    main, critic = trainer._optimizers(_model(coupling="mmd"))
    assert isinstance(main, torch.optim.Adam) and critic is None
    assert main.defaults["betas"] == (0.9, 0.999)


def test_fit_verbose_2_prints_one_line_per_epoch(capsys):
    _trainer(max_epochs=3, verbose=2).fit(_model(), _data())
    captured = capsys.readouterr()
    text = captured.out + captured.err
    lines = re.findall(r"^epoch\s+(\d+) .*loss=", text, flags=re.MULTILINE)
    assert lines == ["1", "2", "3"]


def test_fit_verbose_1_shows_a_bar_and_no_lines(capsys):
    _trainer(max_epochs=3, verbose=1).fit(_model(), _data())
    captured = capsys.readouterr()
    assert "GWAE fit" in captured.err
    assert not re.search(r"^epoch\s+\d", captured.out + captured.err, flags=re.MULTILINE)


def test_fit_verbose_2_prints_lines_without_a_bar(capsys):
    # A bar redrawn between the printed lines would garble them.
    _trainer(max_epochs=3, verbose=2).fit(_model(), _data())
    captured = capsys.readouterr()
    assert "GWAE fit" not in captured.out + captured.err


def test_fit_verbose_0_is_silent(capsys):
    _trainer(max_epochs=2, verbose=0).fit(_model(), _data())
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_fit_keyboard_interrupt_warns_and_keeps_model(monkeypatch):
    original = Trainer._train_epoch
    calls = []

    def interrupting(self, *args):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(self, *args)

    monkeypatch.setattr(Trainer, "_train_epoch", interrupting)
    model = _model()
    try:
        with pytest.warns(UserWarning, match="interrupted"):
            result = _trainer(max_epochs=10).fit(model, _data(), _data(30, 1))
    except KeyboardInterrupt:  # would otherwise end the whole pytest session
        pytest.fail("KeyboardInterrupt after two epochs escaped Trainer.fit")
    assert result.interrupted and result.n_epochs == 2
    assert not result.stopped_early
    assert not model.training
    terms = evaluate_criterion(model, _data(30, 1), None, _geometry(), lambda_w=1.0, lambda_d=1.0, device=CPU)
    assert all(math.isfinite(v) for v in terms.values())
    assert terms["score"] == pytest.approx(result.best_validation_score, rel=1e-5, abs=1e-6)
    with torch.no_grad():
        mu, _ = model.encoder(torch.as_tensor(_data(4)))
    assert torch.isfinite(mu).all()


def test_fit_keyboard_interrupt_in_first_epoch_rolls_back_to_the_start(monkeypatch):
    # A KeyboardInterrupt raised as an exception (not through the SIGINT handler) may leave
    # a step half done, so the model returns to its last complete epoch: here, the start.
    original = Trainer._train_epoch

    def interrupting(self, model, *args):
        original(self, model, *args)  # the weights move...
        raise KeyboardInterrupt  # ...then the interrupt arrives

    monkeypatch.setattr(Trainer, "_train_epoch", interrupting)
    model = _model()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.warns(UserWarning, match="after 0 complete epoch"):
        result = _trainer().fit(model, _data())
    assert result.interrupted and result.n_epochs == 0
    assert result.best_validation_score is None
    for k, v in model.state_dict().items():
        torch.testing.assert_close(v, before[k])


@pytest.mark.parametrize("with_validation", [False, True])
def test_fit_sigint_stops_after_the_current_step(with_validation, sigint_at_step):
    import signal

    # 60 rows in batches of 16: 4 steps per epoch; the signal comes in the 2nd step of
    # epoch 3, which completes, and no further step runs.
    steps = sigint_at_step(10)
    model = _model()
    X_val = _data(30, 1) if with_validation else None
    try:
        with pytest.warns(UserWarning, match="after 2 complete epoch"):
            result = _trainer(max_epochs=10).fit(model, _data(), X_val)
    except KeyboardInterrupt:
        pytest.fail("the SIGINT escaped Trainer.fit")
    assert len(steps) == 10
    assert result.interrupted and result.n_epochs == 2
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    if with_validation:  # the best validated weights are kept
        terms = evaluate_criterion(model, X_val, None, _geometry(), lambda_w=1.0, lambda_d=1.0, device=CPU)
        assert terms["score"] == pytest.approx(result.best_validation_score, rel=1e-5)
    assert all(torch.isfinite(v).all() for v in model.state_dict().values())


def test_fit_second_sigint_interrupts_at_once_and_rolls_back(sigint_at_step):
    import signal

    steps = sigint_at_step(6, n_signals=2)
    model = _model()
    with pytest.warns(UserWarning, match="after 1 complete epoch"):
        result = _trainer(max_epochs=10).fit(model, _data())
    assert len(steps) == 6 and result.interrupted and result.n_epochs == 1
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_fit_leaves_a_custom_sigint_handler_alone(sigint_at_step):
    import signal

    seen = []
    previous = signal.signal(signal.SIGINT, lambda *a: seen.append(1))
    try:
        steps = sigint_at_step(2)
        result = _trainer(max_epochs=2).fit(_model(), _data())
        assert seen == [1] and len(steps) == 8 and not result.interrupted
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.mark.parametrize("coupling", ["mmd", "critic"])
def test_fit_recovers_from_a_non_finite_epoch(coupling, nan_in_epochs):
    nan_in_epochs({2})
    model = _model(coupling=coupling)
    trainer = _trainer(max_epochs=4, n_critic=1)
    with pytest.warns(NonFiniteLossWarning, match="at epoch 2.*lowered to 0.001"):
        result = trainer.fit(model, _data())
    assert result.n_recoveries == 1
    assert [row["epoch"] for row in result.history] == [1, 3, 4]
    assert all(math.isfinite(v) for row in result.history for v in row.values())
    for state in result.optimizer_state:
        assert state["param_groups"][0]["lr"] == pytest.approx(1e-3)


def test_fit_rollback_restores_the_previous_epoch_exactly(monkeypatch):
    # Epoch 2 is rolled back: the model after "epoch 2" equals the model after epoch 1.
    states = []
    original = Trainer._train_epoch

    def train_epoch(self, model, *args):
        states.append({k: v.clone() for k, v in model.state_dict().items()})
        means = original(self, model, *args)
        return means * math.nan if len(states) == 2 else means

    monkeypatch.setattr(Trainer, "_train_epoch", train_epoch)
    with pytest.warns(NonFiniteLossWarning):
        _trainer(max_epochs=3).fit(_model(), _data())
    for k, v in states[2].items():  # the state entering epoch 3 is the one entering 2
        torch.testing.assert_close(v, states[1][k])


@pytest.fixture
def kappa_moved_in_epochs(monkeypatch):
    """Multiply kappa by the given factor at the end of the given epochs."""

    def install(factors):
        original = Trainer._train_epoch
        calls = []

        def train_epoch(self, model, *args):
            calls.append(1)
            means = original(self, model, *args)
            with torch.no_grad():
                model.log_kappa.add_(math.log(factors.get(len(calls), 1.0)))
            return means

        monkeypatch.setattr(Trainer, "_train_epoch", train_epoch)
        return calls

    return install


@pytest.mark.parametrize("factor", [0.01, 100.0])
def test_fit_rolls_back_a_diverging_epoch(kappa_moved_in_epochs, factor):
    """An epoch in which kappa moves many-fold (the codes' scale collapsed) is rolled back
    and the learning rate lowered, as a non-finite one; a smaller move is kept."""
    kappa_moved_in_epochs({2: factor})
    model = _model()
    with pytest.warns(DivergenceWarning, match="at epoch 2.*lowered to 0.001"):
        result = _trainer(max_epochs=4).fit(model, _data())
    assert [row["epoch"] for row in result.history] == [1, 3, 4]
    assert result.n_recoveries == 1
    assert result.optimizer_state[0]["param_groups"][0]["lr"] == pytest.approx(1e-3)
    kept = result.history[-1]["kappa"]
    assert 0.5 < kept / result.history[0]["kappa"] < 2.0  # the collapse was undone
    kappa_moved_in_epochs({2: 1.5})
    with warnings.catch_warnings():
        warnings.simplefilter("error", DivergenceWarning)
        result = _trainer(max_epochs=3).fit(_model(), _data())
    assert [row["epoch"] for row in result.history] == [1, 2, 3]


def test_fit_keeps_diverging_epochs_after_max_recoveries(kappa_moved_in_epochs):
    """Unlike non-finite epochs, diverging ones do not fail the fit: after
    MAX_RECOVERIES roll-backs the epochs are kept."""
    from skgwae.training.trainer import MAX_RECOVERIES

    kappa_moved_in_epochs({epoch: 100.0 for epoch in range(2, 20)})
    with pytest.warns(DivergenceWarning) as record:
        result = _trainer(max_epochs=8).fit(_model(), _data())
    assert sum(issubclass(w.category, DivergenceWarning) for w in record) == MAX_RECOVERIES
    assert len(result.history) == 8 - MAX_RECOVERIES


def test_fit_gives_up_after_max_recoveries(nan_in_epochs):
    from skgwae.training.trainer import MAX_RECOVERIES

    calls = nan_in_epochs(set(range(1, 100)))
    with pytest.warns(NonFiniteLossWarning), pytest.raises(NonFiniteLossError, match="times"):
        _trainer(max_epochs=20).fit(_model(), _data())
    assert len(calls) == MAX_RECOVERIES + 1


def test_fit_continues_from_optimizer_state():
    model = _model()
    first = _trainer(max_epochs=2).fit(model, _data())
    assert first.optimizer_state[0]["state"]  # Adam moments
    step = first.optimizer_state[0]["state"][0]["step"]
    second = _trainer(max_epochs=1, learning_rate=5e-3).fit(
        model, _data(), None, first.optimizer_state
    )
    assert second.optimizer_state[0]["state"][0]["step"] == step + 4
    assert second.optimizer_state[0]["param_groups"][0]["lr"] == 5e-3


def test_fit_huge_values_raise_non_finite_loss():
    X = _data()
    X[0, 0] = 1e30
    with pytest.raises(NonFiniteLossError, match="non-finite") as info:
        _trainer(max_epochs=3).fit(_model(), X)
    assert isinstance(info.value, ValueError)


def test_fit_inf_entries_raise_non_finite_loss():
    X = _data()
    X[3, 2] = np.inf
    with pytest.raises(ValueError):
        _trainer(max_epochs=3).fit(_model(), X)
    with pytest.raises(NonFiniteLossError):
        _trainer(max_epochs=3).fit(_model(), X)


def test_fit_absurd_learning_rate_raises_non_finite_loss():
    with pytest.raises(NonFiniteLossError):
        _trainer(max_epochs=5, learning_rate=1e10).fit(_model(), _data())


def test_fit_restores_flush_denormal_setting(restore_flush_denormal):
    if not torch.set_flush_denormal(False):
        pytest.skip("this CPU does not support flushing denormals")
    _trainer(max_epochs=1).fit(_model(), _data())
    assert _subnormal_product() != 0.0


# --------------------------------------------------------------------------------------------
# evaluate_criterion
# --------------------------------------------------------------------------------------------


def _geometry():
    """The Euclidean geometry of the training rows of these tests."""
    return DataGeometry("euclidean").fit(_data(), np.random.RandomState(0))


def test_evaluate_criterion_finite_and_deterministic():
    model = _model()
    _trainer(max_epochs=2).fit(model, _data())
    model.train()
    X = _data(30, 2)
    a = evaluate_criterion(model, X, None, _geometry(), lambda_w=1.0, lambda_d=1.0, device=CPU)
    b = evaluate_criterion(model, torch.as_tensor(X), None, _geometry(), lambda_w=1.0, lambda_d=1.0, device=CPU)
    assert set(a) == {"gw", "w", "mmd", "score"}
    assert all(isinstance(v, float) and math.isfinite(v) for v in a.values())
    assert a == b
    assert a["score"] == pytest.approx(-(a["gw"] + a["w"] + a["mmd"]))
    weighted = evaluate_criterion(model, X, None, _geometry(), lambda_w=2.0, lambda_d=0.5, device=CPU)
    assert weighted["score"] == pytest.approx(-(a["gw"] + 2.0 * a["w"] + 0.5 * a["mmd"]))
    # The model's mode is restored; different data give a different score.
    assert model.training
    other = evaluate_criterion(model, _data(30, 3), None, _geometry(), lambda_w=1.0, lambda_d=1.0, device=CPU)
    assert other["score"] != a["score"]


def test_evaluate_criterion_does_not_change_model_or_global_rng():
    model = _model()
    model.train()
    state = _state(model)
    rng = torch.get_rng_state()
    evaluate_criterion(model, _data(20), None, _geometry(), lambda_w=1.0, lambda_d=1.0, device=CPU)
    assert _states_equal(state, _state(model))
    assert torch.equal(rng, torch.get_rng_state())


def test_evaluate_criterion_rows_are_independent(monkeypatch):
    """Each row's terms depend on that row alone: scored alone, in chunks, shuffled or
    repeated, it gets the same values; the means are the per-row means."""
    import skgwae.training.criterion as criterion_module

    model = _model()
    X = _data(50, 4)
    geometry = _geometry()
    per_sample = evaluate_criterion(
        model, X, None, geometry, lambda_w=1.0, lambda_d=1.0, device=CPU, per_sample=True
    )
    assert all(v.shape == (50,) for v in per_sample.values())
    means = evaluate_criterion(model, X, None, geometry, lambda_w=1.0, lambda_d=1.0, device=CPU)
    for key in ("gw", "w", "mmd", "score"):
        assert per_sample[key].mean() == pytest.approx(means[key], rel=1e-6)
    monkeypatch.setattr(criterion_module, "CRITERION_CHUNK", 7)
    perm = np.random.RandomState(1).permutation(50)
    shuffled = evaluate_criterion(
        model, X[perm], None, geometry, lambda_w=1.0, lambda_d=1.0, device=CPU, per_sample=True
    )
    np.testing.assert_allclose(shuffled["score"], per_sample["score"][perm], rtol=1e-5)
    alone = [
        evaluate_criterion(
            model, X[i : i + 1], None, geometry, lambda_w=1.0, lambda_d=1.0, device=CPU,
            per_sample=True,
        )["score"][0]
        for i in range(5)
    ]
    np.testing.assert_allclose(alone, per_sample["score"][:5], rtol=1e-5)
    twice = evaluate_criterion(
        model, np.vstack([X, X[:10]]), None, geometry, lambda_w=1.0, lambda_d=1.0, device=CPU,
        per_sample=True,
    )
    np.testing.assert_allclose(twice["score"][:50], per_sample["score"], rtol=1e-5)
    np.testing.assert_allclose(twice["score"][50:], per_sample["score"][:10], rtol=1e-5)


def test_trainer_smoke_with_warnings_as_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        result = _trainer(max_epochs=2).fit(_model(), _data(), _data(20, 1))
    assert result.n_epochs == 2 and not result.interrupted


# ----------------------------------------------------------------- schedule and length


def _learning_rates(trainer, model, X):
    """The learning rate of every main step of ``trainer.fit(model, X)``."""
    rates = []
    step = trainer._step

    def recording_step(model, xb, main_opt, critic_opt, dx=None):
        rates.append(main_opt.param_groups[0]["lr"])
        return step(model, xb, main_opt, critic_opt, dx)

    trainer._step = recording_step
    trainer.fit(model, X)
    return np.array(rates)


def test_anneal_keeps_the_rate_then_decays_it_linearly_to_zero():
    X = _data(n=64)  # 4 batches of 16 per epoch
    rates = _learning_rates(_trainer(max_epochs=8, anneal=True), _model(), X)
    assert len(rates) == 32
    # The first three quarters of the steps at the given rate, then a linear fall.
    np.testing.assert_array_equal(rates[:24], 1e-2)
    expected = 1e-2 * (1.0 - np.arange(24, 32) / 32) / 0.25
    np.testing.assert_allclose(rates[24:], expected, rtol=1e-12)
    assert rates[-1] < rates[24] / 7


def test_without_anneal_the_rate_is_constant():
    rates = _learning_rates(_trainer(max_epochs=3), _model(), _data(n=64))
    np.testing.assert_array_equal(rates, 1e-2)


@pytest.mark.parametrize(
    "n_train, epochs",
    [(1617, 50), (160, 100), (54_000, 2), (1_000_000, 2), (20_000, 5)],
)
def test_auto_epochs_count_about_1250_steps(n_train, epochs):
    from skgwae.training import auto_epochs

    assert auto_epochs(n_train, 64) == epochs


def test_auto_epochs_of_another_step_budget():
    from skgwae.training import auto_epochs

    assert auto_epochs(1617, 64, n_steps=1150) == 46
    assert auto_epochs(54_000, 64, n_steps=1150) == 2


# ---------------------------------------------------------------- fitting to a partition


def _partition_problem():
    """Two classes told apart by one feature among ten of the same spread: the codes of an
    untrained encoder mix them."""
    rng = np.random.RandomState(0)
    labels = rng.randint(0, 2, 400)
    rows = np.c_[labels + 0.2 * rng.normal(size=400), rng.normal(size=(400, 9))]
    model = _model(n_features=10, n_components=2, hidden_layer_sizes=(16,), prior="gaussian")
    return rows.astype(np.float32), labels, model


def _part_agreement(model, rows, labels):
    from skgwae.training.partition import _log_joint, _part_components

    rows, labels = torch.as_tensor(rows), torch.as_tensor(labels)
    with torch.no_grad():
        components = _part_components(model.encoder, rows, labels, 2)
        predicted = _log_joint(model.encoder(rows)[0], *components).argmax(dim=1)
    return float((predicted == labels).double().mean())


def _fit_to_partition(model, rows, labels, n_steps=300, seed=0, **kwargs):
    from skgwae.training import fit_to_partition

    params = dict(
        n_steps=n_steps, batch_size=64, learning_rate=1e-2, lambda_w=1.0, lambda_d=1.0,
        lambda_h=0.03, label_weight=3.0, pairs=None, device="cpu", seed=seed,
    )
    params.update(kwargs)
    fit_to_partition(model, rows, np.arange(len(rows)), labels, 2, **params)


def test_part_components_log_joint_is_the_gaussian_density():
    """The log-joint of a code under a part is log(share of rows) + the log-density of the
    Gaussian with the part's mean and covariance (up to the tiny ridge)."""
    from scipy.stats import multivariate_normal

    from skgwae.training.partition import _log_joint, _part_components

    rows, labels, model = _partition_problem()
    rows_t, labels_t = torch.as_tensor(rows), torch.as_tensor(labels)
    with torch.no_grad():
        codes = model.encoder(rows_t)[0]
        log_joint = _log_joint(codes, *_part_components(model.encoder, rows_t, labels_t, 2))
    codes = codes.double().numpy()
    expected = np.stack(
        [
            np.log(np.mean(labels == k))
            + multivariate_normal(
                codes[labels == k].mean(axis=0), np.cov(codes[labels == k].T, bias=True)
            ).logpdf(codes)
            for k in range(2)
        ],
        axis=1,
    )
    np.testing.assert_allclose(log_joint.numpy(), expected, rtol=1e-6, atol=1e-4)


def test_fit_to_partition_makes_the_parts_classify_the_rows():
    rows, labels, model = _partition_problem()
    start = _state(model)
    assert _part_agreement(model, rows, labels) < 0.8
    _fit_to_partition(model, rows, labels)
    assert _part_agreement(model, rows, labels) > 0.95
    assert not model.training
    # The objective is trained with the labels' term: the decoder moves too.
    decoder = [k for k in start if k.startswith("decoder.")]
    assert any(not torch.equal(start[k], model.state_dict()[k]) for k in decoder)
    # The same seed gives the same model; no steps leave it as it was.
    again = _model(n_features=10, n_components=2, hidden_layer_sizes=(16,), prior="gaussian")
    _fit_to_partition(again, rows, labels)
    assert _states_equal(_state(again), _state(model))
    fitted = _state(model)
    _fit_to_partition(model, rows, labels, n_steps=0)
    assert _states_equal(_state(model), fitted)


def test_fit_to_partition_holds_the_critic_fixed():
    rows, labels, _ = _partition_problem()
    model = _model(
        n_features=10, n_components=2, hidden_layer_sizes=(16,), prior="gaussian",
        coupling="critic",
    )
    critic = [p.detach().clone() for p in model.critic.parameters()]
    _fit_to_partition(model, rows, labels, n_steps=20)
    for before, after in zip(critic, model.critic.parameters(), strict=True):
        assert torch.equal(before, after.detach())
        assert after.requires_grad


def test_fit_to_partition_reads_data_distances_at_the_rows_positions():
    """``pairs`` gets each batch with the positions of its rows among the training rows."""
    rows, labels, model = _partition_problem()
    positions = np.arange(len(rows)) * 3 + 7
    seen = []

    def pairs(x, index):
        seen.append((x.clone(), index.clone()))
        return torch.cdist(x, x)

    from skgwae.training import fit_to_partition

    fit_to_partition(
        model, rows, positions, labels, 2, n_steps=5, batch_size=64, learning_rate=1e-2,
        lambda_w=1.0, lambda_d=1.0, lambda_h=0.03, label_weight=3.0, pairs=pairs,
        device="cpu", seed=0,
    )
    assert len(seen) == 5
    for x, index in seen:
        np.testing.assert_array_equal(x.numpy(), rows[(index.numpy() - 7) // 3])
