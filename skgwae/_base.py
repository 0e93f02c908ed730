"""The shared machinery of the GWAE estimators: parameters, fitting, persistence."""

import inspect
import math
import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_array, check_random_state

from ._sklearn_compat import Interval, StrOptions, _fit_context, check_is_fitted, validate_data
from ._version import __version__
from .exceptions import DeviceWarning
from .nn import PRIORS, GWAEModel
from .training import (
    Trainer,
    as_tensor,
    evaluate_criterion,
    make_generator,
    resolve_device,
    seeded,
)

# Rows per forward pass in transform / inverse_transform / sample: bounds memory on big X.
INFERENCE_CHUNK = 8192
# batch_size="auto": at most this many rows per batch.
AUTO_BATCH_SIZE = 64
# kappa_init="auto" matches the distance scales on at most this many training rows.
KAPPA_CALIBRATION_ROWS = 1024
FLOAT32_MAX = float(np.finfo(np.float32).max)


class BaseGWAE(BaseEstimator):
    """Base class of the GWAE estimators. Not for direct use.

    Holds the parameters shared by every GWAE estimator, their validation, the fit that
    hands the data to :class:`skgwae.training.Trainer`, the inference methods and pickling.
    """

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "prior": [StrOptions(set(PRIORS))],
        "prior_params": [dict, None],
        "coupling": [StrOptions({"critic", "mmd"})],
        "gw_coupling": [StrOptions({"generative", "inference", "both"})],
        "mmd_kernel": [StrOptions({"imq", "rbf"})],
        "hidden_layer_sizes": ["array-like"],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 2, None, closed="left")],
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
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        n_components=2,
        *,
        prior="gaussian",
        prior_params=None,
        coupling="mmd",
        gw_coupling="inference",
        mmd_kernel="imq",
        hidden_layer_sizes=(128, 128),
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
        random_state=None,
        verbose=0,
    ):
        self.n_components = n_components
        self.prior = prior
        self.prior_params = prior_params
        self.coupling = coupling
        self.gw_coupling = gw_coupling
        self.mmd_kernel = mmd_kernel
        self.hidden_layer_sizes = hidden_layer_sizes
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
        self.random_state = random_state
        self.verbose = verbose

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

    def _prior_params(self):
        params = dict(self.prior_params or {})
        try:
            # Bind rather than build: building would draw from torch's global RNG.
            inspect.signature(PRIORS[self.prior]).bind(1, **params)
        except TypeError as exc:
            raise ValueError(
                f"prior_params={self.prior_params!r} do not fit prior={self.prior!r}: {exc}"
            ) from None
        return params

    def _resolve_device(self):
        try:
            return resolve_device(self.device)
        except RuntimeError as exc:  # torch's parser rejects the string
            raise ValueError(f"Invalid device {self.device!r}: {exc}") from None

    @staticmethod
    def _check_float32_range(X, name="X"):
        # Values finite in float64 may overflow float32, where the networks compute.
        if X.size and np.abs(X).max() > FLOAT32_MAX:
            raise ValueError(
                f"{name} contains values too large for float32 (|value| > {FLOAT32_MAX:.3g}); "
                "rescale the data, for example with StandardScaler."
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

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data, at least 2 samples (4 with ``early_stopping=True``).
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        # A failed fit leaves the estimator exactly as it was (unfitted, or its previous fit).
        previous_state = dict(self.__dict__)
        try:
            self._fit(X)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(previous_state)
            raise
        return self

    def _fit(self, X):
        X = validate_data(self, X, dtype=[np.float64, np.float32], ensure_min_samples=2)
        self._check_float32_range(X)
        hidden = self._hidden_sizes()
        prior_params = self._prior_params()
        device = self._resolve_device()
        rng = check_random_state(self.random_state)
        X_train, X_val = self._split(X, rng)
        init_seed, train_seed = rng.randint(np.iinfo(np.int32).max, size=2)

        with seeded(int(init_seed)):
            model = GWAEModel(
                n_features=X.shape[1],
                n_components=self.n_components,
                hidden_layer_sizes=hidden,
                prior=self.prior,
                prior_params=prior_params,
                coupling=self.coupling,
                gw_coupling=self.gw_coupling,
                mmd_kernel=self.mmd_kernel,
                kappa_init=1.0 if self.kappa_init == "auto" else self.kappa_init,
            )
            if self.kappa_init == "auto":
                # X_train is in random order: its first rows are a random subset.
                rows = X_train[:KAPPA_CALIBRATION_ROWS]
                model.calibrate_kappa(as_tensor(rows, "cpu"), make_generator(init_seed, "cpu"))
        trainer = Trainer(
            batch_size=self._effective_batch_size(X_train.shape[0]),
            max_epochs=self.max_iter,
            learning_rate=self.learning_rate,
            lambda_w=self.lambda_w,
            lambda_d=self.lambda_d,
            lambda_h=self.lambda_h,
            n_iter_no_change=self.n_iter_no_change,
            tol=self.tol,
            device=device,
            seed=int(train_seed),
            n_critic=self.n_critic,
            verbose=self.verbose,
        )
        result = trainer.fit(model, X_train, X_val)

        self.model_ = model
        self.device_ = str(device)
        self.n_iter_ = result.n_epochs
        self.history_ = result.history
        self.loss_curve_ = result.history.column("loss")
        self.validation_scores_ = (
            result.history.column("val_score") if X_val is not None else None
        )
        self.best_validation_score_ = result.best_validation_score
        self.kappa_ = float(model.kappa.item())
        self._n_features_out = self.n_components
        self._fit_dtype = X.dtype
        if not (result.stopped_early or result.interrupted):
            warnings.warn(
                f"The GWAE fit stopped at max_iter={self.max_iter} epochs before its "
                "monitored value stopped improving; consider a larger max_iter.",
                ConvergenceWarning,
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

    @torch.no_grad()
    def _apply(self, fn, A):
        """Apply ``fn`` to float32 tensors of the rows of A in chunks; return A's dtype."""
        device = torch.device(self.device_)
        self.model_.eval()
        out = [
            fn(as_tensor(chunk, device)).cpu().numpy()
            for chunk in np.array_split(A, max(1, math.ceil(len(A) / INFERENCE_CHUNK)))
        ]
        return np.concatenate(out).astype(A.dtype, copy=False)

    def _validate_X(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
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
        Z = check_array(X, dtype=[np.float64, np.float32])
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
        check_is_fitted(self)
        if not isinstance(n_samples, Integral) or isinstance(n_samples, bool) or n_samples < 1:
            raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}.")
        seed = check_random_state(random_state).randint(np.iinfo(np.int32).max)
        device = torch.device(self.device_)
        generator = make_generator(seed, device)
        self.model_.eval()
        z = self.model_.prior(int(n_samples), generator)
        x = self.model_.decoder(z).cpu().numpy()
        return x.astype(self._fit_dtype, copy=False)

    def score(self, X, y=None):
        """The label-free model-selection criterion on X (higher is better).

        It is minus the GWAE objective measured on the inference coupling of X, without the
        entropy regulariser::

            score = -(L_GW + lambda_w * L_W + lambda_d * MMD)

        where, with z_i ~ q(z|x_i) drawn with a fixed seed (so the score is deterministic),

        - L_GW = mean over pairs (i, j) of X of
          ``| ||x_i - x_j|| - kappa * ||mu(x_i) - mu(x_j)|| / s |``, s the scale of prior
          samples: how far the embedding is from a scaled isometry of the data;
        - L_W = mean_i 0.5 * ||x_i - g(z_i)||^2: how well the model reconstructs X;
        - MMD: the kernel maximum mean discrepancy (``mmd_kernel``) between the z_i and as
          many prior samples: how far the encoded data are from the prior, i.e. how invalid
          the coupling on which L_GW is measured is.

        No term depends on the critic or on the prior family's form, so scores are comparable
        across prior families, couplings and latent sizes, as long as ``lambda_w``,
        ``lambda_d`` and ``mmd_kernel`` are the same. Pairs are taken within chunks of 512
        rows, so on larger X the score depends slightly on the order of the rows.

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
        X = self._validate_X(X)
        if X.shape[0] < 2:
            raise ValueError(f"score needs at least 2 samples, got n_samples={X.shape[0]}.")
        return evaluate_criterion(
            self.model_,
            X,
            lambda_w=self.lambda_w,
            lambda_d=self.lambda_d,
            device=torch.device(self.device_),
        )["score"]

    # ------------------------------------------------------------------ persistence

    def __getstate__(self):
        # BaseEstimator may hand back the instance's own __dict__: copy before editing.
        state = dict(super().__getstate__())
        state["_skgwae_version"] = __version__
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
