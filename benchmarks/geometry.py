"""The landmark geodesic distance: its error against exact shortest paths, and its cost.

For each data set it fits ``skgwae._geometry.DataGeometry("geodesic")`` (the distance
behind ``metric="geodesic"``: 256 random landmarks, a path through the best landmark) and
reports

- ``fit_s`` and ``peak_mb``: the precomputation's wall time (neighbour graph, Dijkstra from
  every landmark, and the pair table when the training set has at most 4096 rows) and the
  growth of the process's peak resident memory during it;
- the relative error ``(approx - exact) / exact`` of the training-pair distances on 2000
  random pairs, against exact Dijkstra distances on the same graph (mean, median, 95th
  percentile; the approximation is an upper bound, so the error is never negative), and
  the share of pairs it gets exactly right (error below 1e-6).

Data sets: the digits (1797 x 64, pixels / 16), and ``n`` rows of a noisy 10-dimensional
curved structure in 64 features (as ``benchmarks/speed.py``) for each ``--n``.

    python benchmarks/geometry.py                       # digits, 2k, 20k
    python benchmarks/geometry.py --n 2000 20000 200000 # and 200k (a few minutes)
"""

import argparse
import pathlib
import resource
import time

import numpy as np
import pandas as pd
from scipy.sparse.csgraph import dijkstra
from sklearn.datasets import load_digits

from skgwae._geometry import DataGeometry, min_plus_pairs, neighbour_graph

RESULTS = pathlib.Path(__file__).parent / "results"


def synthetic(n, seed=0):
    rng = np.random.RandomState(seed)
    latent = rng.normal(size=(n, 10))
    X = np.tanh(latent @ rng.normal(size=(10, 64))) + 0.1 * rng.normal(size=(n, 64))
    return (X / 0.8).astype(np.float32)


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(name, X, n_neighbors, n_pairs, seed):
    before = peak_mb()
    start = time.perf_counter()
    geometry = DataGeometry("geodesic", n_neighbors=n_neighbors).fit(
        X, np.random.RandomState(seed)
    )
    import torch

    pairs_fn = geometry.pair_distance_fn("cpu")  # tabulates the pairs up to 4096 rows
    fit_s = time.perf_counter() - start
    grown = peak_mb() - before
    rng = np.random.RandomState(seed + 1)
    sources = rng.choice(len(X), size=min(len(X), 40), replace=False)
    targets = rng.choice(len(X), size=(len(sources), n_pairs // len(sources)))
    graph = neighbour_graph(X, n_neighbors)
    exact_rows = dijkstra(graph, directed=False, indices=sources) * geometry.scale_
    errors = []
    table = torch.as_tensor(geometry.landmark_distances_)
    for i, source in enumerate(sources):
        idx = torch.as_tensor(np.concatenate([[source], targets[i]]))
        approx = min_plus_pairs(table[idx])[0, 1:].numpy()
        exact = exact_rows[i, targets[i]]
        keep = exact > 0
        errors.append((approx[keep] - exact[keep]) / exact[keep])
    errors = np.concatenate(errors)
    row = {
        "data": name,
        "n": len(X),
        "n_landmarks": len(geometry.reference_rows_),
        "fit_s": fit_s,
        "peak_mb": grown,
        "rel_err_mean": errors.mean(),
        "rel_err_median": np.median(errors),
        "rel_err_p95": np.quantile(errors, 0.95),
        "exact_share": np.mean(errors < 1e-6),
        "min_rel_err": errors.min(),
    }
    del pairs_fn
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", nargs="+", type=int, default=[2000, 20000])
    parser.add_argument("--n-neighbors", type=int, default=5)
    parser.add_argument("--pairs", type=int, default=2000)
    parser.add_argument("--out", default=str(RESULTS / "geometry.csv"))
    args = parser.parse_args()
    rows = [measure("digits", load_digits().data / 16.0, args.n_neighbors, args.pairs, 0)]
    print(pd.DataFrame(rows).to_string(index=False), flush=True)
    for n in args.n:
        rows.append(measure("synthetic", synthetic(n), args.n_neighbors, args.pairs, 0))
        print(pd.DataFrame(rows[-1:]).to_string(index=False, header=False), flush=True)
    df = pd.DataFrame(rows)
    df.to_csv(args.out, index=False)
    print()
    print(df.round(4).to_string(index=False))


if __name__ == "__main__":
    main()
