"""The main job on a built-in data set: embed and cluster the digits.

On scikit-learn's digits (1797 images of 8x8 pixels, scaled to [0, 1]; no download):

- embedding: GWAETransformer and PCA at 2 components, with 5-NN accuracy,
  trustworthiness, GW distortion and fit seconds; a table (digits_demo.csv) and a figure
  of the two embeddings (digits_demo.png);
- clustering: GWAEClusterer and KMeans with 10 clusters, with Hungarian-matched accuracy,
  NMI, ARI and fit seconds; a table (digits_cluster.csv);
- the skgwae.plotting helpers on those fits: the transformer's training history
  (digits_history.png), the clusterer's 10-D latent space in 2-D coloured by digit
  (digits_latent.png), and images it generates from its prior and reconstructs
  (digits_samples.png).

Everything goes to the output folder.

    tox -e demo                                   # from a fresh checkout
    python benchmarks/demo_digits.py --out demo   # in an environment with skgwae installed
"""

import argparse
import pathlib
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.manifold import trustworthiness  # noqa: E402
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score  # noqa: E402
from sklearn.model_selection import cross_val_score  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402

from skgwae import GWAEClusterer, GWAETransformer  # noqa: E402
from skgwae.metrics import cluster_accuracy, gw_distortion  # noqa: E402
from skgwae.plotting import plot_history, plot_latent, plot_samples  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description="Embed and cluster the digits")
    parser.add_argument("--out", default="demo", help="folder for the table and the figure")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    models = {
        "PCA": PCA(n_components=2, random_state=args.seed),
        "GWAE": GWAETransformer(n_components=2, random_state=args.seed, verbose=1),
    }
    rows, embeddings = [], {}
    for name, model in models.items():
        start = time.perf_counter()
        Z = model.fit_transform(X)
        seconds = time.perf_counter() - start
        embeddings[name] = Z
        rows.append(
            {
                "method": name,
                "knn_acc": cross_val_score(KNeighborsClassifier(5), Z, y, cv=5).mean(),
                "trustworthiness": trustworthiness(X, Z, n_neighbors=5),
                "gw_distortion": gw_distortion(X, Z, random_state=args.seed),
                "fit_s": seconds,
            }
        )
    table = pd.DataFrame(rows)
    gwae = models["GWAE"]
    print(f"digits, 2 components, seed {args.seed}  (higher is better except gw_distortion)")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(
        f"GWAE: {gwae.n_iter_} epochs, kappa_={gwae.kappa_:.3f}, "
        f"score (label-free criterion) on the data = {gwae.score(X):.3f}"
    )
    table.to_csv(out / "digits_demo.csv", index=False)

    fig, axes = plt.subplots(1, 2, figsize=(11, 5))
    for ax, (name, Z) in zip(axes, embeddings.items()):
        points = ax.scatter(Z[:, 0], Z[:, 1], c=y, cmap="tab10", s=6)
        row = table.set_index("method").loc[name]
        ax.set_title(
            f"{name}: 5-NN {row.knn_acc:.2f}, trust {row.trustworthiness:.2f}, "
            f"GW {row.gw_distortion:.3f}"
        )
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(points, ax=axes, label="digit")
    fig.savefig(out / "digits_demo.png", dpi=110, bbox_inches="tight")
    print(f"wrote {out / 'digits_demo.csv'} and {out / 'digits_demo.png'}")

    axes = plot_history(gwae)
    axes[0].figure.savefig(out / "digits_history.png", dpi=90, bbox_inches="tight")
    clusterer = cluster(X, y, args.seed, out)
    plots(clusterer, X, y, args.seed, out)


def plots(clusterer, X, y, seed, out):
    """The latent space of the fitted clusterer, and images from it."""
    ax = plot_latent(clusterer, X, y, s=6)
    ax.set_title("GWAEClusterer latent means (PCA of 10-D), coloured by digit")
    ax.figure.savefig(out / "digits_latent.png", dpi=90, bbox_inches="tight")
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    plot_samples(
        clusterer, (8, 8), n_samples=32, n_cols=8, random_state=seed, cmap="gray_r", ax=left
    )
    left.set_title("samples from the prior (tag: component)")
    plot_samples(clusterer, (8, 8), X=X[:16], n_cols=8, cmap="gray_r", ax=right)
    right.set_title("digits and their reconstructions")
    fig.savefig(out / "digits_samples.png", dpi=90, bbox_inches="tight")
    print(f"wrote digits_history.png, digits_latent.png and digits_samples.png in {out}")


def cluster(X, y, seed, out):
    """GWAEClusterer against KMeans, 10 clusters; prints and saves the table, returns the
    fitted GWAEClusterer."""
    models = {
        "KMeans": KMeans(n_clusters=10, random_state=seed),
        "GWAE": GWAEClusterer(n_clusters=10, random_state=seed, verbose=1),
    }
    rows = []
    for name, model in models.items():
        start = time.perf_counter()
        labels = model.fit_predict(X)
        seconds = time.perf_counter() - start
        rows.append(
            {
                "method": name,
                "accuracy": cluster_accuracy(y, labels),
                "nmi": normalized_mutual_info_score(y, labels),
                "ari": adjusted_rand_score(y, labels),
                "fit_s": seconds,
            }
        )
    table = pd.DataFrame(rows)
    print(f"\ndigits, 10 clusters, seed {seed}  (accuracy after Hungarian matching)")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    table.to_csv(out / "digits_cluster.csv", index=False)
    print(f"wrote {out / 'digits_cluster.csv'}")
    return models["GWAE"]


if __name__ == "__main__":
    main()
