"""The last step of GWAEClusterer: its mixture from the spectral partition, or from EM.

After training, GWAEClusterer sets its mixture prior from the latent means of its training
rows: by default each component is the moments of one part of a partition found in two
moves: spectral clustering of the graph of pairs that are neighbours both among the codes
and among the data rows, then EM on the data rows started from that partition
(``skgwae._mixture.fit_latent_mixture`` with ``rows``; the clusterer's step since
2026-12-01). The other steps: the same partition without the EM on the rows
(``refine=False``, the step of 2026-11-30 evening), the partition of the codes' graph
alone (without ``rows``, the step before), and ``method="em"``, the maximum-likelihood
mixture of the codes by EM from several k-means starts, the best likelihood kept (the
step before that). On the codes of a fitted clusterer, this script runs each step, EM
with 1, 3 and 10 starts, each from 8 seeds, and reports the clustering accuracy of the
resulting mixture on all rows (Hungarian-matched, skgwae.metrics.cluster_accuracy) and
the median seconds of one step. The codes come from ``GWAEClusterer(k, random_state=s)``
with the defaults, s in 0-3, on the data sets of ``benchmarks/cluster.py``, fitted without
the encoder steps that follow the partition (``PARTITION_STEPS = 0``): they are the codes
of the trained GWAE, which do not depend on the last step, and the steps compared here
are what partitions them.

The spread over seeds on one set of codes shows how much of a clusterer's accuracy is
decided by which EM solution, among several of nearly the same likelihood, the starts
find, and whether the graph partition escapes that.

Run from the repository root (one process at a time; about 5 minutes on 2 CPU cores)::

    python benchmarks/latent_mixture.py
    python benchmarks/latent_mixture.py --neighbors 10 30   # other graph sizes as well
    python benchmarks/latent_mixture.py --datasets digits wine breast_cancer curved_mixture iris clustered_images --neighbors 10 30

It prints the table and writes every run to benchmarks/results/latent_mixture.csv.
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
from sklearn.exceptions import ConvergenceWarning

import skgwae.clusterer
from skgwae._data import scale_rows
from skgwae._mixture import _log_joint, fit_latent_mixture
from skgwae import GWAEClusterer

# The codes of the trained GWAE, before the encoder is trained towards the partition.
skgwae.clusterer.PARTITION_STEPS = 0
from skgwae.metrics import cluster_accuracy

# "rows": the step is given the data rows of the codes.
STEPS = {
    "spectral, codes and rows, EM on rows": {"method": "spectral", "rows": True},
    "spectral, codes and rows": {"method": "spectral", "rows": True, "refine": False},
    "spectral, codes": {"method": "spectral"},
    "EM, 1 start": {"method": "em", "n_init": 1},
    "EM, 3 starts": {"method": "em", "n_init": 3},
    "EM, 10 starts": {"method": "em", "n_init": 10},
}
STEP_SEEDS = range(8)


def mixture_labels(mixture, Z):
    """The most responsible component of each code."""
    return _log_joint(Z, mixture.weights, mixture.means, mixture.covariances).argmax(axis=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--datasets", nargs="+", default=["digits", "wine", "breast_cancer", "curved_mixture"]
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3])
    parser.add_argument(
        "--neighbors",
        nargs="+",
        type=int,
        default=[],
        help="also run the spectral step (codes and rows) on graphs of these sizes "
        "(default: only GWAEClusterer's, 20 or 10 neighbours by the eigengap)",
    )
    parser.add_argument("--out", default="benchmarks/results/latent_mixture.csv")
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
            # The rows as the clusterer's step sees them: standardised where it standardised.
            X_model = scale_rows(np.asarray(X), clusterer.model_.input_scaling())
            steps = {
                **STEPS,
                **{
                    f"spectral, codes and rows, {n} neighbours": {
                        "method": "spectral",
                        "rows": True,
                        "refine": False,
                        "n_neighbors": n,
                    }
                    for n in args.neighbors
                },
            }
            for step, options in steps.items():
                options = dict(options)
                if options.pop("rows", False):
                    # Every row was trained on or validated on; the codes are of all rows.
                    options["rows"] = lambda index, X=X_model: X[index]
                for step_seed in STEP_SEEDS:
                    begin = time.perf_counter()
                    mixture = fit_latent_mixture(Z, k, step_seed, **options)
                    seconds = time.perf_counter() - begin
                    acc = cluster_accuracy(y, mixture_labels(mixture, Z))
                    rows.append(
                        dict(
                            dataset=name,
                            seed=seed,
                            step=step,
                            step_seed=step_seed,
                            acc=acc,
                            step_s=seconds,
                        )
                    )
            print(f"{name} seed {seed} done", flush=True)
    runs = pd.DataFrame(rows)
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    runs.to_csv(out, index=False)
    table = runs.groupby(["dataset", "step"], sort=False).agg(
        acc_mean=("acc", "mean"),
        acc_std=("acc", "std"),
        acc_min=("acc", "min"),
        acc_max=("acc", "max"),
        step_s=("step_s", "median"),
    )
    print(table.round(3).to_string())
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
