"""The shared-covariance competitor of the clusterer's partition (skgwae._shared_covariance)."""

import numpy as np
from sklearn.preprocessing import StandardScaler

import skgwae._shared_covariance as shared_module
from skgwae._geometry import neighbour_affinity
from skgwae.metrics import cluster_accuracy


def _classes(n_rows, n_features, n_classes, own_covariances, seed=0):
    """Standardised rows of Gaussian classes about centres of standard deviation 2, all
    sharing one covariance (random axes, scales e^u, u uniform in [-1, 1]) or each with
    its own (scales e^u, u uniform in [-1.5, 1.5]), and their classes."""
    rng = np.random.RandomState(seed)
    truth = rng.randint(n_classes, size=n_rows)
    spread = 1.5 if own_covariances else 1.0
    factors = []
    for _ in range(n_classes if own_covariances else 1):
        axes, _ = np.linalg.qr(rng.normal(size=(n_features, n_features)))
        factors.append(axes * np.exp(rng.uniform(-spread, spread, n_features)))
    factors = np.array(factors)[truth if own_covariances else np.zeros_like(truth)]
    noise = np.einsum("nfg,ng->nf", factors, rng.normal(size=(n_rows, n_features)))
    rows = rng.normal(scale=2.0, size=(n_classes, n_features))[truth] + noise
    return StandardScaler().fit_transform(rows), truth


def _classes_beside_factors(seed=0):
    """900 standardised rows of 4 classes in 5 features beside 15 features driven by 2
    latent factors that do not depend on the class, their classes, and a partition that
    gives 35 % of the rows a wrong class at random."""
    rng = np.random.RandomState(seed)
    truth = rng.randint(4, size=900)
    classes = rng.normal(scale=2.0, size=(4, 5))[truth] + rng.normal(size=(900, 5))
    factors = rng.normal(size=(900, 2)) @ rng.normal(size=(2, 15))
    rows = StandardScaler().fit_transform(
        np.hstack([classes, factors + 0.5 * rng.normal(size=(900, 15))])
    )
    wrong = truth.copy()
    moved = rng.rand(900) < 0.35
    wrong[moved] = rng.randint(4, size=moved.sum())
    return rows, truth, wrong


def test_classes_of_one_covariance_share_it_and_classes_of_their_own_do_not():
    """The held-out test: Gaussian classes of one covariance pass it, classes of their own
    covariances do not, and parts too small for a covariance in one dimension at
    SHARED_ROWS_PER_PARAMETER rows per parameter fail it."""
    rows, truth = _classes(900, 6, 3, own_covariances=False)
    assert shared_module.shares_covariance(rows, truth, 3, 0)
    rows, truth = _classes(900, 6, 3, own_covariances=True)
    assert not shared_module.shares_covariance(rows, truth, 3, 0)
    assert shared_module.SHARED_ROWS_PER_PARAMETER * 1 * 4 / 2 > 9  # 1 dimension: 2 params
    assert not shared_module.shares_covariance(rows[:27], np.arange(27) % 3, 3, 0)


def test_a_partition_of_classes_beside_factors_is_replaced_by_the_shared_mixture():
    """A partition with a third of the rows in a wrong class, of classes beside features
    driven by class-free factors, is replaced by the partition of EM with a shared
    covariance started from it: the factors are the same in every class, and the shared
    covariance absorbs them. It is as accurate as that EM started from the classes
    themselves (0.948), and more than EM with each part's own covariance from the
    partition (0.898) or from the classes (0.928)."""
    rows, truth, wrong = _classes_beside_factors()
    assert cluster_accuracy(truth, wrong) < 0.8
    graph = neighbour_affinity(rows, 20)
    shared = shared_module.shared_covariance_partition(
        rows, wrong, 4, 0, "euclidean", graph, 0.3 * 900 / 4
    )
    assert shared is not None
    assert cluster_accuracy(truth, shared) > 0.94
    own = shared_module._em_from_parts(rows, wrong, 4, np.random.RandomState(0))
    assert cluster_accuracy(truth, own.fit_predict(rows)) < 0.92


def test_a_partition_of_classes_with_their_own_covariances_is_kept():
    """Where each class has its own covariance, the shared one misfits the classes and the
    held-out test fails, so the (true) partition is kept."""
    rows, truth = _classes(900, 6, 3, own_covariances=True)
    graph = neighbour_affinity(rows, 20)
    shared = shared_module.shared_covariance_partition(
        rows, truth, 3, 0, "euclidean", graph, 0.3 * 900 / 3
    )
    assert shared is None


def test_a_candidate_with_a_small_part_or_a_far_larger_cut_is_refused(cut_ratio_refusals):
    """The candidate of the factors' test is refused where its smallest part is below
    ``min_part`` rows, and where it cuts the graph more than REFINE_MAX_CUT_RATIO times
    as much as the partition."""
    rows, truth, wrong = _classes_beside_factors()
    graph = neighbour_affinity(rows, 20)
    args = (rows, wrong, 4, 0, "euclidean", graph)
    assert shared_module.shared_covariance_partition(*args, 900 / 4 + 50) is None
    cut_ratio_refusals(
        shared_module, shared_module.shared_covariance_partition, args, wrong, 0.3 * 900 / 4
    )
