"""Shared fixtures of the skgwae test suite.

There is deliberately no autouse global seeding: every fit is seeded through
``random_state``, and a test that depended on torch's or numpy's global RNG would be a
nondeterminism that the suite should expose, not hide.
"""

import numpy as np
import pytest
import torch
from threadpoolctl import threadpool_limits

# Tiny, fast settings for GWAETransformer: a few epochs of a one-layer network.
FAST_PARAMS = dict(
    n_components=2,
    hidden_layer_sizes=(16,),
    max_iter=3,
    batch_size=16,
    random_state=0,
)


@pytest.fixture
def fast_params():
    """A fresh copy of FAST_PARAMS (tests may update it)."""
    return dict(FAST_PARAMS)


@pytest.fixture
def X_small():
    """40 samples of 5 correlated float64 features, from a fixed numpy generator."""
    rng = np.random.RandomState(0)
    latent = rng.normal(size=(40, 2))
    mixing = rng.normal(size=(2, 5))
    return latent @ mixing + 0.1 * rng.normal(size=(40, 5))


@pytest.fixture(scope="session", autouse=True)
def _one_torch_thread():
    """Run torch on one intra-op thread for the session, then restore the setting.

    The networks here are tiny, so threads bring nothing; but with two threads on two
    cores, any other busy process (a benchmark, pytest-xdist) makes torch's OpenMP threads
    wait on each other and a 3-epoch fit goes from ~0.02 s to ~0.5 s. This sets no seed.
    """
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="session", autouse=True)
def _one_blas_thread():
    """One BLAS thread for the session. The EM steps (GaussianMixture) in the clusterer
    tests solve tiny triangular systems; with two OpenBLAS threads on a busy 2-core
    machine they waited on each other and a fit was 10 times slower. Joblib's loky
    workers set their own limits."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def pytest_terminal_summary(terminalreporter):
    """Print the outcome tally of tests/test_fuzz.py if it ran. The module is looked up by
    its last name part, which is the same under every pytest import mode."""
    import sys

    for name, module in list(sys.modules.items()):
        tally = getattr(module, "FUZZ_TALLY", None) if name.split(".")[-1] == "test_fuzz" else None
        if tally:
            terminalreporter.section("skgwae fuzz outcomes (estimator, outcome: cases)")
            for (estimator, outcome), count in sorted(tally.items()):
                terminalreporter.line(f"{estimator:24} {outcome:32} {count:5d}")
