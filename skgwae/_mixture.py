"""The Gaussian mixture that :class:`GWAEClusterer` sets from the latent codes of its
training rows."""

import dataclasses
import warnings

import numpy as np
from scipy.sparse.csgraph import connected_components
from sklearn.cluster import SpectralClustering
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import adjusted_rand_score
from sklearn.manifold import spectral_embedding
from sklearn.mixture import GaussianMixture
from sklearn.neighbors import NearestNeighbors
from threadpoolctl import threadpool_limits

from ._classifying_mixture import classifying_components
from ._geometry import laplacian_low_eigenvalues, neighbour_affinities
from ._latent_class import latent_class_partition, mixed_partition
from ._modularity import modularity, modularity_partition
from ._parts import (
    REG_COVAR,
    gaussian_parameters,
    generator_copy,
    member_matrix,
    membership,
    part_moments,
)
from ._parts import log_joint as _log_joint
from ._parts import parts_log_likelihood as _parts_log_likelihood
from ._refinement import (
    explains_better,
    follows_tails,
    free_em_partition,
    refine_on_rows,
)
from ._restarted_mixture import restarted_mixture_partition
from ._shared_covariance import shared_covariance_partition

# Neighbours of each code (and of each data row) in the graphs of the partition: the
# graph is built with each count, and the one whose n_components clusters stand out most
# (the larger eigengap, see _low_eigenvalues) is partitioned. Few neighbours let thin
# bridges of noise split a cluster (iris: 10 neighbours gave 0.56-0.86 accuracy, 20 gave
# 0.96); many let neighbouring clusters merge where each has few rows (900 images of 10
# clusters, 81 training rows each: 20 neighbours gave 0.79-0.94, 10 gave 0.99). 20 had
# the larger gap on every benchmark set, 10 on the small image sets.
SPECTRAL_NEIGHBORS = (20, 10)
# A count after the first is taken only where the (n_components + 1)-th eigenvalue of its
# graph's normalized Laplacian is at least this: a smaller one means that the graph
# itself nearly falls into more parts than clusters, as thin clusters do with few
# neighbours (sheared 2-D blobs: 10 neighbours had the larger gap, 0.0013 against 0.0003,
# but a next eigenvalue of 0.0017, and split a cluster, 0.65 against 0.998; on the image
# sets where 10 was right it was 0.030-0.041).
FEWER_NEIGHBORS_MIN_EIGENVALUE = 0.01
# k-means starts on the spectral embedding, the lowest inertia kept. scikit-learn's 10 can
# all miss the best partition when two clusters are far smaller than the rest (curved
# mixture: one fit's codes in 4 of 16 step seeds split the largest cluster instead,
# accuracy 0.74 against 0.90); 30 found it every time, for 0.03 s more on 1,800 codes.
SPECTRAL_N_INIT = 30
# Spectral clustering relaxes the minimum normalized cut and rounds the relaxation by
# k-means on the first n_components eigenvectors, which cuts long or curved clusters
# across: on the 10-nearest-neighbour graph of three concentric arcs it gave accuracy
# 0.84 at a normalized cut of 0.013, where a Gaussian mixture of the eigenvectors found
# the arcs themselves (1.00, cut 0.0043). So a Gaussian mixture of the first
# n_components + ROUNDING_EXTRA_DIMS eigenvectors, and one of the first ROUNDING_DIMS
# (at least n_components), each from ROUNDING_N_INIT k-means starts, round it too, and the
# one with the smaller cut replaces k-means' partition where it cuts the graph less than
# ROUNDING_MAX_CUT_RATIO times as much: a cut only a little smaller is no evidence
# (taking any smaller cut, or a mixture of the first n_components eigenvectors, lost fits
# of skewed and mixed classes that the mixture cut only a little less: classes of one
# mean and three scales beside noise, one fit 0.81 -> 0.61).
ROUNDING_EXTRA_DIMS = 2
ROUNDING_DIMS = 10
ROUNDING_N_INIT = 3
ROUNDING_MAX_CUT_RATIO = 0.85
# A mixture of d eigenvectors rounds only where the codes give each of its components
# this many codes per parameter of its mean and covariance: with 2, iris's 135 training
# rows afforded one of 5 eigenvectors, whose cuts 0.6-0.85 times k-means' split its two
# overlapping classes wrongly (0.967 -> 0.936 over three fits).
ROUNDING_ROWS_PER_PARAMETER = 3
# The partition of the rows' own graph also replaces that of the common graph where it
# cuts the rows' own graph less than OWN_GRAPH_MAX_CUT_RATIO times as much, though it
# cuts the common graph more: on binary answers, one-hot levels, word counts and classes
# mapped to [0, 1], the codes' neighbours mix the classes that the rows' own graph holds,
# and the common graph inherits some of that (survey answers in 30 binary features: 0.73
# accurate on the common graph's partition by modularity, 0.82 on the rows' own graph's,
# which cut the rows' own graph 0.80 times as much and the common graph 1.07 times). On
# the digits each partition cuts its own graph less, and the rows' own spectral
# partition, the worse (0.81 against 0.87), cut the rows' own graph 0.98 times as much.
# Over the clustering benchmark's 312 sets (seed 0, benchmarks/partition_stages.py, the
# partitions before the stages after them), the bound decided 30 of 584 choices, 22 of
# them by more than 0.02 in accuracy, 21 of those to the more accurate partition (the
# other: one fit of the binary digits, 0.806 -> 0.793). The stages after the partition mostly
# reached the same clusters from either: of the benchmark's 915 fits 18 changed, 10 up
# (penguins mapped to [0, 1], one fit 0.86 -> 0.98) and 8 down (the binary digits, one
# fit 0.80 -> 0.78, the others by 0.003 or less).
OWN_GRAPH_MAX_CUT_RATIO = 0.9
# ... and only where it cuts the common graph at most this many times as much: asked for
# more clusters than the rows hold (3 in two blobs), each graph's partition splits a blob
# its own way, and the rows' own one, 0.81 times the other's cut of the rows' graph, cut
# the common graph 3.6 times as much; its parts then lost a cluster to the mixture of the
# codes. The 30 choices the first bound decided on the benchmark's sets cut the common
# graph 1.01-1.43 times as much.
OWN_GRAPH_MAX_COMMON_CUT_RATIO = 1.5
# Above this many codes the partition is found on a random subset of this size: its
# eigenvectors cost about n^1.5 (2.6 s on 10,000 codes, 0.7 s on 5,000, single-threaded),
# and 5,000 codes are plenty for the moments of a few tens of components.
SPECTRAL_SUBSET = 5_000
# Where rows repeat, the graphs join distinct rows and every copy takes its row's edges
# (see _copy_graphs), unless that graph would hold more edges than this (a few distinct
# rows with very many copies): then the graphs are those of all rows, as without copies.
COPY_GRAPH_MAX_EDGES = 10_000_000
# Fewer codes per component than this: too few for a neighbour graph to show clusters
# (and scipy's sparse eigensolver needs more rows than eigenvectors), so EM is used.
SPECTRAL_MIN_PER_CLUSTER = 5
# EM initialisations (k-means++ seeded k-means), the best likelihood kept: the fallback
# when the partition leaves a cluster empty, and ``method="em"``.
EM_N_INIT = 3
# Above this many codes the EM starts run on a random subset of this size, and one EM on
# all codes continues from the best of them.
EM_SUBSET = 10_000
# A part of the partition with fewer codes than FRAGMENT_FRACTION of the average part is
# taken for a possible fragment: where a cluster has a small, loosely attached subgroup
# (the digits' 1s drawn with a base, 24 of 1,617 rows), cutting it off is a cheaper
# normalized cut than separating two clusters joined by many edges, and spectral
# clustering does that, joining the 1s and the 8s (accuracy 0.87 in two fits of three,
# the smallest part 0.15 of the average; the digits 0-4: 0.82 in one fit of three). The
# graph is then also partitioned into one more part, its fragment is merged into the part
# it links to most, and the result replaces the partition if it has no fragment and the
# codes are likelier under its mixture of parts: a small cluster that is compact and apart
# stays whole (merging it widens a component), a fragment of a cluster merges back. The
# smallest part of every partition that was right was 0.48 of the average or more, and so
# was the smallest true cluster of the benchmarks (0.49, the curved mixture). Partitions
# into 2 to 5 more parts, their fragments merged, never gave a candidate that one more
# part did not.
FRAGMENT_FRACTION = 0.3
# The modularity partition competes only where the average cluster holds at least this
# many codes (five neighbourhoods of 20). In fewer, a code's neighbours reach across much
# of its cluster, and modularity, whose null model expects edges between any two codes in
# proportion to their degrees, favours parts of equal size: on wine (160 training rows, 3
# classes of 43-64, 20 neighbours) it gave parts of 48, 56 and 56, better than the
# spectral partition by both graph measures and wrong on 4-5 more rows; on a curved
# mixture of 450 rows (81 training rows per cluster) one fit of three fell from 0.72 to
# 0.59 with it, while four others gained 0.002-0.006.
MODULARITY_MIN_CODES_PER_CLUSTER = 100
# With more clusters, half as many suffice (five neighbourhoods of 10, the other graph).
# Modularity pays sum_c (D_c / 2m)^2 for parts of total degree D_c, a penalty that parts of
# equal size minimise and whose weight against the edges kept within the parts falls as
# 1 / k with k parts: so the bias that cost wine (3 clusters) and the 450-row curved
# mixture (5) is weaker with many. With 6 to 26 clusters of 50-99 codes, the modularity
# partition competing raised three 900-row subsets of the digits from 0.834-0.858 to
# 0.863-0.882 and 500 rows of Satellite from 0.680 to 0.732, and cost no fit more than
# 0.001; with 3 or 5 clusters it cost wine and the curved mixture 0.005-0.043.
MODULARITY_MIN_CODES_MANY_CLUSTERS = 50
MODULARITY_MANY_CLUSTERS = 6
# The refinement's partition replaces the graph's only while its normalized cut of the
# common graph stays within this factor of the graph partition's. EM moving boundaries
# between clusters that touch raised it by 2.3 times at most (the min-max scaled
# breast_cancer; iris, the Gaussian classes and the clusters that differ in covariance
# 1.15-1.8), in every fit of the clustering benchmark's 67 sets, and by 3.1-3.8 times
# where it still helped partitions of codes that hold little structure (the digits
# multiplied by 0.1 or 0.3, crossed elongated clusters in 2 dimensions); where it raised
# it 7.5-10 times, EM had cut clusters apart: the two moons (accuracy 0.999 -> 0.989), and
# clusters with Student's t noise, whose outliers drew a wide component that took a whole
# cluster and part of another (0.964 -> 0.658).
REFINED_MAX_NCUT_RATIO = 5.0
# Nor is it kept where it turns a part into one that is no cluster of the graph: more than
# OUTLIER_PART_MIN_CONDUCTANCE of the part's edge weight leaves it, and more than
# OUTLIER_PART_MIN_GROWTH times the share that left it before. That is the component EM
# gives the outliers of several clusters, whose rows lie among the other clusters' rows.
# In the fits of the clustering benchmark's sets whose refinement raised the cut at least
# 1.5 times (43 sets, seeds 0-2), among the refinements the bound above keeps, such parts
# arose only on classes with a few rows three times as spread or with Student's t noise:
# 55-72 % of their weight left them (7-14 % before), the whole cut rose only 2.4-4.2
# times, and the accuracy fell by 0.21-0.51. Where the refinement helped (classes that
# overlap or differ in spread, elongated clusters), no part's share rose above 0.59, nor
# one above 0.5 more than 3.2 times.
OUTLIER_PART_MIN_CONDUCTANCE = 0.5
OUTLIER_PART_MIN_GROWTH = 4.0
# Where neither partition dominates the other on the graphs, the modularity stage's
# replaces the spectral one where the Louvain method finds it again: LOUVAIN_REPEATS
# further Louvain partitions of each graph (the common one and the rows' own), from
# generators of their own, agree with it by a mean adjusted Rand index of at least
# LOUVAIN_MIN_AGREEMENT, each more than with the spectral partition (see _reproduced).
# Where the Louvain method's partition was the better one, it was reproducible: on the
# digits and their variants, means of 0.85-0.99; where it was the worse one (concentric
# circles, two moons, the curved mixture's unequal clusters, penguins), 0.01-0.74.
LOUVAIN_REPEATS = 3
LOUVAIN_MIN_AGREEMENT = 0.85
# EM's refinement of a graph partition is not kept where it moves fewer than
# REFINED_FEW_MOVED of the rows, the graph partition is one the Louvain method reproduces
# (a mean adjusted Rand index of at least REPRODUCIBLE_GRAPH_PARTITION with further
# Louvain partitions, as in _reproduced) and the refinement lowers that agreement by more
# than REFINED_MAX_AGREEMENT_DROP (see _loses_agreement). EM's Gaussian boundaries then
# trim the skewed tails of clusters that the graph holds: on skewed classes 4-6 % of the
# rows moved, the agreement fell by 0.12-0.18 and the accuracy by 0.04-0.06. Between
# overlapping Gaussian classes whose boundary the graph drew in the wrong place, EM moved
# more rows, 8-15 % on iris and its variants, and raised the accuracy, although the
# agreement fell as far (0.13-0.28).
REFINED_FEW_MOVED = 0.07
REPRODUCIBLE_GRAPH_PARTITION = 0.8
REFINED_MAX_AGREEMENT_DROP = 0.12


@dataclasses.dataclass
class LatentMixture:
    """A Gaussian mixture in the latent space, in the codes' own coordinates."""

    means: np.ndarray  # (n_components, n_dims)
    covariances: np.ndarray  # (n_components, n_dims, n_dims)
    weights: np.ndarray  # (n_components,)
    empty: np.ndarray  # the components most responsible for no code
    # The partition the components are the parts of, and the positions of the codes it
    # labels (all codes, or the random subset it was found on); None from EM.
    labels: np.ndarray | None = None
    index: np.ndarray | None = None
    # Whether a model of the rows (EM, the latent class or the mixed model, a mixture with
    # one shared covariance) replaced the neighbour graph's partition whole, so that the
    # codes' graph did not show it.
    replaced: bool = False
    # The neighbour graph (sparse affinities) on which the partition was found, over the
    # codes at ``index``: the one common to codes and rows, or the codes' own without
    # rows; None from EM.
    graph: object = None


def fit_latent_mixture(
    codes,
    n_components,
    seed,
    *,
    rows=None,
    rows_metric="euclidean",
    refine=True,
    method="spectral",
    n_neighbors=SPECTRAL_NEIGHBORS,
    n_init=EM_N_INIT,
):
    """A Gaussian mixture (full covariances) of ``codes`` whose components are clusters of
    the codes.

    ``method="spectral"``: the codes are partitioned by spectral clustering on their
    ``n_neighbors``-nearest-neighbour graph (on a random subset of
    ``SPECTRAL_SUBSET`` codes when there are more), and each component is the weight, mean
    and covariance of one part. With several neighbour counts (a tuple, as the default),
    the graph of each is built and the one with the largest eigengap at ``n_components``
    (see ``_low_eigenvalues`` and ``FEWER_NEIGHBORS_MIN_EIGENVALUE``) is used throughout.
    Spectral clustering rounds the graph's eigenvectors by k-means; a Gaussian mixture of
    the first few eigenvectors rounds them too, and its partition is kept where it cuts
    the graph clearly less (``_mixture_rounding``, ``ROUNDING_MAX_CUT_RATIO``): k-means
    cuts long and curved clusters across.
    The partition follows the connected dense regions of the codes; maximum likelihood
    does not: on the codes of a fitted clusterer several mixtures of nearly the same
    likelihood split or merge whole classes, and EM started from the spectral partition
    drifts back to one of them. With ``rows`` (a callable that returns the data rows of
    the codes at given sorted positions), the graph keeps only the pairs that are
    neighbours both among the codes and among the rows (under ``rows_metric``),
    each edge weighing the geometric mean of its two affinities: a pair of codes that the
    embedding placed side by side without the data rows being neighbours is a bridge the
    partition should cut, and the codes in turn drop neighbours of the raw rows that the
    embedding found apart. The spectral partition of the rows' own graph competes, and the
    partition with the smaller normalized cut of that common graph is kept (codes can blur
    a narrow gap that the rows show). Where a part has fewer codes than
    ``FRAGMENT_FRACTION`` of the average, the partition into one more part with its
    fragment merged competes on the codes' likelihood (see ``_without_fragments``). With
    ``rows`` and ``refine``, the partition is then
    refined by EM on the data rows: a full-covariance Gaussian mixture of their first
    ``_refinement.REFINE_DIMS`` principal components (and, with more features, of the
    partition's discriminant directions), started from the parts' weights, means and
    covariances (or from mixtures of several Gaussians for parts whose rows prefer them,
    where that explains the rows better, ``_refinement.PART_MAX_GAUSSIANS``), whose
    labels replace the partition's for the rows that have a graph neighbour in the part EM
    moves them to, in rounds (``refine_on_rows``, in ``_refinement``). The graph finds
    which dense regions are clusters, but where two clusters overlap, the boundary a
    neighbour graph draws ignores their shapes, and the codes keep the rows' distances, not
    their covariances; EM from the partition moves the boundaries (on digits it changed
    1-2 % of the labels), and the neighbour condition stops it from moving whole regions of
    clusters that are not Gaussian across a gap of the graph (two moons, concentric rings).
    The refinement is kept only where its normalized cut of the common graph stays within
    ``REFINED_MAX_NCUT_RATIO`` times the partition's and no part becomes one most of whose
    edge weight leaves it (``_kept_refinement``, ``OUTLIER_PART_MIN_CONDUCTANCE``): where
    the outliers of heavy-tailed or contaminated clusters draw a wide component of EM's
    across clusters, the graph's partition stays; where the parts are heavy-tailed, only
    where it leaves them about Gaussian (``_refinement.follows_tails``,
    ``HEAVY_TAILS_KURTOSIS``); and not where it moves a few rows (fewer than
    ``REFINED_FEW_MOVED``) away from a partition that further Louvain partitions of the
    graphs reproduce, the skewed tails of clusters the graph holds (``_loses_agreement``).
    EM's partition (or that of EM in fewer principal components, where the parts have few
    rows) replaces the graph's whole where it cuts the neighbour graph of the rows'
    standardised features less (features in different units, see
    ``_refinement._standardised_features``). Before the refinement, EM on the rows from
    starts of its own (the likelier of a k-means and a k-means++ start) competes with EM
    started from the parts, and its clusters replace the partition whole when they
    explain the rows better and the graph tolerates their cut (see
    ``_refinement.FREE_EM_MIN_GAIN``); failing that, EM's from the parts replaces it
    whole where it explains the rows far better than the parts' own Gaussians do, as
    where clusters share a mean and differ in covariance, which no graph shows (see
    ``_refinement.STARTED_EM_MIN_GAIN``; a larger gain where the parts are heavy-tailed,
    which a Gaussian mixture explains better by giving their tails a component). Neither
    EM on the rows counts where it ends with a component on a hyperplane of the rows, as
    EM on binary or one-hot rows does (see ``_refinement._collapsed``). Where every
    feature of the rows is binary or one-hot, the latent class model (independent
    features within each cluster) is fitted first, by EM from the parts and from k-means
    starts, and its likeliest partition replaces the graph's whole where, within its
    parts, the features are nearly independent, as the model has them (see
    ``_latent_class.latent_class_partition``). Where continuous features stand beside
    binary or one-hot ones, the mixed model (a Gaussian of the continuous features times
    the latent class model of the others) is fitted from the parts, and its partition
    replaces the graph's where each of its clusters is one Gaussian and the discrete
    features are nearly independent within it (see ``_latent_class.mixed_partition``).
    With at least
    ``MODULARITY_MIN_CODES_PER_CLUSTER`` codes per component (or
    ``MODULARITY_MIN_CODES_MANY_CLUSTERS`` with at least ``MODULARITY_MANY_CLUSTERS``
    components), all of this
    is done again with the Louvain method's partition by modularity in place of spectral
    clustering (see ``modularity_partition``), and its result is kept where it has the
    higher modularity on every graph and the lower normalized cut on at least one (see
    ``_dominates``), or where further Louvain partitions find it again (see
    ``_reproduced``), or, where models of the rows replaced both partitions, where
    held-out rows clearly prefer its parts (see ``_better_partition``).
    EM is used instead of the partition with fewer than ``SPECTRAL_MIN_PER_CLUSTER`` codes
    (or distinct rows) per component, or if the partition leaves a cluster empty (codes
    with fewer distinct values than ``n_components``).

    ``method="em"``: the maximum-likelihood mixture, by EM from ``n_init`` k-means++
    starts (the best likelihood kept); with more than ``EM_SUBSET`` codes the starts run on
    a random subset of that size and one EM on all codes continues from the best of them.

    The components of a partition differ only in as many leading principal directions
    of the codes as classify them best (see :func:`mixture_of_parts`).

    Both work on standardised codes, so that the absolute ``REG_COVAR`` and the graph do
    not depend on the codes' scale; the result is mapped back to the codes' coordinates.
    Randomness comes from ``seed``. A component that is the most responsible one for no
    code is listed in ``empty``.
    """
    if method not in ("spectral", "em"):
        raise ValueError(f"method must be 'spectral' or 'em', got {method!r}.")
    standardised, center, scale = _standardise(codes)
    # Small matrices: threaded BLAS only adds overhead (and much of it on a busy machine).
    with warnings.catch_warnings(), threadpool_limits(1):
        # A non-converged EM or k-means still gives usable components; a graph in several
        # parts is what well-separated clusters give. Neither is the user's fit.
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.filterwarnings("ignore", message="Graph is not fully connected")
        partition = None
        if method == "spectral":
            partition = _spectral_partition(
                standardised, n_components, seed, n_neighbors, rows, rows_metric, refine
            )
        if partition is None:
            mixture = _em_mixture(standardised, n_components, seed, n_init)
            return _in_code_coordinates(standardised, mixture, center, scale)
    labels, index, replaced, graph = partition
    mixture = _classifying_moments(standardised[index], labels, n_components)
    result = _in_code_coordinates(standardised, mixture, center, scale, labels, index)
    result.replaced = replaced
    result.graph = graph
    return result


def mixture_of_parts(codes, labels, n_components):
    """The Gaussian mixture whose components are the weights, means and covariances of
    the parts ``labels`` (each part non-empty) of ``codes``, computed as
    :func:`fit_latent_mixture` computes them.

    The components take their own means and covariances in the r leading principal
    directions of the codes, and in the others each is the codes' overall distribution
    (their mean, and their variance in each such direction), with r the number of
    directions whose mixture gives the codes the labels of their parts most often (the
    largest such r). Codes of rows with fewer features than the latent space has
    dimensions lie near a subspace of about that many; off it they hold the
    encoder's noise, whose tiny variances differ between parts by chance and would decide
    the labels. Where every direction carries the clusters, r is all of them."""
    standardised, center, scale = _standardise(codes)
    mixture = _classifying_moments(standardised, labels, n_components)
    index = np.arange(len(codes))
    return _in_code_coordinates(standardised, mixture, center, scale, labels, index)


def mixture_classifying_parts(codes, labels, n_components):
    """The Gaussian mixture of :func:`mixture_of_parts`, refitted to give the ``codes``
    the labels of their parts while each component stays a density of its part's codes
    (see ``_classifying_mixture.classifying_components``)."""
    standardised, center, scale = _standardise(codes)
    start = _classifying_moments(standardised, labels, n_components)
    mixture = classifying_components(standardised, labels, start)
    index = np.arange(len(codes))
    return _in_code_coordinates(standardised, mixture, center, scale, labels, index)


def reading_cut_ratio(mixture, codes, labels, graph):
    """The normalized cut of the neighbour ``graph`` of the ``codes`` by the mixture's
    reading of them (each code's likeliest component of ``mixture``, a
    :class:`LatentMixture` in the codes' coordinates) over its cut by their parts
    ``labels``: above 1 where the reading cuts the graph more than the partition does."""
    components = (mixture.weights, mixture.means, mixture.covariances)
    reading = _log_joint(codes, *components).argmax(axis=1)
    return _cut_ratio(graph, reading, labels, len(mixture.weights))


def agreement(mixture, codes, labels):
    """The share of ``codes`` whose likeliest component of ``mixture`` (a
    :class:`LatentMixture`, in the codes' coordinates) is their part in ``labels``."""
    components = (mixture.weights, mixture.means, mixture.covariances)
    return _share_in_own_part(codes, components, labels)


def _share_in_own_part(X, components, labels):
    """The share of the rows X whose likeliest of the ``components`` (weights, means,
    covariances) is their part in ``labels``."""
    return float(np.mean(_log_joint(X, *components).argmax(axis=1) == labels))


def _standardise(codes):
    """(standardised codes, center, scale): the codes centred and divided by their overall
    standard deviation, so that REG_COVAR and the graphs do not depend on their scale."""
    center = codes.mean(axis=0)
    scale = float(codes.std()) or 1.0
    return (codes - center) / scale, center, scale


def _in_code_coordinates(standardised, mixture, center, scale, labels=None, index=None):
    """The :class:`LatentMixture` of ``mixture`` (weights, means, covariances of the
    ``standardised`` codes), mapped back to the codes' coordinates."""
    weights, means, covariances = mixture
    members = np.bincount(
        _log_joint(standardised, weights, means, covariances).argmax(axis=1),
        minlength=len(weights),
    )
    return LatentMixture(
        means=means * scale + center,
        covariances=covariances * scale**2,
        weights=weights,
        empty=np.flatnonzero(members == 0),
        labels=labels,
        index=index,
    )


def _spectral_partition(codes, n_components, seed, n_neighbors, rows, rows_metric, refine):
    """(labels, index, replaced, graph): a spectral partition of the ``codes`` at the
    sorted positions ``index`` (all, or a random subset), whether a model of the rows
    replaced the graph's partition whole (see ``_graph_partition``; or the mixture with
    one shared covariance of ``_shared_covariance``, or the mixture from several starts of
    ``_restarted_mixture``), and the neighbour graph it partitioned (None for one part);
    or None if a part is empty."""
    if len(codes) < SPECTRAL_MIN_PER_CLUSTER * n_components:
        return None
    rng = np.random.RandomState(seed)
    index = np.arange(len(codes))
    if len(codes) > SPECTRAL_SUBSET:
        index = np.sort(rng.choice(len(codes), SPECTRAL_SUBSET, replace=False))
        codes = codes[index]
    replaced = False
    affinity = None
    if n_components == 1:
        labels = np.zeros(len(codes), dtype=int)
    else:
        data = None if rows is None else np.asarray(rows(index), dtype=np.float64)
        counts = (n_neighbors,) if np.ndim(n_neighbors) == 0 else tuple(n_neighbors)
        copies = _copies(codes if data is None else data, max(counts))
        if copies is not None and len(copies[0]) < SPECTRAL_MIN_PER_CLUSTER * n_components:
            return None  # as with too few codes: too few distinct rows for a graph
        code_graphs = _copy_graphs(codes, counts, "euclidean", copies)
        row_graphs = [None] * len(counts)
        if rows is not None:
            row_graphs = _copy_graphs(data, counts, rows_metric, copies)
        candidates = []
        for count, affinity, row_affinity in zip(counts, code_graphs, row_graphs, strict=True):
            if row_affinity is not None:
                affinity = affinity.multiply(row_affinity).sqrt()
            gap = 0.0
            if len(counts) > 1:
                last, following = _low_eigenvalues(affinity, n_components, count)
                gap = following - last
                if not np.isfinite(gap) or (
                    candidates and following < FEWER_NEIGHBORS_MIN_EIGENVALUE
                ):
                    gap = -np.inf
            candidates.append((gap, count, affinity, row_affinity))
        # The largest gap; on a tie (or where no gap could be computed), the first count.
        best = max(range(len(candidates)), key=lambda i: (candidates[i][0], -i))
        _, n_neighbors, affinity, row_affinity = candidates[best]
        graphs = (affinity, row_affinity, codes, data)
        # The graph of the rows' standardised features, built once if the refinement
        # needs it: on wide rows it costs as much as the rows' own graph; and the
        # further Louvain partitions of these graphs, which both stages' refinements and
        # the choice between the stages ask for (see _louvain_runs).
        cache = {}
        options = (n_components, seed, n_neighbors, rows_metric, refine, cache)
        # The modularity partition draws from a generator in the same state, so that the
        # draws after this step stay those of the spectral partition.
        other = generator_copy(rng)
        labels, replaced = _graph_partition(*graphs, *options, rng, "spectral")
        # Spectral clustering relaxes the minimum normalized cut, which with many
        # clusters joins two of them and splits another where a cluster has loosely
        # attached subgroups (the digits' 1s); the Louvain method maximises modularity,
        # which joined clusters of unequal sizes (the curved mixture). Each partition
        # fits its own measure best; one with the higher modularity on the common graph
        # and on the rows' own, and the lower cut on one of them, is a partition the
        # other method missed; so is one that the Louvain method finds from other
        # starts too, where the measures do not favour it (see _reproduced).
        if len(codes) >= _modularity_min_codes(n_components) * n_components:
            by_modularity = _graph_partition(*graphs, *options, other, "modularity")
            own_graphs = [g for g in (affinity, row_affinity) if g is not None]
            if _better_partition(
                by_modularity, (labels, replaced), own_graphs, data, n_components, seed,
                rows_metric, codes, n_neighbors, cache,
            ):
                labels, replaced = by_modularity
        # Models of the rows that compete with the graph's partition, in turn, while none
        # has replaced it (nor one above): where the classes share a covariance with
        # structure beside them, a mixture with one shared covariance, started from the
        # parts (see _shared_covariance); where the parts, and EM from them, follow such
        # structure, a mixture from several starts (see _restarted_mixture). Their own
        # generators: the draws above stay as they were.
        for competitor in (shared_covariance_partition, restarted_mixture_partition):
            if data is None or not refine or replaced:
                break
            candidate = competitor(
                data, labels, n_components, seed, rows_metric, affinity,
                FRAGMENT_FRACTION * len(labels) / n_components,
            )
            if candidate is not None:
                labels, replaced = candidate, True
    if np.bincount(labels, minlength=n_components).min() == 0:
        return None
    return labels, index, replaced, affinity


def _graph_partition(
    affinity, row_affinity, codes, data, n_components, seed, n_neighbors, rows_metric, refine,
    cache, rng, how,
):
    """(labels, replaced): the partition of the codes from the graph ``affinity`` (common
    to codes and rows, or of the codes alone when ``row_affinity`` is None), by spectral
    clustering or by modularity (``how``, see ``_partition``): the partition of the common
    graph or of the rows' own graph, whichever cuts the common graph less, or the rows'
    own where it cuts the rows' own graph clearly less (``OWN_GRAPH_MAX_CUT_RATIO``), its
    fragment merged, then refined by EM on the rows ``data`` where the refinement does not
    cut the common graph far more (see ``fit_latent_mixture`` and ``_kept_refinement``)
    nor trim clusters the graph holds (``_loses_agreement``), or
    replaced whole by the partition of the latent class model where the rows are binary
    or one-hot and the model holds, by that of the mixed model where continuous features
    stand beside such features (``_latent_class``), or by EM's (``free_em_partition``);
    ``replaced`` says whether one of these models of the rows replaced it. ``cache`` goes
    to ``refine_on_rows``, ``latent_class_partition`` and ``_loses_agreement``."""
    labels = _partition(affinity, codes, n_components, rng, n_neighbors, how)
    if row_affinity is not None:
        # The partition of the rows' own graph competes, and the smaller normalized
        # cut of the common graph wins: spectral clustering relaxes the minimum
        # normalized cut, and on the common graph the relaxation can miss the cut the
        # rows' graph finds. The codes keep the rows' distances only as well as the GW
        # term fits them; where a narrow gap separates clusters they can blur it, and
        # the common graph inherits that (scikit-learn's sheared blobs, two thin
        # parallel clusters joined in one fit of three: accuracy 0.63, the rows'
        # graph 0.996; the curved mixture, its largest cluster split in one fit of
        # three: 0.67, the rows' graph 0.91). On high-dimensional rows the codes'
        # neighbours are the better ones, and there the common graph's cut was the
        # smaller (digits: 0.87 against 0.81-0.87 from the rows' graph alone). A
        # generator of its own: the draws after it stay those of the partition.
        own = _partition(
            row_affinity, codes, n_components, np.random.RandomState(seed), n_neighbors, how
        )
        ratio = _cut_ratio(affinity, own, labels, n_components)
        if ratio < 1.0 or _clearly_better_on_own_graph(
            own, labels, row_affinity, n_components, ratio
        ):
            labels = own
    labels = _without_fragments(
        affinity, codes, labels, n_components, seed, n_neighbors, how
    )
    if row_affinity is not None and refine:
        # Generators of their own: the refinement's draws stay those of the partition.
        # On binary and one-hot features a Gaussian EM ends on hyperplanes (see
        # _refinement._collapsed); the latent class model is their mixture, alone or
        # beside a Gaussian of the continuous features (the mixed model).
        free = latent_class_partition(
            data, labels, n_components, np.random.RandomState(seed), cache
        )
        if free is None:
            free = mixed_partition(data, labels, n_components, np.random.RandomState(seed))
        if free is None:
            free = free_em_partition(
                data, labels, n_components, np.random.RandomState(seed), rows_metric, affinity
            )
        if free is not None:
            return free, True
        refined = refine_on_rows(
            data, labels, n_components, rng, rows_metric, affinity, n_neighbors, cache
        )
        # Gaussian EM on heavy-tailed parts moves rows by their tails, not clusters.
        if not follows_tails(data, labels, refined, n_components, rng, rows_metric):
            kept = _kept_refinement(affinity, labels, refined, n_components)
            graphs = [affinity, row_affinity]
            if kept is labels or not _loses_agreement(
                labels, kept, graphs, codes, n_components, seed, n_neighbors, cache
            ):
                labels = kept
    return labels, False


def _kept_refinement(affinity, labels, refined, n_components):
    """``refined`` (the refinement of the partition ``labels``) where its normalized cut of
    the graph ``affinity`` is at most REFINED_MAX_NCUT_RATIO times that of ``labels`` and
    no part of it is one of outliers (see OUTLIER_PART_MIN_CONDUCTANCE), else ``labels``:
    EM draws boundaries between Gaussian clusters, and a partition that cuts the graph
    many times more has cut a cluster apart; one part most of whose edges leave it holds
    rows from among several clusters."""
    before = _conductances(affinity, labels, n_components)
    after = _conductances(affinity, refined, n_components)
    # The normalized cuts are the sums of the parts' conductances.
    if np.sum(after) > REFINED_MAX_NCUT_RATIO * np.sum(before):
        return labels
    return labels if makes_outlier_part(before, after) else refined


def makes_outlier_part(before, after):
    """Whether a partition whose parts' conductances are ``after`` made one of them a part
    of outliers (see OUTLIER_PART_MIN_CONDUCTANCE), the parts' conductances in the
    partition it refined being ``before``."""
    return bool(
        np.any((after > OUTLIER_PART_MIN_CONDUCTANCE) & (after > OUTLIER_PART_MIN_GROWTH * before))
    )


def _better_partition(
    candidate, current, graphs, data, n_components, seed, rows_metric, codes, min_part,
    cache=None,
):
    """Whether the partition of ``candidate`` is to replace that of ``current`` (each a
    ``(labels, replaced)`` of ``_graph_partition``; ``data`` the rows they partition,
    ``codes`` the codes, ``graphs`` the graphs ``_dominates`` measures them on,
    ``min_part`` as in ``_partition``). Where models of the rows replaced both graph
    partitions, the graph had no say in either, and held-out rows decide where they
    clearly prefer one partition's parts (``explains_better``): by the graph's measures,
    the modularity stage's model had won there with the worse partition (classes that
    differ in covariance beside independent factors, classes that differ in scale beside
    noise; see ``_refinement.EXPLAINS_BETTER_MIN_Z``). Otherwise, or where the rows prefer
    neither clearly, the graph's measures decide (``_dominates``), and where they do not
    favour ``candidate``, its reproducibility by the Louvain method does (``_reproduced``;
    ``cache`` as in ``_louvain_runs``).
    """
    if np.bincount(candidate[0], minlength=n_components).min() == 0:
        return False
    if candidate[1] and current[1]:
        better = explains_better(
            data, candidate[0], current[0], n_components, seed, rows_metric
        )
        if better is not None:
            return better
    return _dominates(candidate[0], current[0], graphs, n_components) or _reproduced(
        candidate[0], current[0], graphs, codes, n_components, seed, min_part, cache
    )


def _reproduced(candidate, labels, graphs, codes, n_components, seed, min_part, cache=None):
    """Whether the Louvain method finds the partition ``candidate`` again, and ``labels``
    less: ``LOUVAIN_REPEATS`` modularity partitions of each graph of ``graphs`` (see
    ``_partition``), each from a generator of its own, agree with ``candidate`` by a mean
    adjusted Rand index of at least ``LOUVAIN_MIN_AGREEMENT``, and each of them agrees
    with ``candidate`` more than with ``labels``.

    Modularity and the normalized cut differ between two such partitions by a few
    percent either way, and neither measure then says which partition is right (the
    digits 0-4: the spectral partition gave 23 of the 1s to the 2s and had both the
    higher modularity and the lower cut; its accuracy 0.96, the Louvain partition's
    0.998). Where the graph holds the clusters, Louvain's random
    node orders lead to one partition; where it does not (two moons or concentric rings
    cut into arcs, clusters of unequal sizes joined), they lead to different ones."""
    runs = _louvain_runs(graphs, codes, n_components, seed, min_part, cache)
    with_candidate = np.array([adjusted_rand_score(candidate, run) for run in runs])
    with_labels = np.array([adjusted_rand_score(labels, run) for run in runs])
    return bool(
        with_candidate.mean() >= LOUVAIN_MIN_AGREEMENT and (with_candidate > with_labels).all()
    )


def _louvain_runs(graphs, codes, n_components, seed, min_part, cache=None):
    """``LOUVAIN_REPEATS`` modularity partitions of each graph of ``graphs`` (see
    ``_partition``), each from a generator of its own. With ``cache`` (a dict kept for one
    set of ``graphs`` and ``codes``), they are computed once and kept there: the same
    generators give the same partitions."""
    if cache is not None and "louvain_runs" in cache:
        return cache["louvain_runs"]
    runs = [
        _partition(
            graph, codes, n_components, np.random.RandomState([seed, repeat]), min_part,
            "modularity",
        )
        for graph in graphs
        for repeat in range(1, LOUVAIN_REPEATS + 1)
    ]
    if cache is not None:
        cache["louvain_runs"] = runs
    return runs


def _loses_agreement(
    labels, refined, graphs, codes, n_components, seed, min_part, cache=None
):
    """Whether EM's refinement ``refined`` of the graph partition ``labels`` trims clusters
    the graph holds: it moves fewer than ``REFINED_FEW_MOVED`` of the rows, yet the further
    Louvain partitions of ``_louvain_runs`` agree with ``labels`` by a mean adjusted Rand
    index of at least ``REPRODUCIBLE_GRAPH_PARTITION``, and with ``refined`` by more than
    ``REFINED_MAX_AGREEMENT_DROP`` less. (``graphs`` holds the common graph and the rows'
    own, or None for the latter; ``cache`` as in ``_louvain_runs``.)

    A few rows moved across boundaries that every Louvain start draws in one place are
    the tails of clusters that are not Gaussian; where the graph's boundary between
    overlapping classes is wrong, EM moves more rows to put it right."""
    if np.mean(labels != refined) >= REFINED_FEW_MOVED:
        return False
    graphs = [graph for graph in graphs if graph is not None]
    runs = _louvain_runs(graphs, codes, n_components, seed, min_part, cache)
    with_labels = np.mean([adjusted_rand_score(labels, run) for run in runs])
    with_refined = np.mean([adjusted_rand_score(refined, run) for run in runs])
    return bool(
        with_labels >= REPRODUCIBLE_GRAPH_PARTITION
        and with_labels - with_refined > REFINED_MAX_AGREEMENT_DROP
    )


def _dominates(candidate, labels, graphs, n_components):
    """Whether the partition ``candidate`` is better than ``labels`` as a graph partition:
    a higher modularity on every graph of ``graphs``, and a lower normalized cut on at
    least one (and no part empty).

    On the digits the Louvain partition that kept the 1s whole had the higher modularity
    on both graphs and the lower cut on the common one, but a cut 1 % higher on the rows'
    own graph (accuracy 0.900 against the spectral 0.879); where the Louvain partition
    joined clusters of unequal sizes (the curved mixture), its cut was the higher on
    both graphs."""
    if np.bincount(candidate, minlength=n_components).min() == 0:
        return False
    return all(
        modularity(graph, candidate) > modularity(graph, labels) for graph in graphs
    ) and any(
        _normalized_cut(graph, candidate, n_components)
        < _normalized_cut(graph, labels, n_components)
        for graph in graphs
    )


def _copies(X, n_neighbors):
    """(first, inverse): the first row of each distinct row of X and which distinct row
    each row is, where some rows of X are exact copies of others and their graph
    (``_copy_graphs``) stays within COPY_GRAPH_MAX_EDGES; else None."""
    # Rows as single byte strings: np.unique over them is several times faster than over
    # rows (axis=0). Equal values in other bytes (0.0 and -0.0) only go unjoined.
    X = np.ascontiguousarray(X)
    as_bytes = X.view(np.dtype((np.void, X.dtype.itemsize * X.shape[1]))).ravel()
    _, first, inverse = np.unique(as_bytes, return_index=True, return_inverse=True)
    if len(first) == len(X) or len(first) < 2:
        return None
    inverse = inverse.ravel()
    # The copy graph's edges: about n_neighbors + 1 per distinct row, each multiplied by
    # the copies of its two ends.
    counts = np.bincount(inverse)
    if (n_neighbors + 1) * counts.max() * len(X) > COPY_GRAPH_MAX_EDGES:
        return None
    return first, inverse


def _copy_graphs(X, counts, metric, copies):
    """For each neighbour count of ``counts``, ``neighbour_affinity(X, count, metric)``,
    or with ``copies`` (from ``_copies``) the affinity of the distinct rows of X given to
    their copies: each copy has its row's edges, and the copies of a row are joined to
    each other. One neighbour search serves every count (``neighbour_affinities``).

    Where most rows have copies (binary answers, one-hot categories), a row's nearest
    neighbours are its own copies, so the graph of all rows is made of groups of copies
    joined by few edges, and the normalized cut separates groups of patterns rather than
    clusters (one-hot rows of 4 categorical classes, 271 distinct of 1,000: adjusted Rand
    index 0.64-0.68, against 0.88 with the graph of distinct rows). The copy graph is the
    one a weighted graph of the distinct rows would give, each row weighing its copies:
    the normalized cut of a partition that keeps copies together is the same in both."""
    if copies is None:
        return neighbour_affinities(X, counts, metric)
    first, inverse = copies
    members = member_matrix(inverse)  # every distinct row has its first copy
    return [
        (members @ distinct.tocsr() @ members.T).tocsr()
        for distinct in neighbour_affinities(X[first], counts, metric)
    ]


def _cut_ratio(affinity, labels, reference, n_components):
    """The normalized cut of the graph ``affinity`` by ``labels`` over its cut by
    ``reference``; 1 where both are 0 (parts the graph does not join cut it alike)."""
    cut, reference_cut = (_normalized_cut(affinity, p, n_components) for p in (labels, reference))
    if reference_cut > 0:
        return cut / reference_cut
    return np.inf if cut > 0 else 1.0


def _clearly_better_on_own_graph(own, labels, row_affinity, n_components, common_cut_ratio):
    """Whether the partition ``own`` of the rows' graph ``row_affinity`` cuts that graph
    less than OWN_GRAPH_MAX_CUT_RATIO times as much as the partition ``labels`` of the
    common graph does, and cuts the common graph at most OWN_GRAPH_MAX_COMMON_CUT_RATIO
    times as much (``common_cut_ratio``, its normalized cut over ``labels``')."""
    return common_cut_ratio <= OWN_GRAPH_MAX_COMMON_CUT_RATIO and _normalized_cut(
        row_affinity, own, n_components
    ) < OWN_GRAPH_MAX_CUT_RATIO * _normalized_cut(row_affinity, labels, n_components)


def _without_fragments(affinity, codes, labels, n_components, seed, min_part, how="spectral"):
    """``labels``, or, if a part has fewer codes than FRAGMENT_FRACTION of the average
    part, the partition of the graph ``affinity`` into one more part with its fragment
    merged (``_merge_fragment``) where it leaves no fragment and the codes are likelier
    under its mixture of parts."""
    floor = FRAGMENT_FRACTION * len(labels) / n_components
    sizes = np.bincount(labels, minlength=n_components)
    if sizes.min() >= floor:
        return labels
    # A generator of its own: the draws after this step stay those of the partition.
    finer = _partition(
        affinity, codes, n_components + 1, np.random.RandomState(seed), min_part, how
    )
    merged = _merge_fragment(finer, affinity, codes, floor)
    # k-means on codes with few distinct values can leave a part of ``finer`` empty.
    if merged is None or merged.max() + 1 != n_components or np.bincount(merged).min() < floor:
        return labels
    if sizes.min() > 0 and _parts_log_likelihood(
        codes, merged, n_components
    ) <= _parts_log_likelihood(codes, labels, n_components):
        return labels
    return merged


def _merge_fragment(labels, affinity, codes, floor):
    """``labels`` with its smallest part merged into the part its edges in ``affinity``
    weigh most to (with no edge out, the part of the nearest code) and the parts
    numbered again from 0; None if that part has ``floor`` codes or more."""
    sizes = np.bincount(labels)
    if sizes.min() >= floor:
        return None
    fragment = labels == sizes.argmin()
    links = np.asarray(affinity.tocsr()[fragment].sum(axis=0)).ravel()[~fragment]
    weights = np.bincount(labels[~fragment], weights=links, minlength=len(sizes))
    if weights.max() > 0:
        target = weights.argmax()
    else:
        nearest = NearestNeighbors(n_neighbors=1).fit(codes[~fragment])
        distance, index = nearest.kneighbors(codes[fragment])
        target = labels[~fragment][index[distance[:, 0].argmin(), 0]]
    merged = np.where(fragment, target, labels)
    return np.unique(merged, return_inverse=True)[1]


def _classifying_moments(X, labels, n_components):
    """(weights, means, covariances) of the parts ``labels`` of the rows of X (each part
    non-empty) that differ only in X's r leading principal directions: in the others
    every mean is X's mean and every covariance X's variance in each of them (plus
    ``REG_COVAR``). r is the number of directions whose mixture labels the rows of X as
    ``labels`` most often (the most directions among equals)."""
    weights, means, covariances = part_moments(X, labels, n_components)
    variances, directions = np.linalg.eigh(np.atleast_2d(np.cov(X, rowvar=False, bias=True)))
    variances = np.maximum(variances, 0.0)
    best, best_share = None, -1.0
    # eigh sorts ascending: the first n_rest directions hold the least variance.
    for n_rest in range(X.shape[1]):
        rest = directions[:, :n_rest]
        within = np.eye(X.shape[1]) - rest @ rest.T  # projects onto the leading directions
        joint = within @ covariances @ within + (rest * (variances[:n_rest] + REG_COVAR)) @ rest.T
        mixture = (
            weights,
            means - (means - X.mean(axis=0)) @ rest @ rest.T,
            (joint + joint.transpose(0, 2, 1)) / 2,  # exactly symmetric
        )
        share = _share_in_own_part(X, mixture, labels)
        if share > best_share:
            best, best_share = mixture, share
    return best


def _partition(affinity, codes, n_components, rng, min_part, how="spectral"):
    """Spectral clustering (``how="spectral"``) or the modularity partition
    (``how="modularity"``, see ``modularity_partition``) of the graph ``affinity`` into
    ``n_components`` parts.

    A connected part of the graph with fewer than ``min_part`` codes is left out of the
    spectral clustering, and its codes join the part of their nearest code outside it: a
    part smaller than one neighbourhood is not a cluster the graph resolves (a code's own
    neighbours would reach outside it), but, being unconnected, it would be the cheapest
    cut. Only the graph of neighbours common to codes and rows makes such parts; a
    nearest-neighbour graph alone has none. If they are all there is, every code is kept.
    """
    kept = _resolved(affinity, n_components, min_part)
    affinity = affinity.tocsr()
    labels = np.empty(len(codes), dtype=int)
    if how == "modularity":
        labels[kept] = modularity_partition(
            affinity[kept][:, kept], n_components, rng, SPECTRAL_N_INIT
        )
    else:
        graph = affinity[kept][:, kept]
        labels[kept] = SpectralClustering(
            n_components, affinity="precomputed", n_init=SPECTRAL_N_INIT, random_state=rng
        ).fit_predict(graph)
        # A generator copy: the draws after the partition stay those of spectral
        # clustering alone.
        labels[kept] = _mixture_rounding(graph, labels[kept], n_components, generator_copy(rng))
    if not kept.all():
        nearest = NearestNeighbors(n_neighbors=1).fit(codes[kept])
        labels[~kept] = labels[kept][nearest.kneighbors(codes[~kept])[1][:, 0]]
    return labels


def _mixture_rounding(graph, labels, n_components, rng):
    """The partition of ``graph`` by a Gaussian mixture of its spectral embedding (see
    ROUNDING_EXTRA_DIMS) with the smallest normalized cut, where that cut is below
    ROUNDING_MAX_CUT_RATIO times the cut of ``labels`` (spectral clustering's); else
    ``labels``."""
    n_nodes = graph.shape[0]
    dims = sorted(
        d
        for d in {n_components + ROUNDING_EXTRA_DIMS, max(ROUNDING_DIMS, n_components)}
        if d < n_nodes
        and n_nodes >= ROUNDING_ROWS_PER_PARAMETER * n_components * gaussian_parameters(d)
    )
    if not dims:
        return labels
    try:
        embedding = spectral_embedding(
            graph, n_components=dims[-1], drop_first=False, random_state=rng
        )
    except (ArithmeticError, ValueError, RuntimeError, np.linalg.LinAlgError):
        return labels
    # One scale for every coordinate: the eigenvectors' own scale shrinks as 1 / sqrt(n),
    # and the mixture's covariance floor (reg_covar) is absolute.
    embedding = embedding / embedding.std()
    bound = ROUNDING_MAX_CUT_RATIO * _normalized_cut(graph, labels, n_components)
    best, best_cut = labels, bound
    for d in dims:
        candidate = GaussianMixture(
            n_components, n_init=ROUNDING_N_INIT, random_state=rng
        ).fit_predict(embedding[:, :d])
        if np.bincount(candidate, minlength=n_components).min() == 0:
            continue
        cut = _normalized_cut(graph, candidate, n_components)
        if cut < best_cut:
            best, best_cut = candidate, cut
    return best


def _resolved(affinity, n_components, min_part):
    """Which codes ``_partition`` partitions: those of the connected parts of the graph
    ``affinity`` with ``min_part`` codes or more (all codes if that leaves too few)."""
    _, part = connected_components(affinity, directed=False)
    kept = np.bincount(part)[part] >= min_part
    if kept.sum() < SPECTRAL_MIN_PER_CLUSTER * n_components:
        kept[:] = True
    return kept


def _low_eigenvalues(affinity, n_components, min_part):
    """The n_components-th and the (n_components + 1)-th smallest eigenvalues of the
    normalized Laplacian of the graph ``affinity`` (of the codes that ``_partition``
    partitions). Their gap, the eigengap, says how clearly the graph holds n_components
    clusters: a graph of exactly k connected parts has k zero eigenvalues and a positive
    next one; edges between clusters raise the first k, and a cluster that falls apart
    lowers the next. (nan, nan) where the eigenvalues cannot be computed."""
    kept = _resolved(affinity, n_components, min_part)
    try:
        values = laplacian_low_eigenvalues(affinity.tocsr()[kept][:, kept], n_components + 1)
    except (ArithmeticError, ValueError, RuntimeError, np.linalg.LinAlgError):
        return np.nan, np.nan
    return float(values[n_components - 1]), float(values[n_components])


def _modularity_min_codes(n_components):
    """The fewest codes per cluster on average with which the modularity partition
    competes (see MODULARITY_MIN_CODES_PER_CLUSTER)."""
    if n_components >= MODULARITY_MANY_CLUSTERS:
        return MODULARITY_MIN_CODES_MANY_CLUSTERS
    return MODULARITY_MIN_CODES_PER_CLUSTER


def _normalized_cut(affinity, labels, n_components):
    """The normalized cut of the graph ``affinity`` by the parts ``labels``: the sum over
    parts of the weight of their edges to other parts over the weight of all their
    edges (each row's self-loop included); infinite if a part has no edge."""
    return float(np.sum(_conductances(affinity, labels, n_components)))


def _conductances(affinity, labels, n_components):
    """Each part's share of its edge weight in the graph ``affinity`` that goes to other
    parts (its conductance; the normalized cut is their sum); infinite for a part with no
    edge."""
    affinity = affinity.tocsr()
    members = membership(labels, n_components)
    volume = members.T @ np.asarray(affinity.sum(axis=1)).ravel()
    within = np.einsum("ik,ik->k", members, np.asarray(affinity @ members))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(volume > 0, (volume - within) / volume, np.inf)


def _em_mixture(codes, n_components, seed, n_init):
    """(weights, means, covariances) of the maximum-likelihood mixture of ``codes``."""
    mixture = GaussianMixture(
        n_components, covariance_type="full", n_init=n_init, reg_covar=REG_COVAR,
        random_state=seed,
    )
    if len(codes) > EM_SUBSET:
        rows = np.random.RandomState(seed).choice(len(codes), EM_SUBSET, replace=False)
        start = mixture.fit(codes[np.sort(rows)])
        mixture = GaussianMixture(
            n_components,
            covariance_type="full",
            reg_covar=REG_COVAR,
            weights_init=start.weights_,
            means_init=start.means_,
            precisions_init=start.precisions_,
            random_state=seed,
        )
    mixture.fit(codes)
    return mixture.weights_, mixture.means_, mixture.covariances_
