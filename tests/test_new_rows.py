"""The new-rows benchmark (benchmarks/new_rows.py) reads each cluster as the class the
fitting rows matched it to, and scores new rows by that reading."""

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs

from skgwae.metrics import cluster_accuracy


@pytest.fixture(scope="module")
def new_rows(benchmark_script):
    return benchmark_script("new_rows")


def test_each_cluster_reads_as_its_matched_class(new_rows):
    y = np.array([0, 0, 0, 1, 1, 1, 2, 2])
    labels = np.array([7, 7, 5, 5, 5, 5, 9, 9])
    assert new_rows.class_of_cluster(y, labels) == {7: 0, 5: 1, 9: 2}


def test_unmatched_clusters_read_as_no_class(new_rows):
    """With more clusters than classes, the extra cluster matches nothing, and its rows
    are wrong whatever their class."""
    y = np.array([0, 0, 0, 1, 1, 1])
    labels = np.array([3, 3, 4, 8, 8, 8])
    matching = new_rows.class_of_cluster(y, labels)
    assert matching == {3: 0, 8: 1}
    assert new_rows.matched_accuracy(y, labels, matching) == pytest.approx(5 / 6)
    assert new_rows.matched_accuracy(y, labels, matching) == pytest.approx(
        cluster_accuracy(y, labels)
    )


def test_new_rows_keep_the_fitting_rows_reading(new_rows):
    """A cluster that holds another class on the new rows counts as wrong there, where a
    matching of the new rows alone would have swapped the names and scored 1."""
    matching = {0: "a", 1: "b"}
    y_new = np.array(["a", "a", "b", "b"])
    swapped = np.array([1, 1, 0, 0])
    assert new_rows.matched_accuracy(y_new, swapped, matching) == 0.0
    assert cluster_accuracy(y_new, swapped) == 1.0
    # A cluster the fitting rows never produced reads as no class.
    assert new_rows.matched_accuracy(y_new, np.array([0, 5, 1, 1]), matching) == 0.75


def test_separated_blobs_score_one_on_fitted_and_new_rows(new_rows):
    X, y = make_blobs(300, centers=3, cluster_std=0.3, random_state=0)
    estimator = KMeans(3, n_init=3, random_state=0).fit(X[:200])
    fitted, new = new_rows.score_fit(estimator, X[:200], y[:200], X[200:], y[200:])
    assert (fitted, new) == (1.0, 1.0)


def test_summary_sets_gwae_against_the_best_baseline_on_new_rows(new_rows):
    """Means over the seeds; the margin is GWAE's new-row accuracy less the best
    baseline's plus the bar's tolerance; a data set without GWAE rows is left out."""
    import pandas as pd

    def run(dataset, method, seed, fitted, new):
        return dict(dataset=dataset, method=method, seed=seed, acc_fitted=fitted, acc_new=new)

    runs = pd.DataFrame(
        [
            run("a", "KMeans", 0, 0.9, 0.8),
            run("a", "KMeans", 1, 0.9, 0.6),
            run("a", "GMM", 0, 0.8, 0.75),
            run("a", "GMM", 1, 0.8, 0.75),
            run("a", "GWAE", 0, 0.9, 0.7),
            run("a", "GWAE", 1, 1.0, 0.8),
            run("b", "KMeans", 0, 0.5, 0.5),
        ]
    )
    per_set, per_method = new_rows.summary(runs)
    assert per_set["dataset"].tolist() == ["a"]
    row = per_set.iloc[0]
    assert row["GWAE fitted"] == pytest.approx(0.95) and row["GWAE new"] == pytest.approx(0.75)
    assert row["best baseline, new"] == "GMM" and row["its acc"] == pytest.approx(0.75)
    assert row["margin, new"] == pytest.approx(new_rows.BAR_TOLERANCE)
    # Per method: the mean over the data sets of each data set's mean.
    assert per_method.loc["KMeans", "acc_new"] == pytest.approx((0.7 + 0.5) / 2)
    assert per_method.loc["GWAE", "gap"] == pytest.approx(0.95 - 0.75)
