"""The optimisation loop of a GWAE."""

import dataclasses
import math
import time
import warnings

import numpy as np
import torch
from tqdm.auto import tqdm

from ..exceptions import NonFiniteLossError
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


def as_tensor(X, device):
    """A float32 tensor of X on ``device``; X may be any array (strided, read-only) or tensor."""
    if not isinstance(X, torch.Tensor):
        X = np.ascontiguousarray(X, dtype=np.float32)
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
        self.verbose = verbose

    def _optimizers(self, model):
        # The authors' choices: RMSprop for both players with the critic, Adam with the MMD.
        if model.critic is not None:
            main = torch.optim.RMSprop(model.main_parameters(), lr=self.learning_rate)
            critic = torch.optim.RMSprop(model.critic.parameters(), lr=self.learning_rate)
            return main, critic
        main = torch.optim.Adam(model.main_parameters(), lr=self.learning_rate, betas=(0.9, 0.999))
        return main, None

    def _train_epoch(self, model, X, generator, main_opt, critic_opt):
        """One pass over X; returns the mean terms as a tensor [loss, gw, w, d, h]."""
        n = X.shape[0]
        # Near-equal batches, none smaller than 2 (batch statistics need two rows).
        n_batches = max(1, min(round(n / self.batch_size), n // 2))
        perm = torch.randperm(n, generator=generator, device=X.device)
        sums = torch.zeros(5, device=X.device)
        for idx in torch.tensor_split(perm, n_batches):
            xb = X[idx]
            if critic_opt is not None:
                model.critic.requires_grad_(False)
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
                with torch.no_grad():
                    mu, logvar = model.encoder(xb)
                for _ in range(self.n_critic):
                    critic_loss = model.critic_loss(xb, mu, logvar, generator)
                    critic_opt.zero_grad(set_to_none=True)
                    critic_loss.backward()
                    critic_opt.step()
            sums += torch.stack(
                [loss.detach(), *(terms[k].detach() for k in ("gw", "w", "d", "h"))]
            )
        return sums / n_batches

    def fit(self, model, X_train, X_val=None):
        """Train ``model`` in place on ``X_train`` (float32 array), monitoring ``X_val``."""
        device = self.device
        model.to(device).train()
        X = as_tensor(X_train, device)
        X_val = None if X_val is None else as_tensor(X_val, device)
        generator = make_generator(self.seed, device)
        main_opt, critic_opt = self._optimizers(model)
        stopper = EarlyStopping(self.n_iter_no_change, self.tol, higher_is_better=X_val is not None)
        history = History()
        best_state = None
        interrupted = False
        epoch = 0
        bar = tqdm(
            total=self.max_epochs,
            desc="GWAE fit",
            disable=self.verbose < 1,
            leave=False,
        )
        with flush_denormal(device):
            try:
                for epoch in range(1, self.max_epochs + 1):
                    start = time.perf_counter()
                    means = self._train_epoch(model, X, generator, main_opt, critic_opt)
                    loss, gw, w, d, h = means.tolist()
                    if not all(map(math.isfinite, (loss, gw, w, d, h))):
                        raise NonFiniteLossError(
                            f"The training loss became non-finite at epoch {epoch} "
                            f"(L_GW={gw}, L_W={w}, L_D={d}, L_H={h}). Lower learning_rate, or "
                            "check the scale of the data."
                        )
                    row = dict(
                        epoch=epoch,
                        loss=loss,
                        gw=gw,
                        w=w,
                        d=d,
                        h=h,
                        kappa=model.kappa.item(),
                    )
                    if X_val is not None:
                        val = evaluate_criterion(
                            model,
                            X_val,
                            lambda_w=self.lambda_w,
                            lambda_d=self.lambda_d,
                            device=device,
                        )
                        row.update({f"val_{k}": v for k, v in val.items()})
                        monitored = val["score"]
                    else:
                        monitored = loss
                    row["seconds"] = time.perf_counter() - start
                    history.record(**row)
                    if stopper.update(monitored, epoch) and X_val is not None:
                        best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
                    self._report(bar, row)
                    if stopper.should_stop:
                        break
            except KeyboardInterrupt:
                if not history:
                    raise
                interrupted = True
                warnings.warn(
                    f"Training interrupted by the user after {len(history)} epoch(s); keeping "
                    "the best weights so far.",
                    UserWarning,
                )
            finally:
                bar.close()
        if best_state is not None:
            model.load_state_dict(best_state)
        model.eval()
        return TrainResult(
            history=history,
            n_epochs=len(history),
            best_epoch=stopper.best_epoch,
            best_validation_score=stopper.best_value if X_val is not None else None,
            stopped_early=stopper.should_stop,
            interrupted=interrupted,
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
