"""The label-free model-selection criterion: minus the GWAE objective without its entropy
term, measured on the inference coupling of some rows."""

import math

import torch

from .seeding import make_generator
from .tensors import as_tensor

# The criterion is evaluated on chunks of at most this many rows: its GW and MMD parts are
# means over pairs, quadratic in the chunk size.
CRITERION_CHUNK = 512
# The criterion draws its noise from its own generator with this seed, so that the same
# model and data always give the same score.
CRITERION_SEED = 0


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
