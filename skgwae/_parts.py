"""The parts of a partition of rows: which rows each holds, and their Gaussian
moments."""

import numpy as np
import scipy.sparse
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

# Added to the diagonal of every covariance (standardised codes), as GaussianMixture's
# reg_covar: a cluster of one code or of codes on a line still has a density.
REG_COVAR = 1e-6


def generator_copy(rng):
    """A new RandomState in the state of ``rng``: draws from it leave ``rng``'s own draws
    as they were."""
    copy = np.random.RandomState()
    copy.set_state(rng.get_state())
    return copy


def gaussian_parameters(n_dims):
    """The parameters of a full-covariance Gaussian's mean and covariance in ``n_dims``
    dimensions: d (d + 3) / 2."""
    return n_dims * (n_dims + 3) // 2


def membership(labels, n_components):
    """The (n_rows, n_components) 0/1 matrix whose row i marks the part ``labels[i]``."""
    return np.eye(n_components)[labels]


def part_moments(X, labels, n_components):
    """(weights, means, covariances) of the parts ``labels`` of the rows of X, each
    covariance with ``REG_COVAR`` added to its diagonal; every part must be non-empty."""
    counts = np.bincount(labels, minlength=n_components)
    means = membership(labels, n_components).T @ X / counts[:, None]
    covariances = np.empty((n_components, X.shape[1], X.shape[1]))
    for k in range(n_components):
        centred = X[labels == k] - means[k]
        covariances[k] = centred.T @ centred / counts[k]
        covariances[k].flat[:: X.shape[1] + 1] += REG_COVAR
    return counts / len(X), means, covariances


def member_matrix(labels):
    """The sparse (n_rows, n_parts) 0/1 matrix whose row i marks the part ``labels[i]``."""
    return scipy.sparse.csr_matrix(
        (np.ones(len(labels)), (np.arange(len(labels)), labels)),
        shape=(len(labels), labels.max() + 1),
    )


def log_joint(X, weights, means, covariances):
    """log w_k + log N(x | mean_k, covariance_k) of each row of X and component,
    of shape (n_rows, n_components)."""
    return np.stack(
        [
            np.log(weight) + multivariate_normal(mean, covariance).logpdf(X)
            for weight, mean, covariance in zip(weights, means, covariances, strict=True)
        ],
        axis=1,
    )


class PartsMixture:
    """The Gaussian mixture of the parts ``labels`` of the rows of X (each non-empty):
    their weights, means and full covariances (``part_moments``), with
    ``score_samples`` as scikit-learn's mixtures have it. A covariance that cannot be
    factored raises here, not when scoring."""

    def __init__(self, X, labels, n_components):
        weights, means, covariances = part_moments(X, labels, n_components)
        self._log_weights = np.log(weights)
        self._densities = [
            multivariate_normal(mean, covariance)
            for mean, covariance in zip(means, covariances, strict=True)
        ]

    def score_samples(self, X):
        """The log-likelihood of each row of X under the mixture."""
        joint = np.stack([density.logpdf(X) for density in self._densities], axis=1)
        return logsumexp(joint + self._log_weights, axis=1)


def parts_log_likelihood(X, labels, n_components):
    """The rows' mean log-likelihood under the mixture of the parts ``labels`` (each
    non-empty) of X: their weights, means and full covariances (``part_moments``)."""
    return float(PartsMixture(X, labels, n_components).score_samples(X).mean())


def parts_kurtosis(X, labels, n_components):
    """Mardia's multivariate kurtosis of each part ``labels`` (each non-empty) of X over
    its value for Gaussian rows, d (d + 2) in d dimensions: the mean fourth power of the
    rows' Mahalanobis distances from their part's mean (in the part's own covariance,
    ``part_moments``), an array of n_components ratios near 1 for Gaussian parts and
    larger for heavy-tailed ones."""
    _, means, covariances = part_moments(X, labels, n_components)
    ratios = np.empty(n_components)
    for k in range(n_components):
        factor = np.linalg.cholesky(covariances[k])
        whitened = np.linalg.solve(factor, (X[labels == k] - means[k]).T)
        ratios[k] = np.mean(np.sum(whitened**2, axis=0) ** 2)
    return ratios / (X.shape[1] * (X.shape[1] + 2))
