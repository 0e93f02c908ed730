"""The Gaussian mixture refitted to classify the parts of its codes."""

import numpy as np
import pytest
from sklearn.datasets import make_moons

from skgwae._classifying_mixture import CLASSIFYING_WEIGHT, classifying_components
from skgwae._geometry import neighbour_affinities
from skgwae._mixture import (
    agreement,
    mixture_classifying_parts,
    mixture_of_parts,
    reading_cut_ratio,
)
from skgwae._parts import log_joint, part_moments


def _curved_parts(seed=0, n=600):
    """Round Gaussian rows in 2-D split by a parabola: parts whose moments draw the
    boundary where the parts' shapes put it, not where the partition does."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 2))
    labels = (X[:, 0] + 0.6 * X[:, 1] ** 2 > 0.6).astype(int)
    return X, labels


def _objective(X, labels, components, weight=CLASSIFYING_WEIGHT):
    joint = log_joint(X, *components)
    own = joint[np.arange(len(X)), labels]
    shifted = joint - joint.max(axis=1, keepdims=True)
    classified = own - joint.max(axis=1) - np.log(np.exp(shifted).sum(axis=1))
    return -own.mean() - weight * classified.mean()


def test_the_refitted_mixture_classifies_the_parts_better_and_lowers_its_objective():
    """From the parts' moments, the fit lowers the likelihood-plus-cross-entropy objective
    and gives more rows their part (the parabola: 0.92 -> 0.99 of 600 rows); the
    weights stay a distribution and every covariance positive definite."""
    X, labels = _curved_parts()
    start = part_moments(X, labels, 2)
    fitted = classifying_components(X, labels, start)
    share = np.mean(log_joint(X, *fitted).argmax(axis=1) == labels)
    start_share = np.mean(log_joint(X, *start).argmax(axis=1) == labels)
    assert start_share < 0.93 and share > 0.98
    assert _objective(X, labels, fitted) < _objective(X, labels, start)
    weights, means, covariances = fitted
    assert weights.sum() == pytest.approx(1.0) and (weights > 0).all()
    assert all(np.linalg.eigvalsh(c).min() > 0 for c in covariances)
    # Each component stays near its part: its mean on the part's side of the boundary.
    assert means[0, 0] < 0.6 < means[1, 0]


def test_the_likelihood_keeps_each_component_a_density_of_its_part():
    """Without the cross-entropy (weight 0) the start, the parts' own moments, is the
    optimum: nothing lower is found and the start itself comes back."""
    X, labels = _curved_parts(1)
    start = part_moments(X, labels, 2)
    assert classifying_components(X, labels, start, weight=0.0) is start


def test_the_mixture_classifying_parts_is_in_the_codes_coordinates():
    """Codes scaled by 100 and moved: the refitted mixture gives the same rows their part
    as on the codes themselves, and at least as many as the parts' moments."""
    X, labels = _curved_parts(2)
    moved = 100.0 * X + 7.0
    mixture = mixture_classifying_parts(moved, labels, 2)
    assert agreement(mixture, moved, labels) >= agreement(
        mixture_of_parts(moved, labels, 2), moved, labels
    )
    reference = mixture_classifying_parts(X, labels, 2)
    assert agreement(mixture, moved, labels) == pytest.approx(
        agreement(reference, X, labels), abs=0.005
    )
    assert mixture.labels is labels and mixture.empty.size == 0


def test_the_reading_of_curved_parts_cuts_their_graph_more_than_the_parts():
    """Two moons: the Gaussian mixture of the moons' own rows gives some rows of each tip
    the other moon, across the gap of their neighbour graph, so its reading cuts the graph
    more than the moons do (ratio above 1). Two overlapping Gaussian classes: their true
    classes mix near the boundary, and the mixture's reading, a smooth boundary, cuts the
    graph less (below 1)."""
    X, labels = make_moons(600, noise=0.1, random_state=0)
    graph = neighbour_affinities(X, (10,))[0]
    mixture = mixture_of_parts(X, labels, 2)
    assert agreement(mixture, X, labels) < 0.95
    assert reading_cut_ratio(mixture, X, labels, graph) > 1.2
    rng = np.random.RandomState(0)
    labels = rng.randint(2, size=600)
    X = np.array([[0.0, 0.0], [2.0, 0.0]])[labels] + rng.normal(size=(600, 2))
    mixture = mixture_of_parts(X, labels, 2)
    ratio = reading_cut_ratio(mixture, X, labels, neighbour_affinities(X, (10,))[0])
    assert agreement(mixture, X, labels) < 0.9 and ratio < 0.8


@pytest.mark.parametrize(
    "replaced, share, cut_ratio, refitted",
    [
        (True, 0.9, 0.5, True),
        (True, 0.97, 2.0, False),
        (False, 0.5, 1.0, False),
        (False, 0.98, 1.01, True),
        (False, 0.99, 2.0, False),
    ],
)
def test_the_clusterer_refits_the_mixture_where_its_codes_mix_the_partition(
    monkeypatch, X_small, short_clusterer_fit, replaced, share, cut_ratio, refitted
):
    """After the steps, the prior is the parts' mixture refitted to classify the rows:
    where a model of the rows replaced the partition, where it gives fewer than
    CLASSIFIED_MIN_AGREEMENT of them their part; where the graph's partition was kept,
    where it gives fewer than KEPT_CLASSIFIED_MIN_AGREEMENT their part and its reading
    cuts the graph more than the partition. Elsewhere the prior is the parts' moments."""
    import skgwae.clusterer as clusterer_module

    assert clusterer_module.CLASSIFIED_MIN_AGREEMENT == 0.97
    assert clusterer_module.KEPT_CLASSIFIED_MIN_AGREEMENT == 0.99
    monkeypatch.setattr(clusterer_module, "reading_cut_ratio", lambda *args: cut_ratio)
    calls = []
    fit_mixture, refit = clusterer_module.fit_latent_mixture, mixture_classifying_parts

    def mixture_of_rows(*args, **kwargs):
        mixture = fit_mixture(*args, **kwargs)
        mixture.replaced = replaced
        return mixture

    def recording(*args):
        calls.append(args[2])
        return refit(*args)

    monkeypatch.setattr(clusterer_module, "fit_latent_mixture", mixture_of_rows)
    monkeypatch.setattr(clusterer_module, "mixture_classifying_parts", recording)
    monkeypatch.setattr(clusterer_module, "agreement", lambda *args: share)
    est = short_clusterer_fit()
    assert calls == ([2] if refitted else [])
    assert np.isfinite(est.means_).all() and np.isfinite(est.covariances_).all()
    assert est.weights_.sum() == pytest.approx(1.0)
    np.testing.assert_array_equal(est.predict(X_small), est.labels_)
