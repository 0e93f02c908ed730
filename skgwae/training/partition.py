"""Training on, with a partition of the rows added to the objective: the clusterer's last
training step, once its partition of the training rows has been found."""

import math

import torch

from ..nn.losses import gwae_objective
from .device import deterministic_kernels, flush_denormal
from .safeguards import StopRequest
from .seeding import make_generator
from .tensors import as_tensor
from .trainer import make_adam

# Ridge on every part's covariance, relative to the overall variance of the codes: a part
# of codes on a line still has a density.
RIDGE = 1e-6
# Rows per forward pass when the parts' moments are measured.
MOMENTS_CHUNK = 4096


def fit_to_partition(
    model,
    rows,
    positions,
    labels,
    n_parts,
    *,
    n_steps,
    batch_size,
    learning_rate,
    lambda_w,
    lambda_d,
    lambda_h,
    label_weight,
    pairs,
    device,
    seed,
):
    """Train ``model`` in place on the objective plus a term that makes the mixture of its
    codes' parts classify ``rows`` as ``labels`` does.

    The mixture has one full-covariance Gaussian component per part: the weight, mean and
    covariance of the latent means of that part's rows. Adam (``learning_rate``) takes
    ``n_steps`` steps on the main parameters (encoder, decoder, prior, kappa) on
    mini-batches of ``batch_size`` rows, each minimising the GWAE objective
    ``L_GW + lambda_w L_W + lambda_d L_D + lambda_h L_H`` plus ``label_weight`` times the
    cross-entropy of the rows' labels under the components' posterior ``w_k N(mu(x); m_k,
    C_k) / sum_j w_j N(mu(x); m_j, C_j)``. The objective keeps the codes' geometry and the
    decoder in step with the encoder; the cross-entropy moves the codes of rows the
    mixture gives to another part. The components are held fixed within a pass over the
    rows and measured again at the start of each pass, so they follow the codes. A critic
    is held fixed (its L_D is the gap of the trained critic).

    ``positions`` are the rows' positions among the training rows, which ``pairs`` (see
    :meth:`skgwae._geometry.DataGeometry.pair_distance_fn`; None: Euclidean) maps to data
    distances. Every label in ``range(n_parts)`` must have rows. Randomness (batches,
    codes, prior samples) comes from ``seed``. Forward passes run in float32 on
    ``device``, the components and the cross-entropy in float64. The model is left in
    evaluation mode.

    Ctrl-C (SIGINT, in the main thread) stops the steps after the current one, as in
    :meth:`Trainer.fit`; returns whether that happened.
    """
    device = torch.device(device)
    rows = as_tensor(rows, device)
    positions = torch.as_tensor(positions, dtype=torch.long, device=device)
    labels = torch.as_tensor(labels, dtype=torch.long, device=device)
    generator = make_generator(seed, device)
    optimizer = make_adam(model.main_parameters(), learning_rate)
    n_batches = max(1, -(-len(rows) // batch_size))
    if model.critic is not None:
        model.critic.requires_grad_(False)
    model.train()
    steps = 0
    try:
        with flush_denormal(device), deterministic_kernels(device), StopRequest() as stop:
            while steps < n_steps and not stop.requested:
                components = _part_components(model.encoder, rows, labels, n_parts)
                perm = torch.randperm(len(rows), generator=generator, device=device)
                for batch in torch.tensor_split(perm, n_batches)[: n_steps - steps]:
                    if stop.requested:
                        break
                    xb = rows[batch]
                    dx = None if pairs is None else pairs(xb, positions[batch])
                    terms, means = model.main_terms(xb, generator, dx, with_means=True)
                    log_joint = _log_joint(means, *components)
                    loss = gwae_objective(
                        terms, lambda_w, lambda_d, lambda_h
                    ) + label_weight * torch.nn.functional.cross_entropy(log_joint, labels[batch])
                    optimizer.zero_grad(set_to_none=True)
                    loss.backward()
                    optimizer.step()
                    steps += 1
    finally:
        if model.critic is not None:
            model.critic.requires_grad_(True)
        model.eval()
    return stop.requested


@torch.no_grad()
def _part_components(encoder, rows, labels, n_parts):
    """(log weights + normalising constants, means, inverse Cholesky factors of the
    covariances) of the latent means of each part, float64."""
    chunks = range(0, len(rows), MOMENTS_CHUNK)
    codes = torch.cat([encoder(rows[i : i + MOMENTS_CHUNK])[0] for i in chunks]).double()
    onehot = torch.nn.functional.one_hot(labels, n_parts).double()
    counts = onehot.sum(dim=0)
    means = onehot.T @ codes / counts[:, None]
    centred = codes - means[labels]
    covariances = torch.einsum("nk,ni,nj->kij", onehot, centred, centred) / counts[:, None, None]
    n_dims = codes.shape[1]
    eye = torch.eye(n_dims, dtype=codes.dtype, device=codes.device)
    covariances = covariances + RIDGE * (float(codes.var()) or 1.0) * eye
    cholesky = torch.linalg.cholesky(covariances)
    inverse = torch.linalg.solve_triangular(cholesky, eye.expand_as(cholesky), upper=False)
    log_det = 2.0 * cholesky.diagonal(dim1=1, dim2=2).log().sum(dim=1)
    constants = (counts / len(codes)).log() - 0.5 * (log_det + n_dims * math.log(2 * math.pi))
    return constants, means, inverse


def _log_joint(codes, constants, means, inverse):
    """``log w_k + log N(code; m_k, C_k)`` of each code and component, (n, k) float64,
    from the components of :func:`_part_components` (C_k^-1 = inverse_k^T inverse_k)."""
    whitened = torch.einsum("kij,nkj->nki", inverse, codes.double()[:, None, :] - means)
    return constants - 0.5 * whitened.square().sum(dim=2)
