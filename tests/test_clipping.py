"""The clipping of the main player's gradient (skgwae.training.clipping)."""

import math
import warnings

import pytest
import torch

from skgwae.training import clipping
from skgwae.training.clipping import GradientClip


def _parameters():
    return [torch.nn.Parameter(torch.zeros(3)), torch.nn.Parameter(torch.zeros(2, 2))]


def _set_gradient(parameters, norm):
    """Gradients of total norm ``norm``, spread evenly over the parameters' entries."""
    n = sum(p.numel() for p in parameters)
    for p in parameters:
        p.grad = torch.full_like(p, norm / math.sqrt(n))


def _total_norm(parameters):
    return math.sqrt(sum(float(p.grad.square().sum()) for p in parameters))


def _warm_up(clip, parameters, norms):
    for norm in norms:
        _set_gradient(parameters, norm)
        clip()


def _clipped_norm(clip, parameters, norm):
    """The total norm that a gradient of norm ``norm`` has after the clip."""
    _set_gradient(parameters, norm)
    clip()
    return _total_norm(parameters)


def test_a_long_gradient_is_clipped_to_a_multiple_of_the_recent_median():
    parameters = _parameters()
    clip = GradientClip(parameters, "cpu")
    # Norms 1, 2, 3, ... : their median over the window is known.
    norms = [1.0 + (i % 3) for i in range(clipping.CLIP_WARMUP)]
    _warm_up(clip, parameters, norms)
    median = sorted(norms)[(len(norms) - 1) // 2]  # torch's nanmedian: the lower middle
    _set_gradient(parameters, 100.0)
    direction = [p.grad.clone() / 100.0 for p in parameters]
    clip()
    assert _total_norm(parameters) == pytest.approx(clipping.CLIP_FACTOR * median, rel=1e-5)
    # Scaled, not turned.
    scale = clipping.CLIP_FACTOR * median
    for p, d in zip(parameters, direction):
        torch.testing.assert_close(p.grad, d * scale)


def test_gradients_within_the_limit_and_during_the_warm_up_are_left_alone():
    parameters = _parameters()
    clip = GradientClip(parameters, "cpu")
    # Long gradients during the warm-up: not clipped (too few norms for a median).
    assert _clipped_norm(clip, parameters, 1000.0) == pytest.approx(1000.0)
    _warm_up(clip, parameters, [1.0] * clipping.CLIP_WARMUP)
    # Below CLIP_FACTOR times the median (1000 or 1).
    assert _clipped_norm(clip, parameters, 2.0) == pytest.approx(2.0)


def test_the_median_follows_the_last_window_of_steps():
    parameters = _parameters()
    clip = GradientClip(parameters, "cpu")
    _warm_up(clip, parameters, [1.0] * clipping.NORM_WINDOW)
    _warm_up(clip, parameters, [10.0] * clipping.NORM_WINDOW)  # clipped, but recorded as 10
    assert _clipped_norm(clip, parameters, 25.0) == pytest.approx(25.0)  # within 3 x 10


def test_non_finite_gradients_are_left_for_the_trainer_to_roll_back():
    parameters = _parameters()
    clip = GradientClip(parameters, "cpu")
    _warm_up(clip, parameters, [1.0] * clipping.CLIP_WARMUP)
    _set_gradient(parameters, 1.0)
    parameters[0].grad[0] = float("nan")
    clip()
    assert torch.isnan(parameters[0].grad[0])
    assert torch.isfinite(parameters[1].grad).all()
    # The median ignores no finite norm because of it: a later long gradient is clipped.
    assert _clipped_norm(clip, parameters, 100.0) == pytest.approx(clipping.CLIP_FACTOR, rel=1e-5)


def test_parameters_without_gradients_are_skipped():
    parameters = _parameters()
    clip = GradientClip(parameters, "cpu")
    clip()  # no gradient at all: nothing to do
    parameters[1].grad = torch.ones(2, 2)
    clip()
    assert parameters[0].grad is None


@pytest.fixture(scope="module")
def standardised_digits():
    from sklearn.datasets import load_digits
    from sklearn.preprocessing import StandardScaler

    return StandardScaler().fit_transform(load_digits().data)


def _fit_warnings(X, seed):
    from skgwae import GWAETransformer
    from skgwae.exceptions import DivergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        estimator = GWAETransformer(n_components=2, random_state=seed).fit(X)
    return estimator, [w for w in caught if issubclass(w.category, DivergenceWarning)]


def test_a_default_fit_of_standardised_digits_does_not_diverge(standardised_digits):
    # Standardised, the digits' rarely inked border pixels lie 20-40 standard deviations
    # out in a few images; before the clipping, this fit diverged (a DivergenceWarning)
    # and early stopping kept an early epoch.
    estimator, diverged = _fit_warnings(standardised_digits, seed=0)
    assert not diverged
    assert estimator.n_iter_ == 50  # every epoch of max_iter="auto": no early stop


def test_without_the_clipping_the_same_fit_fails(standardised_digits, monkeypatch):
    # The test above fails for the clipping's want, not by luck of the seed.
    monkeypatch.setattr(clipping, "CLIP_FACTOR", math.inf)
    estimator, diverged = _fit_warnings(standardised_digits, seed=0)
    assert diverged or estimator.n_iter_ < 50
