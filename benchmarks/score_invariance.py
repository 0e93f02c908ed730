"""score_samples is a function of each row alone: a check on digits.

Fits GWAETransformer and GWAEClusterer (defaults but ``max_iter``; the property does not
depend on how long the model trained) on the digits and compares ``score_samples`` of
every row scored alone, within the whole set, within random subsets and with duplicated
rows appended. Prints the largest absolute difference of each against the whole-set call.

    python benchmarks/score_invariance.py            # max_iter=30, 200 single rows
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
    parser.add_argument("--single-rows", type=int, default=200)
    args = parser.parse_args()
    X = load_digits().data / 16.0
    rng = np.random.RandomState(0)
    warnings.simplefilter("ignore", ConvergenceWarning)
    for est in (
        GWAETransformer(n_components=2, max_iter=args.max_iter, random_state=0),
        GWAEClusterer(n_clusters=10, max_iter=args.max_iter, random_state=0),
    ):
        est.fit(X)
        whole = est.score_samples(X)
        rows = rng.permutation(len(X))[: args.single_rows]
        alone = np.array([est.score_samples(X[i : i + 1])[0] for i in rows])
        subsets = []
        for size in (10, 100, 1000):
            part = rng.permutation(len(X))[:size]
            subsets.append(np.abs(est.score_samples(X[part]) - whole[part]).max())
        duplicated = est.score_samples(np.vstack([X, X[:100]]))
        print(
            f"{type(est).__name__}: single rows {np.abs(alone - whole[rows]).max():.2e}, "
            f"subsets of 10/100/1000 {max(subsets):.2e}, with 100 duplicates appended "
            f"{np.abs(duplicated[: len(X)] - whole).max():.2e}; score spread over the "
            f"rows {whole.std():.3f}"
        )


if __name__ == "__main__":
    main()
