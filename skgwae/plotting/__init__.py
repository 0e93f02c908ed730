"""Plots of fitted GWAE estimators: training history, latent space, generated images.

matplotlib is an optional dependency (``pip install "skgwae[plotting]"``); it is imported
only when a function is called, so ``import skgwae.plotting`` works without it.

The functions take any fitted estimator with the public API of the GWAE estimators
(``history_``, ``transform``, ``inverse_transform``, ``sample``, ``predict``,
``n_features_in_``), by duck typing: this module does not import the estimator classes.
"""

from ._history import plot_history
from ._images import plot_samples, plot_traversal
from ._latent import plot_latent

__all__ = ["plot_history", "plot_latent", "plot_samples", "plot_traversal"]
