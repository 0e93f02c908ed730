"""How the fits depend on the data's overall scale: the same rows multiplied by a constant.

The GWAE objective is not invariant to a common rescaling of the rows. Its GW term grows
as the data's distances (by c when every row is multiplied by c), its reconstruction term
as their square (c^2), while the coupling and entropy terms of the codes do not change;
and the networks' biases and first steps see the rows' magnitude. So multiplying the data
by c reweighs the terms against each other, and the defaults, chosen on pixels in [0, 1]
and standardised columns, hold best at those scales.

For each data set (prepared as in ``benchmarks/embed.py``: the digits' pixels / 16, so
that the scale 16 gives the raw pixels; wine, breast_cancer and iris standardised), each
scale c and each seed it fits, on the rows multiplied by c and with default parameters,

- ``GWAEClusterer(n_clusters=k)``: Hungarian-matched accuracy (``acc``);
- ``GWAETransformer(n_components=2)``: 5-fold cross-validated 5-nearest-neighbour
  accuracy of its codes (``knn_acc``), trustworthiness with 5 neighbours (``trust``),
  and, over the rows and the two coordinates, the median standard deviation of the
  encoder's noise (``noise_sd``) and the mean standard deviation of its means
  (``means_sd``): how much of a code is noise,

and writes every run to a CSV file (``benchmarks/results/scale.csv`` by default). Its
summary is the mean over the seeds per data set and scale. Run from the repository root:

    python benchmarks/scale.py
    python benchmarks/scale.py --datasets digits --scales 1 16 --seeds 0
"""

import argparse
import pathlib
import platform
import time
import warnings

import numpy as np
import pandas as pd
import torch
from embed import load  # benchmarks/ is on sys.path
from sklearn.exceptions import ConvergenceWarning
from sklearn.manifold import trustworthiness
from sklearn.model_selection import cross_val_score
from sklearn.neighbors import KNeighborsClassifier

from skgwae import GWAEClusterer, GWAETransformer
from skgwae.metrics import cluster_accuracy


def fit_both(X, y, seed):
    """The clusterer's and the 2-D transformer's figures (and fit seconds) on X."""
    k = len(np.unique(y))
    start = time.perf_counter()
    labels = GWAEClusterer(n_clusters=k, random_state=seed).fit_predict(X)
    cluster_s = time.perf_counter() - start
    start = time.perf_counter()
    embedding = GWAETransformer(n_components=2, random_state=seed).fit(X)
    embed_s = time.perf_counter() - start
    Z = embedding.transform(X)
    encoder = embedding.encoder_
    device = next(encoder.parameters()).device  # the GPU where a fit used one
    with torch.no_grad():
        _, logvar = encoder(torch.as_tensor(X, dtype=torch.float32, device=device))
    logvar = logvar.cpu()
    return {
        "acc": cluster_accuracy(y, labels),
        "cluster_s": cluster_s,
        "knn_acc": cross_val_score(KNeighborsClassifier(n_neighbors=5), Z, y, cv=5).mean(),
        "trust": trustworthiness(X, Z, n_neighbors=5),
        "noise_sd": float(torch.exp(0.5 * logvar).median()),
        "means_sd": float(Z.std(axis=0).mean()),
        "embed_s": embed_s,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--datasets", nargs="+", default=["digits", "wine", "breast_cancer", "iris"]
    )
    parser.add_argument(
        "--scales", nargs="+", type=float, default=[0.1, 0.3, 1.0, 3.0, 10.0, 16.0]
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--out", default="benchmarks/results/scale.csv")
    args = parser.parse_args(argv)

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {platform.processor()}")
    rows = []
    for name in args.datasets:
        X, y = load(name)
        for scale in args.scales:
            for seed in args.seeds:
                with warnings.catch_warnings():
                    # Graph and empty-component warnings: expected on some of these fits.
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    warnings.simplefilter("ignore", UserWarning)
                    row = {"dataset": name, "scale": scale, "seed": seed}
                    row.update(fit_both(X * scale, y, seed))
                rows.append(row)
                print(
                    f"  {name:14s} x{scale:<5g} seed={seed} "
                    + " ".join(
                        f"{k}={row[k]:.3f}" for k in ("acc", "knn_acc", "trust", "noise_sd")
                    ),
                    flush=True,
                )
    df = pd.DataFrame(rows)
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(out, index=False)
    summary = df.groupby(["dataset", "scale"], sort=False)[
        ["acc", "knn_acc", "trust", "noise_sd", "means_sd", "cluster_s", "embed_s"]
    ].mean()
    print("\nMeans over the seeds (acc: GWAEClusterer; the others but the times: GWAETransformer)")
    print(summary.round(3).to_string())
    print(f"\nwrote {out}")
    return df


if __name__ == "__main__":
    main()
