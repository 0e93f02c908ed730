"""Argument checks shared by the data set generators (each raises a ValueError that names the
argument and the value it got)."""

from numbers import Integral, Real

import numpy as np


def check_int(value, name, minimum):
    """``value`` as a Python int; a ValueError unless it is an integer >= ``minimum``."""
    # bool is an Integral; True as a sample count is a bug at the call site, not a 1.
    if not isinstance(value, Integral) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)


def check_real(value, name, low=None, high=None, *, low_open=False, high_open=False):
    """``value`` as a Python float; a ValueError unless it is a finite real in the interval."""
    if isinstance(value, bool) or not isinstance(value, Real) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite real number, got {value!r}.")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        low_text = "-inf" if low is None else f"{low:g}"
        high_text = "inf" if high is None else f"{high:g}"
        raise ValueError(f"{name} must be in {left}{low_text}, {high_text}{right}, got {value!r}.")
    return float(value)
