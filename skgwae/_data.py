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
import functools
import math
import warnings
from collections.abc import Iterable

import numpy as np
import scipy.sparse
from sklearn import get_config

from ._feature_blocks import without_cluster_free_blocks
from ._feature_shapes import MAX_MODAL_FRACTION, fit_feature_shapes, modal_fraction
from ._feature_weights import WEIGHT_ROWS, graph_autocorrelation_weights
from ._geometry import AUTO_GEODESIC_ROWS, GRAPH_METRICS, DataGeometry
from ._validation import check_fit_input
from .nn import InputScaling
from .training.chunks import ArrayRows, ChunkedRows, IterableRows, scan_rows
from .training.inference import INFERENCE_CHUNK

# An array larger than scikit-learn's working_memory is read by chunks of at most this
# fraction of it (64 MiB at the default 1024 MiB): a few chunks' copies (reading,
# conversion, device) stay well inside it.
CHUNKS_PER_WORKING_MEMORY = 16
# Data read by chunks: at most this many validation rows (they stay in memory).
CHUNKED_VALIDATION_ROWS = 10_000
# kappa_init="auto" matches the distance scales on at most this many training rows.
KAPPA_CALIBRATION_ROWS = 1024
# Features look like measurements in different units where the largest standard deviation
# of a feature is more than this many times the median one (among the features that vary),
# on the calibration rows: standardize="auto" then standardises the rows, and
# standardize=False warns. On the 45 data sets of the clustering benchmark, standardised
# columns, pixels in [0, 1], 0/1 values and comparable measurements (iris in centimetres,
# principal components) gave ratios of at most 2.9; the raw tables in mixed units 82
# (penguins in millimetres and grams), 388 (wine) and 7,829 (breast_cancer).
DIFFERENT_UNITS_RATIO = 10.0
# Rows count as lying in [0, 1] (weight_features="auto") up to this rounding error.
UNIT_TOLERANCE = 1e-6


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
    in_unit_range: bool  # whether every value lies in [0, 1] (False when standardised)
    input_scaling: InputScaling | None  # what the rows were scaled by, or None

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
    estimator,
    X,
    *,
    reset,
    rng,
    validation_fraction,
    min_train_rows,
    standardize,
    weight_features=False,
    power_transform=False,
    fitted_scaling=None,
    allow_chunked=True,
):
    """Validate X for fitting ``estimator``, reshape, standardise and weight its features
    where asked and split it into training and validation rows.

    Parameters
    ----------
    estimator : BaseGWAE
        The estimator whose ``n_features_in_`` and ``feature_names_in_`` X sets (``reset``)
        or is checked against.
    X : array-like or iterable of array-like
        The data, as ``fit`` accepts it.
    reset : bool
        Whether X sets the fitted feature attributes (a fresh fit, whose rows choose their
        own scaling), else it continues a fitted model (whose ``fitted_scaling`` is kept).
    rng : numpy.random.RandomState
        Draws the split (and the held-out rows of chunked data).
    validation_fraction : float or None
        The fraction of rows held out for validation; None holds out none.
    min_train_rows : tuple of (int, str)
        The least number of training rows the estimator needs, and the requirement
        (a parameter such as ``"n_clusters=5"``) that error messages name.
    standardize : bool or "auto"
        The estimator's ``standardize`` (see :func:`fit_input_scaling`); used with ``reset``.
    weight_features : bool or "auto", default=False
        Whether the features are weighted by :func:`graph_autocorrelation_weights` (and,
        where the estimator's ``_clusters_sought()`` is not None, the independent blocks
        of features that hold no clusters dropped, see
        :func:`~skgwae._feature_blocks.without_cluster_free_blocks`); ``"auto"``: where
        the rows are a table (see ``_scaling_rule``). Used with ``reset``.
    power_transform : bool or "auto", default=False
        Whether skewed features are reshaped by :func:`fit_feature_shapes` (with the
        estimator's ``_feature_modes()``); ``"auto"``: where the rows are a table. Used
        with ``reset``.
    fitted_scaling : InputScaling or None, default=None
        The scaling of the continued model; used without ``reset``.
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
            scaling=_scaling_rule(
                estimator, reset, standardize, weight_features, power_transform, fitted_scaling
            ),
        )
    X = check_fit_input(estimator, X, reset=reset)
    min_rows, requirement = min_train_rows
    if X.shape[0] < min_rows:
        raise ValueError(f"n_samples={X.shape[0]} should be >= {requirement}.")
    train_index, val_index = _split_index(X.shape[0], rng, validation_fraction)
    _check_n_train(len(train_index), min_train_rows, validation_fraction)
    # One pass each over X for its range, which both the scaling and the decoder's output
    # read (of the rows as given: scaled rows are not pixels).
    minimum, maximum = (X.min(), X.max()) if X.size else (0.0, 0.0)
    # train_index is in random order, so its first rows are a random subset.
    rule = _scaling_rule(
        estimator, reset, standardize, weight_features, power_transform, fitted_scaling
    )
    scaling = rule(X[train_index[:WEIGHT_ROWS]], lambda: X, in_unit_interval(minimum, maximum))
    if scaling is not None:
        X = scale_rows(X, scaling)
    X_train = X[train_index]
    return TrainingData(
        train=X_train,
        validation=None if val_index is None else X[val_index],
        all_rows=X,
        calibration_rows=X_train[:KAPPA_CALIBRATION_ROWS],
        n_features=X.shape[1],
        n_train=X_train.shape[0],
        dtype=X.dtype,
        in_unit_range=scaling is None and X.size > 0 and minimum >= 0 and maximum <= 1,
        input_scaling=scaling,
    )


def _scaling_rule(
    estimator, reset, standardize, weight_features, power_transform, fitted_scaling
):
    """``rule(sample_rows, moment_rows, in_unit_range)``: the :class:`InputScaling` of a
    fit's rows, or None. For a fresh fit (``reset``): where ``power_transform`` asks
    (``"auto"``: where the rows are a table, that is they do not all lie in [0, 1],
    ``in_unit_range``, or they do and :func:`is_min_max_table`), the skewed
    features' shapes of :func:`fit_feature_shapes` on ``sample_rows`` (a random subset of
    the training rows); the standardisation of :func:`fit_input_scaling` (decided on the
    first ``KAPPA_CALIBRATION_ROWS`` of ``sample_rows``, with the moments of the rows that
    ``moment_rows()`` returns, each reshaped); and, where ``weight_features`` asks
    (``"auto"`` as above), the feature weights of :func:`graph_autocorrelation_weights` on
    ``sample_rows`` so reshaped and standardised, less the independent blocks of features
    that hold no clusters where the estimator seeks clusters
    (:func:`without_cluster_free_blocks`). Else ``fitted_scaling``."""
    if not reset:
        return lambda sample_rows, moment_rows, in_unit_range: fitted_scaling

    def rule(sample_rows, moment_rows, in_unit_range):
        rows_as_given = sample_rows

        @functools.cache
        def is_table():
            # Read only where an option is "auto", on the rows as given.
            return not in_unit_range or is_min_max_table(rows_as_given)

        def asked(option):
            return is_table() if option == "auto" else bool(option)

        shapes = None
        if asked(power_transform):
            shapes = fit_feature_shapes(sample_rows, estimator._feature_modes())
        if shapes is not None:
            sample_rows, moment_rows = shapes.apply(sample_rows), _reshaped(moment_rows, shapes)
        # The feature names are read here: data read by chunks sets them on reading its
        # first chunk.
        names = getattr(estimator, "feature_names_in_", None)
        moments = fit_input_scaling(
            standardize, sample_rows[:KAPPA_CALIBRATION_ROWS], moment_rows, names
        )
        weigh = asked(weight_features)
        if moments is None and not weigh and shapes is None:
            return None
        standardized = moments is not None
        if not standardized:
            # Centred only, so that a dropped feature (weight 0) decodes to its mean.
            mean, _ = column_moments(moment_rows())
            moments = (mean, np.ones_like(mean))
        if not weigh:
            return InputScaling(*moments, standardized=standardized, shapes=shapes)
        scaled_rows = InputScaling(*moments).apply(sample_rows)
        weights = graph_autocorrelation_weights(scaled_rows)
        n_clusters = estimator._clusters_sought()
        if n_clusters is not None:
            weights = without_cluster_free_blocks(weights, scaled_rows, n_clusters)
        return InputScaling(*moments, weights=weights, standardized=standardized, shapes=shapes)

    return rule


def _reshaped(rows, shapes):
    """``rows`` (a function that returns rows) with the features reshaped by ``shapes``."""
    return lambda: shapes.apply(rows())


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


def is_min_max_table(rows):
    """Whether ``rows``, all in [0, 1], look like a table scaled to [0, 1] (as scikit-learn's
    MinMaxScaler scales one) rather than pixels or 0/1 answers: no feature that varies has
    one value in ``MAX_MODAL_FRACTION`` of the rows or more, where a pixel's background or
    an answer's two values are held by many rows."""
    rows = np.asarray(rows)
    if rows.size == 0:
        return False
    varying = np.ptp(rows, axis=0) > 0
    return bool(varying.any()) and all(
        modal_fraction(column) < MAX_MODAL_FRACTION for column in rows[:, varying].T
    )


def in_unit_interval(minimum, maximum):
    """Whether values from ``minimum`` to ``maximum`` lie in [0, 1], as pixel intensities
    and 0/1 answers do, up to ``UNIT_TOLERANCE`` (rows scaled to [0, 1] may end a rounding
    error past 1)."""
    return minimum >= -UNIT_TOLERANCE and maximum <= 1.0 + UNIT_TOLERANCE


def different_units(rows):
    """``(ratio, feature)`` of :func:`spread_ratio` where the features of ``rows`` look like
    measurements in different units (a ratio above ``DIFFERENT_UNITS_RATIO``), else None:
    the Euclidean distances that the GW term keeps, and the neighbours that every metric
    starts from, are then those of the largest features alone."""
    ratio, largest = spread_ratio(rows)
    return (ratio, largest) if ratio > DIFFERENT_UNITS_RATIO else None


def fit_input_scaling(standardize, decision_rows, moment_rows, feature_names=None):
    """The ``(mean, scale)`` that a fresh fit standardises its rows by, or None.

    ``standardize=True`` always standardises; ``"auto"`` where the ``decision_rows`` (the
    calibration rows) look like measurements in different units (:func:`different_units`);
    ``False`` never, and warns in that case. The mean and the standard deviation are
    those of the rows that ``moment_rows()`` returns (every row of in-memory data), in
    float64; a feature that does not vary keeps a scale of 1, as in scikit-learn's
    StandardScaler.
    """
    auto = isinstance(standardize, str)  # "auto"
    if auto or not standardize:
        units = different_units(decision_rows)
        if units is None:
            return None
        if not auto:
            ratio, largest = units
            name = f"{feature_names[largest]!r}" if feature_names is not None else f"{largest}"
            warnings.warn(
                f"Feature {name} has a standard deviation {ratio:.3g} times the median "
                "feature's, so the distances between rows, which the GW term keeps, are "
                "mostly its own. If the features are measurements in different units, set "
                "standardize='auto' or True, or scale them first (for example with "
                "sklearn.preprocessing.StandardScaler).",
                UserWarning,
            )
            return None
    mean, std = column_moments(moment_rows())
    # Rounding leaves a constant feature a standard deviation of a few ulps of its value.
    constant = std <= 10 * np.finfo(np.float64).eps * np.maximum(np.abs(mean), 1.0)
    return mean, np.where(constant, 1.0, std)


def column_moments(X, chunk_rows=INFERENCE_CHUNK):
    """The float64 mean and standard deviation of each column of X, read ``chunk_rows`` rows
    at a time (two passes: no float64 copy of X, no cancellation)."""
    n = X.shape[0]
    total = np.zeros(X.shape[1])
    for start in range(0, n, chunk_rows):
        total += X[start : start + chunk_rows].sum(axis=0, dtype=np.float64)
    mean = total / n
    squares = np.zeros(X.shape[1])
    for start in range(0, n, chunk_rows):
        squares += np.square(X[start : start + chunk_rows] - mean).sum(axis=0)
    return mean, np.sqrt(squares / n)


def scale_rows(X, scaling):
    """The rows X in the units of the :class:`InputScaling` ``scaling`` (None: X itself),
    in X's dtype."""
    return X if scaling is None else scaling.apply(X)


def unscale_rows(X, scaling):
    """The inverse of :func:`scale_rows`: rows of the model's units back in the data's, in
    X's dtype."""
    return X if scaling is None else scaling.undo(X)


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


def _split_index(n, rng, validation_fraction):
    """The indices of the training and validation rows of n rows, each in random order
    (the validation part is None without a validation fraction)."""
    perm = rng.permutation(n)
    if validation_fraction is None:
        return perm, None
    n_val = max(2, int(math.ceil(validation_fraction * n)))
    if n - n_val < 2:
        raise ValueError(
            f"n_samples={n} is too few for a validation split of validation_fraction="
            f"{validation_fraction}: both parts need at least 2 samples. Pass more "
            "data or set early_stopping=False."
        )
    return perm[n_val:], perm[:n_val]


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


def _chunked_training_data(
    estimator, X, *, reset, rng, validation_fraction, min_train_rows, scaling
):
    """Training data from a memory-mapped array or an iterable of chunks, read a chunk
    at a time: one pass here checks every chunk and holds out the validation rows;
    ``scaling`` is the rule that gives their scaling from the random sample of the
    training rows that the pass draws (see ``_scaling_rule``)."""
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
    sample, validation = scan.sample_rows, scan.validation_rows
    # From the sample: the moments of every row would cost one more pass over X.
    scaling = scaling(sample, lambda: sample, in_unit_interval(scan.minimum, scan.maximum))
    if scaling is not None:
        checked = source.prepare
        source.prepare = lambda unit: scale_rows(checked(unit), scaling)
        sample = scale_rows(sample, scaling)
        validation = None if validation is None else scale_rows(validation, scaling)
    return TrainingData(
        train=source,
        validation=validation,
        all_rows=source,
        calibration_rows=sample,
        n_features=estimator.n_features_in_,
        n_train=scan.n_train,
        dtype=scan.dtype,
        in_unit_range=scaling is None and scan.minimum >= 0 and scan.maximum <= 1,
        input_scaling=scaling,
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
