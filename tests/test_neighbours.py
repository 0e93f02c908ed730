"""The nearest training rows of new rows (skgwae._neighbours): chosen from each row alone,
ties in the order of the training index, whatever the search proposes."""

import numpy as np
import pytest

from skgwae import _neighbours as neighbours
from skgwae._neighbours import NeighbourSearch


def grid(shuffle_seed=0):
    """The 49 integer points of [-3, 3]^2, in a shuffled order (float32)."""
    points = np.array([(i, j) for i in range(-3, 4) for j in range(-3, 4)], dtype=np.float32)
    return points[np.random.RandomState(shuffle_seed).permutation(len(points))]


class TieReversingIndex:
    """A search that proposes, among rows at the same distance, the highest training
    indices first: the candidates it gives for a few neighbours leave out the rows that
    the search's contract asks for."""

    def __init__(self, rows):
        self.rows = rows.astype(np.float64)
        self.calls = []

    def kneighbors(self, X, n_neighbors):
        self.calls.append(n_neighbors)
        d = np.linalg.norm(X[:, None, :].astype(np.float64) - self.rows[None], axis=2)
        index = np.broadcast_to(np.arange(len(self.rows)), d.shape)
        order = np.lexsort((-index, d), axis=1)[:, :n_neighbors]
        return np.take_along_axis(d, order, 1), order


def test_ties_go_to_the_lowest_training_index():
    rows = grid()
    search = NeighbourSearch(rows)
    # Four training rows at distance sqrt(0.5) from (0.5, 0.5), the next at sqrt(2.5).
    query = np.array([[0.5, 0.5]], dtype=np.float32)
    distances, indices = search.nearest(query, 2)
    corners = np.flatnonzero(np.isin(rows, [0.0, 1.0]).all(axis=1))
    assert len(corners) == 4
    np.testing.assert_array_equal(indices[0], np.sort(corners)[:2])
    np.testing.assert_allclose(distances[0], np.sqrt(0.5))


def test_a_search_that_leaves_out_tied_rows_is_searched_again():
    rows = grid(1)
    search = NeighbourSearch(rows)
    search._index = TieReversingIndex(rows)
    query = np.array([[0.5, 0.5], [3.0, 3.0], [0.25, 0.0]], dtype=np.float32)
    distances, indices = search.nearest(query, 1)
    # Exact answers: the lowest index among the nearest (distance, index) pairs.
    exact = np.linalg.norm(query[:, None, :] - rows[None], axis=2)
    expected = [np.lexsort((np.arange(len(rows)), d))[0] for d in exact]
    np.testing.assert_array_equal(indices[:, 0], expected)
    np.testing.assert_allclose(distances[:, 0], exact[np.arange(3), expected])
    # The first row's four tied corners needed two more searches (2, then 4, then 8).
    assert search._index.calls == [2, 4, 8]


@pytest.mark.parametrize("n_neighbors", [1, 3, 10, 49, 60])
def test_rows_get_the_same_neighbours_alone_and_together(n_neighbors):
    rows = grid(2)
    rng = np.random.RandomState(0)
    # Half-integer points have many rows at the same distance.
    new = (rng.randint(-8, 9, size=(60, 2)) / 2).astype(np.float32)
    search = NeighbourSearch(rows)
    together = search.nearest(new, n_neighbors)
    for i in range(len(new)):
        alone = search.nearest(new[i : i + 1], n_neighbors)
        np.testing.assert_array_equal(alone[1][0], together[1][i])
        np.testing.assert_array_equal(alone[0][0], together[0][i])
    # Nearest first, ties by index, and as many as there are training rows at most.
    k = min(n_neighbors, len(rows))
    assert together[1].shape == (60, k)
    exact = np.linalg.norm(new[:, None, :].astype(np.float64) - rows[None], axis=2)
    for i in range(len(new)):
        np.testing.assert_array_equal(
            together[1][i], np.lexsort((np.arange(len(rows)), exact[i]))[:k]
        )


def test_no_rows():
    distances, indices = NeighbourSearch(grid()).nearest(np.empty((0, 2), np.float32), 3)
    assert distances.shape == indices.shape == (0, 3)


def test_many_ties_are_settled_in_groups_of_rows(monkeypatch):
    # 40 copies of the origin among the grid: a row at the origin ties with all of them,
    # and only a search of more than 40 candidates settles it.
    rows = np.vstack([grid(3), np.zeros((40, 2), np.float32)])
    rows = rows[np.random.RandomState(4).permutation(len(rows))]
    new = np.array([[0.0, 0.0], [0.1, 0.0], [2.5, 2.5], [0.0, 0.0]], dtype=np.float32)
    expected = NeighbourSearch(rows).nearest(new, 3)
    copies = np.flatnonzero((rows == 0).all(axis=1))
    np.testing.assert_array_equal(expected[1][0], copies[:3])
    np.testing.assert_array_equal(expected[1][3], copies[:3])
    # Fewer candidates held at once: the rows are searched a few at a time, alike.
    monkeypatch.setattr(neighbours, "MAX_CANDIDATES", 8)
    again = NeighbourSearch(rows).nearest(new, 3)
    np.testing.assert_array_equal(again[1], expected[1])
    np.testing.assert_array_equal(again[0], expected[0])
