"""The confusion-matrix benchmark (benchmarks/confusion.py) matches clusters as
cluster_accuracy does and sums fits right."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs

import skgwae.clusterer
from skgwae import GWAEClusterer
from skgwae.metrics import cluster_accuracy


@pytest.fixture(scope="module")
def confusion(benchmark_script):
    return benchmark_script("confusion")


def test_clusters_are_named_by_their_matched_class(confusion):
    """Cluster names do not matter; each cluster takes the class the Hungarian matching
    gives it, and the diagonal share is cluster_accuracy."""
    y = np.array([0, 0, 0, 1, 1, 1, 2, 2])
    labels = np.array([7, 7, 5, 5, 5, 5, 9, 9])
    table = confusion.matched_counts(y, labels)
    assert list(table.columns) == [1, 0, 2]  # clusters 5, 7, 9 in label order
    assert table.loc[0].tolist() == [1, 2, 0]
    assert table.loc[1].tolist() == [3, 0, 0]
    assert table.loc[2].tolist() == [0, 0, 2]
    assert confusion.diagonal_share(table) == pytest.approx(cluster_accuracy(y, labels))
    assert confusion.largest_confusions(table) == ["0->1: 1 (33%)"]


def test_unmatched_clusters_share_one_column(confusion):
    """With more clusters than classes, the clusters left without a class add up in '-'."""
    y = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    labels = np.array([0, 0, 0, 1, 2, 2, 3, 3])
    table = confusion.matched_counts(y, labels)
    assert set(table.columns) == {0, 1, "-"}
    assert table.loc[0, "-"] + table.loc[1, "-"] == 3
    assert table.to_numpy().sum() == len(y)
    assert confusion.diagonal_share(table) == pytest.approx(cluster_accuracy(y, labels))


def test_fits_are_summed_over_their_own_matchings(confusion):
    """Two fits with different cluster names sum class by class; a '-' column that only
    one fit has is zero for the other; the classes stay in order on both axes."""
    y = np.array([0, 0, 1, 1])
    first = confusion.matched_counts(y, np.array([1, 1, 0, 0]))
    second = confusion.matched_counts(y, np.array([0, 0, 1, 2]))
    total = confusion.summed([first, second])
    assert list(total.index) == [0, 1]
    assert list(total.columns) == [0, 1, "-"]
    assert total.to_numpy().tolist() == [[4, 0, 0], [0, 3, 1]]
    rows = confusion.long_rows(total, part="clusters")
    assert pd.DataFrame(rows)["count"].sum() == 8


def test_stage_row_reads_the_partition_on_its_own_rows(confusion):
    """The partition's rows are found in X; its accuracy and the labels' are measured on
    those rows alone, the last accuracy on all rows; a row not in X is an error."""
    X = np.arange(12.0).reshape(6, 2)
    y = np.array([0, 0, 0, 1, 1, 1])
    labels = np.array([0, 0, 1, 1, 1, 1])
    partition = (X[[0, 1, 3, 4]], np.array([0, 1, 1, 1]))
    row = confusion.stage_row(X, y, labels, partition)
    assert row["partition_acc"] == pytest.approx(0.75)
    assert row["labels_acc"] == pytest.approx(1.0)
    assert row["agreement"] == pytest.approx(0.75)
    assert row["all_rows_acc"] == pytest.approx(5 / 6)
    with pytest.raises(RuntimeError, match="not a row of X"):
        confusion.stage_row(X, y, labels, (X[:2] + 0.5, np.array([0, 1])))


def test_partition_recorder_records_one_partition_per_fit_and_restores(confusion):
    """Inside the recorder a fit records its training rows (rows of X) and one label per
    row; outside it the clusterer calls its own function again."""
    original = skgwae.clusterer.fit_latent_mixture
    X, _ = make_blobs(n_samples=200, centers=3, n_features=4, random_state=0)
    with confusion.PartitionRecorder() as recorder:
        # The rows as given, which the test finds in X.
        GWAEClusterer(n_clusters=3, max_iter=3, random_state=0, weight_features=False).fit(X)
    assert skgwae.clusterer.fit_latent_mixture is original
    assert len(recorder.partitions) == 1
    rows, labels = recorder.partitions[0]
    assert rows.shape[1] == 4 and len(rows) == len(labels)
    assert set(labels) == {0, 1, 2}
    assert all((X == row).all(axis=1).any() for row in rows)
