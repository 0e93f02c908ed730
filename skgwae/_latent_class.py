"""The latent class model of rows whose every feature is binary or one-hot: a mixture in
which, within a cluster, each binary feature is an independent Bernoulli variable and each
one-hot category an independent categorical one (the model-based clustering of such
tables, as the Gaussian mixture is of continuous ones); and the mixed model of rows that
hold continuous features beside such ones, a Gaussian of those times the latent class
model of the others."""

import numpy as np
from scipy.special import logsumexp
from sklearn.cluster import KMeans
from sklearn.mixture import GaussianMixture

from ._feature_weights import one_hot_groups

# EM's estimate of a probability adds this many rows to each value of a feature in each
# cluster (the Jeffreys prior), so that a value a cluster never shows keeps a finite
# log-probability and one row cannot pin a cluster to it.
SMOOTHING = 0.5
# EM stops when the mean log-likelihood per row gains less than TOL nats in an iteration,
# or after MAX_ITER iterations. On 5,000 rows of 200 binary features from 10 classes the
# six EM runs took 427 iterations (5.9 s) to gain less than 1e-6, and 79 (1.3 s) to gain
# less than 1e-4, ending at the same partition.
MAX_ITER = 200
TOL = 1e-4
# The free EM runs from this many k-means starts and keeps the likeliest result: on 24
# binary features of 4 classes, single starts ended at partitions of accuracy 0.56-0.69.
N_INIT = 5
# The latent class model holds where, within its clusters, two features correlate about as
# little as independent ones do among that many rows (``residual_dependence`` about 1).
# On 16 binary and one-hot tables drawn from latent classes its partitions gave 0.88-1.58;
# on binarised digits, whose neighbouring pixels go together within a digit, 3.92-5.09,
# and there they were 0.02-0.15 less accurate than the graph's partitions (seeds 0-2,
# benchmarks/partition_stages.py).
MAX_RESIDUAL_DEPENDENCE = 2.0


def discrete_layout(rows):
    """``(indicators, groups, singles)`` where every feature of ``rows`` takes at most two
    values and some feature two, else None: ``indicators`` is 1 where a varying feature
    holds its higher value (0 elsewhere), ``groups`` the column indices of ``indicators``
    that one-hot encode a category (see ``one_hot_groups``) and ``singles`` the others."""
    varying, two_valued = _column_kinds(rows)
    if not varying.any() or (two_valued != varying).any():
        return None
    indicators = (rows[:, varying] == rows[:, varying].max(axis=0)).astype(float)
    groups = one_hot_groups(indicators)
    grouped = np.zeros(indicators.shape[1], dtype=bool)
    for group in groups:
        grouped[group] = True
    return indicators, groups, np.flatnonzero(~grouped)


def _column_kinds(rows):
    """``(varying, two_valued)``: which columns of ``rows`` take more than one value, and
    which take exactly two."""
    low, high = rows.min(axis=0), rows.max(axis=0)
    varying = low < high
    return varying, varying & np.all((rows == low) | (rows == high), axis=0)


def latent_class_partition(rows, labels, n_components, rng, cache=None):
    """Where every feature of ``rows`` is binary or one-hot, the partition of the latent
    class model if the model holds, else None.

    EM runs from the parts ``labels`` and from ``N_INIT`` k-means partitions of the
    indicators, and the likeliest partition without an empty part is kept if, within its
    parts, the features are nearly independent, as the model has them
    (``residual_dependence`` at most ``MAX_RESIDUAL_DEPENDENCE``). Randomness comes from
    ``rng``. ``cache`` (a dict), where given, keeps the layout of the rows and the fits
    from k-means starts for the next call on the same rows with a generator in the same
    state (the spectral and the Louvain partition are refined on the same rows)."""
    cache = {} if cache is None else cache
    if "latent_class" not in cache:
        layout = discrete_layout(rows)
        free = None
        if layout is not None:
            free = []
            for _ in range(N_INIT):
                start = KMeans(n_components, n_init=1, random_state=rng.randint(2**31 - 1))
                free.append(_em(layout, np.eye(n_components)[start.fit_predict(layout[0])]))
        cache["latent_class"] = layout, free
    layout, free = cache["latent_class"]
    if layout is None:
        return None
    fits = [_em(layout, np.eye(n_components)[labels]), *free]
    fits = [fit for fit in fits if np.bincount(fit[0], minlength=n_components).min() > 0]
    if not fits:
        return None
    partition = max(fits, key=lambda fit: fit[1])[0]
    if residual_dependence(layout, partition, n_components) > MAX_RESIDUAL_DEPENDENCE:
        return None
    return partition


def _em(layout, responsibilities, values=None):
    """EM of the latent class model from ``responsibilities`` (rows by clusters), or of
    the mixed model with the continuous ``values`` where given: the labels it ends with
    and their mean log-likelihood per row."""
    previous = -np.inf
    for _ in range(MAX_ITER):
        log_joint = _log_joint(layout, *_parameters(layout[0], responsibilities))
        if values is not None:
            log_joint += _gaussian_log_densities(values, responsibilities)
        row_likelihood = logsumexp(log_joint, axis=1)
        responsibilities = np.exp(log_joint - row_likelihood[:, None])
        mean = float(row_likelihood.mean())
        if mean - previous < TOL:
            break
        previous = mean
    return responsibilities.argmax(axis=1), mean


def _parameters(indicators, responsibilities):
    """The clusters' log-weights and each indicator's smoothed probability of 1 in each
    cluster, from the responsibilities."""
    sizes = responsibilities.sum(axis=0)
    probabilities = (responsibilities.T @ indicators + SMOOTHING) / (
        sizes[:, None] + 2 * SMOOTHING
    )
    with np.errstate(divide="ignore"):  # an empty cluster has weight 0
        log_weights = np.log(sizes / sizes.sum())
    return log_weights, probabilities


def _log_joint(layout, log_weights, probabilities):
    """``log w_k + log p(x_i | k)`` of every row and cluster: Bernoulli terms for the single
    indicators, categorical ones (the group's probabilities renormalised) for one-hot
    groups."""
    indicators, groups, singles = layout
    log_joint = np.tile(log_weights, (len(indicators), 1))
    if len(singles):
        # x log p + (1 - x) log(1 - p), summed over the features in one product.
        p = probabilities[:, singles]
        log_joint += indicators[:, singles] @ (np.log(p) - np.log1p(-p)).T
        log_joint += np.log1p(-p).sum(axis=1)
    for group in groups:
        p = probabilities[:, group]
        log_joint += indicators[:, group] @ np.log(p / p.sum(axis=1, keepdims=True)).T
    return log_joint


def residual_dependence(layout, labels, n_components):
    """How far the features depend on each other within the parts ``labels``: the mean,
    over the parts (weighted by their sizes), of the part's size times the mean squared
    correlation between two of its features (not two columns of one category, and not a
    feature that is constant in the part), which is about 1 where the features are
    independent within each part, as the latent class model has them; parts of fewer than
    3 rows are left out, and a layout with nothing to correlate gives 0."""
    indicators, groups = layout[0], layout[1]
    category = np.arange(indicators.shape[1])
    for number, group in enumerate(groups):
        category[group] = indicators.shape[1] + number
    values, sizes = [], []
    for part in range(n_components):
        members = indicators[labels == part]
        if len(members) < 3:
            continue
        varying = members.std(axis=0) > 0
        own = category[varying]
        pairs = own[:, None] != own[None, :]
        if not pairs.any():  # the columns of one category alone
            continue
        correlation = np.corrcoef(members[:, varying], rowvar=False)
        values.append(len(members) * np.mean(correlation[pairs] ** 2))
        sizes.append(len(members))
    return float(np.average(values, weights=sizes)) if values else 0.0


# The mixed model of rows with continuous features beside binary or one-hot ones: within
# a cluster, a full-covariance Gaussian of the continuous features (standardised) times
# the latent class model of the others. It is fitted only where the smallest part has
# MIXED_ROWS_PER_PARAMETER rows per parameter of a Gaussian's mean and covariance (as the
# refinement's free EM, FREE_EM_ROWS_PER_PARAMETER): pixels and other wide rows, with a
# few two-valued columns beside many others, are left to the refinement. Each covariance
# takes MIXED_REG_COVAR on its diagonal (relative to the features' unit variances).
MIXED_ROWS_PER_PARAMETER = 2
MIXED_REG_COVAR = 1e-3
# The model holds where each cluster is one Gaussian in the continuous features: two
# Gaussians fitted to a cluster's rows must not explain them better, net of the Bayesian
# information criterion's penalty for the second one's parameters, than one does (the
# gain per row, averaged over the clusters, at most MAX_SPLIT_GAIN). On the model's
# partitions of 22 tables of Gaussian classes beside discrete features that gain was
# -0.78 to -0.08 nats per row; on those of 5 tables of two moons or rings beside discrete
# features, -0.006 to +0.41 (in one of their 28 partitions below 0; seeds 0-2,
# benchmarks/partition_stages.py), and there the model's partitions cut across the moons
# (0.72-0.86 accuracy where the graph's partitions had 0.99-1.0).
MAX_SPLIT_GAIN = 0.0


def mixed_partition(rows, labels, n_components, rng):
    """Where ``rows`` hold both binary or one-hot features and continuous ones, the
    partition of the mixed model fitted by EM from the parts ``labels`` if the model
    holds, else None.

    The model holds where each of its clusters is one Gaussian in the continuous features
    (``_split_gain`` at most ``MAX_SPLIT_GAIN``) and the discrete features are nearly
    independent within it (``residual_dependence`` at most ``MAX_RESIDUAL_DEPENDENCE``).
    It is not fitted where the smallest part has too few rows for a covariance of the
    continuous features (``MIXED_ROWS_PER_PARAMETER``), and not kept where a cluster
    ends with too few. Randomness (of the split test) comes from ``rng``."""
    varying, two = _column_kinds(rows)
    continuous = varying & ~two
    if not two.any() or not continuous.any():
        return None
    counts = np.bincount(labels, minlength=n_components)
    d = int(continuous.sum())
    if MIXED_ROWS_PER_PARAMETER * d * (d + 3) / 2 > counts.min():
        return None
    values = rows[:, continuous]
    values = (values - values.mean(axis=0)) / values.std(axis=0)
    layout = discrete_layout(rows[:, two])
    partition, _ = _em(layout, np.eye(n_components)[labels], values)
    if np.bincount(partition, minlength=n_components).min() <= d + 1:
        return None
    if _split_gain(values, partition, n_components, rng) > MAX_SPLIT_GAIN:
        return None
    if residual_dependence(layout, partition, n_components) > MAX_RESIDUAL_DEPENDENCE:
        return None
    return partition


def _gaussian_log_densities(values, responsibilities):
    """The log-density of every row of ``values`` under each cluster's Gaussian: the
    responsibility-weighted mean and covariance, plus ``MIXED_REG_COVAR`` on the
    diagonal."""
    n, d = values.shape
    out = np.empty((n, responsibilities.shape[1]))
    for k in range(responsibilities.shape[1]):
        w = responsibilities[:, k]
        size = w.sum()
        if size <= 0:
            out[:, k] = -np.inf
            continue
        mean = w @ values / size
        centred = values - mean
        cov = (centred * w[:, None]).T @ centred / size + MIXED_REG_COVAR * np.eye(d)
        chol = np.linalg.cholesky(cov)
        z = np.linalg.solve(chol, centred.T)
        out[:, k] = (
            -0.5 * (z**2).sum(axis=0) - np.log(np.diag(chol)).sum() - 0.5 * d * np.log(2 * np.pi)
        )
    return out


def _split_gain(values, labels, n_components, rng):
    """How much better two Gaussians explain each part's rows of ``values`` than one: the
    gain in log-likelihood less half the second's parameters times log(rows), summed over
    the parts with enough rows to fit two and divided by their rows."""
    d = values.shape[1]
    parameters = d + d * (d + 1) / 2 + 1
    gain, rows = 0.0, 0
    for part in range(n_components):
        members = values[labels == part]
        if len(members) < 2 * parameters + 2:
            continue
        one = GaussianMixture(1, reg_covar=MIXED_REG_COVAR).fit(members)
        two = GaussianMixture(
            2, reg_covar=MIXED_REG_COVAR, n_init=2, random_state=rng.randint(2**31 - 1)
        ).fit(members)
        gain += len(members) * (two.score(members) - one.score(members))
        gain -= 0.5 * parameters * np.log(len(members))
        rows += len(members)
    return gain / rows if rows else 0.0
