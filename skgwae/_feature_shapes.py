"""Which skewed features a fit reshapes by a Yeo-Johnson power transform, and how.

A feature whose clusters are skewed (sizes, concentrations, incomes: the log of each
cluster is closer to a Gaussian than the cluster itself) is reshaped where a mixture of
Gaussians describes its values better after the transform than before; a skewed feature
whose tail is itself a cluster (a rare large value, a bright pixel) is fitted as well
by the mixture as it stands and is left alone, as is a feature with a value held by many
rows (a count, a pixel at 0), whose mixture likelihood its repeated value decides.
"""

import warnings

import numpy as np
from scipy import optimize
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning

from .nn.scaling import FeatureShapes, yeo_johnson

# Only features whose skewness exceeds this (in absolute value) are candidates; the
# mixture test decides among them. Mildly skewed features matter too: with 1 (a markedly
# skewed distribution) four exponential features of skewness 0.8, along which a small
# class lies out in the tails, were left as they were, and EM on the rows moved the
# graph's right partition (accuracy 0.95) to a wrong one (0.83).
MIN_SKEWNESS = 0.5
# A feature with one value held by at least this fraction of the rows is discrete
# enough that the mixture's likelihood rewards a narrow component on the repeated value,
# not a shape; it is not reshaped.
MAX_MODAL_FRACTION = 0.1
# Starts (k-means, fixed seed) of each one-dimensional mixture, as the rule was measured:
# the better of two likelihoods is the one compared.
MIXTURE_STARTS = 2
# scikit-learn GaussianMixture's defaults, which the rule was measured with: EM steps at
# most, the change of the mean log-likelihood that ends them, and the variance added.
MIXTURE_MAX_STEPS = 100
MIXTURE_TOL = 1e-3
MIXTURE_REG = 1e-6
# The mixtures of as many columns are fitted together as keep each array of the EM
# (starts x rows x modes) within this many values (32 MiB).
MIXTURE_BLOCK_VALUES = 2**22
# Bounds of the Yeo-Johnson exponent searched (scikit-learn's PowerTransformer searches
# without bounds), so that the transform of rows beyond the fitted ones stays moderate.
LAMBDA_BOUNDS = (-3.0, 5.0)


def _log_derivative(x, lam):
    """log d yeo_johnson(x, lam) / dx at each value of ``x`` (each column its own lam)."""
    sign = np.where(x >= 0, 1.0, -1.0)
    return sign * (lam - 1.0) * np.log1p(np.abs(x))


def _best_lambda(x):
    """The Yeo-Johnson exponent of maximum Gaussian likelihood for the values ``x``."""
    log_x = np.where(x >= 0, np.log1p(np.abs(x)), -np.log1p(np.abs(x)))

    def negative_log_likelihood(lam):
        z = yeo_johnson(x, lam)
        return 0.5 * len(x) * np.log(max(z.var(), 1e-300)) - (lam - 1.0) * log_x.sum()

    result = optimize.minimize_scalar(
        negative_log_likelihood, bounds=LAMBDA_BOUNDS, method="bounded"
    )
    return float(result.x)


def mixture_log_likelihood(values, n_modes):
    """The total log-likelihood of each column of ``values`` (standardised) under its own
    one-dimensional mixture of ``n_modes`` Gaussians, fitted as scikit-learn's
    GaussianMixture fits one (full covariances, ``reg_covar`` 1e-6, ``tol`` 1e-3, at most
    100 EM steps; the better lower bound of two k-means starts drawn from one
    ``RandomState(0)``): the same likelihoods to rounding, the columns' EM steps run
    together rather than one estimator per column."""
    n_rows, n_columns = values.shape
    totals = np.empty(n_columns)
    per_block = max(1, MIXTURE_BLOCK_VALUES // (n_rows * n_modes * MIXTURE_STARTS))
    for first in range(0, n_columns, per_block):
        block = values[:, first : first + per_block].T
        starts = np.repeat(block, MIXTURE_STARTS, axis=0)
        responsibilities = np.zeros(starts.shape + (n_modes,))
        labels = np.concatenate([_kmeans_starts(column, n_modes) for column in block])
        np.put_along_axis(responsibilities, labels[:, :, None], 1.0, axis=2)
        bound, log_weights, means, variances = _expectation_maximisation(
            starts, responsibilities
        )
        # The first start of the highest bound, the one scikit-learn keeps.
        best = np.argmax(bound.reshape(-1, MIXTURE_STARTS), axis=1)
        best += MIXTURE_STARTS * np.arange(len(block))
        joint = _log_joint(block, log_weights[best], means[best], variances[best])
        totals[first : first + len(block)] = _logsumexp(joint).sum(axis=1)
    return totals


def _kmeans_starts(column, n_modes):
    """The labels of the ``MIXTURE_STARTS`` k-means starts of ``column``'s mixture, one
    row each: scikit-learn's KMeans (one k-means++ start) drawing from one generator."""
    random_state = np.random.RandomState(0)
    with warnings.catch_warnings():
        # A feature of fewer distinct values than modes is still compared; the user did
        # not ask for these mixtures.
        warnings.simplefilter("ignore", ConvergenceWarning)
        return np.array(
            [
                KMeans(n_modes, n_init=1, random_state=random_state)
                .fit(column[:, None])
                .labels_
                for _ in range(MIXTURE_STARTS)
            ]
        )


def _expectation_maximisation(values, responsibilities):
    """EM from ``responsibilities`` (starts x rows x modes) for each row of ``values``
    (starts x rows), each start stopping where its lower bound (the mean log-likelihood
    before a step) changes by less than ``MIXTURE_TOL``; returns the last bounds and
    each start's log-weights, means and variances (starts x modes)."""
    n_rows = values.shape[1]
    counts, means, variances = _weighted_moments(values, responsibilities)
    log_weights = np.log(counts / n_rows)
    bound = np.full(len(values), -np.inf)
    running = np.arange(len(values))
    for _ in range(MIXTURE_MAX_STEPS):
        if len(running) == 0:
            break
        joint = _log_joint(
            values[running], log_weights[running], means[running], variances[running]
        )
        norm = _logsumexp(joint)
        counts, means[running], variances[running] = _weighted_moments(
            values[running], np.exp(joint - norm[:, :, None])
        )
        log_weights[running] = np.log(counts / counts.sum(axis=1, keepdims=True))
        previous, bound[running] = bound[running], norm.mean(axis=1)
        running = running[~(np.abs(bound[running] - previous) < MIXTURE_TOL)]
    return bound, log_weights, means, variances


def _weighted_moments(values, responsibilities):
    """Each mode's weight, mean and variance (plus ``MIXTURE_REG``) under
    ``responsibilities``, as scikit-learn's M-step computes them."""
    counts = responsibilities.sum(axis=1) + 10 * np.finfo(float).eps
    means = np.einsum("snk,sn->sk", responsibilities, values) / counts
    deviations = values[:, :, None] - means[:, None, :]
    variances = np.einsum("snk,snk->sk", responsibilities, deviations**2) / counts
    return counts, means, variances + MIXTURE_REG


def _log_joint(values, log_weights, means, variances):
    """log(weight) + log N(value | mean, variance) of each value and mode."""
    precision = 1.0 / np.sqrt(variances)
    scaled = values[:, :, None] * precision[:, None, :] - (means * precision)[:, None, :]
    log_density = -0.5 * (np.log(2 * np.pi) + scaled**2) + np.log(precision)[:, None, :]
    return log_density + log_weights[:, None, :]


def _logsumexp(joint):
    """log sum exp over the last axis (scipy.special.logsumexp, with its general checks,
    took about a third of the EM's time on these small arrays)."""
    top = joint.max(axis=-1, keepdims=True)
    return np.log(np.exp(joint - top).sum(axis=-1)) + top[..., 0]


def fit_feature_shapes(rows, n_modes):
    """The :class:`~skgwae.nn.FeatureShapes` of ``rows`` (a sample of a fit's rows, in
    the data's units), or None where no feature is reshaped.

    A feature is reshaped where its skewness exceeds ``MIN_SKEWNESS`` in absolute value,
    no value is held by ``MAX_MODAL_FRACTION`` of the rows, and the Yeo-Johnson transform
    of the standardised feature (the exponent of maximum Gaussian likelihood) raises the
    likelihood of a mixture of ``n_modes`` Gaussians fitted to it, counted in the
    feature's own units (the transform's derivative included), by more than log(n) / 2,
    the Bayesian information criterion's price of the exponent. The reshaped feature is
    scaled back to the feature's mean and standard deviation, so that whether the rows
    are standardised, and the features' relative spreads, do not change.
    """
    rows = np.asarray(rows, dtype=float)
    n, n_features = rows.shape
    center = rows.mean(axis=0)
    spread = rows.std(axis=0)
    candidates = np.flatnonzero(spread > 0)
    standardised = (rows[:, candidates] - center[candidates]) / spread[candidates]
    skewness = np.abs((standardised**3).mean(axis=0))
    keep = skewness > MIN_SKEWNESS
    keep[keep] = [
        modal_fraction(column) < MAX_MODAL_FRACTION for column in standardised[:, keep].T
    ]
    candidates, standardised = candidates[keep], standardised[:, keep]
    if len(candidates) == 0:
        return None
    lambdas = np.array([_best_lambda(column) for column in standardised.T])
    transformed = yeo_johnson(standardised, lambdas)
    shift, factor = transformed.mean(axis=0), transformed.std(axis=0)
    usable = factor > 0
    factor = np.where(usable, factor, 1.0)
    gain = (
        mixture_log_likelihood((transformed - shift) / factor, n_modes)
        - n * np.log(factor)
        + _log_derivative(standardised, lambdas).sum(axis=0)
        - mixture_log_likelihood(standardised, n_modes)
    )
    chosen = usable & (gain > 0.5 * np.log(n))
    if not chosen.any():
        return None
    # A feature left as it is has the exponent 1, whose transform is the identity.
    all_lambdas, all_shift, all_factor = np.ones((3, n_features)) * [[1.0], [0.0], [1.0]]
    index = candidates[chosen]
    all_lambdas[index] = lambdas[chosen]
    all_shift[index] = shift[chosen]
    all_factor[index] = factor[chosen]
    return FeatureShapes(
        lambdas=all_lambdas,
        center=center,
        spread=np.where(spread > 0, spread, 1.0),
        shift=all_shift,
        factor=all_factor,
    )


def modal_fraction(column):
    """The fraction of the values of ``column`` equal to its most frequent value."""
    _, counts = np.unique(column, return_counts=True)
    return counts.max() / len(column)
