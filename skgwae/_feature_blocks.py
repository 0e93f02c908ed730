"""Independent blocks of features that hold no clusters: where a table's features fall
into groups that are statistically independent of one another (classes beside a curved
surface, beside factors or noise of their own), the clusters lie in one group, and the
others are dropped from the clusterer's distances."""

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from scipy.stats import rankdata
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

# Features join one block where the average absolute rank correlation between the
# block's features, over all their pairs (average linkage), is at least BLOCK_MIN_CORRELATION.
BLOCK_MIN_CORRELATION = 0.15
# A block of at least two features is independent of the other features where its
# dependence on them, n times the mean squared rank correlation between its features and
# the others (about 1 for independent features, each squared correlation of n
# independent rows averaging 1 / n), is within INDEPENDENT_MAX_Z standard deviations of
# its mean over INDEPENDENCE_PERMUTATIONS random permutations of the block's rows (which
# make it independent while keeping the correlations within the block and within the
# others, which set how widely the statistic spreads). Blocks whose statistic exceeds
# INDEPENDENCE_MAX_STATISTIC are not tested: they share structure with the others.
INDEPENDENT_MAX_Z = 3.0
INDEPENDENCE_PERMUTATIONS = 20
INDEPENDENCE_MAX_STATISTIC = 3.0
# More than MAX_INDEPENDENT_BLOCKS independent blocks make a table of unrelated features
# (rare categories, noise), not a few structures side by side, and none is dropped: each
# block's stability costs 2 * STABILITY_PAIRS k-means fits (one table of 24 blocks of rare
# one-hot categories took 1.6 s, and dropped none).
MAX_INDEPENDENT_BLOCKS = 8
# The stability of a block: the mean adjusted Rand index, on the rows they share, of the
# k-means partitions of STABILITY_PAIRS pairs of random subsets (each row in a subset
# with probability STABILITY_FRACTION) of the block's features.
STABILITY_PAIRS = 16
STABILITY_FRACTION = 0.8
# The stabilities are measured on at most STABILITY_ROWS rows (a random subset).
STABILITY_ROWS = 1000
# Among the independent blocks, the most stable one holds the clusters where its
# stability is at least MIN_STABILITY, and an independent block whose stability is
# below it by more than STABILITY_MARGIN holds none: it is dropped.
MIN_STABILITY = 0.75
STABILITY_MARGIN = 0.15
# The statistics draw their permutations and subsets from a generator of this seed: the
# blocks dropped depend on the rows alone.
BLOCKS_SEED = 0
# Tables of more features are left as they are: the rank correlations between the
# features take a matrix of as many rows and columns.
BLOCKS_MAX_FEATURES = 1000


def feature_blocks(rows):
    """A block label per feature of ``rows``: average-linkage clusters of the features
    under ``1 - |rank correlation|``, cut at ``1 - BLOCK_MIN_CORRELATION``."""
    return _blocks_of(rank_correlations(rows))


def _blocks_of(correlation):
    """``feature_blocks`` from the features' rank correlations."""
    # Clipped: rounding can put a correlation a little above 1.
    distance = 1.0 - np.clip(np.abs(correlation), 0.0, 1.0)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), "average")
    return fcluster(tree, 1.0 - BLOCK_MIN_CORRELATION, "distance") - 1


def rank_correlations(rows):
    """Spearman's rank correlations between the columns of ``rows`` (0 for a constant
    column)."""
    ranks = _unit_ranks(rows)
    return ranks.T @ ranks


def _unit_ranks(rows):
    """The columns of ``rows`` as centred ranks of unit norm (0 for a constant column): the
    rank correlation of two columns is the dot product of theirs."""
    ranks = np.apply_along_axis(rankdata, 0, rows)
    ranks -= ranks.mean(axis=0)
    norms = np.linalg.norm(ranks, axis=0)
    return np.divide(ranks, norms, out=np.zeros_like(ranks), where=norms > 0)


def is_independent(ranks, inside, rng):
    """Whether the block ``inside`` (a boolean mask of the columns of ``ranks``, from
    ``_unit_ranks``) is independent of the other columns (see INDEPENDENT_MAX_Z)."""
    n_rows = ranks.shape[0]
    block, others = ranks[:, inside], ranks[:, ~inside]

    def dependence(block_rows):
        return n_rows * np.mean((block_rows.T @ others) ** 2)

    observed = dependence(block)
    if observed > INDEPENDENCE_MAX_STATISTIC:
        return False
    permuted = [
        dependence(block[rng.permutation(n_rows)]) for _ in range(INDEPENDENCE_PERMUTATIONS)
    ]
    spread = np.std(permuted)
    return spread == 0 or observed <= np.mean(permuted) + INDEPENDENT_MAX_Z * spread


def partition_stability(rows, n_clusters, rng):
    """The mean adjusted Rand index between the k-means partitions of pairs of random
    subsets of ``rows``, on the rows the two subsets share."""
    scores = []
    for _ in range(STABILITY_PAIRS):
        first = rng.rand(len(rows)) < STABILITY_FRACTION
        second = rng.rand(len(rows)) < STABILITY_FRACTION
        shared = first & second
        if shared.sum() <= n_clusters or min(first.sum(), second.sum()) <= n_clusters:
            continue
        labels = [
            KMeans(n_clusters, n_init=1, random_state=rng.randint(2**31 - 1))
            .fit(rows[subset])
            .predict(rows[shared])
            for subset in (first, second)
        ]
        scores.append(adjusted_rand_score(*labels))
    return float(np.mean(scores)) if scores else 0.0


def cluster_free_blocks(rows, n_clusters, rng):
    """A boolean mask of the features of ``rows`` (standardised) that lie in independent
    blocks holding no clusters (see the notes above); all False where no such block is
    found."""
    rows = np.asarray(rows, dtype=np.float64)
    n_rows, n_features = rows.shape
    dropped = np.zeros(n_features, dtype=bool)
    varying = rows.std(axis=0) > 0
    if (
        n_clusters < 2
        or not 4 <= varying.sum() <= BLOCKS_MAX_FEATURES
        or n_rows <= 4 * n_clusters
    ):
        return dropped
    index = np.flatnonzero(varying)
    rows = rows[:, index]
    ranks = _unit_ranks(rows)
    blocks = _blocks_of(ranks.T @ ranks)
    independent = [
        block
        for block in np.unique(blocks)
        if 2 <= (blocks == block).sum() < len(blocks)
        and is_independent(ranks, blocks == block, rng)
    ]
    if not 2 <= len(independent) <= MAX_INDEPENDENT_BLOCKS:
        return dropped
    if n_rows > STABILITY_ROWS:
        rows = rows[rng.choice(n_rows, STABILITY_ROWS, replace=False)]
    stability = {
        block: partition_stability(rows[:, blocks == block], n_clusters, rng)
        for block in independent
    }
    best = max(stability.values())
    if best < MIN_STABILITY:
        return dropped
    for block in independent:
        if stability[block] < best - STABILITY_MARGIN:
            dropped[index[blocks == block]] = True
    return dropped


def without_cluster_free_blocks(weights, rows, n_clusters):
    """``weights`` (one per feature of ``rows``, mean 1) with the features of
    :func:`cluster_free_blocks` set to 0 and the others scaled to mean 1 again."""
    dropped = cluster_free_blocks(rows, n_clusters, np.random.RandomState(BLOCKS_SEED))
    kept = np.where(dropped, 0.0, weights)
    if not dropped.any() or kept.sum() == 0:
        return weights
    return kept / kept.mean()
