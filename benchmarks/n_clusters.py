"""Choosing the number of clusters without labels: GWAEClusterer's criteria against
GaussianMixture's BIC, on synthetic data whose true number of clusters is known.

Cases (600 synthetic rows each; 70 % fit, 30 % held out, stratified, seed 0):

- ``blobs``: ``make_blobs(600, n_features=20, centers=k, cluster_std=s, random_state=0)``
  with (k, s) in (3, 1.0), (5, 2.0), (6, 1.0), (8, 1.5), (10, 2.0), (12, 1.0);
- ``images``: ``skgwae.datasets.make_clustered_images(600, n_clusters=k, random_state=0)``
  with k in 3, 6, 9, 12 (256 pixels).

``--data-seed`` draws the synthetic cases with another ``random_state`` (other centres and
prototypes), and ``--cases`` takes other cases, among them the real sets ``real:iris``,
``real:wine``, ``real:breast_cancer`` (standardised) and ``real:digits`` (pixels / 16),
whose true number is taken to be the number of classes.

For each case every method chooses k in true k - 3 .. true k + 3 (at least 2):

- ``gwae_eigengap``: the highest ``skgwae.metrics.latent_eigengap`` on the fitted rows
  (the gap after the k-th eigenvalue of the normalised Laplacian of the 20-nearest-
  neighbour graph of the latent codes, k the model's number of clusters);
- ``gwae_geodesic_silhouette``: the highest ``skgwae.metrics.geodesic_silhouette`` on the
  fitted rows (the silhouette of the predicted clusters under the geodesic distance of
  the fitted rows' 10-nearest-neighbour graph);
- ``gwae_silhouette``: the highest ``skgwae.metrics.latent_silhouette`` on the fitted rows
  (the silhouette of the predicted clusters in the latent space);
- ``gwae_modularity``: the highest ``skgwae.metrics.latent_modularity`` on the fitted rows
  (the modularity of the predicted clusters on the 10-nearest-neighbour graph of the
  latent codes); ``--modularity-neighbors`` adds the same with other graph sizes;
- ``gwae_bic`` and ``gwae_aic``: the lowest ``GWAEClusterer.bic`` / ``.aic`` on the fitted
  rows (the mixture's log-density of the latent means whitened by the mixture's own total
  covariance, plus the penalty);
- ``gwae_bic_raw``: the same BIC on the latent means as they are (not whitened), to show
  why the whitening is needed: the codes of models with different ``n_clusters`` differ;
- ``gwae_score``: the highest ``GWAEClusterer.score`` on the held-out rows (what
  ``GridSearchCV`` would choose with one split);
- ``gmm_bic``: the lowest ``GaussianMixture(k).bic`` on the fitted rows (full
  covariances), and ``pca_gmm_bic`` the same on ``PCA(10)`` of them (fewer
  components when the data has fewer features);
- ``kmeans_silhouette``: the highest silhouette of ``KMeans(k, n_init=10)`` on the fitted
  rows themselves (the usual label-free choice without an embedding).

Every GWAEClusterer is ``GWAEClusterer(k, random_state=SEED)`` with the package's
defaults (``--param`` changes them, ``--seed`` the seed); the 70 fits take about 8
minutes on 2 CPU cores.

Run from the repository root (one process at a time)::

    python benchmarks/n_clusters.py
    python benchmarks/n_clusters.py --seed 1 --param learning_rate=1e-3
    python benchmarks/n_clusters.py --cases blobs:2:1.0 --suffix _two_blobs
    python benchmarks/n_clusters.py --data-seed 1 --suffix _heldout --cases blobs:4:1.5 \
        blobs:7:2.0 blobs:11:1.5 images:4 images:7 images:10 real:iris real:wine \
        real:breast_cancer real:digits

It prints each method's chosen k per case and its hits, and writes one row per (case,
k) with every criterion to benchmarks/results/n_clusters_raw.csv and the table to
benchmarks/results/n_clusters.csv (``--suffix _seed1`` writes n_clusters_raw_seed1.csv and
n_clusters_seed1.csv).
"""

import argparse
import pathlib
import platform
import warnings

import numpy as np
import pandas as pd
import torch
from cluster import load as load_real  # benchmarks/ is on sys.path when a script there runs
from embed import parse_params
from scipy.special import logsumexp
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import silhouette_score
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import train_test_split

from skgwae import GWAEClusterer
from skgwae.datasets import make_clustered_images
from skgwae.metrics import (
    geodesic_silhouette,
    latent_eigengap,
    latent_modularity,
    latent_silhouette,
)

CASES = [
    ("blobs", 3, 1.0),
    ("blobs", 5, 2.0),
    ("blobs", 6, 1.0),
    ("blobs", 8, 1.5),
    ("blobs", 10, 2.0),
    ("blobs", 12, 1.0),
    ("images", 3, None),
    ("images", 6, None),
    ("images", 9, None),
    ("images", 12, None),
]
N_SAMPLES = 600
# Method -> (criterion column, True if higher is better).
METHODS = {
    "gwae_eigengap": ("gwae_eigengap", True),
    "gwae_geodesic_silhouette": ("gwae_geodesic_silhouette", True),
    "gwae_silhouette": ("gwae_silhouette", True),
    "gwae_modularity": ("gwae_modularity", True),
    "gwae_bic": ("gwae_bic", False),
    "gwae_aic": ("gwae_aic", False),
    "gwae_bic_raw": ("gwae_bic_raw", False),
    "gwae_score": ("gwae_score", True),
    "gmm_bic": ("gmm_bic", False),
    "pca_gmm_bic": ("pca_gmm_bic", False),
    "kmeans_silhouette": ("kmeans_silhouette", True),
}


# The real data sets, loaded and scaled by benchmarks/cluster.py.
REAL = ("iris", "wine", "breast_cancer", "digits")


def load(kind, k, cluster_std, data_seed=0):
    """The rows and labels of a case (``k`` is the data set's name for a real one)."""
    if kind == "blobs":
        return make_blobs(
            N_SAMPLES, n_features=20, centers=k, cluster_std=cluster_std, random_state=data_seed
        )
    if kind == "images":
        return make_clustered_images(N_SAMPLES, n_clusters=k, random_state=data_seed)
    return load_real(k)


def raw_bic(est, X):
    """The BIC of the clusterer's mixture on the latent means as they are (not whitened)."""
    log_density = logsumexp(est._log_joint(X), axis=1)
    return -2 * log_density.sum() + est._n_parameters() * np.log(len(X))


def criteria(X_fit, X_held, k, params, seed, modularity_neighbors=()):
    est = GWAEClusterer(k, random_state=seed, **params).fit(X_fit)
    extra = {
        f"gwae_modularity_nn{n}": latent_modularity(est, X_fit, n_neighbors=n)
        for n in modularity_neighbors
    }
    Z = PCA(min(10, X_fit.shape[1]), random_state=0).fit_transform(X_fit)
    kmeans_labels = KMeans(k, n_init=10, random_state=seed).fit_predict(X_fit)
    return dict(
        gwae_eigengap=latent_eigengap(est, X_fit),
        gwae_geodesic_silhouette=geodesic_silhouette(est, X_fit),
        gwae_silhouette=latent_silhouette(est, X_fit),
        gwae_modularity=latent_modularity(est, X_fit),
        gwae_bic=est.bic(X_fit),
        gwae_aic=est.aic(X_fit),
        gwae_bic_raw=raw_bic(est, X_fit),
        gwae_score=est.score(X_held),
        gmm_bic=GaussianMixture(k, random_state=0).fit(X_fit).bic(X_fit),
        pca_gmm_bic=GaussianMixture(k, random_state=0).fit(Z).bic(Z),
        kmeans_silhouette=silhouette_score(X_fit, kmeans_labels),
        gwae_n_iter=est.n_iter_,
        **extra,
    )


def parse_case(spec):
    """A case given as ``blobs:K:STD``, ``images:K`` or ``real:NAME``."""
    kind, k, *std = spec.split(":")
    if kind == "real" and not std and k in REAL:
        return kind, k, None
    if kind not in ("blobs", "images") or len(std) != (kind == "blobs"):
        raise argparse.ArgumentTypeError(
            f"expected blobs:K:STD, images:K or real:NAME (iris, wine, breast_cancer, "
            f"digits), got {spec!r}"
        )
    return kind, int(k), float(std[0]) if std else None


def run(params, margin, seed, modularity_neighbors=(), cases=CASES, data_seed=0):
    rows = []
    for kind, name, cluster_std in cases:
        X, y = load(kind, name, cluster_std, data_seed)
        true_k = len(np.unique(y))
        X_fit, X_held = train_test_split(X, test_size=0.3, stratify=y, random_state=0)
        for k in range(max(2, true_k - margin), true_k + margin + 1):
            row = dict(kind=kind if kind != "real" else name, true_k=true_k,
                       cluster_std=cluster_std, k=k)
            row.update(criteria(X_fit, X_held, k, params, seed, modularity_neighbors))
            rows.append(row)
            print({key: round(v, 2) if isinstance(v, float) else v for key, v in row.items()})
    return pd.DataFrame(rows)


def choices(raw, methods=METHODS):
    """The k each method chooses in each case."""
    table = []
    for (kind, true_k, cluster_std), part in raw.groupby(
        ["kind", "true_k", "cluster_std"], dropna=False, sort=False
    ):
        case = f"{kind} std={cluster_std}" if kind == "blobs" else kind
        row = dict(case=case, true_k=true_k)
        row["k_range"] = f"{part['k'].min()}-{part['k'].max()}"
        for method, (column, higher) in methods.items():
            best = part[column].idxmax() if higher else part[column].idxmin()
            row[method] = int(part.loc[best, "k"])
        table.append(row)
    return pd.DataFrame(table)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--param", action="append", default=[], help="GWAEClusterer name=value")
    parser.add_argument("--seed", type=int, default=0, help="GWAEClusterer random_state")
    parser.add_argument("--margin", type=int, default=3, help="k from true k - m to + m")
    parser.add_argument("--suffix", default="", help="appended to the result file names")
    parser.add_argument(
        "--cases", nargs="+", type=parse_case, default=CASES,
        help="other cases than the ten, as blobs:K:STD, images:K or real:NAME",
    )
    parser.add_argument(
        "--data-seed", type=int, default=0, help="random_state of the synthetic cases"
    )
    parser.add_argument(
        "--modularity-neighbors", nargs="*", type=int, default=[],
        help="also the modularity on graphs of these numbers of neighbours",
    )
    parser.add_argument("--out", default=str(pathlib.Path(__file__).parent / "results"))
    args = parser.parse_args()
    params = parse_params(args.param)
    print(f"# {platform.processor() or platform.machine()}, torch {torch.__version__}")
    print(f"# GWAEClusterer parameters: {params}")
    warnings.simplefilter("ignore", ConvergenceWarning)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print(f"# data seed {args.data_seed}")
    raw = run(
        params, args.margin, args.seed, args.modularity_neighbors, args.cases, args.data_seed
    )
    raw.to_csv(out / f"n_clusters_raw{args.suffix}.csv", index=False)
    methods = {**METHODS, **{c: (c, True) for c in raw if c.startswith("gwae_modularity_nn")}}
    table = choices(raw, methods)
    print(table.to_string(index=False))
    hits = {m: int((table[m] == table["true_k"]).sum()) for m in methods}
    print(f"hits out of {len(table)}: {hits}")
    table.to_csv(out / f"n_clusters{args.suffix}.csv", index=False)


if __name__ == "__main__":
    main()
