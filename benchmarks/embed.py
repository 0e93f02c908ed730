"""Embedding benchmark: GWAETransformer against PCA on small built-in data sets.

For each data set (digits scaled to [0, 1]; wine and breast_cancer standardised), each
latent size and each seed, it fits the embedding on all rows and reports

- knn_acc: 5-fold cross-validated accuracy of a 5-nearest-neighbour classifier on the
  embedding (higher is better);
- trust: trustworthiness with 5 neighbours (higher is better);
- gw: skgwae.metrics.gw_distortion between data and embedding on a 500-row subsample
  (lower is better);
- gw_metric: the same in the data metric the GWAE was trained with (its ``metric_``: the
  default ``metric="auto"`` gives the geodesic one on these sets; equal to gw for the
  Euclidean metric), for PCA too;
- fit_s: fit seconds.

Run from the repository root:

    python benchmarks/embed.py                # the full table, 3 seeds
    python benchmarks/embed.py --seeds 0 --datasets digits --param coupling=critic
    python benchmarks/embed.py --datasets iris curved_mixture --seeds 0 1  # cluster.py's sets

It prints a table of means (with standard deviations over seeds) and writes every run to a
CSV file (benchmarks/results/embed.csv by default).
"""

import argparse
import ast
import pathlib
import platform
import time
import warnings

import numpy as np
import pandas as pd
import torch
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.manifold import trustworthiness
from sklearn.model_selection import cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import StandardScaler

from skgwae import GWAETransformer
from skgwae.metrics import gw_distortion


def load(name):
    """The data set ``name``, scaled as a user would; any other name is a data set of
    benchmarks/cluster.py, prepared as there."""
    if name == "digits":
        X, y = load_digits(return_X_y=True)
        return X / 16.0, y
    if name in ("wine", "breast_cancer"):
        loader = {"wine": load_wine, "breast_cancer": load_breast_cancer}[name]
        X, y = loader(return_X_y=True)
        return StandardScaler().fit_transform(X), y
    # Imported here: cluster.py imports this module.
    from cluster import load as load_cluster_set  # benchmarks/ is on sys.path

    return load_cluster_set(name)


def evaluate(X, y, Z, seed, metric="euclidean", n_neighbors=5):
    knn = cross_val_score(KNeighborsClassifier(n_neighbors=5), Z, y, cv=5).mean()
    return {
        "knn_acc": knn,
        "trust": trustworthiness(X, Z, n_neighbors=5),
        "gw": gw_distortion(X, Z, n_samples=500, random_state=seed),
        # The distortion in the geometry the GWAE was trained for (= gw when Euclidean).
        "gw_metric": gw_distortion(
            X, Z, metric=metric, n_neighbors=n_neighbors, n_samples=500, random_state=seed
        ),
    }


def methods(n_components, seed, params, n_features):
    # The GWAE first: PCA is scored in the metric that the GWAE's fit used.
    yield (
        "GWAE",
        GWAETransformer(n_components=n_components, random_state=seed, **params),
    )
    # PCA has at most as many components as features (iris: 4 of 10).
    yield "PCA", PCA(n_components=min(n_components, n_features), random_state=seed)


def parse_params(items):
    params = {}
    for item in items:
        key, _, value = item.partition("=")
        try:
            params[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            params[key] = value
    return params


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", nargs="+", default=["digits", "wine", "breast_cancer"])
    parser.add_argument("--components", nargs="+", type=int, default=[2, 10])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a GWAETransformer parameter (repeatable), e.g. --param coupling=critic",
    )
    parser.add_argument("--out", default="benchmarks/results/embed.csv")
    args = parser.parse_args(argv)
    params = parse_params(args.param)

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {platform.processor()}")
    if params:
        print(f"GWAETransformer parameters: {params}")
    rows = []
    for name in args.datasets:
        X, y = load(name)
        for d in args.components:
            for seed in args.seeds:
                for method, est in methods(d, seed, params, X.shape[1]):
                    start = time.perf_counter()
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", ConvergenceWarning)
                        Z = est.fit_transform(X)
                    seconds = time.perf_counter() - start
                    row = {
                        "dataset": name,
                        "n_components": d,
                        "method": method,
                        "seed": seed,
                    }
                    if method == "GWAE":  # "auto" resolved
                        metric = est.metric_
                    row["metric"] = metric
                    row.update(
                        evaluate(
                            X, y, Z, seed, row["metric"], params.get("n_neighbors", 5)
                        )
                    )
                    row["fit_s"] = seconds
                    row["epochs"] = getattr(est, "n_iter_", np.nan)
                    rows.append(row)
                    print(
                        f"  {name:14s} d={d:<3d} {method:5s} seed={seed} "
                        + " ".join(
                            f"{k}={row[k]:.3f}"
                            for k in ("knn_acc", "trust", "gw", "gw_metric", "fit_s")
                        ),
                        flush=True,
                    )
    df = pd.DataFrame(rows)
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(out, index=False)
    keys = ["dataset", "n_components", "method", "metric"]
    metrics = ["knn_acc", "trust", "gw", "gw_metric", "fit_s"]
    mean = df.groupby(keys, sort=False)[metrics].mean()
    std = df.groupby(keys, sort=False)[metrics].std().fillna(0.0)
    table = mean.copy().astype(object)
    for m in metrics:
        table[m] = [f"{a:.3f} ± {s:.3f}" for a, s in zip(mean[m], std[m])]
    print()
    print(table.reset_index().to_string(index=False))
    print(f"\nwrote {out}")
    return df


if __name__ == "__main__":
    main()
