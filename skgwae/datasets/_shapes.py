"""A dSprites-like image set with known generative factors, rendered procedurally."""

import math

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from ._validation import check_int, check_real

SHAPES = ("square", "ellipse", "heart")

# Every shape is defined in a canonical frame (a to the right, b up) in which it fits in the
# unit disc centred at the origin, so that it stays inside that disc at every rotation: the
# origin is the centre of the shape's smallest enclosing disc (its reference point), which
# is where the shape is placed and what it is rotated about.
_SQUARE_HALF_SIDE = 1.0 / math.sqrt(2.0)
_ELLIPSE_MINOR = 0.5  # semi-axes 1 (along a at orientation 0) and 0.5
# The heart: a square standing on a vertex, with diagonal half-length d, plus two discs whose
# diameters are its two upper sides. Its smallest enclosing disc touches the bottom vertex and
# both lobes; the centre of that disc lies c*d above the square's centre, where c solves
# (1 - 1/sqrt(2) + c)^2 = 1/2 - c + c^2, and its radius is (1 + c) d, so d = 1 / (1 + c).
_HEART_K = 1.0 - 1.0 / math.sqrt(2.0)
_HEART_C = (0.5 - _HEART_K**2) / (1.0 + 2.0 * _HEART_K)
_HEART_D = 1.0 / (1.0 + _HEART_C)

#: Area of each shape in the canonical frame (unit enclosing radius); a shape of scale s in
#: an image of side n pixels covers ``SHAPE_AREAS[name] * (s * n / 4) ** 2`` pixels.
SHAPE_AREAS = {
    "square": 2.0,
    "ellipse": math.pi * _ELLIPSE_MINOR,
    "heart": (2.0 + math.pi / 2.0) * _HEART_D**2,
}

#: Smallest rotation that maps each shape onto itself.
SYMMETRY_PERIODS = {"square": math.pi / 2.0, "ellipse": math.pi, "heart": 2.0 * math.pi}

# Radius of the enclosing disc of a shape of scale 1, as a fraction of the image side.
_RADIUS_PER_SCALE = 0.25
# Budget of float32 elements per temporary array while rendering (about 8 MB).
_CHUNK_ELEMENTS = 1 << 21


def _inside_square(a, b):
    return np.maximum(np.abs(a), np.abs(b)) <= _SQUARE_HALF_SIDE


def _inside_ellipse(a, b):
    b = b * (1.0 / _ELLIPSE_MINOR)
    return a * a + b * b <= 1.0


def _inside_heart(a, b):
    d = _HEART_D
    # Coordinates about the square's centre; the heart is mirror-symmetric in a, so one lobe
    # test on |a| covers both lobes.
    hx = np.abs(a)
    hy = b + _HEART_C * d
    in_square = hx + np.abs(hy) <= d
    hx -= 0.5 * d
    hy -= 0.5 * d
    return in_square | (hx * hx + hy * hy <= 0.5 * d * d)


_INSIDE = {"square": _inside_square, "ellipse": _inside_ellipse, "heart": _inside_heart}


def _count_per_pixel(hits, width, supersample):
    """Number of True sample points per pixel, float32 (n, width, width), from the boolean
    (n, width * supersample, width * supersample) ``hits``.

    Adding the strided slices one by one is ten times faster than ``sum(axis=(2, 4))`` on the
    5-d view, which reduces over two non-contiguous short axes.
    """
    dtype = np.uint8 if supersample**2 <= np.iinfo(np.uint8).max else np.uint32
    rows = hits.view(np.uint8).reshape(-1, width, supersample, width * supersample)
    counts = rows[:, :, 0].astype(dtype)
    for k in range(1, supersample):
        counts += rows[:, :, k]
    counts = counts.reshape(-1, width, width, supersample)
    total = counts[..., 0].astype(np.float32)
    for k in range(1, supersample):
        total += counts[..., k]
    return total


def _render(name, scale, orientation, x, y, image_size, supersample, out):
    """Render shapes ``name`` into ``out`` (n, image_size, image_size), zero-initialised.

    Each image is evaluated only on a square window around its enclosing disc (at most half
    the image side at scale 1), on ``supersample**2`` points per pixel whose inside-fractions
    give the pixel values. The sample points are the same as on a full grid, so a pixel's value
    does not depend on the window or on the chunking.
    """
    n_total = len(scale)
    radius = _RADIUS_PER_SCALE * scale
    width = min(image_size, math.ceil(2.0 * radius.max() * image_size) + 2)
    n_sub = width * supersample
    chunk = max(1, _CHUNK_ELEMENTS // (n_sub * n_sub))
    inside = _INSIDE[name]
    offsets = np.arange(n_sub) + 0.5
    pixels = np.arange(width)
    for start in range(0, n_total, chunk):
        sl = slice(start, min(start + chunk, n_total))
        r = radius[sl][:, None]
        # Windows start at the pixel holding the left (top) edge of the largest disc, moved
        # back inside the image where needed; both ways they cover the disc.
        col0 = np.clip(np.floor((x[sl] - radius.max()) * image_size), 0, image_size - width)
        row0 = np.clip(np.floor((y[sl] - radius.max()) * image_size), 0, image_size - width)
        col0, row0 = col0.astype(np.intp), row0.astype(np.intp)
        step = 1.0 / (image_size * supersample)
        # Canonical coordinates, rotated by -orientation: a = cos*u + sin*v, b = cos*v - sin*u,
        # where u is to the right and v up (image rows go down), both in enclosing radii.
        u = ((col0[:, None] * supersample + offsets) * step - x[sl][:, None]) / r
        v = (y[sl][:, None] - (row0[:, None] * supersample + offsets) * step) / r
        cos = np.cos(orientation[sl])[:, None]
        sin = np.sin(orientation[sl])[:, None]
        cu, su = (cos * u).astype(np.float32), (sin * u).astype(np.float32)
        cv, sv = (cos * v).astype(np.float32), (sin * v).astype(np.float32)
        a = cu[:, None, :] + sv[:, :, None]
        b = cv[:, :, None] - su[:, None, :]
        values = _count_per_pixel(inside(a, b), width, supersample)
        values *= np.float32(1.0 / supersample**2)
        rows = (row0[:, None] + pixels)[:, :, None]
        cols = (col0[:, None] + pixels)[:, None, :]
        out[np.arange(sl.start, sl.stop)[:, None, None], rows, cols] = values


def _check_shapes(shapes):
    if isinstance(shapes, str):
        shapes = (shapes,)
    try:
        shapes = tuple(shapes)
    except TypeError:
        raise ValueError(
            f"shapes must be a sequence of shape names from {SHAPES}, got {shapes!r}."
        ) from None
    if not shapes:
        raise ValueError(f"shapes must name at least one shape from {SHAPES}, got {shapes!r}.")
    for name in shapes:
        if name not in SHAPES:
            raise ValueError(f"Unknown shape {name!r} in shapes; the shapes are {SHAPES}.")
    if len(set(shapes)) != len(shapes):
        raise ValueError(f"shapes must not repeat a shape, got {shapes!r}.")
    return shapes


def _check_scale_range(scale_range):
    try:
        low, high = scale_range
    except (TypeError, ValueError):
        raise ValueError(f"scale_range must be a pair (low, high), got {scale_range!r}.") from None
    low = check_real(low, "scale_range[0]", 0.0, 2.0, low_open=True)
    high = check_real(high, "scale_range[1]", 0.0, 2.0, low_open=True)
    if low > high:
        raise ValueError(f"scale_range must have low <= high, got {scale_range!r}.")
    return low, high


def _grid(low, high, n):
    """``n`` evenly spaced values from low to high (their midpoint if n is 1)."""
    if n == 1:
        return np.array([(low + high) / 2.0])
    return np.linspace(low, high, n)


def make_shapes(
    n_samples=1000,
    *,
    image_size=32,
    shapes=SHAPES,
    scale_range=(0.5, 1.0),
    orientation="full",
    discrete=False,
    n_scales=6,
    n_orientations=16,
    n_positions=16,
    supersample=4,
    random_state=None,
):
    """Generate dSprites-like images: one white shape on black, with known factors.

    Each image shows a single shape, white (1) on black (0), anti-aliased: a pixel's value is
    the fraction of its ``supersample**2`` sample points that fall inside the shape. Five
    generative factors are drawn independently and uniformly for each image:

    - ``shape``: which shape, as an int code, the index into ``shapes`` (with the default,
      0 square, 1 ellipse, 2 heart).
    - ``scale``: the size. The shape fits in its *enclosing disc*, of radius
      ``scale / 4`` times the image side (so at scale 1 the disc's diameter is half the
      image side); the shape's area is ``SHAPE_AREAS[name] * (scale * image_size / 4)**2``
      pixels, so the image mass grows as ``scale**2``. The square has half-side
      ``1/sqrt(2)``, the ellipse semi-axes 1 and 0.5, the heart (a square standing on a
      vertex with a disc on each upper side) its vertex at the bottom, all in units of the
      disc's radius.
    - ``orientation``: counter-clockwise rotation (as displayed, with row 0 at the top) in
      radians about the centre of the enclosing disc; 0 is the pose above (square
      axis-aligned, ellipse's long axis horizontal, heart upright). The square maps onto
      itself under a rotation by pi/2 and the ellipse under pi; the heart has no rotational
      symmetry (its mirror symmetry is not a rotation). See ``orientation`` below.
    - ``x``, ``y``: the centre of the enclosing disc as fractions of the image side, ``x``
      from the left edge (column direction) and ``y`` from the top edge (row direction). Both
      are drawn from ``[m, 1 - m]`` with ``m = scale_range[1] / 4``, a range that does not
      depend on the scale (factors stay independent) and keeps every shape inside the image.
      The pixel at row ``i``, column ``j`` covers ``[j, j + 1] / image_size`` in ``x`` and
      ``[i, i + 1] / image_size`` in ``y``.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of images.
    image_size : int, default=32
        Side of the square images in pixels, at least 8 (any value: 28 and 48 work too).
    shapes : sequence of str, default=("square", "ellipse", "heart")
        The shapes to draw from, without repeats; their order defines the codes in
        ``factors["shape"]``.
    scale_range : tuple (low, high), default=(0.5, 1.0)
        Range of the scale, with ``0 < low <= high <= 2``.
    orientation : {"full", "symmetry"}, default="full"
        Range of the orientation. ``"full"``: ``[0, 2*pi)`` for every shape, as in
        dSprites; then orientations that differ by a symmetry of the shape (pi/2 for the
        square, pi for the ellipse) give the same image, so the factor is only identifiable
        modulo that period. ``"symmetry"``: ``[0, period)`` with each shape's own period
        (pi/2, pi, 2*pi), so that distinct factors give distinct images; then the orientation
        divided by the period, not the orientation itself, is independent of the shape.
    discrete : bool, default=False
        If False, scale, orientation, x and y are drawn from continuous uniform
        distributions. If True, each is drawn uniformly from a fixed grid, so that the
        factors take few values and a disentanglement score (MIG, DCI, ...) can use them as
        exact classes: ``n_scales`` values evenly spaced over ``scale_range`` (both ends
        included), ``n_orientations`` values ``k * period / n_orientations`` (the period being
        2*pi, or the shape's symmetry period if ``orientation="symmetry"``) and
        ``n_positions`` values evenly spaced over ``[m, 1 - m]`` for each of x and y (the
        midpoint of a range when its count is 1). The defaults give 3 x 6 x 16 x 16 x 16
        combinations (dSprites has 3 x 6 x 40 x 32 x 32).
    n_scales : int, default=6
        Number of scale values if ``discrete``, at least 1.
    n_orientations : int, default=16
        Number of orientation values if ``discrete``, at least 1.
    n_positions : int, default=16
        Number of values of each of x and y if ``discrete``, at least 1.
    supersample : int, default=4
        Sample points per pixel along each axis, for anti-aliasing; 1 gives binary images.
    random_state : int, RandomState instance or None, default=None
        Determines the factors. Pass an int for reproducible output across calls.

    Returns
    -------
    X : ndarray of shape (n_samples, image_size * image_size), dtype float32
        The images, flattened row by row (``X[k].reshape(image_size, image_size)`` is the
        k-th image), with values in [0, 1].
    factors : pandas.DataFrame of shape (n_samples, 5)
        Columns ``shape`` (int64 code), ``scale``, ``orientation``, ``x`` and ``y``
        (float64), one row per image. All numeric, so ``factors.to_numpy()`` is a float
        array of factors. Read the shape codes as ``factors["shape"]``: ``factors.shape`` is
        the DataFrame's dimensions.

    See Also
    --------
    make_clustered_images : Clustered images without factor annotations.

    Examples
    --------
    >>> from skgwae.datasets import make_shapes
    >>> X, factors = make_shapes(100, image_size=28, random_state=0)
    >>> X.shape, X.dtype
    ((100, 784), dtype('float32'))
    >>> list(factors.columns)
    ['shape', 'scale', 'orientation', 'x', 'y']
    """
    n_samples = check_int(n_samples, "n_samples", 1)
    image_size = check_int(image_size, "image_size", 8)
    shapes = _check_shapes(shapes)
    low, high = _check_scale_range(scale_range)
    if orientation not in ("full", "symmetry"):
        raise ValueError(f'orientation must be "full" or "symmetry", got {orientation!r}.')
    if not isinstance(discrete, (bool, np.bool_)):
        raise ValueError(f"discrete must be True or False, got {discrete!r}.")
    n_scales = check_int(n_scales, "n_scales", 1)
    n_orientations = check_int(n_orientations, "n_orientations", 1)
    n_positions = check_int(n_positions, "n_positions", 1)
    supersample = check_int(supersample, "supersample", 1)
    rng = check_random_state(random_state)

    margin = _RADIUS_PER_SCALE * high
    codes = rng.randint(len(shapes), size=n_samples)
    if orientation == "full":
        periods = np.full(n_samples, 2.0 * math.pi)
    else:
        periods = np.array([SYMMETRY_PERIODS[name] for name in shapes])[codes]
    if discrete:
        scale = _grid(low, high, n_scales)[rng.randint(n_scales, size=n_samples)]
        turns = rng.randint(n_orientations, size=n_samples) / n_orientations
        positions = _grid(margin, 1.0 - margin, n_positions)
        x = positions[rng.randint(n_positions, size=n_samples)]
        y = positions[rng.randint(n_positions, size=n_samples)]
    else:
        scale = rng.uniform(low, high, size=n_samples)
        turns = rng.uniform(0.0, 1.0, size=n_samples)
        x = rng.uniform(margin, 1.0 - margin, size=n_samples)
        y = rng.uniform(margin, 1.0 - margin, size=n_samples)
    # A turn just below 1 can round up to the full period; that angle is 0.
    angle = turns * periods
    angle[angle >= periods] = 0.0

    images = np.zeros((n_samples, image_size, image_size), dtype=np.float32)
    for code, name in enumerate(shapes):
        idx = np.flatnonzero(codes == code)
        if idx.size:
            block = np.zeros((idx.size, image_size, image_size), dtype=np.float32)
            _render(name, scale[idx], angle[idx], x[idx], y[idx], image_size, supersample, block)
            images[idx] = block
    factors = pd.DataFrame(
        {
            "shape": codes.astype(np.int64),
            "scale": scale,
            "orientation": angle,
            "x": x,
            "y": y,
        }
    )
    return images.reshape(n_samples, -1), factors
