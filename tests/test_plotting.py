"""skgwae.plotting: returned objects, panels and lines, shapes, errors, missing matplotlib."""

import ast
import importlib
import pathlib
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import NotFittedError

from skgwae import GWAEClusterer, GWAETransformer

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")  # headless: no display needed, nothing pops up
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

import skgwae.plotting  # noqa: E402
from skgwae.plotting import (  # noqa: E402
    plot_history,
    plot_latent,
    plot_samples,
    plot_traversal,
)

# Every fit here runs to its tiny max_iter.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# plot_history's panels with early stopping, and which of them overlay a validation line.
N_PANELS_EARLY_STOPPING = 6
N_PANELS_NO_VALIDATION = 5
PANELS_WITH_VALIDATION = {"L_GW", "L_W", "L_D"}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def fitted(fast_params, X_small):
    return GWAETransformer(**fast_params).fit(X_small)


@pytest.fixture
def clusterer(fast_params, X_small):
    fast_params.update(n_components=3)
    return GWAEClusterer(n_clusters=2, **fast_params).fit(X_small)


@pytest.fixture
def digits():
    return load_digits().data[:60] / 16


@pytest.fixture
def fitted_digits(fast_params, digits):
    return GWAETransformer(**fast_params).fit(digits)


def _labels(ax):
    return [line.get_label() for line in ax.lines]


# ---------------------------------------------------------------------- module


def test_module_does_not_import_the_estimators():
    # Architecture rule: nothing imports the estimators; plotting works by duck typing. The
    # package's modules import only each other (one-dot relative imports) from skgwae.
    package = pathlib.Path(skgwae.plotting.__file__).parent
    imported = set()
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                imported.add("." * node.level + (node.module or ""))
    assert not any(name.startswith(("..", "skgwae")) for name in imported), imported


def test_missing_matplotlib_raises_clear_import_error(monkeypatch, fitted, X_small):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    # Importing the module needs no matplotlib ...
    module = importlib.reload(skgwae.plotting)
    # ... calling a function does, and says how to install it.
    for call in (
        lambda: module.plot_history(fitted),
        lambda: module.plot_latent(fitted, X_small),
        lambda: module.plot_samples(fitted, (5,)),
    ):
        with pytest.raises(ImportError, match=r'pip install "skgwae\[plotting\]"'):
            call()


# ---------------------------------------------------------------------- plot_history


def test_plot_history_with_early_stopping(fitted):
    axes = plot_history(fitted)
    assert isinstance(axes, np.ndarray) and axes.shape == (N_PANELS_EARLY_STOPPING,)
    assert all(isinstance(ax, Axes) for ax in axes)
    epochs = [row["epoch"] for row in fitted.history_]
    assert len(epochs) == fitted.n_iter_
    for ax in axes:
        for line in ax.lines:
            if line.get_label() != "kept":
                np.testing.assert_array_equal(line.get_xdata(), epochs)
    titles = [ax.get_title() for ax in axes]
    for ax, title in zip(axes, titles):
        short = title.split(" ")[0]
        if short in PANELS_WITH_VALIDATION:
            assert _labels(ax)[0] == "training"
            assert _labels(ax)[1].startswith("validation"), title
        elif title == "validation score":
            assert _labels(ax) == ["validation", "kept"]
            np.testing.assert_allclose(ax.lines[0].get_ydata(), fitted.validation_scores_)
            # The marked epoch is the one whose weights were kept.
            assert ax.lines[1].get_ydata()[0] == pytest.approx(fitted.best_validation_score_)
        else:
            assert _labels(ax) == ["training"], title
    np.testing.assert_allclose(axes[0].lines[0].get_ydata(), fitted.loss_curve_)


def test_plot_history_without_validation(fast_params, X_small):
    est = GWAETransformer(early_stopping=False, **fast_params).fit(X_small)
    axes = plot_history(est)
    assert axes.shape == (N_PANELS_NO_VALIDATION,)
    assert "validation score" not in [ax.get_title() for ax in axes]
    for ax in axes:
        assert _labels(ax) == ["training"]
        assert len(ax.lines[0].get_xdata()) == est.n_iter_
    # The unused cell of the 2 x 3 grid is removed.
    assert len(axes[0].figure.axes) == N_PANELS_NO_VALIDATION


def test_plot_history_on_given_axes(fitted):
    fig, grid = plt.subplots(2, 3)
    axes = plot_history(fitted, ax=grid)
    assert list(axes) == list(grid.ravel())
    assert all(ax.lines for ax in grid.ravel())

    _, too_few = plt.subplots(1, 2)
    with pytest.raises(ValueError, match=f"{N_PANELS_EARLY_STOPPING} panels.*2 Axes"):
        plot_history(fitted, ax=too_few)


# ---------------------------------------------------------------------- plot_latent


def test_plot_latent_2d_without_labels(fitted, X_small):
    ax = plot_latent(fitted, X_small)
    assert isinstance(ax, Axes)
    (points,) = ax.collections
    np.testing.assert_allclose(points.get_offsets(), fitted.transform(X_small))
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("latent 1", "latent 2")
    assert ax.get_legend() is None


def test_plot_latent_pca_and_categorical_labels(fast_params, X_small):
    fast_params.update(n_components=3)
    est = GWAETransformer(**fast_params).fit(X_small)
    y = np.where(np.arange(len(X_small)) % 3 == 0, "a", "b")
    ax = plot_latent(est, X_small, y, s=5)
    assert ax.get_xlabel().startswith("latent PC1")
    assert ax.get_ylabel().startswith("latent PC2")
    assert len(ax.collections) == 2  # one scatter per class
    assert sum(len(c.get_offsets()) for c in ax.collections) == len(X_small)
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["a", "b"]
    assert legend.get_title().get_text() == "label"


def test_plot_latent_continuous_labels_get_a_colorbar(fitted, X_small):
    y = np.linspace(0, 1, len(X_small))
    ax = plot_latent(fitted, X_small, y)
    assert ax.get_legend() is None
    assert len(ax.figure.axes) == 2  # the scatter and its colorbar
    np.testing.assert_allclose(ax.collections[0].get_array(), y)


def test_plot_latent_colours_clusterer_by_predicted_cluster(clusterer, X_small):
    ax = plot_latent(clusterer, X_small)
    assert ax.get_xlabel().startswith("latent PC1")  # n_components=3
    legend = ax.get_legend()
    assert legend.get_title().get_text() == "cluster"
    predicted = np.unique(clusterer.predict(X_small))
    assert [t.get_text() for t in legend.get_texts()] == [str(k) for k in predicted]
    # An explicit colour overrides the clusters.
    ax = plot_latent(clusterer, X_small, c="k")
    assert ax.get_legend() is None and len(ax.collections) == 1


def test_plot_latent_1d_strip_and_pandas_output(fast_params, X_small):
    fast_params.update(n_components=1)
    est = GWAETransformer(**fast_params).fit(X_small).set_output(transform="pandas")
    ax = plot_latent(est, pd.DataFrame(X_small))
    offsets = ax.collections[0].get_offsets()
    np.testing.assert_allclose(offsets[:, 0], est.transform(X_small).iloc[:, 0])
    assert np.all(np.abs(offsets[:, 1]) < 1)
    assert len(ax.get_yticks()) == 0


def test_plot_latent_on_given_axes_and_bad_labels(fitted, X_small):
    _, given = plt.subplots()
    assert plot_latent(fitted, X_small, ax=given) is given
    with pytest.raises(ValueError, match="y has 3 values, but X has 40 samples"):
        plot_latent(fitted, X_small, [0, 1, 2])
    with pytest.raises(ValueError, match="either y or a colour"):
        plot_latent(fitted, X_small, np.zeros(len(X_small)), c="k")


# ---------------------------------------------------------------------- plot_samples


def _grid(ax):
    (image,) = ax.images
    return np.ma.filled(image.get_array().astype(float), np.nan)


def test_plot_samples_from_the_prior(fitted_digits):
    ax = plot_samples(fitted_digits, (8, 8), n_samples=16, random_state=0)
    assert isinstance(ax, Axes)
    grid = _grid(ax)
    assert grid.shape == (4 * 8 + 3, 4 * 8 + 3)  # 4 x 4 images of 8 x 8, 1-pixel gaps
    assert np.nanmin(grid) == 0 and np.nanmax(grid) == 1  # min-max over the grid
    assert np.isnan(grid[8]).all()  # a gap row
    # Same seed, same picture.
    again = plot_samples(fitted_digits, (8, 8), n_samples=16, random_state=0)
    np.testing.assert_array_equal(_grid(again), grid)


def test_plot_samples_reconstructions(fitted_digits, digits):
    ax = plot_samples(fitted_digits, (8, 8), X=digits, n_samples=6, n_cols=3)
    grid = _grid(ax)
    assert grid.shape == (4 * 8 + 3, 3 * 8 + 2)  # 2 x (originals, reconstructions) rows
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["original", "reconstruction"] * 2
    # The originals are drawn on their own range, unchanged up to scale.
    first = digits[0].reshape(8, 8)
    np.testing.assert_allclose(
        grid[:8, :8], (first - digits[:6].min()) / np.ptp(digits[:6]), atol=1e-12
    )
    # Reconstructions are clipped to the originals' range.
    assert 0 <= np.nanmin(grid) and np.nanmax(grid) <= 1
    # n_samples beyond the rows of X shows all rows; the default grid is nearly square.
    ax = plot_samples(fitted_digits, (8, 8), X=digits[:3], n_samples=16)
    assert len(ax.get_yticklabels()) == 2


def test_plot_samples_rgb(fast_params):
    X = np.random.RandomState(0).uniform(size=(40, 48))
    est = GWAETransformer(**fast_params).fit(X)
    ax = plot_samples(est, (3, 4, 4), n_samples=4, random_state=0)
    grid = _grid(ax)
    assert grid.shape == (2 * 4 + 1, 2 * 4 + 1, 4)  # RGBA, transparent gaps
    assert (grid[4, :, 3] == 0).all() and (grid[:4, :4, 3] == 1).all()
    ax = plot_samples(est, (3, 4, 4), X=X, n_samples=4)
    assert _grid(ax).shape[-1] == 4
    # A single channel is drawn as a greyscale image.
    est1 = GWAETransformer(**fast_params).fit(X[:, :16])
    assert _grid(plot_samples(est1, (1, 4, 4), n_samples=4)).ndim == 2


def test_plot_samples_of_clusterer_are_labelled(clusterer):
    ax = plot_samples(clusterer, (1, 5), n_samples=6, random_state=0)
    _, labels = clusterer.sample(6, random_state=0)
    texts = [t.get_text() for t in ax.texts]
    assert texts == [str(k) for k in np.sort(labels)]  # sorted by cluster


@pytest.mark.parametrize(
    "image_shape, match",
    [
        ((8, 7), r"holds 56 values, but the estimator has n_features_in_=64"),
        ((3, 4, 4), r"holds 48 values, but the estimator has n_features_in_=64"),
        ((2, 4, 8), "1 or 3 channels"),
        ((64,), "1 or 3 channels"),
        ((8, 8.0), "1 or 3 channels"),
        ((0, 8), "1 or 3 channels"),
    ],
)
def test_plot_samples_wrong_image_shape(fitted_digits, image_shape, match):
    with pytest.raises(ValueError, match=match):
        plot_samples(fitted_digits, image_shape)


@pytest.mark.parametrize("kwargs", [{"n_samples": 0}, {"n_cols": 2.5}, {"n_samples": True}])
def test_plot_samples_bad_counts(fitted_digits, kwargs):
    with pytest.raises(ValueError, match="must be a positive integer"):
        plot_samples(fitted_digits, (8, 8), **kwargs)


# ---------------------------------------------------------------------- common


@pytest.mark.parametrize(
    "call",
    [
        lambda est, X: plot_history(est),
        lambda est, X: plot_latent(est, X),
        lambda est, X: plot_samples(est, (5,)),
    ],
    ids=["plot_history", "plot_latent", "plot_samples"],
)
@pytest.mark.parametrize("Estimator", [GWAETransformer, GWAEClusterer])
def test_unfitted_estimator_raises(Estimator, call, X_small):
    with pytest.raises(NotFittedError):
        call(Estimator(), X_small)


def test_figures_save_to_png(tmp_path, fitted, fitted_digits, X_small, digits):
    figures = {
        "history": plot_history(fitted)[0].figure,
        "latent": plot_latent(fitted, X_small, np.arange(len(X_small)) % 2).figure,
        "samples": plot_samples(fitted_digits, (8, 8), random_state=0).figure,
        "reconstructions": plot_samples(fitted_digits, (8, 8), X=digits).figure,
    }
    for name, fig in figures.items():
        path = tmp_path / f"{name}.png"
        fig.savefig(path)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name


# ---------------------------------------------------------------------- plot_traversal


def test_plot_traversal_rows_vary_one_coordinate(fitted_digits, digits, monkeypatch):
    decoded = []
    original = fitted_digits.inverse_transform

    def spy(Z):
        decoded.append(np.array(Z))
        return original(Z)

    monkeypatch.setattr(fitted_digits, "inverse_transform", spy)
    ax = plot_traversal(fitted_digits, digits, (8, 8), n_steps=5, span=1.5)
    assert isinstance(ax, Axes)
    (Z,) = decoded
    codes = fitted_digits.transform(digits)
    assert Z.shape == (2 * 5, 2)
    for j in range(2):
        rows = Z[j * 5 : (j + 1) * 5]
        other = 1 - j
        np.testing.assert_allclose(rows[:, other], codes[0, other])  # the others stay fixed
        expected = codes[:, j].mean() + np.linspace(-1.5, 1.5, 5) * codes[:, j].std()
        np.testing.assert_allclose(rows[:, j], expected, rtol=1e-6)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["z0", "z1"]
    # One grid: 2 rows of 5 images of 8x8 with 1-pixel gaps.
    assert ax.images[0].get_array().shape == (2 * 8 + 1, 5 * 8 + 4)


def test_plot_traversal_chosen_components(fitted_digits, digits):
    ax = plot_traversal(fitted_digits, digits, (8, 8), components=[1])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["z1"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"components": [2]}, "components"),
        ({"components": [0.5]}, "components"),
        ({"n_steps": 1}, "n_steps"),
        ({"image_shape": (8, 7)}, "image_shape"),
    ],
)
def test_plot_traversal_bad_arguments(fitted_digits, digits, kwargs, message):
    kwargs = {"image_shape": (8, 8), **kwargs}
    with pytest.raises(ValueError, match=message):
        plot_traversal(fitted_digits, digits, **kwargs)


def test_plot_traversal_needs_two_rows(fitted_digits, digits):
    with pytest.raises(ValueError, match="at least 2 rows"):
        plot_traversal(fitted_digits, digits[:1], (8, 8))


def test_plot_traversal_unfitted(fast_params, digits):
    with pytest.raises(NotFittedError):
        plot_traversal(GWAETransformer(**fast_params), digits, (8, 8))


def test_image_plots_default_to_the_fitted_image_shape(fast_params, digits):
    est = GWAETransformer(**fast_params, image_shape=(8, 8)).fit(digits)
    assert plot_samples(est, n_samples=4).images[0].get_array().shape == (17, 17)
    assert len(plot_traversal(est, digits).get_yticklabels()) == 2


def test_image_plots_need_a_shape_without_a_fitted_one(fitted_digits, digits):
    with pytest.raises(ValueError, match="image_shape is needed"):
        plot_samples(fitted_digits)
    with pytest.raises(ValueError, match="image_shape is needed"):
        plot_traversal(fitted_digits, digits)
