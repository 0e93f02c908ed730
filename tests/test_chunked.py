"""Training on data read a chunk at a time, and bounded inference.

``fit`` reads by chunks a 2-D array (a ``numpy.memmap`` typically) whose float32 copy
exceeds scikit-learn's ``working_memory`` (blocks of rows; an epoch joins
``BLOCKS_PER_CHUNK`` random blocks into a chunk of at most ``working_memory /
CHUNKS_PER_WORKING_MEMORY``), and a re-iterable of 2-D chunks; ``partial_fit`` takes one
epoch over an in-memory chunk; ``transform``, ``inverse_transform`` and ``predict_proba``
run in chunks of ``INFERENCE_CHUNK`` rows. The tests spy on what reaches the trainer and
the networks (``as_tensor``) to check that the bounds really hold, compare the quality of
chunked fits with in-memory ones, and check that every refused input leaves a fitted
estimator as it was.
"""

import math

import numpy as np
import pandas as pd
import pytest
from sklearn import config_context
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

import skgwae._data as data_module
import skgwae.training.inference as inference_module
import skgwae.training.trainer as trainer_module
from skgwae import GWAEClusterer, GWAETransformer
from skgwae._data import CHUNKS_PER_WORKING_MEMORY
from skgwae.metrics import gw_distortion
from skgwae.training import ArrayRows, Trainer
from skgwae.training.chunks import BLOCKS_PER_CHUNK

# Every fit here is short: it runs to max_iter.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

N_ROWS, N_FEATURES = 384, 10
ROW_BYTES = 4 * N_FEATURES  # a float32 row
# The big data set, read with working memory WM_BIG: chunks of CHUNK_ROWS rows
# (WM_BIG / CHUNKS_PER_WORKING_MEMORY bytes) made of BLOCKS_PER_CHUNK blocks of BLOCK_ROWS.
BIG_ROWS = 2100
BLOCK_ROWS = 8
CHUNK_ROWS = BLOCK_ROWS * BLOCKS_PER_CHUNK  # 128
WM_BIG = CHUNKS_PER_WORKING_MEMORY * CHUNK_ROWS * ROW_BYTES  # bytes, < BIG_ROWS rows
assert BIG_ROWS * ROW_BYTES > WM_BIG


# --------------------------------------------------------------------------------------------
# Data and helpers
# --------------------------------------------------------------------------------------------


def sorted_blobs(n_samples):
    """3 well-separated blobs in 10-D, float32, *sorted by blob* (so that a reader that
    does not mix its blocks, or labels in the wrong order, shows), and their labels."""
    X, y = make_blobs(
        n_samples=n_samples, centers=3, n_features=N_FEATURES, cluster_std=1.0, random_state=0
    )
    order = np.argsort(y, kind="stable")
    return X[order].astype(np.float32), y[order]


@pytest.fixture(scope="module")
def blobs():
    return sorted_blobs(N_ROWS)


@pytest.fixture
def X(blobs):
    return blobs[0]


@pytest.fixture(scope="module")
def big():
    return sorted_blobs(BIG_ROWS)


def working_memory(nbytes):
    """scikit-learn's working_memory set to ``nbytes`` bytes while the block runs."""
    return config_context(working_memory=nbytes / 2**20)


def below(X):
    """A working memory just too small for X: fit reads X by chunks."""
    return working_memory(X.shape[0] * ROW_BYTES - 1)


@pytest.fixture
def fast(fast_params):
    """FAST_PARAMS without early stopping (exactly max_iter epochs)."""
    return {**fast_params, "early_stopping": False}


def to_memmap(path, X):
    """X written to an .npy file, opened again read-only as a numpy.memmap."""
    out = np.lib.format.open_memmap(path, mode="w+", dtype=X.dtype, shape=X.shape)
    out[:] = X
    out.flush()
    del out
    mm = np.load(path, mmap_mode="r")
    assert isinstance(mm, np.memmap)
    return mm


def split(X, size=64):
    return [X[start : start + size] for start in range(0, len(X), size)]


class Chunks:
    """A re-iterable source of chunks (each pass a fresh generator) that counts its passes;
    with ``later``, the passes after the first yield those chunks instead."""

    def __init__(self, chunks, later=None):
        self.chunks = chunks
        self.later = later
        self.passes = 0

    def __iter__(self):
        self.passes += 1
        chunks = self.chunks if self.passes == 1 or self.later is None else self.later
        for chunk in chunks:
            yield chunk


def spy_as_tensor(monkeypatch, module, keep=False):
    """Record what ``module.as_tensor`` converts: the number of rows of each array or
    tensor, or (``keep``) a copy of it."""
    original = module.as_tensor
    calls = []

    def as_tensor(A, *args, **kwargs):
        calls.append(np.array(A) if keep else A.shape[0])
        return original(A, *args, **kwargs)

    monkeypatch.setattr(module, "as_tensor", as_tensor)
    return calls


def spy_trainer_fit(monkeypatch):
    """Record the (X_train, X_val) of every Trainer.fit."""
    original = Trainer.fit
    seen = []

    def fit(self, model, X_train, X_val=None, optimizer_state=None, geometry=None):
        seen.append((X_train, X_val))
        return original(self, model, X_train, X_val, optimizer_state, geometry)

    monkeypatch.setattr(Trainer, "fit", fit)
    return seen


def adam_steps(est):
    """The step count of the main (Adam) optimiser's state kept by the estimator."""
    states = est._optimizer_state[0]["state"]
    return int(next(iter(states.values()))["step"])


def snapshot(est, X):
    """What a failed call must leave unchanged."""
    return {
        "Z": est.transform(X),
        "n_iter_": est.n_iter_,
        "history": list(est.history_),
        "n_features_in_": est.n_features_in_,
        "feature_names_in_": list(getattr(est, "feature_names_in_", [])),
        "steps": adam_steps(est),
    }


def assert_unchanged(est, X, before):
    after = snapshot(est, X)
    np.testing.assert_array_equal(after.pop("Z"), before.pop("Z"))
    assert after == before


# --------------------------------------------------------------------------------------------
# Arrays larger than working_memory (numpy.memmap)
# --------------------------------------------------------------------------------------------


def test_memmap_over_working_memory_is_read_by_chunks(tmp_path, big, fast, monkeypatch):
    X = big[0]
    mm = to_memmap(tmp_path / "X.npy", X)
    to_trainer = spy_as_tensor(monkeypatch, trainer_module)
    original_read = ArrayRows._read
    reads = []

    def read(self, k):
        block = original_read(self, k)
        reads.append((k, block.shape[0]))
        return block

    monkeypatch.setattr(ArrayRows, "_read", read)
    with working_memory(WM_BIG):
        est = GWAETransformer(**{**fast, "batch_size": 64}).fit(mm)

    assert est.n_features_in_ == N_FEATURES
    assert not hasattr(est, "feature_names_in_")
    assert est.n_iter_ == fast["max_iter"]
    assert est.transform(X).shape == (BIG_ROWS, 2)
    assert est.sample(2, random_state=0).dtype == np.float32  # the memmap's dtype
    # The memmap is read block by block: each block once by the scan, then once per
    # epoch; no read holds more than BLOCK_ROWS rows.
    n_blocks = math.ceil(BIG_ROWS / BLOCK_ROWS)
    assert max(rows for _, rows in reads) == BLOCK_ROWS
    assert sorted(k for k, _ in reads) == sorted(list(range(n_blocks)) * (1 + est.n_iter_))
    # Every tensor the trainer made is one epoch chunk, within working_memory /
    # CHUNKS_PER_WORKING_MEMORY; each epoch's chunks hold every row once.
    assert max(to_trainer) * ROW_BYTES <= WM_BIG // CHUNKS_PER_WORKING_MEMORY
    assert len(to_trainer) == est.n_iter_ * math.ceil(n_blocks / BLOCKS_PER_CHUNK)
    assert sum(to_trainer) == est.n_iter_ * BIG_ROWS


@pytest.mark.parametrize("read_by_chunks", [False, True])
def test_memmap_fits_as_the_same_array_in_memory(tmp_path, X, fast, monkeypatch, read_by_chunks):
    """Whether X is read by chunks depends on its size only, not on being memory-mapped."""
    mm = to_memmap(tmp_path / "X.npy", X)
    to_trainer = spy_as_tensor(monkeypatch, trainer_module)
    with below(X) if read_by_chunks else working_memory(2**30):
        Z = GWAETransformer(**fast).fit(mm).transform(X)
        assert (max(to_trainer) < N_ROWS) == read_by_chunks
        np.testing.assert_array_equal(GWAETransformer(**fast).fit(X).transform(X), Z)
        np.testing.assert_array_equal(GWAETransformer(**fast).fit(mm).transform(X), Z)
        other = GWAETransformer(**{**fast, "random_state": 1}).fit(mm).transform(X)
    assert not np.allclose(other, Z)
    if read_by_chunks:  # another model than the in-memory fit
        assert not np.allclose(GWAETransformer(**fast).fit(X).transform(X), Z)


def test_memmap_epochs_mix_blocks(tmp_path, big, fast, monkeypatch):
    """Each epoch reads the blocks in a new random order, so that rows stored sorted (here
    by blob) still mix within a chunk; each epoch still reads every row once."""
    X, y = big
    label_of = {row.tobytes(): label for row, label in zip(X, y)}
    mm = to_memmap(tmp_path / "X.npy", X)
    to_trainer = spy_as_tensor(monkeypatch, trainer_module, keep=True)
    with working_memory(WM_BIG):
        GWAETransformer(**{**fast, "batch_size": 64, "max_iter": 2}).fit(mm)
    n_chunks = len(to_trainer) // 2
    epochs = [to_trainer[:n_chunks], to_trainer[n_chunks:]]
    assert not np.array_equal(epochs[0][0], epochs[1][0])
    for epoch in epochs:
        np.testing.assert_array_equal(np.sort(np.concatenate(epoch), axis=0), np.sort(X, axis=0))
        for chunk in epoch:
            # Read in storage order, most chunks would hold one blob only.
            assert len({label_of[row.tobytes()] for row in chunk}) == 3


def test_memmap_must_be_2d(tmp_path, X, fast):
    mm = to_memmap(tmp_path / "X.npy", X.reshape(N_ROWS, 2, 5))
    with below(mm), pytest.raises(ValueError, match="dim 3"):
        GWAETransformer(**fast).fit(mm)


# --------------------------------------------------------------------------------------------
# Quality: chunked fits against in-memory fits of the same data
# --------------------------------------------------------------------------------------------


def test_chunked_fit_quality_close_to_in_memory(tmp_path, X, fast):
    """GW distortion (skgwae.metrics.gw_distortion, lower is better) of a 40-epoch fit on
    the blobs, sorted on disk and read by chunks of 32 rows (192 blocks of 2 rows, 12
    chunks an epoch), against the same fit in memory.

    Measured over seeds 0-15 with these settings: in memory 0.012-0.058, by chunks
    0.014-0.073, the difference at most 0.048 either way; here (seed 0) 0.029 and
    0.014. What a broken reader gives: a fit on the first 64 rows alone scored
    0.082-0.28 over seeds 0-11 (0.24 with seed 0), an untrained model 0.07-0.24. So
    the bound 0.08 separates them, and the chunked fit may be at most 0.06 worse.
    """
    params = {**fast, "batch_size": 32, "max_iter": 40}
    mm = to_memmap(tmp_path / "X.npy", X)
    in_memory = gw_distortion(X, GWAETransformer(**params).fit(X).transform(X), random_state=0)
    with below(X):
        chunked = gw_distortion(X, GWAETransformer(**params).fit(mm).transform(X), random_state=0)
    print(f"GW distortion: in memory {in_memory:.4f}, by chunks {chunked:.4f}")
    assert in_memory < 0.08
    assert chunked < 0.08
    assert chunked < in_memory + 0.06


def test_clusterer_chunked_quality_and_labels(tmp_path, blobs, fast):
    """Adjusted Rand index against the true blobs of a 10-epoch clusterer fit.

    Measured over seeds 0-15: in memory 0.917-1.0, by chunks 0.895-1.0, at most 0.105
    lower than in memory (1.0 with seed 0 for both); a fit on the first 64 rows alone
    gave 0.07-0.48. The rows are stored sorted by blob, so labels_ in another order than
    the rows would score about 0.
    """
    X, y = blobs
    params = {**fast, "batch_size": 32, "max_iter": 10}
    mm = to_memmap(tmp_path / "X.npy", X)
    in_memory = GWAEClusterer(n_clusters=3, **params).fit(X)
    with below(X):
        chunked = GWAEClusterer(n_clusters=3, **params).fit(mm)
    assert chunked.labels_.shape == (N_ROWS,)
    np.testing.assert_array_equal(chunked.labels_, chunked.predict(X))
    np.testing.assert_array_equal(chunked.labels_, chunked.predict(mm))
    assert chunked.means_.shape == (3, 2)
    assert chunked.covariances_.shape == (3, 2, 2)
    np.testing.assert_allclose(chunked.weights_.sum(), 1.0)
    ari_memory = adjusted_rand_score(y, in_memory.labels_)
    ari_chunked = adjusted_rand_score(y, chunked.labels_)
    print(f"ARI: in memory {ari_memory:.3f}, by chunks {ari_chunked:.3f}")
    assert ari_memory >= 0.85
    assert ari_chunked >= 0.85
    assert ari_chunked >= ari_memory - 0.15


# --------------------------------------------------------------------------------------------
# Iterables of chunks
# --------------------------------------------------------------------------------------------


def test_list_tuple_and_reiterable_chunks_give_the_same_model(X, fast):
    chunks = split(X)
    source = Chunks(chunks)
    Z = GWAETransformer(**fast).fit(chunks).transform(X)
    np.testing.assert_array_equal(GWAETransformer(**fast).fit(tuple(chunks)).transform(X), Z)
    est = GWAETransformer(**fast).fit(source)
    np.testing.assert_array_equal(est.transform(X), Z)
    # One pass to check the chunks, then one per epoch: the source is really re-read.
    assert source.passes == 1 + fast["max_iter"]
    assert est.n_features_in_ == N_FEATURES
    assert est.n_iter_ == fast["max_iter"]
    # Chunked data is not the in-memory fit of the same rows in disguise.
    assert not np.allclose(GWAETransformer(**fast).fit(X).transform(X), Z)


def test_list_of_rows_is_in_memory_data(X, fast):
    """A list of 1-D rows is an ordinary array-like, not a list of chunks."""
    Z = GWAETransformer(**fast).fit(X[:100]).transform(X)
    np.testing.assert_array_equal(GWAETransformer(**fast).fit(list(X[:100])).transform(X), Z)


def test_uneven_chunks_never_give_the_trainer_a_lone_row(X, fast, monkeypatch):
    to_trainer = spy_as_tensor(monkeypatch, trainer_module)
    chunks = [X[:1], X[1:51], X[51:52], X[52:53], X[53:200], X[200:201]]
    est = GWAETransformer(**fast).fit(chunks)
    assert min(to_trainer) >= 2
    # Lone rows are joined to the next chunk; only the last lone row is left out.
    assert sum(to_trainer) == est.n_iter_ * 200


def test_dataframe_chunks_set_feature_names(X, fast):
    columns = [f"f{j}" for j in range(N_FEATURES)]
    chunks = [pd.DataFrame(chunk, columns=columns) for chunk in split(X)]
    est = GWAETransformer(**fast).fit(chunks)
    np.testing.assert_array_equal(est.feature_names_in_, columns)
    assert est.n_features_in_ == N_FEATURES
    Z = est.transform(pd.DataFrame(X, columns=columns))
    assert Z.shape == (N_ROWS, 2)
    # Same model as from the arrays.
    np.testing.assert_array_equal(Z, GWAETransformer(**fast).fit(split(X)).transform(X))


@pytest.mark.parametrize("kind", ["generator", "iterator"])
def test_one_shot_iterator_is_refused(X, fast, kind):
    est = GWAETransformer(**fast).fit(X)
    before = snapshot(est, X)
    chunks = split(X)
    source = (chunk for chunk in chunks) if kind == "generator" else iter(chunks)
    with pytest.raises(ValueError, match="partial_fit"):
        est.fit(source)
    assert_unchanged(est, X, before)


def _with_nan(X):
    X = X.copy()
    X[70, 3] = np.nan
    return X


BAD_CHUNKS = {
    # name: (function of X -> (fit data, estimator params), error pattern)
    "nan": (lambda X: (split(_with_nan(X)), {}), r"^In a chunk of X: .*NaN"),
    "inf": (lambda X: (split(np.where(X > 5, np.inf, X)), {}), r"^In a chunk of X: .*infinity"),
    "n_features": (
        lambda X: ([X[:64], X[64:128, :-1], X[128:]], {}),
        r"^In a chunk of X: X has 9 features",
    ),
    "feature_names": (
        lambda X: (
            [
                pd.DataFrame(X[:64], columns=[f"a{j}" for j in range(N_FEATURES)]),
                pd.DataFrame(X[64:], columns=[f"b{j}" for j in range(N_FEATURES)]),
            ],
            {},
        ),
        r"^In a chunk of X: .*feature names",
    ),
    "fewer_chunks_later": (
        lambda X: (Chunks(split(X), later=split(X)[:-1]), {}),
        "yielded 5 chunks in this pass but 6 in the first",
    ),
    "more_chunks_later": (
        lambda X: (Chunks(split(X), later=split(X) + [X[:10]]), {}),
        "yielded 7 chunks in this pass but 6 in the first",
    ),
    "fewer_rows_later": (
        lambda X: (Chunks(split(X), later=[c[:2] for c in split(X)]), {"early_stopping": True}),
        "fewer than in the first",
    ),
    "nan_later": (
        lambda X: (Chunks(split(X), later=split(_with_nan(X))), {}),
        r"^In a chunk of X: .*NaN",
    ),
    "one_row": (lambda X: ([X[:1]], {}), r"X has 1 samples, too few to train on"),
    "too_few_for_validation": (
        lambda X: ([X[:2], X[2:3]], {"early_stopping": True}),
        r"X has 3 samples, too few .*validation split",
    ),
}


@pytest.mark.parametrize("case", list(BAD_CHUNKS))
def test_bad_chunks_are_refused_and_leave_the_fit_unchanged(X, fast, case):
    make, pattern = BAD_CHUNKS[case]
    data, params = make(X)
    est = GWAETransformer(**fast).fit(X)
    before = snapshot(est, X)
    est.set_params(**params)
    with pytest.raises(ValueError, match=pattern):
        est.fit(data)
    assert_unchanged(est, X, before)
    # Refused the same way by an unfitted estimator, which stays unfitted.
    fresh = GWAETransformer(**{**fast, **params})
    data, _ = make(X)
    with pytest.raises(ValueError, match=pattern):
        fresh.fit(data)
    assert not hasattr(fresh, "model_")
    assert not hasattr(fresh, "n_features_in_")


def test_memmap_with_nan_is_refused(tmp_path, X, fast):
    mm = to_memmap(tmp_path / "X.npy", _with_nan(X))
    est = GWAETransformer(**fast).fit(X)
    before = snapshot(est, X)
    with below(X), pytest.raises(ValueError, match=r"^In a chunk of X: .*NaN"):
        est.fit(mm)
    assert_unchanged(est, X, before)


def test_clusterer_on_list_of_chunks(X, fast):
    chunks = split(X, 100)
    source = Chunks(chunks)
    est = GWAEClusterer(n_clusters=3, **fast).fit(source)
    assert est.labels_.shape == (N_ROWS,)
    np.testing.assert_array_equal(est.labels_, est.predict(X))
    assert est.predict_proba(X).shape == (N_ROWS, 3)
    # fit_predict on the list gives the same labels as fit on the re-iterable.
    np.testing.assert_array_equal(
        GWAEClusterer(n_clusters=3, **fast).fit_predict(chunks), est.labels_
    )
    # Scan, epochs, the codes for the mixture, the rows of the partitioned codes, the
    # labels.
    assert source.passes == 1 + fast["max_iter"] + 3
    with pytest.raises(ValueError, match="fewer than n_clusters=8"):
        GWAEClusterer(n_clusters=8, **fast).fit([X[:3], X[3:6]])


# --------------------------------------------------------------------------------------------
# Early stopping on chunked data: validation rows held out per chunk, capped
# --------------------------------------------------------------------------------------------


def _assert_held_out(X, X_train, X_val, n_val):
    """X_val: n_val distinct rows of X, none of them among the training rows."""
    assert X_val.shape == (n_val, N_FEATURES)
    rows = {row.tobytes() for row in X}
    val = {row.tobytes() for row in X_val}
    train = [row.tobytes() for chunk in X_train.chunks() for row in chunk]
    assert len(val) == n_val and val <= rows
    assert len(train) == len(X) - n_val
    assert not val & set(train)


def test_early_stopping_on_chunks_caps_validation_rows(X, fast_params, monkeypatch):
    monkeypatch.setattr(data_module, "CHUNKED_VALIDATION_ROWS", 10)
    seen = spy_trainer_fit(monkeypatch)
    original = trainer_module.evaluate_criterion
    sizes = []

    def evaluate_criterion(model, X, *args, **kwargs):
        sizes.append(X.shape[0])
        return original(model, X, *args, **kwargs)

    monkeypatch.setattr(trainer_module, "evaluate_criterion", evaluate_criterion)
    # 6 chunks of 64 rows: validation_fraction=0.1 would hold out 6 rows of each (36).
    est = GWAETransformer(**{**fast_params, "early_stopping": True}).fit(split(X))
    [(X_train, X_val)] = seen
    _assert_held_out(X, X_train, X_val, 10)
    assert sizes == [10] * est.n_iter_
    assert len(est.validation_scores_) == est.n_iter_ == fast_params["max_iter"]
    assert np.all(np.isfinite(est.validation_scores_))
    assert est.best_validation_score_ == max(est.validation_scores_)


def test_early_stopping_on_memmap_caps_validation_rows(tmp_path, big, fast_params, monkeypatch):
    # 263 blocks of 8 rows; the fraction is lowered from 0.1 to 150 / 2100: about one row
    # held out in every 1.75 blocks, 150 in all.
    monkeypatch.setattr(data_module, "CHUNKED_VALIDATION_ROWS", 150)
    seen = spy_trainer_fit(monkeypatch)
    X = big[0]
    mm = to_memmap(tmp_path / "X.npy", X)
    params = {**fast_params, "early_stopping": True, "batch_size": 64, "max_iter": 2}
    with working_memory(WM_BIG):
        est = GWAETransformer(**params).fit(mm)
    [(X_train, X_val)] = seen
    assert isinstance(X_train, ArrayRows)
    _assert_held_out(X, X_train, X_val, 150)
    assert len(est.validation_scores_) == est.n_iter_ == 2
    assert est.best_validation_score_ is not None


def test_early_stopping_on_chunks_without_cap(X, fast_params, monkeypatch):
    """Under the cap, the chunks hold out validation_fraction of all rows: 6.4 of each
    of 6 chunks of 64, the remainders carried over, so 38 in all."""
    seen = spy_trainer_fit(monkeypatch)
    GWAETransformer(**{**fast_params, "early_stopping": True}).fit(split(X))
    [(X_train, X_val)] = seen
    _assert_held_out(X, X_train, X_val, 38)


@pytest.mark.parametrize("kind", ["memmap", "small_chunks"])
def test_early_stopping_with_small_units_finds_validation_rows(
    tmp_path, X, fast_params, kind, monkeypatch
):
    """validation_fraction * rows per unit < 0.5: the remainder carries from unit to unit,
    so the held-out rows are still validation_fraction of all (a regression test: counts
    rounded per unit gave none, and "too few to train on"). Here: a memmap read in
    blocks of 2 rows, and chunks of 4 rows."""
    params = {**fast_params, "early_stopping": True}
    seen = spy_trainer_fit(monkeypatch)
    if kind == "memmap":
        with below(X):
            est = GWAETransformer(**params).fit(to_memmap(tmp_path / "X.npy", X))
    else:
        est = GWAETransformer(**params).fit(split(X, 4))
    assert len(est.validation_scores_) == est.n_iter_
    [(X_train, X_val)] = seen
    assert abs(len(X_val) - 0.1 * len(X)) <= 1


# --------------------------------------------------------------------------------------------
# partial_fit
# --------------------------------------------------------------------------------------------


def test_partial_fit_sequence(X, fast):
    est = GWAETransformer(**fast)
    for i, chunk in enumerate(split(X, 128), start=1):
        assert est.partial_fit(chunk) is est
        assert est.n_iter_ == i
        assert len(est.history_) == len(est.loss_curve_) == i
        assert est.history_.column("epoch") == list(range(1, i + 1))
        assert est.validation_scores_ is None
        assert est.best_epoch_ == i
    assert est.n_features_in_ == N_FEATURES
    assert est.transform(X).shape == (N_ROWS, 2)


def test_partial_fit_is_reproducible(X, fast):
    def run(random_state):
        est = GWAETransformer(**{**fast, "random_state": random_state})
        for chunk in split(X, 128):
            est.partial_fit(chunk)
        return est.transform(X)

    Z = run(0)
    np.testing.assert_array_equal(run(0), Z)
    assert not np.allclose(run(1), Z)


def test_partial_fit_keeps_the_optimiser_state(X, fast):
    chunks = split(X, 128)
    kept = GWAETransformer(**fast)
    dropped = GWAETransformer(**fast)
    steps = []
    for chunk in chunks:
        kept.partial_fit(chunk)
        steps.append(adam_steps(kept))
        dropped.partial_fit(chunk)
        del dropped._optimizer_state  # each call then starts a fresh optimiser
    # The step count runs on from call to call (128 rows in batches of 16: 8 a call).
    assert steps == [8, 16, 24]
    assert adam_steps(kept) == 24
    assert not np.allclose(kept.transform(X), dropped.transform(X))
    # The first call is the same for both: only the optimiser state differs later.
    first_kept = GWAETransformer(**fast).partial_fit(chunks[0]).transform(X)
    first_dropped = GWAETransformer(**fast).partial_fit(chunks[0]).transform(X)
    np.testing.assert_array_equal(first_kept, first_dropped)


def test_partial_fit_continues_a_fit(X, fast):
    est = GWAETransformer(**fast).fit(X)
    Z, steps, history = est.transform(X), adam_steps(est), list(est.history_)
    est.partial_fit(X[:128])
    assert est.n_iter_ == fast["max_iter"] + 1
    assert len(est.history_) == fast["max_iter"] + 1
    assert list(est.history_)[:-1] == history
    assert est.history_.column("epoch")[-1] == fast["max_iter"] + 1
    assert adam_steps(est) == steps + 8  # the fit's optimiser state continued
    assert not np.allclose(est.transform(X), Z)


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")
@pytest.mark.parametrize(
    "bad",
    [
        lambda X: X[:64, :-1],
        lambda X: _with_nan(X)[64:128],
        lambda X: X[:1],
        lambda X: pd.DataFrame(X[:64], columns=[f"b{j}" for j in range(N_FEATURES)]),
    ],
    ids=["n_features", "nan", "one_row", "feature_names"],
)
def test_failed_partial_fit_leaves_the_estimator_unchanged(X, fast, bad):
    columns = [f"a{j}" for j in range(N_FEATURES)]
    est = GWAETransformer(**fast).partial_fit(pd.DataFrame(X[:128], columns=columns))
    est.partial_fit(pd.DataFrame(X[128:256], columns=columns))
    np.testing.assert_array_equal(est.feature_names_in_, columns)
    data = pd.DataFrame(X, columns=columns)
    before = snapshot(est, data)
    with pytest.raises(ValueError):
        est.partial_fit(bad(X))
    assert_unchanged(est, data, before)
    # It still continues from where it was.
    est.partial_fit(pd.DataFrame(X[256:], columns=columns))
    assert est.n_iter_ == 3


def test_failed_first_partial_fit_leaves_the_estimator_unfitted(X, fast):
    est = GWAETransformer(**fast)
    with pytest.raises(ValueError):
        est.partial_fit(_with_nan(X))
    assert not hasattr(est, "model_")
    assert not hasattr(est, "n_features_in_")
    assert not hasattr(est, "n_iter_")


def test_partial_fit_dataframe_chunks_equal_array_chunks(X, fast):
    columns = [f"f{j}" for j in range(N_FEATURES)]
    from_frames = GWAETransformer(**fast)
    from_arrays = GWAETransformer(**fast)
    for chunk in split(X, 128):
        from_frames.partial_fit(pd.DataFrame(chunk, columns=columns))
        from_arrays.partial_fit(chunk)
    np.testing.assert_array_equal(from_frames.feature_names_in_, columns)
    np.testing.assert_array_equal(
        from_frames.transform(pd.DataFrame(X, columns=columns)), from_arrays.transform(X)
    )


def test_clusterer_partial_fit(X, fast):
    est = GWAEClusterer(n_clusters=3, **fast)
    for i, chunk in enumerate([X[:100], X[100:250], X[250:]], start=1):
        est.partial_fit(chunk)
        assert est.n_iter_ == i
        assert est.labels_.shape == (len(chunk),)
        np.testing.assert_array_equal(est.labels_, est.predict(chunk))
        assert est.means_.shape == (3, 2)
        assert est.covariances_.shape == (3, 2, 2)
        np.testing.assert_allclose(est.weights_.sum(), 1.0, rtol=1e-6)  # float32 weights
    with pytest.raises(ValueError, match=r"n_samples=2 should be >= n_clusters=3"):
        est.partial_fit(X[:2])
    assert est.labels_.shape == (N_ROWS - 250,)


def test_partial_fit_over_memmap_slices(tmp_path, X, fast):
    mm = to_memmap(tmp_path / "X.npy", X)
    from_memmap = GWAETransformer(**fast)
    from_memory = GWAETransformer(**fast)
    for start in range(0, N_ROWS, 96):
        from_memmap.partial_fit(mm[start : start + 96])
        from_memory.partial_fit(X[start : start + 96])
    assert from_memmap.n_iter_ == 4
    np.testing.assert_array_equal(from_memmap.transform(mm), from_memory.transform(X))


# --------------------------------------------------------------------------------------------
# Inference in chunks of INFERENCE_CHUNK rows
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_inference_is_bounded_by_inference_chunk(X, fast, monkeypatch, dtype):
    X = X.astype(dtype)
    transformer = GWAETransformer(**fast).fit(X)
    clusterer = GWAEClusterer(n_clusters=3, **fast).fit(X)
    Z = transformer.transform(X)
    methods = {
        "transform": (transformer.transform, X),
        "inverse_transform": (transformer.inverse_transform, Z),
        "predict_proba": (clusterer.predict_proba, X),
        "predict": (clusterer.predict, X),
    }
    expected = {name: method(A) for name, (method, A) in methods.items()}

    monkeypatch.setattr(inference_module, "INFERENCE_CHUNK", 7)
    calls = spy_as_tensor(monkeypatch, inference_module)
    for name, (method, A) in methods.items():
        calls.clear()
        result = method(A)
        sizes = list(calls)
        assert max(sizes) <= 7, name
        assert len(sizes) == math.ceil(N_ROWS / 7), name
        assert sum(sizes) == N_ROWS, name
        assert result.dtype == expected[name].dtype, name
        if name == "predict":
            np.testing.assert_array_equal(result, expected[name])
        else:
            np.testing.assert_allclose(result, expected[name], rtol=1e-5, atol=1e-6)
