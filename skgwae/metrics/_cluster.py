"""Clustering accuracy under the best one-to-one matching of clusters to classes."""

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.utils import check_consistent_length, column_or_1d


def cluster_accuracy(labels_true, labels_pred):
    """Accuracy of a clustering after matching clusters to classes (Hungarian method).

    Each predicted cluster is matched to at most one true class, and each class to at
    most one cluster, so as to maximise the number of samples whose matched class is
    their true class; the score is that number divided by the number of samples. Clusters
    left without a class (more clusters than classes) count as wrong.

    Parameters
    ----------
    labels_true : array-like of shape (n_samples,)
        True class labels (any hashable values).
    labels_pred : array-like of shape (n_samples,)
        Cluster labels (any hashable values); their names do not matter.

    Returns
    -------
    accuracy : float
        In [0, 1]; 1 when the clusters are the classes up to renaming.

    See Also
    --------
    sklearn.metrics.adjusted_rand_score : A clustering score that needs no matching.
    skgwae.GWAEClusterer : The clustering estimator this score evaluates in the benchmarks.

    Examples
    --------
    >>> from skgwae.metrics import cluster_accuracy
    >>> cluster_accuracy([0, 0, 1, 1, 2, 2], [5, 5, 3, 3, 3, 7])
    0.8333333333333334
    """
    labels_true = column_or_1d(labels_true)
    labels_pred = column_or_1d(labels_pred)
    check_consistent_length(labels_true, labels_pred)
    if labels_true.size == 0:
        raise ValueError("cluster_accuracy needs at least one sample.")
    classes, true_idx = np.unique(labels_true, return_inverse=True)
    clusters, pred_idx = np.unique(labels_pred, return_inverse=True)
    counts = np.zeros((clusters.size, classes.size), dtype=np.int64)
    np.add.at(counts, (pred_idx, true_idx), 1)
    rows, cols = linear_sum_assignment(counts, maximize=True)
    return float(counts[rows, cols].sum() / labels_true.size)
