"""Out-of-distribution benchmark: AUROC of outlier scores, fit on some classes only.

The authors' kind of experiment, on data with no download. Each method is fitted on the
training rows of the inlier classes; it then scores the held-out rows of those classes
(positives) and every row of the other classes (negatives), and the AUROC of the scores
(``sklearn.metrics.roc_auc_score``, higher score = more normal) is reported.

Data sets:

- ``digits``: pixels / 16; inliers 0-4, outliers 5-9.
- ``clustered_images``: ``skgwae.datasets.make_clustered_images(2000, n_clusters=10,
  random_state=0)`` (16x16 glyphs); inliers are the images of prototypes 0-4, outliers
  those of the 5 held-out prototypes 5-9.

The inlier rows are split 70/30, stratified by class. The seed is the ``random_state`` of
that split and of every method. Methods (library defaults otherwise):

- ``GWAETransformer``: ``GWAETransformer(n_components=10)`` (the Gaussian prior; its
  default ``metric="auto"`` gives these sets the geodesic metric, ``--transformer-metric``
  another), its ``score_samples``;
- ``GWAEClusterer``: ``GWAEClusterer(n_clusters=5)`` (the number of inlier classes), its
  ``score_samples``;
- ``GMM``: ``GaussianMixture(n_components=5)`` (full covariances), its ``score_samples``;
- ``IsolationForest`` and ``LOF`` (``LocalOutlierFactor(novelty=True)``), their
  ``score_samples``;
- ``PCA``: minus the squared reconstruction error of ``PCA(n_components=10)``.

For the two GWAE estimators it also reports the AUROC of each term of the score alone
(minus the per-row ``gw``, ``w`` and ``mmd`` of ``skgwae.training.evaluate_criterion``:
``<estimator>:gw`` and so on), and for the clusterer the log-density of the latent mean
mu(x) under its fitted mixture (``GWAEClusterer:latent``), so that one sees which part of
the model detects best.

Run from the repository root (one process at a time: two torch processes on 2 cores slow
each other down several-fold)::

    python benchmarks/ood.py                          # both data sets, seeds 0-2
    python benchmarks/ood.py --datasets digits --seeds 0

It prints a table of mean AUROC +- standard deviation over seeds, the per-seed AUROC of
GWAEClusterer against the best baseline, and writes every run to
benchmarks/results/ood.csv.
"""

import argparse
import pathlib
import platform
import warnings

import numpy as np
import pandas as pd
import torch
from scipy.special import logsumexp
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import roc_auc_score
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import train_test_split
from sklearn.neighbors import LocalOutlierFactor

from skgwae import GWAEClusterer, GWAETransformer
from skgwae.datasets import make_clustered_images

INLIER_CLASSES = [0, 1, 2, 3, 4]
BASELINES = ["GMM", "IsolationForest", "LOF", "PCA"]


def load(name):
    """The rows and classes of data set ``name``, scaled as a user would."""
    if name == "digits":
        X, y = load_digits(return_X_y=True)
        return X / 16.0, y
    if name == "clustered_images":
        return make_clustered_images(2000, n_clusters=10, random_state=0)
    raise ValueError(f"unknown data set {name!r}")


def pca_score(X_train, seed):
    pca = PCA(n_components=10, random_state=seed).fit(X_train)
    return lambda X: -((X - pca.inverse_transform(pca.transform(X))) ** 2).sum(axis=1)


def baseline_scorers(X_train, k, seed):
    """(name, function X -> scores) of the baselines fitted on X_train."""
    yield "GMM", GaussianMixture(k, random_state=seed).fit(X_train).score_samples
    yield "IsolationForest", IsolationForest(random_state=seed).fit(X_train).score_samples
    yield "LOF", LocalOutlierFactor(novelty=True).fit(X_train).score_samples
    yield "PCA", pca_score(X_train, seed)


def gwae_scorers(name, est, X_test):
    """(name, scores on X_test) of a fitted GWAE: its score and each term alone."""
    # The terms as score_samples computes them (float64 rows through the model's float64
    # copy).
    terms = est._criterion(X_test, per_sample=True)
    scores = est.score_samples(X_test)
    # The package's score is the sum of the terms; a mismatch would make the table lie.
    total = terms["gw"] + est.lambda_w * terms["w"] + est.lambda_d * terms["mmd"]
    np.testing.assert_allclose(scores, -total, rtol=1e-6, atol=1e-8)
    yield name, scores
    # The reconstruction term is the public reconstruction_error (checked here).
    np.testing.assert_allclose(est.reconstruction_error(X_test), terms["w"], rtol=1e-5, atol=1e-6)
    for term in ("gw", "w", "mmd"):
        yield f"{name}:{term}", -terms[term]
    if isinstance(est, GWAEClusterer):
        yield f"{name}:latent", logsumexp(est._log_joint(X_test), axis=1)


def run(datasets, seeds, transformer_params=None):
    rows = []
    for dataset in datasets:
        X, y = load(dataset)
        inlier = np.isin(y, INLIER_CLASSES)
        X_in, y_in, X_out = X[inlier], y[inlier], X[~inlier]
        k = len(INLIER_CLASSES)
        for seed in seeds:
            X_train, X_held = train_test_split(
                X_in, test_size=0.3, stratify=y_in, random_state=seed
            )
            X_test = np.concatenate([X_held, X_out])
            positive = np.r_[np.ones(len(X_held)), np.zeros(len(X_out))]
            results = [(name, fn(X_test)) for name, fn in baseline_scorers(X_train, k, seed)]
            for name, est in (
                (
                    "GWAETransformer",
                    GWAETransformer(
                        n_components=10, random_state=seed, **(transformer_params or {})
                    ),
                ),
                ("GWAEClusterer", GWAEClusterer(n_clusters=k, random_state=seed)),
            ):
                est.fit(X_train)
                results.extend(gwae_scorers(name, est, X_test))
            for name, scores in results:
                auroc = roc_auc_score(positive, scores)
                rows.append(dict(dataset=dataset, method=name, seed=seed, auroc=auroc))
                print(f"{dataset:16} seed {seed}  {name:24} AUROC {auroc:.4f}", flush=True)
    return pd.DataFrame(rows)


def report(df):
    """Print the mean +- std table and the per-seed clusterer-vs-best-baseline margins."""
    order = list(dict.fromkeys(df["method"]))
    table = df.groupby(["method", "dataset"], sort=False)["auroc"].agg(["mean", "std"])
    cells = table.apply(lambda r: f"{r['mean']:.3f} +- {r['std']:.3f}", axis=1).unstack()
    print(cells.reindex(order).to_string())
    for dataset, part in df.groupby("dataset", sort=False):
        wide = part.pivot(index="seed", columns="method", values="auroc")
        best = wide[BASELINES].mean().idxmax()
        print(f"\n{dataset}: GWAEClusterer vs the best baseline on average ({best}), per seed")
        for seed, r in wide.iterrows():
            margin = r["GWAEClusterer"] - r[best]
            print(f"  seed {seed}: {r['GWAEClusterer']:.4f} vs {r[best]:.4f} ({margin:+.4f})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", nargs="+", default=["digits", "clustered_images"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--out", default=str(pathlib.Path(__file__).parent / "results"))
    parser.add_argument(
        "--transformer-metric",
        default=None,
        choices=["auto", "euclidean", "cosine", "geodesic"],
        help="metric of the GWAETransformer (default: the estimator's); another than the "
        "default writes ood_transformer_<metric>.csv",
    )
    args = parser.parse_args()
    print(f"# {platform.processor() or platform.machine()}, torch {torch.__version__}")
    warnings.simplefilter("ignore", ConvergenceWarning)
    metric = args.transformer_metric
    df = run(args.datasets, args.seeds, None if metric is None else {"metric": metric})
    report(df)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    name = "ood.csv" if metric is None else f"ood_transformer_{metric}.csv"
    df.to_csv(out / name, index=False)


if __name__ == "__main__":
    main()
