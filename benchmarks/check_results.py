"""Run benchmarks again on the current code and compare their figures with the stored ones.

A stored result file is only as current as the code that wrote it, and a change checked
on one benchmark can move another (on 2026-12-05 a bound set for the clustering benchmark
took the low-dimensional benchmark's ``covariance_3d`` from 0.976 to 0.472, which showed
only when that benchmark was run again two days later). Each check here runs one
benchmark script on the data sets, seeds (and latent sizes) that its stored file holds,
into a scratch folder, and compares its figures row by row with the stored ones: the
package's estimators', and the baselines' where the script runs them too (no change of
the package moves those, but a machine or a library version can: on the shapes,
FastICA's MIG was 0.009 on an AMD EPYC and 0.069 on an Intel Xeon). The clustering
benchmark has its own comparison (``python benchmarks/standings.py --compare``).

Checks (``--checks``, default all of them; on 2026-12-07 they took 15 minutes on a 2-core
Intel Xeon, one thread, and the disentanglement check 6 more beside them):

- ``low_dimensional``: ``benchmarks/results/low_dimensional.csv``, accuracy;
- ``ood``: ``benchmarks/results/ood.csv``, every detector's AUROC;
- ``new_rows`` and ``new_rows_other_groups``: the two new-rows files, accuracy on the
  fitting rows and on new rows;
- ``embed``: ``benchmarks/results/embed.csv``, 5-NN accuracy and trustworthiness;
- ``n_clusters``: ``benchmarks/results/n_clusters_2026-12-07/n_clusters_raw.csv`` (the
  default cases, with the modularity on 5 and 15 neighbours), every criterion;
- ``scale``: ``benchmarks/results/scale_current.csv``, both estimators' figures;
- ``disentangle``: ``benchmarks/results/disentangle.csv``, MIG and DCI.

A fit run again on the same machine with the same threads gives the same figures to the
last digit, so by default any difference is reported (``--tol`` widens that). Fits on
another machine differ by its floating point, which is why a difference is a lead to
look at, not by itself a regression. Run from the repository root with one thread, as the
stored runs were (the load on the machine moves the times, not the figures)::

    OMP_NUM_THREADS=1 python benchmarks/check_results.py
    OMP_NUM_THREADS=1 python benchmarks/check_results.py --checks low_dimensional ood --seeds 0

It prints, for each check, the figures that differ most (stored, now, difference; all of
them in ``differences.csv`` beside the run's files) and a line of counts, keeps each
run's files and log under ``--out`` (a scratch folder by default), and exits with status
1 where any figure differs or a run fails.
"""

import argparse
import dataclasses
import pathlib
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd

HERE = pathlib.Path(__file__).resolve().parent
RESULTS = HERE / "results"


@dataclasses.dataclass(frozen=True)
class Check:
    """How to run one benchmark again and compare it with its stored file.

    ``script`` runs with ``arguments(stored)`` (a function of the stored table, whose
    data sets it repeats), the stored seeds where ``seeded`` (else the script has no
    ``--seeds``), and ``--out``: the scratch folder, or the file ``produced`` in it where
    ``out_is_file``. Rows are matched on ``keys``, and their ``scores`` compared.
    """

    script: str
    stored: str
    produced: str
    keys: tuple
    scores: tuple
    arguments: object
    out_is_file: bool = False
    seeded: bool = True


def _unique(stored, column):
    return [str(v) for v in pd.unique(stored[column])]


def _datasets(stored):
    return ["--datasets", *_unique(stored, "dataset")]


def _new_rows_check(stored):
    # The baselines of new_rows.py are not run: only the GWAE rows are compared.
    return Check(
        "new_rows.py",
        stored,
        "new_rows.csv",
        ("dataset", "method", "seed"),
        ("acc_fitted", "acc_new"),
        lambda table: [*_datasets(table), "--methods", "GWAE"],
    )


CHECKS = {
    "low_dimensional": Check(
        "low_dimensional.py",
        "low_dimensional.csv",
        "low_dimensional.csv",
        ("dataset", "method", "seed"),
        ("acc",),
        _datasets,
    ),
    "ood": Check(
        "ood.py",
        "ood.csv",
        "ood.csv",
        ("dataset", "method", "seed"),
        ("auroc",),
        _datasets,
    ),
    "new_rows": _new_rows_check("new_rows.csv"),
    "new_rows_other_groups": _new_rows_check("new_rows_other_groups/new_rows.csv"),
    "embed": Check(
        "embed.py",
        "embed.csv",
        "embed.csv",
        ("dataset", "n_components", "method", "seed"),
        ("knn_acc", "trust"),
        lambda stored: [*_datasets(stored), "--components", *_unique(stored, "n_components")],
        out_is_file=True,
    ),
    "n_clusters": Check(
        "n_clusters.py",
        "n_clusters_2026-12-07/n_clusters_raw.csv",
        "n_clusters_raw.csv",
        ("kind", "true_k", "cluster_std", "k"),
        (
            "gwae_eigengap", "gwae_geodesic_silhouette", "gwae_silhouette",
            "gwae_modularity", "gwae_bic", "gwae_aic", "gwae_score",
            "gwae_modularity_nn5", "gwae_modularity_nn15",
        ),
        # The default cases; the seeds are the script's own (one fit per case and k).
        lambda stored: ["--modularity-neighbors", "5", "15"],
        seeded=False,
    ),
    "scale": Check(
        "scale.py",
        "scale_current.csv",
        "scale.csv",
        ("dataset", "scale", "seed"),
        ("acc", "knn_acc", "trust"),
        lambda stored: [
            *_datasets(stored), "--scales", *[repr(float(s)) for s in pd.unique(stored["scale"])]
        ],
        out_is_file=True,
    ),
    "disentangle": Check(
        "disentangle.py",
        "disentangle.csv",
        "disentangle.csv",
        ("method", "nets", "metric", "seed"),
        ("mig", "dci_d", "dci_c", "dci_i"),
        lambda stored: ["--nets", *[n for n in _unique(stored, "nets") if n != "-"]],
    ),
}


def command(check, stored, out, seeds=None):
    """The command line of ``check``'s run into the folder ``out``, on the data sets (and
    seeds, or ``seeds`` where given) of its ``stored`` table."""
    args = [sys.executable, str(HERE / check.script), *check.arguments(stored)]
    if check.seeded:
        args += ["--seeds", *(str(s) for s in (seeds or pd.unique(stored["seed"])))]
    args += ["--out", str(out / check.produced if check.out_is_file else out)]
    return args


def compare(check, stored, fresh, tol=0.0):
    """The rows of ``fresh`` whose scores differ from ``stored``'s by more than ``tol``
    (or that ``stored`` lacks), as a table of keys, score, stored, now and difference;
    and the number of rows compared."""
    keys = list(check.keys)
    new, old = _keyed(fresh, keys), _keyed(stored, keys)
    rows = []
    for index, row in new.iterrows():
        for score in check.scores:
            if score not in new.columns:
                continue
            now = row[score]
            before = old[score].get(index, np.nan) if score in old.columns else np.nan
            both_nan = pd.isna(now) and pd.isna(before)
            if both_nan or (
                not pd.isna(now) and not pd.isna(before) and abs(now - before) <= tol
            ):
                continue
            key = dict(zip(keys, index if isinstance(index, tuple) else (index,)))
            rows.append({**key, "score": score, "stored": before, "now": now,
                         "difference": now - before})
    return pd.DataFrame(rows), len(new)


def _keyed(table, keys):
    """``table`` indexed by its ``keys`` as text (``_key_text``), one row per key."""
    table = table.copy()
    for key in keys:
        table[key] = table[key].map(_key_text)
    return table.drop_duplicates(keys, keep="last").set_index(keys)


def _key_text(value):
    # Keys as text, so that a seed read as a float (a column with a missing value) still
    # matches the same seed read as an int.
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def run_check(name, out, seeds=None, tol=0.0, show=20, results=RESULTS):
    """Run the check ``name`` into ``out / name`` and print its ``show`` largest
    differences; return the number of differing figures (None where the run failed)."""
    check = CHECKS[name]
    stored = pd.read_csv(results / check.stored)
    folder = out / name
    folder.mkdir(parents=True, exist_ok=True)
    args = command(check, stored, folder, seeds)
    print(f"== {name}: {' '.join(args[1:])}", flush=True)
    with open(folder / "log.txt", "w") as log:
        done = subprocess.run(args, stdout=log, stderr=subprocess.STDOUT, cwd=HERE.parent)
    if done.returncode != 0:
        print(f"   the run failed (status {done.returncode}); see {folder / 'log.txt'}")
        return None
    fresh = pd.read_csv(folder / check.produced)
    if seeds and check.seeded:
        stored = stored[stored["seed"].isin(seeds)]
    differences, n_rows = compare(check, stored, fresh, tol)
    if len(differences):
        largest = differences.reindex(
            differences["difference"].abs().sort_values(ascending=False, na_position="first").index
        ).head(show)
        print(largest.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
        (folder / "differences.csv").write_text(differences.to_csv(index=False))
    print(f"   {n_rows} rows compared, {len(differences)} figures differ", end="")
    if len(differences):
        print(f" (the largest {min(show, len(differences))} above; all in "
              f"{folder / 'differences.csv'})", end="")
    print(flush=True)
    return len(differences)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checks", nargs="+", choices=list(CHECKS), default=list(CHECKS))
    parser.add_argument(
        "--seeds", nargs="+", type=int, help="only these seeds (default: the stored ones)"
    )
    parser.add_argument("--tol", type=float, default=0.0, help="differences up to this pass")
    parser.add_argument(
        "--show", type=int, default=20, help="differences printed per check, largest first"
    )
    parser.add_argument("--out", help="folder of the runs' files (default: a scratch one)")
    args = parser.parse_args(argv)
    out = pathlib.Path(args.out or tempfile.mkdtemp(prefix="check_results_"))
    print(f"# runs under {out}")
    failed, differing = [], 0
    for name in args.checks:
        found = run_check(name, out, args.seeds, args.tol, args.show)
        if found is None:
            failed.append(name)
        else:
            differing += found
    print(f"\n{differing} figures differ; runs failed: {', '.join(failed) or 'none'}")
    return 1 if differing or failed else 0


if __name__ == "__main__":
    sys.exit(main())
