"""GWAETransformer and GWAEClusterer on CUDA, and CUDA-fitted models loaded on a machine
without CUDA.

Skipped where torch sees no CUDA device.
"""

import pickle

import numpy as np
import pytest
import torch

from skgwae import DeviceWarning, GWAEClusterer, GWAETransformer

pytestmark = [
    pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA is not available"),
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
]


@pytest.fixture
def cuda_params(fast_params):
    return {**fast_params, "device": "cuda"}


def test_fit_on_cuda(cuda_params, X_small):
    est = GWAETransformer(**cuda_params).fit(X_small)
    assert est.device_.startswith("cuda")
    assert all(p.device.type == "cuda" for p in est.model_.parameters())
    Z = est.transform(X_small)
    assert isinstance(Z, np.ndarray) and Z.shape == (len(X_small), 2)
    assert Z.dtype == X_small.dtype
    assert np.isfinite(Z).all()
    assert np.isfinite(est.score(X_small))
    assert est.sample(3, random_state=0).shape == (3, X_small.shape[1])


def test_auto_device_picks_cuda(fast_params, X_small):
    est = GWAETransformer(**{**fast_params, "device": "auto"}).fit(X_small)
    assert est.device_.startswith("cuda")


@pytest.mark.parametrize("coupling", ["mmd", "critic"])
def test_cuda_same_seed_same_model(cuda_params, X_small, coupling):
    cuda_params.update(coupling=coupling, n_critic=1)
    Z1 = GWAETransformer(**cuda_params).fit(X_small).transform(X_small)
    Z2 = GWAETransformer(**cuda_params).fit(X_small).transform(X_small)
    np.testing.assert_allclose(Z1, Z2, rtol=0, atol=1e-5)


def test_cuda_fit_leaves_global_cuda_rng_alone(cuda_params, X_small):
    state = torch.cuda.get_rng_state()
    GWAETransformer(**cuda_params).fit(X_small)
    assert torch.equal(torch.cuda.get_rng_state(), state)


def test_cuda_pickle_stores_only_cpu_tensors(cuda_params, X_small):
    est = GWAETransformer(**cuda_params).fit(X_small)
    stored = est.__getstate__()["model_"]
    assert isinstance(stored, dict)
    assert set(stored) == {"config", "state_dict"}
    for name, tensor in stored["state_dict"].items():
        assert tensor.device.type == "cpu", name


def test_cuda_pickle_loads_on_cpu_without_cuda(cuda_params, X_small, monkeypatch):
    est = GWAETransformer(**cuda_params).fit(X_small)
    Z = est.transform(X_small)
    blob = pickle.dumps(est)
    # skorch's pattern: pretend this machine has no CUDA. Unpickling a CUDA tensor would
    # fail here, so a successful load also shows that the pickle holds only CPU tensors.
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.warns(DeviceWarning, match="not available"):
        restored = pickle.loads(blob)
    assert restored.device_ == "cpu"
    assert all(p.device.type == "cpu" for p in restored.model_.parameters())
    np.testing.assert_allclose(restored.transform(X_small), Z, rtol=0, atol=1e-5)


def test_cuda_pickle_loads_on_cuda(cuda_params, X_small):
    est = GWAETransformer(**cuda_params).fit(X_small)
    Z = est.transform(X_small)
    restored = pickle.loads(pickle.dumps(est))
    assert restored.device_.startswith("cuda")
    np.testing.assert_array_equal(restored.transform(X_small), Z)


def test_clusterer_on_cuda(cuda_params, X_small):
    est = GWAEClusterer(n_clusters=3, **cuda_params).fit(X_small)
    assert est.device_.startswith("cuda")
    assert all(p.device.type == "cuda" for p in est.model_.parameters())
    proba = est.predict_proba(X_small)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(est.predict(X_small), est.labels_)
    X_gen, y_gen = est.sample(5, random_state=0)
    assert X_gen.shape == (5, X_small.shape[1]) and set(y_gen) <= {0, 1, 2}
    assert np.isfinite(est.score_samples(X_small)).all()


def test_clusterer_cuda_pickle_loads_on_cpu(cuda_params, X_small, monkeypatch):
    est = GWAEClusterer(n_clusters=3, **cuda_params).fit(X_small)
    proba = est.predict_proba(X_small)
    blob = pickle.dumps(est)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.warns(DeviceWarning, match="not available"):
        restored = pickle.loads(blob)
    assert restored.device_ == "cpu"
    np.testing.assert_allclose(restored.predict_proba(X_small), proba, rtol=0, atol=1e-4)
    np.testing.assert_allclose(restored.means_, est.means_)


@pytest.mark.parametrize("coupling", ["mmd", "critic"])
def test_cuda_bfloat16_fit(cuda_params, X_small, coupling):
    cuda_params.update(coupling=coupling, n_critic=1, precision="bfloat16")
    est = GWAETransformer(**cuda_params).fit(X_small)
    assert all(p.dtype == torch.float32 for p in est.model_.parameters())
    Z = est.transform(X_small)
    assert np.isfinite(Z).all()
    # Reproducible for a fixed seed on one device, as in float32.
    np.testing.assert_allclose(
        GWAETransformer(**cuda_params).fit(X_small).transform(X_small), Z, rtol=0, atol=1e-5
    )
    Z32 = GWAETransformer(**{**cuda_params, "precision": "float32"}).fit(X_small)
    assert not np.array_equal(Z32.transform(X_small), Z)  # autocast ran


def test_cuda_bfloat16_model_loads_on_cpu(cuda_params, X_small, monkeypatch):
    est = GWAETransformer(**cuda_params, precision="bfloat16").fit(X_small)
    Z = est.transform(X_small)
    blob = pickle.dumps(est)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.warns(DeviceWarning):
        restored = pickle.loads(blob)
    np.testing.assert_allclose(restored.transform(X_small), Z, rtol=0, atol=1e-5)


def test_cuda_partial_fit_and_chunked_fit(cuda_params, X_small):
    est = GWAETransformer(**cuda_params)
    for chunk in np.array_split(X_small, 4):
        est.partial_fit(chunk)
    assert est.n_iter_ == 4 and est.device_.startswith("cuda")
    chunked = GWAETransformer(**cuda_params).fit(np.array_split(X_small, 4))
    assert chunked.device_.startswith("cuda")
    assert np.isfinite(chunked.transform(X_small)).all()


def test_cuda_inference_memory_is_bounded(cuda_params):
    from skgwae.training import inference

    X = np.random.RandomState(0).normal(size=(200_000, 64)).astype(np.float32)
    est = GWAEClusterer(n_clusters=3, **cuda_params).fit(X[:500])
    device = torch.device(est.device_)
    chunk_bytes = inference.INFERENCE_CHUNK * 64 * 4
    for method in (est.transform, est.predict_proba):
        torch.cuda.synchronize(device)
        base = torch.cuda.memory_allocated(device)
        torch.cuda.reset_peak_memory_stats(device)
        method(X)
        added = torch.cuda.max_memory_allocated(device) - base
        # A few chunk-sized buffers at most, never the 51 MB of X.
        assert added < 8 * chunk_bytes, (method.__name__, added)


def test_cuda_compile(cuda_params, X_small):
    pytest.importorskip("triton")
    est = GWAETransformer(**cuda_params, compile=True).fit(X_small)
    plain = GWAETransformer(**cuda_params).fit(X_small)
    np.testing.assert_allclose(est.transform(X_small), plain.transform(X_small), atol=1e-3)



# Not "benchmark": pytest-benchmark, where installed, owns a fixture of that name.
@pytest.mark.parametrize("benchmark_mode", [False, True])
def test_deterministic_kernels_set_and_restore_cudnn(benchmark_mode):
    from skgwae.training.device import deterministic_kernels

    cudnn = torch.backends.cudnn
    before = cudnn.deterministic, cudnn.benchmark
    cudnn.benchmark = benchmark_mode
    try:
        with pytest.raises(RuntimeError, match="boom"):
            with deterministic_kernels(torch.device("cuda")):
                assert cudnn.deterministic and not cudnn.benchmark
                raise RuntimeError("boom")
        assert (cudnn.deterministic, cudnn.benchmark) == (before[0], benchmark_mode)
    finally:
        cudnn.deterministic, cudnn.benchmark = before


def test_cuda_convolutional_critic_same_seed_same_model(cuda_params):
    """cuDNN's deterministic algorithms during the fit: a convolutional critic's
    gradient penalty then gives the same weights for the same seed."""
    from skgwae.datasets import make_shapes

    images, _ = make_shapes(40, image_size=12, random_state=2)
    X = images.reshape(40, -1)
    params = {**cuda_params, "image_shape": (12, 12), "coupling": "critic", "n_critic": 1}
    a = GWAETransformer(**params).fit(X).model_.state_dict()
    b = GWAETransformer(**params).fit(X).model_.state_dict()
    for key in a:
        assert torch.equal(a[key], b[key]), key
