"""Warnings and errors raised by skgwae."""

from sklearn.exceptions import ConvergenceWarning


class DeviceWarning(UserWarning):
    """A requested or stored device is not available; the model runs on the CPU instead."""


class NonFiniteLossError(ValueError):
    """The training loss became NaN or infinite."""


class NonFiniteLossWarning(ConvergenceWarning):
    """The training loss became NaN or infinite, and training recovered.

    Training went back to the previous epoch and continued with a lower learning rate.
    """


class DivergenceWarning(ConvergenceWarning):
    """Training diverged in one epoch, and recovered.

    kappa, the scale between latent and data distances, changed several-fold in one epoch
    (the codes' scale collapsed); training went back to the previous epoch and continued
    with a lower learning rate, as after a non-finite loss.
    """


class InconsistentVersionWarning(UserWarning):
    """An estimator is loaded under another version of skgwae than the one that saved it.

    Issued when a pickle, or a model file of :mod:`skgwae.io`, written by one version of
    skgwae is loaded under another, as scikit-learn's warning of the same name.
    """
