"""Time to quality: wall-clock time of a GWAE fit against the quality it reaches, beside UMAP.

For each data set, each estimator and each candidate setting, it fits on all rows and
records the fit's seconds, its epochs and best validation score, and the quality of the
result:

- embeddings (``GWAETransformer`` at 2 and 10 components; UMAP at the same sizes):
  ``trust``, trustworthiness with 5 neighbours, and ``gw``,
  ``skgwae.metrics.gw_distortion`` on 500 rows (on data sets above 5,000 rows both are
  measured on a random subset of 2,000 rows, transformed by the fitted model);
- clusterings (``GWAEClusterer``; UMAP at 10 components + ``GaussianMixture``): ``acc``,
  the accuracy of the labels under the best matching of clusters to classes.

Data sets: ``digits`` (1,797 x 64, scaled to [0, 1]); ``tabular20k`` (20,000 x 64, ten
classes of ``make_classification`` with 16 informative features, standardised);
``images60k`` (60,000 x 784, ``skgwae.datasets.make_clustered_images`` with ten clusters
of 28 x 28 images). Candidates are named sets of parameters (``--candidates``); ``default``
is the estimator's defaults, ``previous`` the defaults before ``max_iter="auto"``
(``learning_rate=1e-3, max_iter=400``). The per-epoch validation score against the
cumulative seconds of each GWAE fit is written too (the curves).

Rounds alternate the methods (``--seeds``: one round per seed; every other round runs
them in the reverse order, so that neither always runs first), and slow spells of the
machine hit all of them; the summary gives medians over rounds, and ``ratio``, the
median over rounds of the GWAE default fit's seconds over UMAP's in the same round; with
several candidates, each one's seconds over the first candidate's in the same round.
``cpu_seconds`` is the process's CPU time during the fit (all its threads): on a shared
machine whose wall-clock times swing with its neighbours' load, it varies less.
``--busy`` runs every fit twice in a row, on the idle machine and then beside a CPU-bound
process that this script starts and stops (one core kept busy), and reports the median
over rounds of busy seconds over idle seconds. Torch threads are left to the estimators (``n_jobs=None``); UMAP
runs with its own defaults (numba threads: all CPUs).

    python benchmarks/time_to_quality.py                                  # digits, 3 seeds
    python benchmarks/time_to_quality.py --datasets tabular20k images60k --seeds 0
    python benchmarks/time_to_quality.py --busy --candidates default --no-umap
    python benchmarks/time_to_quality.py --candidates default previous lr5e-3 batch256
    python benchmarks/time_to_quality.py --first-fit 5

``--first-fit N`` measures instead what the first fit of a process costs on top: N fresh
Python processes, one after another, each timing two consecutive default
``GWAETransformer(n_components=2)`` fits on digits (the first pays one-time imports, among
them ``torch._dynamo``, which torch's optimisers load when the first one is built); it
writes ``time_to_quality_first_fit.csv``.

It prints the summary and writes ``time_to_quality_<datasets>[_busy].csv`` (every fit)
and ``time_to_quality_curves_<datasets>[_busy].csv`` to ``benchmarks/results``.
"""

import argparse
import contextlib
import multiprocessing
import pathlib
import platform
import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd
import torch
from scipy.optimize import linear_sum_assignment
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.manifold import trustworthiness
from sklearn.metrics import confusion_matrix
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import StandardScaler

from skgwae import GWAEClusterer, GWAETransformer
from skgwae.datasets import make_clustered_images
from skgwae.metrics import gw_distortion

RESULTS = pathlib.Path(__file__).parent / "results"
CANDIDATES = {
    "default": {},
    "previous": {"learning_rate": 1e-3, "max_iter": 400},
    "lr2e-2": {"learning_rate": 2e-2},  # "auto" for every fully connected network before
    "euclidean": {"metric": "euclidean"},  # the transformer's metric before "auto"
    "lr1e-2": {"learning_rate": 1e-2},
    "lr5e-3": {"learning_rate": 5e-3},
    "epochs40": {"max_iter": 40},
    "lr5e-2": {"learning_rate": 5e-2},
    "batch256": {"batch_size": 256},
    "no_early_stopping": {"early_stopping": False},
}
# Quality is measured on at most this many rows (trustworthiness is quadratic).
EVAL_ROWS = 2000


def load(name):
    if name == "digits":
        X, y = load_digits(return_X_y=True)
        return X / 16.0, y
    if name == "tabular20k":
        X, y = make_classification(
            n_samples=20_000, n_features=64, n_informative=16, n_redundant=8,
            n_classes=10, n_clusters_per_class=1, class_sep=2.0, random_state=0,
        )
        return StandardScaler().fit_transform(X), y
    if name == "images60k":
        X, y = make_clustered_images(60_000, n_clusters=10, image_size=28, random_state=0)
        return X, y
    raise ValueError(name)


def accuracy(y, labels):
    counts = confusion_matrix(y, labels)
    rows, cols = linear_sum_assignment(-counts)
    return counts[rows, cols].sum() / len(y)


def embedding_quality(X, Z, seed):
    return {
        "trust": trustworthiness(X, Z, n_neighbors=5),
        "gw": gw_distortion(X, Z, n_samples=500, random_state=seed),
    }


def _umap(n_components, seed):
    import umap  # a benchmark-only extra

    return umap.UMAP(n_components=n_components, random_state=seed)


def run_one(dataset, X, y, kind, method, params, seed, subset):
    """Fit one method; return the result row and the GWAE curve (or None)."""
    k = len(np.unique(y))
    start, cpu_start = time.perf_counter(), time.process_time()
    curve = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if method == "UMAP":
            n_components = 10 if kind == "cluster" else int(kind)
            reducer = _umap(n_components, seed)
            Z_all = reducer.fit_transform(X)
            if kind == "cluster":
                labels = GaussianMixture(k, random_state=seed).fit_predict(Z_all)
            seconds = time.perf_counter() - start
            cpu_seconds = time.process_time() - cpu_start
            epochs = val = None
        else:
            if kind == "cluster":
                est = GWAEClusterer(n_clusters=k, random_state=seed, **params).fit(X)
            else:
                est = GWAETransformer(n_components=int(kind), random_state=seed, **params)
                est.fit(X)
            seconds = time.perf_counter() - start
            cpu_seconds = time.process_time() - cpu_start
            if kind == "cluster":
                labels = est.labels_
            else:
                Z_all = None
            epochs, val = est.n_iter_, est.best_validation_score_
            elapsed = np.cumsum(est.history_.column("seconds"))
            curve = pd.DataFrame({"epoch": np.arange(1, len(elapsed) + 1), "seconds": elapsed,
                                  "val_score": est.history_.column("val_score")})
    row = {"dataset": dataset, "kind": kind, "method": method, "seed": seed,
           "seconds": seconds, "cpu_seconds": cpu_seconds, "epochs": epochs, "val_score": val}
    if kind == "cluster":
        row["acc"] = accuracy(y, labels)
    else:
        Z = Z_all[subset] if Z_all is not None else est.transform(X[subset])
        row.update(embedding_quality(X[subset], Z, seed))
    if curve is not None:
        curve = curve.assign(**{k2: row[k2] for k2 in ("dataset", "kind", "method", "seed")})
    return row, curve


def _spin(stop):
    while not stop.is_set():
        sum(i * i for i in range(10_000))


@contextlib.contextmanager
def busy_core(enabled):
    """A CPU-bound process beside the benchmark while the block runs (when enabled)."""
    if not enabled:
        yield
        return
    stop = multiprocessing.Event()
    proc = multiprocessing.Process(target=_spin, args=(stop,), daemon=True)
    proc.start()
    try:
        yield
    finally:
        stop.set()
        proc.join(5)
        if proc.is_alive():
            proc.terminate()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["digits"])
    parser.add_argument("--kinds", nargs="+", default=["2", "10", "cluster"])
    parser.add_argument("--candidates", nargs="+", default=["default", "previous"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--no-umap", action="store_true", help="leave UMAP out")
    parser.add_argument("--busy", action="store_true", help="one core kept busy")
    parser.add_argument("--out", default=str(RESULTS))
    parser.add_argument(
        "--first-fit", type=int, default=0, metavar="N",
        help="time the first and second fits of N fresh processes instead",
    )
    args = parser.parse_args(argv)
    if args.first_fit:
        first_fit(args.first_fit, pathlib.Path(args.out))
        return
    methods = [(c, CANDIDATES[c]) for c in args.candidates]
    if not args.no_umap:
        methods.append(("UMAP", None))
    print(f"{platform.processor() or platform.machine()}, torch {torch.__version__}, "
          f"busy={args.busy}", flush=True)
    rows, curves = [], []
    for dataset in args.datasets:
        X, y = load(dataset)
        for seed in args.seeds:
            rng = np.random.RandomState(seed)
            subset = (np.sort(rng.choice(len(X), EVAL_ROWS, replace=False))
                      if len(X) > 5000 else np.arange(len(X)))
            for kind in args.kinds:
                in_turn = methods if seed % 2 == 0 else methods[::-1]
                for method, params in in_turn:
                    for busy in (False, True) if args.busy else (False,):
                        with busy_core(busy):
                            row, curve = run_one(
                                dataset, X, y, kind, method, params, seed, subset
                            )
                        row["busy"] = busy
                        rows.append(row)
                        if curve is not None:
                            curves.append(curve.assign(busy=busy))
                        shown = {k: (round(v, 4) if isinstance(v, float) else v)
                                 for k, v in row.items()}
                        print(shown, flush=True)
    frame = pd.DataFrame(rows)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    name = "_".join(args.datasets) + ("_busy" if args.busy else "")
    frame.to_csv(out / f"time_to_quality_{name}.csv", index=False)
    if curves:
        pd.concat(curves).to_csv(out / f"time_to_quality_curves_{name}.csv", index=False)
    summary(frame, args.candidates)


# Run in a fresh interpreter: two default fits in a row, their seconds printed.
_TWO_FITS = """
import time, warnings
from sklearn.datasets import load_digits
from skgwae import GWAETransformer
warnings.simplefilter("ignore")
X = load_digits().data / 16.0
for _ in range(2):
    start = time.perf_counter()
    GWAETransformer(n_components=2, random_state=0).fit(X)
    print(time.perf_counter() - start)
"""


def first_fit(n_processes, out):
    """Seconds of the first and the second default fit in each of n fresh processes."""
    rows = []
    for process in range(n_processes):
        result = subprocess.run(
            [sys.executable, "-c", _TWO_FITS], capture_output=True, text=True, check=True
        )
        first, second = (float(line) for line in result.stdout.split())
        rows.append({"process": process, "first": first, "second": second,
                     "extra": first - second})
        print(rows[-1], flush=True)
    frame = pd.DataFrame(rows)
    out.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out / "time_to_quality_first_fit.csv", index=False)
    print(frame[["first", "second", "extra"]].median().round(3).to_string())


def summary(frame, candidates=()):
    columns = [c for c in ("seconds", "cpu_seconds", "epochs", "trust", "gw", "acc")
               if c in frame]
    print(frame.groupby(["dataset", "kind", "method", "busy"])[columns].median().round(4)
          .to_string())
    if frame["busy"].any():
        keyed = frame.set_index(["dataset", "kind", "method", "seed", "busy"])["seconds"]
        keyed = keyed.unstack("busy")
        ratio = (keyed[True] / keyed[False]).groupby(level=["dataset", "kind", "method"])
        print("busy seconds / idle seconds (median over rounds):")
        print(ratio.median().round(3).to_string())
        frame = frame[~frame["busy"]]
    candidates = [c for c in candidates if c in set(frame["method"])]
    if len(candidates) > 1:
        for column in ("seconds", "cpu_seconds"):
            keyed = frame.set_index(["dataset", "kind", "seed", "method"])[column].unstack()
            ratio = keyed[candidates[1:]].div(keyed[candidates[0]], axis=0)
            print(f"{column} / {candidates[0]}'s (median over rounds, range):")
            grouped = ratio.groupby(level=["dataset", "kind"])
            print(pd.concat({"median": grouped.median(), "min": grouped.min(),
                             "max": grouped.max()}, axis=1).round(3).to_string())
    if "UMAP" in set(frame["method"]) and "default" in set(frame["method"]):
        keyed = frame.set_index(["dataset", "kind", "seed", "method"])["seconds"].unstack()
        ratio = (keyed["default"] / keyed["UMAP"]).groupby(level=["dataset", "kind"]).median()
        print("default fit seconds / UMAP's (median over rounds):")
        print(ratio.round(3).to_string())


if __name__ == "__main__":
    main()
