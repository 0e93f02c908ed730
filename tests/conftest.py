"""Shared fixtures of the skgwae test suite.

There is deliberately no autouse global seeding: every fit is seeded through
``random_state``, and a test that depended on torch's or numpy's global RNG would be a
nondeterminism that the suite should expose, not hide.
"""

import importlib.util
import math
import pathlib
import signal
import sys

import numpy as np
import pytest
import torch
from threadpoolctl import threadpool_limits

# Tiny, fast settings for GWAETransformer: a few epochs of a one-layer network, on the CPU
# (also on a CUDA machine, where the default device="auto" would pick the GPU: these tests
# check CPU behaviour; test_gpu.py asks for CUDA explicitly).
FAST_PARAMS = dict(
    n_components=2,
    hidden_layer_sizes=(16,),
    max_iter=3,
    batch_size=16,
    random_state=0,
    device="cpu",
)


@pytest.fixture
def fast_params():
    """A fresh copy of FAST_PARAMS (tests may update it)."""
    return dict(FAST_PARAMS)


@pytest.fixture
def short_clusterer_fit(X_small):
    """A function that fits GWAEClusterer(2) on X_small for 25 epochs of 2 steps (long
    enough to reach the partition and the steps after it) and returns it; its
    ConvergenceWarning (tiny data) is silenced."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    from skgwae import GWAEClusterer

    def fit():
        params = dict(n_components=2, hidden_layer_sizes=(16,), max_iter=25, batch_size=16)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return GWAEClusterer(2, random_state=0, **params).fit(X_small)

    return fit


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


@pytest.fixture
def nan_in_epochs(monkeypatch):
    """A function ``(epochs) -> calls``: the trainer's epochs numbered in ``epochs``
    (1-based calls) run their steps, then report a NaN loss; ``calls`` counts the epochs."""
    from skgwae.training import Trainer

    original = Trainer._train_epoch
    calls = []

    def install(epochs):
        def train_epoch(self, *args):
            calls.append(1)
            means = original(self, *args)
            return means * math.nan if len(calls) in epochs else means

        monkeypatch.setattr(Trainer, "_train_epoch", train_epoch)
        return calls

    return install


@pytest.fixture
def sigint_at_step(monkeypatch):
    """A function ``(step, n_signals=1) -> steps``: SIGINT arrives ``n_signals`` times during
    main step ``step`` (1-based); ``steps`` counts the main steps run."""
    from skgwae.nn import GWAEModel

    original = GWAEModel.main_terms
    steps = []

    def install(step, n_signals=1):
        def main_terms(self, *args, **kwargs):
            steps.append(1)
            if len(steps) == step:
                for _ in range(n_signals):
                    signal.raise_signal(signal.SIGINT)
            return original(self, *args, **kwargs)

        monkeypatch.setattr(GWAEModel, "main_terms", main_terms)
        return steps

    return install


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


BENCHMARKS = pathlib.Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="session")
def benchmark_script():
    """A loader of a script of benchmarks/ as a module, by its name without ``.py``."""

    def load(name):
        # The scripts import their sibling scripts by name, as when run from benchmarks/.
        sys.path.insert(0, str(BENCHMARKS))
        try:
            spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        finally:
            sys.path.remove(str(BENCHMARKS))
        return module

    return load


@pytest.fixture
def cut_ratio_refusals(monkeypatch):
    """A check that a competitor of the clusterer's partition, ``function`` of ``module``
    (called with ``args`` and the smallest part allowed), refuses its candidate exactly
    where the candidate cuts the graph more than REFINE_MAX_CUT_RATIO (3) times as much as
    ``partition``: the module's cut of any other partition is scaled to 2.9 and to 3.1
    times the partition's."""

    def check(module, function, args, partition, min_part):
        cut = module._cut_fraction
        for ratio, refused in ((2.9, False), (3.1, True)):

            def scaled_cut(affinity, labels, ratio=ratio):
                if np.array_equal(labels, partition):
                    return cut(affinity, labels)
                return ratio * cut(affinity, partition)

            monkeypatch.setattr(module, "_cut_fraction", scaled_cut)
            assert (function(*args, min_part) is None) == refused, ratio
        monkeypatch.setattr(module, "_cut_fraction", cut)

    return check
