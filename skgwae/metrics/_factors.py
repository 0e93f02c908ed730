"""What the disentanglement scores share: checks of the factors and codes, and their
discretisation (following disentanglement_lib, Locatello et al. 2019)."""

import numbers
import warnings

import numpy as np
from sklearn.utils import check_array, check_consistent_length

# A factor with at most this many distinct values is discrete under discrete_factors="auto".
_MAX_DISCRETE_VALUES = 20


def _validate_inputs(factors, codes):
    factors = check_array(factors, dtype=np.float64, ensure_min_samples=2, input_name="factors")
    codes = check_array(codes, dtype=np.float64, ensure_min_samples=2, input_name="codes")
    check_consistent_length(factors, codes)
    return factors, codes


def _discrete_mask(discrete_factors, factors):
    """Boolean mask of shape (n_factors,) telling which factors are discrete."""
    n_factors = factors.shape[1]
    if isinstance(discrete_factors, str):
        if discrete_factors != "auto":
            raise ValueError(
                f"discrete_factors must be 'auto', a bool or an array-like of bools or of "
                f"factor indices; got {discrete_factors!r}."
            )
        return np.array(
            [np.unique(factors[:, k]).size <= _MAX_DISCRETE_VALUES for k in range(n_factors)]
        )
    if isinstance(discrete_factors, (bool, np.bool_)):
        return np.full(n_factors, bool(discrete_factors))
    values = np.asarray(discrete_factors)
    if values.ndim != 1:
        raise ValueError(
            f"discrete_factors must be 1-D when it is an array-like; got shape {values.shape}."
        )
    if values.dtype == bool:
        if values.size != n_factors:
            raise ValueError(
                f"discrete_factors has {values.size} entries but there are {n_factors} factors."
            )
        return values.copy()
    if values.size == 0 or np.issubdtype(values.dtype, np.integer):
        mask = np.zeros(n_factors, dtype=bool)
        if values.size and (values.min() < -n_factors or values.max() >= n_factors):
            raise ValueError(
                f"discrete_factors holds an index out of range for {n_factors} factors: "
                f"{values.tolist()}."
            )
        mask[values.astype(np.intp)] = True
        return mask
    raise ValueError(
        f"discrete_factors must be 'auto', a bool or an array-like of bools or of factor "
        f"indices; got an array of dtype {values.dtype}."
    )


def _histogram_labels(x, n_bins):
    """Index in 0..n_bins-1 of the equal-width bin of [min(x), max(x)] holding each value.

    The same bins as ``np.digitize(x, np.histogram(x, n_bins)[1][:-1]) - 1`` (the
    discretiser of disentanglement_lib): a value on an inner edge goes to the upper bin,
    the maximum to the last bin.
    """
    lo, hi = x.min(), x.max()
    if hi <= lo:
        return np.zeros(x.shape, dtype=np.intp)
    labels = np.floor((x - lo) / (hi - lo) * n_bins).astype(np.intp)
    return np.clip(labels, 0, n_bins - 1)


def _value_labels(x):
    return np.unique(x, return_inverse=True)[1].reshape(-1)


def _constant_factors(labels, name):
    """Indices of the factors that take a single value; warns about them, and raises if no
    factor is left."""
    constant = [k for k, y in enumerate(labels) if np.unique(y).size < 2]
    if len(constant) == len(labels):
        raise ValueError(
            f"Every factor takes a single value; {name} needs at least one factor that varies."
        )
    if constant:
        warnings.warn(
            f"Factor(s) {constant} take a single value (entropy 0) and are left out of the "
            f"{name}; their entries in the returned arrays are NaN.",
            UserWarning,
            stacklevel=3,
        )
    return constant


def _check_n_bins(n_bins):
    if not isinstance(n_bins, numbers.Integral) or isinstance(n_bins, bool) or n_bins < 2:
        raise ValueError(f"n_bins must be an integer >= 2; got {n_bins!r}.")
    return int(n_bins)
