"""The optimisation loop of a GWAE."""

import contextlib
import dataclasses
import math
import time
import warnings

import numpy as np
import torch
from tqdm.auto import tqdm

from .._geometry import DataGeometry
from ..exceptions import DivergenceWarning, NonFiniteLossError, NonFiniteLossWarning
from ..nn.losses import gwae_objective
from .chunks import ChunkedRows
from .clipping import GradientClip
from .criterion import evaluate_criterion
from .device import deterministic_kernels, flush_denormal
from .early_stopping import EarlyStopping
from .graphs import GraphedBackward, graphs_supported
from .history import History
from .safeguards import StopRequest, restore, set_learning_rate, snapshot
from .seeding import make_generator
from .tensors import as_tensor, cloned

# A non-finite epoch is rolled back and the learning rate divided by this factor, at most
# MAX_RECOVERIES times in one fit; then the fit fails with NonFiniteLossError.
RECOVERY_FACTOR = 10.0
MAX_RECOVERIES = 3
# An epoch in which kappa, the scale between latent and data distances, moves more than
# this many times (down or up) has diverged: the codes' scale collapsed. It is rolled back
# with the learning rate lowered as a non-finite epoch is, at most MAX_RECOVERIES times.
# On Fashion-MNIST images (784 pixels in [0, 1]) the default learning rate once sent the
# reconstruction error from 12 to 2e6 in one epoch and kappa from 3.06 to 0.08, after
# which the codes never recovered and early stopping kept the weights of an early epoch
# (scratch runs; in two other fits kappa fell 13- and 70-fold in one epoch). In the 96
# clustering and 18 embedding fits of the benchmarks kappa moved at most 1.46-fold in an
# epoch (7 fits on the shapes: 1.42-fold), except on the standardised digits, whose fits
# deteriorated where it fell 1.8-, 3.3- and 5.8-fold (scratch survey, before long gradients
# were clipped: see clipping.py; none of six such fits diverges since). The loss itself is
# no such sign: raw features in the thousands sent L_GW + L_W to 20 times its lowest in
# an epoch from which training went on well, kappa moving less than 10 %.
DIVERGENCE_FACTOR = 2.0
# With ``anneal``, the learning rate falls linearly to 0 over this last fraction of the
# epochs: constant steps cover ground fastest, and the final decay settles the weights
# (the stable and decay phases of a warmup-stable-decay schedule; a warm-up was not tried
# with it).
ANNEAL_FRACTION = 0.25
# A fit of fewer steps than this runs them eagerly, without CUDA graphs (see Trainer.fit).
MIN_GRAPHED_STEPS = 20
# max_iter="auto": the fit's length is counted in optimiser steps, since a step, not an
# epoch, is what moves the weights: small data sets get more epochs, large ones fewer.
AUTO_STEPS = 1250
AUTO_EPOCHS_MIN = 2
AUTO_EPOCHS_MAX = 100


@dataclasses.dataclass(frozen=True)
class TrainingConfig:
    """The settings of a :class:`Trainer` (the estimators build it from their parameters).

    ``batch_size`` is the effective batch size (at most the number of training rows),
    ``max_epochs`` the number of epochs of one call to :meth:`Trainer.fit`; ``anneal``
    lowers the learning rate linearly to 0 over the last ``ANNEAL_FRACTION`` of them (else
    it is constant); ``verbose`` 1 shows a progress bar, 2 or more prints one line per
    epoch instead. The other fields are the estimators' parameters of the same names.
    """

    batch_size: int
    max_epochs: int
    learning_rate: float = 1e-3
    lambda_w: float = 1.0
    lambda_d: float = 1.0
    lambda_h: float = 0.03
    n_critic: int = 5
    n_iter_no_change: int = 20
    tol: float = 1e-4
    anneal: bool = False
    precision: str = "float32"
    compile: bool = False
    verbose: int = 0
    cuda_graphs: bool = True


@dataclasses.dataclass
class TrainResult:
    """What a call to :meth:`Trainer.fit` produced (the model is trained in place)."""

    history: History
    n_epochs: int
    best_epoch: int
    best_validation_score: float | None
    stopped_early: bool
    interrupted: bool
    optimizer_state: list
    n_recoveries: int = 0


class Trainer:
    """Trains a :class:`skgwae.nn.GWAEModel` by mini-batch optimisation.

    The whole training set lives on the device; each epoch draws a permutation there and
    splits it into near-equal batches (so no batch is smaller than 2, which the batch
    statistics of the prior and of L_GW need). Each batch takes one step of the main
    optimiser and, with the critic coupling, ``n_critic`` steps of the critic's.

    With a validation set, the monitored value is the validation score of
    :func:`evaluate_criterion` and the best weights are restored at the end; without one, it
    is the training loss and the last weights are kept (as scikit-learn's MLP does).

    Parameters
    ----------
    config : TrainingConfig
        The optimisation settings.
    device : torch.device
        Where the model is trained.
    seed : int
        Seeds the batch order and all training noise.
    """

    def __init__(self, config, *, device, seed):
        self.config = config
        self.device = torch.device(device)
        self.seed = seed
        self._graphs_possible = (
            config.cuda_graphs and not config.compile and graphs_supported(self.device)
        )
        self._graphed = False

    def _optimizers(self, model):
        # The authors' choices: RMSprop for both players with the critic, Adam with the MMD.
        # The multi-tensor implementations: the per-parameter loop of the default one
        # costs a quarter of a small network's step.
        lr = self.config.learning_rate
        if model.critic is not None:
            main = torch.optim.RMSprop(model.main_parameters(), lr=lr, foreach=True)
            critic = torch.optim.RMSprop(model.critic.parameters(), lr=lr, foreach=True)
            return main, critic
        return make_adam(model.main_parameters(), lr), None

    def _epoch_chunks(self, data, epoch):
        """The training rows of one epoch as device tensors: the resident tensor, or the
        chunks of a :class:`ChunkedRows` in an order drawn for this epoch."""
        if isinstance(data, torch.Tensor):
            yield data
            return
        rng = np.random.default_rng([self.seed, epoch])
        for chunk in data.chunks(rng):
            yield as_tensor(chunk, self.device)

    def _train_epoch(
        self, model, data, epoch, generator, main_opt, critic_opt, stop=None, pairs=None
    ):
        """One pass over the training rows; returns the mean terms as a tensor
        [loss, gw, w, d, h] (on the device: read once per epoch, not per step).

        Returns early, before the next step, once ``stop.requested`` is set. ``pairs``
        maps a batch and its row indices to its data distances (None: Euclidean).
        """
        # The terms are summed over the steps in place, on the device: one small op per
        # step, no host sync, and no per-step tensors kept alive (a list of them,
        # interleaved with each step's large temporaries, fragments the heap).
        sums = None
        n_steps = 0
        # Where the epoch is, for the learning-rate schedule: known within a resident
        # tensor; data read by chunks moves it once per epoch.
        resident = isinstance(data, torch.Tensor)
        for X in self._epoch_chunks(data, epoch):
            n = X.shape[0]
            n_batches = _n_batches(n, self.config.batch_size)
            perm = torch.randperm(n, generator=generator, device=X.device)
            for i, idx in enumerate(torch.tensor_split(perm, n_batches)):
                if stop is not None and stop.requested:
                    return None if sums is None else sums / n_steps
                within = i / n_batches if resident else 0.0
                self._schedule_step(main_opt, critic_opt, epoch - 1 + within)
                xb = X[idx]
                dx = None if pairs is None else pairs(xb, idx)
                terms = self._step(model, xb, main_opt, critic_opt, dx)
                # A copy: a step replayed from a CUDA graph returns the graph's own memory.
                sums = terms.clone() if sums is None else sums.add_(terms)
                n_steps += 1
        if sums is None:
            raise ValueError("The training data yielded no rows in this epoch.")
        return sums / n_steps

    def _schedule_step(self, main_opt, critic_opt, epochs_done):
        """Set the learning rate of the coming step, ``epochs_done`` (a float) epochs into
        the fit, from the schedule."""
        config = self.config
        if not config.anneal:
            return
        remaining = 1.0 - epochs_done / config.max_epochs
        lr = self._base_lr * min(1.0, remaining / ANNEAL_FRACTION)
        for opt in (main_opt, critic_opt):
            if opt is not None:
                for group in opt.param_groups:
                    group["lr"] = lr

    def _step(self, model, xb, main_opt, critic_opt, dx=None):
        """One step of the main optimiser (its gradient clipped where it is far longer
        than the recent steps', see :class:`GradientClip`) and ``n_critic`` of the
        critic's on batch xb (whose data distances are ``dx``, None for Euclidean);
        returns the detached terms [loss, gw, w, d, h]."""
        if critic_opt is not None:
            model.critic.requires_grad_(False)
        terms = self._main_backward(xb, dx)
        self._clip()
        main_opt.step()
        if critic_opt is not None:
            model.critic.requires_grad_(True)
            with torch.no_grad(), self._autocast():
                mu, logvar = model.encoder(xb)
            for _ in range(self.config.n_critic):
                self._critic_backward(xb, mu, logvar)
                critic_opt.step()
        return terms

    def _backward_passes(self, model, main_opt, critic_opt, generator):
        """The forward and backward passes of a main step, ``(xb, dx) -> terms``, and of a
        critic step, ``(xb, mu, logvar) -> loss``, replayed from CUDA graphs where they can
        be (see :class:`GraphedBackward`); their optimiser steps stay eager."""
        config = self.config

        def main_backward(xb, dx):
            with self._autocast():
                terms = model.main_terms(xb, generator, dx)
                loss = gwae_objective(terms, config.lambda_w, config.lambda_d, config.lambda_h)
            main_opt.zero_grad(set_to_none=True)
            loss.backward()
            parts = (loss, terms["gw"], terms["w"], terms["d"], terms["h"])
            return torch.stack([t.float() for t in parts]).detach()

        def critic_backward(xb, mu, logvar):
            with self._autocast():
                loss = model.critic_loss(xb, mu, logvar, generator)
            critic_opt.zero_grad(set_to_none=True)
            loss.backward()
            return loss.detach()

        if not self._graphed:
            return main_backward, critic_backward
        main = GraphedBackward(main_backward, model.main_parameters(), generator)
        if critic_opt is None:
            return main, None
        return main, GraphedBackward(critic_backward, model.critic.parameters(), generator)

    def _autocast(self):
        """bfloat16 autocast of the forward passes with ``precision="bfloat16"``; else a
        no-op context (cheaper per step than a disabled autocast)."""
        if self.config.precision == "bfloat16":
            # A graph must not keep autocast's cached copies of the weights: replays
            # would read copies of the weights of the step it was recorded at.
            return torch.autocast(
                self.device.type, dtype=torch.bfloat16, cache_enabled=not self._graphed
            )
        return contextlib.nullcontext()

    def fit(self, model, X_train, X_val=None, optimizer_state=None, geometry=None):
        """Train ``model`` in place on ``X_train`` (float32 array), monitoring ``X_val``.

        ``optimizer_state`` (the ``optimizer_state`` of an earlier :class:`TrainResult` of
        this model) continues that optimisation instead of starting afresh. ``geometry`` (a
        fitted :class:`skgwae._geometry.DataGeometry` of ``X_train``) gives the data
        distances of L_GW and the reference rows of the validation score; None: the
        Euclidean distance, with reference rows drawn from ``X_train``.

        Faults: an epoch whose loss or validation score is not finite is rolled back (model
        and optimiser) and the learning rate divided by ``RECOVERY_FACTOR``, with a
        :class:`NonFiniteLossWarning`; after ``MAX_RECOVERIES`` such epochs it raises
        :class:`NonFiniteLossError`. An epoch in which kappa moves more than
        ``DIVERGENCE_FACTOR``-fold is rolled back in the same way, with a
        :class:`DivergenceWarning`, at most ``MAX_RECOVERIES`` times (later ones are
        kept). Ctrl-C (SIGINT, in the main thread) stops after the current step; a
        KeyboardInterrupt raised anywhere else rolls back to the last complete epoch.
        Either way the best weights so far are kept, with a warning.
        """
        config, device = self.config, self.device
        model.to(device).train()
        data = X_train if isinstance(X_train, ChunkedRows) else as_tensor(X_train, device)
        if geometry is None:
            first = X_train if not isinstance(X_train, ChunkedRows) else next(X_train.chunks())
            geometry = DataGeometry("euclidean").fit(first, np.random.RandomState(self.seed))
        pairs = geometry.pair_distance_fn(device)
        # The validation rows' distances to the reference rows are fixed: computed once.
        val_distances = None if X_val is None else geometry.reference_distances(X_val)
        reference_distances = geometry.reference_distances(geometry.reference_rows_)
        prior_cache = {}
        X_val = None if X_val is None else as_tensor(X_val, device)
        generator = make_generator(self.seed, device)
        self._base_lr = config.learning_rate
        main_opt, critic_opt = self._optimizers(model)
        # Recording a step's graph costs about five eager steps of the default MLPs (on an
        # H200 the first epoch of a digits fit took 18 ms more than the next ones, whose
        # steps are 0.5 ms), so a call of few steps (partial_fit on a small chunk) runs
        # them eagerly.
        n_steps = (
            config.max_epochs * _n_batches(len(data), config.batch_size)
            if isinstance(data, torch.Tensor)
            else math.inf
        )
        self._graphed = self._graphs_possible and n_steps >= MIN_GRAPHED_STEPS
        self._main_backward, self._critic_backward = self._backward_passes(
            model, main_opt, critic_opt, generator
        )
        self._clip = GradientClip(model.main_parameters(), device)
        optimizers = [opt for opt in (main_opt, critic_opt) if opt is not None]
        if optimizer_state is not None:
            # A copy: torch's optimisers would otherwise update the caller's tensors in place.
            for opt, state in zip(optimizers, cloned(optimizer_state)):
                opt.load_state_dict(state)
            set_learning_rate(optimizers, config.learning_rate)
        stopper = EarlyStopping(
            config.n_iter_no_change, config.tol, higher_is_better=X_val is not None
        )
        history = History()
        best_state = None
        # The state at the end of the last complete, finite epoch: what a fault rolls back to.
        last_good = snapshot(model, optimizers)
        n_recoveries = 0
        n_divergences = 0
        last_kappa = model.kappa.item()
        interrupted = False
        # verbose=1: a progress bar; verbose>=2: one printed line per epoch instead (a bar
        # redrawn between printed lines would only garble them).
        bar = tqdm(
            total=config.max_epochs, desc="GWAE fit", disable=config.verbose != 1, leave=False
        )
        with (
            flush_denormal(device),
            deterministic_kernels(device),
            StopRequest() as stop,
            _compiled(model, config.compile),
        ):
            try:
                for epoch in range(1, config.max_epochs + 1):
                    start = time.perf_counter()
                    means = self._train_epoch(
                        model, data, epoch, generator, main_opt, critic_opt, stop, pairs
                    )
                    if stop.requested:
                        interrupted = True
                        break
                    row = dict(zip(("loss", "gw", "w", "d", "h"), means.tolist()))
                    row = {"epoch": epoch, **row, "kappa": model.kappa.item()}
                    if X_val is not None:
                        val = evaluate_criterion(
                            model,
                            X_val,
                            val_distances,
                            geometry,
                            reference_distances=reference_distances,
                            prior_cache=prior_cache,
                            lambda_w=config.lambda_w,
                            lambda_d=config.lambda_d,
                            device=device,
                        )
                        row.update({f"val_{k}": v for k, v in val.items()})
                    if not all(math.isfinite(v) for v in row.values()):
                        n_recoveries += 1
                        self._recover(model, optimizers, last_good, row, n_recoveries)
                        last_good = snapshot(model, optimizers)
                        continue
                    moved = row["kappa"] / last_kappa
                    if (
                        not 1.0 / DIVERGENCE_FACTOR <= moved <= DIVERGENCE_FACTOR
                        and n_divergences < MAX_RECOVERIES
                    ):
                        n_divergences += 1
                        self._recover_divergence(model, optimizers, last_good, row, moved)
                        last_good = snapshot(model, optimizers)
                        continue
                    last_kappa = row["kappa"]
                    last_good = snapshot(model, optimizers)
                    monitored = row["val_score"] if X_val is not None else row["loss"]
                    row["seconds"] = time.perf_counter() - start
                    history.record(**row)
                    if stopper.update(monitored, epoch) and X_val is not None:
                        best_state = last_good[0]
                    self._report(bar, row)
                    if stopper.should_stop:
                        break
            except KeyboardInterrupt:
                # Raised mid-step (no signal handler here, or a second Ctrl-C): the weights
                # may be half-updated, so return to the last complete epoch.
                interrupted = True
                restore(model, optimizers, last_good)
            finally:
                bar.close()
                self._release_graphs()
        if not history and n_recoveries and not interrupted:
            raise NonFiniteLossError(
                f"The training loss became non-finite in each of the {n_recoveries} epoch(s) "
                "run. Lower learning_rate, or check the scale of the data (for example with "
                "StandardScaler)."
            )
        if interrupted:
            warnings.warn(
                f"Training interrupted by the user after {len(history)} complete epoch(s); "
                "keeping the best weights so far.",
                UserWarning,
            )
        if best_state is not None:
            model.load_state_dict(best_state)
        model.eval()
        return TrainResult(
            history=history,
            n_epochs=len(history),
            best_epoch=stopper.best_epoch,
            best_validation_score=stopper.best_value if history and X_val is not None else None,
            stopped_early=stopper.should_stop,
            interrupted=interrupted,
            optimizer_state=[cloned(opt.state_dict()) for opt in optimizers],
            n_recoveries=n_recoveries + n_divergences,
        )

    def _release_graphs(self):
        """Free the CUDA graphs of the fit and the gradients in their memory."""
        for backward in (self._main_backward, self._critic_backward):
            if isinstance(backward, GraphedBackward):
                backward.release()
        self._main_backward = self._critic_backward = None

    def _recover(self, model, optimizers, last_good, row, n_recoveries):
        """Roll back a non-finite epoch and lower the learning rate, or give up."""
        terms = ", ".join(f"{k}={v:.4g}" for k, v in row.items() if k != "epoch")
        if n_recoveries > MAX_RECOVERIES:
            raise NonFiniteLossError(
                f"The training loss became non-finite at epoch {row['epoch']} ({terms}) "
                f"{MAX_RECOVERIES} times over, even after lowering the learning rate to "
                f"{optimizers[0].param_groups[0]['lr']:.3g}. Lower learning_rate, or check "
                "the scale of the data (for example with StandardScaler)."
            )
        lowered = self._roll_back(model, optimizers, last_good)
        warnings.warn(
            f"The training loss became non-finite at epoch {row['epoch']} ({terms}); the "
            f"weights of the previous epoch are restored and the learning rate lowered to "
            f"{lowered:.3g}.",
            NonFiniteLossWarning,
        )

    def _recover_divergence(self, model, optimizers, last_good, row, moved):
        """Roll back an epoch in which kappa moved more than DIVERGENCE_FACTOR-fold, and
        lower the learning rate."""
        lowered = self._roll_back(model, optimizers, last_good)
        warnings.warn(
            f"Training diverged at epoch {row['epoch']}: kappa, the scale between latent "
            f"and data distances, changed {moved:.3g}-fold in one epoch; the weights of "
            f"the previous epoch are restored and the learning rate lowered to "
            f"{lowered:.3g}.",
            DivergenceWarning,
        )

    def _roll_back(self, model, optimizers, last_good):
        """Restore the last good epoch, divide the learning rate by RECOVERY_FACTOR and
        return the new rate."""
        restore(model, optimizers, last_good)
        lowered = optimizers[0].param_groups[0]["lr"] / RECOVERY_FACTOR
        self._base_lr /= RECOVERY_FACTOR
        set_learning_rate(optimizers, lowered)
        return lowered

    def _report(self, bar, row):
        if self.config.verbose >= 2:
            parts = " ".join(
                f"{k}={v:.4g}" for k, v in row.items() if k != "epoch" and isinstance(v, float)
            )
            print(f"epoch {row['epoch']:4d} {parts}", flush=True)
            return
        bar.update(1)
        shown = {"loss": f"{row['loss']:.4g}"}
        if "val_score" in row:
            shown["val_score"] = f"{row['val_score']:.4g}"
        bar.set_postfix(shown, refresh=False)


def make_adam(params, lr):
    """Adam (betas 0.9, 0.999) on ``params`` (a list), fused where torch supports it."""
    try:
        # One fused kernel (CPU support since torch 2.4).
        return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), fused=True)
    except RuntimeError:
        return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), foreach=True)


def _n_batches(n, batch_size):
    """Near-equal batches of ``n`` rows, none smaller than 2 (batch statistics need two
    rows)."""
    return max(1, min(round(n / batch_size), n // 2))


def auto_epochs(n_train, batch_size, n_steps=AUTO_STEPS):
    """The number of epochs of ``max_iter="auto"``: enough for about ``n_steps``
    optimiser steps, between ``AUTO_EPOCHS_MIN`` and ``AUTO_EPOCHS_MAX``."""
    epochs = math.ceil(n_steps / _n_batches(n_train, batch_size))
    return min(max(epochs, AUTO_EPOCHS_MIN), AUTO_EPOCHS_MAX)


@contextlib.contextmanager
def _compiled(model, enabled):
    """Compile the encoder and decoder in place (``torch.compile``) while the block runs.

    Not the critic: the convolutional critic's gradient penalty differentiates twice
    (create_graph=True), which compiled graphs do not support, and the MLP critic's
    written-out gradient (``JointCritic.with_input_gradient``) was no faster compiled on a
    CPU. The compiled forward is dropped afterwards, so the
    fitted model is a plain module again (deep-copyable, picklable, and not recompiled
    for inference batch shapes).
    """
    modules = [model.encoder, model.decoder]
    if not enabled:
        yield
        return
    for module in modules:
        # dynamic=True: the last batch of an epoch, and chunks, vary in size.
        module.compile(dynamic=True)
    try:
        yield
    finally:
        for module in modules:
            # nn.Module.compile keeps the compiled call here; None restores the plain one.
            module._compiled_call_impl = None
