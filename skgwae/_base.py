"""The shared machinery of the GWAE estimators: parameters, fitting, persistence."""

import contextlib
import copy
import inspect
import math
import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn import get_config
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_array, check_random_state

from ._data import TrainingData, is_chunked
from ._sklearn_compat import (
    Interval,
    StrOptions,
    _fit_context,
    check_is_fitted,
    validate_data,
)
from ._version import __version__
from .exceptions import DeviceWarning, InconsistentVersionWarning
from .nn import GWAEModel
from .training import (
    ArrayRows,
    History,
    IterableRows,
    Trainer,
    as_tensor,
    evaluate_criterion,
    make_generator,
    map_tensors,
    resolve_device,
    scan_rows,
    seeded,
)

# Rows per forward pass in transform / inverse_transform / sample: bounds memory on big X.
INFERENCE_CHUNK = 8192
# batch_size="auto": at most this many rows per batch.
AUTO_BATCH_SIZE = 64
# An array larger than scikit-learn's working_memory is read by chunks of at most this
# fraction of it (64 MiB at the default 1024 MiB): a few chunks' copies (reading,
# conversion, device) stay well inside it.
CHUNKS_PER_WORKING_MEMORY = 16
# Data read by chunks: at most this many validation rows (they stay in memory).
CHUNKED_VALIDATION_ROWS = 10_000
# kappa_init="auto" matches the distance scales on at most this many training rows.
KAPPA_CALIBRATION_ROWS = 1024
FLOAT32_MAX = float(np.finfo(np.float32).max)
# Distances between rows whose norms exceed this overflow float32 when squared (with a
# factor 2 of margin for the difference of two rows and a factor 10 for sums over pairs).
FLOAT32_MAX_NORM = math.sqrt(FLOAT32_MAX) / 20

# The numpydoc entries of the training parameters every GWAE estimator shares; each
# estimator's docstring holds the placeholder below where they go.
TRAINING_PARAMETERS_PLACEHOLDER = "%(training_parameters)s"
# Likewise for the fitted attributes every GWAE estimator has.
FITTED_ATTRIBUTES_PLACEHOLDER = "%(fitted_attributes)s"
FITTED_ATTRIBUTES_DOC = """\
model_ : skgwae.nn.GWAEModel
    The fitted torch model (encoder, decoder, prior, kappa and critic).
encoder_, decoder_, prior_, critic_ : torch.nn.Module
    The fitted parts of ``model_`` (``critic_`` is None with the MMD coupling).
kappa_ : float
    The learned ratio between data and (scale-normalised) latent distances.
n_iter_ : int
    Number of epochs run (of the kept fit, with ``n_init``).
history_ : list of dict
    One dict per epoch: training terms ``loss``, ``gw``, ``w``, ``d``, ``h``, ``kappa``,
    validation terms ``val_gw``, ``val_w``, ``val_mmd``, ``val_score`` (with early
    stopping), ``seconds`` and the epoch number ``epoch``. ``history_.to_frame()`` gives
    it as a pandas DataFrame indexed by epoch. With ``warm_start``, each fit appends.
loss_curve_ : list of float
    Training loss per epoch.
validation_scores_ : list of float or None
    Validation score per epoch (None without early stopping).
best_validation_score_ : float or None
    Best validation score during training, whose weights were kept (None without
    early stopping).
best_epoch_ : int or None
    The epoch (as numbered in ``history_``) whose weights the model holds: the best
    validated one with early stopping, else the last one (None if no epoch completed).
device_ : str
    The device the model lives on.
n_features_in_ : int
    Number of features seen during fit.
feature_names_in_ : ndarray of shape (n_features_in_,)
    Names of features seen during fit, when X has string column names."""
TRAINING_PARAMETERS_DOC = """\
coupling : {"mmd", "critic"}, default="mmd"
    How L_D, the mismatch between the inference joint p(x) q(z|x) and the generative
    joint p(z) delta(x - g(z)), is estimated. ``"critic"`` is the paper's main variant: a
    WGAN-style joint critic T(x, z) with a one-centred gradient penalty, trained
    ``n_critic`` steps per main step, both players with RMSprop (as the authors).
    ``"mmd"`` matches the latent marginals with a kernel MMD and trains with Adam. The
    default is ``"mmd"``: a critic epoch costs 11-15 times an MMD epoch on 2 CPU cores
    (``benchmarks/speed.py``; 20-25 times before the critic's spectral norms were cached
    per step, DESIGN.md section 3), which a default fit cannot afford.
gw_coupling : {"inference", "generative", "both"}, default="inference"
    The pairs on which L_GW is estimated. ``"generative"`` is the authors' estimator:
    prior samples z~ and their decodings g(z~); it shapes the decoder and the prior
    only. ``"inference"``: data x_i and their encoder means mu(x_i), which shapes the
    encoder directly. ``"both"``: the mean of the two. Under the coupling constraint
    (inference joint = generative joint) both estimate the same GW(p_data, p_z). The
    default was measured on digits at 2 components (seed 0, other defaults as here):
    GW distortion / trustworthiness 0.226 / 0.881 with ``"generative"``, 0.168 / 0.947
    with ``"both"`` and 0.149 / 0.944 with ``"inference"`` (PCA: 0.151 / 0.830); the
    label-free :meth:`score` ranks the three in the same order.
mmd_kernel : {"imq", "rbf"}, default="imq"
    The kernel of the MMD (coupling and :meth:`score`). ``"imq"``: a sum of inverse
    multiquadric kernels over scales 0.1-10 (after WAE); ``"rbf"``: the authors'
    ``exp(-||a - b||^2 / d^2)``, whose light tails let encoder means escape the prior's
    scale (DESIGN.md section 3).
hidden_layer_sizes : array-like of int, default=(128, 128)
    Hidden widths of the encoder MLP; the decoder uses them reversed and the critic's
    branches as given. With ``image_shape``, the fully connected layers between the
    convolutions and the latent code.
image_shape : tuple of int or None, default=None
    The shape ``(channels, height, width)`` or ``(height, width)`` of the images whose
    pixels, flattened in C order (as ``images.reshape(n, -1)``), are the rows of X; its
    product must equal n_features. The encoder, decoder and critic then become
    convolutional: a DCGAN-style stack of stride-2 4x4 convolutions halving the image
    down to 4-7 pixels, channels 16, 32, 64, 128, mirrored by the decoder for any image
    size (not only powers of two). If the training data lie in [0, 1], the decoder ends
    in a sigmoid, so reconstructions and samples are valid pixel intensities; else it
    is linear (so a ``warm_start`` fit on data that leave [0, 1] is refused). The conv
    networks cost more than the MLPs on a CPU: on 32x32 images, 3-5 times an MLP epoch
    with ``coupling="mmd"`` on 2 cores (``benchmarks/disentangle.py``). None: MLPs, for
    tabular data.
batch_size : int or "auto", default="auto"
    Mini-batch size; ``"auto"`` is ``min(64, n_train)`` (the authors' 64). Larger values
    than the training set are clipped with a warning.
max_iter : int, default=400
    Maximum number of epochs (named as in scikit-learn's MLP). Default fits stop early
    before it on small tabular data (digits, 2 components: 202-354 epochs, 15-27 s on 2
    CPU cores, ``benchmarks/embed.py``).
learning_rate : float, default=1e-3
    Step size of the optimisers. The authors' 1e-4 needs many GPU epochs; 1e-3 reaches
    a stopping point on small data in seconds.
lambda_w : float, default=1.0
    Weight of the reconstruction term L_W.
lambda_d : float, default=1.0
    Weight of the coupling term L_D (the authors' value). With the inference GW term
    and ``kappa_init="auto"`` it keeps the encoder means on the prior's scale (their
    standard deviation stays near 1); weight 10 gave a worse embedding on digits
    (trustworthiness 0.841 against 0.929), and weight 100 collapses the encoder onto
    the prior (DESIGN.md section 3).
lambda_h : float, default=0.03
    Weight of the entropy term L_H (the authors' value). Larger weights keep the encoder
    noisier, as a larger beta does in a beta-VAE: on the shapes images of
    ``benchmarks/disentangle.py`` (MLP networks, 2 seeds), 0.5 raised the mean MIG from
    0.03-0.04 to 0.13-0.16 for each prior; 1.0 lowered it again in a one-seed trial.
kappa_init : float or "auto", default="auto"
    Initial value of the trainable ratio kappa of L_GW. ``"auto"`` sets it so that the
    mean data distance equals kappa times the mean scale-normalised prior distance on
    the training data, so L_GW starts with matched scales. With 1.0 (the authors'),
    kappa must travel far in log space at about ``learning_rate`` per step, and until it
    does the GW term pulls the encoder means off the prior's scale (breast_cancer: mean
    standard deviation 2.8 instead of 1).
n_critic : int, default=5
    Critic steps per main step with ``coupling="critic"``.
early_stopping : bool, default=True
    Hold out ``validation_fraction`` of the data and stop when the validation
    :meth:`score` has not improved by ``tol`` for ``n_iter_no_change`` epochs; the best
    weights are restored. The score leaves out the critic, so this rule does not drift
    as the critic changes, and its MMD part rises when the encoder leaves the prior's
    scale, which the training loss alone can hide. With False, the training loss is
    monitored instead (as in scikit-learn's MLP).
validation_fraction : float, default=0.1
    Fraction of the data held out (at least 2 samples) with ``early_stopping``.
n_iter_no_change : int, default=20
    Patience in epochs. The authors' 10 stopped digits fits at 50-180 epochs while the
    (noisy, sampled) validation score was still improving; with 20, trustworthiness
    rose from 0.925-0.932 to 0.938-0.944 and the GW distortion fell below PCA's on
    each of 3 seeds.
tol : float, default=1e-4
    Minimal improvement of the monitored value that resets the patience.
device : str, default="auto"
    ``"auto"`` (CUDA when available, else CPU), ``"cpu"``, ``"cuda"`` or ``"cuda:N"``.
precision : {"float32", "bfloat16"}, default="float32"
    ``"bfloat16"`` runs the training forward passes under bfloat16 autocast (matrix
    products in bfloat16; weights, optimiser state and the loss sums in float32); meant
    for CUDA GPUs with bfloat16 units. The default is float32: on 2 CPU cores autocast
    made an epoch 5-25 % slower (``benchmarks/speed.py --options``, final training
    losses within 0.7 %), and on a GPU it is unmeasured here. Inference is always
    float32.
compile : bool, default=False
    Compile the encoder and decoder with ``torch.compile`` for the fit (not the critic:
    its gradient penalty differentiates twice, which compiled graphs do not support). The
    first fit in a process then waits 10-20 s for the compilation on 2 CPU cores, and
    the compiled epochs were 1-18 % slower there (``benchmarks/speed.py --options``),
    hence the default; on a GPU it is unmeasured here. Needs a C++ compiler on the CPU
    and Triton on CUDA.
random_state : int, RandomState instance or None, default=None
    Seeds the validation split, the weight initialisation and all training noise. The
    same seed on the same device gives the same model. The global torch RNG is untouched.
verbose : int, default=0
    1 shows a progress bar per fit; 2 also prints one line per epoch.
warm_start : bool, default=False
    When True and the estimator is fitted, :meth:`fit` continues training the fitted
    model (and its optimiser state) for up to ``max_iter`` more epochs instead of
    starting afresh; ``history_`` and ``n_iter_`` accumulate, and restarts (``n_init``)
    are skipped. Parameters that shape the model (``n_components``, the prior, the
    networks, the couplings) must not change in between; the data must have the same
    features. With True, a pickle also keeps the optimiser state, so that a loaded
    model continues where it stopped."""


@torch.no_grad()
def apply_in_chunks(fn, A, device, dtype=None):
    """``fn`` on float32 tensors of the rows of A, in chunks of ``INFERENCE_CHUNK`` rows on
    ``device``; the results concatenated as an array of ``dtype`` (default: A's).

    Only one chunk is on the device at a time, so device memory is bounded whatever the
    number of rows; the output is allocated once and filled chunk by chunk.
    """
    out = None
    for start in range(0, max(len(A), 1), INFERENCE_CHUNK):
        result = fn(as_tensor(A[start : start + INFERENCE_CHUNK], device)).cpu().numpy()
        if out is None:
            out = np.empty((len(A), *result.shape[1:]), dtype=dtype or A.dtype)
        out[start : start + len(result)] = result
    return out


class BaseGWAE(BaseEstimator):
    """Base class of the GWAE estimators. Not for direct use.

    Holds the training parameters shared by every GWAE estimator, their validation, the fit
    that hands the data to :class:`skgwae.training.Trainer`, the inference methods and
    pickling. A subclass decorates its ``__init__`` with :func:`shares_training_parameters`,
    says which prior it trains with (:meth:`_prior_spec`) and may post-process each trained
    model (:meth:`_after_training`).
    """

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "coupling": [StrOptions({"critic", "mmd"})],
        "gw_coupling": [StrOptions({"generative", "inference", "both"})],
        "mmd_kernel": [StrOptions({"imq", "rbf"})],
        "hidden_layer_sizes": ["array-like"],
        "image_shape": [None, "array-like"],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 2, None, closed="left"),
        ],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "lambda_w": [Interval(Real, 0, None, closed="left")],
        "lambda_d": [Interval(Real, 0, None, closed="left")],
        "lambda_h": [Interval(Real, 0, None, closed="left")],
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
    }

    def __init__(
        self,
        n_components=2,
        *,
        coupling="mmd",
        gw_coupling="inference",
        mmd_kernel="imq",
        hidden_layer_sizes=(128, 128),
        image_shape=None,
        batch_size="auto",
        max_iter=400,
        learning_rate=1e-3,
        lambda_w=1.0,
        lambda_d=1.0,
        lambda_h=0.03,
        kappa_init="auto",
        n_critic=5,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=20,
        tol=1e-4,
        device="auto",
        precision="float32",
        compile=False,
        random_state=None,
        verbose=0,
        warm_start=False,
    ):
        self.n_components = n_components
        self.coupling = coupling
        self.gw_coupling = gw_coupling
        self.mmd_kernel = mmd_kernel
        self.hidden_layer_sizes = hidden_layer_sizes
        self.image_shape = image_shape
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.lambda_w = lambda_w
        self.lambda_d = lambda_d
        self.lambda_h = lambda_h
        self.kappa_init = kappa_init
        self.n_critic = n_critic
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.device = device
        self.precision = precision
        self.compile = compile
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start

    # ------------------------------------------------------------------ validation helpers

    def _hidden_sizes(self):
        sizes = np.atleast_1d(np.asarray(self.hidden_layer_sizes, dtype=object))
        if sizes.ndim != 1 or not all(
            isinstance(s, Integral) and not isinstance(s, bool) and s >= 1 for s in sizes
        ):
            raise ValueError(
                "hidden_layer_sizes must be a sequence of positive integers, got "
                f"{self.hidden_layer_sizes!r}."
            )
        return tuple(int(s) for s in sizes)

    def _image_shape(self, n_features):
        """``image_shape`` as a (C, H, W) tuple (None without it), checked against the data."""
        if self.image_shape is None:
            return None
        shape = np.asarray(self.image_shape, dtype=object)
        if (
            shape.ndim != 1
            or len(shape) not in (2, 3)
            or not all(
                isinstance(s, Integral) and not isinstance(s, bool) and s >= 1 for s in shape
            )
        ):
            raise ValueError(
                "image_shape must be (height, width) or (channels, height, width) with positive "
                f"integers, got {self.image_shape!r}."
            )
        shape = tuple(int(s) for s in shape)
        shape = (1, *shape) if len(shape) == 2 else shape
        if math.prod(shape) != n_features:
            raise ValueError(
                f"image_shape={self.image_shape!r} holds {math.prod(shape)} pixel values, but X "
                f"has {n_features} features."
            )
        return shape

    def _resolve_device(self):
        try:
            return resolve_device(self.device)
        except RuntimeError as exc:  # torch's parser rejects the string
            raise ValueError(f"Invalid device {self.device!r}: {exc}") from None

    @staticmethod
    def _check_float32_range(X, name="X"):
        # Values finite in float64 may overflow float32, where the networks compute.
        # max and min, not abs: no temporary copy of X.
        if X.size and max(X.max(), -X.min()) > FLOAT32_MAX:
            raise ValueError(
                f"{name} contains values too large for float32 (|value| > {FLOAT32_MAX:.3g}); "
                "rescale the data, for example with StandardScaler."
            )

    @staticmethod
    def _check_distance_range(X):
        # Finite float32 values can still have squared distances that overflow float32.
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

    def _split(self, X, rng):
        """Training and validation rows, each in random order (the validation part is None
        without early stopping)."""
        n = X.shape[0]
        perm = rng.permutation(n)
        if not self.early_stopping:
            return X[perm], None
        n_val = max(2, int(math.ceil(self.validation_fraction * n)))
        if n - n_val < 2:
            raise ValueError(
                f"n_samples={n} is too few for a validation split of validation_fraction="
                f"{self.validation_fraction}: both parts need at least 2 samples. Pass more "
                "data or set early_stopping=False."
            )
        return X[perm[n_val:]], X[perm[:n_val]]

    def _effective_batch_size(self, n_train):
        if self.batch_size == "auto":
            return min(AUTO_BATCH_SIZE, n_train)
        if self.batch_size > n_train:
            warnings.warn(
                f"batch_size={self.batch_size} is larger than the {n_train} training samples; "
                f"using batches of {n_train}.",
                UserWarning,
            )
            return n_train
        return self.batch_size

    # ------------------------------------------------------------------ fitting

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Fit the GWAE on X.

        Data larger than memory is read a chunk at a time, with one chunk on the device:
        an iterable of 2-D chunks, or a numpy array (such as a ``numpy.memmap``) whose
        float32 copy exceeds scikit-learn's ``working_memory`` (1024 MiB by default; see
        :func:`sklearn.config_context`). An array is then read in chunks of at most
        ``working_memory / 16`` bytes, each made of 16 blocks of contiguous rows drawn at
        random every epoch (so rows stored in order still mix); chunks of an iterable are
        taken in the order it yields them, so shuffle them if they are stored in order.
        Each chunk holds out ``validation_fraction`` of its rows for early stopping, at
        most 10,000 rows in all (kept in memory). Memory-mapped data no larger than
        ``working_memory`` is fitted exactly as the same array in memory.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or iterable of such arrays
            Training data, at least 2 samples (4 with ``early_stopping=True``). An
            iterable of chunks (a list of arrays or DataFrames, a torch DataLoader of
            2-D tensors, any object whose ``__iter__`` starts a new pass) is read once
            to check it and once per epoch, so it must yield the same chunks each time;
            a one-pass iterator is refused (use :meth:`partial_fit`).
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        with self._unchanged_on_failure():
            self._fit(X)
        return self

    def _prior_spec(self):
        """The prior family of the model: ``(name, params)`` (validated)."""
        raise NotImplementedError

    def _n_restarts(self):
        """How many models to train from different seeds; the best score is kept."""
        return 1

    def _after_training(self, model, X_train, seed):
        """Post-process a trained model in place (for example, set the prior from data)."""

    def _fit(self, X):
        """Fit on X (validated here); returns X's rows for a subclass's last pass over them:
        the checked array, or the :class:`ChunkedRows` of chunked data."""
        warm = self.warm_start and hasattr(self, "model_")
        rng = check_random_state(self.random_state)
        data = self._training_data(X, reset=not warm, rng=rng)
        config = self._model_config(data.n_features, data.in_unit_range)
        if warm:
            self._check_warm_start(config)
        device = self._resolve_device()
        X_train, X_val = data.train, data.validation
        n_restarts = 1 if warm else self._n_restarts()
        best = None
        for _ in range(n_restarts):
            init_seed, train_seed = (int(s) for s in rng.randint(np.iinfo(np.int32).max, size=2))
            if warm:
                # A copy, so that a failed fit leaves the fitted model as it was.
                model, optimizer_state = copy.deepcopy(self.model_), self._optimizer_state
            else:
                model = self._build_model(data.calibration_rows, config, init_seed)
                optimizer_state = None
            trainer = self._trainer(data.n_train, device, train_seed)
            result = trainer.fit(model, X_train, X_val, optimizer_state)
            self._after_training(model, X_train, init_seed)
            if n_restarts == 1 or result.interrupted:
                best = (None, model, result)
                break
            # Restarts are compared by the label-free criterion on the held-out rows.
            selection_score = evaluate_criterion(
                model,
                X_train if X_val is None else X_val,
                lambda_w=self.lambda_w,
                lambda_d=self.lambda_d,
                device=device,
            )["score"]
            if best is None or selection_score > best[0]:
                best = (selection_score, model, result)
        _, model, result = best
        self._set_fitted(
            model, result, device, data.dtype, append=warm, validated=X_val is not None
        )
        if not (result.stopped_early or result.interrupted):
            warnings.warn(
                f"The GWAE fit stopped at max_iter={self.max_iter} epochs before its "
                "monitored value stopped improving; consider a larger max_iter.",
                ConvergenceWarning,
            )
        return data.all_rows

    def _set_fitted(self, model, result, device, dtype, *, append, validated):
        """Set the fitted attributes from a trained model and its TrainResult; with
        ``append``, the history continues the previous fits' record; ``validated`` says
        whether the fit was monitored on validation rows."""
        history, n_before = result.history, 0
        if append:  # continue the epoch count and the record of the previous fits
            n_before = len(self.history_)
            history = History(self.history_)
            history.extend({**row, "epoch": row["epoch"] + n_before} for row in result.history)
        self.model_ = model
        self._optimizer_state = result.optimizer_state
        self.device_ = str(device)
        self.n_iter_ = len(history)
        self.history_ = history
        self.loss_curve_ = history.column("loss")
        self.validation_scores_ = history.column("val_score") if validated else None
        self.best_validation_score_ = result.best_validation_score
        # The epoch whose weights were kept: the best validated one, else the last one.
        kept = result.best_epoch if validated else len(result.history)
        self.best_epoch_ = None if not result.history or kept is None else kept + n_before
        self.kappa_ = float(model.kappa.item())
        self._n_features_out = self.n_components
        self._fit_dtype = dtype

    # ------------------------------------------------------------------ training data

    def _training_data(self, X, *, reset, rng):
        """Validate X and split it into training and validation rows (a TrainingData)."""
        if is_chunked(X, _working_memory_bytes()):
            return self._chunked_training_data(X, reset=reset, rng=rng)
        X = self._check_fit_input(X, reset=reset)
        X_train, X_val = self._split(X, rng)
        return TrainingData(
            train=X_train,
            validation=X_val,
            all_rows=X,
            calibration_rows=X_train[:KAPPA_CALIBRATION_ROWS],  # X_train is shuffled
            n_features=X.shape[1],
            n_train=X_train.shape[0],
            dtype=X.dtype,
            in_unit_range=X.size > 0 and X.min() >= 0 and X.max() <= 1,
        )

    def _check_fit_input(self, X, *, reset, ensure_min_samples=2):
        X = _checked_input(
            X,
            lambda X: validate_data(
                self,
                X,
                dtype=[np.float64, np.float32],
                ensure_min_samples=ensure_min_samples,
                reset=reset,
            ),
        )
        self._check_float32_range(X)
        self._check_distance_range(X)
        return X

    def _chunked_training_data(self, X, *, reset, rng):
        """Training data from a memory-mapped array or an iterable of chunks, read a chunk
        at a time: one pass here checks every chunk and holds out the validation rows."""
        first_read = [reset]

        def prepare(chunk):
            # The first chunk read sets n_features_in_ / feature_names_in_ (unless warm);
            # every later one is checked against them.
            reset_now, first_read[0] = first_read[0], False
            try:
                return self._check_fit_input(chunk, reset=reset_now, ensure_min_samples=1)
            except ValueError as exc:
                raise ValueError(f"In a chunk of X: {exc}") from None

        if isinstance(X, np.ndarray):
            chunk_bytes = _working_memory_bytes() // CHUNKS_PER_WORKING_MEMORY
            chunk_rows = max(2, chunk_bytes // (4 * max(1, X.shape[1])))
            source = ArrayRows(X, chunk_rows, prepare)
            n_rows = X.shape[0]
        else:
            if iter(X) is X:
                raise ValueError(
                    "X is an iterator, which can be read only once, but fit reads the data "
                    "once per epoch (and once more to check it). Pass a list of chunks or a "
                    "re-iterable object (such as a torch DataLoader), or call partial_fit "
                    "on each chunk."
                )
            source = IterableRows(X, prepare)
            n_rows = None
        scan = scan_rows(
            source,
            validation_fraction=self.validation_fraction if self.early_stopping else None,
            max_validation_rows=CHUNKED_VALIDATION_ROWS,
            n_sample=KAPPA_CALIBRATION_ROWS,
            seed=rng.randint(np.iinfo(np.int32).max),
            n_rows=n_rows,
        )
        n_val = 0 if scan.validation_rows is None else len(scan.validation_rows)
        if scan.n_train < 2 or (self.early_stopping and n_val < 2):
            raise ValueError(
                f"X has {scan.n_rows} samples, too few to train on"
                + (
                    f" with a validation split of validation_fraction={self.validation_fraction}"
                    " (both parts need at least 2 samples; set early_stopping=False)"
                    if self.early_stopping
                    else " (at least 2 are needed)"
                )
                + "."
            )
        self._check_n_train(scan.n_train)
        source.held_out = scan.held_out
        if isinstance(source, IterableRows):
            source.n_units = scan.n_units
        return TrainingData(
            train=source,
            validation=scan.validation_rows,
            all_rows=source,
            calibration_rows=scan.sample_rows,
            n_features=self.n_features_in_,
            n_train=scan.n_train,
            dtype=scan.dtype,
            in_unit_range=scan.minimum >= 0 and scan.maximum <= 1,
        )

    def _check_n_train(self, n_train):
        """Raise ValueError if ``n_train`` training rows are too few for this estimator."""

    # ------------------------------------------------------------------ incremental fitting

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None):
        """Train on X for one epoch, continuing the fitted model if there is one.

        The first call (on an unfitted estimator) builds the model from X; each call then
        takes one pass over X in batches of ``batch_size``, with the optimiser state
        (Adam or RMSprop moments) kept from call to call, so that a stream of chunks
        trains as one long fit. There is no validation split or early stopping
        (``max_iter``, ``early_stopping``, ``n_init`` and ``warm_start`` do not apply);
        ``history_`` gets one row per call. A call after :meth:`fit` continues that fit.
        The model's structure is fixed by the first call: later chunks must have the same
        features (and, with ``image_shape``, stay in [0, 1] if the first did).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            One chunk of training data, at least 2 samples.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : object
            The estimator.
        """
        with self._unchanged_on_failure():
            self._partial_fit(X)
        return self

    @contextlib.contextmanager
    def _unchanged_on_failure(self):
        """A failed fit leaves the estimator exactly as it was (unfitted, or its previous
        fit): the attributes are restored if the block raises (Ctrl-C included)."""
        previous_state = dict(self.__dict__)
        try:
            yield
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(previous_state)
            raise

    def _partial_fit(self, X):
        fitted = hasattr(self, "model_")
        X = self._check_fit_input(X, reset=not fitted)
        self._check_n_train(X.shape[0])
        config = self._model_config(X.shape[1], X.size > 0 and X.min() >= 0 and X.max() <= 1)
        # Each call draws its seeds from random_state and the number of epochs so far, so
        # a given sequence of calls gives the same model.
        if isinstance(self.random_state, Integral):
            n_before = self.n_iter_ if fitted else 0
            seed = np.random.SeedSequence([self.random_state, n_before]).generate_state(1)[0]
        else:
            seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        rng = np.random.RandomState(seed)
        init_seed, train_seed = (int(s) for s in rng.randint(np.iinfo(np.int32).max, size=2))
        X_train = X[rng.permutation(X.shape[0])]
        if fitted:
            self._check_warm_start(config)
            # A copy, so that a failed call leaves the fitted model as it was.
            model = copy.deepcopy(self.model_)
            optimizer_state = getattr(self, "_optimizer_state", None)
        else:
            model, optimizer_state = self._build_model(X_train, config, init_seed), None
        trainer = self._trainer(X.shape[0], self._resolve_device(), train_seed, max_epochs=1)
        result = trainer.fit(model, X_train, None, optimizer_state)
        self._after_training(model, X_train, init_seed)
        self._set_fitted(model, result, trainer.device, X.dtype, append=fitted, validated=False)
        return X

    def _model_config(self, n_features, in_unit_range):
        """The constructor arguments of the model (see :class:`skgwae.nn.GWAEModel`) but
        ``kappa_init``, from the parameters (validated) and the training data: its number
        of features and whether all its values lie in [0, 1]."""
        prior, prior_params = self._prior_spec()
        image_shape = self._image_shape(n_features)
        return dict(
            n_features=n_features,
            image_shape=image_shape,
            output="sigmoid" if image_shape is not None and in_unit_range else "linear",
            n_components=self.n_components,
            hidden_layer_sizes=self._hidden_sizes(),
            prior=prior,
            prior_params=dict(prior_params or {}),
            coupling=self.coupling,
            gw_coupling=self.gw_coupling,
            mmd_kernel=self.mmd_kernel,
        )

    def _check_warm_start(self, config):
        fitted = self.model_.config
        changed = [f"{k} ({fitted[k]!r} -> {v!r})" for k, v in config.items() if fitted[k] != v]
        if changed:
            raise ValueError(
                "warm_start=True continues the fitted model, but the model it describes "
                f"has changed: {', '.join(changed)}. Set warm_start=False to fit a new model."
            )

    def _build_model(self, calibration_rows, config, init_seed):
        with seeded(init_seed):
            model = GWAEModel(
                **config, kappa_init=1.0 if self.kappa_init == "auto" else self.kappa_init
            )
            if self.kappa_init == "auto":
                # calibration_rows: a random subset of the training rows.
                rows = as_tensor(calibration_rows[:KAPPA_CALIBRATION_ROWS], "cpu")
                model.calibrate_kappa(rows, make_generator(init_seed, "cpu"))
        return model

    def _trainer(self, n_train, device, train_seed, max_epochs=None):
        return Trainer(
            batch_size=self._effective_batch_size(n_train),
            max_epochs=self.max_iter if max_epochs is None else max_epochs,
            learning_rate=self.learning_rate,
            lambda_w=self.lambda_w,
            lambda_d=self.lambda_d,
            lambda_h=self.lambda_h,
            n_iter_no_change=self.n_iter_no_change,
            tol=self.tol,
            device=device,
            seed=train_seed,
            n_critic=self.n_critic,
            precision=self.precision,
            compile=self.compile,
            verbose=self.verbose,
        )

    def __sklearn_is_fitted__(self):
        return hasattr(self, "model_")

    # ------------------------------------------------------------------ fitted parts

    @property
    def encoder_(self):
        """The fitted encoder network (a torch module)."""
        check_is_fitted(self)
        return self.model_.encoder

    @property
    def decoder_(self):
        """The fitted decoder network (a torch module)."""
        check_is_fitted(self)
        return self.model_.decoder

    @property
    def prior_(self):
        """The fitted prior sampler (a torch module)."""
        check_is_fitted(self)
        return self.model_.prior

    @property
    def critic_(self):
        """The fitted critic (a torch module), or None with ``coupling="mmd"``."""
        check_is_fitted(self)
        return self.model_.critic

    # ------------------------------------------------------------------ inference

    def _apply(self, fn, A, dtype=None):
        """Apply ``fn`` to float32 tensors of the rows of A in chunks (evaluation mode);
        return ``dtype`` (default: A's)."""
        self.model_.eval()
        return apply_in_chunks(fn, A, torch.device(self.device_), dtype)

    def _validate_X(self, X):
        check_is_fitted(self)
        X = _checked_input(
            X, lambda X: validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        )
        self._check_float32_range(X)
        return X

    def transform(self, X):
        """Embed X: the encoder mean mu(x), in evaluation mode (deterministic).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data to embed.

        Returns
        -------
        Z : ndarray of shape (n_samples, n_components)
            Latent means, in the dtype of X (float32 or float64).
        """
        X = self._validate_X(X)
        return self._apply(lambda x: self.model_.encoder(x)[0], X)

    def inverse_transform(self, X):
        """Decode latent codes back to the data space: g(z).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)
            Latent codes (for example the output of :meth:`transform`).

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features_in_)
            Decoded data.
        """
        check_is_fitted(self)
        Z = _checked_input(X, lambda Z: check_array(Z, dtype=[np.float64, np.float32]))
        if Z.shape[1] != self.n_components:
            raise ValueError(
                f"X has {Z.shape[1]} features, but inverse_transform expects "
                f"n_components={self.n_components} latent features."
            )
        self._check_float32_range(Z)
        return self._apply(self.model_.decoder, Z)

    @torch.no_grad()
    def sample(self, n_samples=1, random_state=None):
        """Generate new data: prior samples z~ decoded by the generator, g(z~).

        Parameters
        ----------
        n_samples : int, default=1
            Number of samples to generate.
        random_state : int, RandomState instance or None, default=None
            Seeds the prior's noise; an int gives the same samples at every call.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features_in_)
            Generated samples, in the dtype of the training data.
        """
        generator = self._sampling_generator(n_samples, random_state)
        z = self.model_.prior(int(n_samples), generator)
        return self._decode_samples(z)

    def _sampling_generator(self, n_samples, random_state):
        """Check the arguments of ``sample``; return a seeded generator on the device."""
        check_is_fitted(self)
        if not isinstance(n_samples, Integral) or isinstance(n_samples, bool) or n_samples < 1:
            raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}.")
        seed = check_random_state(random_state).randint(np.iinfo(np.int32).max)
        self.model_.eval()
        return make_generator(seed, torch.device(self.device_))

    def _decode_samples(self, z):
        x = self.model_.decoder(z).cpu().numpy()
        return x.astype(self._fit_dtype, copy=False)

    def score_samples(self, X):
        """Each sample's share of :meth:`score` (higher is better); their mean is the score.

        Row i gets ``-(gw_i + lambda_w * w_i + lambda_d * mmd_i)``: its mean GW mismatch
        with the other rows of its chunk, its reconstruction error and its part of the MMD
        (:meth:`score` has the definitions). A row unlike the training data is encoded where
        the model has no support and reconstructed badly, so it scores low: the scores
        serve for outlier detection.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            At least 2 samples. The pair terms pair each row with the other rows of its
            chunk of at most 512 rows, so a row's value depends a little on the other
            rows of X (not on their order).

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            Higher is better.
        """
        return self._criterion(X, per_sample=True)["score"]

    def score(self, X, y=None):
        """The label-free model-selection criterion on X (higher is better).

        It is minus the GWAE objective measured on the inference coupling of X, without the
        entropy regulariser::

            score = -(L_GW + lambda_w * L_W + lambda_d * MMD)

        where, with z_i ~ q(z|x_i) drawn with a fixed seed (so the score is deterministic),

        - L_GW = min over c >= 0 of the mean over pairs (i, j) of X of
          ``| ||x_i - x_j|| - c * ||mu(x_i) - mu(x_j)|| |``: how far the embedding is from
          the nearest scaled isometry of the data. (Training uses c = kappa / s, s the scale
          of prior samples; at the best c the term does not depend on the prior's scale,
          whose estimate from a few hundred prior samples varied by a few per cent, which
          moved the term by as much as the differences between prior families.)
        - L_W = mean_i 0.5 * ||x_i - g(z_i)||^2: how well the model reconstructs X;
        - MMD: the kernel maximum mean discrepancy (``mmd_kernel``) between the z_i and as
          many prior samples: how far the encoded data are from the prior, i.e. how invalid
          the coupling on which L_GW is measured is.

        No term depends on the critic or on the prior family's form, so scores are comparable
        across prior families, couplings and estimators (a :class:`GWAETransformer` and a
        :class:`GWAEClusterer` are scored alike), as long as ``lambda_w``, ``lambda_d`` and
        ``mmd_kernel`` are the same. Across latent sizes only L_GW and L_W are on a common
        scale: the MMD's kernel widths grow with the latent size, so compare
        ``n_components`` with care. The score estimates how well the model as a whole
        (embedding, decoder and prior) fits X; it does not measure cluster quality or
        disentanglement directly. On more than 512 rows, pairs are taken within random
        chunks of 512 rows, fixed by the rows themselves, so the score does not depend on
        their order. It is the mean of :meth:`score_samples`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            At least 2 samples.
        y : None
            Ignored.

        Returns
        -------
        score : float
            Higher is better.
        """
        return self._criterion(X, per_sample=False)["score"]

    def _criterion(self, X, per_sample):
        X = self._validate_X(X)
        if X.shape[0] < 2:
            raise ValueError(f"The score needs at least 2 samples, got n_samples={X.shape[0]}.")
        # The score's pair terms square distances between samples, as fit does.
        self._check_distance_range(X)
        return evaluate_criterion(
            self.model_,
            X,
            lambda_w=self.lambda_w,
            lambda_d=self.lambda_d,
            device=torch.device(self.device_),
            per_sample=per_sample,
        )

    # ------------------------------------------------------------------ persistence

    def __getstate__(self):
        # BaseEstimator may hand back the instance's own __dict__: copy before editing.
        state = dict(super().__getstate__())
        state["_skgwae_version"] = __version__
        # The optimiser state is as large as the model again; only a model meant to
        # continue training (warm_start) keeps it.
        optimizer_state = state.pop("_optimizer_state", None)
        if self.warm_start and optimizer_state is not None:
            state["_optimizer_state"] = map_tensors(lambda t: t.detach().cpu(), optimizer_state)
        if "model_" in state:
            # Store the constructor arguments and a CPU state dict, never device tensors or
            # optimiser state: the pickle is small and loads on a machine without a GPU.
            model = state["model_"]
            state["model_"] = {
                "config": model.config,
                "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
            }
        return state

    def __setstate__(self, state):
        state = dict(state)
        version = state.pop("_skgwae_version", "unknown")
        if version != __version__:
            warnings.warn(
                f"Trying to unpickle estimator {type(self).__name__} from skgwae version "
                f"{version} when using version {__version__}. This might lead to breaking "
                "code or invalid results. Use at your own risk.",
                InconsistentVersionWarning,
            )
        stored = state.get("model_")
        if isinstance(stored, dict):
            model = GWAEModel(**stored["config"])
            model.load_state_dict(stored["state_dict"])
            device = torch.device(state["device_"])
            if device.type == "cuda" and not torch.cuda.is_available():
                warnings.warn(
                    f"This model was fitted on {state['device_']}, which is not available "
                    "here; it is loaded on the CPU.",
                    DeviceWarning,
                )
                device = torch.device("cpu")
                state["device_"] = "cpu"
            state["model_"] = model.to(device).eval()
        super().__setstate__(state)


def _working_memory_bytes():
    """scikit-learn's ``working_memory`` setting (MiB), in bytes."""
    return int(get_config()["working_memory"] * 2**20)


def _checked_input(X, check):
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


class LatentTransformMixin(ClassNamePrefixFeaturesOutMixin, TransformerMixin):
    """The transformer side of a GWAE estimator: ``transform`` gives the latent means,
    ``fit_transform``, ``set_output`` and feature names ``<classname>0, 1, ...``.

    Put it before :class:`BaseGWAE` in the bases.
    """

    def transform(self, X):
        # Defined here, on a TransformerMixin subclass, so that set_output wraps it
        # (scikit-learn wraps only methods the class defines); the work is BaseGWAE's.
        return super().transform(X)

    transform.__doc__ = BaseGWAE.transform.__doc__

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def shares_training_parameters(init):
    """Decorate an estimator's ``__init__``: its own parameters, then BaseGWAE's.

    The decorated ``__init__`` takes its own parameters and ``**training_params``, which it
    hands to ``BaseGWAE.__init__``. Its signature, which scikit-learn's ``get_params``,
    ``clone`` and common checks read, lists every parameter explicitly (own ones first;
    an own parameter may override a shared default), so the shared list is written once.
    """
    own = [p for p in inspect.signature(init).parameters.values() if p.kind is not p.VAR_KEYWORD]
    names = {p.name for p in own}
    shared = [
        p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
        for name, p in inspect.signature(BaseGWAE.__init__).parameters.items()
        if name != "self" and name not in names
    ]
    init.__signature__ = inspect.Signature(own + shared)
    return init


def document_training_parameters(cls):
    """Class decorator: put the docs of the shared training parameters and fitted
    attributes into ``cls.__doc__``."""
    if cls.__doc__:  # None under python -OO
        cls.__doc__ = (
            inspect.cleandoc(cls.__doc__)
            .replace(TRAINING_PARAMETERS_PLACEHOLDER, TRAINING_PARAMETERS_DOC)
            .replace(FITTED_ATTRIBUTES_PLACEHOLDER, FITTED_ATTRIBUTES_DOC)
        )
    return cls
