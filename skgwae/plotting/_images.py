"""plot_samples and plot_traversal: images decoded by a fitted GWAE estimator."""

import math
from numbers import Integral

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._common import _pyplot


def plot_samples(
    estimator,
    image_shape=None,
    *,
    X=None,
    n_samples=16,
    n_cols=None,
    random_state=None,
    cmap="gray",
    ax=None,
):
    """Show generated samples, or reconstructions of X, of a fitted GWAE as an image grid.

    Without X, ``n_samples`` new samples from the prior through the decoder
    (``estimator.sample``); samples of a :class:`~skgwae.GWAEClusterer` are sorted by the
    cluster they were drawn from, which is written in the corner of each image. With X,
    the first ``n_samples`` rows of X (originals) and their reconstructions
    ``inverse_transform(transform(X))``: each row of originals has its reconstructions
    in the row below.

    All images share one grey or colour scale, so that they can be compared: the range of
    the originals with X (reconstructions are clipped to it), else the range of the
    samples.

    Parameters
    ----------
    estimator : fitted GWAE estimator
        A fitted :class:`~skgwae.GWAETransformer` or :class:`~skgwae.GWAEClusterer`
        trained on images flattened to rows.
    image_shape : tuple of int, default=None
        Shape of one image: ``(height, width)``, or ``(channels, height, width)`` with 1 or
        3 channels (channels first, as in torch). Its product must equal the number of
        features of the estimator. None: the estimator's own ``image_shape``.
    X : array-like of shape (n_rows, n_features), default=None
        Images to reconstruct. None shows samples from the prior instead.
    n_samples : int, default=16
        Number of images to generate, or of rows of X to reconstruct (at most ``n_rows``).
    n_cols : int, default=None
        Images per row of the grid. None chooses a nearly square grid.
    random_state : int, RandomState instance or None, default=None
        Seeds the samples from the prior; ignored with X (reconstruction is deterministic).
    cmap : str or matplotlib Colormap, default="gray"
        Colormap of single-channel images (``"gray_r"`` shows dark strokes on white);
        ignored for 3 channels.
    ax : matplotlib Axes, default=None
        Axes to draw the grid on, as one image. None creates a new figure.

    Returns
    -------
    ax : matplotlib Axes
        The Axes with the image grid.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If the estimator is not fitted.
    ValueError
        If ``image_shape`` is not a valid image shape or its size is not the number of
        features, or if ``n_samples`` or ``n_cols`` is not a positive integer.

    See Also
    --------
    plot_traversal : Images along each latent coordinate.
    plot_latent : The latent means of data as a scatter plot.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skgwae import GWAETransformer
    >>> from skgwae.plotting import plot_samples
    >>> X = load_digits().data / 16
    >>> est = GWAETransformer(n_components=10, random_state=0).fit(X)  # doctest: +SKIP
    >>> ax = plot_samples(est, (8, 8), random_state=0)  # doctest: +SKIP
    >>> ax = plot_samples(est, (8, 8), X=X, n_samples=12)  # doctest: +SKIP
    """
    plt = _pyplot()
    check_is_fitted(estimator)
    image_shape = _check_image_shape(
        _image_shape_of(estimator, image_shape), estimator.n_features_in_
    )
    for name, value in (("n_samples", n_samples), ("n_cols", n_cols)):
        if value is not None and (
            not isinstance(value, Integral) or isinstance(value, bool) or value < 1
        ):
            raise ValueError(f"{name} must be a positive integer, got {value!r}.")

    cluster_labels = None
    if X is None:
        generated = estimator.sample(n_samples, random_state=random_state)
        if isinstance(generated, tuple):  # GWAEClusterer: (samples, clusters)
            generated, cluster_labels = generated
            order = np.argsort(cluster_labels, kind="stable")
            generated, cluster_labels = np.asarray(generated)[order], cluster_labels[order]
        images = np.asarray(generated, dtype=float)
        lo, hi = images.min(), images.max()
        n_shown = len(images)
        n_cols = n_cols or math.ceil(math.sqrt(n_shown))
        positions = [divmod(i, n_cols) for i in range(n_shown)]
        row_labels = None
    else:
        X_head = X.iloc[:n_samples] if hasattr(X, "iloc") else np.asarray(X)[:n_samples]
        originals = np.asarray(X_head, dtype=float)
        reconstructions = np.asarray(
            estimator.inverse_transform(estimator.transform(X_head)), dtype=float
        )
        lo, hi = originals.min(), originals.max()
        n_shown = len(originals)
        # Two grid rows (originals, reconstructions) per row of images: a wider grid keeps
        # the figure nearly square.
        n_cols = n_cols or math.ceil(math.sqrt(2 * n_shown))
        images = np.concatenate([originals, reconstructions])
        positions = [(2 * (i // n_cols), i % n_cols) for i in range(n_shown)]
        positions += [(row + 1, col) for row, col in positions]
        row_labels = ("original", "reconstruction")

    scaled = _unit_scale(images, lo, hi)
    mosaic, origins = _mosaic(scaled, image_shape, positions)
    if ax is None:
        ax = _image_axes(plt, mosaic.shape[:2], image_shape[-2], row_labels is not None)
    ax.imshow(mosaic, cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    height = image_shape[-2]
    if row_labels is None:
        ax.set_yticks([])
        ax.set_title("samples from the prior", fontsize="medium")
    else:
        # Label each grid row at its centre: originals, then their reconstructions.
        rows = sorted({(row, top) for (row, _), (top, _) in zip(positions, origins)})
        ax.set_yticks(
            [top + (height - 1) / 2 for _, top in rows],
            [row_labels[row % 2] for row, _ in rows],
            fontsize="small",
        )
        ax.tick_params(axis="y", length=0)
    if cluster_labels is not None:
        for label, (top, left) in zip(cluster_labels, origins):
            # Pixel centres are at integers: the tile's corner is half a pixel up and left.
            ax.text(
                left - 0.4,
                top - 0.4,
                str(label),
                color="tab:red",
                fontsize="x-small",
                ha="left",
                va="top",
            )
    return ax


def plot_traversal(
    estimator, X, image_shape=None, *, n_steps=7, span=2.0, components=None, cmap="gray", ax=None
):
    """Show a latent traversal of a fitted GWAE: one image row per latent coordinate.

    The base code is the latent mean of the first row of X. Row j decodes that code with
    coordinate j replaced by ``n_steps`` evenly spaced values from ``-span`` to ``+span``
    standard deviations of coordinate j over X, around its mean over X, the other
    coordinates fixed. A disentangled code changes one factor of the image per row.

    Parameters
    ----------
    estimator : fitted GWAE estimator
        A fitted :class:`~skgwae.GWAETransformer` or :class:`~skgwae.GWAEClusterer`
        trained on images flattened to rows.
    X : array-like of shape (n_rows, n_features)
        Images: the first is the base, all of them (at least 2) give each coordinate's
        mean and spread.
    image_shape : tuple of int, default=None
        Shape of one image: ``(height, width)``, or ``(channels, height, width)`` with 1 or
        3 channels (channels first). None: the estimator's own ``image_shape``.
    n_steps : int, default=7
        Images per row.
    span : float, default=2.0
        Half-width of the traversal in standard deviations.
    components : array-like of int, default=None
        The latent coordinates to traverse, one row each; None traverses all.
    cmap : str or matplotlib Colormap, default="gray"
        Colormap of single-channel images; ignored for 3 channels.
    ax : matplotlib Axes, default=None
        Axes to draw the grid on. None creates a new figure.

    Returns
    -------
    ax : matplotlib Axes
        The Axes with the traversal grid; its y tick labels name the coordinates.

    See Also
    --------
    plot_samples : Generated samples or reconstructions as an image grid.
    skgwae.metrics.dci_disentanglement : A number for how disentangled the codes are.

    Examples
    --------
    >>> from skgwae.datasets import make_shapes
    >>> from skgwae import GWAETransformer
    >>> from skgwae.plotting import plot_traversal
    >>> X, factors = make_shapes(2000, image_size=32, random_state=0)
    >>> est = GWAETransformer(n_components=6, prior="factorized_neural",
    ...                       image_shape=(32, 32)).fit(X)  # doctest: +SKIP
    >>> ax = plot_traversal(est, X, (32, 32))  # doctest: +SKIP
    """
    plt = _pyplot()
    check_is_fitted(estimator)
    image_shape = _check_image_shape(
        _image_shape_of(estimator, image_shape), estimator.n_features_in_
    )
    if not isinstance(n_steps, Integral) or isinstance(n_steps, bool) or n_steps < 2:
        raise ValueError(f"n_steps must be an integer >= 2, got {n_steps!r}.")
    codes = np.asarray(estimator.transform(X), dtype=float)
    if len(codes) < 2:
        raise ValueError("plot_traversal needs at least 2 rows of X for the codes' spread.")
    d = codes.shape[1]
    components = np.arange(d) if components is None else np.atleast_1d(components)
    if not np.issubdtype(components.dtype, np.integer) or not np.all(
        (components >= 0) & (components < d)
    ):
        raise ValueError(f"components must be latent coordinates in [0, {d}), got {components!r}.")
    offsets = np.linspace(-span, span, n_steps)
    grid = np.repeat(codes[:1], len(components) * n_steps, axis=0)
    for row, j in enumerate(components):
        grid[row * n_steps : (row + 1) * n_steps, j] = (
            codes[:, j].mean() + offsets * codes[:, j].std()
        )
    images = np.asarray(estimator.inverse_transform(grid), dtype=float)
    scaled = _unit_scale(images, images.min(), images.max())
    positions = [divmod(i, n_steps) for i in range(len(images))]
    mosaic, origins = _mosaic(scaled, image_shape, positions)
    if ax is None:
        ax = _image_axes(plt, mosaic.shape[:2], image_shape[-2], True)
    ax.imshow(mosaic, cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks([])
    height = image_shape[-2]
    ax.set_yticks(
        [origins[row * n_steps][0] + (height - 1) / 2 for row in range(len(components))],
        [f"z{j}" for j in components],
        fontsize="small",
    )
    ax.tick_params(axis="y", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return ax


def _image_axes(plt, mosaic_shape, image_height, row_labels):
    """A new figure and Axes sized to the mosaic: about 0.6 inch per image, at most 10
    inches a side, with margins for the row labels or the title.

    The Axes has the mosaic's aspect ratio, so imshow fills it; layout engines misplace
    the row labels of such a fixed-aspect Axes (they were cut off at the figure's edge).
    """
    inches_per_pixel = 0.6 / (image_height + 1)
    height, width = (inches_per_pixel * n for n in mosaic_shape)
    shrink = min(1.0, 10 / height, 10 / width)
    height, width = shrink * height, shrink * width
    left, right = (1.1, 0.1) if row_labels else (0.1, 0.1)
    top, bottom = (0.1, 0.1) if row_labels else (0.35, 0.1)
    # Room for the title above a narrow grid.
    pad = max(0.0, 2.0 - (left + width + right)) / 2
    left, right = left + pad, right + pad
    fig_width, fig_height = left + width + right, bottom + height + top
    fig = plt.figure(figsize=(fig_width, fig_height))
    return fig.add_axes(
        (left / fig_width, bottom / fig_height, width / fig_width, height / fig_height)
    )


def _image_shape_of(estimator, image_shape):
    """``image_shape``, or else the one the estimator was fitted with, if any."""
    if image_shape is None:
        image_shape = getattr(estimator, "image_shape", None)
        if image_shape is None:
            raise ValueError(
                "image_shape is needed: the estimator was fitted without one, so the shape "
                "of its images is unknown."
            )
    return image_shape


def _check_image_shape(image_shape, n_features):
    """``image_shape`` as a tuple of ints (height, width) or (channels, height, width)."""
    shape = tuple(np.atleast_1d(image_shape).tolist()) if image_shape is not None else ()
    if (
        len(shape) not in (2, 3)
        or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 1 for s in shape)
        or (len(shape) == 3 and shape[0] not in (1, 3))
    ):
        raise ValueError(
            "image_shape must be (height, width) or (channels, height, width) with 1 or 3 "
            f"channels, got {image_shape!r}."
        )
    if math.prod(shape) != n_features:
        raise ValueError(
            f"image_shape={shape} holds {math.prod(shape)} values, but the estimator has "
            f"n_features_in_={n_features} features."
        )
    return shape


def _unit_scale(images, lo, hi):
    """Map [lo, hi] to [0, 1] (clipped): one scale for the whole grid. A constant grid is
    shown mid-grey, not divided by 0."""
    return np.clip((images - lo) / (hi - lo), 0, 1) if hi > lo else np.full_like(images, 0.5)


def _mosaic(images, image_shape, positions):
    """Tile flat images (values in [0, 1]) at grid ``positions`` (row, column) into one
    array for ``imshow``; return it and the top-left pixel of each tile.

    Gaps between tiles are transparent: NaN for single-channel images (drawn in the
    background colour), alpha 0 for RGB ones.
    """
    rgb = len(image_shape) == 3 and image_shape[0] == 3
    height, width = image_shape[-2:]
    gap = max(1, round(0.125 * max(height, width)))
    n_rows = max(row for row, _ in positions) + 1
    n_cols = max(col for _, col in positions) + 1
    canvas_shape = (n_rows * (height + gap) - gap, n_cols * (width + gap) - gap)
    if rgb:
        canvas = np.zeros(canvas_shape + (4,))
        tiles = images.reshape(-1, 3, height, width).transpose(0, 2, 3, 1)
        tiles = np.concatenate([tiles, np.ones(tiles.shape[:-1] + (1,))], axis=-1)
    else:
        canvas = np.full(canvas_shape, np.nan)
        tiles = images.reshape(-1, height, width)
    origins = []
    for tile, (row, col) in zip(tiles, positions):
        top, left = row * (height + gap), col * (width + gap)
        canvas[top : top + height, left : left + width] = tile
        origins.append((top, left))
    return canvas, origins
