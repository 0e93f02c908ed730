"""The label-free model-selection criterion: minus the GWAE objective without its entropy
term, measured on the inference coupling of some rows, each row against a fixed reference.

Every term of a row is computed from that row and from things the fitted model fixes: a
set of reference training rows kept at fit time (the data distances from the row to them,
and their codes) and prior samples drawn with a fixed seed. So a row's value does not
depend on which other rows are scored with it, and a single row can be scored.
"""

import torch

from .seeding import make_generator
from .tensors import as_tensor

# Rows per forward pass: bounds the memory of the (rows x reference x kernel scales)
# float64 temporaries of the MMD part to about 30 MB.
CRITERION_CHUNK = 1024
# The prior samples of the MMD part are drawn with this seed, so the same model always
# gives the same score.
CRITERION_SEED = 0
# Prior samples each row is compared with in the MMD part.
N_PRIOR_SAMPLES = 512


def _float64(A, device):
    return torch.as_tensor(A, dtype=torch.float64, device=device)


def criterion_value(terms, lambda_w, lambda_d):
    """Combine criterion terms into the loss the score negates (lower is better)."""
    return terms["gw"] + lambda_w * terms["w"] + lambda_d * terms["mmd"]


@torch.no_grad()
def evaluate_criterion(
    model,
    X,
    dX,
    geometry,
    *,
    lambda_w,
    lambda_d,
    device,
    per_sample=False,
    reference_distances=None,
    prior_cache=None,
    dtype=torch.float32,
    reference_model=None,
):
    """The model-selection criterion on the rows of X, in evaluation mode.

    ``dX`` (n, R) holds the data distances from each row of X to each reference row of
    ``geometry`` (an object with ``reference_rows_`` and ``reference_distances``, see
    :class:`skgwae._geometry.DataGeometry`); None computes them here. Returns a dict with
    the mean terms (``"gw"``, ``"w"``, ``"mmd"``, see
    :meth:`skgwae.nn.GWAEModel.criterion_terms`) and ``"score"``, minus ``gw + lambda_w *
    w + lambda_d * mmd`` (higher is better); with ``per_sample=True`` each value is a
    float64 array with one entry per row of X, whose mean is the value above.
    ``reference_distances`` are the distances between the reference rows
    (``geometry.reference_distances(geometry.reference_rows_)``), for a caller that
    evaluates many times with one geometry; None computes them here. ``prior_cache`` (a
    dict, empty at first) keeps the prior samples and their kernel mean between calls,
    redrawn only when the prior's parameters have changed. The rows of X enter the model
    as ``dtype`` tensors (float64 for a float64 copy of the model); ``reference_model``
    (default: the model itself, in float32) computes what every row is compared with: the
    reference rows' codes and the prior samples, so that a float64 copy of a model is
    compared with the same prior samples as the model.
    """
    was_training = model.training
    model.eval()
    try:
        rows = as_tensor(geometry.reference_rows_, device)
        compared = model if reference_model is None else reference_model
        reference = compared.criterion_reference(
            rows,
            _float64(
                geometry.reference_distances(geometry.reference_rows_)
                if reference_distances is None
                else reference_distances,
                device,
            ),
            N_PRIOR_SAMPLES,
            make_generator(CRITERION_SEED, device),
            cache=prior_cache,
        )
        values = torch.empty(X.shape[0], 3, device=device, dtype=torch.float64)
        for start in range(0, X.shape[0], CRITERION_CHUNK):
            stop = start + CRITERION_CHUNK
            # Distances to the reference rows by chunk (n * R values in all), unless given.
            chunk_dX = geometry.reference_distances(X[start:stop]) if dX is None else dX[start:stop]
            terms = model.criterion_terms(
                as_tensor(X[start:stop], device, dtype), _float64(chunk_dX, device), reference
            )
            values[start:stop] = torch.stack([terms["gw"], terms["w"], terms["mmd"]], 1).double()
        gw, w, mmd = values.cpu().numpy().T
    finally:
        model.train(was_training)
    terms = {"gw": gw, "w": w, "mmd": mmd}
    if not per_sample:
        terms = {k: float(v.mean()) for k, v in terms.items()}
    terms["score"] = -criterion_value(terms, lambda_w, lambda_d)
    return terms
