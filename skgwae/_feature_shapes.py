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
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

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
    one-dimensional mixture of ``n_modes`` Gaussians (scikit-learn's GaussianMixture, the
    better of two k-means starts, fixed seed)."""
    totals = []
    for column in values.T:
        with warnings.catch_warnings():
            # A feature of fewer distinct values than modes, or a slow EM, is still
            # compared; the user did not ask for these mixtures.
            warnings.simplefilter("ignore", ConvergenceWarning)
            mixture = GaussianMixture(n_modes, n_init=MIXTURE_STARTS, random_state=0)
            totals.append(mixture.fit(column[:, None]).score(column[:, None]) * len(column))
    return np.array(totals)


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
