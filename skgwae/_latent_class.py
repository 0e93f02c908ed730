"""The latent class model of rows whose every feature is binary or one-hot: a mixture in
which, within a cluster, each binary feature is an independent Bernoulli variable and each
one-hot category an independent categorical one (the model-based clustering of such
tables, as the Gaussian mixture is of continuous ones)."""

import numpy as np
from scipy.special import logsumexp
from sklearn.cluster import KMeans

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
# On binary and one-hot tables drawn from latent classes its partitions gave 0.86-1.71;
# on binarised digits, whose neighbouring pixels go together within a digit, 4.07-4.96,
# and there they were 0.04-0.16 less accurate than the graph's partitions.
MAX_RESIDUAL_DEPENDENCE = 2.0


def discrete_layout(rows):
    """``(indicators, groups, singles)`` where every feature of ``rows`` takes at most two
    values and some feature two, else None: ``indicators`` is 1 where a varying feature
    holds its higher value (0 elsewhere), ``groups`` the column indices of ``indicators``
    that one-hot encode a category (see ``one_hot_groups``) and ``singles`` the others."""
    low, high = rows.min(axis=0), rows.max(axis=0)
    varying = low < high
    if not varying.any() or not np.all((rows == low) | (rows == high)):
        return None
    indicators = (rows[:, varying] == high[varying]).astype(float)
    groups = one_hot_groups(indicators)
    grouped = np.zeros(indicators.shape[1], dtype=bool)
    for group in groups:
        grouped[group] = True
    return indicators, groups, np.flatnonzero(~grouped)


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


def _em(layout, responsibilities):
    """EM of the latent class model from ``responsibilities`` (rows by clusters): the
    labels it ends with and their mean log-likelihood per row."""
    previous = -np.inf
    for _ in range(MAX_ITER):
        log_joint = _log_joint(layout, *_parameters(layout[0], responsibilities))
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
