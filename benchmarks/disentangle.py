"""Disentanglement benchmark on the procedural shapes set (skgwae.datasets.make_shapes).

Images of a square, an ellipse or a heart with independent factors shape, scale, orientation
and position x, y (discrete grids: 3 x 6 x 16 x 16 x 16 values), flattened to rows. Each
method embeds them in the same number of latent coordinates; the codes are scored against
the factors with the mutual information gap (MIG, and the gap of each factor, whose mean
it is) and DCI disentanglement, completeness and informativeness (skgwae.metrics).
Methods: PCA, FastICA (and, when the geodesic metric is asked for, Isomap with as many
components, with 2 (``Isomap-2``), and FastICA on Isomap's coordinates, ``Isomap+FastICA``:
the most independent axes of codes that keep the geodesic distances, which is what a
factorized prior can choose among such codes), and
GWAETransformer with the ``gaussian``, ``neural`` and ``factorized_neural`` priors (or
those of ``--priors``), each with MLP networks and with convolutional ones
(``image_shape``), and with each data-side ``metric`` asked for (``--metrics``, by
default the estimator's ``"auto"``; ``--n-neighbors`` for an explicit geodesic one). Also the fit seconds, epochs and seconds per
epoch.

``mig_principal`` is the MIG of the codes' principal components (PCA of the codes, as
many as there are coordinates): what the codes hold up to a rotation. A rotation keeps
the codes' distances, and so the GW term; only the prior (a factorized one) and, weakly,
the encoder's noise (independent coordinate by coordinate) can pick the axes. A code can
carry a factor along a direction that is no coordinate, and MIG counts a factor only
where one coordinate carries it.

Writes every run to ``<out>/disentangle.csv``, prints mean and standard deviation over the
seeds, and draws ``<out>/shapes_gwae.png``: reconstructions, samples from the prior and a
latent traversal of the GWAE with the factorized neural prior and convolutional networks
(first seed). Options that change a setting add it to both names (``--lambda-h 0.5``:
``disentangle_lambda_h0.5.csv``; ``--data-seed 0``: ``..._data0``).

    python benchmarks/disentangle.py                      # as in README.rst (about 10 min)
    python benchmarks/disentangle.py --lambda-h 0.5       # a stronger entropy term
    python benchmarks/disentangle.py --learning-rate 0.02 # one rate for every network
    python benchmarks/disentangle.py --nets mlp --metrics euclidean geodesic --n-neighbors 10
    python benchmarks/disentangle.py --nets mlp --metrics geodesic --priors factorized_neural \
        --param coupling=critic                           # any other parameter
    python benchmarks/disentangle.py --n-samples 1000 --max-iter 5 --seeds 0   # a smoke run
"""

import argparse
import pathlib
import time
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.decomposition import PCA, FastICA  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.manifold import Isomap  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

from embed import parse_params  # noqa: E402

from skgwae import GWAETransformer  # noqa: E402
from skgwae.datasets import make_shapes  # noqa: E402
from skgwae.metrics import dci_disentanglement, mutual_information_gap  # noqa: E402
from skgwae.plotting import plot_samples, plot_traversal  # noqa: E402

PRIORS = ("gaussian", "neural", "factorized_neural")
# Also selectable with --priors: a fixed factorized prior (independent uniform coordinates).
OTHER_PRIORS = ("uniform",)
# The data set is the same for every seed (--data-seed draws another); the seeds vary
# the methods.
DATA_SEED = 1000


def methods(args, seed):
    """(name, networks, estimator) for each method at one seed (the GWAE for each metric)."""
    k = args.n_components
    yield "PCA", "-", PCA(k, random_state=seed)
    yield "FastICA", "-", FastICA(k, random_state=seed, max_iter=1000)
    if "geodesic" in args.metrics:
        # The embedding that keeps the same geodesic distances by an eigendecomposition.
        yield "Isomap", "-", Isomap(n_neighbors=args.n_neighbors, n_components=k)
        # Its two leading directions alone (the position factors x and y): a reference for
        # the MIG that keeping the geodesic distances can give these images.
        yield "Isomap-2", "-", Isomap(n_neighbors=args.n_neighbors, n_components=2)
        # Isomap's coordinates turned to be as independent as FastICA can make them: the
        # axes that a factorized prior, which asks the codes for independent coordinates,
        # could pick among codes that keep the geodesic distances as Isomap's do.
        yield "Isomap+FastICA", "-", make_pipeline(
            Isomap(n_neighbors=args.n_neighbors, n_components=k),
            FastICA(k, random_state=seed, max_iter=1000),
        )
    shape = (args.image_size, args.image_size)
    for metric in args.metrics:
        for nets in args.nets:
            for prior in args.priors:
                est = GWAETransformer(
                    n_components=k,
                    prior=prior,
                    image_shape=shape if nets == "conv" else None,
                    metric=metric,
                    max_iter=args.max_iter,
                    random_state=seed,
                )
                if metric == "geodesic":
                    est.set_params(n_neighbors=args.n_neighbors)
                if args.lambda_h is not None:
                    est.set_params(lambda_h=args.lambda_h)
                if args.learning_rate is not None:
                    est.set_params(learning_rate=args.learning_rate)
                est.set_params(**args.params)
                yield f"GWAE-{prior}", nets, est


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=3000)
    parser.add_argument("--image-size", type=int, default=32)
    parser.add_argument("--n-components", type=int, default=10)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument(
        "--data-seed",
        type=int,
        default=DATA_SEED,
        help="draw of the images (another than the default adds _data<seed> to the names)",
    )
    parser.add_argument("--max-iter", type=int, default=60, help="epochs cap of the GWAE fits")
    parser.add_argument("--nets", nargs="+", default=["mlp", "conv"], choices=["mlp", "conv"])
    parser.add_argument(
        "--metrics",
        nargs="+",
        default=["auto"],
        choices=["auto", "euclidean", "cosine", "geodesic", "potential"],
        help="data-side metrics of the GWAE fits, each a set of rows (default: auto, the "
        "estimator's default, which gives these 3,000 rows the geodesic metric with 5 "
        "neighbours); other than the default, the results go to disentangle_<metrics>.csv "
        "(geodesic written with its n_neighbors, as geodesic10)",
    )
    parser.add_argument(
        "--n-neighbors",
        type=int,
        default=10,
        help="n_neighbors of --metrics geodesic (and of Isomap)",
    )
    parser.add_argument(
        "--lambda-h",
        type=float,
        default=None,
        help="weight of the GWAE entropy term (default: the estimator's); the results go to "
        "disentangle_lambda_h<value>.csv and the figure to shapes_gwae_lambda_h<value>.png",
    )
    parser.add_argument(
        "--learning-rate",
        type=float,
        default=None,
        help="learning_rate of the GWAE fits (default: the estimator's); the results go to "
        "disentangle_lr<value>.csv and the figure to shapes_gwae_lr<value>.png",
    )
    parser.add_argument(
        "--priors", nargs="+", default=list(PRIORS), choices=PRIORS + OTHER_PRIORS
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a GWAETransformer parameter (repeatable), e.g. --param coupling=critic; the "
        "results go to disentangle_<name><value>.csv",
    )
    parser.add_argument("--out", default="benchmarks/results")
    args = parser.parse_args(argv)
    args.params = parse_params(args.param)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    X, factors = make_shapes(
        args.n_samples, image_size=args.image_size, discrete=True, random_state=args.data_seed
    )
    print(
        f"shapes: {X.shape[0]} images of {args.image_size}x{args.image_size}, factors "
        f"{list(factors.columns)}, {args.n_components} latent coordinates"
    )
    rows, figure_model = [], None
    for seed in args.seeds:
        for name, nets, est in methods(args, seed):
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                Z = est.fit_transform(X)
            seconds = time.perf_counter() - start
            dci = dci_disentanglement(factors, Z, random_state=seed)
            mig, normalized_mi = mutual_information_gap(factors, Z, return_matrix=True)
            principal = PCA(Z.shape[1], random_state=seed).fit_transform(Z)
            epochs = getattr(est, "n_iter_", None)
            history = getattr(est, "history_", None)
            row = {
                "method": name,
                "nets": nets,
                "metric": metric_label(est),
                "seed": seed,
                "mig": mig,
                "mig_principal": mutual_information_gap(factors, principal),
                "dci_d": dci.disentanglement,
                "dci_c": dci.completeness,
                "dci_i": dci.informativeness,
                "fit_s": seconds,
                "epochs": epochs,
                "s_per_epoch": np.median([r["seconds"] for r in history]) if history else None,
            }
            # The gap of each factor, whose mean is the MIG: which factors a code separates.
            top_two = -np.sort(-normalized_mi, axis=0)[:2]
            row.update(
                {f"gap_{f}": g for f, g in zip(factors.columns, top_two[0] - top_two[1])}
            )
            rows.append(row)
            print(
                f"seed {seed} {name:22} {nets:4} {row['metric']:11} MIG {row['mig']:.3f} DCI-D {row['dci_d']:.3f} "
                f"fit {seconds:6.1f} s",
                flush=True,
            )
            if name == "GWAE-factorized_neural" and figure_model is None:
                if nets == "conv" or "conv" not in args.nets:
                    figure_model = est
    runs = pd.DataFrame(rows)
    suffix = "" if args.lambda_h is None else f"_lambda_h{args.lambda_h:g}"
    if args.learning_rate is not None:
        suffix += f"_lr{args.learning_rate:g}"
    suffix += "".join(f"_{name}{value}" for name, value in args.params.items())
    if args.metrics != ["auto"]:
        suffix += "_" + "_".join(
            f"geodesic{args.n_neighbors}" if m == "geodesic" else m for m in args.metrics
        )
    if args.data_seed != DATA_SEED:  # another draw must not overwrite the default's file
        suffix += f"_data{args.data_seed}"
    runs.to_csv(out / f"disentangle{suffix}.csv", index=False)
    table = runs.groupby(["method", "nets", "metric"], sort=False)[
        ["mig", "mig_principal", "dci_d", "dci_c", "dci_i", "fit_s", "s_per_epoch"]
    ].agg(["mean", "std"])
    print("\nmean ± std over seeds", args.seeds)
    print(format_table(table))
    gaps = [c for c in runs.columns if c.startswith("gap_")]
    print("\nmean gap of each factor (MIG is their mean)")
    print(runs.groupby(["method", "nets", "metric"], sort=False)[gaps].mean().round(3).to_string())
    print(f"wrote {out / f'disentangle{suffix}.csv'}")
    if figure_model is not None:
        draw(figure_model, X, args, out / f"shapes_gwae{suffix}.png")


def metric_label(est):
    """The data-side metric of a GWAE fit ("-" for the other methods; ``"auto"``
    resolved), with its neighbourhood size when geodesic."""
    if not isinstance(est, GWAETransformer):
        return "-"
    return f"geodesic{est.n_neighbors}" if est.metric_ == "geodesic" else est.metric_


def format_table(table):
    cells = pd.DataFrame(index=table.index)
    for metric in table.columns.levels[0]:
        if metric not in table:
            continue
        mean, std = table[(metric, "mean")], table[(metric, "std")].fillna(0.0)
        digits = 1 if metric == "fit_s" else 3
        cells[metric] = [
            "-" if pd.isna(m) else f"{m:.{digits}f} ± {s:.{digits}f}" for m, s in zip(mean, std)
        ]
    return cells.to_string()


def draw(est, X, args, path):
    """Reconstructions, prior samples and a latent traversal of one fitted GWAE."""
    shape = (args.image_size, args.image_size)
    fig, axes = plt.subplots(1, 3, figsize=(15, 5.5), width_ratios=[1, 1, 1.1])
    plot_samples(est, shape, X=X[:12], n_cols=6, ax=axes[0])
    axes[0].set_title("shapes and their reconstructions")
    plot_samples(est, shape, n_samples=36, n_cols=6, random_state=0, ax=axes[1])
    axes[1].set_title("samples from the prior")
    plot_traversal(est, X, shape, n_steps=7, ax=axes[2])
    axes[2].set_title("latent traversal (±2 sd per coordinate)")
    fig.suptitle(
        f"GWAETransformer(prior={est.prior!r}, n_components={est.n_components}, "
        f"image_shape={shape}, lambda_h={est.lambda_h!r}) on make_shapes"
    )
    fig.savefig(path, dpi=80, bbox_inches="tight")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
