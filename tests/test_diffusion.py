"""Known-answer tests of the diffusion potential (skgwae._diffusion) and of the estimators'
metric="potential"."""

import pickle

import numpy as np
import pytest
import torch

from skgwae import GWAETransformer
from skgwae._diffusion import FLOOR, STEPS, fit_potential, transition_weights
from skgwae._geometry import DataGeometry
from skgwae.metrics import gw_distortion

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def circle(n):
    angles = 2 * np.pi * np.arange(n) / n
    return np.column_stack([np.cos(angles), np.sin(angles)])


def test_transition_weights_decay_past_the_neighbour_scale():
    # A row at distance 0 from itself, two rows at its scale 1 and one at 3 times it.
    distances = np.array([[0.0, 1.0, 1.0, 3.0]])
    weights = transition_weights(distances, np.array([1.0]), np.ones((1, 4)))
    e = np.exp(-1.0)
    np.testing.assert_allclose(weights, [[1, e, e, 0]] / (1 + 2 * e), atol=1e-12)
    # A neighbour with a larger scale of its own reaches further: the mean of both kernels.
    weights = transition_weights(np.array([[0.0, 3.0]]), np.array([1.0]), np.array([[1, 3.0]]))
    np.testing.assert_allclose(weights, [[1, 0.5 * e]] / (1 + 0.5 * e), atol=1e-12)


def test_a_row_with_duplicates_steps_only_to_them():
    weights = transition_weights(np.array([[0.0, 0.0, 0.5]]), np.array([0.0]), np.zeros((1, 3)))
    np.testing.assert_allclose(weights, [[0.5, 0.5, 0.0]])


def test_potentials_on_a_circle_are_those_of_the_lazy_walk():
    # On a regular polygon with n_neighbors=2, a row's scale is the chord to both
    # neighbours, and rows two hops away are beyond the kernel: the walk stays with
    # probability 1 / (1 + 2/e) and steps to each neighbour with (1/e) / (1 + 2/e).
    n = 40
    X = circle(n)
    every_row = np.arange(n)  # every row a landmark: cells of one row
    potential, _ = fit_potential(X, 2, every_row)
    e = np.exp(-1.0)
    P = np.zeros((n, n))
    for i in range(n):
        P[i, i] = 1 / (1 + 2 * e)
        P[i, (i - 1) % n] = P[i, (i + 1) % n] = e / (1 + 2 * e)
    expected = -np.log(np.linalg.matrix_power(P, STEPS) + FLOOR)
    np.testing.assert_allclose(potential.potentials(X), expected, rtol=1e-5, atol=1e-5)
    # So the distance between two rows depends only on how many hops lie between them.
    U = potential.potentials(X).astype(np.float64)
    d = np.linalg.norm(U[:, None] - U[None], axis=2)
    np.testing.assert_allclose(d[0, 5], d[17, 22], rtol=1e-4)
    assert d[0, 1] < d[0, 5] < d[0, 10]


def test_walk_rows_are_probabilities_over_the_cells():
    X = np.random.RandomState(0).normal(size=(150, 4))
    potential, _ = fit_potential(X, 5, np.arange(0, 150, 10))
    assert potential.walk.shape == (150, 15)
    np.testing.assert_allclose(potential.walk.sum(axis=1), 1.0, rtol=1e-5)
    assert (potential.walk >= 0).all()


def test_new_rows_step_into_the_graph_through_their_neighbours():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 3))
    potential, _ = fit_potential(X, 4, np.arange(0, 120, 4))
    # A training row given again gets its own potential; a new row's does not depend on
    # the other rows of the call.
    new = rng.normal(size=(25, 3))
    together = potential.potentials(np.vstack([X[:5], new]))
    np.testing.assert_array_equal(together[:5], potential.potentials(X)[:5])
    alone = np.vstack([potential.potentials(row[None]) for row in new])
    np.testing.assert_allclose(together[5:], alone, rtol=1e-6)
    # One step into the fitted walk: -log(sum_j p_xj walk_j + floor).
    distances, indices = potential.search(new[:1])
    P = potential.transitions(distances, indices)
    ends = P[0] @ potential.walk[indices[0]].astype(np.float64)
    np.testing.assert_allclose(together[5], -np.log(ends + FLOOR), rtol=1e-5)


def test_geometry_pairs_and_reference_distances_agree():
    rng = np.random.RandomState(0)
    X = (rng.normal(size=(200, 5)) + 2.0).astype(np.float32)
    geometry = DataGeometry("potential", n_neighbors=5, n_reference=32).fit(X, rng)
    # Training pairs and the distances of the same rows as new rows to the references.
    rows = np.flatnonzero(np.isin(X, geometry.reference_rows_).all(axis=1))
    assert len(rows) == 32
    pairs = geometry.pair_distance_fn("cpu")(None, torch.as_tensor(rows)).numpy()
    np.testing.assert_allclose(geometry.reference_distances(X[rows]), pairs, atol=1e-4)
    # Rows not in the graph (partial_fit continuing the fit) get the same pairs.
    again = geometry.for_new_rows().pair_distance_fn("cpu")(
        torch.as_tensor(X[rows], dtype=torch.float32), None
    )
    np.testing.assert_allclose(again.numpy(), pairs, atol=1e-4)
    # Rescaled to the mean Euclidean distance between the reference rows, as the others.
    from sklearn.metrics import pairwise_distances

    R = geometry.reference_rows_
    D = geometry.reference_distances(R)
    off = ~np.eye(len(R), dtype=bool)
    assert D[off].mean() == pytest.approx(pairwise_distances(R)[off].mean(), rel=1e-4)
    # Pickling drops the training potentials; they come back the same.
    restored = pickle.loads(pickle.dumps(geometry))
    assert restored._train_potentials is None and restored._potential is None
    np.testing.assert_array_equal(
        restored._training_potentials(), geometry._training_potentials()
    )


def test_gw_distortion_in_the_potential_metric():
    # The polygon's potential distance grows with the hops between rows, as its Euclidean
    # distance does: an embedding on the circle keeps it far better than a shuffled one.
    X = circle(120)
    Z_shuffled = X[np.random.RandomState(0).permutation(120)]
    kept = gw_distortion(X, X, metric="potential", n_neighbors=2, random_state=0)
    shuffled = gw_distortion(X, Z_shuffled, metric="potential", n_neighbors=2, random_state=0)
    assert 0 <= kept < 0.1 < shuffled


ROWS = np.random.RandomState(0).normal(size=(120, 5))


@pytest.fixture
def quick(fast_params):
    return {**fast_params, "max_iter": 1}


def test_potential_metric_trains_scores_and_continues(quick):
    est = GWAETransformer(**quick, metric="potential", n_neighbors=4).fit(ROWS[:80])
    assert est.metric_ == "potential"
    scores = est.score_samples(ROWS)
    np.testing.assert_allclose(est.score_samples(ROWS[:1]), scores[:1], rtol=1e-5)
    geometry = est._geometry
    before = est.transform(ROWS[80:])
    est.partial_fit(ROWS[80:])  # through the fitted graph
    assert est._geometry is geometry and est.metric_ == "potential"
    assert not np.allclose(est.transform(ROWS[80:]), before)
    assert np.isfinite(est.history_[-1]["loss"])
