"""plot_history: the training record of a fitted GWAE estimator."""

import math

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._common import _pyplot

# Panels of plot_history: (title, training key, validation key). The validation terms are
# those of ``score``: L_GW at its best scale and a kernel MMD in place of L_D, so they
# follow the training terms without being equal to them.
HISTORY_PANELS = (
    ("total loss", "loss", None),
    ("L_GW (Gromov-Wasserstein)", "gw", "val_gw"),
    ("L_W (reconstruction)", "w", "val_w"),
    ("L_D (coupling)", "d", "val_mmd"),
    ("L_H (entropy)", "h", None),
    ("validation score", None, "val_score"),
)
# A panel gets a log y-axis when its values are all positive and span at least this factor
# (two decades: over less, matplotlib labels minor ticks, a clutter of labels).
LOG_SCALE_RATIO = 100.0


def plot_history(estimator, *, ax=None):
    """Plot the loss terms of a fitted GWAE estimator per epoch, from its ``history_``.

    One panel per term: the total training loss, L_GW, L_W, L_D and L_H, and, when the
    estimator was fitted with early stopping, the validation score. The validation terms
    (``val_gw``, ``val_w``, ``val_mmd``) are overlaid on their training counterparts. They
    are the terms of the estimator's ``score`` on the held-out rows, measured after each
    epoch: L_GW at its best scale and a kernel MMD in place of L_D, so they follow the
    training terms (means over the epoch's mini-batches) without being equal to them. The
    epoch whose weights were kept (the best validation score) is marked on the score
    panel. A panel whose values are all positive and span a factor of 100 or more has a
    logarithmic y-axis.

    Parameters
    ----------
    estimator : fitted GWAE estimator
        A fitted :class:`~skgwae.GWAETransformer` or :class:`~skgwae.GWAEClusterer` (any
        fitted estimator with a ``history_`` list of per-epoch dicts).
    ax : array-like of matplotlib Axes, default=None
        Axes to draw on, one per panel, in the order above: 5 panels without early
        stopping, 6 with it. None creates a new figure with a grid of 3 panels per row.

    Returns
    -------
    axes : ndarray of matplotlib Axes of shape (n_panels,)
        The panels, in the order above.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If the estimator is not fitted.
    ValueError
        If ``ax`` does not hold exactly one Axes per panel.

    See Also
    --------
    plot_latent : The latent means of data under the fitted estimator.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skgwae import GWAETransformer
    >>> from skgwae.plotting import plot_history
    >>> X = load_digits().data / 16
    >>> est = GWAETransformer(max_iter=30, random_state=0).fit(X)  # doctest: +SKIP
    >>> axes = plot_history(est)  # doctest: +SKIP
    >>> axes.shape  # doctest: +SKIP
    (6,)
    """
    plt = _pyplot()
    check_is_fitted(estimator)
    history = list(estimator.history_)
    epochs = np.array([row["epoch"] for row in history])

    def column(key):
        # A key that is missing from some epoch is not plotted at all.
        if key is None or any(row.get(key) is None for row in history):
            return None
        return np.array([row[key] for row in history], dtype=float)

    panels = []
    for title, train_key, val_key in HISTORY_PANELS:
        train, val = column(train_key), column(val_key)
        if train is not None or val is not None:
            panels.append((title, train, val))

    if ax is None:
        n_cols = min(3, len(panels))
        n_rows = math.ceil(len(panels) / n_cols)
        fig, grid = plt.subplots(
            n_rows,
            n_cols,
            figsize=(3.6 * n_cols, 2.6 * n_rows),
            squeeze=False,
            layout="constrained",
        )
        grid = grid.ravel()
        for unused in grid[len(panels) :]:
            fig.delaxes(unused)
        axes = grid[: len(panels)]
    else:
        axes = np.ravel(np.asarray(ax, dtype=object))
        if axes.size != len(panels):
            raise ValueError(
                f"plot_history draws {len(panels)} panels for this estimator "
                f"({', '.join(title for title, _, _ in panels)}); ax holds {axes.size} Axes."
            )

    for axis, (title, train, val) in zip(axes, panels):
        if train is not None:
            axis.plot(epochs, train, marker=".", label="training")
        if val is not None:
            label = "validation (MMD)" if title.startswith("L_D") else "validation"
            axis.plot(epochs, val, marker=".", label=label)
        values = np.concatenate([v for v in (train, val) if v is not None])
        if np.all(values > 0) and values.max() >= LOG_SCALE_RATIO * values.min():
            axis.set_yscale("log")
        if train is None and val is not None:
            # The validation score decides which weights are kept: mark that epoch.
            best = int(np.argmax(val))
            axis.plot(
                epochs[best], val[best], marker="*", markersize=12, linestyle="", label="kept"
            )
        if val is not None:
            axis.legend(fontsize="small")
        axis.set_title(title, fontsize="medium")
        axis.set_xlabel("epoch")
    return axes
