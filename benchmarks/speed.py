"""Speed and memory of the trainer: a GWAETransformer epoch against a bare PyTorch loop.

The table (default mode). For synthetic data (n rows of n_features, a random
10-dimensional structure plus noise, standardised), each configuration runs in its own
process, which alternates, round after round, three ways of training the same model:

- ``bare``: a plain loop written here, with the same model (``skgwae.nn.GWAEModel``, same
  networks and loss terms), optimisers and batch size 64, on all n rows, and nothing
  else: no validation, no history, no progress, no snapshots, and eager steps (on a GPU
  the estimator replays its steps from CUDA graphs, so there the ratio is their gain);
- ``fit``: ``GWAETransformer(early_stopping=False).fit``: the estimator's trainer on the
  same n rows (rollback snapshots, history, interrupt handling and all);
- ``fit_default``: ``GWAETransformer().fit`` with its defaults: it trains on 90 % of the
  rows and scores the other 10 % every epoch for early stopping.

Each round times a few epochs of each (the estimator's from ``history_``); ``ratio`` is
the median over rounds of the fit's median epoch over the bare loop's in the same round,
so slow spells of the machine hit both sides alike. Also the samples per second and the
process's peak memory (RSS on the CPU, ``torch.cuda.max_memory_allocated`` on a GPU).

Other modes:

- ``--gw``: the GW term alone (forward and backward) against the batch size, next to a
  whole main step: the term is quadratic in the batch.
- ``--steps``: a batch of the critic coupling step by step, eagerly, with the trainer's
  CUDA graphs and as one graph (see ``critic_steps``); on a GPU also its kernels.
- ``--options``: the training options (``precision``, ``compile``, torch threads)
  against the defaults, interleaved the same way.
- ``--memmap``: fitting from a ``numpy.memmap`` read by chunks (``working_memory`` of
  16 MiB, so chunks of 1 MiB) against the same array in memory, for growing n: seconds
  per epoch and peak anonymous memory (RssAnon, sampled: a memory-mapped file's pages
  count in RSS but are the page cache's to drop).
- ``--inference``: ``transform``, ``inverse_transform`` and ``predict_proba`` of
  1,000,000 x 64 rows: seconds and the memory they add.

    python benchmarks/speed.py                       # the table in README.rst
    python benchmarks/speed.py --n 2000 20000 --features 64 --couplings mmd   # a subset
    python benchmarks/speed.py --gw | --steps | --options | --memmap | --inference
    python benchmarks/speed.py --device cuda         # the same on a GPU
    python benchmarks/speed.py --device cuda --n 20000 --features 784 --batch-size 256
"""

import argparse
import json
import pathlib
import resource
import subprocess
import sys
import tempfile
import threading
import time
import warnings

import numpy as np
import pandas as pd
import sklearn
import torch

from skgwae import GWAEClusterer, GWAETransformer
from skgwae._validation import effective_lambda_h
from skgwae.nn import GWAEModel
from skgwae.nn.losses import gw_loss, gwae_objective
from skgwae.training import Trainer, TrainingConfig, as_tensor, make_generator
from skgwae.training.graphs import GraphedBackward

RESULTS = pathlib.Path(__file__).parent / "results"
# The estimator's batch size (batch_size="auto" on these rows): the table's default.
ESTIMATOR_BATCH = 64


def make_data(n, n_features, seed=0, out=None, block=100_000):
    """n rows of a noisy 10-dimensional structure, standardised, as float32 (written block
    by block into ``out`` when given, e.g. a memmap, so no float64 copy of it exists)."""
    rng = np.random.RandomState(seed)
    mixing = rng.normal(size=(10, n_features)).astype(np.float32)
    X = np.empty((n, n_features), np.float32) if out is None else out
    for start in range(0, n, block):
        m = min(block, n - start)
        latent = rng.normal(size=(m, 10)).astype(np.float32)
        X[start : start + m] = np.tanh(latent @ mixing) + 0.1 * rng.normal(
            size=(m, n_features)
        ).astype(np.float32)
    # tanh of a standard normal mixture: centred; its spread is about 0.8 per feature.
    X /= np.float32(0.8)
    return X


def peak_memory_mb(device):
    if device.type == "cuda":
        return torch.cuda.max_memory_allocated(device) / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class AnonPeak:
    """The peak of the process's anonymous resident memory (RssAnon) while the block runs,
    sampled every few milliseconds; ``.mb`` is it in MiB, ``.base_mb`` its value at entry."""

    def __enter__(self):
        self.base_mb = self.mb = _rss_anon_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        return self

    def _poll(self):
        while not self._stop.wait(0.002):
            self.mb = max(self.mb, _rss_anon_mb())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.mb = max(self.mb, _rss_anon_mb())


def _rss_anon_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def default_model(n_features, coupling, device, seed=0):
    """``(est, model)``: a default GWAETransformer (for its settings only) and a
    ``GWAEModel`` of its default sizes on ``device``, initialised from ``seed``."""
    est = GWAETransformer(coupling=coupling)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = GWAEModel(
            n_features=n_features,
            n_components=est.n_components,
            hidden_layer_sizes=est.hidden_layer_sizes,
            prior=est.prior,
            coupling=coupling,
            gw_coupling=est.gw_coupling,
            mmd_kernel=est.mmd_kernel,
        )
    return est, model.to(device)


def bare_epochs(X, coupling, device, epochs, seed=0, batch_size=ESTIMATOR_BATCH):
    """Seconds of each epoch of the plain loop: the Trainer's step, nothing around it."""
    est, model = default_model(X.shape[1], coupling, device, seed)
    config = TrainingConfig(
        batch_size=batch_size,
        max_epochs=epochs,
        learning_rate=est._learning_rate(X[:1024]),  # "auto" resolved as the estimator does
        lambda_w=est.lambda_w,
        lambda_d=est.lambda_d,
        lambda_h=effective_lambda_h(est.lambda_h, est.n_components),
        n_iter_no_change=10**9,
        tol=0.0,
    )
    trainer = Trainer(config, device=device, seed=seed)
    main_opt, critic_opt = trainer._optimizers(model)
    X = as_tensor(X, device)
    generator = make_generator(seed, device)
    lw, ld, lh = est.lambda_w, est.lambda_d, effective_lambda_h(est.lambda_h, est.n_components)
    n_batches = max(1, round(X.shape[0] / batch_size))
    seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        perm = torch.randperm(X.shape[0], generator=generator, device=device)
        for idx in torch.tensor_split(perm, n_batches):
            xb = X[idx]
            if critic_opt is not None:
                model.critic.requires_grad_(False)
            terms = model.main_terms(xb, generator)
            loss = gwae_objective(terms, lw, ld, lh)
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


def fit_epochs(X, device, epochs, seed=0, **params):
    """Seconds of each epoch of a GWAETransformer fit (from its history). On a GPU the fit
    runs one more epoch first, left out: its first batches record the steps' CUDA graphs,
    a one-off cost of each fit that is not the speed of an epoch."""
    warm_up = 1 if torch.device(device).type == "cuda" else 0
    est = GWAETransformer(
        max_iter=epochs + warm_up,
        n_iter_no_change=10**6,
        device=str(device),
        random_state=seed,
        **params,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X)
    return [row["seconds"] for row in est.history_][warm_up:]


def one(n, n_features, coupling, device, epochs, rounds, ways, batch_size=ESTIMATOR_BATCH):
    """Run one configuration of the table in this process; print its row as JSON."""
    device = torch.device(device)
    X = make_data(n, n_features)
    ways = {
        way: run
        for way, run in {
            "bare": lambda: bare_epochs(X, coupling, device, epochs, batch_size=batch_size),
            "fit": lambda: fit_epochs(
                X, device, epochs, coupling=coupling, early_stopping=False, batch_size=batch_size
            ),
            "fit_default": lambda: fit_epochs(
                X, device, epochs, coupling=coupling, batch_size=batch_size
            ),
        }.items()
        if way in ways
    }
    medians = {way: [] for way in ways}
    for _ in range(rounds):
        for way, run in ways.items():
            medians[way].append(float(np.median(run())))
    row = {}
    for way in ways:
        row[f"{way}_s_per_epoch"] = float(np.median(medians[way]))
        row[f"{way}_samples_per_s"] = n / row[f"{way}_s_per_epoch"]
    for way in set(ways) - {"bare"}:
        ratios = np.array(medians[way]) / np.array(medians["bare"])
        row[f"{way}_ratio"] = float(np.median(ratios))
        row[f"{way}_ratio_min"] = float(ratios.min())
        row[f"{way}_ratio_max"] = float(ratios.max())
    row["peak_mb"] = peak_memory_mb(device)
    print(json.dumps(row))


def run_in_process(args, *extra):
    command = [
        sys.executable,
        __file__,
        *map(str, extra),
        "--device",
        args.device,
        "--batch-size",
        str(args.batch_size),
    ]
    out = subprocess.run(command, capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(args):
    rows = []
    for n_features in args.features:
        for coupling in args.couplings:
            for n in args.critic_n if coupling == "critic" and args.critic_n else args.n:
                # Rounds x epochs: enough for medians, fewer where an epoch is long (a
                # critic epoch costs about 10 MMD epochs); the default fit is left out
                # where one epoch takes minutes.
                cost = n * (10 if coupling == "critic" else 1)
                rounds = 7 if cost <= 20_000 else 3 if cost <= 200_000 else 3 if cost <= 1e6 else 2
                epochs = 3 if cost <= 20_000 else 2 if cost <= 200_000 else 1
                ways = "bare,fit" if cost > 1e6 else "bare,fit,fit_default"
                start = time.perf_counter()
                out = run_in_process(
                    args,
                    "--one",
                    n,
                    n_features,
                    coupling,
                    "--epochs",
                    epochs,
                    "--rounds",
                    rounds,
                    "--ways",
                    ways,
                )
                row = {
                    "n": n,
                    "n_features": n_features,
                    "coupling": coupling,
                    "batch_size": args.batch_size,
                    "rounds": rounds,
                    "epochs": epochs,
                    **out,
                }
                rows.append(row)
                default = (
                    f"default {row['fit_default_s_per_epoch']:8.3f} s "
                    f"({row['fit_default_ratio']:.3f})"
                    if "fit_default_ratio" in row
                    else ""
                )
                print(
                    f"n={n:7d} f={n_features:4d} {coupling:6} bare {row['bare_s_per_epoch']:8.3f} s"
                    f"  fit {row['fit_s_per_epoch']:8.3f} s ({row['fit_ratio']:.3f}, "
                    f"{row['fit_ratio_min']:.3f}-{row['fit_ratio_max']:.3f})  {default}  "
                    f"peak {row['peak_mb']:.0f} MB  [{time.perf_counter() - start:.0f} s]",
                    flush=True,
                )
    # Another batch size than the estimator's 64 must not overwrite the default's file.
    suffix = "" if args.batch_size == ESTIMATOR_BATCH else f"_batch{args.batch_size}"
    save(pd.DataFrame(rows), args, "speed" + suffix)


def save(frame, args, name):
    path = pathlib.Path(args.out) / f"{name}_{args.device.split(':')[0]}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    print(frame.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
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
    save(pd.DataFrame(rows), args, "speed_gw")


def critic_steps(args):
    """Where a batch of the critic coupling spends its time (batch ``--batch-size``, the
    default MLPs, each of ``--features``): the milliseconds of a whole batch (one main
    step and ``n_critic`` critic steps) run eagerly, with the trainer's CUDA graphs of the
    forward and backward passes (``GraphedBackward``; the optimiser steps eager), and as one
    graph of the whole batch with capturable optimisers; the pieces of the second alone;
    and on a GPU the kernels of an eager batch and their summed GPU time. Without CUDA only the eager batch is
    timed."""
    device = torch.device(args.device)
    cuda = device.type == "cuda"
    rows = []
    for n_features in args.features:
        xb = torch.as_tensor(make_data(args.batch_size, n_features), device=device)
        row = {"n_features": n_features, "batch": args.batch_size}
        est = GWAETransformer(coupling="critic")
        lambda_h = effective_lambda_h(est.lambda_h, est.n_components)

        def build(capturable=False):
            _, model = default_model(n_features, "critic", device)
            model.train()
            generator = make_generator(0, device)
            # The trainer's optimisers (RMSprop for both players), capturable for the
            # graph of a whole batch.
            main_opt, critic_opt = (
                torch.optim.RMSprop(
                    params, lr=1e-4, foreach=True, **({"capturable": True} if capturable else {})
                )
                for params in (model.main_parameters(), model.critic.parameters())
            )

            def main_backward(x):
                terms = model.main_terms(x, generator)
                loss = gwae_objective(terms, est.lambda_w, est.lambda_d, lambda_h)
                main_opt.zero_grad(set_to_none=True)
                loss.backward()
                return loss.detach()

            def critic_backward(x, mu, logvar):
                loss = model.critic_loss(x, mu, logvar, generator)
                critic_opt.zero_grad(set_to_none=True)
                loss.backward()
                return loss.detach()

            return model, generator, main_opt, critic_opt, main_backward, critic_backward

        def batch_step(model, main_opt, critic_opt, main_backward, critic_backward):
            def step():
                model.critic.requires_grad_(False)
                main_backward(xb)
                main_opt.step()
                model.critic.requires_grad_(True)
                with torch.no_grad():
                    mu, logvar = model.encoder(xb)
                for _ in range(est.n_critic):
                    critic_backward(xb, mu, logvar)
                    critic_opt.step()

            return step

        model, generator, main_opt, critic_opt, main_bw, critic_bw = build()
        eager = batch_step(model, main_opt, critic_opt, main_bw, critic_bw)
        row["eager_ms"] = 1e3 * time_it(eager, device, repeats=10)
        if cuda:
            graphed_main = GraphedBackward(main_bw, model.main_parameters(), generator)
            graphed_critic = GraphedBackward(critic_bw, model.critic.parameters(), generator)
            graphed = batch_step(model, main_opt, critic_opt, graphed_main, graphed_critic)
            row["graphs_ms"] = 1e3 * time_it(graphed, device, repeats=50)
            row["graph_failures"] = str([graphed_main.failure, graphed_critic.failure])
            with torch.no_grad():
                mu, logvar = model.encoder(xb)
            model.critic.requires_grad_(False)
            row["main_replay_ms"] = 1e3 * time_it(lambda: graphed_main(xb), device, 100)
            model.critic.requires_grad_(True)
            row["critic_replay_ms"] = 1e3 * time_it(
                lambda: graphed_critic(xb, mu, logvar), device, 100
            )
            row["critic_optimizer_ms"] = 1e3 * time_it(critic_opt.step, device, 100)
            row["whole_batch_graph_ms"] = whole_batch_graph_ms(build, batch_step, device)
            row.update(eager_kernels(eager))
        rows.append(row)
        print(row, flush=True)
    save(pd.DataFrame(rows), args, f"speed_steps_batch{args.batch_size}")


def whole_batch_graph_ms(build, batch_step, device):
    """Milliseconds of a replay of one graph of a whole batch, optimiser steps included
    (capturable optimisers; warmed up on a side stream, as torch's documentation does)."""
    model, generator, main_opt, critic_opt, main_bw, critic_bw = build(capturable=True)
    step = batch_step(model, main_opt, critic_opt, main_bw, critic_bw)
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(3):
            step()
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    graph.register_generator_state(generator)
    try:
        with torch.cuda.graph(graph):
            step()
    except RuntimeError as error:
        print(f"the whole batch could not be recorded: {error}", flush=True)
        return float("nan")
    return 1e3 * time_it(graph.replay, device, repeats=100)


def eager_kernels(step):
    """The GPU kernels (and copies) of one eager call of ``step`` and their summed GPU
    time, from torch's profiler."""
    from torch.profiler import ProfilerActivity, profile

    step()
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        step()
        torch.cuda.synchronize()
    kernels = [e for e in prof.events() if e.device_type == torch.autograd.DeviceType.CUDA]
    return {
        "eager_kernels": len(kernels),
        "eager_gpu_ms": sum(e.device_time for e in kernels) / 1e3,
    }


def time_it(fn, device, repeats=20):
    """The median seconds of one call of fn over ``repeats`` calls, after one to warm up:
    the median, because one call pre-empted by another process would otherwise weigh on
    a mean of sub-millisecond calls."""
    fn()  # warm up
    _sync(device)
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        _sync(device)
        seconds.append(time.perf_counter() - start)
    return float(np.median(seconds))


# ---------------------------------------------------------------- training options

OPTIONS = {
    "default": {},
    "bfloat16": {"precision": "bfloat16"},
    "compile": {"compile": True},
    "1 thread": {"threads": 1},
}


def options_one(n, n_features, coupling, device, epochs, rounds):
    """Each option's median epoch and the ratio to the default's in the same round, the
    seconds of its first epoch (compilation), and its final training loss."""
    device = torch.device(device)
    X = make_data(n, n_features)
    default_threads = torch.get_num_threads()
    medians = {name: [] for name in OPTIONS}
    first = {}
    loss = {}
    for _ in range(rounds):
        for name, params in OPTIONS.items():
            params = dict(params)
            torch.set_num_threads(params.pop("threads", default_threads))
            est = GWAETransformer(
                coupling=coupling,
                max_iter=epochs + 1,
                early_stopping=False,
                n_iter_no_change=10**6,
                device=str(device),
                random_state=0,
                **params,
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                est.fit(X)
            seconds = [row["seconds"] for row in est.history_]
            first[name] = seconds[0]
            medians[name].append(float(np.median(seconds[1:])))
            loss[name] = est.history_[-1]["loss"]
    torch.set_num_threads(default_threads)
    row = {}
    for name in OPTIONS:
        row[f"{name}_s_per_epoch"] = float(np.median(medians[name]))
        row[f"{name}_ratio"] = float(
            np.median(np.array(medians[name]) / np.array(medians["default"]))
        )
        row[f"{name}_first_epoch_s"] = first[name]
        row[f"{name}_loss"] = loss[name]
    print(json.dumps(row))


def options(args):
    rows = []
    configs = [
        (20_000, 64, "mmd"),
        (20_000, 784, "mmd"),
        (2_000, 64, "critic"),
        (2_000, 784, "critic"),
    ]
    if args.device.startswith("cuda"):
        configs = [(200_000, 784, "mmd"), (20_000, 784, "critic")]
    for n, n_features, coupling in configs:
        out = run_in_process(
            args, "--options-one", n, n_features, coupling, "--epochs", 2, "--rounds", 3
        )
        rows.append({"n": n, "n_features": n_features, "coupling": coupling, **out})
        print(rows[-1], flush=True)
    frame = pd.DataFrame(rows)
    save(frame, args, "speed_options")


# ---------------------------------------------------------------- data larger than memory


def memmap_one(n, n_features, where, device, seed=0):
    """One epoch of a fit from a memmap read by chunks ("memmap") or from the same data in
    memory ("memory"); prints seconds and peak anonymous memory as JSON."""
    device = torch.device(device)
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "X.npy"
        X = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n, n_features))
        make_data(n, n_features, seed, out=X)
        X.flush()
        del X
        X = np.load(path, mmap_mode="r")
        if where == "memory":
            X = np.array(X)  # counted in the peak: the data the in-memory fit holds
        est = GWAETransformer(max_iter=1, device=str(device), random_state=seed)
        with warnings.catch_warnings(), AnonPeak() as peak:
            warnings.simplefilter("ignore")
            with sklearn.config_context(working_memory=16 if where == "memmap" else 1024):
                est.fit(X)
    print(
        json.dumps(
            {
                "s_per_epoch": est.history_[0]["seconds"],
                "peak_anon_mb": peak.mb,
                "base_anon_mb": peak.base_mb,
                "val_score": est.history_[0]["val_score"],
            }
        )
    )


def memmap(args):
    rows = []
    for n in args.memmap_n:
        for where in ("memmap", "memory"):
            out = run_in_process(args, "--memmap-one", n, 64, where)
            rows.append({"n": n, "n_features": 64, "data": where, **out})
            print(rows[-1], flush=True)
    save(pd.DataFrame(rows), args, "speed_memmap")


def inference(args):
    """transform / inverse_transform / predict_proba of 1M x 64: seconds and added memory."""
    device = torch.device(args.device)
    n = args.inference_n
    X = make_data(n, 64)
    fit_rows = X[:2000]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        transformer = GWAETransformer(max_iter=2, device=str(device), random_state=0)
        transformer.fit(fit_rows)
        clusterer = GWAEClusterer(n_clusters=10, max_iter=2, device=str(device), random_state=0)
        clusterer.fit(fit_rows)
    Z = transformer.transform(X[:1000])
    Z = np.repeat(Z, n // len(Z), axis=0)
    calls = {
        "transform": lambda: transformer.transform(X),
        "inverse_transform": lambda: transformer.inverse_transform(Z),
        "predict_proba": lambda: clusterer.predict_proba(X),
    }
    rows = []
    for name, call in calls.items():
        if device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(device)
        start = time.perf_counter()
        with AnonPeak() as peak:
            out = call()
        seconds = time.perf_counter() - start
        rows.append(
            {
                "method": name,
                "n": n,
                "seconds": seconds,
                "input_mb": (Z if name == "inverse_transform" else X).nbytes / 2**20,
                "output_mb": out.nbytes / 2**20,
                "added_anon_mb": peak.mb - peak.base_mb,
                "device_peak_mb": peak_memory_mb(device) if device.type == "cuda" else None,
            }
        )
        print(rows[-1], flush=True)
        del out
    save(pd.DataFrame(rows), args, "speed_inference")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[2_000, 20_000, 200_000])
    parser.add_argument("--features", type=int, nargs="+", default=[64, 784])
    parser.add_argument("--couplings", nargs="+", default=["mmd", "critic"])
    parser.add_argument(
        "--critic-n", type=int, nargs="+", default=None, help="the n values for the critic"
    )
    parser.add_argument("--epochs", type=int, default=3, help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=3, help=argparse.SUPPRESS)
    parser.add_argument("--ways", default="bare,fit,fit_default", help=argparse.SUPPRESS)
    parser.add_argument("--device", default="cpu")
    parser.add_argument(
        "--batch-size",
        type=int,
        default=ESTIMATOR_BATCH,
        help="batch size of the table's loops and fits (default: the estimator's 64; "
        "another writes speed_batch<size>_<device>.csv)",
    )
    parser.add_argument("--gw", action="store_true", help="time the GW term per batch size")
    parser.add_argument(
        "--steps", action="store_true", help="time the steps of a batch with the critic"
    )
    parser.add_argument("--options", action="store_true", help="time the training options")
    parser.add_argument("--memmap", action="store_true", help="fit from a memmap, by chunks")
    parser.add_argument(
        "--memmap-n", type=int, nargs="+", default=[125_000, 250_000, 500_000, 1_000_000]
    )
    parser.add_argument("--inference", action="store_true", help="inference on 1M rows")
    parser.add_argument("--inference-n", type=int, default=1_000_000)
    parser.add_argument("--out", default=str(RESULTS))
    parser.add_argument("--one", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--options-one", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--memmap-one", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        n, f, coupling = args.one
        one(
            int(n),
            int(f),
            coupling,
            args.device,
            args.epochs,
            args.rounds,
            args.ways.split(","),
            args.batch_size,
        )
    elif args.options_one:
        n, f, coupling = args.options_one
        options_one(int(n), int(f), coupling, args.device, args.epochs, args.rounds)
    elif args.memmap_one:
        n, f, where = args.memmap_one
        memmap_one(int(n), int(f), where, args.device)
    elif args.gw:
        gw_cost(args)
    elif args.steps:
        critic_steps(args)
    elif args.options:
        options(args)
    elif args.memmap:
        memmap(args)
    elif args.inference:
        inference(args)
    else:
        table(args)


if __name__ == "__main__":
    main()
