"""Label-free model selection scaled out on a real Dask cluster (worker processes).

A ``LocalCluster`` of two worker *processes* stands in for a multi-machine cluster: every
estimator, argument and result crosses a process boundary by pickling, as it would between
machines. ``joblib.parallel_backend("dask")`` sends GridSearchCV's fold fits to the workers.
The whole file skips where dask.distributed is not installed; the test with a real GPU
skips where torch sees no CUDA device.
"""

import logging
import os
import pickle
import re
import sys
import warnings

import joblib
import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.utils.validation import check_is_fitted

from skgwae import DeviceWarning, GWAEClusterer, GWAETransformer

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")  # dask and cloudpickle come with distributed
cloudpickle = pytest.importorskip("cloudpickle")

# Every fit here runs to its tiny max_iter. (This filters the client process only; the
# workers' warnings go to their own stderr.)
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# As FAST_PARAMS in conftest.py, with a narrower network, and on the CPU also where there is
# a GPU, so that a worker's fit and the client's can be compared exactly.
FAST = {
    "n_components": 2,
    "hidden_layer_sizes": (8,),
    "max_iter": 3,
    "batch_size": 16,
    "random_state": 0,
    "device": "cpu",
}
PRIORS = ["gaussian", "neural", "factorized_neural", "gmm"]


@pytest.fixture(scope="module")
def X():
    """120 rows of 6 correlated features in 3 groups (as in test_model_selection.py)."""
    rng = np.random.RandomState(0)
    centres = 4.0 * rng.normal(size=(3, 2))
    latent = centres[rng.randint(3, size=120)] + rng.normal(size=(120, 2))
    return latent @ rng.normal(size=(2, 6)) + 0.1 * rng.normal(size=(120, 6))


@pytest.fixture(scope="module")
def client():
    """Two single-threaded worker processes, started once for the module.

    Each worker process imports torch, and torch's intra-op pool takes every core by
    default: two workers on this 2-core machine would each run 2 OpenMP threads (plus the
    client's), and OpenMP threads that wait on each other make a tiny fit many times
    slower (conftest.py's ``_one_torch_thread``: ~0.02 s against ~0.5 s for a 3-epoch
    fit). So every worker runs torch on one thread. The limit is set through the
    environment *before* the worker processes are spawned (Dask's
    ``distributed.nanny.pre-spawn-environ``, which already holds OMP_NUM_THREADS=1 by
    default; it is set here so that a user's Dask config cannot undo it), because
    ``client.run(torch.set_num_threads, 1)`` is not enough: it runs in the worker's main
    thread, and with OpenMP the setting did not reach a task thread that already existed
    (measured here with the pre-spawn limit removed: a task on one worker still saw 2
    threads afterwards).
    """
    one_thread = {
        "distributed.nanny.pre-spawn-environ.OMP_NUM_THREADS": 1,
        "distributed.nanny.pre-spawn-environ.MKL_NUM_THREADS": 1,
        "distributed.nanny.pre-spawn-environ.OPENBLAS_NUM_THREADS": 1,
    }
    with dask.config.set(one_thread):
        cluster = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
    client = distributed.Client(cluster)
    try:
        client.wait_for_workers(2, timeout=60)
        yield client
    finally:
        client.close()
        cluster.close()


# ---------------------------------------------------------------- run on the workers
# Functions sent to the workers travel by value (their code), so a worker need not import
# this test module: it could not under pytest's --import-mode=importlib, nor on another
# machine. skgwae, torch and numpy are imported there by name.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


def _fit_on_worker(cls, params, X, fake_device=None):
    """Fit on the worker; return the estimator, its transform there and the worker's pid."""
    est = cls(**params).fit(X)
    Z = est.transform(X)
    if fake_device is not None:
        # The tensors stay on the CPU; only the device tag in the pickle claims CUDA, as
        # in a model fitted on a GPU worker (whose pickle holds a CPU state dict anyway).
        est.device_ = fake_device
    return est, Z, os.getpid()


def _transform_on_worker(est, X):
    return est.transform(X), os.getpid()


def _torch_threads():
    return torch.get_num_threads()


def _worker_pids(client):
    return set(client.run(os.getpid).values())


def _fold_fits_run(task_stream, client):
    """Number of ``_fit_and_score`` calls that the scheduler saw run on the workers.

    joblib's Dask backend submits one task per batch of calls, keyed
    ``batch_of_<function>_<n>_calls-<uuid>``; nothing is recorded if joblib ran the batches
    in the client process.
    """
    workers = set(client.scheduler_info()["workers"])
    n_calls = 0
    for task in task_stream.data:
        match = re.match(r"batch_of_(.*)_(\d+)_calls-", str(task["key"]))
        if match and "fit_and_score" in match[1]:
            assert task["status"] == "OK", task
            assert task["worker"] in workers
            n_calls += int(match[2])
    return n_calls


def _check_results(search, param, values):
    results = search.cv_results_
    assert [p[param] for p in results["params"]] == values
    assert np.isfinite(results["mean_test_score"]).all()
    best = int(np.argmax(results["mean_test_score"]))
    assert search.best_index_ == best
    assert search.best_params_ == results["params"][best]


# ---------------------------------------------------------------- tests


def test_workers_run_torch_on_one_thread(client):
    # A task, in the thread where the workers run the fits, not client.run (main thread).
    for address in client.scheduler_info()["workers"]:
        threads = client.submit(_torch_threads, workers=[address], pure=False).result()
        assert threads == 1, address


def test_grid_search_over_priors_on_dask_workers(client, X):
    cv = KFold(2)
    with distributed.get_task_stream(client) as tasks, joblib.parallel_backend("dask"):
        search = GridSearchCV(GWAETransformer(**FAST), {"prior": PRIORS}, cv=cv, n_jobs=-1)
        search.fit(X)  # no y
    # Every one of the 4 x 2 fold fits ran as a task on a worker process.
    assert _fold_fits_run(tasks, client) == len(PRIORS) * cv.get_n_splits()
    _check_results(search, "prior", PRIORS)
    # The worker computed what the client would: same seed, same device, same score.
    train, test = next(cv.split(X))
    expected = GWAETransformer(**{**FAST, "prior": "neural"}).fit(X[train]).score(X[test])
    split0 = search.cv_results_["split0_test_score"][PRIORS.index("neural")]
    np.testing.assert_allclose(split0, expected, rtol=1e-6)
    # The refit on all of X (in the client) is usable here.
    best = search.best_estimator_
    check_is_fitted(best)
    assert best.prior == search.best_params_["prior"]
    Z = search.transform(X)
    assert Z.shape == (len(X), FAST["n_components"])
    assert np.isfinite(Z).all()
    assert np.isfinite(search.score(X))


def test_grid_search_clusterer_on_dask_workers(client, X):
    cv = KFold(2)
    grid = {"n_clusters": [2, 3]}
    with distributed.get_task_stream(client) as tasks, joblib.parallel_backend("dask"):
        search = GridSearchCV(GWAEClusterer(**FAST), grid, cv=cv, n_jobs=-1).fit(X)
    assert _fold_fits_run(tasks, client) == 2 * cv.get_n_splits()
    _check_results(search, "n_clusters", [2, 3])
    best = search.best_estimator_
    check_is_fitted(best)
    assert best.n_clusters == search.best_params_["n_clusters"]
    labels = search.predict(X)
    assert set(np.unique(labels)) <= set(range(best.n_clusters))
    proba = best.predict_proba(X)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)


@pytest.mark.parametrize("cls", [GWAETransformer, GWAEClusterer])
def test_worker_fitted_estimator_pickles_to_the_client_and_back(client, X, cls):
    params = {**FAST, "n_clusters": 3} if cls is GWAEClusterer else FAST
    est, Z_worker, pid = client.submit(_fit_on_worker, cls, params, X, pure=False).result()
    assert pid in _worker_pids(client) and pid != os.getpid()
    check_is_fitted(est)
    assert est.device_ == "cpu"
    # The client's copy computes what the worker's did, to rounding: processes with other
    # thread counts may sum in another order (a changed weight would differ far more).
    np.testing.assert_allclose(est.transform(X), Z_worker, rtol=1e-12, atol=1e-12)
    # ...and so does the client's copy sent back to a worker.
    Z_back, pid_back = client.submit(_transform_on_worker, est, X, pure=False).result()
    assert pid_back in _worker_pids(client)
    np.testing.assert_allclose(Z_back, Z_worker, rtol=1e-12, atol=1e-12)
    if cls is GWAEClusterer:
        assert set(np.unique(est.predict(X))) <= set(range(3))


def test_cuda_tagged_model_from_worker_loads_on_cpu_client(client, X, monkeypatch):
    """A model fitted on a GPU worker, returned to a client without CUDA (simulated).

    The worker fits on its CPU and tags the model ``device_ = "cuda:0"``, so the pickle it
    sends is what a GPU worker's would be (a CPU state dict and a CUDA device tag). The
    client has no CUDA: on a GPU machine that is simulated in the client process only.
    """
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    future = client.submit(_fit_on_worker, GWAETransformer, FAST, X, "cuda:0", pure=False)
    # The result is unpickled when it is gathered, inside this block.
    with pytest.warns(DeviceWarning, match=r"fitted on cuda:0, which is not available"):
        est, Z_worker, _ = future.result()
    assert est.device_ == "cpu"
    assert all(p.device.type == "cpu" for p in est.model_.parameters())
    np.testing.assert_allclose(est.transform(X), Z_worker, rtol=1e-12, atol=1e-12)
    assert np.isfinite(est.score(X))
    # Saved again on the client, it is a plain CPU model: no warning on the next load.
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeviceWarning)
        restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.transform(X), est.transform(X))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA is not available")
@pytest.mark.parametrize("client_has_cuda", [True, False])
def test_gpu_worker_model_returns_to_client(client, X, monkeypatch, client_has_cuda):
    """Real CUDA: the worker fits on its GPU and the client gets a working estimator.

    With ``client_has_cuda=False`` the client process pretends to have no CUDA (the worker
    processes still use the GPU): the model loads on the client's CPU with a DeviceWarning.
    """
    params = {**FAST, "device": "cuda"}
    future = client.submit(_fit_on_worker, GWAETransformer, params, X, pure=False)
    if client_has_cuda:
        est, Z_worker, pid = future.result()
        assert est.device_.startswith("cuda")
        assert all(p.device.type == "cuda" for p in est.model_.parameters())
        np.testing.assert_array_equal(est.transform(X), Z_worker)
    else:
        monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
        with pytest.warns(DeviceWarning, match=r"fitted on cuda(:\d+)?, which is not available"):
            est, Z_worker, pid = future.result()
        assert est.device_ == "cpu"
        assert all(p.device.type == "cpu" for p in est.model_.parameters())
        # The same weights on another device: equal up to float32 rounding.
        np.testing.assert_allclose(est.transform(X), Z_worker, rtol=1e-4, atol=1e-5)
    assert pid in _worker_pids(client) and pid != os.getpid()
    assert np.isfinite(est.score(X))
