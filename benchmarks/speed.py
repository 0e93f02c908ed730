"""Speed of the trainer: a GWAETransformer epoch against a bare PyTorch loop.

For synthetic data (n rows of n_features, a random 10-dimensional structure plus noise,
standardised), each configuration runs in its own process (so that its peak memory is its
own) and measures:

- ``fit_s_per_epoch``: the median epoch of ``GWAETransformer(...).fit`` with its defaults
  (validation split and early-stopping score each epoch, history, rollback snapshots),
  from ``history_``;
- ``bare_s_per_epoch``: the median epoch of a plain loop written here, with the same model
  (``skgwae.nn.GWAEModel``, same networks and loss terms), optimisers and batch size, on
  all n rows, and nothing else: no validation, no history, no progress, no snapshots;
- ``ratio``: the two divided; samples per second of each; the peak memory of the process
  (RSS on the CPU, ``torch.cuda.max_memory_allocated`` on a GPU).

``--gw`` instead times the GW term alone (forward and backward) against the batch size,
next to a whole main step: the term is quadratic in the batch.

    python benchmarks/speed.py                       # the table in README.rst
    python benchmarks/speed.py --n 2000 20000 --features 64 --couplings mmd   # a subset
    python benchmarks/speed.py --gw                  # the GW term against the batch size
    python benchmarks/speed.py --device cuda         # the same on a GPU
"""

import argparse
import json
import pathlib
import resource
import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd
import torch

from skgwae import GWAETransformer
from skgwae.nn import GWAEModel
from skgwae.nn.losses import gw_loss
from skgwae.training import Trainer, as_tensor, make_generator


def make_data(n, n_features, seed=0):
    rng = np.random.RandomState(seed)
    latent = rng.normal(size=(n, 10)).astype(np.float32)
    X = np.tanh(latent @ rng.normal(size=(10, n_features)).astype(np.float32))
    X += 0.1 * rng.normal(size=X.shape).astype(np.float32)
    return (X - X.mean(0)) / X.std(0)


def peak_memory_mb(device):
    if device.type == "cuda":
        return torch.cuda.max_memory_allocated(device) / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def bare_epochs(X, coupling, device, epochs, seed=0):
    """Seconds of each epoch of the plain loop: the Trainer's step, nothing around it."""
    est = GWAETransformer(coupling=coupling)  # only for its default sizes
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        model = GWAEModel(
            n_features=X.shape[1],
            n_components=est.n_components,
            hidden_layer_sizes=est.hidden_layer_sizes,
            prior=est.prior,
            coupling=coupling,
            gw_coupling=est.gw_coupling,
            mmd_kernel=est.mmd_kernel,
        ).to(device)
    trainer = Trainer(
        batch_size=64,
        max_epochs=epochs,
        learning_rate=est.learning_rate,
        lambda_w=est.lambda_w,
        lambda_d=est.lambda_d,
        lambda_h=est.lambda_h,
        n_iter_no_change=10**9,
        tol=0.0,
        device=device,
        seed=seed,
        n_critic=est.n_critic,
    )
    main_opt, critic_opt = trainer._optimizers(model)
    X = as_tensor(X, device)
    generator = make_generator(seed, device)
    lw, ld, lh = est.lambda_w, est.lambda_d, est.lambda_h
    n_batches = max(1, round(X.shape[0] / 64))
    seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        perm = torch.randperm(X.shape[0], generator=generator, device=device)
        for idx in torch.tensor_split(perm, n_batches):
            xb = X[idx]
            if critic_opt is not None:
                model.critic.requires_grad_(False)
            terms = model.main_terms(xb, generator)
            loss = terms["gw"] + lw * terms["w"] + ld * terms["d"] + lh * terms["h"]
            main_opt.zero_grad(set_to_none=True)
            loss.backward()
            main_opt.step()
            if critic_opt is not None:
                model.critic.requires_grad_(True)
                with torch.no_grad():
                    mu, logvar = model.encoder(xb)
                for _ in range(est.n_critic):
                    critic_loss = model.critic_loss(xb, mu, logvar, generator)
                    critic_opt.zero_grad(set_to_none=True)
                    critic_loss.backward()
                    critic_opt.step()
        loss.item()  # wait for the device, as the estimator does once per epoch
        seconds.append(time.perf_counter() - start)
    return seconds


def fit_epochs(X, coupling, device, epochs, seed=0):
    est = GWAETransformer(
        coupling=coupling,
        max_iter=epochs,
        n_iter_no_change=10**6,
        device=str(device),
        random_state=seed,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X)
    return [row["seconds"] for row in est.history_]


def one(n, n_features, coupling, device, epochs, which):
    """Run one configuration in this process and print its row as JSON."""
    device = torch.device(device)
    X = make_data(n, n_features)
    if which == "bare":
        seconds = bare_epochs(X, coupling, device, epochs)
        rows = n
    else:
        seconds = fit_epochs(X, coupling, device, epochs)
        rows = n  # the estimator trains on 90 % and scores the other 10 % each epoch
    median = float(np.median(seconds))
    print(
        json.dumps(
            {
                "s_per_epoch": median,
                "samples_per_s": rows / median,
                "peak_mb": peak_memory_mb(device),
            }
        )
    )


def run_in_process(args, n, n_features, coupling, which, epochs):
    command = [
        sys.executable,
        __file__,
        "--one",
        str(n),
        str(n_features),
        coupling,
        which,
        "--epochs",
        str(epochs),
        "--device",
        args.device,
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def table(args):
    rows = []
    for n_features in args.features:
        for coupling in args.couplings:
            for n in args.critic_n if coupling == "critic" and args.critic_n else args.n:
                # Enough epochs for a median, fewer where one epoch is long.
                epochs = max(
                    2, min(args.epochs, int(2e6 // (n * (15 if coupling == "critic" else 1))))
                )
                fit = run_in_process(args, n, n_features, coupling, "fit", epochs)
                bare = run_in_process(args, n, n_features, coupling, "bare", epochs)
                row = {
                    "n": n,
                    "n_features": n_features,
                    "coupling": coupling,
                    "epochs": epochs,
                    "fit_s_per_epoch": fit["s_per_epoch"],
                    "bare_s_per_epoch": bare["s_per_epoch"],
                    "ratio": fit["s_per_epoch"] / bare["s_per_epoch"],
                    "fit_samples_per_s": fit["samples_per_s"],
                    "bare_samples_per_s": bare["samples_per_s"],
                    "fit_peak_mb": fit["peak_mb"],
                    "bare_peak_mb": bare["peak_mb"],
                }
                rows.append(row)
                print(
                    f"n={n:7d} f={n_features:4d} {coupling:6} fit {row['fit_s_per_epoch']:8.3f} s "
                    f"bare {row['bare_s_per_epoch']:8.3f} s ratio {row['ratio']:.2f} "
                    f"peak {row['fit_peak_mb']:.0f}/{row['bare_peak_mb']:.0f} MB",
                    flush=True,
                )
    frame = pd.DataFrame(rows)
    path = pathlib.Path(args.out) / f"speed_{args.device.split(':')[0]}.csv"
    frame.to_csv(path, index=False)
    print(frame.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"wrote {path}")


def gw_cost(args):
    """Seconds of L_GW alone (forward + backward) and of a whole main step, per batch size."""
    device = torch.device(args.device)
    rows = []
    for n_features in args.features:
        X = torch.as_tensor(make_data(8192, n_features), device=device)
        model = GWAEModel(n_features, 10, (128, 128), prior="gaussian", coupling="mmd").to(device)
        for batch in (64, 128, 256, 512, 1024, 2048, 4096):
            xb = X[:batch]
            z = torch.randn(batch, 10, device=device, requires_grad=True)

            def gw_only():
                gw_loss(xb, z, torch.tensor(1.0, device=device), 1.0).backward()

            def main_step():
                terms = model.main_terms(xb)
                (terms["gw"] + terms["w"] + terms["d"] + 0.03 * terms["h"]).backward()

            timings = {
                name: time_it(fn, device) for name, fn in (("gw_s", gw_only), ("step_s", main_step))
            }
            rows.append(
                {
                    "n_features": n_features,
                    "batch": batch,
                    **timings,
                    "gw_share": timings["gw_s"] / timings["step_s"],
                }
            )
            print(rows[-1], flush=True)
    frame = pd.DataFrame(rows)
    path = pathlib.Path(args.out) / f"speed_gw_{args.device.split(':')[0]}.csv"
    frame.to_csv(path, index=False)
    print(frame.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    print(f"wrote {path}")


def time_it(fn, device, repeats=20):
    fn()  # warm up
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    start = time.perf_counter()
    for _ in range(repeats):
        fn()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return (time.perf_counter() - start) / repeats


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[2_000, 20_000, 200_000])
    parser.add_argument("--features", type=int, nargs="+", default=[64, 784])
    parser.add_argument("--couplings", nargs="+", default=["mmd", "critic"])
    parser.add_argument(
        "--critic-n",
        type=int,
        nargs="+",
        default=None,
        help="the n values for the critic (default: --n); a critic epoch costs about 15 MMD epochs",
    )
    parser.add_argument("--epochs", type=int, default=5, help="at most this many per row")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--gw", action="store_true", help="time the GW term per batch size")
    parser.add_argument("--out", default="benchmarks/results")
    parser.add_argument(
        "--one", nargs=4, metavar=("N", "F", "COUPLING", "WHICH"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.one:
        n, f, coupling, which = args.one
        one(int(n), int(f), coupling, args.device, args.epochs, which)
    elif args.gw:
        gw_cost(args)
    else:
        table(args)


if __name__ == "__main__":
    main()
