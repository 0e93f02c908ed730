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
bar of the stored baselines, how many data sets each variant meets the bar on, and,
against the first variant, how many fits and data sets changed, which way, and which data
sets came to meet the bar or ceased to. The name ``current`` in place of a file stands
for the GWAE rows of every group's file (the defaults), so a variant run on every set
(``cluster.py --datasets every``) is compared with them on all of them; a quoted glob
pattern joins the files of a set list split over several runs::

    python benchmarks/standings.py --compare ten=current nc20=DIR/cluster.csv
    python benchmarks/standings.py --compare ten=current "nc20=DIR*/cluster.csv"
"""

import argparse
import glob
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
    "thirty_first": "thirty-first held out",
    "thirty_second": "thirty-second held out",
    "thirty_third": "thirty-third held out",
    "thirty_fourth": "thirty-fourth held out",
    "thirty_fifth": "thirty-fifth held out",
    "thirty_sixth": "thirty-sixth held out",
    "thirty_seventh": "thirty-seventh held out",
    "thirty_eighth": "thirty-eighth held out",
    "thirty_ninth": "thirty-ninth held out",
    "fortieth": "fortieth held out",
    "forty_first": "forty-first held out",
    "forty_second": "forty-second held out",
    "forty_third": "forty-third held out",
    "forty_fourth": "forty-fourth held out",
    "forty_fifth": "forty-fifth held out",
    "forty_sixth": "forty-sixth held out",
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


def variant_runs(results, path):
    """The runs a ``--compare`` variant names: :func:`current_runs` for ``"current"``,
    else those of the ``cluster.csv`` files that ``path`` matches (a file, or a glob
    pattern, so that a set list split over several runs reads as one)."""
    if path == CURRENT:
        return current_runs(results)
    paths = sorted(glob.glob(str(path)))
    if not paths:
        raise FileNotFoundError(f"no file matches {str(path)!r}")
    return pd.concat([pd.read_csv(one) for one in paths], ignore_index=True)


# Accuracies closer than this are the same: a fit run again on one machine gives the same
# float to the last bit, and the CSV keeps it.
SAME_ACCURACY = 1e-12


def compare_variants(results, variants):
    """Each variant's mean GWAE accuracy per data set beside the stored bar.

    ``variants`` maps a name to a path for :func:`variant_runs` (a ``cluster.csv`` whose
    GWAE rows are the variant's, a glob pattern of several, or ``"current"``: the GWAE
    rows of every group's file under ``results``); a data set is kept where every variant
    has GWAE rows and the standings have a bar. Returns the table (data set, bar, one
    column per variant) and a summary per variant over those data sets: how many are at
    or above the bar, the mean accuracy, the mean of the standard deviations over seeds,
    the mean of the worst seed's accuracy, and, against the first variant, how many fits
    (data set and seed) changed, how many data sets' means rose and fell, the mean
    change, and how many data sets came to meet the bar and ceased to
    (:func:`crossed_sets` names them).
    """
    standings = cluster_standings(results).set_index("dataset")
    table = standings[["group", "bar"]].copy()
    spread, worst, fits = {}, {}, {}
    for name, path in variants.items():
        runs = variant_runs(results, path)
        gwae = runs[runs["method"] == "GWAE"]
        accuracy = gwae.groupby("dataset")["acc"]
        table[name] = accuracy.mean()
        spread[name], worst[name] = accuracy.std(ddof=1), accuracy.min()
        fits[name] = gwae.groupby(["dataset", "seed"])["acc"].mean()
    table = table.dropna()
    kept = table.index
    first = next(iter(variants))
    change = {name: table[name] - table[first] for name in variants}
    changed_fits = {}
    for name in variants:
        both = pd.concat({"first": fits[first], "this": fits[name]}, axis=1).dropna()
        both = both[both.index.get_level_values("dataset").isin(kept)]
        changed_fits[name] = int(((both["this"] - both["first"]).abs() > SAME_ACCURACY).sum())
    crossed = {name: crossed_sets(table, first, name) for name in variants}
    summary = pd.DataFrame(
        {
            "at or above the bar": [(table[name] >= table["bar"]).sum() for name in variants],
            "mean accuracy": [table[name].mean() for name in variants],
            "seed std": [spread[name].reindex(kept).mean() for name in variants],
            "worst seed": [worst[name].reindex(kept).mean() for name in variants],
            "fits changed": [changed_fits[name] for name in variants],
            "sets up": [int((change[name] > SAME_ACCURACY).sum()) for name in variants],
            "sets down": [int((change[name] < -SAME_ACCURACY).sum()) for name in variants],
            "mean change": [change[name].mean() for name in variants],
            "crossed up": [len(crossed[name][0]) for name in variants],
            "crossed down": [len(crossed[name][1]) for name in variants],
        },
        index=list(variants),
    )
    return table.reset_index(), summary


def crossed_sets(table, first, name):
    """The data sets of a :func:`compare_variants` table (indexed by data set, or with a
    ``dataset`` column) that meet the bar with variant ``name`` and not with ``first``,
    and those that meet it with ``first`` and not with ``name``."""
    names = table["dataset"] if "dataset" in table.columns else table.index.to_series()
    with_first = table[first] >= table["bar"]
    with_name = table[name] >= table["bar"]
    return names[with_name & ~with_first].tolist(), names[with_first & ~with_name].tolist()


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
        # The mean change is often a few ten-thousandths.
        print(
            summary.to_string(
                float_format="{:.3f}".format, formatters={"mean change": "{:+.4f}".format}
            )
        )
        first = next(iter(variants))
        for name in list(variants)[1:]:
            up, down = crossed_sets(table, first, name)
            print(
                f"{name} against {first}: at the bar now {', '.join(up) or 'none'}; "
                f"no longer {', '.join(down) or 'none'}"
            )
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
