"""GWAEClusterer: clustering with the Gaussian-mixture prior of a GWAE."""

import math
import warnings
from numbers import Integral

import numpy as np
import torch
from scipy.special import logsumexp
from sklearn.base import ClusterMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import adjusted_rand_score

from ._base import BaseGWAE
from ._docs import document_training_parameters, shares_parameters
from ._inference import LatentTransformMixin
from ._mixture import (
    agreement,
    fit_latent_mixture,
    mixture_classifying_parts,
    mixture_of_parts,
    reading_cut_ratio,
)
from ._sklearn_compat import Interval
from ._validation import effective_batch_size, effective_lambda_h
from .training import AUTO_STEPS, apply_in_chunks, fit_to_partition

# Once the training rows are partitioned, the model takes PARTITION_STEP_FRACTION of the
# training's steps (at most PARTITION_STEPS) with Adam at PARTITION_LEARNING_RATE on the
# objective plus PARTITION_LABEL_WEIGHT times the cross-entropy of the partition's labels
# under the mixture of its parts' codes. The objective keeps the codes' geometry (the
# cross-entropy alone lowered the out-of-distribution AUROC of score_samples on digits
# from 0.967 to 0.931); a weight of 3 or 10 pulled apart the codes of whatever partition
# it was given, so that the BIC of clear blobs came out lowest with one cluster too many.
# 250 steps gained little more accuracy for 2.5 times the cost (a step costs about what a
# training step does); 100 at 3e-3 gained as much as 250 at 1e-3 but lowered that AUROC
# to 0.960.
PARTITION_STEPS = 100
PARTITION_STEP_FRACTION = 0.08
# Where a model of the rows (EM, the latent class or the mixed model, a mixture with one
# shared covariance) replaced the neighbour graph's partition whole, the codes' graph did
# not show that partition, and the codes need more steps to take it on:
# REPLACED_PARTITION_STEP_FRACTION of the training's steps, at most
# REPLACED_PARTITION_STEPS (368 after a default training, against 92). The fits of
# 45 of the 179 clustering benchmark sets changed: 32 rose (by up to 0.028, classes of
# their own covariances beside factors; topics, binary and one-hot tables), 11 fell by at
# most 0.003; such a fit takes about a tenth longer. Fits of the graph's own partition
# gained little from more steps (250 instead of 100, above).
REPLACED_PARTITION_STEPS = 400
REPLACED_PARTITION_STEP_FRACTION = 0.32
PARTITION_LEARNING_RATE = 1e-3
PARTITION_LABEL_WEIGHT = 1.0
# Where, after those steps, the mixture of the parts' codes still gives fewer than
# MIN_CODES_AGREEMENT of the training rows their part, the codes mix the partition's
# classes (classes that differ in a few of many features, sparse binary words), and
# training goes on for as many steps again with the cross-entropy at MIXED_LABEL_WEIGHT.
# Elsewhere the codes hold the partition (the digits: 0.99 of the rows), and the steps
# would only cost time; a weight of 3 held the partition less well than 10 (5 sparse
# topics: 0.87 of the rows against 0.94, from 0.82).
MIN_CODES_AGREEMENT = 0.95
MIXED_LABEL_WEIGHT = 10.0
# Where a model of the rows replaced the graph's partition and, after those steps, the
# mixture of the parts' codes gives fewer than CLASSIFIED_MIN_AGREEMENT of the training
# rows their part, the mixture is refitted to classify them as the partition does (see
# _classifying_mixture): the partition came from the rows, the codes never showed it,
# and their parts' moments draw the boundaries where the codes' shapes put them. In
# default fits of every clustering benchmark set, 38 fits of 21 sets changed: 17 sets
# rose (by up to 0.010: topics, answers, levels and flags beside classes) and 3 fell (by
# 0.002 at most). Not where the codes' own graph found the partition: there its moments
# often classified the rows better than the partition did (refitted on the saved codes,
# the breast cancer tables lost up to 0.017); refitting also where the mixture agreed
# with 0.97-0.99 of the rows raised 6 more sets and lowered 4.
CLASSIFIED_MIN_AGREEMENT = 0.97
# Where the graph's partition was kept, the mixture of its parts' codes is refitted in
# the same way where it gives fewer than KEPT_CLASSIFIED_MIN_AGREEMENT of the training
# rows their part and its reading of the codes cuts their neighbour graph more than the
# partition does (see _mixture.reading_cut_ratio): the partition then follows the graph
# where the parts' moments do not, as across curved clusters (two moons: 0.95 of the
# rows, 0.954 accuracy, against 0.991 refitted). Where the reading cuts the graph less,
# the moments often draw the better boundary, and refitting lost as often as it gained.
KEPT_CLASSIFIED_MIN_AGREEMENT = 0.99
# With n_init > 1 the clusterer keeps the restart whose partition is the most typical one
# (agrees best with the others'), not the one with the best label-free score. Fits from
# different seeds move between a few partitions, and the score does not tell one that
# joins two classes from one that keeps them apart: chosen by the score, 3 restarts gave
# a lower mean accuracy over the 34 clustering benchmark sets than a single fit (0.903
# against 0.912; the odd digits 0.753 against 0.875, the digits 0.864 against 0.904); the
# most typical of the same 3 gave 0.914.


def partition_steps(training_steps, replaced):
    """The number of steps after the partition of the training rows, for a training of
    ``training_steps`` steps, more where a model of the rows ``replaced`` the neighbour
    graph's partition."""
    if replaced:
        return min(
            REPLACED_PARTITION_STEPS, round(REPLACED_PARTITION_STEP_FRACTION * training_steps)
        )
    return min(PARTITION_STEPS, round(PARTITION_STEP_FRACTION * training_steps))


def most_typical_partitions(labelings):
    """Indices of the partitions that agree best, on average, with the others.

    Agreement is the adjusted Rand index, which ignores how clusters are numbered; each
    partition's mean over the other partitions is compared, and every partition within
    1e-9 of the highest mean is returned, in order. Two partitions always tie.
    """
    n = len(labelings)
    agreement = np.eye(n)
    for i in range(n):
        for j in range(i + 1, n):
            agreement[i, j] = agreement[j, i] = adjusted_rand_score(labelings[i], labelings[j])
    mean = (agreement.sum(axis=1) - 1.0) / max(n - 1, 1)
    return np.flatnonzero(mean >= mean.max() - 1e-9)


def _misreads_partition(mixture, codes, labels, replaced, graph):
    """Whether the mixture of the parts' ``codes`` is to be refitted to classify them as
    ``labels`` do: where a model of the rows ``replaced`` the graph's partition, where it
    gives fewer than CLASSIFIED_MIN_AGREEMENT of the codes their part; where the partition
    of the neighbour ``graph`` was kept, where it gives fewer than
    KEPT_CLASSIFIED_MIN_AGREEMENT their part and its reading cuts the graph more."""
    shared = agreement(mixture, codes, labels)
    if replaced:
        return shared < CLASSIFIED_MIN_AGREEMENT
    return (
        graph is not None
        and shared < KEPT_CLASSIFIED_MIN_AGREEMENT
        and reading_cut_ratio(mixture, codes, labels, graph) > 1.0
    )


def _component_log_joint(model, x):
    """``log w_k + log N(mu(x); mean_k, cov_k)`` of a batch of rows under ``model``."""
    return model.prior.log_joint(model.encoder(x)[0])


@document_training_parameters
class GWAEClusterer(LatentTransformMixin, ClusterMixin, BaseGWAE):
    """Clustering with a Gromov-Wasserstein autoencoder and a Gaussian-mixture prior.

    A GWAE (Nakagawa et al., ICLR 2023) is trained with the clustering meta-prior: a
    trainable Gaussian mixture of ``n_clusters`` components in the latent space (the
    ``"gmm"`` prior family of :class:`GWAETransformer`). Each cluster is a component; a
    sample belongs to the component with the highest responsibility for its latent mean
    mu(x).

    The GWAE objective alone does not tie components to clusters of the data: the coupling
    accepts any matching of data clusters to prior components, so the trained prior's own
    components may split the clusters of the data. So the fit has two steps (on the rows as
    ``power_transform``, ``standardize`` and ``weight_features`` scale them: for tables
    (rows outside [0, 1], or scaled to it, rather than pixels or 0/1 answers), skewed
    features whose clusters a power transform makes closer to Gaussian are reshaped;
    tables in different units are standardised; and the features of tables are weighted
    by how much each varies along the rows' neighbour graph, so that features of noise
    count less, and where they fall into blocks that are independent of one another
    (classes beside a curved surface, or beside factors of their own), a block whose
    partitions into ``n_clusters`` parts do not reproduce on subsets of the rows, while
    another block's do, is dropped: its features weigh 0 in ``feature_weights_``):

    1. Train the GWAE with the mixture prior (the full objective, early stopping).
    2. Set the prior from the clusters of the encoded training rows. They are partitioned on
       a graph that links two rows where they are neighbours both among the latent means
       mu(x) and among the rows themselves (by spectral clustering, or by the Louvain method
       where its partition is the better one of that graph, or one that further Louvain
       runs find again). EM on the rows (a
       full-covariance Gaussian mixture started from the parts) refines the partition: it
       moves rows where parts touch, and replaces the partition whole only where its own
       clusters explain the rows much better (as where classes share a mean and differ
       in covariance, which leaves a graph no gap to cut) or cut the graph of the
       standardised features less (features in different units). Where the parts are
       heavy-tailed (Mardia's kurtosis), EM, which gives tails a component of their own,
       moves them only where it explains the rows far better or leaves Gaussian parts;
       where it moves a few rows away from a partition that further Louvain runs find
       again, it trims the skewed tails of clusters, and the partition stays.
       Where every feature is binary or one-hot, the partition of a latent class model (a
       mixture of independent binary and categorical features, fitted by EM) replaces the
       graph's where, within its clusters, the features are nearly independent, as that
       model has them: the distances of such rows tie, and their neighbour graph follows
       the classes poorly. Where continuous features stand beside binary or one-hot ones, a
       mixed model (a Gaussian of the continuous features times the latent class model of
       the others) fitted from the parts replaces the partition where each of its clusters
       is one Gaussian in the continuous features and the others are nearly independent
       within it. Otherwise, EM for a Gaussian mixture whose clusters share one
       covariance, started from the parts, replaces the partition where held-out rows are
       clearly likelier under that shared covariance than under each part's own: where
       classes sit beside structure that every class shares (features driven by
       class-free factors, noise correlated across features), the graph follows that
       structure in part, and the shared covariance absorbs it. Training goes on for a
       few steps (8 % as many as it took, at most 100; where a model of the rows
       replaced the graph's partition, which the codes then do not show, 32 %, at most
       400) with the cross-entropy of the refined labels added to the objective (and as
       many again, with that cross-entropy weighing 10 times as much, where the mixture
       of the parts' codes still gives fewer than 95 % of the training rows their part),
       and each component takes the weight, mean and covariance of one part's latent
       means (where a model of the rows replaced the partition and those components
       still give fewer than 97 % of the training rows their part, or where the graph's
       partition was kept and they give fewer than 99 % their part and their reading
       of the codes cuts the graph more than the partition does, they are refitted to
       classify the rows as the partition does while each stays a density of its part);
       kappa is rescaled so that L_GW is unchanged. The graph follows the
       connected dense regions that make clusters, which a maximum-likelihood mixture of
       the codes does not; EM on the rows draws the boundaries between overlapping
       Gaussian clusters, which a graph does not. The components are moments of the
       means, not of the noisy codes z ~ q(z|x), so they are narrower than the codes,
       which raises the MMD part of :meth:`score`. A component that is the most
       responsible one for no training sample is reported with a ConvergenceWarning.

    With ``n_init > 1`` both steps are repeated from different seeds and the model whose
    clusters of the training rows agree best with the other models' (the highest mean
    adjusted Rand index) is kept: a partition that most fits find. The prior then
    generates from the clusters: :meth:`sample` returns data and their cluster labels.

    Read more in the :ref:`User Guide <clustering>`, which describes each stage and why
    it is there.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters (components of the mixture prior).
    n_components : int, default=10
        Dimension of the latent space. The default is larger than the transformer's 2
        because clusters separate better in more dimensions, while many more dimensions
        give the mixture many more covariance parameters to fit. Tabular data whose
        clusters differ in shape across many features may need 20 or more, so that the
        latent means keep those shapes.
    n_init : int, default=1
        Number of GWAE fits from different seeds. The one whose clusters of the training
        rows agree best with the other fits' (the highest mean adjusted Rand index) is
        kept; between two fits, which always agree equally, the one with the best
        :meth:`score` on the held-out validation rows (the training rows without early
        stopping). The label-free score is not used first because it does not recognise
        clusters that join or split classes, and picked such fits. Each restart costs a
        full fit.
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
    skgwae.metrics.latent_eigengap : Choosing ``n_clusters`` without labels.
    skgwae.metrics.geodesic_silhouette : Choosing ``n_clusters`` without labels.
    skgwae.metrics.latent_silhouette : Choosing ``n_clusters`` without labels.
    skgwae.metrics.latent_modularity : Choosing ``n_clusters`` without labels.

    References
    ----------
    N. Nakagawa, R. Togo, T. Ogawa, M. Haseyama, "Gromov-Wasserstein Autoencoders",
    ICLR 2023.

    Examples
    --------
    >>> from sklearn.datasets import make_blobs
    >>> from skgwae import GWAEClusterer
    >>> X, _ = make_blobs(n_samples=300, centers=3, n_features=8, random_state=0)
    >>> clusterer = GWAEClusterer(n_clusters=3, max_iter=20, random_state=0).fit(X)
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

    @shares_parameters(BaseGWAE.__init__)
    def __init__(self, n_clusters=8, *, n_components=10, n_init=1, **training_params):
        super().__init__(n_components, **training_params)
        self.n_clusters = n_clusters
        self.n_init = n_init

    # ------------------------------------------------------------------ BaseGWAE hooks

    def _prior_spec(self):
        return "gmm", {"n_clusters": self.n_clusters}

    def _auto_weight_features(self):
        # Weighted features raised the clusters of tables whose classes differ in a few of
        # many features, and moved those of pixels as often down as up.
        return True

    def _auto_power_transform(self):
        # Reshaped skewed features raised the clusters of tables whose classes are skewed
        # (log-normal, gamma) and left those whose skewed tail is itself a class.
        return True

    def _feature_modes(self):
        # A skewed feature is reshaped where the clusters, not its tail, are skewed: a
        # mixture of as many Gaussians as clusters fits it better reshaped.
        return self.n_clusters

    def _clusters_sought(self):
        # Weighted features drop an independent block of features whose partitions into
        # n_clusters do not reproduce where another block's do (see _feature_blocks).
        return self.n_clusters

    def _n_restarts(self):
        return self.n_init

    def _min_train_rows(self):
        return self.n_clusters, f"n_clusters={self.n_clusters}"

    def _auto_steps(self):
        # The steps after the partition count in the budget of max_iter="auto": about
        # 1,150 of training, then 92 after the partition.
        return round(AUTO_STEPS * (1.0 - PARTITION_STEP_FRACTION))

    def _choose_restart(self, models, data, device, geometry):
        """The restart whose clusters of the training rows agree best with the others'
        (the label-free criterion breaks ties, as between two restarts)."""
        labels = [
            np.concatenate(
                [
                    apply_in_chunks(
                        lambda x, m=model: _component_log_joint(m, x).argmax(dim=1),
                        chunk,
                        device,
                        np.int64,
                    )
                    for chunk in data.training_chunks()
                ]
            )
            for model in models
        ]
        typical = most_typical_partitions(labels)
        if len(typical) == 1:
            return int(typical[0])
        tied = [models[i] for i in typical]
        return int(typical[super()._choose_restart(tied, data, device, geometry)])

    def _after_training(self, model, data, *, device, seed, geometry, result):
        """Set the mixture prior from the clusters of the training rows' latent codes, after
        training on towards codes whose parts reproduce those clusters."""
        codes = np.concatenate(
            [
                apply_in_chunks(lambda x: model.encoder(x)[0], chunk, device, np.float64)
                for chunk in data.training_chunks()
            ]
        )
        read = {}

        def rows_at(index):
            # Kept for the step below: chunked rows are read in one pass, not two.
            read["rows"] = data.training_rows_at(index)
            return read["rows"]

        mixture = fit_latent_mixture(
            codes,
            self.n_clusters,
            seed,
            rows=rows_at,
            # The geodesic metric's graph joins Euclidean neighbours.
            rows_metric="cosine" if self.metric == "cosine" else "euclidean",
        )
        # One cluster: a partition with nothing to tell apart. An interrupted training
        # ends the fit (the user asked to stop), so no steps follow it.
        if mixture.labels is not None and self.n_clusters > 1 and not result.interrupted:
            rows = read["rows"]
            batch_size = effective_batch_size(self.batch_size, data.n_train)
            training_steps = result.n_epochs * max(1, round(data.n_train / batch_size))
            n_steps = partition_steps(training_steps, mixture.replaced)
            labels, positions, replaced = mixture.labels, mixture.index, mixture.replaced
            graph = mixture.graph
            # The second pass, with the larger weight, only where the first leaves the
            # parts' codes mixed (see MIN_CODES_AGREEMENT).
            weights = (PARTITION_LABEL_WEIGHT, MIXED_LABEL_WEIGHT)
            for step_pass, label_weight in enumerate(weights):
                if step_pass and agreement(mixture, codes, labels) >= MIN_CODES_AGREEMENT:
                    break
                interrupted = fit_to_partition(
                    model,
                    rows,
                    positions,
                    labels,
                    self.n_clusters,
                    n_steps=n_steps,
                    batch_size=batch_size,
                    learning_rate=PARTITION_LEARNING_RATE,
                    lambda_w=self.lambda_w,
                    lambda_d=self.lambda_d,
                    lambda_h=effective_lambda_h(self.lambda_h, self.n_components),
                    label_weight=label_weight,
                    pairs=geometry.pair_distance_fn(device),
                    device=device,
                    seed=seed + step_pass,
                )
                codes = apply_in_chunks(lambda x: model.encoder(x)[0], rows, device, np.float64)
                mixture = mixture_of_parts(codes, labels, self.n_clusters)
                if interrupted:
                    warnings.warn(
                        "Training interrupted by the user during the steps that follow the "
                        "partition of the training rows; keeping the model as it is.",
                        UserWarning,
                    )
                    result.interrupted = True
                    break
            if not result.interrupted and _misreads_partition(
                mixture, codes, labels, replaced, graph
            ):
                mixture = mixture_classifying_parts(codes, labels, self.n_clusters)
        if mixture.empty.size:
            warnings.warn(
                f"Mixture component(s) {mixture.empty.tolist()} are the most responsible "
                f"component for no training sample; the data may have fewer than "
                f"n_clusters={self.n_clusters} clusters.",
                ConvergenceWarning,
            )
        old_scale = model.prior_scale()
        model.prior.set_components(mixture.means, mixture.covariances, mixture.weights)
        # The new prior's scale s differs from the batch-normed one's; L_GW depends on
        # kappa / s, so kappa follows s and the objective's GW term is unchanged.
        model.replace_prior_scale(old_scale)

    def _after_fit(self, data):
        """Set ``means_``, ``covariances_``, ``weights_`` from the fitted prior, and
        ``labels_`` from the rows of this fit."""
        means, covariances, weights = (
            t.detach().double().cpu().numpy() for t in self.model_.prior.components()
        )
        self.means_ = means
        self.covariances_ = covariances
        self.weights_ = weights
        self.labels_ = np.concatenate(
            [self._log_joint_of(chunk).argmax(axis=1) for chunk in data.all_chunks()]
        )

    # ------------------------------------------------------------------ clustering

    def _log_joint(self, X):
        """``log w_k + log N(mu(x_i); mean_k, cov_k)``, float64 array (n_samples, k)."""
        return self._log_joint_of(self._validate_X(X))

    def _log_joint_of(self, X):
        """:meth:`_log_joint` of rows already checked."""
        return self._apply(_component_log_joint, X, np.float64)

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
        """Cluster of each sample: its most responsible component.

        The label is the argmax of :meth:`predict_proba`, computed without normalising the
        responsibilities.

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
        """Generate new data from the clusters, with the cluster of each sample.

        A component k is drawn by ``weights_``, a latent code z~ from that component, and
        the sample is the decoder's output g(z~).

        Parameters
        ----------
        n_samples : int, default=1
            Number of samples to generate.
        random_state : int, RandomState instance or None, default=None
            Seeds the draws; an int gives the same samples at every call.

        Returns
        -------
        X : ndarray of shape (n_samples, `n_features_in_`)
            Generated samples, in the dtype of the training data.
        y : ndarray of shape (n_samples,)
            The component (cluster) each sample was drawn from.
        """
        generator = self._sampling_generator(n_samples, random_state)
        z, labels = self.model_.prior.sample_with_labels(int(n_samples), generator)
        return self._decode_samples(z), labels.cpu().numpy()

    # ------------------------------------------------------------------ number of clusters

    def _n_parameters(self):
        """Free parameters of the latent mixture: means, full covariances and weights."""
        k, d = self.n_clusters, self.n_components
        return k * d + k * d * (d + 1) // 2 + k - 1

    def _whitened_log_density(self, X):
        """Log-density of each row's latent mean under the fitted mixture, in coordinates
        where the mixture as a whole has unit covariance (its own whitening)."""
        log_density = logsumexp(self._log_joint(X), axis=1)
        weights, means = self.weights_, self.means_
        centre = weights @ means
        spread = means - centre
        # The mixture's total covariance: within components plus between their means.
        total = np.einsum("k,kij->ij", weights, self.covariances_) + np.einsum(
            "k,ki,kj->ij", weights, spread, spread
        )
        # z -> W (z - centre) with W W^T = total^-1 has Jacobian det(total)^-1/2, so the
        # density of the whitened codes is det(total)^1/2 times that of the codes.
        return log_density + 0.5 * np.linalg.slogdet(total)[1]

    def bic(self, X):
        """Bayesian information criterion of the latent mixture on X (lower is better).

        ``-2 * sum_i log p(u_i) + n_params * log(n_samples)``, where ``u_i`` is the latent
        mean mu(x_i) whitened by the fitted mixture's total covariance (the covariance of
        the mixture as a whole) and p the mixture in those coordinates, and ``n_params``
        counts the mixture's means, full covariances and weights in ``n_components``
        dimensions. Comparing it across fits with different ``n_clusters`` on the same X
        estimates the number of clusters, as :meth:`GaussianMixture.bic
        <sklearn.mixture.GaussianMixture.bic>` does for a mixture on the data.

        The latent codes of models with different ``n_clusters`` differ, and the plain
        log-density of the codes depends on the scale and shape the encoder gave them; in
        whitened coordinates it measures only how much better the mixture describes the
        codes than one Gaussian of the same overall covariance would, which is comparable
        across models. The criterion sees the data through the encoder: it finds clusters
        that the embedding separates, it treats the encoder as fixed (its parameters are
        not counted), and in ``n_components`` dimensions a component costs
        ``n_components * (n_components + 3) / 2 + 1`` parameters, so with few samples per
        cluster it prefers fewer clusters. Use the training rows or rows like them. A model
        fitted with more components than the data has clusters tends to split a
        cluster's codes among them, which the likelihood rewards: on synthetic data with
        a known number of clusters, :func:`skgwae.metrics.latent_eigengap`,
        :func:`skgwae.metrics.geodesic_silhouette`,
        :func:`skgwae.metrics.latent_silhouette` and
        :func:`skgwae.metrics.latent_modularity` chose the true number far more often (see
        the documentation's benchmarks).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples, usually the training data.

        Returns
        -------
        bic : float
            The criterion; lower is better.
        """
        log_density = self._whitened_log_density(X)
        return -2.0 * log_density.sum() + self._n_parameters() * math.log(log_density.shape[0])

    def aic(self, X):
        """Akaike information criterion of the latent mixture on X (lower is better).

        ``-2 * sum_i log p(u_i) + 2 * n_params``, with the whitened latent means ``u_i``
        and the parameter count of :meth:`bic`, which explains what it compares and its
        limits. Its penalty does not grow with the number of samples, so on many samples
        it tends to choose more clusters than :meth:`bic`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples, usually the training data.

        Returns
        -------
        aic : float
            The criterion; lower is better.
        """
        return -2.0 * self._whitened_log_density(X).sum() + 2.0 * self._n_parameters()
