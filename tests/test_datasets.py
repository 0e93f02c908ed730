"""skgwae.datasets: output format, seeding, that the factors really control the shape images,
and that the clustered images are clustered (but not trivially so)."""

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.neighbors import KNeighborsClassifier

from skgwae.datasets import make_clustered_images, make_shapes
from skgwae.datasets._shapes import SHAPE_AREAS, SHAPES, SYMMETRY_PERIODS
from skgwae.metrics import cluster_accuracy

COLUMNS = ["shape", "scale", "orientation", "x", "y"]


@pytest.fixture(scope="module")
def shapes_data():
    """3000 continuous-factor images of 32 x 32 (about 0.3 s), shared by several tests."""
    return make_shapes(3000, image_size=32, random_state=0)


def _moments(X, image_size):
    """Mass and centroid (x from the left, y from the top, as fractions of the side)."""
    images = X.reshape(-1, image_size, image_size).astype(np.float64)
    centres = (np.arange(image_size) + 0.5) / image_size
    mass = images.sum(axis=(1, 2))
    cx = (images.sum(axis=1) * centres).sum(axis=1) / mass
    cy = (images.sum(axis=2) * centres).sum(axis=1) / mass
    return mass, cx, cy


# make_shapes: format


@pytest.mark.parametrize("image_size", [8, 28, 32, 48])
def test_shapes_format(image_size):
    X, factors = make_shapes(60, image_size=image_size, random_state=0)
    assert X.shape == (60, image_size * image_size)
    assert X.dtype == np.float32
    assert X.min() >= 0.0 and X.max() <= 1.0
    # Every image shows something, and the background is black.
    assert (X.max(axis=1) > 0).all()
    assert np.median(X) == 0.0
    assert isinstance(factors, pd.DataFrame)
    assert list(factors.columns) == COLUMNS
    assert len(factors) == 60


def test_shapes_factor_table(shapes_data):
    _, factors = shapes_data
    assert factors["shape"].dtype == np.int64
    for column in COLUMNS[1:]:
        assert factors[column].dtype == np.float64
    assert set(factors["shape"]) == {0, 1, 2}
    # Drawn uniformly: each shape about a third of the time.
    counts = np.bincount(factors["shape"])
    assert (np.abs(counts - 1000) < 150).all()
    assert factors["scale"].between(0.5, 1.0).all()
    assert factors["orientation"].between(0.0, 2 * math.pi, inclusive="left").all()
    margin = 1.0 / 4
    for column in ("x", "y"):
        assert factors[column].between(margin, 1 - margin).all()
        assert factors[column].std() > 0.1
    # Drawn independently: no factor explains another.
    corr = factors.corr().to_numpy()
    assert np.abs(corr[np.triu_indices(5, 1)]).max() < 0.1


def test_shapes_seeding():
    X0, f0 = make_shapes(50, random_state=3)
    X1, f1 = make_shapes(50, random_state=3)
    X2, f2 = make_shapes(50, random_state=4)
    np.testing.assert_array_equal(X0, X1)
    pd.testing.assert_frame_equal(f0, f1)
    assert not np.array_equal(X0, X2)
    assert not f0.equals(f2)
    X3, _ = make_shapes(50, random_state=np.random.RandomState(3))
    np.testing.assert_array_equal(X0, X3)


def test_shape_codes_follow_the_shapes_argument():
    X, factors = make_shapes(200, shapes=("heart", "square"), scale_range=(1, 1), random_state=0)
    assert set(factors["shape"]) == {0, 1}
    mass, _, _ = _moments(X, 32)
    heart = SHAPE_AREAS["heart"] * 8**2
    square = SHAPE_AREAS["square"] * 8**2
    np.testing.assert_allclose(mass[factors["shape"] == 0], heart, rtol=0.02)
    np.testing.assert_allclose(mass[factors["shape"] == 1], square, rtol=0.02)
    _, single = make_shapes(10, shapes="ellipse", random_state=0)
    assert (single["shape"] == 0).all()


# make_shapes: the factors control the images


def test_centroid_tracks_position(shapes_data):
    X, factors = shapes_data
    _, cx, cy = _moments(X, 32)
    assert np.corrcoef(cx, factors["x"])[0, 1] > 0.95
    assert np.corrcoef(cy, factors["y"])[0, 1] > 0.95
    # The heart's centroid is off its enclosing disc's centre, by 0.04 radii.
    assert np.abs(cx - factors["x"]).max() < 0.02
    assert np.abs(cy - factors["y"]).max() < 0.02


@pytest.mark.parametrize("image_size", [28, 32, 48])
def test_mass_tracks_scale_squared(image_size, shapes_data):
    if image_size == 32:
        X, factors = shapes_data
    else:
        X, factors = make_shapes(600, image_size=image_size, random_state=1)
    mass, _, _ = _moments(X, image_size)
    for code, name in enumerate(SHAPES):
        rows = (factors["shape"] == code).to_numpy()
        ratio = mass[rows] / (factors["scale"][rows] * image_size / 4) ** 2
        # The rendered area is the shape's area up to the supersampling error, which is
        # largest (a few %) for a small square whose sides run along the sample rows.
        assert ratio.mean() == pytest.approx(SHAPE_AREAS[name], rel=0.01)
        np.testing.assert_allclose(ratio, SHAPE_AREAS[name], rtol=0.06)
        assert np.corrcoef(mass[rows], factors["scale"][rows] ** 2)[0, 1] > 0.99


def test_shapes_differ_in_mass_at_equal_scale():
    X, factors = make_shapes(300, scale_range=(0.8, 0.8), random_state=0)
    mass, _, _ = _moments(X, 32)
    means = [mass[factors["shape"] == code].mean() for code in range(3)]
    spreads = [mass[factors["shape"] == code].std() for code in range(3)]
    for i in range(3):
        for j in range(i):
            assert abs(means[i] - means[j]) > 0.1 * max(means[i], means[j])
            assert abs(means[i] - means[j]) > 10 * max(spreads[i], spreads[j])


def _quarter_turns(name):
    """Images of one shape at the centre, at scale 1, at orientations 0, pi/2, pi, 3pi/2."""
    X, factors = make_shapes(
        200,
        shapes=(name,),
        scale_range=(1.0, 1.0),
        discrete=True,
        n_orientations=4,
        n_positions=1,
        random_state=0,
    )
    turns = np.round(factors["orientation"] / (math.pi / 2)).astype(int)
    return {k: X[(turns == k).to_numpy()] for k in range(4)}


def test_rotation_changes_only_what_symmetry_allows():
    heart = _quarter_turns("heart")
    ellipse = _quarter_turns("ellipse")
    square = _quarter_turns("square")
    for k in range(4):
        # Same factors, same image.
        for images in (heart, ellipse, square):
            np.testing.assert_array_equal(images[k], images[k][:1].repeat(len(images[k]), 0))
    for k in range(1, 4):
        assert np.abs(heart[k][0] - heart[0][0]).sum() > 20
        assert np.abs(square[k][0] - square[0][0]).max() < 1e-5
    assert np.abs(ellipse[1][0] - ellipse[0][0]).sum() > 20
    assert np.abs(ellipse[2][0] - ellipse[0][0]).max() < 1e-5
    # A small rotation changes the heart too.
    X, factors = make_shapes(
        300, shapes=("heart",), scale_range=(1, 1), discrete=True, n_positions=1, random_state=0
    )
    assert len(np.unique(X, axis=0)) == factors["orientation"].nunique() == 16


def test_shape_stays_in_its_enclosing_disc(shapes_data):
    X, factors = shapes_data
    images = X.reshape(-1, 32, 32)
    centres = (np.arange(32) + 0.5) / 32
    for k in range(0, 3000, 10):
        row = factors.iloc[k]
        distance = np.hypot(centres[None, :] - row["x"], centres[:, None] - row["y"])
        # A lit pixel meets the disc: its centre is within half a pixel diagonal of it.
        lit = images[k] > 0
        assert (distance[lit] <= row["scale"] / 4 + math.sqrt(0.5) / 32 + 1e-9).all()


def test_symmetry_orientation_range():
    _, factors = make_shapes(600, orientation="symmetry", random_state=0)
    for code, name in enumerate(SHAPES):
        angles = factors["orientation"][factors["shape"] == code]
        assert angles.between(0, SYMMETRY_PERIODS[name], inclusive="left").all()
        assert angles.max() > 0.9 * SYMMETRY_PERIODS[name]


def test_supersample_one_gives_binary_images():
    X, _ = make_shapes(20, supersample=1, random_state=0)
    assert set(np.unique(X)) <= {0.0, 1.0}
    X4, _ = make_shapes(20, random_state=0)
    assert len(np.unique(X4)) > 2


# make_shapes: discrete factors


def test_discrete_factors_take_grid_values():
    _, factors = make_shapes(
        3000,
        scale_range=(0.5, 1.0),
        discrete=True,
        n_scales=6,
        n_orientations=16,
        n_positions=16,
        random_state=0,
    )
    np.testing.assert_allclose(np.unique(factors["scale"]), np.linspace(0.5, 1.0, 6))
    np.testing.assert_allclose(np.unique(factors["orientation"]), np.arange(16) * 2 * math.pi / 16)
    positions = np.linspace(0.25, 0.75, 16)
    np.testing.assert_allclose(np.unique(factors["x"]), positions)
    np.testing.assert_allclose(np.unique(factors["y"]), positions)


def test_discrete_symmetry_orientations_and_single_values():
    _, factors = make_shapes(
        500,
        discrete=True,
        orientation="symmetry",
        n_orientations=4,
        n_scales=1,
        n_positions=1,
        random_state=0,
    )
    for code, name in enumerate(SHAPES):
        angles = np.unique(factors["orientation"][factors["shape"] == code])
        np.testing.assert_allclose(angles, np.arange(4) * SYMMETRY_PERIODS[name] / 4)
    assert (factors["scale"] == 0.75).all()
    assert (factors["x"] == 0.5).all() and (factors["y"] == 0.5).all()


# make_shapes: bad arguments


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_samples=0), "n_samples must be an integer >= 1, got 0"),
        (dict(n_samples=2.5), "n_samples must be an integer"),
        (dict(n_samples=True), "n_samples must be an integer"),
        (dict(image_size=7), "image_size must be an integer >= 8, got 7"),
        (dict(shapes=("square", "triangle")), "Unknown shape 'triangle'"),
        (dict(shapes=()), "at least one shape"),
        (dict(shapes=("heart", "heart")), "must not repeat"),
        (dict(shapes=3), "sequence of shape names"),
        (dict(scale_range=(1.0, 0.5)), "low <= high"),
        (dict(scale_range=(0.0, 1.0)), r"scale_range\[0\] must be in \(0, 2\]"),
        (dict(scale_range=(0.5, 2.5)), r"scale_range\[1\] must be in \(0, 2\]"),
        (dict(scale_range=(0.5, float("nan"))), "finite real"),
        (dict(scale_range=0.5), "pair"),
        (dict(scale_range=(0.1, 0.2, 0.3)), "pair"),
        (dict(orientation="half"), "orientation must be"),
        (dict(discrete="yes"), "discrete must be True or False"),
        (dict(n_scales=0), "n_scales must be an integer >= 1"),
        (dict(n_orientations=0), "n_orientations must be an integer >= 1"),
        (dict(n_positions=0), "n_positions must be an integer >= 1"),
        (dict(supersample=0), "supersample must be an integer >= 1"),
    ],
)
def test_shapes_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_shapes(**{"n_samples": 5, **kwargs})


# make_clustered_images


@pytest.fixture(scope="module")
def clustered_data():
    return make_clustered_images(1000, n_clusters=5, random_state=0, return_prototypes=True)


def test_clustered_format(clustered_data):
    X, y, prototypes = clustered_data
    assert X.shape == (1000, 256) and X.dtype == np.float32
    assert X.min() >= 0.0 and X.max() <= 1.0
    assert y.shape == (1000,) and y.dtype == np.int64
    assert prototypes.shape == (5, 256) and prototypes.dtype == np.float32
    assert np.bincount(y).tolist() == [200] * 5
    X2, y2 = make_clustered_images(103, n_clusters=4, image_size=28, random_state=0)
    assert X2.shape == (103, 784)
    assert np.bincount(y2).tolist() == [26, 26, 26, 25]


def test_clustered_seeding():
    X0, y0 = make_clustered_images(60, random_state=0)
    X1, y1 = make_clustered_images(60, random_state=0)
    X2, y2 = make_clustered_images(60, random_state=1)
    np.testing.assert_array_equal(X0, X1)
    np.testing.assert_array_equal(y0, y1)
    assert not np.array_equal(X0, X2)


def test_clusters_are_compact(clustered_data):
    X, y, _ = clustered_data
    X, y = X[:400].astype(np.float64), y[:400]
    sq = (X**2).sum(axis=1)
    distance = np.sqrt(np.maximum(sq[:, None] + sq[None, :] - 2 * X @ X.T, 0))
    same = y[:, None] == y[None, :]
    np.fill_diagonal(same, False)
    different = y[:, None] != y[None, :]
    assert distance[same].mean() < 0.9 * distance[different].mean()


def test_clusters_recoverable_but_not_by_pixel_kmeans(clustered_data):
    X, y, prototypes = clustered_data
    # 1-NN on held-out samples: the clusters are there.
    knn = KNeighborsClassifier(n_neighbors=1).fit(X[:500], y[:500])
    assert knn.score(X[500:], y[500:]) > 0.95
    # The nearest noise-free prototype is right more often than not...
    d = ((X[:, None, :] - prototypes[None, :, :]) ** 2).sum(axis=-1)
    assert (d.argmin(axis=1) == y).mean() > 0.7
    # ...but k-means on raw pixels does not find the clusters.
    labels = KMeans(n_clusters=5, n_init=10, random_state=0).fit_predict(X)
    assert cluster_accuracy(y, labels) < 0.95


def test_clustered_deformations_can_be_switched_off():
    X, y, prototypes = make_clustered_images(
        50,
        shift=0,
        scale=0,
        rotation=0,
        deformation=0,
        noise=0,
        return_prototypes=True,
        random_state=0,
    )
    np.testing.assert_allclose(X, prototypes[y], atol=1e-6)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_samples=0), "n_samples must be an integer >= 1, got 0"),
        (dict(n_clusters=0), "n_clusters must be an integer >= 1"),
        (dict(image_size=4), "image_size must be an integer >= 8"),
        (dict(n_strokes=0), "n_strokes must be an integer >= 1"),
        (dict(shift=-0.1), r"shift must be in \[0, 0.5\]"),
        (dict(scale=1.0), r"scale must be in \[0, 1\)"),
        (dict(rotation=4.0), "rotation must be in"),
        (dict(deformation=-1), "deformation must be in"),
        (dict(noise=float("inf")), "noise must be a finite real"),
        (dict(return_prototypes=None), "return_prototypes must be True or False"),
    ],
)
def test_clustered_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_clustered_images(**{"n_samples": 5, **kwargs})
