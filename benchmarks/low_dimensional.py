"""Clustering data with fewer features than the clusterer's latent dimensions.

With the default ``n_components=10``, rows of 2 to 6 features are encoded into a latent
space of more dimensions than they have: the codes lie near a subspace of about as many
dimensions as the rows, and off it hold only the encoder's noise. A full-covariance
GaussianMixture of the raw rows is the baseline to beat on such data when the clusters
differ in shape.

Data sets (each standardised; the labels are the generating component):

- ``covariance_3d``: 3 Gaussians of 300 rows with random covariances of scales 0.4, 0.8
  and 1.2, centred at the origin and 2.5 along the second and the third axis, in 3
  dimensions;
- ``covariance_5d``: 3 Gaussians of 300 rows in 5 dimensions (scales 0.3, 0.6 and 1.0),
  centred at the origin, 2 along the second axis and 2.5 along the third;
- ``covariance_5d_4``: 4 Gaussians of 250 rows in 5 dimensions (scales 0.5-1.3), centred
  on 3 times the first 4 unit vectors;
- ``anisotropic_2d``: scikit-learn's anisotropic blobs (4 centres, 1,000 rows, sheared);
- ``unequal_6d``: 3 isotropic blobs of 500, 150 and 50 rows with standard deviations 1,
  2 and 0.5 in 6 dimensions;
- ``cross_2d``: two elongated Gaussians of 400 rows crossing at the origin (variances 4
  and 0.2, one along each axis);
- ``iris`` (4 features).

Methods: ``GWAEClusterer(n_clusters=k)`` and ``GaussianMixture(k)`` (full covariances),
library defaults otherwise, seeds 0-2. Score: Hungarian-matched accuracy
(``skgwae.metrics.cluster_accuracy``).

    python benchmarks/low_dimensional.py
    python benchmarks/low_dimensional.py --datasets covariance_5d iris --seeds 0

It prints mean ± standard deviation over seeds and writes every run to
``benchmarks/results/low_dimensional.csv``.
"""

import argparse
import pathlib
import platform
import time
import warnings

import numpy as np
import pandas as pd
import torch
from sklearn.datasets import load_iris, make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import StandardScaler

from skgwae import GWAEClusterer
from skgwae.metrics import cluster_accuracy


def _covariance_mixture(n_features, scales, centres, n_rows, seed):
    rng = np.random.RandomState(seed)
    shapes = [rng.normal(size=(n_features, n_features)) * s for s in scales]
    X = np.vstack(
        [rng.normal(size=(n_rows, n_features)) @ a + c for a, c in zip(shapes, centres)]
    )
    return X, np.repeat(np.arange(len(scales)), n_rows)


def load(name):
    """The data set ``name``, standardised, and its labels."""
    if name == "covariance_3d":
        X, y = _covariance_mixture(3, (0.4, 0.8, 1.2), np.eye(3) * 2.5 * [0, 1, 1], 300, 7)
    elif name == "covariance_5d":
        X, y = _covariance_mixture(5, (0.3, 0.6, 1.0), np.eye(5)[:3] * [[0], [2.0], [2.5]], 300, 42)
    elif name == "covariance_5d_4":
        X, y = _covariance_mixture(5, (0.5, 0.7, 1.0, 1.3), np.eye(5)[:4] * 3, 250, 11)
    elif name == "anisotropic_2d":
        X, y = make_blobs(1000, centers=4, n_features=2, random_state=170)
        X = X @ np.array([[0.6, -0.64], [-0.41, 0.85]])
    elif name == "unequal_6d":
        X, y = make_blobs(
            [500, 150, 50], n_features=6, cluster_std=[1.0, 2.0, 0.5], random_state=3
        )
    elif name == "cross_2d":
        rng = np.random.RandomState(5)
        X = np.vstack(
            [
                rng.multivariate_normal([0, 0], [[4, 0], [0, 0.2]], 400),
                rng.multivariate_normal([0, 0], [[0.2, 0], [0, 4]], 400),
            ]
        )
        y = np.repeat([0, 1], 400)
    elif name == "iris":
        X, y = load_iris(return_X_y=True)
    else:
        raise ValueError(f"unknown data set {name!r}")
    return StandardScaler().fit_transform(X), y


DATASETS = [
    "covariance_3d",
    "covariance_5d",
    "covariance_5d_4",
    "anisotropic_2d",
    "unequal_6d",
    "cross_2d",
    "iris",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", nargs="+", default=DATASETS)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--out", default=str(pathlib.Path(__file__).parent / "results"))
    args = parser.parse_args()
    print(f"# {platform.processor() or platform.machine()}, torch {torch.__version__}")
    warnings.simplefilter("ignore", ConvergenceWarning)
    runs = []
    for name in args.datasets:
        X, y = load(name)
        k = len(np.unique(y))
        for seed in args.seeds:
            for method, make in (
                ("GMM", lambda: GaussianMixture(k, random_state=seed)),
                ("GWAE", lambda: GWAEClusterer(k, random_state=seed)),
            ):
                start = time.perf_counter()
                labels = make().fit(X).predict(X)
                seconds = time.perf_counter() - start
                acc = cluster_accuracy(y, labels)
                runs.append(
                    dict(dataset=name, n_features=X.shape[1], method=method, seed=seed,
                         acc=acc, fit_s=seconds)
                )
                print(f"{name:16s} {method:5s} seed {seed}: acc {acc:.3f}  {seconds:5.1f} s",
                      flush=True)
    df = pd.DataFrame(runs)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    df.to_csv(out / "low_dimensional.csv", index=False)
    table = df.groupby(["dataset", "method"], sort=False)["acc"].agg(["mean", "std"])
    print(table.round(3).to_string())


if __name__ == "__main__":
    main()
