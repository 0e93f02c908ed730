"""Confusion matrices where GWAE misses its targets: which classes it mixes, and how.

Two parts, each against the method it is compared with:

- clustering: for each data set of ``benchmarks/cluster.py`` (by default those where
  GWAEClusterer is below the bar in the current results, as ``benchmarks/standings.py``
  reads them), GWAEClusterer with its defaults (only ``n_clusters``) and the best baseline
  there, each seed. Clusters are matched to classes as ``cluster_accuracy`` does
  (Hungarian method); a cluster matched to no class is column ``-``. The matrices are
  summed over the seeds (each seed's clusters matched on their own), so that an entry
  counts rows of every fit.
- embedding (``--embedding``): the 5-fold cross-validated predictions of a 5-nearest-
  neighbour classifier on the 2-component codes of digits, GWAETransformer (defaults)
  against UMAP, summed over the seeds.

For each matrix it prints the largest off-diagonal entries (rows of class a put with
class b), and it writes every entry to ``<out>/confusion_clusters.csv`` and
``<out>/confusion_embedding.csv`` (columns: part, dataset, method, seed, true, assigned,
count; ``assigned`` is the class a cluster was matched to, or ``-``).

Where the clusterer loses accuracy, by stage: for each GWAEClusterer fit it also records
the partition of the training rows that its last step found and refined (before the
steps that train towards it; read by wrapping the clusterer's private
``fit_latent_mixture``, as ``benchmarks/latent_mixture.py`` does), and reports the
accuracy of that partition on those rows, of the fitted clusterer's labels on the same
rows, and how often the two agree (``<out>/confusion_stages.csv``). Run from the
repository root:

    python benchmarks/confusion.py                     # the sets below the bar, seeds 0-2
    python benchmarks/confusion.py --datasets iris_noise digits_900 --seeds 0
    python benchmarks/confusion.py --embedding         # also digits at 2 components
"""

import argparse
import pathlib
import platform
import warnings

import numpy as np
import pandas as pd
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import confusion_matrix
from sklearn.model_selection import cross_val_predict
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors

import skgwae.clusterer
from skgwae import GWAEClusterer, GWAETransformer
from skgwae._data import scale_rows
from skgwae.metrics import cluster_accuracy

# The other benchmark scripts (benchmarks/ is on sys.path when a script there runs).
from cluster import _umap
from cluster import load as load_cluster_set
from cluster import methods as cluster_methods
from embed import load as load_embed_set
from new_rows import class_cluster_counts, class_of_cluster
from standings import cluster_standings

# Off-diagonal entries printed per matrix.
N_LARGEST = 5


def matched_counts(y, labels):
    """Rows of each class (index) by the class their cluster was matched to (columns; "-"
    for a cluster matched to none), as cluster_accuracy matches them."""
    found = class_cluster_counts(y, labels)
    classes, clusters, counts = found
    matching = class_of_cluster(y, labels, found)
    names = np.array([matching.get(cluster, "-") for cluster in clusters], dtype=object)
    table = pd.DataFrame(counts[: len(classes), : len(clusters)], index=classes, columns=names)
    # Clusters matched to no class are added up into one column.
    return table.T.groupby(level=0, sort=False).sum().T


def long_rows(table, **keys):
    return [
        {**keys, "true": true, "assigned": assigned, "count": int(count)}
        for (true, assigned), count in table.stack().items()
    ]


def largest_confusions(table, n=N_LARGEST):
    """The n largest off-diagonal entries, as 'a->b: count (share of class a)'."""
    entries = []
    for true in table.index:
        for assigned in table.columns:
            if assigned != true and table.at[true, assigned] > 0:
                count = table.at[true, assigned]
                share = count / table.loc[true].sum()
                entries.append((count, f"{true}->{assigned}: {count} ({share:.0%})"))
    return [text for _, text in sorted(entries, key=lambda e: -e[0])[:n]]


def summed(tables):
    """The sum of matched tables (classes as index, matched classes or "-" as columns)."""
    total = pd.concat(tables).groupby(level=0).sum()
    ordered = [c for c in total.index if c in total.columns]
    rest = [c for c in total.columns if c not in ordered]
    return total.reindex(columns=ordered + rest, fill_value=0).astype(int)


def show(title, table, accuracy):
    print(f"\n{title}: accuracy {accuracy:.3f} (diagonal / all rows, over the seeds)")
    print(table.to_string())
    print("largest confusions:", "; ".join(largest_confusions(table)) or "none")


def diagonal_share(table):
    matched = sum(table.at[c, c] for c in table.index if c in table.columns)
    return matched / table.to_numpy().sum()


class PartitionRecorder:
    """While in use, records each partition that GWAEClusterer's last step finds: its
    training rows and their labels (the components' indices)."""

    def __init__(self):
        self.partitions = []
        self._original = skgwae.clusterer.fit_latent_mixture

    def _recording(self, codes, *args, rows=None, **kwargs):
        mixture = self._original(codes, *args, rows=rows, **kwargs)
        if rows is not None and mixture.labels is not None:
            self.partitions.append((np.asarray(rows(mixture.index)), mixture.labels))
        return mixture

    def __enter__(self):
        skgwae.clusterer.fit_latent_mixture = self._recording
        return self

    def __exit__(self, *exc_info):
        skgwae.clusterer.fit_latent_mixture = self._original


def stage_row(X, y, labels, partition):
    """Accuracy of the partition on its training rows, of the clusterer's labels on the
    same rows, and their agreement; the rows are found in X as their nearest rows (the
    clusterer may hold them in float32)."""
    train_rows, part_labels = partition
    distance, position = NearestNeighbors(n_neighbors=1).fit(X).kneighbors(train_rows)
    if distance.max() > 1e-4 * (1.0 + np.abs(X).max()):
        raise RuntimeError("a training row of the partition is not a row of X")
    position = position[:, 0]
    return {
        "partition_acc": cluster_accuracy(y[position], part_labels),
        "labels_acc": cluster_accuracy(y[position], labels[position]),
        "agreement": float(np.mean(labels[position] == part_labels)),
        "all_rows_acc": cluster_accuracy(y, labels),
    }


def cluster_part(datasets, seeds, results):
    """(confusion entries, stage rows) of GWAEClusterer and the best baseline."""
    standings = cluster_standings(results).drop_duplicates("dataset").set_index("dataset")
    rows, stages = [], []
    for name in datasets:
        X, y = load_cluster_set(name)
        k = len(np.unique(y))
        baseline = standings.at[name, "best baseline"] if name in standings.index else "GMM"
        for method in ("GWAE", baseline):
            tables = []
            for seed in seeds:
                if method == "GWAE":
                    with PartitionRecorder() as recorder:
                        clusterer = GWAEClusterer(k, random_state=seed).fit(X)
                    labels = clusterer.labels_
                    # The partition's rows are in the model's units (standardised and
                    # weighted where the clusterer did so); X is matched to them in those
                    # units, since a feature of weight 0 cannot be mapped back.
                    X_model = scale_rows(np.asarray(X), clusterer.model_.input_scaling())
                    stage = stage_row(X_model, y, labels, recorder.partitions[-1])
                    stages.append({"dataset": name, "seed": seed, **stage})
                else:
                    labels = dict(cluster_methods(k, X.shape[1], seed, {}))[method](X)
                table = matched_counts(y, labels)
                tables.append(table)
                rows += long_rows(table, part="clusters", dataset=name, method=method, seed=seed)
            total = summed(tables)
            show(f"{name}, {method}", total, diagonal_share(total))
    stages = pd.DataFrame(stages)
    print("\nGWAEClusterer by stage (means over the seeds): the refined partition's accuracy")
    print("on its training rows, the final labels' on the same rows, their agreement")
    print(stages.groupby("dataset", sort=False).mean().drop(columns="seed").to_string(
        float_format="{:.3f}".format))
    return pd.DataFrame(rows), stages


def embedding_part(seeds):
    X, y = load_embed_set("digits")
    rows = []
    for method in ("GWAE", "UMAP"):
        tables = []
        for seed in seeds:
            if method == "GWAE":
                Z = GWAETransformer(n_components=2, random_state=seed).fit_transform(X)
            else:
                Z = _umap(2, seed).fit_transform(X)
            predicted = cross_val_predict(KNeighborsClassifier(n_neighbors=5), Z, y, cv=5)
            table = pd.DataFrame(
                confusion_matrix(y, predicted), index=np.unique(y), columns=np.unique(y)
            )
            tables.append(table)
            rows += long_rows(table, part="embedding", dataset="digits", method=method, seed=seed)
        total = summed(tables)
        show(f"digits at 2 components, 5-NN on {method}", total, diagonal_share(total))
    return pd.DataFrame(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--datasets", nargs="+", help="data sets of cluster.py (default: those below the bar)"
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--embedding", action="store_true", help="also digits at 2 components")
    parser.add_argument("--results", default="benchmarks/results", type=pathlib.Path)
    parser.add_argument("--out", default="benchmarks/results", type=pathlib.Path)
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    # umap-learn warns on every seeded fit that it runs on one thread.
    warnings.filterwarnings("ignore", message="n_jobs value", category=UserWarning)
    pd.set_option("display.width", 160)
    print(f"# {platform.processor() or platform.machine()}, torch {torch.__version__}")
    datasets = args.datasets
    if datasets is None:
        standings = cluster_standings(args.results)
        datasets = list(standings.loc[standings["margin"] < 0, "dataset"].unique())
    args.out.mkdir(parents=True, exist_ok=True)
    entries, stages = cluster_part(datasets, args.seeds, args.results)
    entries.to_csv(args.out / "confusion_clusters.csv", index=False)
    stages.to_csv(args.out / "confusion_stages.csv", index=False)
    if args.embedding:
        embedding_part(args.seeds).to_csv(args.out / "confusion_embedding.csv", index=False)


if __name__ == "__main__":
    main()
