"""What the estimators' ``fit`` accepts as training data, and the form it hands on.

In-memory data (arrays, DataFrames, lists of rows) is validated as a whole, split into
training and validation rows and trained on from the device. Data larger than memory comes
as an iterable of 2-D chunks, or as an array (typically a ``numpy.memmap``) larger than
scikit-learn's ``working_memory``, and is read a chunk at a time
(:mod:`skgwae.training.chunks`). The choice depends on the size of the data, never on
whether an array is memory-mapped, so a memmap (as joblib hands to parallel workers) fits
exactly as the same array in memory.
"""

import dataclasses
import math
import warnings
from collections.abc import Iterable

import numpy as np
import scipy.sparse
from sklearn import get_config

from ._geometry import AUTO_GEODESIC_ROWS, GRAPH_METRICS, DataGeometry
from ._validation import check_fit_input
from .training.chunks import ArrayRows, ChunkedRows, IterableRows, scan_rows

# An array larger than scikit-learn's working_memory is read by chunks of at most this
# fraction of it (64 MiB at the default 1024 MiB): a few chunks' copies (reading,
# conversion, device) stay well inside it.
CHUNKS_PER_WORKING_MEMORY = 16
# Data read by chunks: at most this many validation rows (they stay in memory).
CHUNKED_VALIDATION_ROWS = 10_000
# kappa_init="auto" matches the distance scales on at most this many training rows.
KAPPA_CALIBRATION_ROWS = 1024
# A fresh fit warns that the features may be measurements in different units where the
# largest standard deviation of a feature is more than this many times the median one
# (among the features that vary), on the calibration rows. On the 45 data sets of the
# clustering benchmark, standardised columns, pixels in [0, 1], 0/1 values and comparable
# measurements (iris in centimetres, principal components) gave ratios of at most 2.9;
# the raw tables in mixed units 82 (penguins in millimetres and grams), 388 (wine) and
# 7,829 (breast_cancer). The clusterer met its benchmark bar on all three standardised, and
# missed it on the raw penguins by 0.28 and the raw breast_cancer by 0.005.
DIFFERENT_UNITS_RATIO = 10.0


def working_memory_bytes():
    """scikit-learn's ``working_memory`` setting (MiB), in bytes."""
    return int(get_config()["working_memory"] * 2**20)


def is_chunked(X, resident_bytes):
    """Whether ``fit`` reads X a chunk at a time: a 2-D numpy array (memory-mapped or
    not) whose float32 copy would exceed ``resident_bytes``, a list or tuple of 2-D
    chunks, or an iterable that is not itself array-like (a torch DataLoader, a reader
    of files)."""
    if isinstance(X, np.ndarray):
        return X.ndim == 2 and 4 * X.shape[0] * X.shape[1] > resident_bytes
    if isinstance(X, (list, tuple)):
        return len(X) > 0 and all(getattr(chunk, "ndim", None) == 2 for chunk in X)
    if (
        isinstance(X, (str, bytes, dict))
        or scipy.sparse.issparse(X)
        or hasattr(X, "__array__")
        or hasattr(X, "__dataframe__")
    ):
        return False
    return isinstance(X, Iterable)


@dataclasses.dataclass
class TrainingData:
    """Training data, checked and split, as the fit uses it."""

    train: object  # ndarray of the training rows (shuffled), or a ChunkedRows
    validation: np.ndarray | None  # the validation rows, or None
    all_rows: object  # every row in the order given: an ndarray, or a ChunkedRows
    calibration_rows: np.ndarray  # a random subset of the training rows (for kappa)
    n_features: int
    n_train: int
    dtype: np.dtype
    in_unit_range: bool  # whether every value lies in [0, 1]

    def training_chunks(self):
        """The training rows as a sequence of arrays."""
        return _chunks_of(self.train, "chunks")

    def training_rows_at(self, index):
        """The training rows at the sorted positions ``index`` of the concatenated
        :meth:`training_chunks`, read in one pass."""
        index = np.asarray(index)
        taken, start = [], 0
        for chunk in self.training_chunks():
            lo, hi = np.searchsorted(index, [start, start + len(chunk)])
            taken.append(np.asarray(chunk[index[lo:hi] - start]))
            start += len(chunk)
        return np.concatenate(taken)

    def selection_rows(self):
        """The rows that the label-free criterion compares restarts on: the validation
        rows, else the training rows (a random sample of them when they are read by
        chunks)."""
        if self.validation is not None:
            return self.validation
        return self.calibration_rows if isinstance(self.train, ChunkedRows) else self.train

    def all_chunks(self):
        """Every row (held-out rows included), in the order given, as a sequence of
        arrays."""
        return _chunks_of(self.all_rows, "units")


def _chunks_of(rows, method):
    """``rows.<method>()`` of a ChunkedRows; one array as a sequence of one."""
    return getattr(rows, method)() if isinstance(rows, ChunkedRows) else [rows]


def prepare_training_data(
    estimator, X, *, reset, rng, validation_fraction, min_train_rows, allow_chunked=True
):
    """Validate X for fitting ``estimator`` and split it into training and validation rows.

    Parameters
    ----------
    estimator : BaseGWAE
        The estimator whose ``n_features_in_`` and ``feature_names_in_`` X sets (``reset``)
        or is checked against.
    X : array-like or iterable of array-like
        The data, as ``fit`` accepts it.
    reset : bool
        Whether X sets the fitted feature attributes.
    rng : numpy.random.RandomState
        Draws the split (and the held-out rows of chunked data).
    validation_fraction : float or None
        The fraction of rows held out for validation; None holds out none.
    min_train_rows : tuple of (int, str)
        The least number of training rows the estimator needs, and the requirement
        (a parameter such as ``"n_clusters=5"``) that error messages name.
    allow_chunked : bool, default=True
        Whether data larger than memory, or an iterable of chunks, is read a chunk at a
        time; with False, X is always one array.

    Returns
    -------
    data : TrainingData
    """
    if allow_chunked and is_chunked(X, working_memory_bytes()):
        return _chunked_training_data(
            estimator,
            X,
            reset=reset,
            rng=rng,
            validation_fraction=validation_fraction,
            min_train_rows=min_train_rows,
        )
    X = check_fit_input(estimator, X, reset=reset)
    min_rows, requirement = min_train_rows
    if X.shape[0] < min_rows:
        raise ValueError(f"n_samples={X.shape[0]} should be >= {requirement}.")
    X_train, X_val = _split(X, rng, validation_fraction)
    _check_n_train(X_train.shape[0], min_train_rows, validation_fraction)
    return TrainingData(
        train=X_train,
        validation=X_val,
        all_rows=X,
        calibration_rows=X_train[:KAPPA_CALIBRATION_ROWS],  # X_train is shuffled
        n_features=X.shape[1],
        n_train=X_train.shape[0],
        dtype=X.dtype,
        in_unit_range=X.size > 0 and X.min() >= 0 and X.max() <= 1,
    )


def spread_ratio(rows):
    """``(ratio, feature)``: the largest standard deviation of a feature of ``rows`` over
    the median one among the features that vary, and which feature has it; ``(nan, None)``
    with fewer than two varying features. The fit has refused values beyond float32's
    range, whose squares float64 holds."""
    spread = np.asarray(rows, dtype=np.float64).std(axis=0)
    varying = spread > 0
    if varying.sum() < 2:
        return float("nan"), None
    return float(spread.max() / np.median(spread[varying])), int(spread.argmax())


def warn_if_different_units(rows, feature_names=None):
    """Warn where the features of ``rows`` look like measurements in different units (a
    ``spread_ratio`` above ``DIFFERENT_UNITS_RATIO``): the Euclidean distances that the GW
    term keeps, and the neighbours that every metric starts from, are then those of the
    largest features alone."""
    ratio, largest = spread_ratio(rows)
    if not ratio > DIFFERENT_UNITS_RATIO:
        return
    name = f"{feature_names[largest]!r}" if feature_names is not None else f"{largest}"
    warnings.warn(
        f"Feature {name} has a standard deviation {ratio:.3g} times the median feature's, "
        "so the distances between rows, which the GW term keeps, are mostly its own. If "
        "the features are measurements in different units, scale them first (for example "
        "with sklearn.preprocessing.StandardScaler).",
        UserWarning,
    )


def effective_width(rows):
    """The rows' effective width: sqrt(n_features) times the median over the rows of
    ||x||_1 / ||x||_2 (rows of zeros left out; 0 when every row is zero).

    It lies between sqrt(n_features) and n_features: about n_features for dense rows of
    comparable values, about sqrt(n_features) times the square root of the number of
    active features for sparse ones, and it does not change when the data are rescaled.
    """
    rows = np.asarray(rows, dtype=np.float64)
    l2 = np.linalg.norm(rows, axis=1)
    nonzero = l2 > 0
    if not nonzero.any():
        return 0.0
    ratio = np.abs(rows[nonzero]).sum(axis=1) / l2[nonzero]
    return float(np.sqrt(rows.shape[1]) * np.median(ratio))


def _split(X, rng, validation_fraction):
    """Training and validation rows, each in random order (the validation part is None
    without a validation fraction)."""
    n = X.shape[0]
    perm = rng.permutation(n)
    if validation_fraction is None:
        return X[perm], None
    n_val = max(2, int(math.ceil(validation_fraction * n)))
    if n - n_val < 2:
        raise ValueError(
            f"n_samples={n} is too few for a validation split of validation_fraction="
            f"{validation_fraction}: both parts need at least 2 samples. Pass more "
            "data or set early_stopping=False."
        )
    return X[perm[n_val:]], X[perm[:n_val]]


def _check_n_train(n_train, min_train_rows, validation_fraction):
    min_rows, requirement = min_train_rows
    if n_train < min_rows:
        raise ValueError(
            f"The data has {n_train} samples to train on (after any validation split), "
            f"fewer than {requirement}. Pass more data"
            + (
                ", a smaller validation_fraction or early_stopping=False."
                if validation_fraction is not None
                else "."
            )
        )


def _chunked_training_data(estimator, X, *, reset, rng, validation_fraction, min_train_rows):
    """Training data from a memory-mapped array or an iterable of chunks, read a chunk
    at a time: one pass here checks every chunk and holds out the validation rows."""
    first_read = [reset]

    def prepare(chunk):
        # The first chunk read sets n_features_in_ / feature_names_in_ (unless warm);
        # every later one is checked against them.
        reset_now, first_read[0] = first_read[0], False
        try:
            return check_fit_input(estimator, chunk, reset=reset_now, ensure_min_samples=1)
        except ValueError as exc:
            raise ValueError(f"In a chunk of X: {exc}") from None

    if isinstance(X, np.ndarray):
        chunk_bytes = working_memory_bytes() // CHUNKS_PER_WORKING_MEMORY
        chunk_rows = max(2, chunk_bytes // (4 * max(1, X.shape[1])))
        source = ArrayRows(X, chunk_rows, prepare)
        n_rows = X.shape[0]
    else:
        if iter(X) is X:
            raise ValueError(
                "X is an iterator, which can be read only once, but fit reads the data "
                "once per epoch (and once more to check it). Pass a list of chunks or a "
                "re-iterable object (such as a torch DataLoader), or call partial_fit "
                "on each chunk."
            )
        source = IterableRows(X, prepare)
        n_rows = None
    scan = scan_rows(
        source,
        validation_fraction=validation_fraction,
        max_validation_rows=CHUNKED_VALIDATION_ROWS,
        n_sample=KAPPA_CALIBRATION_ROWS,
        seed=rng.randint(np.iinfo(np.int32).max),
        n_rows=n_rows,
    )
    validated = validation_fraction is not None
    n_val = 0 if scan.validation_rows is None else len(scan.validation_rows)
    if scan.n_train < 2 or (validated and n_val < 2):
        raise ValueError(
            f"X has {scan.n_rows} samples, too few to train on"
            + (
                f" with a validation split of validation_fraction={validation_fraction}"
                " (both parts need at least 2 samples; set early_stopping=False)"
                if validated
                else " (at least 2 are needed)"
            )
            + "."
        )
    _check_n_train(scan.n_train, min_train_rows, validation_fraction)
    source.held_out = scan.held_out
    if isinstance(source, IterableRows):
        source.n_units = scan.n_units
    return TrainingData(
        train=source,
        validation=scan.validation_rows,
        all_rows=source,
        calibration_rows=scan.sample_rows,
        n_features=estimator.n_features_in_,
        n_train=scan.n_train,
        dtype=scan.dtype,
        in_unit_range=scan.minimum >= 0 and scan.maximum <= 1,
    )


def fit_geometry(
    data, rng, *, metric, n_neighbors, gw_coupling, incremental, auto_metric, fitted=None
):
    """The data geometry of L_GW and of the score (a :class:`DataGeometry`), fitted on the
    training rows of ``data``; ``fitted``, the geometry of the model that an incremental
    call (``partial_fit``, which sees one chunk at a time) continues, is kept instead, for
    rows outside its graph. ``metric="auto"`` is ``auto_metric`` where that metric can
    train here (the geodesic one on at most ``AUTO_GEODESIC_ROWS`` rows in memory), else
    ``"euclidean"`` (or, continuing, the fitted metric). Combinations that cannot work are
    refused with a ValueError."""
    chunked = isinstance(data.train, ChunkedRows)
    if metric == "auto":
        if fitted is not None:
            metric = fitted.metric
        elif gw_coupling == "inference" and not (
            auto_metric == "geodesic"
            and (incremental or chunked or data.n_train > AUTO_GEODESIC_ROWS)
        ):
            metric = auto_metric
        else:
            metric = "euclidean"
    if metric != "euclidean" and gw_coupling != "inference":
        raise ValueError(
            f"gw_coupling={gw_coupling!r} estimates L_GW on generated points, which have no "
            f"place in the {metric!r} geometry of the data (only in the Euclidean one); use "
            "gw_coupling='inference' or metric='euclidean'."
        )
    if fitted is not None:
        if fitted.metric != metric:
            raise ValueError(
                f"partial_fit continues a model fitted with metric={fitted.metric!r}, but "
                f"metric={metric!r} now; refit with fit to change it."
            )
        return fitted.for_new_rows()
    if metric in GRAPH_METRICS and (incremental or chunked):
        where = (
            "partial_fit sees one chunk at a time"
            if incremental
            else "data read by chunks is not held in memory"
        )
        raise ValueError(
            f"metric={metric!r} builds its neighbour graph on every training row at once; "
            f"{where}. Fit in-memory data with fit (partial_fit can then continue it), or "
            "use metric='euclidean' or 'cosine'."
        )
    # One draw whatever the metric, so that the model's seeds do not depend on it.
    seed = rng.randint(np.iinfo(np.int32).max)
    rows = data.calibration_rows if chunked else data.train
    return DataGeometry(metric, n_neighbors).fit(rows, np.random.RandomState(seed))
