"""The learning rate of wider hidden layers.

``learning_rate="auto"`` gives the fully connected networks 2e-2 (or 1 / W on wide rows),
scaled down in proportion to the widest hidden layer beyond 128 units. This script fits
the estimators with wider hidden layers (``hidden_layer_sizes``) at that rate and at 2e-2,
the rate ``"auto"`` gave them before, and scores them as the other benchmarks do:

- ``GWAETransformer`` at 2 and at 10 components: 5-fold cross-validated accuracy of a
  5-nearest-neighbour classifier on the codes (``knn_acc``) and trustworthiness with 5
  neighbours (``trust``), as ``benchmarks/embed.py``;
- ``GWAEClusterer(n_clusters=k)``: Hungarian-matched accuracy (``acc``), as
  ``benchmarks/cluster.py``.

Data: the digits (pixels / 16), wine and breast_cancer (standardised), as in
``benchmarks/embed.py``. Defaults otherwise; the torch threads are the fit's own policy.

    python benchmarks/hidden_width.py
    python benchmarks/hidden_width.py --datasets digits --widths 512 --seeds 0

It prints mean values over the seeds and writes every fit to
``benchmarks/results/hidden_width.csv``.
"""

import argparse
import pathlib
import platform
import sys
import time
import warnings

import numpy as np
import pandas as pd
import torch

from skgwae import GWAEClusterer, GWAETransformer
from skgwae.metrics import cluster_accuracy

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from embed import evaluate, load  # noqa: E402

# 2e-2: what learning_rate="auto" gave these rows (at most 64 features) whatever the
# hidden layers' width, before the rate took the width into account.
WIDTH_BLIND_RATE = 2e-2


def fits(X, y, hidden, rate, seed):
    """The scores of the three fits of one setting, as a dict."""
    params = dict(hidden_layer_sizes=hidden, learning_rate=rate, random_state=seed)
    row = {}
    for n_components in (2, 10):
        start = time.perf_counter()
        Z = GWAETransformer(n_components=n_components, **params).fit_transform(X)
        seconds = time.perf_counter() - start
        scores = evaluate(X, y, Z, seed)
        row[f"knn_{n_components}d"] = scores["knn_acc"]
        row[f"trust_{n_components}d"] = scores["trust"]
        row[f"fit_s_{n_components}d"] = seconds
    start = time.perf_counter()
    labels = GWAEClusterer(len(np.unique(y)), **params).fit(X).labels_
    row["fit_s_cluster"] = time.perf_counter() - start
    row["cluster_acc"] = cluster_accuracy(y, labels)
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", nargs="+", default=["digits", "wine", "breast_cancer"])
    parser.add_argument("--widths", nargs="+", type=int, default=[128, 256, 512])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1])
    parser.add_argument("--out", default=str(pathlib.Path(__file__).parent / "results"))
    args = parser.parse_args()
    print(f"# {platform.processor() or platform.machine()}, torch {torch.__version__}")
    warnings.simplefilter("ignore")
    runs = []
    for name in args.datasets:
        X, y = load(name)
        for width in args.widths:
            rates = ["auto"] if width <= 128 else ["auto", WIDTH_BLIND_RATE]
            for rate in rates:
                for seed in args.seeds:
                    row = dict(dataset=name, width=width, learning_rate=str(rate), seed=seed)
                    row.update(fits(X, y, (width, width), rate, seed))
                    runs.append(row)
                    print(
                        f"{name:14s} width {width:4d} rate {rate!s:5s} seed {seed}: "
                        f"2-D 5-NN {row['knn_2d']:.3f} trust {row['trust_2d']:.3f}, "
                        f"10-D 5-NN {row['knn_10d']:.3f}, clusters {row['cluster_acc']:.3f}",
                        flush=True,
                    )
    df = pd.DataFrame(runs)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    df.to_csv(out / "hidden_width.csv", index=False)
    scores = ["knn_2d", "trust_2d", "knn_10d", "trust_10d", "cluster_acc"]
    table = df.groupby(["dataset", "width", "learning_rate"], sort=False)[scores].mean()
    print(table.round(3).to_string())


if __name__ == "__main__":
    main()
