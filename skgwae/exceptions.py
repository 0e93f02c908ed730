"""Warnings and errors raised by skgwae."""

from sklearn.exceptions import ConvergenceWarning


class DeviceWarning(UserWarning):
    """A requested or stored device is not available; the model runs on the CPU instead."""


class NonFiniteLossError(ValueError):
    """The training loss became NaN or infinite."""


class NonFiniteLossWarning(ConvergenceWarning):
    """The training loss became NaN or infinite; training went back to the previous epoch
    with a lower learning rate."""


class InconsistentVersionWarning(UserWarning):
    """An estimator is unpickled under a version of skgwae other than the one that pickled
    it (as scikit-learn's warning of the same name)."""
