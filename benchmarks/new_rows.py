"""Clustering new rows: each method fitted on part of a data set, scored on the rest.

``benchmarks/cluster.py`` scores the labels of the rows a method was fitted on. In a
pipeline the clusterer also labels rows it has never seen, with ``predict``; this script
measures that. Each data set of ``benchmarks/cluster.py`` (``--datasets``, the same names)
is split into 70 % fitting rows and 30 % new rows (stratified by class, split seed = the
seed), and each method is fitted on the fitting rows, given only the number of clusters:

- KMeans, GaussianMixture (full covariances), PCA(10) + GaussianMixture and
  UMAP(10) + GaussianMixture (the pipeline's ``predict``: UMAP's ``transform`` places new
  rows), as in ``benchmarks/cluster.py``;
- GWAE: ``GWAEClusterer(n_clusters=k)``.

Scores, for each fit:

- ``acc_fitted``: Hungarian-matched accuracy of ``predict`` on the fitting rows (what
  ``benchmarks/cluster.py`` measures, on fewer rows);
- ``acc_new``: accuracy of ``predict`` on the new rows, each cluster read as the class
  the fitting rows matched it to (a cluster that means another class on new rows counts
  as wrong, as it would for a user);
- ``gap``: ``acc_fitted - acc_new``.

Run from the repository root (one process at a time)::

    python benchmarks/new_rows.py
    python benchmarks/new_rows.py --datasets classification breast_cancer_unscaled --seeds 0

It prints the mean of each score by data set and method, writes every run to
``<out>/new_rows.csv`` (default ``benchmarks/results``), and then prints the summary:
for each data set, GWAE's mean accuracy on the fitting and on the new rows, the best
baseline on the new rows and GWAE's margin there (its accuracy less the best baseline's,
plus the clustering bar's 0.01: at or above 0 the bar is met on new rows), and the
means of every method over the data sets. ``--report CSV`` prints that summary of an
earlier run's file without fitting anything::

    python benchmarks/new_rows.py --report benchmarks/results/new_rows.csv
"""

import argparse
import pathlib
import platform
import time
import warnings

import numpy as np
import pandas as pd
import torch
from scipy.optimize import linear_sum_assignment
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import confusion_matrix
from sklearn.model_selection import train_test_split

from skgwae import GWAEClusterer

# The other benchmark scripts (benchmarks/ is on sys.path when a script there runs).
from cluster import DEFAULT_SETS, baselines, load

# GWAE meets the bar when its accuracy is at most this much below the best baseline's
# (the clustering benchmark's tolerance).
from standings import TOLERANCE as BAR_TOLERANCE

NEW_FRACTION = 0.3


def estimators(k, n_features, seed):
    """(name, unfitted clusterer with fit and predict) of each method."""
    for name, build in baselines(k, n_features, seed):
        yield name, build()
    yield "GWAE", GWAEClusterer(k, random_state=seed)


def class_cluster_counts(y, labels):
    """``(classes, clusters, counts)``: the sorted classes of ``y``, the sorted clusters of
    ``labels`` and the square matrix (padded with zeros to the larger of the two numbers)
    of how many rows of each class (row) are in each cluster (column)."""
    classes, clusters = np.unique(y), np.unique(labels)
    counts = confusion_matrix(
        np.searchsorted(classes, y),
        np.searchsorted(clusters, labels),
        labels=np.arange(max(len(classes), len(clusters))),
    )
    return classes, clusters, counts


def class_of_cluster(y, labels, found=None):
    """{cluster: class} by the Hungarian matching of the clusters ``labels`` to the classes
    ``y`` (the matching of ``skgwae.metrics.cluster_accuracy``); clusters left unmatched
    (more clusters than classes) are absent. ``found``: what
    :func:`class_cluster_counts` gives for them, if the caller has it."""
    classes, clusters, counts = found or class_cluster_counts(y, labels)
    rows, cols = linear_sum_assignment(counts, maximize=True)
    return {
        clusters[c]: classes[r]
        for r, c in zip(rows, cols, strict=True)
        if r < len(classes) and c < len(clusters)
    }


def matched_accuracy(y, labels, matching):
    """The share of rows whose cluster the ``matching`` reads as their class ``y`` (a
    cluster absent from it reads as no class)."""
    read = np.array([matching.get(label, None) for label in labels], dtype=object)
    return float(np.mean(read == np.asarray(y, dtype=object)))


def score_fit(estimator, X_fit, y_fit, X_new, y_new):
    """(acc_fitted, acc_new) of a fitted clusterer (see the module docstring)."""
    fitted_labels = estimator.predict(X_fit)
    matching = class_of_cluster(y_fit, fitted_labels)
    return (
        matched_accuracy(y_fit, fitted_labels, matching),
        matched_accuracy(y_new, estimator.predict(X_new), matching),
    )


def run(datasets, seeds, keep=None):
    rows = []
    for name in datasets:
        X, y = load(name)
        X = np.asarray(X)
        k = len(np.unique(y))
        for seed in seeds:
            X_fit, X_new, y_fit, y_new = train_test_split(
                X, y, test_size=NEW_FRACTION, random_state=seed, stratify=y
            )
            for method, estimator in estimators(k, X.shape[1], seed):
                if keep and method not in keep:
                    continue
                start = time.perf_counter()
                estimator.fit(X_fit)
                seconds = time.perf_counter() - start
                fitted, new = score_fit(estimator, X_fit, y_fit, X_new, y_new)
                rows.append(
                    dict(dataset=name, method=method, seed=seed, acc_fitted=fitted,
                         acc_new=new, gap=fitted - new, fit_s=seconds)
                )
                print(
                    f"{name:15s} {method:9s} seed {seed}: fitted rows {fitted:.3f}, "
                    f"new rows {new:.3f} ({seconds:.1f} s)",
                    flush=True,
                )
    return pd.DataFrame(rows)


def summary(runs):
    """(per data set, per method) tables of a run's mean accuracies, as the module
    docstring describes."""
    means = runs.groupby(["dataset", "method"], sort=False)[["acc_fitted", "acc_new"]].mean()
    rows = []
    for dataset, scores in means.groupby(level="dataset", sort=False):
        scores = scores.droplevel("dataset")
        if "GWAE" not in scores.index:
            continue
        others = scores.drop(index="GWAE")["acc_new"]
        gwae = scores.loc["GWAE"]
        rows.append(
            {
                "dataset": dataset,
                "GWAE fitted": gwae["acc_fitted"],
                "GWAE new": gwae["acc_new"],
                "best baseline, new": others.idxmax() if len(others) else None,
                "its acc": others.max() if len(others) else np.nan,
                "margin, new": gwae["acc_new"] - others.max() + BAR_TOLERANCE,
            }
        )
    per_method = means.groupby(level="method", sort=False).mean()
    per_method["gap"] = per_method["acc_fitted"] - per_method["acc_new"]
    return pd.DataFrame(rows), per_method


def print_summary(runs):
    per_set, per_method = summary(runs)
    print(per_set.to_string(index=False, float_format="{:.3f}".format))
    met = int((per_set["margin, new"] >= 0).sum())
    print(f"GWAE at or above the bar on new rows on {met} of {len(per_set)} data sets.\n")
    print(f"means over the {runs['dataset'].nunique()} data sets")
    print(per_method.to_string(float_format="{:.3f}".format))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(DEFAULT_SETS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--methods", nargs="+", help="run only these methods (default: all)")
    parser.add_argument("--out", default="benchmarks/results", type=pathlib.Path)
    parser.add_argument(
        "--report", type=pathlib.Path, help="print the summary of this new_rows.csv and stop"
    )
    args = parser.parse_args()
    if args.report:
        print_summary(pd.read_csv(args.report))
        return
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    print(f"# {platform.processor() or platform.machine()}, torch {torch.__version__}")
    runs = run(args.datasets, args.seeds, args.methods)
    args.out.mkdir(parents=True, exist_ok=True)
    runs.to_csv(args.out / "new_rows.csv", index=False)
    table = runs.groupby(["dataset", "method"], sort=False)[["acc_fitted", "acc_new", "gap"]]
    print()
    print(table.mean().to_string(float_format="{:.3f}".format))
    print()
    print_summary(runs)


if __name__ == "__main__":
    main()
