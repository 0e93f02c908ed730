"""score_samples is a function of each row alone: a check on digits.

Fits GWAETransformer and GWAEClusterer (defaults but ``max_iter``; the property does not
depend on how long the model trained) on 70 % of the digits 0-4 (a random draw), and
compares ``score_samples`` of rows scored alone, within the whole set (the fitted rows and
the new rows: the other 30 % of the digits 0-4 and every 5-9, which join the
transformer's geodesic graph through their nearest fitted rows), within random subsets and with duplicated rows appended. Prints the largest
absolute difference of each against the whole-set call, over all rows and over the new
rows. ``--n-jobs`` sets the estimators' threads (the neighbour search of new rows runs
on as many).

    python benchmarks/score_invariance.py              # max_iter=30, every row alone
    python benchmarks/score_invariance.py --n-jobs 2   # two threads
"""

import argparse
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from skgwae import GWAEClusterer, GWAETransformer


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-iter", type=int, default=30)
    parser.add_argument(
        "--single-rows", type=int, default=None, help="rows scored alone (default: every row)"
    )
    parser.add_argument("--n-jobs", type=int, default=None)
    args = parser.parse_args()
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    rng = np.random.RandomState(0)
    fitted = np.zeros(len(X), dtype=bool)
    zero_to_four = np.flatnonzero(y < 5)
    fitted[rng.permutation(zero_to_four)[: int(0.7 * len(zero_to_four))]] = True
    warnings.simplefilter("ignore", ConvergenceWarning)
    for est in (
        GWAETransformer(n_components=2, max_iter=args.max_iter, random_state=0),
        GWAEClusterer(n_clusters=10, max_iter=args.max_iter, random_state=0),
    ):
        est.set_params(n_jobs=args.n_jobs).fit(X[fitted])
        whole = est.score_samples(X)
        rows = rng.permutation(len(X))[: args.single_rows or len(X)]
        alone = np.full(len(X), np.nan)
        alone[rows] = [est.score_samples(X[i : i + 1])[0] for i in rows]
        subsets = np.full(len(X), np.nan)
        for size in (10, 100, 1000):
            part = rng.permutation(len(X))[:size]
            subsets[part] = np.fmax(subsets[part], np.abs(est.score_samples(X[part]) - whole[part]))
        duplicated = est.score_samples(np.vstack([X, X[:100]]))[: len(X)]

        def largest(differences):
            """The largest difference over all rows and over the new rows."""
            return f"{np.nanmax(differences):.2e} ({np.nanmax(differences[~fitted]):.2e})"

        print(
            f"{type(est).__name__} ({(~fitted).sum()} new rows of {len(X)}; all rows (new "
            f"rows)): single rows {largest(np.abs(alone - whole))}, subsets of 10/100/1000 "
            f"{largest(subsets)}, with 100 duplicates appended "
            f"{largest(np.abs(duplicated - whole))}; score spread over the rows "
            f"{whole.std():.3f}"
        )


if __name__ == "__main__":
    main()
