"""The refinement of the clusterer's partition on the data rows: EM moves its
boundaries, or its own partition replaces the graph's where the rows clearly prefer it."""


import numpy as np
import scipy.linalg
from sklearn.decomposition import PCA
from sklearn.mixture import GaussianMixture

from ._geometry import neighbour_affinities
from ._parts import (
    REG_COVAR,
    PartsMixture,
    gaussian_parameters,
    generator_copy,
    membership,
    part_moments,
    parts_kurtosis,
    parts_log_likelihood,
)

# The refinement's EM runs on at most this many principal components of the data rows
# (and the partition's discriminant directions, see DISCRIMINANT_MAX_DIMS): a full
# covariance in more dimensions needs more rows per cluster than most data sets give
# (in 10 it lost the covariance information of breast_cancer and digits, in 20 of a
# 30-feature Gaussian mixture; 30 kept them and costs 0.2 s on 1,800 rows).
REFINE_DIMS = 30
# The refinement keeps moving rows to EM's clusters (a row moves once a graph neighbour is
# in the part it moves to) while the graph weight cut between parts stays within this
# factor of the spectral partition's cut. EM moving a boundary between Gaussian clusters
# that overlap raised the cut by a factor of 1.2-2.2 (iris, breast_cancer, mixtures in 5 to
# 30 dimensions, where the true partition's cut is itself up to 2.4 times the spectral
# one); EM pulling apart clusters that are not Gaussian raised it by 5-70 (concentric rings
# and shells), where only rows on the boundary should move.
REFINE_MAX_CUT_RATIO = 3.0
# Before the refinement, EM on the rows from starts of its own (FREE_EM_INITS) competes
# with EM started from the partition, and its partition replaces the graph's whole when
# it gives the rows a mean log-likelihood higher by more than FREE_EM_MIN_GAIN nats
# while its cut stays within FREE_EM_MAX_CUT_RATIO times the partition's, or when it is
# likelier at all and cuts the graph less: better by both measures, it is a partition
# the spectral relaxation missed. The graph's partition can be wrong as a whole where
# Gaussian clusters differ in scale (a compact cluster inside a broad one was joined to
# it, and the third cluster split: accuracy 0.50 against a GaussianMixture's 0.97, and
# EM's clusters 1.0 nats per row likelier), or where the codes blur a narrow gap
# (scikit-learn's sheared blobs: two thin parallel clusters joined, accuracy 0.63; EM's
# clusters 0.3 nats per row likelier and cutting the graph 0.97 times as much), which no
# boundary move undoes. A small gain with a larger cut is no evidence: on the curved
# mixture (Gaussian clusters bent by a tanh layer), EM's clusters were 0.02-0.10 nats
# per row likelier and cut the graph 1.2-1.7 times as much, and with a threshold of 0.01
# they replaced a partition of accuracy 0.89 by ones of 0.62-0.84 in 28 of 32 repeats of
# the step. Both EMs run on as many principal components as give the smallest part
# FREE_EM_ROWS_PER_PARAMETER rows per parameter of its mean and covariance: with fewer
# rows than that, the likelihoods differ by the noise of the covariances (on the digits,
# EM in 30 dimensions won in one fit of three). One start of each kind: five k-means
# starts found the sheared blobs' clusters more often (one start in four does) but cost
# 0.6 s more on 1,800 rows of 10 clusters, and changed no benchmark figure.
# The refinement's EM also runs in that many components, as a second candidate, where it
# keeps more (see refine_on_rows).
FREE_EM_MIN_GAIN = 0.5
FREE_EM_ROWS_PER_PARAMETER = 2
# The free EM runs from two starts and keeps the likelier mixture: k-means run to
# convergence (scikit-learn's default start) and k-means++ seeds alone (each row in the
# part of its nearest seed). k-means draws equal, round clusters; where Gaussian clusters
# differ in scale it converges to the same wrong partition from every start, from which EM
# does not escape: on the low-dimensional benchmark's covariance_3d (a compact cluster
# inside broader ones) EM from k-means ended 0.67 nats per row below EM from k-means++
# seeds in one fit of three, with 1, 5 or 20 starts alike (accuracy 0.48 against 0.98).
# The seeds alone are the noisier start elsewhere: in place of k-means they changed 21 of
# the clustering benchmark's 831 fits, 7 sets down and 12 up; as a second start, the
# likelier kept, 9 fits (6 up, 3 down), for one more EM (0.02 s of a 5.4 s digits fit).
FREE_EM_INITS = ("kmeans", "k-means++")
# A likelier free EM partition replaces the graph's only while its cut is at most this
# many times the partition's. Where Gaussian clusters differ in scale (the compact
# cluster inside a broad one above, the low-dimensional benchmark's covariance_3d), the
# graph's partition joined two of them and EM's right partition, 1.0 nats per row
# likelier, cut the common graph 2.7-2.8 times as much: a bound of 1.5 kept the wrong
# partition (accuracy 0.47 against 0.81 with 3; GaussianMixture 0.97). The bound of 1.5
# had been set for the mixed Gaussian and binary classes of the clustering benchmark
# (mixed_types, seed 5), whose free EM partitions, 1.5-1.8 nats likelier, cut the graph
# 1.53 and 1.60 times as much and took 0.585 from 0.917; the mixed model
# (_latent_class.mixed_partition), which runs before the free EM, now gives that fit
# 0.966 with the bound at 3.
FREE_EM_MAX_CUT_RATIO = 3.0
# EM started from the partition's parts replaces the partition whole where its mixture
# gives the rows a mean log-likelihood higher than the mixture of the parts' own weights,
# means and covariances by more than this many nats (in the free EM's principal
# components). A neighbour graph sees clusters where rows are dense, not Gaussian clusters
# that share a mean and differ in covariance: there its partition is arbitrary (3 classes
# of one mean in 6 features beside 12 of 2 latent factors: accuracy 0.35-0.36; EM from its
# parts 0.88-0.95 and 1.2-2.0 nats per row likelier), and boundary moves (refine_on_rows)
# cannot reach EM's clusters (0.595 and 0.615 in one fit). Where the graph's parts are
# clusters, EM from them gains less: 0.05-0.23 on two moons and 0.01-0.16 on two rings,
# which are not Gaussian; 0.34-0.48 on breast_cancer after a quantile transform, where
# EM's partition was the worse (0.52-0.55 against 0.93-0.95), so the bound is the free
# EM's 0.5. On classes with Student-t noise of 2.5 degrees of freedom it gained 0.70-0.95
# with a worse partition, and the fits were as poor before this rule (0.58): the boundary
# moves reached it as well (benchmarks/partition_stages.py, seeds 0-2).
STARTED_EM_MIN_GAIN = 0.5
# Where models of the rows replaced both graph partitions (the spectral one and the
# modularity one, see _mixture._better_partition), the graph's measures cannot tell which
# is right, and held-out rows choose where they clearly prefer one: a z-score of the
# per-row gain in held-out log-likelihood of two standard errors or more. On the
# clustering benchmark's sets, the fits that the likelier parts (in sample) made worse
# had gains of 0.002-0.014 nats per row, z 0.5-1.6 (classes that share a covariance,
# binary signals of unequal strength: accuracy 1.00 -> 0.75, 0.96 -> 0.59-0.68); those
# they made better, 0.05-0.21, z 3.1-7.0 (classes that differ in covariance or scale
# beside other features: 0.88-0.89 -> 0.92-0.95, 0.63 -> 0.81). Five folds, as the other
# held-out comparisons.
EXPLAINS_BETTER_MIN_Z = 2.0
EXPLAINS_BETTER_CV_FOLDS = 5
# Where the graph's parts are heavy-tailed, EM on the rows sees tails, not clusters: a
# Gaussian mixture explains heavy-tailed classes better by giving their tails a component
# of their own. Heavy-tailed: the largest of the parts' Mardia kurtosis ratios
# (``parts_kurtosis``, 1 for Gaussian parts) above HEAVY_TAILS_KURTOSIS in the free EM's
# principal components. There EM from the parts replaces the partition only with a gain
# above HEAVY_TAILS_STARTED_EM_MIN_GAIN nats per row, and the refinement's boundary moves
# are kept only where they leave parts about Gaussian, kurtosis ratios at most
# GAUSSIAN_PARTS_KURTOSIS. On 3 classes with Student-t noise (2.5 degrees of freedom, 8
# features) the graph's parts had ratios of 2.7-3.8 and accuracies of 0.79-0.88; EM from
# them gained 0.70-0.95 nats per row with partitions of 0.37-0.59, and the refinement's
# partitions, of ratios 1.30-1.89, were as poor (fits 0.56-0.60 either way). Where heavy
# parts were right to go (benchmarks/partition_stages.py, every clustering set, seeds
# 0-2, ratios up to 2.1 on Gaussian clusters a partition had joined, 2.1-3.2 on
# correlated classes, 2.1-2.7 on counts of rare events), EM from the parts gained
# 1.49-3.65, and the refinement's parts had ratios of 1.02-1.10 (a compact cluster split
# from a broad one). A heavy-tailed class alone gives two Gaussians a gain over one that
# grows with its tails and its features, so heavier tails in more features than these
# can still pass the bound and mislead EM from the parts.
HEAVY_TAILS_KURTOSIS = 1.8
HEAVY_TAILS_STARTED_EM_MIN_GAIN = 1.25
GAUSSIAN_PARTS_KURTOSIS = 1.2
# Where the rows have more features than the refinement keeps principal components, its
# EM runs in the span of those components and of the partition's n_components - 1
# discriminant directions (Fisher's, see _discriminant_directions), computed among the
# rows' first DISCRIMINANT_MAX_DIMS principal components, and at most one per
# DISCRIMINANT_ROWS_PER_DIM rows (in as many dimensions as rows, any partition has a
# direction that separates it perfectly), with a ridge of DISCRIMINANT_RIDGE times the
# average within-part variance. Principal components follow the largest variance; where
# clusters differ in a few features among many standardised ones, that is mostly the
# other features, and EM on them moves boundaries by the noise.
# Replaying the last step on the codes of saved fits: the standardised digits' partitions
# went from 0.741, 0.861, 0.749, 0.873 to 0.821, 0.859, 0.880, 0.877, Gaussian classes in
# 6 of 40 features from 0.853-0.863 to 0.944-0.953 (3 fits), and no image or digits set
# moved by more than 0.004. The partition's own directions alone (k - 1 dimensions,
# iterated with EM) lost the digits' covariances: 0.004-0.03 lower on the digits,
# 0.02-0.10 on the binary digits.
# Where EM in the wider span ends with a component on a hyperplane, as on binary rows,
# the principal components alone are tried. DISCRIMINANT_MAX_DIMS bounds the cost of the
# scatter matrices (O(features^2) memory, O(features^3) time) on wide rows such as images.
DISCRIMINANT_MAX_DIMS = 100
DISCRIMINANT_ROWS_PER_DIM = 10
DISCRIMINANT_RIDGE = 1e-6
# The refinement's EM models each part by one Gaussian, and where clusters are curved
# (moons, arcs) it moves the tips of one into the other, as a Gaussian of each would
# share them. Where a part's rows are better modelled (lower BIC) by a mixture of up to
# PART_MAX_GAUSSIANS Gaussians, each with at least PART_ROWS_PER_PARAMETER rows per
# parameter of its mean and covariance (as the free EM's, FREE_EM_ROWS_PER_PARAMETER; with
# 2 rows per dimension instead, BIC took 2 Gaussians for parts of 180 digits in 39
# dimensions, from covariances that fit the noise, and the digits fit took 0.3 s longer),
# EM of those mixtures gives the labels instead (a row goes to the part whose
# component holds it) where its mixture has the lower BIC on all the rows than EM's of
# one Gaussian per part, and its partition cuts the PART_GRAPH_NEIGHBORS-nearest-neighbour
# graph of the EM's rows no more. Both are needed. Without the BIC, the mixtures of
# several Gaussians kept a graph partition that had joined Gaussian classes of different
# scales, where one Gaussian per part had moved the boundary right (3 classes of standard
# deviations 0.3, 1 and 2.5: 0.874 -> 0.653; such classes beside uniform features 0.568 ->
# 0.385); the right partition there cuts the graph more (see FREE_EM_MAX_CUT_RATIO).
# Without the cut, a component can wander into another part's rows and cut through them
# (two moons beside noise, one fit of three in a first version without it: 0.93 -> 0.68).
# Where the mixtures of several Gaussians have the lower BIC but cut that graph more, the
# parts are still not Gaussian, and EM of one Gaussian per part would move the tips of
# curved clusters across as above; so the parts stay as they are (no boundary moves): on
# three moons beside noise the graph's partition, 0.85 accurate, fell to 0.71 with the
# one-Gaussian EM's moves, whose cut of that graph was the smaller (0.086 against 0.113).
# With both, on the clustering benchmark's sets (seeds 0-2), two moons beside two noise
# features (1,200 rows), moons beside a blob and breast_cancer's first 5 principal
# components went from 0.853, 0.907 and 0.854 to 0.926, 0.977 and 0.914, and where BIC
# keeps one Gaussian per part (Gaussian classes), nothing changes.
PART_MAX_GAUSSIANS = 3
PART_ROWS_PER_PARAMETER = 2
PART_GRAPH_NEIGHBORS = 10


def refine_on_rows(
    rows, labels, n_components, rng, rows_metric, affinity, n_neighbors, cache=None
):
    """The partition ``labels`` of ``rows`` with its boundaries moved by EM, or an EM
    partition whole where the graph of the rows' standardised features prefers it.

    EM fits a full-covariance Gaussian mixture to the rows' first ``REFINE_DIMS``
    principal components (all the rows' directions when they have no more features), and
    to the partition's discriminant directions as well when they have more (see
    ``DISCRIMINANT_MAX_DIMS``), each direction scaled to unit variance, started from the
    parts' weights, means and covariances; where the smallest part has too few rows for a
    full covariance in that many dimensions, EM on as many principal components as it
    supports (``_supported_dims``, as the free EM uses) is a second candidate. The
    candidate that cuts the ``n_neighbors``-nearest-neighbour graph of the rows'
    standardised features least replaces ``labels`` whole where it cuts that graph less
    than ``labels`` does (see ``_standardised_features``).
    Otherwise a row takes the cluster EM gives it only once one of its neighbours in the
    graph ``affinity`` is in that cluster's part
    (``_move_beside``): EM moves the boundary between parts that touch, but where clusters
    are not Gaussian (two moons, concentric rings) it would move whole regions across a gap
    of the graph, and a row with no neighbour in the other part is not on a boundary. The
    partition is kept as it is if a part has too few rows for a covariance, or if EM
    empties a part, or if it fails or ends with a component on a hyperplane
    (``_collapsed``) on the principal components alone. ``cache`` (a dict), where given,
    keeps the graph of the standardised features for the next call on the same rows."""
    counts = np.bincount(labels, minlength=n_components)
    n_dims = min(REFINE_DIMS, rows.shape[1], counts.min() - 1)
    if n_dims < 1:
        return labels
    refined = None
    if n_dims < rows.shape[1]:
        space = _unit_directions(
            _discriminant_rows(rows, labels, n_components, n_dims, rng, rows_metric)
        )
        refined = _em_labels(space, labels, n_components, rng)
    if refined is None:
        space = _unit_directions(_principal_rows(rows, n_dims, rng, rows_metric))
        refined = _em_labels(space, labels, n_components, rng)
    if refined is None:
        return labels
    candidates = [refined]
    # With few rows per part, a full covariance in n_dims dimensions fits their noise;
    # EM in as many principal components as the free EM uses is the other candidate.
    n_few = _supported_dims(rows, labels, n_components)
    if 0 < n_few < n_dims:
        few = _unit_directions(_principal_rows(rows, n_few, rng, rows_metric))
        candidates.append(_em_labels(few, labels, n_components, rng))
    # A partition with an empty part is no candidate (_move_beside then keeps labels).
    candidates = [
        candidate
        for candidate in candidates
        if candidate is not None and np.bincount(candidate, minlength=n_components).min() > 0
    ]
    if candidates:
        cache = {} if cache is None else cache
        if "standardised" not in cache:
            standardised = _standardised_features(rows, rows_metric)
            (cache["standardised"],) = neighbour_affinities(standardised, (n_neighbors,))
        graph = cache["standardised"]
        cuts = [_cut_fraction(graph, candidate) for candidate in candidates]
        if min(cuts) < _cut_fraction(graph, labels):
            return candidates[int(np.argmin(cuts))]
    return _move_beside(labels, refined, affinity, n_components)


def _unit_directions(rows):
    """The centred ``rows`` with each column divided by its standard deviation (columns
    that never vary left as they are).

    Where features differ in scale by orders of magnitude (raw measurements in different
    units), the directions of the small ones have a variance of the order of REG_COVAR
    relative to the rows' overall spread, and EM's components looked flat in them
    (``_collapsed``) though no part lies on a hyperplane: the refinement was skipped on
    unscaled wine and breast_cancer. EM from the parts' moments is equivariant to this
    scaling, so elsewhere it changes only the relative size of the ridge."""
    spread = rows.std(axis=0)
    return rows / np.where(spread > 0, spread, 1.0)


def _standardised_features(rows, rows_metric):
    """The rows as the graph's metric compares them (``_as_compared``), each feature
    centred and divided by its standard deviation (features that never vary left at 0).

    The graph partitioned so far measures the rows in the units they were given. Where
    features are measurements in different units (raw wine or breast_cancer: one feature
    in the thousands beside others below 1), the largest ones set every distance, the
    graph's partition follows them, and EM on the refinement's scaled directions finds
    the clusters the other features hold: its partition then cuts the graph of the
    standardised features less than the graph's partition does (raw breast_cancer: 0.82
    accuracy -> 0.95, raw wine 0.71 -> 0.86-0.89 with EM in fewer dimensions). Clusters
    that are not Gaussian (two moons, concentric rings) are joined along their shape
    whatever the features' units, and EM's partition, which cuts across them, cuts that
    graph more. Standardising each feature, rather than whitening the rows, changes only
    the features' units: whitened (or in EM's scaled directions), directions in which the
    rows barely vary weigh as much as the others, and their noise sets the neighbours
    (rings in a plane of 10 dimensions: EM's halves of the rings then cut less than the
    rings)."""
    rows = _as_compared(rows, rows_metric)
    return _unit_directions(rows - rows.mean(axis=0))


def _em_labels(rows, labels, n_components, rng):
    """EM's labels of ``rows`` from the parts ``labels``, or None where EM fails or ends
    with a component on a hyperplane. Where a part is better modelled by several
    Gaussians (``_parts_mixture_labels``), EM of those parts' mixtures gives the labels
    instead if its mixture has the lower BIC on ``rows`` and its partition cuts the
    ``PART_GRAPH_NEIGHBORS``-nearest-neighbour graph of ``rows`` no more than EM's of one
    Gaussian per part, and ``labels`` themselves (no boundary moves) where it has the lower
    BIC but cuts that graph more (see PART_MAX_GAUSSIANS)."""
    mixture = _em_from_parts(rows, labels, n_components, rng)
    try:
        refined = mixture.fit_predict(rows)
    except (ValueError, np.linalg.LinAlgError):  # a covariance EM cannot invert
        return None
    if _collapsed(mixture):
        return None
    # A copy of the generator: the draws after the refinement stay those of the one
    # Gaussian per part, so that only fits whose parts prefer several can change.
    several = _parts_mixture_labels(rows, labels, n_components, generator_copy(rng))
    if several is None:
        return refined
    several, several_mixture = several
    if several_mixture.bic(rows) >= mixture.bic(rows):
        return refined
    (graph,) = neighbour_affinities(rows, (PART_GRAPH_NEIGHBORS,))
    return several if _cut_fraction(graph, several) <= _cut_fraction(graph, refined) else labels


def _parts_mixture_labels(rows, labels, n_components, rng):
    """The labels of EM on ``rows`` started from a Gaussian mixture of each part of
    ``labels`` (of 1 to PART_MAX_GAUSSIANS components, the number chosen by BIC on the
    part's rows), each row labelled with the part whose component holds it; None where
    every part takes one component, where EM fails, ends with a component on a
    hyperplane or empties a part; otherwise (labels, the fitted GaussianMixture)."""
    counts = np.bincount(labels, minlength=n_components)
    if PART_MAX_GAUSSIANS < 2 or not any(_affords(n, rows.shape[1], 2) for n in counts):
        return None  # every part takes one Gaussian: no fit needed to know it
    part_mixtures = [_part_mixture(rows[labels == part], rng) for part in range(n_components)]
    if None in part_mixtures or all(mixture.n_components == 1 for mixture in part_mixtures):
        return None
    shares = counts / len(labels)
    owner = np.concatenate(
        [np.full(mixture.n_components, part) for part, mixture in enumerate(part_mixtures)]
    )
    weights = np.concatenate(
        [share * mixture.weights_ for share, mixture in zip(shares, part_mixtures)]
    )
    mixture = GaussianMixture(
        len(owner),
        covariance_type="full",
        reg_covar=REG_COVAR,
        weights_init=weights / weights.sum(),
        means_init=np.concatenate([mixture.means_ for mixture in part_mixtures]),
        precisions_init=np.concatenate([mixture.precisions_ for mixture in part_mixtures]),
        random_state=rng,
    )
    try:
        several = owner[mixture.fit_predict(rows)]
    except (ValueError, np.linalg.LinAlgError):
        return None
    if _collapsed(mixture) or np.bincount(several, minlength=n_components).min() == 0:
        return None
    return several, mixture


def _affords(n_rows, n_dims, n_gaussians):
    """Whether ``n_rows`` rows give ``n_gaussians`` full-covariance Gaussians in
    ``n_dims`` dimensions PART_ROWS_PER_PARAMETER rows per parameter of each one's mean
    and covariance."""
    return n_rows >= PART_ROWS_PER_PARAMETER * n_gaussians * gaussian_parameters(n_dims)


def _part_mixture(part_rows, rng):
    """The Gaussian mixture of 1 to PART_MAX_GAUSSIANS components (full covariances)
    fitted to one part's rows with the lowest BIC, among those with at least
    PART_ROWS_PER_PARAMETER rows per parameter of a component's mean and covariance; None
    where even one Gaussian cannot be fitted."""
    n_rows, n_dims = part_rows.shape
    best, best_bic = None, np.inf
    for n_gaussians in range(1, PART_MAX_GAUSSIANS + 1):
        if best is not None and not _affords(n_rows, n_dims, n_gaussians):
            break
        try:
            mixture = GaussianMixture(
                n_gaussians, covariance_type="full", reg_covar=REG_COVAR,
                random_state=rng.randint(np.iinfo(np.int32).max),
            ).fit(part_rows)
        except (ValueError, np.linalg.LinAlgError):
            break
        bic = mixture.bic(part_rows)
        if bic < best_bic:
            best, best_bic = mixture, bic
    return best


def free_em_partition(rows, labels, n_components, rng, rows_metric, affinity):
    """The partition of EM on the rows from its own starts (the likelier of those of
    FREE_EM_INITS, ``_likeliest_free_em``), if it explains them
    better than EM started from the partition ``labels`` by more than FREE_EM_MIN_GAIN
    nats per row and cuts the graph ``affinity`` at most FREE_EM_MAX_CUT_RATIO times as
    much, or explains them better at all and cuts the graph less (see
    ``FREE_EM_MIN_GAIN``); else the partition of EM started from ``labels``, if it
    explains the rows better than the mixture of the parts' own moments by more than
    STARTED_EM_MIN_GAIN nats per row (HEAVY_TAILS_STARTED_EM_MIN_GAIN where the parts are
    heavy-tailed, see ``HEAVY_TAILS_KURTOSIS``); else None, and None where either EM ends
    with a component on a hyperplane (``_collapsed``)."""
    n_dims = _supported_dims(rows, labels, n_components)
    if n_dims < 1:
        return None
    rows = _principal_rows(rows, n_dims, rng, rows_metric)
    try:
        started = _em_from_parts(rows, labels, n_components, rng).fit(rows)
        free = _likeliest_free_em(rows, n_components, rng)
    except (ValueError, np.linalg.LinAlgError):
        return None
    if _collapsed(started) or _collapsed(free):
        return None
    free_labels = free.predict(rows)
    started_score = started.score(rows)
    if np.bincount(free_labels, minlength=n_components).min() > 0:
        gain = free.score(rows) - started_score
        cut, free_cut = _cut_fraction(affinity, labels), _cut_fraction(affinity, free_labels)
        if (gain > 0 and free_cut < cut) or (
            gain > FREE_EM_MIN_GAIN and free_cut <= FREE_EM_MAX_CUT_RATIO * cut
        ):
            return free_labels
    # EM from the parts that explains the rows far better than the parts themselves
    # found Gaussian clusters the graph does not show (see STARTED_EM_MIN_GAIN).
    started_labels = started.predict(rows)
    if np.bincount(started_labels, minlength=n_components).min() == 0:
        return None
    try:
        gain = started_score - parts_log_likelihood(rows, labels, n_components)
    except (ValueError, np.linalg.LinAlgError):  # a part's covariance scipy finds singular
        return None
    heavy = _kurtosis(rows, labels, n_components) > HEAVY_TAILS_KURTOSIS
    bound = HEAVY_TAILS_STARTED_EM_MIN_GAIN if heavy else STARTED_EM_MIN_GAIN
    return started_labels if gain > bound else None


def _likeliest_free_em(rows, n_components, rng):
    """The likelier on ``rows`` of the Gaussian mixtures fitted by EM from each start of
    FREE_EM_INITS, each from a generator in the state of ``rng`` (so that each mixture
    is the one its start alone would give); the first on a tie."""
    mixtures = []
    for init in FREE_EM_INITS:
        mixtures.append(
            GaussianMixture(
                n_components, covariance_type="full", reg_covar=REG_COVAR,
                init_params=init, random_state=generator_copy(rng),
            ).fit(rows)
        )
    scores = [mixture.score(rows) for mixture in mixtures]
    return mixtures[int(np.argmax(scores))]


def explains_better(rows, candidate, labels, n_components, seed, rows_metric):
    """Whether held-out rows clearly prefer the parts of the partition ``candidate`` to
    those of ``labels`` (both with no part empty), each part a Gaussian of its own
    weight, mean and full covariance: True where the z-score of the per-row gain in
    held-out log-likelihood (``held_out_gain_z``, EXPLAINS_BETTER_CV_FOLDS folds) is at
    least EXPLAINS_BETTER_MIN_Z, False where it is at most its negative, None where it
    lies between or cannot be computed (too few rows in a part, a covariance that cannot
    be factored). In as many principal components of the rows as both partitions'
    smallest parts support (``_supported_dims``), as the free EM compares its mixtures."""
    n_dims = min(
        _supported_dims(rows, candidate, n_components),
        _supported_dims(rows, labels, n_components),
    )
    if n_dims < 1:
        return None
    rows = _principal_rows(rows, n_dims, np.random.RandomState(seed), rows_metric)
    partitions = (candidate, labels)

    def fitted_pair(train):
        if min(np.bincount(p[train], minlength=n_components).min() for p in partitions) < 2:
            return None
        return tuple(PartsMixture(rows[train], p[train], n_components) for p in partitions)

    z = held_out_gain_z(rows, seed, fitted_pair, EXPLAINS_BETTER_CV_FOLDS)
    if not np.isfinite(z) or abs(z) < EXPLAINS_BETTER_MIN_Z:
        return None
    return z > 0


def _kurtosis(rows, labels, n_components):
    """The largest Mardia kurtosis ratio of the parts ``labels`` (each non-empty) of
    ``rows`` (``parts_kurtosis``); 1 (Gaussian) where a part's covariance cannot be
    factored."""
    try:
        return float(parts_kurtosis(rows, labels, n_components).max())
    except np.linalg.LinAlgError:
        return 1.0


def follows_tails(rows, labels, refined, n_components, rng, rows_metric):
    """Whether the refinement ``refined`` of the partition ``labels`` (both with no part
    empty) follows heavy tails: the parts of ``labels`` heavy-tailed, those of ``refined``
    not about Gaussian (see ``HEAVY_TAILS_KURTOSIS``), in the principal components the
    free EM uses (computed with a copy of ``rng``: the caller's draws stay its own)."""
    n_dims = _supported_dims(rows, labels, n_components)
    if n_dims < 1 or np.array_equal(labels, refined):
        return False
    rows = _principal_rows(rows, n_dims, generator_copy(rng), rows_metric)
    return (
        _kurtosis(rows, labels, n_components) > HEAVY_TAILS_KURTOSIS
        and _kurtosis(rows, refined, n_components) > GAUSSIAN_PARTS_KURTOSIS
    )


def _supported_dims(rows, labels, n_components):
    """The most principal components of the rows (at most REFINE_DIMS) in which the
    smallest part of ``labels`` has FREE_EM_ROWS_PER_PARAMETER rows per parameter of its
    mean and covariance, d (d + 3) / 2 of them in d dimensions; 0 if none."""
    smallest = np.bincount(labels, minlength=n_components).min()
    n_dims = min(REFINE_DIMS, rows.shape[1], smallest - 1)
    while n_dims > 0 and FREE_EM_ROWS_PER_PARAMETER * gaussian_parameters(n_dims) > smallest:
        n_dims -= 1
    return max(n_dims, 0)


def _as_compared(rows, rows_metric):
    """The rows as the graph's metric compares them: under the cosine metric their
    directions (neighbours by cosine are neighbours among the rows' directions), else the
    rows themselves."""
    if rows_metric != "cosine":
        return rows
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms > 0, norms, 1.0)


def _principal_rows(rows, n_dims, rng, rows_metric):
    """The rows' first ``n_dims`` principal components (the centred rows if they have no
    more features), divided by their overall standard deviation; under the cosine metric,
    of the rows' directions."""
    rows = _as_compared(rows, rows_metric)
    if n_dims < rows.shape[1]:
        # A global set_output(transform="pandas") must not reach this internal step.
        pca = PCA(n_dims, random_state=rng).set_output(transform="default")
        rows = pca.fit_transform(rows)
        spread = np.sqrt(pca.explained_variance_ * (len(rows) - 1))  # singular values
        rows = rows[:, _varying(spread, rows.shape)]
    else:
        rows = _without_constant_directions(rows - rows.mean(axis=0))
    # Scale-free: REG_COVAR is relative to the rows' spread, as it is to the codes'.
    return rows / (float(rows.std()) or 1.0)


def _discriminant_rows(rows, labels, n_components, n_dims, rng, rows_metric):
    """The rows in the span of their first ``n_dims`` principal directions and the
    discriminant directions of the partition ``labels`` (see ``DISCRIMINANT_MAX_DIMS``),
    at most as many dimensions as the smallest part has rows less one, divided by their
    overall standard deviation; under the cosine metric, of the rows' directions."""
    rows = _as_compared(rows, rows_metric)
    # The rows on their leading principal axes, so that the first n_dims coordinates are
    # the principal components _principal_rows keeps.
    pca = PCA(min(*rows.shape, DISCRIMINANT_MAX_DIMS), random_state=rng)
    rows = pca.set_output(transform="default").fit_transform(rows)
    # Fisher's directions need many rows per dimension of the scatter matrices: with as
    # many dimensions as rows, any partition has a direction that separates it.
    n_fisher = min(rows.shape[1], len(rows) // DISCRIMINANT_ROWS_PER_DIM)
    fisher = np.zeros((rows.shape[1], min(n_components - 1, n_fisher)))
    if n_fisher:
        fisher[:n_fisher] = _discriminant_directions(rows[:, :n_fisher], labels, n_components)
    # Unit columns, so that QR's diagonal below is each one's share outside the span
    # of the columns before it.
    fisher /= np.linalg.norm(fisher, axis=0)
    basis, triangle = np.linalg.qr(np.hstack([np.eye(rows.shape[1], n_dims), fisher]))
    # A Fisher direction within the span of the directions before it adds none.
    basis = basis[:, np.abs(np.diag(triangle)) > 1e-8]
    smallest = np.bincount(labels, minlength=n_components).min()
    rows = _without_constant_directions(rows @ basis[:, : smallest - 1])
    return rows / (float(rows.std()) or 1.0)


def _discriminant_directions(rows, labels, n_components):
    """Fisher's discriminant directions of the parts ``labels`` of the centred ``rows``:
    the n_components - 1 leading solutions of S_b v = l S_w v (between- and within-part
    scatter, S_w with a small ridge)."""
    within = np.zeros((rows.shape[1], rows.shape[1]))
    between = np.zeros_like(within)
    for part in range(n_components):
        members = rows[labels == part]
        mean = members.mean(axis=0)
        centred = members - mean
        within += centred.T @ centred
        between += len(members) * np.outer(mean, mean)
    # Parts of copies of one row each have no spread: the ridge alone is then S_w.
    spread = np.trace(within) / len(within) or 1.0
    within += DISCRIMINANT_RIDGE * spread * np.eye(len(within))
    _, vectors = scipy.linalg.eigh(between, within)
    return vectors[:, ::-1][:, : n_components - 1]


def _without_constant_directions(rows):
    """The centred ``rows`` without the directions in which no row varies (a feature that
    is a sum of others, as the one-hot columns of a category are), by rotating them onto
    their principal axes where there are such directions, so that a singular covariance
    is a part's own (``_collapsed``)."""
    _, spread, axes = np.linalg.svd(rows, full_matrices=False)
    kept = _varying(spread, rows.shape)
    return rows if kept.all() else rows @ axes[kept].T


def _varying(singular_values, shape):
    """Which principal directions of the centred rows (of this shape and these singular
    values) the rows vary in, by numpy's matrix_rank tolerance; all of them if the rows
    vary in none (constant rows are left as they are)."""
    tolerance = singular_values.max(initial=0.0) * max(shape) * np.finfo(float).eps
    kept = singular_values > tolerance
    return kept if kept.any() else np.ones_like(kept)


def _collapsed(mixture):
    """Whether a component of the fitted GaussianMixture has no spread (beyond
    ``REG_COVAR``) in some direction: its rows lie on a hyperplane. On discrete rows
    (binary or one-hot features) a part of the rows that shares one value of a feature
    does, and EM drifts to such parts: the density on a hyperplane grows without bound
    as the variance across it vanishes, so their likelihood is no evidence of clusters
    (on 900 rows of 20 binary features from 3 classes, EM started from a partition of
    adjusted Rand index 0.72 ended at such parts, 0.25, 10 nats per row likelier than EM
    started from the true classes)."""
    smallest = np.linalg.eigvalsh(mixture.covariances_)[:, 0]
    return bool((smallest <= 2 * REG_COVAR).any())


def _em_from_parts(rows, labels, n_components, rng, covariance_type="full"):
    """scikit-learn's GaussianMixture, to fit to ``rows`` by EM started from the weights,
    means and covariances of the parts ``labels`` of the rows: a covariance of each
    part's own (``covariance_type="full"``), or one shared by all, the average of the
    parts' weighted by their sizes (``"tied"``)."""
    weights, means, covariances = part_moments(rows, labels, n_components)
    if covariance_type == "tied":
        covariances = np.tensordot(weights, covariances, axes=1)
    inverses = np.linalg.inv(covariances)
    return GaussianMixture(
        n_components,
        covariance_type=covariance_type,
        reg_covar=REG_COVAR,
        weights_init=weights,
        means_init=means,
        precisions_init=(inverses + np.swapaxes(inverses, -1, -2)) / 2,
        random_state=rng,
    )


def held_out_gain_z(rows, seed, fitted_pair, n_folds):
    """The z-score (mean over its standard error) of the per-row gain in held-out
    log-likelihood of one mixture over another: ``n_folds`` folds of the ``rows`` drawn
    with ``seed``, ``fitted_pair(train)`` the two mixtures fitted to ``rows[train]``
    (candidate, reference), or None where they cannot be fitted there; -inf where a pair
    cannot be fitted, EM fails or the gain does not vary."""
    folds = np.random.RandomState(seed).randint(n_folds, size=len(rows))
    gain = np.empty(len(rows))
    for fold in range(n_folds):
        train, held_out = folds != fold, folds == fold
        try:
            pair = fitted_pair(train)
        except (ValueError, np.linalg.LinAlgError):
            return -np.inf
        if pair is None:
            return -np.inf
        candidate, reference = pair
        gain[held_out] = candidate.score_samples(rows[held_out]) - reference.score_samples(
            rows[held_out]
        )
    spread = gain.std()
    return float(gain.mean() / (spread / np.sqrt(len(gain)))) if spread > 0 else -np.inf


def _cut_fraction(affinity, labels):
    """The fraction of the graph ``affinity``'s weight (self-loops aside) on edges between
    rows of different parts of ``labels``."""
    affinity = affinity.tocoo()
    between = affinity.row != affinity.col
    rows, cols, weights = affinity.row[between], affinity.col[between], affinity.data[between]
    return weights[labels[rows] != labels[cols]].sum() / (weights.sum() or 1.0)


def _move_beside(labels, target, affinity, n_components):
    """``labels`` with rows moved to their ``target`` part where a graph neighbour is in it.

    Rows move in rounds: in each, a row whose target part is among its neighbours' parts
    (each row is its own neighbour) moves, so a boundary moves by one neighbourhood per
    round; a row never moves away from its target. The first round is kept unless it
    empties a part (then ``labels`` is returned); later rounds go on while no part is
    emptied and the fraction of the graph's weight cut between parts stays within
    ``REFINE_MAX_CUT_RATIO`` times that of ``labels``."""
    edges = affinity.tocoo()
    affinity = affinity.tocsr()

    def cut(partition):
        return _cut_fraction(edges, partition)

    def empties(partition):
        return np.bincount(partition, minlength=n_components).min() == 0

    max_cut = REFINE_MAX_CUT_RATIO * cut(labels)
    current = labels
    # Rows only ever move to their target, so this ends within len(labels) rounds.
    for round_ in range(len(labels)):
        beside = np.asarray(affinity @ membership(current, n_components)) > 0
        moved = np.where(beside[np.arange(len(current)), target], target, current)
        if round_ == 0:
            if empties(moved):
                return labels
        elif np.array_equal(moved, current) or empties(moved) or cut(moved) > max_cut:
            break
        current = moved
    return current
