"""The torch thread policy of fits and inference (skgwae.training.threads)."""

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

from skgwae import GWAEClusterer, GWAETransformer
from skgwae.training import threads


@pytest.fixture
def cpus(monkeypatch):
    monkeypatch.setattr(threads, "available_cpus", lambda: 8)


def test_small_steps_run_on_one_thread(cpus):
    with threads.torch_threads(4):
        assert threads.resolve_n_threads(None, 3e6) == 1


def test_large_steps_use_more_threads_but_leave_one_cpu_and_respect_the_callers_limit(cpus):
    with threads.torch_threads(8):
        assert threads.resolve_n_threads(None, 6.5e8) == 3
        assert threads.resolve_n_threads(None, 1e12) == 7  # one CPU left free
    with threads.torch_threads(2):
        assert threads.resolve_n_threads(None, 1e12) == 2  # the caller's limit


def test_explicit_n_jobs_wins(cpus):
    assert threads.resolve_n_threads(3, 1.0) == 3
    assert threads.resolve_n_threads(-1, 1.0) == 8
    assert threads.resolve_n_threads(-2, 1.0) == 7


def test_step_multiply_adds_of_an_mlp():
    from skgwae.nn import GWAEModel

    model = GWAEModel(64, 2, (128, 128))
    # Encoder 64-128-128-(2+2), decoder 2-128-128-64, per row.
    per_row = 64 * 128 + 128 * 128 + 128 * 4 + 2 * 128 + 128 * 128 + 128 * 64
    assert threads.step_multiply_adds(model, 10) == pytest.approx(10 * per_row, rel=0.05)


def test_fit_sets_and_restores_the_thread_count(monkeypatch, X_small):
    seen = []
    original = threads.torch_threads

    def spy(n):
        seen.append(n)
        return original(n)

    import skgwae._base as base

    monkeypatch.setattr(base, "torch_threads", spy)
    before = torch.get_num_threads()
    est = GWAETransformer(n_components=2, max_iter=2, n_jobs=1, random_state=0).fit(X_small)
    assert seen == [1, 1]  # the model built on one thread, then trained on n_jobs
    assert torch.get_num_threads() == before
    np.testing.assert_array_equal(est.transform(X_small), est.transform(X_small))
    assert torch.get_num_threads() == before


def test_n_jobs_does_not_change_the_model(X_small):
    a = GWAETransformer(max_iter=3, n_jobs=1, random_state=0).fit(X_small).transform(X_small)
    b = GWAETransformer(max_iter=3, n_jobs=2, random_state=0).fit(X_small).transform(X_small)
    np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_the_callers_thread_count_does_not_change_the_fit():
    """One random_state, one model, whatever torch's thread count when fit is called (as
    after another library's first fit has set OpenMP's): the model is built on one
    thread, then trained on the policy's count. On the digits, standardised, the scale's
    calibration on two threads had rounded otherwise, and the fits went apart."""
    X = load_digits().data
    X = (X - X.mean(axis=0)) / np.where(X.std(axis=0) > 0, X.std(axis=0), 1.0)
    before = torch.get_num_threads()
    states = []
    try:
        for n_threads in (1, 2):
            torch.set_num_threads(n_threads)
            est = GWAEClusterer(10, max_iter=1, n_init=1, random_state=2).fit(X)
            states.append(est.model_.state_dict())
    finally:
        torch.set_num_threads(before)
    for name, value in states[0].items():
        assert torch.equal(value, states[1][name]), name
