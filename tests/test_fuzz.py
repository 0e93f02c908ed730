"""Property-based fuzz tests of the estimators' input handling (hypothesis).

The rule: for every input, ``fit`` either succeeds, and then ``transform``,
``inverse_transform(transform(X))``, ``score`` and ``score_samples`` (and ``predict`` /
``predict_proba`` for the clusterer) give finite outputs of the right shape; or ``fit`` (or
the later call) raises a ValueError or TypeError whose message names the problem. No other
exception type may reach the user, no call may hang, and no error may be raised from
inside torch (the innermost traceback frame must not be in the torch package; errors of
scikit-learn's, numpy's or pandas' input validation are fine). Warnings are allowed.

"Names the problem" is checked against ``KNOWN_MESSAGES``, a list of patterns of clear
messages: a message outside it fails the test (if it is clear, add its pattern).

The number of examples per test is ``SKGWAE_FUZZ_EXAMPLES`` (default 40, about 20 s on one
core); the examples are derandomized, so a run is reproducible. The outcome of every case is
counted in ``FUZZ_TALLY``, which ``conftest.py`` prints at the end of the run (cases that
hypothesis replays while it shrinks a failure are counted too). The module is skipped where
hypothesis is not installed.
"""

import collections
import contextlib
import functools
import os
import pathlib
import re
import signal
import threading
import traceback
import warnings

import numpy as np
import pandas as pd
import pytest
import torch

pytest.importorskip("hypothesis")

import hypothesis.extra.numpy as hnp  # noqa: E402
import hypothesis.extra.pandas as hpd  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from skgwae import GWAEClusterer, GWAETransformer  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore")

N_EXAMPLES = int(os.environ.get("SKGWAE_FUZZ_EXAMPLES", "40"))
FUZZ_SETTINGS = settings(
    deadline=None,
    max_examples=N_EXAMPLES,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
# torch's own package folder: an error raised in a file under it came from inside torch.
# (Not any path holding "/torch/": a virtual environment may live in a folder of that
# name, and then every package's files would count.)
TORCH_DIR = pathlib.Path(torch.__file__).resolve().parent
# A call that runs longer than this is a hang (a fit here takes well under a second).
CALL_TIME_LIMIT_S = 60

# (estimator label, outcome) -> number of cases; printed by conftest.py.
FUZZ_TALLY = collections.Counter()

FAST = dict(n_components=2, hidden_layer_sizes=(8,), max_iter=2, batch_size=8, random_state=0)
N_CLUSTERS = 2
ESTIMATORS = {
    "GWAETransformer": lambda: GWAETransformer(**FAST),
    "GWAETransformer[critic]": lambda: GWAETransformer(**FAST, coupling="critic", n_critic=1),
    "GWAEClusterer": lambda: GWAEClusterer(n_clusters=N_CLUSTERS, **FAST),
}

# Patterns of messages that name the problem with the input (searched, case-insensitive).
KNOWN_MESSAGES = [
    # non-finite or out-of-range values
    r"contains NaN",
    r"contains infinity",
    r"too large for float32",
    r"overflows? float32",
    r"too large to convert to float64",
    r"non-finite",
    # types that are not real numbers
    r"Complex data not supported",
    r"could not convert .* to float",
    r"Cannot cast .* to",
    r"DType .* could not be promoted",
    r"argument must be a string or a (real )?number",
    # shapes
    r"Expected 2D array",
    r"Expected a 2-dimensional container",
    r"Found array with dim \d+",
    r"Found array with \d+ sample\(s\)",
    r"Found array with \d+ feature\(s\)",
    r"inhomogeneous shape",
    r"X has \d+ features, but",
    r"inverse_transform expects n_components",
    # feature names
    r"feature names",
    r"unique column names",
    # too few samples
    r"too few for a validation split",
    r"should be >= n_clusters",
    r"fewer than n_clusters",
    r"needs at least 2 samples",
]


# ---------------------------------------------------------------------- checking the rule


class Hang(Exception):
    """A call ran past CALL_TIME_LIMIT_S."""


@contextlib.contextmanager
def _time_limit(what):
    if threading.current_thread() is not threading.main_thread():  # no signals there
        yield
        return

    def on_alarm(signum, frame):
        raise Hang(f"{what} ran for more than {CALL_TIME_LIMIT_S} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, CALL_TIME_LIMIT_S)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class RuleBroken(AssertionError):
    pass


def _broken(label, what, detail, cause=None):
    FUZZ_TALLY[(label, "RULE BROKEN")] += 1
    raise RuleBroken(f"{label}: {what}: {detail}") from cause


def _call(label, what, fn, *args):
    """Run ``fn(*args)`` under the rule: return ``(True, result)``, or ``(False, category)``
    after an acceptable ValueError / TypeError; raise RuleBroken otherwise."""
    try:
        with warnings.catch_warnings(), _time_limit(what):
            warnings.simplefilter("ignore")
            return True, fn(*args)
    except (ValueError, TypeError) as exc:
        _check_rejection(label, what, exc)
        return False, "ValueError" if isinstance(exc, ValueError) else "TypeError"
    except Exception as exc:  # noqa: BLE001 - any other type breaks the rule
        _broken(label, what, f"raised {type(exc).__name__}: {exc}", exc)


def _check_rejection(label, what, exc):
    message = str(exc)
    innermost = traceback.extract_tb(exc.__traceback__)[-1]
    where = f"{innermost.filename}:{innermost.lineno}"
    if pathlib.Path(innermost.filename).resolve().is_relative_to(TORCH_DIR):
        _broken(label, what, f"{type(exc).__name__} from inside torch ({where}): {message}", exc)
    if not any(re.search(p, message, re.IGNORECASE) for p in KNOWN_MESSAGES):
        _broken(label, what, f"unclear {type(exc).__name__} ({where}): {message!r}", exc)


def _check_array(label, what, value, shape):
    if not isinstance(value, np.ndarray) or value.shape != shape:
        _broken(label, what, f"expected an array of shape {shape}, got {value!r}")
    if not np.isfinite(value).all():
        _broken(label, what, f"non-finite output {value!r}")


def _check_score(label, what, value):
    if not isinstance(value, (float, np.floating)) or not np.isfinite(value):
        _broken(label, what, f"expected a finite float, got {value!r}")


def _check_predictions(label, est, X, n):
    """Check predict_proba and predict of a fitted clusterer on X (n rows); return None, or
    the type of error ("ValueError" or "TypeError") with which a call rejected X."""
    ok, proba = _call(label, "predict_proba", est.predict_proba, X)
    if not ok:
        return proba
    _check_array(label, "predict_proba", proba, (n, N_CLUSTERS))
    if not (np.all(proba >= 0) and np.allclose(proba.sum(axis=1), 1.0)):
        _broken(label, "predict_proba", f"rows are not probabilities: {proba!r}")
    ok, labels = _call(label, "predict", est.predict, X)
    if not ok:
        return labels
    if labels.shape != (n,) or not np.isin(labels, np.arange(N_CLUSTERS)).all():
        _broken(label, "predict", f"bad labels {labels!r}")
    return None


def check_fit_and_use(label, X):
    """Fit a fresh estimator on X and use it on X; tally and check the outcome."""
    est = ESTIMATORS[label]()
    ok, result = _call(label, "fit", est.fit, X)
    if not ok:
        FUZZ_TALLY[(label, result)] += 1
        return
    n = len(X)

    def use(what, fn, *args):
        ok, value = _call(label, what, fn, *args)
        if not ok:
            _broken(label, what, f"a {value} on the data the estimator was fitted on")
        return value

    Z = use("transform", est.transform, X)
    _check_array(label, "transform", Z, (n, FAST["n_components"]))
    X_back = use("inverse_transform", est.inverse_transform, Z)
    _check_array(label, "inverse_transform", X_back, (n, est.n_features_in_))
    _check_array(label, "score_samples", use("score_samples", est.score_samples, X), (n,))
    _check_score(label, "score", use("score", est.score, X))
    if isinstance(est, GWAEClusterer):
        _check_array(label, "labels_", est.labels_.astype(float), (n,))
        rejected = _check_predictions(label, est, X, n)
        if rejected:
            _broken(label, "predict", f"a {rejected} on the data the estimator was fitted on")
    FUZZ_TALLY[(label, "fitted")] += 1


# ---------------------------------------------------------------------- strategies

estimators = st.sampled_from(sorted(ESTIMATORS))
n_samples = st.integers(0, 40)
n_features = st.integers(0, 6)

FLOAT_DTYPES = [np.float16, np.float32, np.float64]
INT_DTYPES = [np.int8, np.int32, np.int64, np.uint8]
NUMERIC_DTYPES = FLOAT_DTYPES + INT_DTYPES + [np.bool_, np.complex64, np.complex128]
SUBNORMAL = 5e-324
HUGE = [1e15, 1e19, 1e30, 1e38, 1e300]
TINY = [1e-30, 1e-300, SUBNORMAL, 1e-310]
SPECIAL_VALUES = [np.nan, np.inf, -np.inf, *HUGE, *(-h for h in HUGE), *TINY, 0.0, -0.0]
# Column scales: 1 keeps a column, 0 makes it constant, the rest move it to the extremes.
COLUMN_SCALES = [1.0, 1.0, 0.0, 1e3, 1e6, 1e10, *HUGE, *TINY]


def _moderate_elements(dtype):
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return st.floats(-1e3, 1e3, width=8 * dtype.itemsize)
    if dtype.kind == "c":
        return st.complex_numbers(max_magnitude=1e3, width=8 * dtype.itemsize)
    return hnp.from_dtype(dtype)  # ints over their whole range, bools


@st.composite
def injected(draw, X, values=SPECIAL_VALUES, counts=(0, 0, 0, 1, 2, 3)):
    """X with a few entries (a number from ``counts``) set to special values (a copy)."""
    X = X.copy()
    if X.size:
        for _ in range(draw(st.sampled_from(counts))):
            index = tuple(draw(st.integers(0, s - 1)) for s in X.shape)
            with np.errstate(all="ignore"):
                X[index] = draw(st.sampled_from(values))
    return X


@st.composite
def numeric_arrays(draw, n=n_samples, f=n_features, dtypes=NUMERIC_DTYPES):
    dtype = draw(st.sampled_from(dtypes))
    X = draw(hnp.arrays(dtype, (draw(n), draw(f)), elements=_moderate_elements(dtype)))
    if np.dtype(dtype).kind in "fc":
        X = draw(injected(X))
    return X


@st.composite
def special_content(draw):
    """Float data with constant columns, duplicated rows, extreme column scales, NaN, inf."""
    n, f = draw(st.integers(0, 40)), draw(st.integers(1, 6))
    X = draw(hnp.arrays(np.float64, (n, f), elements=st.floats(-10, 10)))
    with np.errstate(all="ignore"):
        X = X * np.array(draw(st.lists(st.sampled_from(COLUMN_SCALES), min_size=f, max_size=f)))
        X = X + draw(st.floats(-1e3, 1e3))  # constant columns are not all zero
    rows = draw(st.sampled_from(["as drawn", "all identical", "some duplicated"]))
    if n and rows == "all identical":
        X[:] = X[0]
    elif n and rows == "some duplicated":
        for _ in range(draw(st.integers(1, 5))):
            X[draw(st.integers(0, n - 1))] = X[draw(st.integers(0, n - 1))]
    X = draw(injected(X, [np.nan, np.inf, -np.inf]) if draw(st.booleans()) else st.just(X))
    with np.errstate(all="ignore"):  # 1e300 becomes inf in float32: that is a case too
        return X.astype(draw(st.sampled_from([np.float64, np.float32])))


@st.composite
def odd_shapes(draw):
    """1-D and 3-D arrays, lists of lists, ragged lists, scalars."""
    kind = draw(st.sampled_from(["1-D", "3-D", "list of lists", "ragged", "scalar", "deep list"]))
    numbers = st.floats(-1e3, 1e3)
    if kind == "1-D":
        return draw(hnp.arrays(np.float64, draw(n_samples), elements=numbers))
    if kind == "3-D":
        shape = (draw(n_samples), draw(st.integers(0, 4)), draw(st.integers(0, 3)))
        return draw(hnp.arrays(np.float64, shape, elements=numbers))
    if kind == "list of lists":
        return draw(numeric_arrays(dtypes=[np.float64, np.int64, np.bool_])).tolist()
    if kind == "ragged":
        return draw(st.lists(st.lists(numbers, min_size=0, max_size=6), min_size=0, max_size=40))
    if kind == "scalar":
        return draw(st.one_of(numbers, st.none(), st.text(max_size=3)))
    return draw(st.lists(st.lists(st.lists(numbers, max_size=2), max_size=4), max_size=20))


NUMBER_LIKE_STRINGS = ["1", "2.5", " 3 ", "-1e39", "1e400", "nan", "inf", ""]


@st.composite
def object_arrays(draw):
    """Object arrays holding numbers, strings, None or a mixture."""
    numbers = st.one_of(
        st.integers(-1000, 1000),
        st.floats(-1e3, 1e3),
        st.booleans(),
        st.sampled_from([2**70, -(2**1100), 1e300, 5e-324]),  # huge ints, extreme floats
    )
    strings = st.one_of(st.text(max_size=4), st.sampled_from(NUMBER_LIKE_STRINGS))
    elements = draw(
        st.sampled_from(
            [
                numbers,
                numbers,
                strings,
                st.none(),
                st.one_of(numbers, st.none()),
                st.one_of(numbers, strings, st.none()),
            ]
        )
    )
    shape = (draw(n_samples), draw(n_features))
    X = np.empty(shape, dtype=object)
    for index in np.ndindex(shape):
        X[index] = draw(elements)
    return X


COLUMN_KINDS = ["float", "int", "bool", "category", "string", "Int64", "datetime"]


@st.composite
def data_frames(draw, n=n_samples, f=n_features):
    """DataFrames with mixed column types and string, int or mixed column names."""
    kinds = draw(st.lists(st.sampled_from(COLUMN_KINDS), min_size=draw(f), max_size=6))
    columns = [
        {
            "float": hpd.column(i, dtype=np.float64, elements=st.floats(-1e3, 1e3)),
            "int": hpd.column(i, dtype=np.int64, elements=st.integers(-1000, 1000)),
            "bool": hpd.column(i, dtype=bool),
            "category": hpd.column(i, dtype=object, elements=st.sampled_from(["a", "b", 1, 2])),
            "string": hpd.column(
                i, dtype=object, elements=st.sampled_from(["x", "yy", *NUMBER_LIKE_STRINGS])
            ),
            "Int64": hpd.column(i, dtype=np.int64, elements=st.integers(-1000, 1000)),
            "datetime": hpd.column(i, dtype="datetime64[ns]"),
        }[kind]
        for i, kind in enumerate(kinds)
    ]
    size = draw(n)
    df = draw(hpd.data_frames(columns=columns, index=hpd.range_indexes(size, size)))
    for i, kind in enumerate(kinds):
        if kind == "category":
            df[i] = df[i].astype("category")
        elif kind == "string":
            df[i] = df[i].astype(draw(st.sampled_from(["string", object])))
        elif kind == "Int64":
            values = df[i].astype("Int64")
            if size and draw(st.booleans()):
                values.iloc[draw(st.integers(0, size - 1))] = pd.NA
            df[i] = values
    names = draw(
        st.sampled_from(
            [
                [f"c{i}" for i in range(len(kinds))],  # strings
                list(range(len(kinds))),  # ints
                [f"c{i}" if i % 2 else i for i in range(len(kinds))],  # mixed
                ["same"] * len(kinds),  # duplicated
            ]
        )
    )
    df.columns = names
    return df


# ---------------------------------------------------------------------- fit, then use


@FUZZ_SETTINGS
@given(label=estimators, X=numeric_arrays())
def test_numeric_arrays(label, X):
    check_fit_and_use(label, X)


@FUZZ_SETTINGS
@given(label=estimators, X=special_content())
def test_special_content(label, X):
    check_fit_and_use(label, X)


@FUZZ_SETTINGS
@given(label=estimators, X=odd_shapes())
def test_odd_shapes(label, X):
    check_fit_and_use(label, X)


@FUZZ_SETTINGS
@given(label=estimators, X=object_arrays())
def test_object_arrays(label, X):
    check_fit_and_use(label, X)


@FUZZ_SETTINGS
@given(label=estimators, X=data_frames())
def test_data_frames(label, X):
    check_fit_and_use(label, X)


# ---------------------------------------------------------------------- other data after fit

FIT_COLUMNS = ["a", "b", "c", "d"]


@functools.cache
def _fitted(label, as_frame):
    """An estimator fitted once on well-behaved data (4 features), shared by the examples
    (the methods under test do not change it)."""
    X = np.random.RandomState(0).normal(size=(30, len(FIT_COLUMNS)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ESTIMATORS[label]().fit(pd.DataFrame(X, columns=FIT_COLUMNS) if as_frame else X)


@st.composite
def changed_data(draw, width, widths, forms=("array",)):
    """Data like the fit data (``width`` columns of float64) but for one change: the
    number of rows or columns, the dtype, special values, extreme column scales or the
    form (list, DataFrame with the same, reordered or other names)."""
    change = draw(st.sampled_from(["none", "rows", "width", "dtype", "special", "scale", "form"]))
    n = draw(st.integers(0, 3) if change == "rows" else st.integers(2, 40))
    f = draw(st.sampled_from(widths)) if change == "width" else width
    dtype = draw(st.sampled_from(NUMERIC_DTYPES)) if change == "dtype" else np.float64
    X = draw(hnp.arrays(dtype, (n, f), elements=_moderate_elements(dtype)))
    if change == "special":
        X = draw(injected(X, counts=(1, 2, 3)))
    elif change == "scale":
        scales = draw(st.lists(st.sampled_from(COLUMN_SCALES[1:]), min_size=f, max_size=f))
        with np.errstate(all="ignore"):
            X = (X * np.array(scales)).astype(draw(st.sampled_from([np.float64, np.float32])))
    form = draw(st.sampled_from(forms)) if change == "form" else "array"
    if form == "list":
        return X.tolist()
    if form == "array":
        return X
    names = {
        "frame": FIT_COLUMNS,
        "reordered frame": FIT_COLUMNS[::-1],
        "renamed frame": ["a", "b", "c", "z"],
        "int-named frame": list(range(len(FIT_COLUMNS))),
    }[form]
    return pd.DataFrame(X, columns=names)


other_data = changed_data(
    len(FIT_COLUMNS),
    widths=[0, 1, 3, 5, 6],
    forms=["list", "frame", "reordered frame", "renamed frame", "int-named frame"],
)
# Codes for inverse_transform.
latent_codes = changed_data(FAST["n_components"], widths=[0, 1, 3], forms=["list"])


@FUZZ_SETTINGS
@given(label=estimators, as_frame=st.booleans(), X=other_data)
def test_methods_on_other_data(label, as_frame, X):
    est = _fitted(label, as_frame)
    n = len(X)
    methods = [
        ("transform", (n, FAST["n_components"])),
        ("score_samples", (n,)),
        ("score", None),
    ]
    for what, shape in methods:
        ok, value = _call(label, what, getattr(est, what), X)
        if not ok:
            FUZZ_TALLY[(label, f"{what}: {value}")] += 1
            continue
        if shape is None:
            _check_score(label, what, value)
        else:
            _check_array(label, what, value, shape)
        FUZZ_TALLY[(label, f"{what}: ok")] += 1
    if isinstance(est, GWAEClusterer):
        rejected = _check_predictions(label, est, X, n)
        FUZZ_TALLY[(label, f"predict: {rejected or 'ok'}")] += 1


@FUZZ_SETTINGS
@given(label=estimators, Z=latent_codes)
def test_inverse_transform_of_other_codes(label, Z):
    est = _fitted(label, False)
    ok, value = _call(label, "inverse_transform", est.inverse_transform, Z)
    if ok:
        _check_array(label, "inverse_transform", value, (len(Z), len(FIT_COLUMNS)))
    FUZZ_TALLY[(label, f"inverse_transform: {value if not ok else 'ok'}")] += 1
