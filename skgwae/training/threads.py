"""How many torch threads a fit or an inference pass runs with.

A GWAE training step is a handful of matrix products of a mini-batch (64 rows) with
weights a few hundred wide. Splitting products that small over threads saves little, and
an OpenMP barrier waits for the slowest thread: when another process holds a core, a
two-thread step stalls until the pre-empted thread runs again. Measured on 2 cores
(``benchmarks/threads.py``): on an idle machine a second thread made epochs at most 30 %
faster (under 10 % for the default MLPs); with one core kept busy by another process it
made them 2-4 times slower, while one thread lost far less. So a fit runs on one thread,
and on more only for large steps and never on every CPU: one is left for the rest of the
machine.
"""

import contextlib
import os

import torch

# Multiply-adds per training step (forward pass of encoder and decoder, times the batch)
# per thread: below it one thread does the step (the default MLPs take about 3e6, the
# convolutional networks on 32x32 images at batch 256 about 6.5e8).
MULTIPLY_ADDS_PER_THREAD = 2e8


def available_cpus():
    """CPUs this process may run on (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def step_multiply_adds(model, batch_size):
    """Multiply-adds of one forward pass of the encoder and decoder over a batch of
    ``batch_size`` rows, counted by torch's flop counter on a throw-away batch of zeros
    (the backward pass costs about twice as much, in the same proportions)."""
    from torch.utils.flop_counter import FlopCounterMode

    n_features, n_components = model.config["n_features"], model.config["n_components"]
    device = model.log_kappa.device
    was_training = model.training
    model.eval()  # no batch-norm statistics change
    try:
        with torch.no_grad(), FlopCounterMode(display=False) as counter:
            model.encoder(torch.zeros(batch_size, n_features, device=device))
            model.decoder(torch.zeros(batch_size, n_components, device=device))
    finally:
        model.train(was_training)
    return counter.get_total_flops() / 2


def resolve_n_threads(n_jobs, work):
    """The number of torch threads for a fit or inference pass.

    Parameters
    ----------
    n_jobs : int or None
        The user's choice: None picks by ``work`` (one thread per
        ``MULTIPLY_ADDS_PER_THREAD``), leaving one CPU free and never more threads than
        torch is currently set to use (a limit set with ``torch.set_num_threads`` is
        respected); -1 means every available CPU, -2 all but one, and so on
        (scikit-learn's convention); a positive int is taken as given.
    work : float
        Multiply-adds of one training step (see :func:`step_multiply_adds`).
    """
    cpus = available_cpus()
    if n_jobs is None:
        wanted = max(1, int(work // MULTIPLY_ADDS_PER_THREAD))
        return max(1, min(wanted, torch.get_num_threads(), cpus - 1))
    if n_jobs < 0:
        return max(1, cpus + 1 + n_jobs)
    return int(n_jobs)


@contextlib.contextmanager
def torch_threads(n_threads):
    """Run the block with torch's intra-op thread count set to ``n_threads``, then put
    the caller's setting back (it is process-wide, so other code sees it only while the
    block runs)."""
    previous = torch.get_num_threads()
    if n_threads != previous:
        torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        if torch.get_num_threads() != previous:
            torch.set_num_threads(previous)
