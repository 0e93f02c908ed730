"""GWAEClusterer: clustering with the Gaussian-mixture prior of a GWAE."""

import warnings
from numbers import Integral

import numpy as np
import torch
from sklearn.base import ClusterMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_limits

from ._base import (
    BaseGWAE,
    LatentTransformMixin,
    apply_in_chunks,
    document_training_parameters,
    shares_training_parameters,
)
from ._data import all_chunks, training_chunks
from ._sklearn_compat import Interval

# EM initialisations (k-means++ seeded) when the mixture is set from the latent codes; EM in
# a 10-dimensional latent space costs milliseconds, so restarts are nearly free.
EM_N_INIT = 10


@document_training_parameters
class GWAEClusterer(LatentTransformMixin, ClusterMixin, BaseGWAE):
    """Clustering with a Gromov-Wasserstein autoencoder and a Gaussian-mixture prior.

    A GWAE (Nakagawa et al., ICLR 2023) is trained with the clustering meta-prior: a
    trainable Gaussian mixture of ``n_clusters`` components in the latent space (the
    ``"gmm"`` prior family of :class:`GWAETransformer`). Each cluster is a component; a
    sample belongs to the component with the highest responsibility for its latent mean
    mu(x).

    The GWAE objective alone does not tie components to clusters of the data: the coupling
    accepts any matching of data clusters to prior components, and on digits the trained
    prior's own components split the digit classes (accuracy 0.14-0.36 over seeds 0-2,
    ``benchmarks/cluster.py``). So the fit has two steps:

    1. Train the GWAE with the mixture prior (the full objective, early stopping).
    2. Set the prior to the maximum-likelihood mixture of the encoded training data: EM in
       the latent space on the latent means mu(x), from ``EM_N_INIT`` = 10 k-means++ starts
       (best likelihood kept), written into the prior's components, with kappa rescaled
       so that L_GW is unchanged. This is a closed-form step towards the coupling
       q(z) = p(z) that the objective's L_D term pursues by gradient steps, and it ties
       every component to a cluster of the codes. The mixture is fitted to the means, not
       to the noisy codes z ~ q(z|x), so it is narrower than the codes; this raises the
       MMD part of :meth:`score` (adding the posterior variance to the components made
       one component swallow the others when some coordinates carry only noise).
       A component that is the most responsible one for no training sample is reported
       with a ConvergenceWarning.

    With ``n_init > 1`` both steps are repeated from different seeds and the model with
    the best label-free :meth:`score` on the validation rows is kept. The prior then
    generates from the clusters: :meth:`sample` returns data and their cluster labels.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters (components of the mixture prior).
    n_components : int, default=10
        Dimension of the latent space. Measured on digits (Hungarian accuracy of the
        mixture on the latent codes, seeds 0-2): 5 dimensions 0.77-0.80, 10 dimensions
        0.80-0.86, 20 dimensions 0.72-0.83 (fits stop early and the mixture has many more
        covariance parameters).
    n_init : int, default=1
        Number of GWAE fits from different seeds; the one with the best :meth:`score`
        on the held-out validation rows (the training rows without early stopping) is
        kept. Each costs a full fit.
    %(training_parameters)s

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        Cluster of each training sample (``predict`` on the training data).
    weights_ : ndarray of shape (n_clusters,)
        Mixing weight of each component.
    means_ : ndarray of shape (n_clusters, n_components)
        Component means in the latent space (the prior's components mapped through its
        final batch-norm with its running statistics, as in evaluation mode).
    covariances_ : ndarray of shape (n_clusters, n_components, n_components)
        Component covariance matrices in the latent space (mapped likewise).
    %(fitted_attributes)s

    See Also
    --------
    GWAETransformer : The embedding alone, with any prior family.
    sklearn.mixture.GaussianMixture : A Gaussian mixture on the data space.
    sklearn.cluster.KMeans : Clustering by nearest centroid.

    References
    ----------
    N. Nakagawa, R. Togo, T. Ogawa, M. Haseyama, "Gromov-Wasserstein Autoencoders",
    ICLR 2023.

    Examples
    --------
    >>> from sklearn.datasets import make_blobs
    >>> from skgwae import GWAEClusterer
    >>> X, _ = make_blobs(n_samples=300, centers=3, n_features=8, random_state=0)
    >>> clusterer = GWAEClusterer(n_clusters=3, random_state=0).fit(X)
    >>> clusterer.labels_.shape
    (300,)
    >>> clusterer.predict_proba(X[:2]).sum(axis=1).round(6)
    array([1., 1.])
    """

    _parameter_constraints: dict = {
        **BaseGWAE._parameter_constraints,
        "n_clusters": [Interval(Integral, 1, None, closed="left")],
        "n_init": [Interval(Integral, 1, None, closed="left")],
    }

    @shares_training_parameters
    def __init__(self, n_clusters=8, *, n_components=10, n_init=1, **training_params):
        super().__init__(n_components, **training_params)
        self.n_clusters = n_clusters
        self.n_init = n_init

    # ------------------------------------------------------------------ fitting hooks

    def _prior_spec(self):
        return "gmm", {"n_clusters": self.n_clusters}

    def _n_restarts(self):
        return self.n_init

    def _split(self, X, rng):
        if X.shape[0] < self.n_clusters:
            raise ValueError(f"n_samples={X.shape[0]} should be >= n_clusters={self.n_clusters}.")
        X_train, X_val = super()._split(X, rng)
        self._check_n_train(X_train.shape[0])
        return X_train, X_val

    def _check_n_train(self, n_train):
        if n_train < self.n_clusters:
            raise ValueError(
                f"The data has {n_train} samples to train on (after any validation split), "
                f"fewer than n_clusters={self.n_clusters}. Pass more data"
                + (
                    ", a smaller validation_fraction or early_stopping=False."
                    if self.early_stopping
                    else "."
                )
            )

    def _after_training(self, model, X_train, seed):
        """Set the mixture prior to the EM fit of the training rows' latent codes."""
        device = next(model.parameters()).device
        codes = np.concatenate(
            [
                apply_in_chunks(lambda x: model.encoder(x)[0], chunk, device, np.float64)
                for chunk in training_chunks(X_train)
            ]
        )
        # EM runs on standardised codes: on codes far from unit scale (data not scaled),
        # its covariances lose their precision and the fit fails, and reg_covar is absolute.
        center = codes.mean(axis=0)
        scale = float(codes.std()) or 1.0
        codes = (codes - center) / scale
        mixture = GaussianMixture(
            self.n_clusters,
            covariance_type="full",
            n_init=EM_N_INIT,
            random_state=seed,
        )
        # Small matrices: threaded BLAS only adds overhead (10x slower measured on 2 cores).
        with warnings.catch_warnings(), threadpool_limits(1, user_api="blas"):
            # A non-converged EM still gives usable components; it is not the user's fit.
            warnings.simplefilter("ignore", ConvergenceWarning)
            mixture.fit(codes)
            resp = mixture.predict_proba(codes)
        members = np.bincount(resp.argmax(axis=1), minlength=self.n_clusters)
        # Counted by hard assignment: two components on the same codes share the weight,
        # but only one of them wins any sample.
        empty = np.flatnonzero(members == 0)
        if empty.size:
            warnings.warn(
                f"Mixture component(s) {empty.tolist()} are the most responsible component "
                f"for no training sample; the data may have fewer than "
                f"n_clusters={self.n_clusters} clusters.",
                ConvergenceWarning,
            )
        old_scale = model.prior_scale()
        model.prior.set_components(
            mixture.means_ * scale + center, mixture.covariances_ * scale**2, mixture.weights_
        )
        # The new prior's scale s differs from the batch-normed one's; L_GW depends on
        # kappa / s, so kappa follows s and the objective's GW term is unchanged.
        model.replace_prior_scale(old_scale)

    def _fit(self, X):
        rows = super()._fit(X)
        self._set_clusters(all_chunks(rows))
        return rows

    def _partial_fit(self, X):
        X = super()._partial_fit(X)
        self._set_clusters([X])
        return X

    def _set_clusters(self, chunks):
        """Set ``means_``, ``covariances_``, ``weights_`` from the fitted prior, and
        ``labels_`` from the (checked) training rows, given as a sequence of arrays."""
        means, covariances, weights = (
            t.detach().double().cpu().numpy() for t in self.model_.prior.components()
        )
        self.means_ = means
        self.covariances_ = covariances
        self.weights_ = weights
        self.labels_ = np.concatenate(
            [self._log_joint_of(chunk).argmax(axis=1) for chunk in chunks]
        )

    # ------------------------------------------------------------------ clustering

    def _log_joint(self, X):
        """``log w_k + log N(mu(x_i); mean_k, cov_k)``, float64 array (n_samples, k)."""
        return self._log_joint_of(self._validate_X(X))

    def _log_joint_of(self, X):
        """:meth:`_log_joint` of rows already checked."""
        return self._apply(
            lambda x: self.model_.prior.log_joint(self.model_.encoder(x)[0]), X, np.float64
        )

    def predict_proba(self, X):
        """Responsibility of each cluster for each sample.

        The posterior probability of each mixture component given the sample's latent
        mean mu(x), with the components as in ``means_``, ``covariances_`` and
        ``weights_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data to cluster.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_clusters)
            Each row sums to 1.
        """
        # In place: on many rows, the output is the only array as large as it.
        proba = self._log_joint(X)
        proba -= proba.max(axis=1, keepdims=True)
        np.exp(proba, out=proba)
        proba /= proba.sum(axis=1, keepdims=True)
        return proba

    def predict(self, X):
        """Cluster of each sample: the most responsible component (argmax of
        :meth:`predict_proba`).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data to cluster.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Cluster labels, in ``range(n_clusters)``.
        """
        return self._log_joint(X).argmax(axis=1)

    def fit_predict(self, X, y=None):
        """Fit on X and return the cluster of each sample (``fit(X).labels_``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : None
            Ignored.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Cluster labels.
        """
        return self.fit(X).labels_

    @torch.no_grad()
    def sample(self, n_samples=1, random_state=None):
        """Generate new data from the clusters: a component k drawn by ``weights_``,
        z~ from it, then the decoder g(z~).

        Parameters
        ----------
        n_samples : int, default=1
            Number of samples to generate.
        random_state : int, RandomState instance or None, default=None
            Seeds the draws; an int gives the same samples at every call.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features_in_)
            Generated samples, in the dtype of the training data.
        y : ndarray of shape (n_samples,)
            The component (cluster) each sample was drawn from.
        """
        generator = self._sampling_generator(n_samples, random_state)
        z, labels = self.model_.prior.sample_with_labels(int(n_samples), generator)
        return self._decode_samples(z), labels.cpu().numpy()
