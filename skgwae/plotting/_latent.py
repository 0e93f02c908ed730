"""plot_latent: the data embedded in the latent space, coloured by labels or clusters."""

import numpy as np
from sklearn.decomposition import PCA
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ._common import _pyplot

# Up to this many classes, plot_latent draws a legend; more get a colorbar.
MAX_LEGEND_CLASSES = 20


def plot_latent(estimator, X, y=None, *, ax=None, **scatter_kwargs):
    """Scatter plot of the latent means of X under a fitted GWAE estimator.

    The points are ``estimator.transform(X)``. A latent space of more than 2 dimensions is
    projected on its first 2 principal components (PCA of these latent means; the axis
    labels give the share of variance each explains); a 1-dimensional one is drawn as a
    strip, its points spread vertically by a fixed random jitter. The points are coloured
    by ``y`` when given; otherwise, if the estimator has ``predict`` (the
    :class:`~skgwae.GWAEClusterer`), by its predicted clusters. Categorical labels with at
    most 20 classes get a legend, other labels a colorbar.

    Parameters
    ----------
    estimator : fitted GWAE estimator
        A fitted :class:`~skgwae.GWAETransformer` or :class:`~skgwae.GWAEClusterer` (any
        fitted estimator with ``transform``; a pipeline ending in one works too).
    X : array-like of shape (n_samples, n_features)
        Data to embed.
    y : array-like of shape (n_samples,), default=None
        Labels or values that colour the points.
    ax : matplotlib Axes, default=None
        Axes to draw on. None creates a new figure.
    **scatter_kwargs
        Passed to :meth:`matplotlib.axes.Axes.scatter` (for example ``s``, ``alpha`` or
        ``cmap``). ``c`` or ``color`` colour all points as given, instead of the clusters;
        they cannot be combined with ``y``.

    Returns
    -------
    ax : matplotlib Axes
        The Axes with the scatter plot.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If the estimator is not fitted.
    ValueError
        If ``y`` does not have one value per sample, or is given together with ``c`` or
        ``color``.

    See Also
    --------
    plot_history : The loss terms of the fit, per epoch.
    plot_samples : Generated samples or reconstructions, for estimators trained on images.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skgwae import GWAETransformer
    >>> from skgwae.plotting import plot_latent
    >>> X, y = load_digits(return_X_y=True)
    >>> est = GWAETransformer(n_components=2, random_state=0).fit(X / 16)  # doctest: +SKIP
    >>> ax = plot_latent(est, X / 16, y)  # doctest: +SKIP
    >>> ax.get_xlabel()  # doctest: +SKIP
    'latent 1'
    """
    plt = _pyplot()
    check_is_fitted(estimator)
    explicit_colour = "c" in scatter_kwargs or "color" in scatter_kwargs
    if y is not None and explicit_colour:
        raise ValueError("Pass either y or a colour (c or color) to plot_latent, not both.")
    # np.asarray: transform returns a DataFrame after set_output(transform="pandas").
    Z = np.asarray(estimator.transform(X), dtype=float)
    n_samples, n_dims = Z.shape

    legend_title = "label"
    if y is not None:
        y = column_or_1d(y)
        if y.shape[0] != n_samples:
            raise ValueError(f"y has {y.shape[0]} values, but X has {n_samples} samples.")
    elif not explicit_colour and hasattr(estimator, "predict"):
        y = np.asarray(estimator.predict(X))
        legend_title = "cluster"

    if n_dims > 2:
        pca = PCA(n_components=2, svd_solver="full")
        points = pca.fit_transform(Z)
        xlabel, ylabel = (
            f"latent PC{i + 1} ({ratio:.0%} of variance)"
            for i, ratio in enumerate(pca.explained_variance_ratio_)
        )
    elif n_dims == 2:
        points = Z
        xlabel, ylabel = "latent 1", "latent 2"
    else:
        # A fixed jitter, so that the same call draws the same picture.
        jitter = np.random.RandomState(0).uniform(-0.4, 0.4, size=n_samples)
        points = np.column_stack([Z[:, 0], jitter])
        xlabel, ylabel = "latent 1", None

    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 4.5), layout="constrained")
    scatter_kwargs.setdefault("s", 12)
    _scatter_coloured(ax, points, y, legend_title, scatter_kwargs)
    ax.set_xlabel(xlabel)
    if ylabel is None:
        ax.set_ylim(-1, 1)
        ax.set_yticks([])
    else:
        ax.set_ylabel(ylabel)
    return ax


def _scatter_coloured(ax, points, y, legend_title, scatter_kwargs):
    """Scatter ``points`` on ``ax``, coloured by ``y`` (None: as ``scatter_kwargs`` say)."""
    import matplotlib

    x0, x1 = points[:, 0], points[:, 1]
    if y is None:
        ax.scatter(x0, x1, **scatter_kwargs)
        return
    cmap = scatter_kwargs.pop("cmap", None)
    classes, codes = np.unique(y, return_inverse=True)
    categorical = type_of_target(y) in ("binary", "multiclass")
    if categorical and classes.size <= MAX_LEGEND_CLASSES:
        if cmap is None:
            # The first colours of a qualitative colormap: the most distinct ones.
            colours = matplotlib.colormaps["tab10" if classes.size <= 10 else "tab20"].colors
        else:
            colours = matplotlib.colormaps.get_cmap(cmap)(np.linspace(0, 1, classes.size))
        for k, label in enumerate(classes):
            ax.scatter(
                x0[codes == k], x1[codes == k], color=colours[k], label=str(label), **scatter_kwargs
            )
        ax.legend(title=legend_title, fontsize="small", markerscale=1.5)
        return
    # Continuous values, or too many classes for a legend: a colorbar (of the class codes
    # when the labels are not numbers).
    numeric = np.issubdtype(y.dtype, np.number) or y.dtype == bool
    values = y.astype(float) if numeric else codes
    mappable = ax.scatter(x0, x1, c=values, cmap=cmap or "viridis", **scatter_kwargs)
    ax.figure.colorbar(mappable, ax=ax, label=legend_title if numeric else f"{legend_title} (code)")
