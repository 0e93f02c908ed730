"""Training the encoder so that a Gaussian mixture of its codes reproduces a partition of
the rows: the clusterer's last training step, after its partition has been found."""

import math

import torch

from .device import flush_denormal
from .seeding import make_generator
from .tensors import as_tensor
from .trainer import make_adam

# Ridge on every part's covariance, relative to the overall variance of the codes: a part
# of codes on a line still has a density.
RIDGE = 1e-6
# Rows per forward pass when the parts' moments are measured.
MOMENTS_CHUNK = 4096


def fit_encoder_to_partition(encoder, rows, labels, n_parts, *, n_steps, batch_size,
                             learning_rate, device, seed):
    """Train ``encoder`` in place so that the mixture of its codes' parts classifies the
    rows as ``labels`` does.

    The mixture has one full-covariance Gaussian component per part: the weight, mean
    and covariance of the latent means of that part's rows. Adam (``learning_rate``)
    takes ``n_steps`` steps on mini-batches of ``batch_size`` rows, each minimising the
    cross-entropy of the rows' labels under the components' posterior
    ``w_k N(mu(x); m_k, C_k) / sum_j w_j N(mu(x); m_j, C_j)``. The components are held
    fixed within a pass over the rows and measured again from the codes at the start of
    each pass, so they follow the codes as the encoder moves them. Every label in
    ``range(n_parts)`` must have rows. Randomness (the batches) comes from ``seed``.

    The forward passes run in float32 on ``device``; the components and the
    cross-entropy in float64.
    """
    device = torch.device(device)
    rows = as_tensor(rows, device)
    labels = torch.as_tensor(labels, dtype=torch.long, device=rows.device)
    generator = make_generator(seed, device)
    optimizer = make_adam(list(encoder.parameters()), learning_rate)
    n_batches = max(1, -(-len(rows) // batch_size))
    steps = 0
    with flush_denormal(device):
        while steps < n_steps:
            components = _part_components(encoder, rows, labels, n_parts)
            perm = torch.randperm(len(rows), generator=generator, device=rows.device)
            for batch in torch.tensor_split(perm, n_batches):
                if steps == n_steps:
                    break
                log_joint = _log_joint(encoder(rows[batch])[0], *components)
                loss = torch.nn.functional.cross_entropy(log_joint, labels[batch])
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                steps += 1


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
