"""Label-free feature weights: how much each feature varies along the rows' neighbour
graph (its autocorrelation across the graph's edges)."""

import numpy as np
from sklearn.neighbors import kneighbors_graph

# The weights are computed on at most this many training rows (a random subset): the
# neighbour graphs cost as much as the rows' own graph, and a few thousand rows rank
# the features.
WEIGHT_ROWS = 4096
# Neighbours of each row in the graph, and how many times the graph is rebuilt on the
# rows weighted by the previous round (noise features lose weight once the graph stops
# following them). The values measured on the clustering benchmark.
WEIGHT_NEIGHBORS = 10
WEIGHT_ROUNDS = 3
# The weights returned are the last round's autocorrelations raised to a power. On the
# graph of all features alone, WEIGHT_POWER: each feature is multiplied by its
# autocorrelation (the square root of its weight), because a noise feature keeps some
# autocorrelation on a finite graph and the square widens its gap to an informative one
# (a gain over power 1 on the clustering benchmark's tables). With the fold graphs below,
# FOLD_WEIGHT_POWER: the geometric mean already leaves a noise feature next to no
# autocorrelation, and the square concentrated the weight on fewer features: on the
# presence of 200 words in 4 topics, whose weighted rows' neighbour graph then followed
# the topics less, clustering accuracy 0.49 squared against 0.87 (seeds 0-5; 32 tables
# of 8 features or more: mean accuracy 0.918 against 0.930).
WEIGHT_POWER = 2
FOLD_WEIGHT_POWER = 1
# With the fold graphs, no weight exceeds the weights' weighted median (the largest weight
# w such that the weights of at least w hold half of the total): the weights tell the
# features that carry the clusters from noise, not how strongly each one does. Among many
# features that carry the clusters alike, the rounds leave some weighing several times
# others by chance (the presence of 200 words in 4 topics: 1.0-4.8 among the topics'
# words); the distances then follow those few, and the binary values of a few words make
# clusters of their own (PCA + GaussianMixture on the weighted rows: 0.73-0.78, against
# 0.94-0.96 with the topics' words weighing alike). Capped, the clustering benchmark's
# binary topics went from 0.872 to 0.919 and its counts of rare events from 0.411 to
# 0.464, and no set fell below its bar. Noise features hold little of the total, so they
# do not set the cap: a cap at the median of the weights above their mean flattened more
# (0.929 and 0.506), but beside 5 informative features 200 binary ones set in 0.5 % of
# the rows had 21-24 weights above the mean, and the cap fell to their level (two draws
# of 900 rows: the informative features' share of the weight 0.77 -> 0.19-0.22,
# clustering accuracy 0.99 and 0.86 -> 0.88 and 0.80; 0.98 and 0.90 with the weighted
# median; test_rare_standardised_features_do_not_take_the_weight has such rows). Rows
# of fewer features keep their squared weights uncapped: a cap there (the median above
# the mean, tried) moved two sets of skewed clusters, by +0.04 and -0.02, and no other.
# With the fold graphs, features that repeat one another count less: the rounds build
# their graphs on the rows weighted by w_f / sqrt(m_f), and the weights returned are
# the capped w_f divided by sqrt(m_f), m_f the feature's multiplicity (1 plus its squared
# correlations with the other features, less chance; _multiplicities: k for one of k
# copies). Many features that repeat a few factors unrelated to the clusters (24
# features mixing 3 Gaussian factors beside 8 features of 4 classes) are each as
# autocorrelated as the class features, since every graph follows the many; weighted
# alike they hold most of every distance, and the partitions followed the factors
# (accuracy 0.790; 0.998 with the square roots). Divided by m_f itself, such groups
# weighed as a few features, but so did breast_cancer's measurements, many of which
# repeat a tumour's size (m_f up to 12), and its tables lost (the six of the clustering
# benchmark: mean 0.938 with no division, 0.933 divided by m_f, 0.940 by its square
# root), and fewer sets reached their bars (61 of 84 against 64). Divided only in the
# weights returned, the graphs of the rounds still followed the factors (the clustering
# benchmark's factor_blobs: 0.596 against 0.979, m_f itself). The cap comes before the
# division: after it, wherever the repeating features hold more than half of the weight,
# the weighted median is their divided weight and the cap brought every other feature
# down to it (6 class features beside 30 tanh-bent mixtures of 2 factors: every weight
# 0.92-1.02, accuracy 0.672; capped first, 1.000, and 69 of the clustering benchmark's
# 95 sets at their bars against 66). Rows of fewer features are not corrected: the
# multiplicities were measured only where the fold graphs are used.
# Each feature is clipped to its mean +- WEIGHT_CLIP standard deviations before the graphs
# and the autocorrelations. A feature that is non-zero in few rows (a rare word, a rare
# category of a one-hot encoding), once standardised, has values of 10-40 standard
# deviations in those rows; unclipped, the rows that share it became neighbours, so it
# looked as structured as the clusters, and the rounds gave such features most of the
# weight (standardised one-hot categories: clustering accuracy 0.40 against 0.99
# clipped). A Gaussian feature of a few thousand rows stays within about 4 standard
# deviations, so 5 leaves such features as they are: on the clustering benchmark only
# sets with values beyond it changed. 3 also clipped ordinary features' tails and moved
# the partitions of such sets both ways (iris with redundant features 0.964 -> 0.924).
WEIGHT_CLIP = 5.0
# A feature's autocorrelation is the geometric mean of two (each clipped at 0): on the
# graph of all features, and on the graph of the features outside its fold (features in
# WEIGHT_FOLDS folds, feature f in fold f mod WEIGHT_FOLDS). On the first graph a feature
# is judged partly by its own values: a feature non-zero in 4-10 % of the rows (3-5
# standard deviations, inside the clip) makes the rows that share it neighbours, and the
# rounds then gave such features the weight (word counts of 5 topics: clustering
# accuracy 0.57 over seeds 0-5). On the second graph it must agree with the other
# features. The geometric mean gives a feature that only the first graph follows next to
# no weight, where the arithmetic mean left it half (3 Gaussian classes beside 30 binary
# features set in 6 % of the rows: 0.996 against 0.680 over seeds 0-5); judged on the
# second graph alone, features that the others follow only in part lost weight too (a
# trial: breast cancer with 20 noise features 0.90, against 0.95 with the arithmetic
# mean).
WEIGHT_FOLDS = 8
# Rows of fewer features than this are weighted on the graph of all features alone. With
# few features, the graph of the features outside a fold is another geometry, not the
# rows' graph without one feature's say: on penguins' 4 measurements it took weight from
# the bill's length, which tells one species from the others (a trial with 4 folds and
# the arithmetic mean of the two autocorrelations, accuracy over seeds 3-5: 0.872
# against 0.985).
MIN_FOLD_FEATURES = 8
# With the fold graphs, the columns of a one-hot encoded category (``one_hot_groups``)
# share one fold, and each is divided by the number of columns of its category where
# the other features are divided by the square roots of their multiplicities: the
# category's columns, standardised, hold as much of the rows' variance together as one
# feature does. Spread over the folds, a category's other levels stayed in the graph on
# which each level was judged, and they decide the neighbours: rows that share every
# category are each other's nearest, so the levels looked as structured as clusters.
# On 3 Gaussian classes in 6 features beside 3 class-free categories of 4 levels, the
# rounds gave the levels weights of 1.3-1.5 and the class features 0.1-0.25, and the
# clusterer found the categories (accuracy 0.36; KMeans 0.67). With the category in one
# fold, the class features took the weight (0.97).
# With the fold graphs too, any other two-valued feature (a flag, a yes/no answer) is
# divided by the squared distance between its two values in standard deviations,
# 1 / (p (1 - p)) with p the share of rows at either value (4 or more), where that
# exceeds the square root of its multiplicity: its two values then lie one standard
# deviation apart, as two values of a continuous feature a spread apart do. Standardised,
# they lie 2 (p = 0.5) to 10 (p = 0.01) standard deviations apart, and a row's nearest
# neighbours were the rows that matched it in every such feature before any continuous
# feature had a say: one mismatch cost more than all the continuous features put
# between rows of one class. The graphs and the partitions then followed the rows'
# patterns of flags: 4 Gaussian classes in 4 features beside 10 binary features whose
# rates depend on the class (the clustering benchmark's classes_with_binary_signal),
# accuracy 0.50 (KMeans 0.80), 0.74 so divided.


def graph_autocorrelation_weights(
    rows,
    n_neighbors=WEIGHT_NEIGHBORS,
    rounds=WEIGHT_ROUNDS,
    power=None,
    folds=WEIGHT_FOLDS,
):
    """A weight per feature of ``rows``: its autocorrelation over the edges of the rows'
    symmetric ``n_neighbors``-nearest-neighbour graphs, clipped at 0, raised to ``power``
    and scaled to mean 1.

    ``power=None`` is ``FOLD_WEIGHT_POWER`` where the fold graphs are used (at least
    ``MIN_FOLD_FEATURES`` features and more than one fold), else ``WEIGHT_POWER``.

    Each feature is first clipped to its mean +- ``WEIGHT_CLIP`` standard deviations, so
    that the few extreme values of a rare feature do not decide the neighbours. Feature f,
    centred at its degree-weighted mean, has autocorrelation ``sum_ij A_ij f_i
    f_j / sum_i d_i f_i^2`` over a graph (A its 0/1 adjacency, d its degrees): one minus
    the feature's Laplacian score (He, Cai and Niyogi, NIPS 2005). A feature that varies
    along the graph's structure, as one that tells clusters apart does, scores near 1; a
    feature of noise scores near 0 once the graph no longer follows it. With at least
    ``MIN_FOLD_FEATURES`` features, each feature's autocorrelation is the geometric mean
    of its autocorrelations (clipped at 0) over two graphs: that of all the features,
    and that of the features outside its fold (feature f is in fold ``f mod folds``, the
    columns of a one-hot encoded category, ``one_hot_groups``, in the fold of its first
    column), on which a feature whose own values alone make rows neighbours does not look
    structured. The graphs are built ``rounds`` times, each on the rows weighted by the
    round before (distances ``sum_f w_f (x_if - x_jf)^2``, w_f the autocorrelation of
    the round before); the last round's autocorrelations, raised to ``power``, are the
    weights. With the fold graphs, each round's graphs are built on the rows weighted by
    the round before's weights divided by the square roots of the features'
    multiplicities (``_multiplicities``; the columns of a one-hot category by the number
    of its columns, so that together they count as one feature; any other two-valued
    feature by the squared distance between its values in standard deviations,
    ``_squared_gaps``, so that its values lie one standard deviation apart; each by the
    largest that applies), and the last round's weights are capped at their weighted
    median (the largest weight w such that the weights of at least w hold half of the
    total), then divided by the same divisors too and scaled to mean 1 again (see the
    notes after ``FOLD_WEIGHT_POWER`` and ``MIN_FOLD_FEATURES``).
    A constant feature gets weight 0; where every feature would, all get 1.
    """
    rows = np.asarray(rows, dtype=np.float64)
    mean, spread = rows.mean(axis=0), rows.std(axis=0)
    rows = np.clip(rows, mean - WEIGHT_CLIP * spread, mean + WEIGHT_CLIP * spread)
    n_features = rows.shape[1]
    weights = np.ones(n_features)
    n_neighbors = min(n_neighbors, rows.shape[0] - 1)
    if n_neighbors < 1:
        return weights
    n_folds = folds if n_features >= MIN_FOLD_FEATURES else 1
    if power is None:
        power = FOLD_WEIGHT_POWER if n_folds > 1 else WEIGHT_POWER
    fold = np.arange(n_features) % n_folds
    repeats = np.sqrt(_multiplicities(rows)) if n_folds > 1 else np.ones(n_features)
    if n_folds > 1:
        # A one-hot category in one fold, its columns counting as one feature, and the
        # two values of any other two-valued feature one standard deviation apart (see
        # the notes after MIN_FOLD_FEATURES).
        groups = one_hot_groups(rows)
        for group in groups:
            fold[group] = fold[group[0]]
            repeats[group] = np.maximum(repeats[group], len(group))
        repeats = np.maximum(repeats, _squared_gaps(rows, groups))
    for _ in range(rounds):
        graphs = _neighbour_graphs(rows, weights / repeats, fold, n_neighbors)
        autocorrelation = _autocorrelation(graphs[0], rows)
        for k, graph in enumerate(graphs[1:]):
            inside = fold == k
            # Without other features that vary and weigh, a fold's graph is arbitrary.
            if graph is not None:
                alone = _autocorrelation(graph, rows[:, inside])
                autocorrelation[inside] = np.sqrt(
                    np.clip(autocorrelation[inside], 0.0, None) * np.clip(alone, 0.0, None)
                )
        weights = np.clip(autocorrelation, 0.0, None)
        if weights.sum() == 0:
            return np.ones(n_features)
        weights /= weights.mean()
    weights = weights**power
    weights /= weights.mean()
    if n_folds == 1:
        return weights
    # The cap first: it evens out chance differences among the features' autocorrelations,
    # and would undo the division where the features that repeat one another hold more
    # than half of the weight (see the notes after FOLD_WEIGHT_POWER).
    weights = _capped(weights) / repeats
    return weights / weights.mean()


def one_hot_groups(rows):
    """The groups of adjacent columns of ``rows`` that one-hot encode a category, as
    scikit-learn's OneHotEncoder and pandas' get_dummies lay them out: runs of at least
    two two-valued columns whose higher values never meet in a row and together mark
    every row once (constant columns, levels no row has, inside a run left out). A list
    of arrays of column indices."""
    n_features = rows.shape[1]
    distinct = [np.unique(rows[:, f]) for f in range(n_features)]
    groups, first = [], 0
    while first < n_features:
        if len(distinct[first]) != 2:
            first += 1
            continue
        run, count = [first], (rows[:, first] == distinct[first][1]).astype(int)
        following = first + 1
        while following < n_features and not count.min() == 1 == count.max():
            values = distinct[following]
            if len(values) == 1:
                following += 1
                continue
            marked = rows[:, following] == values[-1]
            if len(values) != 2 or (count[marked] > 0).any():
                break
            run.append(following)
            count += marked
            following += 1
        if len(run) > 1 and count.min() == 1 == count.max():
            groups.append(np.array(run))
            first = following
        else:
            first += 1
    return groups


def _squared_gaps(rows, groups=()):
    """For each two-valued feature of ``rows`` outside ``groups`` (column indices), the
    squared distance between its two values in standard deviations, ``1 / (p (1 - p))``
    with p the share of rows at either value; 1 for the other features."""
    squared = np.ones(rows.shape[1])
    grouped = np.zeros(rows.shape[1], dtype=bool)
    for group in groups:
        grouped[group] = True
    for f in np.flatnonzero(~grouped):
        values = np.unique(rows[:, f])
        if len(values) == 2:
            share = np.mean(rows[:, f] == values[1])
            squared[f] = 1.0 / (share * (1.0 - share))
    return squared


def _multiplicities(rows):
    """How many times over each feature of ``rows`` is present among the features: 1 plus
    the sum of its squared correlations with the other features, less what independent
    features of as many rows would give by chance (1 / n_rows each), and at least 1."""
    n_rows, n_features = rows.shape
    spread = rows.std(axis=0)
    centred = rows - rows.mean(axis=0)
    z = np.divide(centred, spread, out=np.zeros_like(centred), where=spread > 0)
    # sum_g r_fg^2 is the f-th diagonal entry of C^2 (C the correlation matrix): through
    # the features' Gram matrix with fewer features than rows, else through the rows'
    # (n_rows x n_rows, as the neighbour graphs cost), never n_features^2 on wide rows.
    if n_features <= n_rows:
        correlation = z.T @ z / n_rows
        squares = np.einsum("fg,fg->f", correlation, correlation)
    else:
        squares = np.einsum("if,if->f", z, (z @ z.T) @ z) / n_rows**2
    varies = spread > 0
    others = squares - varies  # a varying feature's correlation with itself is 1
    chance = (np.count_nonzero(varies) - 1) / n_rows
    return 1.0 + np.clip(others - chance, 0.0, None) * varies


def _capped(weights):
    """``weights`` (mean 1) with none above their weighted median, scaled to mean 1 again:
    the largest weight w such that the weights of at least w hold half of the total."""
    descending = np.sort(weights)[::-1]
    held = np.cumsum(descending)
    cap = descending[np.searchsorted(held, held[-1] / 2)]
    capped = np.minimum(weights, cap)
    return capped / capped.mean()


def _neighbour_graphs(rows, weights, fold, n_neighbors):
    """The symmetric 0/1 ``n_neighbors``-nearest-neighbour graphs (sparse) of ``rows``
    weighted by ``weights``: on all features, then on the features outside each fold
    (None for a fold with no outside feature that varies and weighs more than 0)."""
    n_folds = int(fold.max()) + 1
    weighted = rows * np.sqrt(weights)
    counts = weights * (rows.std(axis=0) > 0)
    graphs = [_symmetric_neighbour_graph(weighted, n_neighbors)]
    for k in range(n_folds):
        outside = fold != k
        usable = counts[outside].sum() > 0
        graphs.append(
            _symmetric_neighbour_graph(weighted[:, outside], n_neighbors) if usable else None
        )
    return graphs


def _symmetric_neighbour_graph(rows, n_neighbors):
    """The 0/1 graph joining each row to its ``n_neighbors`` nearest rows, either way."""
    graph = kneighbors_graph(rows, n_neighbors, include_self=False)
    return ((graph + graph.T) > 0).astype(np.float64)


def _autocorrelation(graph, rows):
    """Each column's autocorrelation over the edges of ``graph``, centred at its
    degree-weighted mean (0 for a column that does not vary)."""
    degrees = np.asarray(graph.sum(axis=1)).ravel()
    centred = rows - degrees @ rows / degrees.sum()
    across_edges = np.einsum("if,if->f", centred, graph @ centred)
    spread = np.einsum("if,if->f", centred * degrees[:, None], centred)
    return np.divide(across_edges, spread, out=np.zeros_like(spread), where=spread > 0)
