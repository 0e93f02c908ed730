"""The optimisation loop of a GWAE."""

import contextlib
import dataclasses
import math
import signal
import threading
import time
import warnings

import numpy as np
import torch
from tqdm.auto import tqdm

from ..exceptions import NonFiniteLossError, NonFiniteLossWarning
from .chunks import ChunkedRows
from .device import flush_denormal
from .early_stopping import EarlyStopping
from .history import History
from .seeding import make_generator

# The criterion is evaluated on chunks of at most this many rows: its GW and MMD parts are
# means over pairs, quadratic in the chunk size.
CRITERION_CHUNK = 512
# The criterion draws its noise from its own generator with this seed, so that the same
# model and data always give the same score.
CRITERION_SEED = 0
# A non-finite epoch is rolled back and the learning rate divided by this factor, at most
# MAX_RECOVERIES times in one fit; then the fit fails with NonFiniteLossError.
RECOVERY_FACTOR = 10.0
MAX_RECOVERIES = 3


def as_tensor(X, device):
    """A float32 tensor of X on ``device``; X may be any array (strided, read-only) or tensor."""
    if not isinstance(X, torch.Tensor):
        X = np.ascontiguousarray(X, dtype=np.float32)
        if not X.flags.writeable:  # a read-only memmap: torch would share it and warn
            X = X.copy()
    return torch.as_tensor(X, dtype=torch.float32).to(device)


def criterion_value(terms, lambda_w, lambda_d):
    """Combine criterion terms into the loss the score negates (lower is better)."""
    return terms["gw"] + lambda_w * terms["w"] + lambda_d * terms["mmd"]


def _canonical_order(X, generator):
    """An order of the rows of X that does not depend on the order they come in.

    Rows are sorted along a fixed random direction, then that sorted list is shuffled by a
    fixed permutation, so each chunk of the criterion is a random subset of the rows and
    each row draws the same noise whatever the input order (ties aside: identical rows).
    """
    direction = torch.randn(X.shape[1], generator=generator, device=X.device)
    by_direction = torch.argsort(X @ direction, stable=True)
    shuffle = torch.randperm(X.shape[0], generator=generator, device=X.device)
    return by_direction[shuffle]


@torch.no_grad()
def evaluate_criterion(model, X, *, lambda_w, lambda_d, device, per_sample=False):
    """The model-selection criterion on the rows of X (at least 2), in evaluation mode.

    Returns a dict with the mean terms (``"gw"``, ``"w"``, ``"mmd"``), and ``"score"``, minus
    ``gw + lambda_w * w + lambda_d * mmd``: higher is better. With ``per_sample=True`` each
    value is instead a float64 array with one entry per row of X, whose mean is the value
    above. ``X`` may be an array or a tensor already on ``device``. The pair terms (GW and
    MMD) pair each row with the other rows of its chunk of at most ``CRITERION_CHUNK`` rows;
    the chunks are random subsets fixed by the rows themselves, not by their order.
    """
    was_training = model.training
    model.eval()
    try:
        X = as_tensor(X, device)
        generator = make_generator(CRITERION_SEED, device)
        order = _canonical_order(X, generator)
        n_chunks = math.ceil(X.shape[0] / CRITERION_CHUNK)
        rows = []
        for chunk in torch.tensor_split(X[order], n_chunks):
            terms = model.criterion_terms(chunk, generator)
            rows.append(torch.stack([terms["gw"], terms["w"], terms["mmd"]], dim=1))
        values = torch.empty(X.shape[0], 3, device=X.device)
        values[order] = torch.cat(rows)
        gw, w, mmd = values.double().cpu().numpy().T
    finally:
        model.train(was_training)
    terms = {"gw": gw, "w": w, "mmd": mmd}
    if not per_sample:
        terms = {k: float(v.mean()) for k, v in terms.items()}
    terms["score"] = -criterion_value(terms, lambda_w, lambda_d)
    return terms


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
    """

    def __init__(
        self,
        *,
        batch_size,
        max_epochs,
        learning_rate,
        lambda_w,
        lambda_d,
        lambda_h,
        n_iter_no_change,
        tol,
        device,
        seed,
        n_critic=5,
        precision="float32",
        compile=False,
        verbose=0,
    ):
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.learning_rate = learning_rate
        self.lambda_w = lambda_w
        self.lambda_d = lambda_d
        self.lambda_h = lambda_h
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.device = device
        self.seed = seed
        self.n_critic = n_critic
        self.precision = precision
        self.compile = compile
        self.verbose = verbose

    def _optimizers(self, model):
        # The authors' choices: RMSprop for both players with the critic, Adam with the MMD.
        if model.critic is not None:
            main = torch.optim.RMSprop(model.main_parameters(), lr=self.learning_rate)
            critic = torch.optim.RMSprop(model.critic.parameters(), lr=self.learning_rate)
            return main, critic
        main = torch.optim.Adam(model.main_parameters(), lr=self.learning_rate, betas=(0.9, 0.999))
        return main, None

    def _epoch_chunks(self, data, epoch):
        """The training rows of one epoch as device tensors: the resident tensor, or the
        chunks of a :class:`ChunkedRows` in an order drawn for this epoch."""
        if isinstance(data, torch.Tensor):
            yield data
            return
        rng = np.random.default_rng([self.seed, epoch])
        for chunk in data.chunks(rng):
            yield as_tensor(chunk, self.device)

    def _train_epoch(self, model, data, epoch, generator, main_opt, critic_opt, stop=None):
        """One pass over the training rows; returns the mean terms as a tensor
        [loss, gw, w, d, h] (on the device: read once per epoch, not per step).

        Returns early, before the next step, once ``stop.requested`` is set.
        """
        # The terms summed over the steps in place, on the device: one small op per step,
        # no host sync, and no per-step tensors kept alive (a list of them, interleaved
        # with each step's large temporaries, fragmented the heap: +90 MB of RSS over a
        # 1M-row epoch).
        sums = None
        n_steps = 0
        for X in self._epoch_chunks(data, epoch):
            n = X.shape[0]
            # Near-equal batches, none smaller than 2 (batch statistics need two rows).
            n_batches = max(1, min(round(n / self.batch_size), n // 2))
            perm = torch.randperm(n, generator=generator, device=X.device)
            for idx in torch.tensor_split(perm, n_batches):
                if stop is not None and stop.requested:
                    return None if sums is None else sums / n_steps
                terms = self._step(model, X[idx], generator, main_opt, critic_opt)
                sums = terms if sums is None else sums.add_(terms)
                n_steps += 1
        if sums is None:
            raise ValueError("The training data yielded no rows in this epoch.")
        return sums / n_steps

    def _step(self, model, xb, generator, main_opt, critic_opt):
        """One step of the main optimiser and ``n_critic`` of the critic's on batch xb;
        returns the detached terms [loss, gw, w, d, h]."""
        if critic_opt is not None:
            model.critic.requires_grad_(False)
        with self._autocast():
            terms = model.main_terms(xb, generator)
            loss = (
                terms["gw"]
                + self.lambda_w * terms["w"]
                + self.lambda_d * terms["d"]
                + self.lambda_h * terms["h"]
            )
        main_opt.zero_grad(set_to_none=True)
        loss.backward()
        main_opt.step()
        if critic_opt is not None:
            model.critic.requires_grad_(True)
            with torch.no_grad(), self._autocast():
                mu, logvar = model.encoder(xb)
            for _ in range(self.n_critic):
                with self._autocast():
                    critic_loss = model.critic_loss(xb, mu, logvar, generator)
                critic_opt.zero_grad(set_to_none=True)
                critic_loss.backward()
                critic_opt.step()
        parts = (loss, terms["gw"], terms["w"], terms["d"], terms["h"])
        return torch.stack([t.float() for t in parts]).detach()

    def _autocast(self):
        """bfloat16 autocast of the forward passes with ``precision="bfloat16"``; else a
        no-op context (cheaper per step than a disabled autocast)."""
        if self.precision == "bfloat16":
            return torch.autocast(self.device.type, dtype=torch.bfloat16)
        return contextlib.nullcontext()

    def fit(self, model, X_train, X_val=None, optimizer_state=None):
        """Train ``model`` in place on ``X_train`` (float32 array), monitoring ``X_val``.

        ``optimizer_state`` (the ``optimizer_state`` of an earlier :class:`TrainResult` of
        this model) continues that optimisation instead of starting afresh.

        Faults: an epoch whose loss or validation score is not finite is rolled back (model
        and optimiser) and the learning rate divided by ``RECOVERY_FACTOR``, with a
        :class:`NonFiniteLossWarning`; after ``MAX_RECOVERIES`` such epochs it raises
        :class:`NonFiniteLossError`. Ctrl-C (SIGINT, in the main thread) stops after the
        current step; a KeyboardInterrupt raised anywhere else rolls back to the last
        complete epoch. Either way the best weights so far are kept, with a warning.
        """
        device = self.device
        model.to(device).train()
        data = X_train if isinstance(X_train, ChunkedRows) else as_tensor(X_train, device)
        X_val = None if X_val is None else as_tensor(X_val, device)
        generator = make_generator(self.seed, device)
        main_opt, critic_opt = self._optimizers(model)
        optimizers = [opt for opt in (main_opt, critic_opt) if opt is not None]
        if optimizer_state is not None:
            # A copy: torch's optimisers would otherwise update the caller's tensors in place.
            for opt, state in zip(optimizers, _cloned(optimizer_state)):
                opt.load_state_dict(state)
            _set_learning_rate(optimizers, self.learning_rate)
        stopper = EarlyStopping(self.n_iter_no_change, self.tol, higher_is_better=X_val is not None)
        history = History()
        best_state = None
        # The state at the end of the last complete, finite epoch: what a fault rolls back to.
        last_good = _snapshot(model, optimizers)
        n_recoveries = 0
        interrupted = False
        bar = tqdm(total=self.max_epochs, desc="GWAE fit", disable=self.verbose < 1, leave=False)
        with flush_denormal(device), _StopRequest() as stop, _compiled(model, self.compile):
            try:
                for epoch in range(1, self.max_epochs + 1):
                    start = time.perf_counter()
                    means = self._train_epoch(
                        model, data, epoch, generator, main_opt, critic_opt, stop
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
                            lambda_w=self.lambda_w,
                            lambda_d=self.lambda_d,
                            device=device,
                        )
                        row.update({f"val_{k}": v for k, v in val.items()})
                    if not all(math.isfinite(v) for v in row.values()):
                        n_recoveries += 1
                        self._recover(model, optimizers, last_good, row, n_recoveries)
                        last_good = _snapshot(model, optimizers)
                        continue
                    last_good = _snapshot(model, optimizers)
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
                _restore(model, optimizers, last_good)
            finally:
                bar.close()
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
            optimizer_state=[_cloned(opt.state_dict()) for opt in optimizers],
            n_recoveries=n_recoveries,
        )

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
        _restore(model, optimizers, last_good)
        lowered = optimizers[0].param_groups[0]["lr"] / RECOVERY_FACTOR
        _set_learning_rate(optimizers, lowered)
        warnings.warn(
            f"The training loss became non-finite at epoch {row['epoch']} ({terms}); the "
            f"weights of the previous epoch are restored and the learning rate lowered to "
            f"{lowered:.3g}.",
            NonFiniteLossWarning,
        )

    def _report(self, bar, row):
        bar.update(1)
        shown = {"loss": f"{row['loss']:.4g}"}
        if "val_score" in row:
            shown["val_score"] = f"{row['val_score']:.4g}"
        bar.set_postfix(shown, refresh=False)
        if self.verbose >= 2:
            parts = " ".join(
                f"{k}={v:.4g}" for k, v in row.items() if k != "epoch" and isinstance(v, float)
            )
            tqdm.write(f"epoch {row['epoch']:4d} {parts}")


def _snapshot(model, optimizers):
    """Copies of the model's and optimisers' states (on their device)."""
    return (
        {k: v.detach().clone() for k, v in model.state_dict().items()},
        [_cloned(opt.state_dict()) for opt in optimizers],
    )


def map_tensors(fn, obj):
    """A copy of nested dicts / lists / tuples with ``fn`` applied to every tensor (other
    leaves kept as they are)."""
    if isinstance(obj, torch.Tensor):
        return fn(obj)
    if isinstance(obj, dict):
        return {k: map_tensors(fn, v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(map_tensors(fn, v) for v in obj)
    return obj


def _cloned(state):
    """A copy of nested dicts / lists / tuples whose tensors are cloned. An optimiser's
    state_dict holds references to its live moments; copy.deepcopy copies them too, but
    took 3-30 ms per call (a third of a short epoch) against well under 1 ms here."""
    return map_tensors(lambda t: t.detach().clone(), state)


def _restore(model, optimizers, snapshot):
    model_state, optimizer_states = snapshot
    model.load_state_dict(model_state)
    for opt, state in zip(optimizers, optimizer_states):
        opt.load_state_dict(state)


def _set_learning_rate(optimizers, learning_rate):
    for opt in optimizers:
        for group in opt.param_groups:
            group["lr"] = learning_rate


@contextlib.contextmanager
def _compiled(model, enabled):
    """Compile the encoder and decoder in place (``torch.compile``) while the block runs.

    Not the critic: its gradient penalty differentiates twice (create_graph=True), which
    compiled graphs do not support. The compiled forward is dropped afterwards, so the
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


class _StopRequest:
    """Turns Ctrl-C (SIGINT) during training into a request to stop after the current step.

    Python runs signal handlers in the main thread only, so the handler is installed there,
    and only over Python's default one (a framework's own handler is left alone). A second
    Ctrl-C raises KeyboardInterrupt at once, for a user who does not want to wait.
    """

    def __init__(self):
        self.requested = False
        self._previous = None

    def __enter__(self):
        if (
            threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler
        ):
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame):
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def __exit__(self, *exc_info):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
        return False
