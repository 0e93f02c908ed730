"""The constraints of the parameters the estimators share, and the checks of parameters
and inputs beyond them: each turns bad input into a ValueError that names the problem."""

import math
import warnings
from numbers import Integral, Real

import numpy as np

from ._geometry import METRICS
from ._sklearn_compat import Interval, StrOptions, validate_data
from .training import resolve_device
from .training.inference import INFERENCE_CHUNK

FLOAT32_MAX = float(np.finfo(np.float32).max)
# Distances between rows whose norms exceed this overflow float32 when squared (with a
# factor 2 of margin for the difference of two rows and a factor 10 for sums over pairs).
FLOAT32_MAX_NORM = math.sqrt(FLOAT32_MAX) / 20
# batch_size="auto": at most this many rows per batch (the authors' batch size).
AUTO_BATCH_SIZE = 64
# learning_rate="auto": Adam with the MMD coupling takes large steps well (the fit then
# needs few of them); the convolutional networks collapsed to constant codes at 2e-2 (and
# learnt less at 1e-2) on the shapes set; the adversarial critic, with RMSprop, is unstable
# above about 1e-3.
AUTO_LEARNING_RATE = 2e-2
# ... and for the fully connected networks at most this over the rows' effective width (see
# skgwae._data.effective_width). At PyTorch's initialisation a first-layer unit's input
# sum_j w_j x_j has a typical size of ||x||_2 / sqrt(3 p), and an Adam step, which moves
# each weight by about the learning rate, changes it by up to lr ||x||_1: sqrt(3) lr W
# times that size. lr W <= 1 keeps that change within about the inputs' own size, however
# wide the rows (clustering accuracy, seeds 0-2, of the digits enlarged to 24 x 24 pixels, W 417:
# 0.806 at 2e-2 against 0.894; scratch runs on Fashion-MNIST test images, W 510: 0.528
# against 0.540, with no diverged epoch). Rows of at most 50 features, like most tables,
# have W <= 50 and keep 2e-2.
AUTO_LEARNING_RATE_WIDTH = 1.0
# ... and at most 2e-2 times this over the widest hidden layer. The same bound holds one
# layer in: an Adam step changes a hidden unit's input by up to the learning rate times
# the layer before's ||a||_1, which grows with that layer's width. 2e-2 was measured with
# 128 units; at that rate 512 units collapsed the codes (the digits in 2 dimensions: 5-NN
# accuracy 0.24 against 0.91 at 2e-2 * 128 / 512; in 10, 0.62 against 0.96; see
# benchmarks/hidden_width.py). Narrower layers keep 2e-2: 4e-2 was worse at 128 units.
AUTO_LEARNING_RATE_HIDDEN_WIDTH = 128
# lambda_h="auto": the authors' 0.03 up to this many latent coordinates, and beyond them
# 0.03 times this over n_components, so that the weight of the whole entropy term (a sum
# over the coordinates) stays what it is with 10. With 0.03 and more coordinates the
# entropy term outweighs the reconstruction and GW terms: the encoder's noise fills the
# coordinates the decoder does not need, the validation score worsens from the first
# epochs, and early stopping keeps an early model (the digits in 32 and 64 coordinates:
# 5-NN accuracy 0.848 and 0.604 against 0.953 and 0.893 with the rule, fits ended after
# 21-49 of 50 epochs; benchmarks/results/entropy_weight). The weight is not raised for
# fewer coordinates: in a trial, 0.15 with 2 lowered the digits' 5-NN accuracy from 0.91
# to 0.73.
AUTO_LAMBDA_H = 0.03
AUTO_LAMBDA_H_COMPONENTS = 10
AUTO_LEARNING_RATE_CONV = 5e-3
AUTO_LEARNING_RATE_CRITIC = 1e-3


def _positive_ints(values):
    return all(isinstance(s, Integral) and not isinstance(s, bool) and s >= 1 for s in values)


def check_hidden_layer_sizes(hidden_layer_sizes):
    """``hidden_layer_sizes`` as a tuple of positive ints; an int is one hidden layer (as in
    scikit-learn's MLP)."""
    sizes = np.atleast_1d(np.asarray(hidden_layer_sizes, dtype=object))
    if sizes.ndim != 1 or not _positive_ints(sizes):
        raise ValueError(
            "hidden_layer_sizes must be a positive integer or a sequence of positive "
            f"integers, got {hidden_layer_sizes!r}."
        )
    return tuple(int(s) for s in sizes)


def check_image_shape(image_shape, n_features):
    """``image_shape`` as a (C, H, W) tuple (None without it), checked against the data."""
    if image_shape is None:
        return None
    shape = np.asarray(image_shape, dtype=object)
    if shape.ndim != 1 or len(shape) not in (2, 3) or not _positive_ints(shape):
        raise ValueError(
            "image_shape must be (height, width) or (channels, height, width) with positive "
            f"integers, got {image_shape!r}."
        )
    shape = tuple(int(s) for s in shape)
    shape = (1, *shape) if len(shape) == 2 else shape
    if math.prod(shape) != n_features:
        raise ValueError(
            f"image_shape={image_shape!r} holds {math.prod(shape)} pixel values, but X "
            f"has {n_features} features."
        )
    return shape


def check_device(device):
    """The :class:`torch.device` that ``device`` names (``"auto"`` resolved)."""
    try:
        return resolve_device(device)
    except RuntimeError as exc:  # torch's parser rejects the string
        raise ValueError(f"Invalid device {device!r}: {exc}") from None


def effective_lambda_h(lambda_h, n_components):
    """The entropy weight a fit with ``n_components`` latent coordinates uses
    (``"auto"`` resolved)."""
    if lambda_h != "auto":
        return lambda_h
    return AUTO_LAMBDA_H * min(1.0, AUTO_LAMBDA_H_COMPONENTS / n_components)


def effective_batch_size(batch_size, n_train):
    """The batch size a fit on ``n_train`` rows uses (``"auto"`` resolved, clipped)."""
    if batch_size == "auto":
        return min(AUTO_BATCH_SIZE, n_train)
    if batch_size > n_train:
        warnings.warn(
            f"batch_size={batch_size} is larger than the {n_train} training samples; "
            f"using batches of {n_train}.",
            UserWarning,
        )
        return n_train
    return batch_size


def check_warm_start(fitted_config, config):
    """Refuse to continue a model whose structure the parameters no longer describe."""
    changed = [
        f"{k} ({fitted_config[k]!r} -> {v!r})" for k, v in config.items() if fitted_config[k] != v
    ]
    if changed:
        raise ValueError(
            "warm_start=True continues the fitted model, but the model it describes "
            f"has changed: {', '.join(changed)}. Set warm_start=False to fit a new model."
        )


def check_float32_range(X, name="X"):
    """Refuse values finite in float64 that overflow float32, where the networks compute."""
    # max and min, not abs: no temporary copy of X.
    if X.size and max(X.max(), -X.min()) > FLOAT32_MAX:
        raise ValueError(
            f"{name} contains values too large for float32 (|value| > {FLOAT32_MAX:.3g}); "
            "rescale the data, for example with StandardScaler."
        )


def check_distance_range(X):
    """Refuse rows whose squared distances overflow float32 (finite values can)."""
    norm = 0.0
    with np.errstate(over="ignore"):  # an overflow here reads inf and is reported
        # By chunks of rows: the squares are a temporary as large as the chunk only.
        for start in range(0, X.shape[0] if X.size else 0, INFERENCE_CHUNK):
            chunk = X[start : start + INFERENCE_CHUNK]
            norm = max(norm, np.sqrt(np.square(chunk, dtype=np.float64).sum(axis=1).max()))
    if norm > FLOAT32_MAX_NORM:
        raise ValueError(
            f"X contains samples with norms up to {norm:.3g}: squared distances between "
            f"samples overflow float32 (norms must stay below {FLOAT32_MAX_NORM:.3g}). "
            "Rescale the data, for example with StandardScaler."
        )


def checked_input(X, check):
    """``check(X)`` (scikit-learn's validate_data or check_array on X), with two of its
    unclear failures turned into ValueErrors that name the problem."""
    if getattr(X, "ndim", None) == 2 and X.shape[1] == 0:  # a DataFrame without columns
        raise ValueError(
            f"Found array with 0 feature(s) (shape={X.shape}) while a minimum of 1 is required."
        )
    try:
        return check(X)
    except OverflowError as exc:  # Python ints beyond float64
        raise ValueError(
            f"X contains a number too large to convert to float64 ({exc}); rescale the data."
        ) from None


def check_fit_input(estimator, X, *, reset, ensure_min_samples=2):
    """X (one array, or one chunk) validated for fitting ``estimator``: float64 or float32,
    finite, within float32's range; ``reset`` sets ``n_features_in_`` and
    ``feature_names_in_``, else X is checked against them."""
    X = checked_input(
        X,
        lambda X: validate_data(
            estimator,
            X,
            dtype=[np.float64, np.float32],
            ensure_min_samples=ensure_min_samples,
            reset=reset,
        ),
    )
    check_float32_range(X)
    check_distance_range(X)
    return X


def check_inference_input(estimator, X):
    """X validated against the fitted ``estimator`` for inference."""
    X = checked_input(
        X, lambda X: validate_data(estimator, X, dtype=[np.float64, np.float32], reset=False)
    )
    check_float32_range(X)
    return X


# The constraints of the parameters every GWAE estimator shares (scikit-learn's parameter
# validation); each estimator adds its own.
TRAINING_PARAMETER_CONSTRAINTS = {
    "n_components": [Interval(Integral, 1, None, closed="left")],
    "coupling": [StrOptions({"critic", "mmd"})],
    "gw_coupling": [StrOptions({"generative", "inference", "both"})],
    "mmd_kernel": [StrOptions({"imq", "rbf"})],
    "metric": [StrOptions({"auto", *METRICS})],
    "n_neighbors": [Interval(Integral, 1, None, closed="left")],
    "standardize": ["boolean", StrOptions({"auto"})],
    "weight_features": ["boolean", StrOptions({"auto"})],
    "power_transform": ["boolean", StrOptions({"auto"})],
    # An int is one hidden layer, as in scikit-learn's MLP.
    "hidden_layer_sizes": [Interval(Integral, 1, None, closed="left"), "array-like"],
    "image_shape": [None, "array-like"],
    "batch_size": [
        StrOptions({"auto"}),
        Interval(Integral, 2, None, closed="left"),
    ],
    "max_iter": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
    "learning_rate": [StrOptions({"auto"}), Interval(Real, 0, None, closed="neither")],
    "lambda_w": [Interval(Real, 0, None, closed="left")],
    "lambda_d": [Interval(Real, 0, None, closed="left")],
    "lambda_h": [StrOptions({"auto"}), Interval(Real, 0, None, closed="left")],
    "kappa_init": [StrOptions({"auto"}), Interval(Real, 0, None, closed="neither")],
    "n_critic": [Interval(Integral, 1, None, closed="left")],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
    "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
    "tol": [Interval(Real, 0, None, closed="left")],
    "device": [str],
    "precision": [StrOptions({"float32", "bfloat16"})],
    "compile": ["boolean"],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
    "warm_start": ["boolean"],
    "n_jobs": [None, Integral],
}
