"""The competitor of the clusterer's partition fitted from several starts
(skgwae._restarted_mixture), the held-out test it shares with the shared covariance, and
how the spectral partition consults both competitors."""

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import StandardScaler

import skgwae._mixture as mixture_module
import skgwae._restarted_mixture as restarted_module
from skgwae._geometry import neighbour_affinity
from skgwae._refinement import held_out_gain_z
from skgwae.metrics import cluster_accuracy


def _blobs(seed=0):
    """600 standardised rows of 3 round Gaussian classes in 4 features, centres 6 apart
    along the first feature and 4 along the second, their classes, and a partition stuck
    in a local optimum: the first class split in two halves along the fourth feature, the
    other two classes joined."""
    rng = np.random.RandomState(seed)
    truth = rng.randint(3, size=600)
    centres = np.array([[0.0, 0, 0, 0], [6, 0, 0, 0], [6, 4, 0, 0]])
    rows = StandardScaler().fit_transform(centres[truth] + rng.normal(size=(600, 4)))
    stuck = np.where(truth == 0, np.where(rows[:, 3] > 0, 0, 1), 2)
    return rows, truth, stuck


def test_a_stuck_partition_is_replaced_by_the_mixture_from_several_starts():
    """EM from the stuck parts stays stuck (a class split, two joined); the mixture from
    several starts finds the classes, held-out rows prefer it by far, and it replaces
    the partition."""
    rows, truth, stuck = _blobs()
    started = restarted_module._em_from_parts(rows, stuck, 3, np.random.RandomState(0))
    assert cluster_accuracy(truth, started.fit_predict(rows)) < 0.8
    assert restarted_module.held_out_z(rows, stuck, 3, 0) > restarted_module.RESTARTED_MIN_Z
    graph = neighbour_affinity(rows, 15)
    result = restarted_module.restarted_mixture_partition(
        rows, stuck, 3, 0, "euclidean", graph, 0.3 * 600 / 3
    )
    assert result is not None
    assert cluster_accuracy(truth, result) > 0.97  # the two classes 4 apart overlap a little


def test_the_true_partition_of_gaussian_classes_is_kept():
    """From the classes themselves the mixture from several starts gains nothing held out
    (or finds the same partition), so the partition is kept."""
    rows, truth, _ = _blobs()
    graph = neighbour_affinity(rows, 15)
    result = restarted_module.restarted_mixture_partition(
        rows, truth, 3, 0, "euclidean", graph, 0.3 * 600 / 3
    )
    assert result is None or cluster_accuracy(truth, result) == 1.0
    assert restarted_module.held_out_z(rows, truth, 3, 0) < restarted_module.RESTARTED_MIN_Z


def _band_and_blob(seed=0):
    """900 standardised rows: 600 on a bent band (y = x^2 / 2) and 300 of a round blob
    inside its bend, beside two features of noise, and their classes."""
    rng = np.random.RandomState(seed)
    x = rng.uniform(-2, 2, size=600)
    band = np.column_stack([x, x**2 / 2 + 0.2 * rng.normal(size=600)])
    blob = np.array([0.0, 1.3]) + 0.3 * rng.normal(size=(300, 2))
    rows = np.hstack([np.vstack([band, blob]), 0.3 * rng.normal(size=(900, 2))])
    return StandardScaler().fit_transform(rows), np.repeat([0, 1], [600, 300])


def test_clusters_that_a_few_gaussians_each_explain_better_are_kept(monkeypatch):
    """On a bent band and a blob inside its bend, the mixture from several starts cuts the
    band across and explains the rows better than one Gaussian per class, held out too;
    the classes each taken as a few Gaussians explain them better still (a lower BIC), so
    the partition is kept. Without that comparison the mixture would replace it."""
    rows, truth = _band_and_blob(seed=2)
    graph = neighbour_affinity(rows, 15)
    args = (truth, 2, 0, "euclidean", graph, 0.3 * 900 / 2)
    assert restarted_module.restarted_mixture_partition(rows, *args) is None
    monkeypatch.setattr(restarted_module, "_parts_explain_better", lambda *a: False)
    replaced = restarted_module.restarted_mixture_partition(rows, *args)
    assert replaced is not None
    assert cluster_accuracy(truth, replaced) < 0.8


def test_discrete_rows_heavy_tailed_parts_and_small_gains_are_not_tested(monkeypatch):
    """Where a feature has one value held by MAX_MODAL_FRACTION of the rows, or the parts'
    kurtosis ratio exceeds HEAVY_TAILS_KURTOSIS, the stuck partition is kept: there a
    Gaussian mixture's likelihood rewards repeated values or tails; so it is where the
    mixture's gain over EM from the parts is at most RESTARTED_MIN_GAIN (raised here
    above the stuck partition's gain)."""
    rows, _, stuck = _blobs()
    graph = neighbour_affinity(rows, 15)
    args = (stuck, 3, 0, "euclidean", graph, 0.3 * 600 / 3)
    assert restarted_module.restarted_mixture_partition(rows, *args) is not None
    discrete = rows.copy()
    discrete[: int(0.1 * 600), 3] = 0.0
    assert restarted_module.restarted_mixture_partition(discrete, *args) is None
    monkeypatch.setattr(restarted_module, "RESTARTED_MIN_GAIN", 10.0)
    assert restarted_module.restarted_mixture_partition(rows, *args) is None
    monkeypatch.setattr(restarted_module, "RESTARTED_MIN_GAIN", 0.1)
    monkeypatch.setattr(
        restarted_module, "_kurtosis", lambda *a: restarted_module.HEAVY_TAILS_KURTOSIS + 0.1
    )
    assert restarted_module.restarted_mixture_partition(rows, *args) is None


def test_a_candidate_with_a_small_part_or_a_far_larger_cut_is_refused(cut_ratio_refusals):
    """The candidate is refused where its smallest part is below ``min_part`` rows, and
    where it cuts the graph more than REFINE_MAX_CUT_RATIO times as much as the
    partition."""
    rows, truth, stuck = _blobs()
    graph = neighbour_affinity(rows, 15)
    args = (rows, stuck, 3, 0, "euclidean", graph)
    smallest = np.bincount(truth).min()
    assert restarted_module.restarted_mixture_partition(*args, smallest + 10) is None
    cut_ratio_refusals(
        restarted_module, restarted_module.restarted_mixture_partition, args, stuck,
        0.3 * 600 / 3,
    )


def test_the_held_out_gain_z_of_a_mixture_against_itself_and_a_poor_one():
    """A mixture compared with itself gains nothing (no spread: -inf); the mixture of the
    classes against a single Gaussian gains on every fold (a large z); a pair that
    cannot be fitted gives -inf."""
    rows, truth, _ = _blobs()

    def same(train):
        mixture = GaussianMixture(3, random_state=0).fit(rows[train])
        return mixture, mixture

    assert held_out_gain_z(rows, 0, same, 5) == -np.inf

    def against_one(train):
        return (
            GaussianMixture(3, random_state=0).fit(rows[train]),
            GaussianMixture(1, random_state=0).fit(rows[train]),
        )

    assert held_out_gain_z(rows, 0, against_one, 5) > 10
    assert held_out_gain_z(rows, 0, lambda train: None, 5) == -np.inf


COMPETITORS = ("shared_covariance_partition", "restarted_mixture_partition")


@pytest.mark.filterwarnings("ignore:Graph is not fully connected")
@pytest.mark.parametrize("name", COMPETITORS)
def test_the_spectral_partition_takes_a_competitors_partition(monkeypatch, name):
    """Where a competitor of the graph's partition (the shared covariance, then the
    mixture from several starts) returns a partition, the spectral partition of the codes
    is that partition and counts as replaced by a model of the rows (so that the steps
    after it are the longer ones); it is not consulted without rows, without the
    refinement, or where a model of the rows (the graph partition's own, or the
    competitor before it) already replaced the graph's partition."""
    rows, truth, _ = _blobs()
    rows, truth = rows[:300], truth[:300]
    fixed = np.arange(300) % 3
    calls = []

    def competitor(data, labels, *args):
        calls.append(len(labels))
        return fixed

    for other in COMPETITORS:
        monkeypatch.setattr(mixture_module, other, lambda *a: None)
    monkeypatch.setattr(mixture_module, name, competitor)

    def partition(data, refine):
        calls.clear()
        return mixture_module._spectral_partition(rows, 3, 0, 20, data, "euclidean", refine)

    labels, _, replaced, _ = partition(lambda i: rows[i], True)
    assert calls == [300] and replaced and np.array_equal(labels, fixed)
    for data, refine in ((None, True), (lambda i: rows[i], False)):
        labels, _, replaced, _ = partition(data, refine)
        assert not calls and not replaced
        assert cluster_accuracy(truth, labels) > 0.9
    if name == COMPETITORS[1]:
        monkeypatch.setattr(mixture_module, COMPETITORS[0], lambda *a: truth)
        labels, _, replaced, _ = partition(lambda i: rows[i], True)
        assert not calls and replaced and np.array_equal(labels, truth)
    monkeypatch.setattr(mixture_module, COMPETITORS[0], lambda *a: None)
    monkeypatch.setattr(mixture_module, "_graph_partition", lambda *a: (truth, True))
    labels, _, replaced, _ = partition(lambda i: rows[i], True)
    assert not calls and replaced and np.array_equal(labels, truth)
