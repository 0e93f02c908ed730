"""Fit time of GWAEClusterer with its defaults: two versions of the package, taking turns.

A change to the clusterer is timed against the code before it on the same machine in
the same spell: each round fits ``GWAEClusterer(n_clusters, random_state=seed)`` on a
data set of ``benchmarks/cluster.py`` once with each checkout, in a fresh process whose
``PYTHONPATH`` starts with that checkout (so the package imported is the checkout's),
seeds 0, 1, ... one per round. Taking turns lets a slow spell of a shared machine hit
both versions alike; the figures are the median fit time of each version and the median
over rounds of the ratio of the second's time to the first's, with each fit's accuracy
(the fits of a change that leaves them alone must give the same accuracies).

Run from the repository root with single-threaded BLAS, alone on the machine, e.g. with a
worktree of the code before (``git worktree add /tmp/before HEAD~1``)::

    OMP_NUM_THREADS=1 python benchmarks/fit_time.py --code /tmp/before . --rounds 5

It prints one line per fit and then the medians, and with ``--out`` writes the fits to a
CSV file.
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent

# The fit run in each fresh process: the package is the first on its path.
_ONE_FIT = """
import json, sys, time, warnings
warnings.simplefilter("ignore")
sys.path.insert(0, {benchmarks!r})
from cluster import load
import numpy as np
import skgwae
from skgwae import GWAEClusterer
from skgwae.metrics import cluster_accuracy
X, y = load({dataset!r})
start = time.perf_counter()
model = GWAEClusterer(len(np.unique(y)), random_state={seed}).fit(X)
seconds = time.perf_counter() - start
print(json.dumps({{"package": skgwae.__file__, "seconds": seconds,
                  "acc": float(cluster_accuracy(y, model.labels_))}}))
"""


def one_fit(code, dataset, seed):
    """Fit time, accuracy and the imported package's file of one default fit of
    ``dataset`` with the checkout ``code``, in a process of its own."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(code), *filter(None, [os.environ.get("PYTHONPATH")])]
    )}
    script = _ONE_FIT.format(benchmarks=str(HERE), dataset=dataset, seed=seed)
    # Run from the checkout: ``python -c`` puts the working directory first on the path.
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=code, capture_output=True, text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def compare(codes, dataset, rounds):
    """One row per fit: round (the seed), checkout, seconds, accuracy."""
    rows = []
    for seed in range(rounds):
        for code in codes:
            fit = one_fit(code, dataset, seed)
            if not pathlib.Path(fit["package"]).resolve().is_relative_to(code.resolve()):
                raise RuntimeError(f"{code} did not provide the package: {fit['package']}")
            rows.append({"round": seed, "code": str(code), **fit})
            print(f"{code}  seed {seed}  {fit['seconds']:6.2f} s  acc {fit['acc']:.4f}",
                  flush=True)
    return rows


def summary(rows, codes):
    """The median seconds of each checkout and the median per-round ratio of the last
    checkout's time to the first's."""
    seconds = {
        str(code): [r["seconds"] for r in rows if r["code"] == str(code)] for code in codes
    }
    first, last = seconds[str(codes[0])], seconds[str(codes[-1])]
    return {
        "medians": {code: statistics.median(values) for code, values in seconds.items()},
        "ratio": statistics.median(b / a for a, b in zip(first, last)),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--code", nargs="+", required=True, type=pathlib.Path,
        help="checkouts (repository roots) to time in turn, the code before first",
    )
    parser.add_argument("--dataset", default="digits")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=pathlib.Path)
    args = parser.parse_args(argv)
    rows = compare(args.code, args.dataset, args.rounds)
    result = summary(rows, args.code)
    for code, median in result["medians"].items():
        print(f"median {median:.2f} s  {code}")
    print(f"median ratio per round (last over first): {result['ratio']:.3f}")
    if args.out is not None:
        import pandas as pd

        args.out.parent.mkdir(parents=True, exist_ok=True)
        pd.DataFrame(rows).to_csv(args.out, index=False)


if __name__ == "__main__":
    main()
