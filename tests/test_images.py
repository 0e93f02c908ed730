"""The convolutional path (``image_shape``): conv network shapes, the estimators on images,
the output activation, parameter errors, persistence and a learning sanity check."""

import math
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.preprocessing import StandardScaler

import skgwae._base
from skgwae import GWAEClusterer, GWAETransformer
from skgwae.datasets import make_clustered_images, make_shapes
from skgwae.nn import GWAEModel, JointCritic, MLPDecoder, MLPEncoder
from skgwae.nn.conv import (
    BASE_CHANNELS,
    MAX_CHANNELS,
    MIN_SPATIAL,
    ConvCriticBranch,
    ConvDecoder,
    ConvEncoder,
    image_pyramid,
)
from skgwae.training import seeded

# Every fit here runs to its tiny max_iter.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

FAST = dict(
    n_components=2,
    hidden_layer_sizes=(16,),
    max_iter=2,
    batch_size=16,
    random_state=0,
)

# (C, H, W): square and not, powers of two and not, too small to downsample at all
# (5x5, and 4x64 whose shorter side is below 2 * MIN_SPATIAL), several channels.
IMAGE_SHAPES = [
    (1, 8, 8),
    (1, 12, 10),
    (3, 9, 15),
    (1, 28, 28),
    (2, 17, 33),
    (1, 5, 5),
    (1, 4, 64),
    (1, 1, 7),
    (3, 64, 48),
]


def _fit(estimator, X):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return estimator.fit(X)


@pytest.fixture(scope="module")
def shapes_8():
    """60 make_shapes images of 8x8 pixels (64 features in [0, 1], float32)."""
    X, _ = make_shapes(60, image_size=8, random_state=0)
    return X


@pytest.fixture(scope="module")
def fitted_shapes(shapes_8):
    """A conv GWAETransformer fitted on ``shapes_8``. Tests must not modify it."""
    return _fit(GWAETransformer(image_shape=(8, 8), **FAST), shapes_8)


@pytest.fixture(scope="module")
def clustered_8():
    return make_clustered_images(60, n_clusters=3, image_size=8, random_state=0)


# ---------------------------------------------------------------------- conv networks


@pytest.mark.parametrize("image_shape", IMAGE_SHAPES)
def test_image_pyramid_levels(image_shape):
    channels, height, width = image_shape
    sizes, widths = image_pyramid(image_shape)
    assert len(sizes) == len(widths)
    assert sizes[0] == (height, width)
    assert widths[0] == channels
    for (h, w), (h2, w2) in zip(sizes[:-1], sizes[1:]):
        assert (h2, w2) == (h // 2, w // 2)  # floor-halved
        assert min(h, w) >= 2 * MIN_SPATIAL  # only halved while the shorter side allows it
    assert min(sizes[-1]) < 2 * MIN_SPATIAL  # stops at the first level below 2 * MIN_SPATIAL
    if min(height, width) >= MIN_SPATIAL:
        # "halving the image down to 4-7 pixels"
        assert MIN_SPATIAL <= min(sizes[-1]) <= 2 * MIN_SPATIAL - 1
    else:
        assert sizes == [(height, width)]
    assert widths[1:] == [min(BASE_CHANNELS * 2**i, MAX_CHANNELS) for i in range(len(sizes) - 1)]


def test_image_pyramid_documented_examples():
    assert image_pyramid((1, 5, 5)) == ([(5, 5)], [1])
    assert image_pyramid((3, 9, 15)) == ([(9, 15), (4, 7)], [3, 16])
    sizes, widths = image_pyramid((1, 256, 256))
    assert sizes[-1] == (4, 4)
    assert widths == [1, 16, 32, 64, 128, 128, 128]  # capped at MAX_CHANNELS


@pytest.mark.parametrize("hidden_layer_sizes", [(16,), (), (16, 8)])
@pytest.mark.parametrize("image_shape", IMAGE_SHAPES)
def test_conv_network_output_shapes(image_shape, hidden_layer_sizes):
    with seeded(0):  # torch's global RNG left as it was
        n_features, n, k = math.prod(image_shape), 3, 2
        x = torch.rand(n, n_features)
        encoder = ConvEncoder(image_shape, k, hidden_layer_sizes)
        mu, logvar = encoder(x)
        assert mu.shape == (n, k) and logvar.shape == (n, k)
        for output in ("sigmoid", "linear"):
            decoder = ConvDecoder(k, image_shape, hidden_layer_sizes, output)
            x_hat = decoder(torch.randn(n, k))
            assert x_hat.shape == (n, n_features)  # exactly n_features values per row
            assert torch.isfinite(x_hat).all()
        branch = ConvCriticBranch(
            image_shape, hidden_layer_sizes, 64, torch.nn.utils.parametrizations.spectral_norm
        )
        assert branch(x).shape == (n, 64)
        critic = JointCritic(n_features, k, hidden_layer_sizes, x_net=branch)
        assert critic(x, torch.randn(n, k)).shape == (n,)


def _spatial_outputs(module, layer_type, run):
    """Spatial sizes (H, W) and channels of the outputs of ``module``'s ``layer_type``
    layers, in call order, while ``run()`` runs."""
    seen = []
    handles = [
        layer.register_forward_hook(lambda m, i, o: seen.append((tuple(o.shape[2:]), o.shape[1])))
        for layer in module.modules()
        if isinstance(layer, layer_type)
    ]
    try:
        run()
    finally:
        for handle in handles:
            handle.remove()
    return seen


@pytest.mark.parametrize("image_shape", IMAGE_SHAPES)
def test_decoder_restores_every_intermediate_size(image_shape):
    with seeded(0):  # torch's global RNG left as it was
        sizes, widths = image_pyramid(image_shape)
        encoder = ConvEncoder(image_shape, 2, (16,))
        decoder = ConvDecoder(2, image_shape, (16,))
        x = torch.rand(2, math.prod(image_shape))
        down = _spatial_outputs(encoder, torch.nn.Conv2d, lambda: encoder(x))
        up = _spatial_outputs(decoder, torch.nn.ConvTranspose2d, lambda: decoder(torch.randn(2, 2)))
        # The encoder's convolutions produce levels 1..L, the decoder's L-1..0 (mirrored).
        assert down == list(zip(sizes[1:], widths[1:]))
        assert up == list(zip(sizes[-2::-1], widths[-2::-1]))
        assert decoder.top == (widths[-1], *sizes[-1])
        # And the decoder's first feature map is the encoder's last.
        if down:
            assert (down[-1][1], *down[-1][0]) == decoder.top


@pytest.mark.parametrize("image_shape", [(1, 12, 10), (3, 9, 15), (1, 5, 5)])
def test_encoder_reads_rows_as_c_order_images(image_shape):
    """A row of X is ``image.reshape(-1)`` of a (C, H, W) image (C order)."""
    encoder = ConvEncoder(image_shape, 2, (16,))
    images = torch.rand(4, *image_shape)
    seen = []
    handle = encoder.conv.register_forward_pre_hook(lambda m, args: seen.append(args[0]))
    encoder(images.reshape(4, -1))
    handle.remove()
    assert torch.equal(seen[0], images)


@pytest.mark.parametrize("image_shape", [(3, 12, 10), (2, 17, 33), (3, 9, 15)])
def test_decoder_writes_rows_as_c_order_images(image_shape):
    """The decoder's rows are its (C, H, W) maps flattened in C order: a last layer that
    outputs the constant c on channel c gives ``row.reshape(C, H, W)[c] == c``."""
    channels = image_shape[0]
    decoder = ConvDecoder(2, image_shape, (16,), output="linear")
    last = decoder.deconv[-1]
    assert isinstance(last, torch.nn.ConvTranspose2d)
    with torch.no_grad():
        last.weight.zero_()
        last.bias.copy_(torch.arange(channels, dtype=torch.float32))
        rows = decoder(torch.randn(3, 2))
    images = rows.reshape(3, *image_shape)
    for c in range(channels):
        assert torch.all(images[:, c] == c)


@pytest.mark.parametrize("image_shape", [(1, 12, 10), (1, 5, 5)])
def test_decoder_output_activation(image_shape):
    with seeded(0):  # torch's global RNG left as it was
        z = 1e3 * torch.randn(16, 2)  # far codes: large pre-activations
        sigmoid = ConvDecoder(2, image_shape, (16,), output="sigmoid")(z)
        linear = ConvDecoder(2, image_shape, (16,), output="linear")(z)
        assert sigmoid.min() >= 0 and sigmoid.max() <= 1
        assert linear.min() < 0 or linear.max() > 1


@pytest.mark.parametrize("coupling", ["mmd", "critic"])
@pytest.mark.parametrize("image_shape", [(3, 9, 15), (1, 5, 5), (1, 12, 10)])
def test_model_losses_backpropagate(image_shape, coupling):
    """Every loss term, and the critic's loss with its gradient penalty (a double backward
    through the convolutions), is finite and reaches every parameter."""
    with seeded(0):  # torch's global RNG left as it was
        n_features = math.prod(image_shape)
        model = GWAEModel(
            n_features,
            2,
            (16,),
            coupling=coupling,
            gw_coupling="both",
            image_shape=image_shape,
            output="sigmoid",
        )
        assert isinstance(model.encoder, ConvEncoder) and isinstance(model.decoder, ConvDecoder)
        x = torch.rand(8, n_features)
        generator = torch.Generator().manual_seed(0)
        terms = model.main_terms(x, generator)
        assert set(terms) == {"gw", "w", "d", "h"}
        assert all(torch.isfinite(t) for t in terms.values())
        sum(terms.values()).backward()
        for name, p in model.named_parameters():
            if not name.startswith("critic."):
                assert p.grad is not None and torch.isfinite(p.grad).all(), name
        if coupling == "critic":
            assert isinstance(model.critic.x_net, ConvCriticBranch)
            model.zero_grad()
            mu, logvar = model.encoder(x)
            loss = model.critic_loss(x, mu.detach(), logvar.detach(), generator)
            assert torch.isfinite(loss)
            loss.backward()
            for name, p in model.critic.named_parameters():
                assert p.grad is not None and torch.isfinite(p.grad).all(), name


# ---------------------------------------------------------------------- estimators


def test_transformer_on_images(fitted_shapes, shapes_8):
    est, X = fitted_shapes, shapes_8
    assert isinstance(est.encoder_, ConvEncoder)
    assert isinstance(est.decoder_, ConvDecoder)
    assert est.critic_ is None
    assert est.model_.config["image_shape"] == (1, 8, 8)
    assert est.model_.config["output"] == "sigmoid"
    Z = est.transform(X)
    assert Z.shape == (60, 2) and Z.dtype == np.float32 and np.isfinite(Z).all()
    X_hat = est.inverse_transform(Z)
    assert X_hat.shape == X.shape and X_hat.dtype == np.float32
    assert X_hat.min() >= 0 and X_hat.max() <= 1
    # Far codes too: the sigmoid bounds every output, not only near the data.
    far = est.inverse_transform(np.array([[100.0, -100.0], [-1e4, 1e4]]))
    assert far.min() >= 0 and far.max() <= 1
    samples = est.sample(7, random_state=0)
    assert samples.shape == (7, 64) and samples.min() >= 0 and samples.max() <= 1
    np.testing.assert_array_equal(samples, est.sample(7, random_state=0))
    assert np.isfinite(est.score(X))
    scores = est.score_samples(X)
    assert scores.shape == (60,) and np.isfinite(scores).all()
    assert len(est.history_) == est.n_iter_ == FAST["max_iter"]


def test_without_image_shape_the_networks_are_mlps(shapes_8):
    est = _fit(GWAETransformer(**FAST), shapes_8)
    assert isinstance(est.encoder_, MLPEncoder)
    assert isinstance(est.decoder_, MLPDecoder)
    assert est.model_.config["image_shape"] is None
    # The sigmoid output belongs to the image path only, even on data in [0, 1].
    assert est.model_.config["output"] == "linear"


@pytest.mark.parametrize(
    "image_shape",
    [(8, 8), (1, 8, 8), [8, 8], np.array([1, 8, 8]), (np.int64(8), np.int64(8))],
    ids=["hw", "chw", "list", "ndarray", "numpy-ints"],
)
def test_image_shape_forms(shapes_8, image_shape):
    est = _fit(GWAETransformer(image_shape=image_shape, **FAST), shapes_8)
    assert est.model_.config["image_shape"] == (1, 8, 8)
    assert all(type(s) is int for s in est.model_.config["image_shape"])
    assert est.encoder_.image_shape == est.decoder_.image_shape == (1, 8, 8)
    assert est.transform(shapes_8).shape == (60, 2)


def test_non_square_and_multichannel_images():
    images, _ = make_shapes(60, image_size=12, random_state=1)
    images = images.reshape(60, 12, 12)
    # Non-square (H, W): crop 2 columns.
    X = np.ascontiguousarray(images[:, :, :10]).reshape(60, -1)
    est = _fit(GWAETransformer(image_shape=(12, 10), **FAST), X)
    assert est.model_.config["image_shape"] == (1, 12, 10)
    X_hat = est.inverse_transform(est.transform(X))
    assert X_hat.shape == (60, 120) and X_hat.min() >= 0 and X_hat.max() <= 1
    # Three channels (C, H, W) of not-a-power-of-two size.
    rgb = np.stack([images[:, :9, :], images[:, 1:10, :], images[:, 3:12, :]], axis=1)
    X = rgb.reshape(60, -1)
    est = _fit(GWAETransformer(image_shape=(3, 9, 12), **FAST), X)
    assert est.model_.config["image_shape"] == (3, 9, 12)
    assert est.inverse_transform(est.transform(X)).shape == (60, 3 * 9 * 12)
    assert est.sample(3, random_state=0).shape == (3, 324)


def test_fortran_ordered_and_dataframe_input(fitted_shapes, shapes_8):
    """Rows of a Fortran-ordered array or a DataFrame (whose values are often
    column-major) are read as the same images."""
    Z = fitted_shapes.transform(shapes_8)
    np.testing.assert_array_equal(fitted_shapes.transform(np.asfortranarray(shapes_8)), Z)
    np.testing.assert_array_equal(fitted_shapes.transform(pd.DataFrame(shapes_8)), Z)
    refit = _fit(GWAETransformer(image_shape=(8, 8), **FAST), np.asfortranarray(shapes_8))
    np.testing.assert_array_equal(refit.transform(shapes_8), Z)


def test_tiny_images_without_convolutions():
    """5x5 images are too small to downsample: the networks have no convolution and
    everything still fits and decodes to 25 values."""
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(40, 25))
    for coupling in ("mmd", "critic"):
        est = _fit(GWAETransformer(image_shape=(5, 5), coupling=coupling, n_critic=1, **FAST), X)
        assert not any(isinstance(m, torch.nn.Conv2d) for m in est.encoder_.modules())
        assert est.inverse_transform(est.transform(X)).shape == (40, 25)
        assert est.sample(4, random_state=0).shape == (4, 25)


def test_standardised_pixels_give_a_linear_output(shapes_8):
    X = StandardScaler().fit_transform(shapes_8)
    assert X.min() < 0 and X.max() > 1
    est = _fit(GWAETransformer(image_shape=(8, 8), **FAST), X)
    assert isinstance(est.decoder_, ConvDecoder)
    assert est.model_.config["output"] == "linear"
    assert est.decoder_.output == "linear"
    far = est.inverse_transform(np.array([[100.0, -100.0], [-1e4, 1e4]]))
    assert far.min() < 0 or far.max() > 1  # unbounded
    X_hat = est.inverse_transform(est.transform(X))
    assert X_hat.shape == X.shape and np.isfinite(X_hat).all()


@pytest.mark.parametrize(
    "low, high, output",
    [
        (0.0, 1.0, "sigmoid"),
        (0.25, 0.75, "sigmoid"),
        (-1e-3, 1.0, "linear"),
        (0.0, 1.001, "linear"),
    ],
)
def test_output_depends_on_the_unit_range(low, high, output):
    rng = np.random.RandomState(0)
    X = rng.uniform(low, high, size=(40, 64))
    X[0, 0], X[1, 1] = low, high
    est = _fit(GWAETransformer(image_shape=(8, 8), **FAST), X)
    assert est.model_.config["output"] == output


@pytest.mark.parametrize("coupling", ["mmd", "critic"])
def test_clusterer_on_images(clustered_8, coupling):
    X, _ = clustered_8
    est = _fit(
        GWAEClusterer(n_clusters=3, image_shape=(8, 8), coupling=coupling, n_critic=1, **FAST),
        X,
    )
    assert isinstance(est.encoder_, ConvEncoder)
    assert isinstance(est.decoder_, ConvDecoder)
    if coupling == "critic":
        assert isinstance(est.critic_.x_net, ConvCriticBranch)
    else:
        assert est.critic_ is None
    assert est.model_.config["output"] == "sigmoid"
    assert est.labels_.shape == (60,)
    np.testing.assert_array_equal(est.predict(X), est.labels_)
    proba = est.predict_proba(X)
    assert proba.shape == (60, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    assert est.transform(X).shape == (60, 2)
    X_hat = est.inverse_transform(est.transform(X))
    assert X_hat.shape == X.shape and X_hat.min() >= 0 and X_hat.max() <= 1
    samples, labels = est.sample(9, random_state=0)
    assert samples.shape == (9, 64) and labels.shape == (9,)
    assert samples.min() >= 0 and samples.max() <= 1
    assert np.isfinite(est.score(X))


def test_transformer_critic_on_images(shapes_8):
    est = _fit(GWAETransformer(image_shape=(8, 8), coupling="critic", n_critic=1, **FAST), shapes_8)
    assert isinstance(est.critic_.x_net, ConvCriticBranch)
    assert np.isfinite(est.history_.column("loss")).all()
    assert np.isfinite(est.score(shapes_8))


# ---------------------------------------------------------------------- errors


class _Forbidden:
    def __init__(self, *args, **kwargs):
        raise AssertionError("the model was built or trained before image_shape was checked")


@pytest.mark.parametrize("Estimator", [GWAETransformer, GWAEClusterer])
@pytest.mark.parametrize(
    "image_shape, n_features, pixels",
    [((1, 8, 8), 63, 64), ((8, 8), 65, 64), ((3, 4, 5), 20, 60), ((7, 9), 64, 63)],
)
def test_image_shape_size_mismatch(monkeypatch, Estimator, image_shape, n_features, pixels):
    monkeypatch.setattr(skgwae._base, "GWAEModel", _Forbidden)
    monkeypatch.setattr(skgwae._base, "Trainer", _Forbidden)
    X = np.random.RandomState(0).uniform(size=(40, n_features))
    est = Estimator(image_shape=image_shape, max_iter=1000)
    with pytest.raises(ValueError) as info:
        est.fit(X)
    message = str(info.value)
    assert "image_shape" in message
    assert f"{pixels} " in message and f"{n_features} " in message
    assert not hasattr(est, "model_")


@pytest.mark.parametrize(
    "image_shape",
    [(0, 8), (8,), (1, 2, 3, 4), (8.0, 8), ("a", 8), True, (8, -8), (8, None), [[8, 8]], "ab", 64],
    ids=repr,
)
def test_malformed_image_shape(shapes_8, image_shape):
    est = GWAETransformer(image_shape=image_shape, **FAST)
    with pytest.raises(ValueError, match="image_shape"):
        est.fit(shapes_8)
    assert not hasattr(est, "model_")


def test_wrong_n_features_after_fit(fitted_shapes, shapes_8):
    for method in ("transform", "score", "score_samples"):
        with pytest.raises(ValueError, match="X has 63 features.*expecting 64 features"):
            getattr(fitted_shapes, method)(shapes_8[:, :63])
    with pytest.raises(ValueError, match="X has 80 features.*expecting 64 features"):
        fitted_shapes.transform(np.hstack([shapes_8, shapes_8[:, :16]]))


# ---------------------------------------------------------------------- persistence


@pytest.mark.parametrize("coupling", ["mmd", "critic"])
def test_pickle_round_trip(shapes_8, coupling):
    est = _fit(GWAETransformer(image_shape=(8, 8), coupling=coupling, n_critic=1, **FAST), shapes_8)
    loaded = pickle.loads(pickle.dumps(est))
    assert loaded.model_.config == est.model_.config
    assert isinstance(loaded.encoder_, ConvEncoder) and isinstance(loaded.decoder_, ConvDecoder)
    Z = est.transform(shapes_8)
    np.testing.assert_array_equal(loaded.transform(shapes_8), Z)
    np.testing.assert_array_equal(loaded.inverse_transform(Z), est.inverse_transform(Z))
    np.testing.assert_array_equal(loaded.sample(5, random_state=3), est.sample(5, random_state=3))
    assert loaded.score(shapes_8) == est.score(shapes_8)


@pytest.mark.parametrize("coupling", ["mmd", "critic"])
def test_same_random_state_same_model(coupling):
    images, _ = make_shapes(40, image_size=12, random_state=2)
    X = np.ascontiguousarray(images.reshape(40, 12, 12)[:, :, :10]).reshape(40, -1)
    params = dict(image_shape=(12, 10), coupling=coupling, n_critic=1, **FAST)
    a = _fit(GWAETransformer(**params), X)
    b = _fit(GWAETransformer(**params), X)
    state_a, state_b = a.model_.state_dict(), b.model_.state_dict()
    assert state_a.keys() == state_b.keys()
    for key in state_a:
        assert torch.equal(state_a[key], state_b[key]), key
    np.testing.assert_array_equal(a.transform(X), b.transform(X))
    assert a.history_.column("loss") == b.history_.column("loss")
    c = _fit(GWAETransformer(**{**params, "random_state": 1}), X)
    assert not np.array_equal(a.transform(X), c.transform(X))


@pytest.mark.parametrize("Estimator", [GWAETransformer, GWAEClusterer])
def test_clone_and_get_params_keep_image_shape(Estimator):
    est = Estimator(image_shape=(1, 8, 8))
    assert est.get_params()["image_shape"] == (1, 8, 8)
    cloned = clone(est)
    assert cloned.image_shape == (1, 8, 8)
    assert cloned.get_params()["image_shape"] == (1, 8, 8)
    assert Estimator().get_params()["image_shape"] is None
    assert cloned.set_params(image_shape=(8, 8)).image_shape == (8, 8)


def test_warm_start_with_changed_image_shape(shapes_8):
    est = _fit(GWAETransformer(image_shape=(1, 8, 8), warm_start=True, **FAST), shapes_8)
    Z = est.transform(shapes_8)
    est.set_params(image_shape=(1, 4, 16))
    with pytest.raises(ValueError, match=r"image_shape \(\(1, 8, 8\) -> \(1, 4, 16\)\)"):
        est.fit(shapes_8)
    # The failed fit left the fitted model as it was.
    assert est.model_.config["image_shape"] == (1, 8, 8)
    np.testing.assert_array_equal(est.transform(shapes_8), Z)
    # (8, 8) is the same model as (1, 8, 8): training continues.
    est.set_params(image_shape=(8, 8))
    _fit(est, shapes_8)
    assert est.n_iter_ == 2 * FAST["max_iter"]
    assert est.model_.config["image_shape"] == (1, 8, 8)


# ---------------------------------------------------------------------- learning


def test_conv_autoencoder_learns_to_reconstruct():
    X, _ = make_clustered_images(200, n_clusters=3, image_size=12, random_state=0)
    est = _fit(
        GWAETransformer(
            n_components=2,
            hidden_layer_sizes=(16,),
            image_shape=(12, 12),
            max_iter=30,
            batch_size=16,
            early_stopping=False,
            random_state=0,
        ),
        X,
    )
    w = est.history_.column("w")
    assert len(w) == 30
    # Measured: L_W falls by a factor 6-9 over seeds 0-3.
    assert w[-1] < w[0] / 3
    # Reconstructions beat the mean image (measured: 0.49-0.54 of its squared error).
    X_hat = est.inverse_transform(est.transform(X))
    error = ((X_hat - X) ** 2).sum(axis=1).mean()
    baseline = ((X.mean(axis=0) - X) ** 2).sum(axis=1).mean()
    assert error < 0.75 * baseline
