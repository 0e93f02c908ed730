"""Inference with a fitted GWAE: its parts, embedding, decoding, sampling and the label-free
score; and the transformer side of the estimators."""

import copy
import weakref
from numbers import Integral

import numpy as np
import torch
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils import check_array, check_random_state

from ._data import scale_rows, unscale_rows
from ._sklearn_compat import check_is_fitted
from ._validation import (
    check_distance_range,
    check_float32_range,
    check_inference_input,
    checked_input,
)
from .nn.losses import reconstruction_per_sample
from .training import apply_in_chunks, evaluate_criterion, make_generator
from .training.inference import INFERENCE_CHUNK
from .training.threads import resolve_n_threads, step_multiply_adds, torch_threads


# The float64 copy of each fitted model that inference on float64 rows has used; an entry
# goes with its model.
_FLOAT64_COPIES = weakref.WeakKeyDictionary()


class FittedModelMixin:
    """The methods of a fitted GWAE estimator: its parts (``encoder_``, ...), ``transform``,
    ``inverse_transform``, ``sample``, ``score`` and ``score_samples``.

    The host sets ``model_`` (a :class:`skgwae.nn.GWAEModel`), ``_device`` (the
    :class:`torch.device` it lives on), ``_geometry`` (the fitted data geometry, whose
    reference rows the score compares with), ``_fit_dtype``, and has the parameters
    ``n_components``, ``lambda_w``, ``lambda_d`` and ``n_jobs``.
    """

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

    @property
    def metric_(self):
        """The data metric of the fit (``metric`` with ``"auto"`` resolved)."""
        check_is_fitted(self)
        return self._geometry.metric

    @property
    def standardize_(self):
        """Whether the fit standardised the rows (``standardize`` with "auto" resolved)."""
        check_is_fitted(self)
        return self.model_.config["standardized"]

    @property
    def feature_weights_(self):
        """The weight of each feature (``weight_features``); None if not weighted."""
        check_is_fitted(self)
        scaling = self.model_.input_scaling()
        return None if scaling is None else scaling.weights

    @property
    def feature_lambdas_(self):
        """The Yeo-Johnson exponent of each reshaped feature (``power_transform``).

        1 (the identity's exponent) where a feature is left as it is; None if none is
        reshaped.
        """
        check_is_fitted(self)
        scaling = self.model_.input_scaling()
        return None if scaling is None or scaling.shapes is None else scaling.shapes.lambdas

    # ------------------------------------------------------------------ inference

    def _apply(self, fn, A, dtype=None):
        """``fn(model, x)`` on tensors of the rows of A in chunks, the model in evaluation
        mode; return ``dtype`` (default: A's).

        float64 rows on the CPU go through a float64 copy of the model: in float32, the
        matrix-product kernels round a row's result differently (by an ulp or so)
        depending on how many rows share the call, and in float64 that difference is far
        below what a float64 caller can see, so a row's result does not depend on the
        other rows. Otherwise the model runs in float32, as it was trained.
        """
        model = self.model_
        tensor_dtype = torch.float32
        if np.dtype(A.dtype) == np.float64 and self._device.type == "cpu":
            model, tensor_dtype = self._float64_model(), torch.float64
        model.eval()
        with self._threads(A.shape[0]):
            return apply_in_chunks(
                lambda x: fn(model, x), A, self._device, dtype, tensor_dtype
            )

    def _float64_model(self):
        """A float64 copy of ``model_``, made once per fitted model and kept beside it
        (not in the estimator, whose state inference must not change)."""
        model = _FLOAT64_COPIES.get(self.model_)
        if model is None:
            model = copy.deepcopy(self.model_).double().eval()
            _FLOAT64_COPIES[self.model_] = model
        return model

    def _validate_X(self, X):
        """X checked for inference, in the model's units (scaled as the fit's rows were)."""
        check_is_fitted(self)
        return scale_rows(check_inference_input(self, X), self.model_.input_scaling())

    def transform(self, X):
        """Embed X: the encoder mean mu(x), in evaluation mode (deterministic).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data to embed.

        Returns
        -------
        Z : ndarray of shape (n_samples, n_components)
            Latent means, in the dtype of X (float32 or float64). On the CPU, float64 X
            goes through a float64 copy of the networks, so that each row's result does
            not depend on the other rows in the call.
        """
        X = self._validate_X(X)
        return self._apply(lambda model, x: model.encoder(x)[0], X)

    def inverse_transform(self, X):
        """Decode latent codes back to the data space: g(z).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)
            Latent codes (for example the output of :meth:`transform`).

        Returns
        -------
        X_original : ndarray of shape (n_samples, `n_features_in_`)
            Decoded data.
        """
        check_is_fitted(self)
        Z = checked_input(X, lambda Z: check_array(Z, dtype=[np.float64, np.float32]))
        if Z.shape[1] != self.n_components:
            raise ValueError(
                f"X has {Z.shape[1]} features, but inverse_transform expects "
                f"n_components={self.n_components} latent features."
            )
        check_float32_range(Z)
        decoded = self._apply(lambda model, z: model.decoder(z), Z)
        return unscale_rows(decoded, self.model_.input_scaling())

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
        X : ndarray of shape (n_samples, `n_features_in_`)
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
        return make_generator(seed, self._device)

    def _decode_samples(self, z):
        x = self.model_.decoder(z).cpu().numpy().astype(self._fit_dtype, copy=False)
        return unscale_rows(x, self.model_.input_scaling())

    def reconstruction_error(self, X):
        """Each sample's reconstruction error by the model: ``0.5 * ||x - g(mu(x))||^2``.

        The decoder g applied to the encoder mean mu(x), in evaluation mode; the L_W part of
        :meth:`score_samples`. Where the fit standardised or weighted the rows
        (``standardize_``, ``feature_weights_``), x and g(mu(x)) are the rows so scaled,
        as in training. A sample unlike the training data is reconstructed badly,
        so minus this error is an outlier score (higher is more normal). It ranks outliers
        better than :meth:`score_samples` does: the MMD part of the score measures how the
        encoded data as a whole match the prior, not how typical one sample is, and adds
        noise to a ranking of samples.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples to reconstruct.

        Returns
        -------
        errors : ndarray of shape (n_samples,)
            Lower is more typical of the training data (float64).
        """
        X = self._validate_X(X)
        check_distance_range(X)  # squared errors of huge values overflow float32

        def error(model, x):
            x_hat = model.decoder(model.encoder(x)[0])
            return reconstruction_per_sample(x.double(), x_hat.double())

        return self._apply(error, X, np.float64)

    def score_samples(self, X):
        """Each sample's share of :meth:`score` (higher is better); their mean is the score.

        Row i gets ``-(gw_i + lambda_w * w_i + lambda_d * mmd_i)``: its GW mismatch with the
        reference rows, its reconstruction error and its share of the MMD (:meth:`score`
        has the definitions). Each depends on that row and the fitted model alone, so a row
        scores the same alone, among other rows or repeated. A row unlike the training data
        is encoded where the model has no support and reconstructed badly, so it scores
        low; :meth:`reconstruction_error` alone ranks outliers better.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples to score.

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

        Each term is a mean over the rows of X of a value that depends on the row alone,
        given the fitted model. The model keeps ``R`` reference rows, drawn at random from
        its training rows at fit (at most 256), and draws 512 prior samples z~ with a fixed
        seed. With mu the encoder mean and d the data distance of ``metric`` (x the rows
        as the fit scaled them, see ``standardize_`` and ``feature_weights_``):

        - L_GW = mean_i mean_r ``| d(x_i, x_r) - c * ||mu(x_i) - mu(x_r)|| |``: how far the
          embedding of X is from a scaled isometry onto the reference rows' embedding, at
          the ratio c that minimises the same mismatch among the reference rows (so the
          term does not depend on the prior's scale);
        - L_W = mean_i 0.5 * ||x_i - g(mu(x_i))||^2: how well the model reconstructs X;
        - MMD = mean_i [mean_r k(mu_i, mu_r) - 2 mean_j k(mu_i, z~_j)] + mean_{j != j'}
          k(z~_j, z~_j'), with the kernel of ``mmd_kernel``: how far the encoded data lie
          from the prior, i.e. how invalid the coupling on which L_GW is measured is.

        No term depends on the critic or on the prior family's form, so scores are comparable
        across prior families, couplings and estimators (a :class:`GWAETransformer` and a
        :class:`GWAEClusterer` are scored alike), as long as ``metric``, ``lambda_w``,
        ``lambda_d`` and ``mmd_kernel`` are the same. Across latent sizes only L_GW and L_W
        are on a common scale: the MMD's kernel widths grow with the latent size, so compare
        ``n_components`` with care. The score estimates how well the model as a whole
        (embedding, decoder and prior) fits X; it does not measure cluster quality or
        disentanglement directly. It is the mean of :meth:`score_samples`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples to score.
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
        # The score's distances square differences of samples, as fit does.
        check_distance_range(X)
        # As in _apply: float64 rows on the CPU go through the float64 copy of the model,
        # so that a row's score does not depend on the other rows in the call; they are
        # compared with what the model itself gives (its prior samples, drawn in float32).
        model, dtype = self.model_, torch.float32
        if np.dtype(X.dtype) == np.float64 and self._device.type == "cpu":
            model, dtype = self._float64_model(), torch.float64
        with self._threads(X.shape[0]):
            return evaluate_criterion(
                model,
                X,
                None,
                self._geometry,
                lambda_w=self.lambda_w,
                lambda_d=self.lambda_d,
                device=self._device,
                per_sample=per_sample,
                dtype=dtype,
                reference_model=self.model_,
            )

    def _threads(self, n_rows):
        """The torch threads of an inference pass over ``n_rows`` rows (``n_jobs``)."""
        # Counted on one row and scaled (the cost is linear in the rows): counting on a
        # whole chunk would run the networks once more over it.
        work = step_multiply_adds(self.model_, 1) * min(max(n_rows, 1), INFERENCE_CHUNK)
        return torch_threads(resolve_n_threads(self.n_jobs, work))


class LatentTransformMixin(ClassNamePrefixFeaturesOutMixin, TransformerMixin):
    """The transformer side of a GWAE estimator: ``transform`` gives the latent means,
    ``fit_transform``, ``set_output`` and feature names ``<classname>0, 1, ...``.

    Put it before :class:`BaseGWAE` in the bases.
    """

    def transform(self, X):
        # Defined here, on a TransformerMixin subclass, so that set_output wraps it
        # (scikit-learn wraps only methods the class defines); the work is
        # FittedModelMixin's.
        return super().transform(X)

    transform.__doc__ = FittedModelMixin.transform.__doc__

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
