"""Clustered images: deformed, noisy copies of a few random glyph prototypes."""

import math

import numpy as np
from sklearn.utils import check_random_state

from ._validation import check_int, check_real

# Each stroke is a quadratic Bezier curve rendered as a sum of Gaussian dots along it.
_POINTS_PER_STROKE = 48
# Stroke profile: Gaussian standard deviation as a fraction of the image side (0.8 px at 16).
_STROKE_WIDTH = 0.05
# Control points of the prototypes lie in this square of the image (fractions of the side).
_BOX = (0.2, 0.8)
# Candidates per cluster from which the prototypes are chosen far apart.
_CANDIDATES_PER_CLUSTER = 4
_CHUNK_ELEMENTS = 1 << 21
_T = np.linspace(0.0, 1.0, _POINTS_PER_STROKE)
# Bernstein basis of the quadratic Bezier curve, shape (points, 3).
_BEZIER = np.stack([(1 - _T) ** 2, 2 * _T * (1 - _T), _T**2], axis=1)


def _render_strokes(control, image_size, width):
    """Images (n, image_size, image_size) of strokes with control points ``control``.

    ``control`` has shape (n, n_strokes, 3, 2): (x, y) in fractions of the image side, y down.
    A Gaussian dot is summed at each of ``_POINTS_PER_STROKE`` points along each curve, weighted
    by the arc length it stands for, so that a stroke's centre line has a value near 1 wherever
    the curve runs; values are then capped at 1 (crossings). A dot is separable,
    ``exp(-dx^2 / 2w^2) * exp(-dy^2 / 2w^2)``, so an image is a product of a (rows, points) and
    a (points, columns) matrix.
    """
    n = control.shape[0]
    points = np.einsum("pc,nscd->nspd", _BEZIER, control)  # (n, strokes, points, 2)
    # Arc length per point: half the distance to each neighbour (a trapezoid rule).
    seg = np.linalg.norm(np.diff(points, axis=2), axis=-1)
    length = np.zeros(points.shape[:3])
    length[..., :-1] += 0.5 * seg
    length[..., 1:] += 0.5 * seg
    # In pixels, and float32 from here on: the images are float32 anyway.
    points = (points.reshape(n, -1, 2) * image_size).astype(np.float32)
    # Dot mass so that a straight stroke's centre line is 1: the 1-d Gaussian integral.
    weight = length.reshape(n, -1) * image_size / (math.sqrt(2.0 * math.pi) * width)
    centres = np.arange(image_size, dtype=np.float32) + np.float32(0.5)
    scale = np.float32(-0.5 / width**2)
    gx = np.exp(scale * (centres - points[..., :1]) ** 2)  # (n, points, cols)
    gy = np.exp(scale * (centres - points[..., 1:]) ** 2)  # (n, points, rows)
    gy *= weight.astype(np.float32)[..., None]
    images = np.matmul(gy.transpose(0, 2, 1), gx)
    return np.minimum(images, 1.0, out=images)


def _farthest_points(images, k):
    """Indices of ``k`` rows of ``images`` picked greedily far from each other, from row 0."""
    flat = images.reshape(len(images), -1).astype(np.float64)
    chosen = [0]
    distance = np.linalg.norm(flat - flat[0], axis=1)
    for _ in range(k - 1):
        nxt = int(np.argmax(distance))
        chosen.append(nxt)
        distance = np.minimum(distance, np.linalg.norm(flat - flat[nxt], axis=1))
    return np.array(chosen)


def make_clustered_images(
    n_samples=1000,
    *,
    n_clusters=5,
    image_size=16,
    n_strokes=3,
    shift=0.1,
    scale=0.1,
    rotation=0.25,
    deformation=0.03,
    noise=0.05,
    return_prototypes=False,
    random_state=None,
):
    """Generate clustered images: deformed, noisy copies of random glyph prototypes.

    Each cluster has a prototype, a glyph of ``n_strokes`` smooth strokes (quadratic Bezier
    curves whose control points are drawn uniformly in the central 60% of the image, drawn
    with a Gaussian profile of standard deviation 5% of the image side). The prototypes are
    chosen far apart: ``4 * n_clusters`` candidate glyphs are drawn, and ``n_clusters`` of
    them are picked greedily, each the farthest (in pixel distance of the glyphs drawn with
    thick strokes, so that shifted copies count as close) from those already picked.

    Each sample is a copy of its cluster's prototype under a light random deformation: every
    control point moves independently (a Gaussian of standard deviation ``deformation``),
    then the glyph is scaled about the image centre by a factor drawn uniformly in
    ``[1 - scale, 1 + scale]``, rotated about it by an angle drawn uniformly in
    ``[-rotation, rotation]`` and shifted by offsets drawn uniformly in ``[-shift, shift]``
    along each axis (all lengths as fractions of the image side); Gaussian pixel noise of
    standard deviation ``noise`` is added and the values are clipped to [0, 1]. The shifts
    move thin strokes by about their own width or more, so that two samples of a cluster
    often overlap little pixel by pixel: pixel-wise k-means recovers the clusters only in
    part, while a model that is tolerant to small shifts (or a nearest-neighbour rule with
    enough samples) separates them well.

    The samples are divided among the clusters as equally as possible (the first
    ``n_samples % n_clusters`` clusters get one more) and shuffled.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of images.
    n_clusters : int, default=5
        Number of clusters (prototypes), at least 1.
    image_size : int, default=16
        Side of the square images in pixels, at least 8.
    n_strokes : int, default=3
        Strokes per glyph, at least 1.
    shift : float, default=0.1
        Largest translation along each axis, a fraction of the image side in [0, 0.5].
    scale : float, default=0.1
        Largest relative change of size, in [0, 1).
    rotation : float, default=0.25
        Largest rotation in radians, in [0, pi].
    deformation : float, default=0.03
        Standard deviation of the independent moves of the control points, a fraction of
        the image side, >= 0.
    noise : float, default=0.05
        Standard deviation of the additive Gaussian pixel noise, >= 0.
    return_prototypes : bool, default=False
        If True, also return the prototypes.
    random_state : int, RandomState instance or None, default=None
        Determines the prototypes, labels, deformations and noise. Pass an int for
        reproducible output across calls.

    Returns
    -------
    X : ndarray of shape (n_samples, image_size * image_size), dtype float32
        The images, flattened row by row, with values in [0, 1].
    y : ndarray of shape (n_samples,), dtype int64
        The cluster of each image, in ``range(n_clusters)``.
    prototypes : ndarray of shape (n_clusters, image_size * image_size), dtype float32
        The prototype of each cluster (undeformed, without noise). Only returned if
        ``return_prototypes=True``.

    See Also
    --------
    make_shapes : Images with known continuous generative factors.
    sklearn.datasets.make_blobs : Gaussian clusters of points.

    Examples
    --------
    >>> from skgwae.datasets import make_clustered_images
    >>> X, y = make_clustered_images(100, n_clusters=4, random_state=0)
    >>> X.shape, X.dtype
    ((100, 256), dtype('float32'))
    >>> sorted(set(y.tolist()))
    [0, 1, 2, 3]
    """
    n_samples = check_int(n_samples, "n_samples", 1)
    n_clusters = check_int(n_clusters, "n_clusters", 1)
    image_size = check_int(image_size, "image_size", 8)
    n_strokes = check_int(n_strokes, "n_strokes", 1)
    shift = check_real(shift, "shift", 0.0, 0.5)
    scale = check_real(scale, "scale", 0.0, 1.0, high_open=True)
    rotation = check_real(rotation, "rotation", 0.0, math.pi)
    deformation = check_real(deformation, "deformation", 0.0)
    noise = check_real(noise, "noise", 0.0)
    if not isinstance(return_prototypes, (bool, np.bool_)):
        raise ValueError(f"return_prototypes must be True or False, got {return_prototypes!r}.")
    rng = check_random_state(random_state)

    width = _STROKE_WIDTH * image_size
    candidates = rng.uniform(*_BOX, size=(_CANDIDATES_PER_CLUSTER * n_clusters, n_strokes, 3, 2))
    # Thick strokes (as wide as the largest shift, at least) make the distance between
    # glyphs tolerant to the shifts that the samples will have.
    thick = _render_strokes(candidates, image_size, max(width, shift * image_size))
    control = candidates[_farthest_points(thick, n_clusters)]

    y = np.arange(n_samples) % n_clusters
    rng.shuffle(y)
    moved = control[y] + deformation * rng.standard_normal(size=(n_samples, n_strokes, 3, 2))
    factor = rng.uniform(1.0 - scale, 1.0 + scale, size=n_samples)
    angle = rng.uniform(-rotation, rotation, size=n_samples)
    offset = rng.uniform(-shift, shift, size=(n_samples, 2))
    # Rotation by +angle as displayed (y points down, so the matrix is that of -angle).
    cos, sin = np.cos(angle) * factor, np.sin(angle) * factor
    linear = np.stack([np.stack([cos, sin], -1), np.stack([-sin, cos], -1)], -2)  # (n, 2, 2)
    moved = np.einsum("nij,nspj->nspi", linear, moved - 0.5) + 0.5 + offset[:, None, None, :]

    X = np.empty((n_samples, image_size, image_size), dtype=np.float32)
    n_points = n_strokes * _POINTS_PER_STROKE
    chunk = max(1, _CHUNK_ELEMENTS // (n_points * image_size))
    for start in range(0, n_samples, chunk):
        sl = slice(start, min(start + chunk, n_samples))
        X[sl] = _render_strokes(moved[sl], image_size, width)
        if noise > 0:
            X[sl] += noise * rng.standard_normal(size=X[sl].shape).astype(np.float32)
    np.clip(X, 0.0, 1.0, out=X)
    X = X.reshape(n_samples, -1)
    y = y.astype(np.int64)
    if return_prototypes:
        prototypes = _render_strokes(control, image_size, width)
        return X, y, prototypes.reshape(n_clusters, -1)
    return X, y
