"""What the estimators' ``fit`` accepts as training data, and the form it hands on.

In-memory data (arrays, DataFrames, lists of rows) is validated as a whole and trained on
from the device. Data larger than memory comes as an iterable of 2-D chunks, or as an
array (typically a ``numpy.memmap``) larger than scikit-learn's ``working_memory``, and is
read a chunk at a time (:mod:`skgwae.training.chunks`). The choice depends on the size of
the data, never on whether an array is memory-mapped, so a memmap (as joblib hands to
parallel workers) fits exactly as the same array in memory.
"""

import dataclasses
from collections.abc import Iterable

import numpy as np
import scipy.sparse

from .training.chunks import ChunkedRows


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


def all_chunks(rows):
    """Every row of an array or :class:`ChunkedRows` (held-out rows included), in order,
    as a sequence of arrays."""
    return rows.units() if isinstance(rows, ChunkedRows) else [rows]


def training_chunks(rows):
    """The training rows of an array or :class:`ChunkedRows` as a sequence of arrays."""
    return rows.chunks() if isinstance(rows, ChunkedRows) else [rows]
