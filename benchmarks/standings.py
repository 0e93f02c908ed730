"""Where GWAE stands: the current figures of the benchmarks, read from their result files.

Nothing is fitted here. The script reads the CSV files that the other benchmark scripts
wrote under ``benchmarks/results`` and prints, for each target:

- clustering, one row per data set of ``benchmarks/cluster.py`` (its default sets and the
  groups run with ``--out``): GWAEClusterer's mean accuracy over the seeds, the best of
  KMeans, GaussianMixture, PCA + GaussianMixture and UMAP + GaussianMixture, the bar (that
  best minus 0.01) and the margin to it;
- embedding at 2 components on digits (``benchmarks/embed.py``): 5-NN accuracy and
  trustworthiness of GWAETransformer and PCA, and of GWAETransformer with the longer
  settings for a 2-D picture where ``embed_2d_long.csv`` holds them;
- disentanglement on the shapes (``benchmarks/disentangle.py``): the mean MIG of each
  method;
- outlier detection (``benchmarks/ood.py``): the mean AUROC of each method's
  ``score_samples``.

A table is only as current as the file it reads; the documentation says when and on what
each file was measured. Run from the repository root:

    python benchmarks/standings.py
    python benchmarks/standings.py --results DIR   # another results folder
    python benchmarks/standings.py --compare NAME=CSV ...   # GWAE variants against the bar

``--compare`` prints, instead, the mean accuracy of the GWAE rows of each named
``cluster.csv`` (runs of ``cluster.py --methods GWAE`` with other parameters) beside the
bar of the stored baselines, and how many data sets each variant meets the bar on. The
name ``current`` in place of a file stands for the GWAE rows of every group's file (the
defaults), so a variant run on every set (``cluster.py --datasets every``) is compared
with them on all of them::

    python benchmarks/standings.py --compare ten=current nc20=DIR/cluster.csv
"""

import argparse
import pathlib

import pandas as pd

# The clustering groups: a folder under the results (each run of cluster.py with --out
# writes its own cluster.csv) and the label printed for it.
CLUSTER_GROUPS = {
    ".": "default sets",
    "other_scalings": "other scalings",
    "discrete": "discrete",
    "small": "fewer rows",
    "noise_features": "few informative features",
    "unscaled": "unscaled",
    "held_out": "held out",
    "wide": "wide rows",
    "later": "added later",
    "third": "third held out",
    "rare": "rare features",
    "fourth": "fourth held out",
    "fifth": "fifth held out",
    "sixth": "sixth held out",
    "seventh": "seventh held out",
    "eighth": "eighth held out",
    "ninth": "ninth held out",
    "tenth": "tenth held out",
    "eleventh": "eleventh held out",
    "twelfth": "twelfth held out",
    "thirteenth": "thirteenth held out",
    "fourteenth": "fourteenth held out",
    "fifteenth": "fifteenth held out",
    "sixteenth": "sixteenth held out",
    "seventeenth": "seventeenth held out",
    "eighteenth": "eighteenth held out",
    "nineteenth": "nineteenth held out",
    "twentieth": "twentieth held out",
    "twenty_first": "twenty-first held out",
    "twenty_second": "twenty-second held out",
    "twenty_third": "twenty-third held out",
    "twenty_fourth": "twenty-fourth held out",
    "twenty_fifth": "twenty-fifth held out",
    "twenty_sixth": "twenty-sixth held out",
    "twenty_seventh": "twenty-seventh held out",
    "twenty_eighth": "twenty-eighth held out",
    "twenty_ninth": "twenty-ninth held out",
    "thirtieth": "thirtieth held out",
}
BASELINES = ["KMeans", "GMM", "PCA+GMM", "UMAP+GMM"]
# GWAE meets the bar when its accuracy is at most this much below the best baseline's.
TOLERANCE = 0.01


def cluster_standings(results):
    """One row per data set: GWAE's mean accuracy against the best baseline's."""
    rows = []
    for folder, group in CLUSTER_GROUPS.items():
        path = results / folder / "cluster.csv"
        if not path.exists():
            continue
        runs = pd.read_csv(path)
        accuracy = runs.groupby(["dataset", "method"], sort=False)["acc"].mean().unstack()
        for dataset, scores in accuracy.iterrows():
            baselines = scores.reindex(BASELINES).dropna()
            # unstack gives every data set every method's column, NaN where it did not run.
            if pd.isna(scores.get("GWAE")) or baselines.empty:
                continue
            bar = baselines.max() - TOLERANCE
            rows.append(
                {
                    "group": group,
                    "dataset": dataset,
                    "seeds": runs.loc[runs["dataset"] == dataset, "seed"].nunique(),
                    "GWAE": scores["GWAE"],
                    "best baseline": baselines.idxmax(),
                    "its acc": baselines.max(),
                    "bar": bar,
                    "margin": scores["GWAE"] - bar,
                }
            )
    return pd.DataFrame(rows)


# The name --compare takes for the standings' own GWAE rows.
CURRENT = "current"


def current_runs(results):
    """The runs of every group's ``cluster.csv`` under ``results``, in one table."""
    paths = [results / folder / "cluster.csv" for folder in CLUSTER_GROUPS]
    return pd.concat([pd.read_csv(path) for path in paths if path.exists()], ignore_index=True)


def compare_variants(results, variants):
    """Each variant's mean GWAE accuracy per data set beside the stored bar.

    ``variants`` maps a name to the path of a ``cluster.csv`` whose GWAE rows are the
    variant's, or to ``"current"``: the GWAE rows of every group's file under
    ``results`` (:func:`current_runs`); a data set is kept where every variant has GWAE
    rows and the standings have a bar. Returns the table (data set, bar, one column per
    variant) and a summary per variant over those data sets: how many are at or above the
    bar, the mean accuracy, the mean of the standard deviations over seeds, and the mean
    of the worst seed's accuracy.
    """
    standings = cluster_standings(results).set_index("dataset")
    table = standings[["group", "bar"]].copy()
    spread, worst = {}, {}
    for name, path in variants.items():
        runs = current_runs(results) if path == CURRENT else pd.read_csv(path)
        accuracy = runs[runs["method"] == "GWAE"].groupby("dataset")["acc"]
        table[name] = accuracy.mean()
        spread[name], worst[name] = accuracy.std(ddof=1), accuracy.min()
    table = table.dropna()
    kept = table.index
    summary = pd.DataFrame(
        {
            "at or above the bar": [(table[name] >= table["bar"]).sum() for name in variants],
            "mean accuracy": [table[name].mean() for name in variants],
            "seed std": [spread[name].reindex(kept).mean() for name in variants],
            "worst seed": [worst[name].reindex(kept).mean() for name in variants],
        },
        index=list(variants),
    )
    return table.reset_index(), summary


# The file of the longer fit for a 2-D picture (the user guide's settings, not the
# defaults), and the name its GWAE rows get in the table.
PICTURE_FILE = "embed_2d_long.csv"
PICTURE_METHOD = "GWAE, 2-D picture settings"


def group_counts(clusters):
    """``(group, sets at or above the bar, sets)`` for each group of ``cluster_standings``,
    in its order."""
    at_bar = clusters["margin"] >= 0
    return [
        (group, int(at_bar[rows.index].sum()), len(rows))
        for group, rows in clusters.groupby("group", sort=False)
    ]


def embedding_standings(results):
    """5-NN accuracy and trustworthiness at 2 components on digits, by method; the GWAE
    rows of ``PICTURE_FILE``, where it exists, as ``PICTURE_METHOD``."""
    runs = pd.read_csv(results / "embed.csv")
    picture = results / PICTURE_FILE
    if picture.exists():
        longer = pd.read_csv(picture)
        longer = longer[longer["method"] == "GWAE"].assign(method=PICTURE_METHOD)
        runs = pd.concat([runs, longer], ignore_index=True)
    digits = runs[(runs["dataset"] == "digits") & (runs["n_components"] == 2)]
    return digits.groupby("method")[["knn_acc", "trust"]].mean()


def disentanglement_standings(results):
    """Mean MIG by method (and networks and metric, for the GWAE rows)."""
    runs = pd.read_csv(results / "disentangle.csv")
    return runs.groupby(["method", "nets", "metric"])["mig"].mean().sort_values(ascending=False)


def outlier_standings(results):
    """Mean AUROC of each method's whole score (not its terms), by data set."""
    runs = pd.read_csv(results / "ood.csv")
    whole = runs[~runs["method"].str.contains(":")]
    return whole.groupby(["dataset", "method"])["auroc"].mean().unstack(0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", default="benchmarks/results", type=pathlib.Path)
    parser.add_argument(
        "--compare", nargs="+", metavar="NAME=CSV", help="GWAE rows to compare with the bar"
    )
    args = parser.parse_args()
    pd.set_option("display.width", 120)
    if args.compare:
        variants = dict(item.rsplit("=", 1) for item in args.compare)
        table, summary = compare_variants(args.results, variants)
        print(table.to_string(index=False, float_format="{:.3f}".format), "\n")
        print(summary.to_string(float_format="{:.3f}".format))
        return
    clusters = cluster_standings(args.results)
    print("Clustering accuracy (mean over seeds); bar = best baseline - 0.01")
    print(clusters.to_string(index=False, float_format="{:.3f}".format))
    counts = group_counts(clusters)
    met = sum(at_bar for _, at_bar, _ in counts)
    print(f"GWAE at or above the bar on {met} of {len(clusters)} data sets.")
    print("By group: " + ", ".join(f"{g} {m} of {n}" for g, m, n in counts))
    print()
    print("Embedding of digits at 2 components")
    print(embedding_standings(args.results).to_string(float_format="{:.3f}".format), "\n")
    print("Disentanglement on the shapes: MIG")
    print(disentanglement_standings(args.results).to_string(float_format="{:.3f}".format))
    print()
    print("Outlier detection: AUROC of score_samples")
    print(outlier_standings(args.results).to_string(float_format="{:.3f}".format))


if __name__ == "__main__":
    main()
