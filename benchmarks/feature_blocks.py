"""Which features the clusterer's fit drops (weight 0), and how much of the classes they hold.

For each data set of ``benchmarks/cluster.py`` and each seed, fits
``GWAEClusterer(n_clusters=k, random_state=seed, max_iter=1)``: the feature weights are
set before training, from the same training rows as a default fit of that seed, so one
epoch is enough to read them. Writes one row per fit: the number of features, of those
with weight 0 (``n_dropped``), and the mean share of each feature's variance that lies
between the classes (the correlation ratio eta^2; labels are used for this report
only) over the dropped features and over the kept ones. A dropped feature with a large
share held class information.

Usage::

    python benchmarks/feature_blocks.py --datasets every \
        --out benchmarks/results/feature_blocks/dropped.csv

``--datasets`` takes the names and group aliases of ``benchmarks/cluster.py`` (``every``
for every group but the twenty-fourth, which stays held out).
"""

import argparse
import os
import sys
import warnings

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cluster  # noqa: E402  (benchmarks/ on the path)

from skgwae import GWAEClusterer  # noqa: E402


def between_class_share(column, y):
    """The share of ``column``'s variance between the classes ``y`` (eta^2)."""
    column = np.asarray(column, dtype=np.float64)
    total = ((column - column.mean()) ** 2).sum()
    if total == 0:
        return 0.0
    between = sum(
        (y == c).sum() * (column[y == c].mean() - column.mean()) ** 2 for c in np.unique(y)
    )
    return float(between / total)


def dropped_features(name, seed):
    """One row of the report for data set ``name`` and ``seed``."""
    X, y = cluster.load(name)
    X = np.asarray(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = GWAEClusterer(len(np.unique(y)), random_state=seed, max_iter=1).fit(X)
    weights = fitted.feature_weights_
    dropped = np.zeros(X.shape[1], dtype=bool) if weights is None else weights == 0
    shares = np.array([between_class_share(X[:, j], y) for j in range(X.shape[1])])
    return {
        "dataset": name,
        "seed": seed,
        "n_features": X.shape[1],
        "weighted": weights is not None,
        "n_dropped": int(dropped.sum()),
        "eta2_dropped": shares[dropped].mean() if dropped.any() else np.nan,
        "eta2_kept": shares[~dropped].mean() if (~dropped).any() else np.nan,
    }


def dataset_names(datasets):
    """The names of ``--datasets``: data set names, or one group alias of
    ``benchmarks/cluster.py`` (a key of its ``GROUP_ALIASES``: ``held_out``,
    ``thirty_second`` and so on), or ``every``."""
    if datasets == ["every"]:
        return cluster.every_set()
    if len(datasets) == 1 and datasets[0] in cluster.GROUP_ALIASES:
        return list(cluster.GROUP_ALIASES[datasets[0]])
    return datasets


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["every"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--out", default="feature_blocks.csv")
    args = parser.parse_args()
    names = dataset_names(args.datasets)
    rows = []
    for name in names:
        for seed in args.seeds:
            row = dropped_features(name, seed)
            rows.append(row)
            print(
                f"{name:32s} seed {seed}: {row['n_dropped']:3d} of {row['n_features']:4d} "
                f"dropped, eta2 dropped {row['eta2_dropped']:.3f} kept {row['eta2_kept']:.3f}",
                flush=True,
            )
    pd.DataFrame(rows).to_csv(args.out, index=False)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
