"""Inference with a fitted GWAE: its parts, embedding, decoding, sampling and the label-free
score; and the transformer side of the estimators."""

from numbers import Integral

import numpy as np
import torch
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils import check_array, check_random_state

from ._sklearn_compat import check_is_fitted
from ._validation import (
    check_distance_range,
    check_float32_range,
    check_inference_input,
    checked_input,
)
from .training import apply_in_chunks, evaluate_criterion, make_generator


class FittedModelMixin:
    """The methods of a fitted GWAE estimator: its parts (``encoder_``, ...), ``transform``,
    ``inverse_transform``, ``sample``, ``score`` and ``score_samples``.

    The host sets ``model_`` (a :class:`skgwae.nn.GWAEModel`), ``_device`` (the
    :class:`torch.device` it lives on), ``_fit_dtype``, and has the parameters
    ``n_components``, ``lambda_w`` and ``lambda_d``.
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

    # ------------------------------------------------------------------ inference

    def _apply(self, fn, A, dtype=None):
        """Apply ``fn`` to float32 tensors of the rows of A in chunks (evaluation mode);
        return ``dtype`` (default: A's)."""
        self.model_.eval()
        return apply_in_chunks(fn, A, self._device, dtype)

    def _validate_X(self, X):
        check_is_fitted(self)
        return check_inference_input(self, X)

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
        Z = checked_input(X, lambda Z: check_array(Z, dtype=[np.float64, np.float32]))
        if Z.shape[1] != self.n_components:
            raise ValueError(
                f"X has {Z.shape[1]} features, but inverse_transform expects "
                f"n_components={self.n_components} latent features."
            )
        check_float32_range(Z)
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
        return make_generator(seed, self._device)

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
          the nearest scaled isometry of the data. The best scale c, rather than the
          trained kappa over the prior's sampled scale, keeps the term free of the noise of
          that scale estimate and of the prior's scale;
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
        check_distance_range(X)
        return evaluate_criterion(
            self.model_,
            X,
            lambda_w=self.lambda_w,
            lambda_d=self.lambda_d,
            device=self._device,
            per_sample=per_sample,
        )


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
