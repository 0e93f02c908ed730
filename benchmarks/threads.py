"""Torch threads against the size of a training step: where a second thread pays.

For a few workloads (MLP networks on 64 and 784 features, convolutional networks on
28x28 and 32x32 images, at batch 64 and 256), it fits ``GWAETransformer`` for a few epochs
with ``n_jobs`` = 1, 2, ... threads, alternating round after round so that slow spells of
the machine hit every setting alike, and reports the median seconds per epoch, the ratio
to one thread, and the multiply-adds of a step's forward pass
(``skgwae.training.threads.step_multiply_adds``), which the ``n_jobs=None`` policy reads.

With ``--busy`` a CPU-bound process (a Python busy loop) runs beside the fits for the
whole measurement, started and stopped by this script: the case of a laptop with
something else running.

    python benchmarks/threads.py                 # idle machine
    python benchmarks/threads.py --busy          # one core kept busy
"""

import argparse
import multiprocessing
import pathlib
import platform
import statistics

import numpy as np
import pandas as pd
import torch

from skgwae import GWAETransformer
from skgwae.nn import GWAEModel
from skgwae.training.threads import available_cpus, step_multiply_adds

RESULTS = pathlib.Path(__file__).parent / "results"

WORKLOADS = {
    "mlp64_b64": dict(n_features=64, image_shape=None, batch_size=64),
    "mlp784_b64": dict(n_features=784, image_shape=None, batch_size=64),
    "mlp784_b256": dict(n_features=784, image_shape=None, batch_size=256),
    "conv28_b64": dict(n_features=784, image_shape=(28, 28), batch_size=64),
    "conv32_b256": dict(n_features=1024, image_shape=(32, 32), batch_size=256),
}


def _spin():
    while True:
        pass


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def measure(name, spec, threads, n_rows, epochs, rounds):
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(n_rows, spec["n_features"])).astype(np.float32)
    model = GWAEModel(spec["n_features"], 10, (128, 128), image_shape=spec["image_shape"] and (1, *spec["image_shape"]))
    work = step_multiply_adds(model, spec["batch_size"])
    times = {t: [] for t in threads}
    for _ in range(rounds):
        for t in threads:
            est = GWAETransformer(
                n_components=10,
                image_shape=spec["image_shape"],
                batch_size=spec["batch_size"],
                max_iter=epochs,
                early_stopping=False,
                n_jobs=t,
                random_state=0,
            )
            est.fit(X)
            # The first epoch warms caches and allocators; the rest are timed.
            times[t].append(statistics.median(est.history_.column("seconds")[1:]))
    rows = []
    for t in threads:
        rows.append(
            {
                "workload": name,
                "multiply_adds": work,
                "threads": t,
                "s_per_epoch": statistics.median(times[t]),
                "ratio_to_1": statistics.median(
                    a / b for a, b in zip(times[t], times[threads[0]])
                ),
            }
        )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", nargs="+", default=list(WORKLOADS))
    parser.add_argument("--threads", nargs="+", type=int, default=None)
    parser.add_argument("--rows", type=int, default=2048)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--busy", action="store_true")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    threads = args.threads or sorted({1, 2, available_cpus()})
    spinner = None
    if args.busy:
        spinner = multiprocessing.Process(target=_spin, daemon=True)
        spinner.start()
    try:
        rows = []
        for name in args.workloads:
            rows += measure(name, WORKLOADS[name], threads, args.rows, args.epochs, args.rounds)
            print(pd.DataFrame(rows[-len(threads):]).to_string(index=False), flush=True)
    finally:
        if spinner is not None:
            spinner.terminate()
            spinner.join()
    df = pd.DataFrame(rows)
    df["busy"] = args.busy
    df["cpu"] = cpu_model()
    df["torch"] = torch.__version__
    out = pathlib.Path(args.out or RESULTS / f"threads_cpu{'_busy' if args.busy else ''}.csv")
    df.to_csv(out, index=False)
    print(f"\n{cpu_model()}, {available_cpus()} CPUs; written to {out}")


if __name__ == "__main__":
    main()
