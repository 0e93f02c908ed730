"""Checks shared by the readers of a model file's parts: JSON values and stored arrays.

Every check raises a ``ValueError`` that names the part it refuses.
"""

import math
from numbers import Integral, Real

import numpy as np
import torch


def is_int(value):
    return isinstance(value, Integral) and not isinstance(value, bool)


def is_real(value):
    return isinstance(value, Real) and not isinstance(value, bool)


def is_finite_real(value):
    """A real number (not a bool) that is finite in float64 (JSON integers need not be)."""
    try:
        return is_real(value) and math.isfinite(value)
    except OverflowError:
        return False


def is_positive_finite(value):
    return is_finite_real(value) and value > 0


def check_keys(mapping, where, required, optional=()):
    """Refuse ``mapping`` unless it is a dict with every key of ``required`` and no key
    outside ``required`` and ``optional``."""
    if not isinstance(mapping, dict):
        raise ValueError(f"{where} must be a JSON object, got {type(mapping).__name__}.")
    missing = sorted(set(required) - set(mapping))
    extra = sorted(set(mapping) - set(required) - set(optional))
    if missing or extra:
        raise ValueError(
            f"{where} has "
            + "; ".join(
                part
                for part in (
                    f"missing keys {missing}" if missing else "",
                    f"unexpected keys {extra}" if extra else "",
                )
                if part
            )
            + "."
        )


def checked_array(name, tensor, dtype):
    """The stored tensor ``name`` as a numpy array, after checking that its dtype is
    ``dtype`` and, for a float dtype, that its values are finite."""
    # Compared as torch dtypes: some (bfloat16) have no numpy equivalent.
    expected = torch.from_numpy(np.empty(0, dtype=dtype)).dtype
    if tensor.dtype != expected:
        raise ValueError(
            f"The array {name} has dtype {str(tensor.dtype).removeprefix('torch.')}, "
            f"expected {np.dtype(dtype)}."
        )
    array = tensor.numpy()
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise ValueError(f"The array {name} has non-finite values.")
    return array


def plain(value, where):
    """``value`` as JSON data (numpy scalars and arrays, tuples to lists); TypeError for
    anything else."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        return float(value)
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return plain(value.tolist(), where)
    if isinstance(value, np.ndarray) and value.dtype.kind in "OU":
        return [plain(v, where) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [plain(v, where) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: plain(v, f"{where}[{k!r}]") for k, v in value.items()}
    raise TypeError(
        f"{where} holds a {type(value).__name__}, which a safe model file cannot store "
        "(only numbers, strings, booleans, None, lists and dicts with string keys)."
    )
