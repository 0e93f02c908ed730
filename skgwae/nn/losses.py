"""The loss terms of the GWAE objective, as plain functions of tensors.

L = L_GW + lambda_W * L_W + lambda_D * L_D + lambda_H * L_H  (Nakagawa et al., ICLR 2023).
"""

import functools

import numpy as np
import torch

# Relative widths of the inverse multiquadric kernels, after WAE (Tolstikhin et al., 2018).
IMQ_SCALES = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)


def latent_scale(z):
    """s: the mean over coordinates of the (unbiased) batch standard deviation, >= 1e-8.

    Not detached: a trainable prior receives gradient through it.
    """
    return z.std(dim=0).mean().clamp_min(1e-8)


def gw_per_sample(x, z, kappa, scale, dx=None):
    """Each row's share of :func:`gw_loss`: ``mean_k | d(x_j, x_k) - kappa * ||z_j - z_k||
    / scale |`` for every j (its mean over j is the loss). ``dx`` holds the data distances
    d(x_j, x_k) (B, B); None: the Euclidean ones, computed from x."""
    dx = torch.cdist(x, x) if dx is None else dx
    dz = torch.cdist(z, z) * (kappa / scale)
    return (dx - dz).abs().mean(dim=1)


def best_scale(dx, dz):
    """The c >= 0 that minimises ``sum_{j,k} |dx_jk - c * dz_jk|`` over the pairs j < k.

    It is the median of the ratios dx / dz weighted by dz (pairs with dz = 0 do not depend
    on c); 0 when every dz is 0.
    """
    rows, cols = torch.triu_indices(dx.shape[0], dx.shape[1], offset=1, device=dx.device)
    dx, dz = dx[rows, cols], dz[rows, cols]
    keep = dz > 0
    if not bool(keep.any()):
        return dz.new_zeros(())
    ratio, weight = dx[keep] / dz[keep], dz[keep]
    if ratio.device.type == "cpu":
        # numpy sorts these tens of thousands of values (32,640 pairs for the 256 reference
        # rows) in a fifth of torch's time on CPU, and torch's sort was about a tenth of
        # each validation. Ties may come out in another order; the weighted median does not
        # depend on it.
        order = torch.from_numpy(np.argsort(ratio.detach().numpy()))
        ratio = ratio[order]
    else:
        ratio, order = torch.sort(ratio)
    cumulative = torch.cumsum(weight[order], dim=0)
    index = torch.searchsorted(cumulative, 0.5 * cumulative[-1])
    return ratio[index.clamp_max(ratio.shape[0] - 1)]


def gw_to_reference(dx, z, z_reference, c):
    """Each row's GW mismatch with a fixed set of reference points:
    ``mean_r | dx_ir - c * ||z_i - z_r|| |``, where ``dx`` (n, R) holds the data distances
    from each row to each reference point and ``z_reference`` (R, d) their codes. A row's
    value depends on that row alone."""
    return (dx - c * _row_distances(z, z_reference)).abs().mean(dim=1)


def _row_distances(a, b):
    # Each distance computed from its own two rows: torch's matrix-product shortcut rounds
    # a row's distances differently depending on how many rows are in the call.
    return torch.cdist(a, b, compute_mode="donot_use_mm_for_euclid_dist")


def gw_loss(x, z, kappa, scale, dx=None):
    """The p = 1 Gromov-Wasserstein term on a fixed coupling of the pairs (x_j, z_j).

    ``mean_{j,k} | d(x_j, x_k) - kappa * ||z_j - z_k|| / scale |`` over all B x B pairs, the
    zero diagonal included. ``dx`` holds the data distances (B, B) under the data's metric;
    None: plain Euclidean distances between the rows of x.
    """
    dx = torch.cdist(x, x) if dx is None else dx
    factor = kappa / scale
    if not torch.is_tensor(factor):
        factor = torch.tensor(factor, dtype=z.dtype, device=z.device)
    if z.dtype not in (torch.float32, torch.float64):  # bfloat16 autocast
        z = z.float()
    return _GWMismatch.apply(dx, z, factor)


def reconstruction_per_sample(x, x_hat):
    """``0.5 * ||x_i - x_hat_i||^2`` for every row i."""
    return 0.5 * (x - x_hat).square().sum(dim=1)


def reconstruction_loss(x, x_hat):
    """L_W: ``mean_i 0.5 * ||x_i - x_hat_i||^2``, summed over features."""
    return reconstruction_per_sample(x, x_hat).mean()


def entropy_loss(logvar):
    """L_H: ``-mean_i sum_k log sigma_k^2(x_i)``, the negative entropy of q up to constants."""
    return -logvar.sum(dim=1).mean()


def kernel_matrix(a, b, kernel="imq"):
    """The MMD kernel ``k(a_i, b_j)`` for every pair of rows (``kernel`` "imq" or "rbf"),
    each value computed from its own two rows alone."""
    return _kernel(_row_distances(a, b).square(), a.shape[1], kernel)


def mmd_to_reference(a, a_reference, b, within_b, kernel="imq"):
    """Each row of a's share of the MMD between a's distribution and b's, with the other
    rows of a replaced by a fixed reference sample of it: ``mean_r k(a_i, a_r) - 2 mean_j
    k(a_i, b_j) + within_b``, ``within_b`` the mean kernel between distinct rows of b. A
    row's value depends on that row alone."""
    return (
        kernel_matrix(a, a_reference, kernel).mean(dim=1)
        - 2.0 * kernel_matrix(a, b, kernel).mean(dim=1)
        + within_b
    )


def within_kernel_mean(b, kernel="imq"):
    """The mean kernel ``k(b_j, b_j')`` over pairs of distinct rows of b."""
    m, d = b.shape
    sq_dist = _row_distances(b, b).square_()
    if kernel == "rbf":
        k = _kernel(sq_dist, d, kernel)
        return (k.sum() - k.diagonal().sum()) / (m * (m - 1))
    # _kernel's sum, summed into a scalar scale by scale in one reused buffer: half the
    # time of the kernel matrix for the 512 prior samples of the criterion, which a
    # trainable prior redraws at every validation. The zero diagonal adds k(0) = 1 per
    # scale and row.
    total = 0.0
    buffer = torch.empty_like(sq_dist)
    for scale in IMQ_SCALES:
        c = 2.0 * d * scale
        total = total + c * torch.add(sq_dist, c, out=buffer).reciprocal_().sum()
    return (total - m * len(IMQ_SCALES)) / (m * (m - 1))


def _kernel(sq_dist, n_components, kernel):
    if kernel == "rbf":
        # The authors' helper (after InfoVAE): exp(-mean_k (a_k - b_k)^2 / d).
        return torch.exp(-sq_dist / (n_components * n_components))
    # Multi-scale inverse multiquadric, sum_c C / (C + ||a - b||^2), C = 2 d c for the scales c.
    # Its heavy tails keep a gradient on encoder means far from the prior; with the rbf
    # kernel they can escape the prior's scale. Summed scale by scale: the criterion calls
    # this on hundreds of rows against hundreds of references in float64, where one
    # (scales, n, m) array costs 4 times as much. (Training uses the vectorised form of
    # _kernel_and_derivative: there the number of operations, not their size, counts.)
    total = None
    for scale in IMQ_SCALES:
        c = 2.0 * n_components * scale
        # In place where autograd allows it (nothing here reads the tensors it changes).
        inverse = (sq_dist + c).reciprocal_()
        total = inverse.mul(c) if total is None else total.add_(inverse, alpha=c)
    return total


def mmd_per_sample(a, b, kernel="imq"):
    """Each row of a's share of :func:`mmd` (its mean over the rows is the MMD).

    Row i gets ``sum_{j != i} k(a_i, a_j) / (n - 1) - 2 mean_j k(a_i, b_j)`` plus the mean
    within-b term, which does not depend on a.
    """
    (n, d), m = a.shape, b.shape[0]
    # One kernel matrix over the rows of a and b together: its blocks are k(a, a),
    # k(a, b) and k(b, b). One call instead of three is what a small step is made of.
    both = torch.cat([a, b])
    k = _kernel(_squared_distances(both), d, kernel)
    k_aa, k_ab, k_bb = k[:n, :n], k[:n, n:], k[n:, n:]
    within_a = (k_aa.sum(dim=1) - k_aa.diagonal()) / (n - 1)
    within_b = (k_bb.sum() - k_bb.diagonal().sum()) / (m * (m - 1))
    return within_a + within_b - 2.0 * k_ab.mean(dim=1)


def _squared_distances(a):
    """``||a_i - a_j||^2`` for every pair of rows, by the matrix-product expansion (no
    square root, so its gradient is finite at 0), clipped at 0 against rounding; in at
    least float32 even under bfloat16 autocast, where the expansion would cancel most of
    the digits (as torch.cdist is kept in float32 by autocast)."""
    with torch.autocast(a.device.type, enabled=False):
        if a.dtype not in (torch.float32, torch.float64):
            a = a.float()
        sq = a.square().sum(dim=1)
        return torch.addmm(sq.unsqueeze(1) + sq.unsqueeze(0), a, a.T, alpha=-2.0).clamp_min_(0.0)


def mmd(a, b, kernel="imq"):
    """Unbiased estimate of the squared maximum mean discrepancy between samples a and b
    (at least 2 rows each).

    ``kernel`` is ``"imq"`` (multi-scale inverse multiquadric) or ``"rbf"``. The within-sample
    sums leave out the diagonal (U-statistic), so the estimate can be slightly negative.
    """
    if a.dtype not in (torch.float32, torch.float64):  # bfloat16 autocast
        a, b = a.float(), b.float()
    return _MMD.apply(a, b.to(a.dtype), kernel)


class _GWMismatch(torch.autograd.Function):
    """:func:`gw_loss` as one function of (dx, z, factor = kappa / s), with the gradient
    written out.

    A training step is made of small operations, each with a fixed cost: built from
    autograd's pieces (cdist, subtraction, abs, mean and their backward passes) this term
    took about a fifth of a step on a CPU; the closed-form gradient needs two matrix
    products. The distances between codes are expanded as ``|a|^2 + |b|^2 - 2 a.b`` (as
    torch.cdist does for batches of more than 25 rows), with an exact zero diagonal.
    """

    @staticmethod
    def forward(ctx, dx, z, factor):
        dz = _squared_distances(z).fill_diagonal_(0.0).sqrt_()
        residual = dx - factor * dz
        ctx.save_for_backward(z, dz, residual.sign(), factor)
        return residual.abs().mean()

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad):
        z, dz, sign, factor = ctx.saved_tensors
        grad = grad / sign.numel()
        grad_dx = grad_z = grad_factor = None
        if ctx.needs_input_grad[0]:
            grad_dx = sign * grad
        if ctx.needs_input_grad[2]:
            grad_factor = -(sign * dz).sum() * grad
        if ctx.needs_input_grad[1]:
            # d mean / d dz_jk = -factor sign_jk / B^2, and d dz_jk / d z_j = (z_j - z_k) /
            # dz_jk: with w = that ratio (0 where dz is 0), the gradient of z_j is
            # sum_k (w_jk + w_kj) (z_j - z_k).
            w = torch.where(dz > 0, sign / dz, 0.0).mul_(-factor * grad)
            w = w + w.T
            grad_z = w.sum(dim=1, keepdim=True) * z - w @ z
        return grad_dx, grad_z, grad_factor


class _MMD(torch.autograd.Function):
    """:func:`mmd` as one function of (a, b), with the gradient written out.

    The unbiased estimate is a weighted sum of the kernel over the pairs of rows of a and
    b together, ``sum_jk W_jk k(s_jk)`` with s the squared distances; its gradient for a
    row u_j is ``2 sum_k (C_jk + C_kj) (u_j - u_k)``, with ``C = W * k'(s)``. Autograd's
    version (slices of the kernel matrix, each back-propagated into a zero-filled copy of
    it) took about a third of a training step on a CPU.
    """

    @staticmethod
    def forward(ctx, a, b, kernel):
        n, m = a.shape[0], b.shape[0]
        both = torch.cat([a, b])
        sq_dist = _squared_distances(both)
        weights = _mmd_weights(n, m, sq_dist.dtype, sq_dist.device)
        needs_grad = ctx.needs_input_grad[0] or ctx.needs_input_grad[1]
        k, dk = _kernel_and_derivative(sq_dist, a.shape[1], kernel, needs_grad)
        if needs_grad:
            ctx.save_for_backward(both, dk.mul_(weights))
            ctx.n = n
        return (k * weights).sum()

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad):
        both, c = ctx.saved_tensors
        c = (c + c.T).mul_(2.0 * grad)
        g = c.sum(dim=1, keepdim=True) * both - c @ both
        return g[: ctx.n], g[ctx.n :], None


@functools.lru_cache(maxsize=16)
def _mmd_weights(n, m, dtype, device):
    """The weights W of :class:`_MMD`: ``1 / (n (n - 1))`` between distinct rows of a,
    ``1 / (m (m - 1))`` between distinct rows of b, ``-1 / (n m)`` between a row of a and
    one of b (each pair counted twice, so the cross term is ``-2 mean k(a, b)``)."""
    weights = torch.full((n + m, n + m), -1.0 / (n * m), dtype=dtype, device=device)
    weights[:n, :n] = 1.0 / (n * (n - 1))
    weights[n:, n:] = 1.0 / (m * (m - 1))
    return weights.fill_diagonal_(0.0)


@functools.lru_cache(maxsize=16)
def _imq_bases(n_components, dtype, device):
    """The constants C = 2 d c of the IMQ scales c, shaped (scales, 1, 1). Kept: a tensor
    made from Python numbers is a copy from the host, which a CUDA graph cannot record."""
    bases = torch.tensor(IMQ_SCALES, dtype=dtype, device=device)
    return bases.mul_(2.0 * n_components).view(-1, 1, 1)


def _kernel_and_derivative(sq_dist, n_components, kernel, derivative):
    """The MMD kernel of the squared distances and, if ``derivative``, its derivative with
    respect to them (else None)."""
    if not derivative:
        return _kernel(sq_dist, n_components, kernel), None
    if kernel == "rbf":
        k = _kernel(sq_dist, n_components, kernel)
        return k, -k / (n_components * n_components)
    # The scales at once: one (scales, n, n) array, a handful of operations per step.
    bases = _imq_bases(n_components, sq_dist.dtype, sq_dist.device)
    ratio = bases / (sq_dist.unsqueeze(0) + bases)
    k = ratio.sum(dim=0)
    # d/ds C / (C + s) = -(C / (C + s))^2 / C
    return k, ratio.square_().div_(bases).sum(dim=0).neg_()


def gwae_objective(terms, lambda_w, lambda_d, lambda_h):
    """The GWAE objective ``L_GW + lambda_w L_W + lambda_d L_D + lambda_h L_H`` from the
    terms of :meth:`GWAEModel.main_terms` (a dict with keys ``"gw"``, ``"w"``, ``"d"``,
    ``"h"``)."""
    return (
        terms["gw"] + lambda_w * terms["w"] + lambda_d * terms["d"] + lambda_h * terms["h"]
    )


def critic_gap(t_generative, t_inference):
    """L_D in the critic variant: ``mean_j T(x~_j, z~_j) - mean_i T(x_i, z_i)``.

    The main networks minimise it; the critic maximises it.
    """
    return t_generative.mean() - t_inference.mean()


def critic_interpolations(x, z, x_gen, z_gen, generator=None, requires_grad=True):
    """The pairs ``(x', z') = t (x, z) + (1 - t) (x_gen, z_gen)``, t ~ U[0, 1] per pair, on
    which the gradient penalty is taken; both require grad unless ``requires_grad`` is
    False (for a critic that writes its input gradient out)."""
    t = torch.rand(x.shape[0], 1, generator=generator, device=x.device, dtype=x.dtype)
    xp = (t * x + (1 - t) * x_gen).requires_grad_(requires_grad)
    zp = (t * z + (1 - t) * z_gen).requires_grad_(requires_grad)
    return xp, zp


def critic_penalty_of(t_interpolated, xp, zp, t_inference, t_generative):
    """:func:`critic_penalty` from the critic's outputs: ``t_interpolated`` on the pairs
    ``(xp, zp)`` of :func:`critic_interpolations` (computed from them, so that the
    gradient reaches them), ``t_inference`` and ``t_generative`` on the two sides."""
    grad_x, grad_z = torch.autograd.grad(t_interpolated.sum(), (xp, zp), create_graph=True)
    return critic_penalty_from_gradients(grad_x, grad_z, t_inference, t_generative)


def critic_penalty_from_gradients(grad_x, grad_z, t_inference, t_generative):
    """:func:`critic_penalty` from the critic's gradient ``(grad_x, grad_z)`` at the
    interpolated pairs and its outputs on the two sides."""
    grad_norm = torch.cat([grad_x, grad_z], dim=1).norm(dim=1)
    gradient_penalty = (grad_norm - 1.0).square().mean()
    output_penalty = 1e-4 * (t_inference.square().mean() + t_generative.square().mean())
    return gradient_penalty + output_penalty


def critic_penalty(critic, x, z, x_gen, z_gen, t_inference, t_generative, generator=None):
    """The critic's regulariser: one-centred gradient penalty plus an output penalty.

    The gradient penalty is ``mean (||grad T(x', z')|| - 1)^2`` on random interpolations
    ``(x', z') = t (x, z) + (1 - t) (x_gen, z_gen)``, t ~ U[0, 1] per pair, with the gradient
    taken jointly over x' and z'. The output penalty is
    ``1e-4 * (mean T(x, z)^2 + mean T(x_gen, z_gen)^2)``. The caller multiplies the sum by the
    penalty weight (10), as the authors do.
    """
    xp, zp = critic_interpolations(x, z, x_gen, z_gen, generator)
    return critic_penalty_of(critic(xp, zp), xp, zp, t_inference, t_generative)
