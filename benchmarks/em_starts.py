"""The EM step of GWAEClusterer: how many starts it needs.

GWAEClusterer sets its mixture prior by EM on the latent means of its training rows, from
several k-means starts, keeping the start of highest likelihood. On the codes of a
fitted clusterer, this script repeats that EM (``skgwae._mixture.fit_latent_mixture``)
with 1, 3 and 10 starts, each from 8 seeds, and reports the clustering accuracy of the
resulting mixture on all rows (Hungarian-matched, skgwae.metrics.cluster_accuracy) and
the seconds per EM. The codes come from ``GWAEClusterer(k, random_state=s)`` with the
defaults, s in 0-3, on the data sets of ``benchmarks/cluster.py``.

The spread over EM seeds on one set of codes shows how much of a clusterer's accuracy is
decided by which EM solution, among several of nearly the same likelihood, the starts
find.

Run from the repository root (one process at a time; about 5 minutes on 2 CPU cores)::

    python benchmarks/em_starts.py

It prints the table and writes every EM run to benchmarks/results/em_starts.csv.
"""

import argparse
import pathlib
import platform
import time
import warnings

import numpy as np
import pandas as pd
import torch
from cluster import load  # benchmarks/ is on sys.path when a script there runs
from scipy.stats import multivariate_normal
from sklearn.exceptions import ConvergenceWarning

from skgwae._mixture import fit_latent_mixture
from skgwae import GWAEClusterer
from skgwae.metrics import cluster_accuracy

STARTS = (1, 3, 10)
EM_SEEDS = range(8)


def mixture_labels(mixture, Z):
    """The most responsible component of each code."""
    log_joint = np.stack(
        [
            np.log(w) + multivariate_normal(m, c, allow_singular=True).logpdf(Z)
            for w, m, c in zip(mixture.weights, mixture.means, mixture.covariances, strict=True)
        ],
        axis=1,
    )
    return log_joint.argmax(axis=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--datasets", nargs="+", default=["digits", "wine", "breast_cancer", "curved_mixture"]
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3])
    parser.add_argument("--out", default="benchmarks/results/em_starts.csv")
    args = parser.parse_args()
    print(f"# {platform.processor() or platform.machine()}, torch {torch.__version__}")
    warnings.simplefilter("ignore", ConvergenceWarning)
    rows = []
    for name in args.datasets:
        X, y = load(name)
        k = len(np.unique(y))
        for seed in args.seeds:
            clusterer = GWAEClusterer(k, random_state=seed).fit(X)
            Z = clusterer.transform(X).astype(np.float64)
            for starts in STARTS:
                for em_seed in EM_SEEDS:
                    begin = time.perf_counter()
                    mixture = fit_latent_mixture(Z, k, em_seed, n_init=starts)
                    seconds = time.perf_counter() - begin
                    acc = cluster_accuracy(y, mixture_labels(mixture, Z))
                    rows.append(
                        dict(
                            dataset=name,
                            seed=seed,
                            starts=starts,
                            em_seed=em_seed,
                            acc=acc,
                            em_s=seconds,
                        )
                    )
            print(f"{name} seed {seed} done", flush=True)
    runs = pd.DataFrame(rows)
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    runs.to_csv(out, index=False)
    table = runs.groupby(["dataset", "starts"], sort=False).agg(
        acc_mean=("acc", "mean"),
        acc_std=("acc", "std"),
        acc_min=("acc", "min"),
        acc_max=("acc", "max"),
        em_s=("em_s", "median"),
    )
    print(table.round(3).to_string())
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
