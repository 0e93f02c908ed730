"""Unit tests of skgwae.nn: loss terms, prior families, networks and GWAEModel.

Every loss term is checked against a value computed independently here with numpy on small
fixed inputs, never by calling the torch code under test a second time.
"""

import math

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn.utils import parametrize

from skgwae.nn import (
    PRIORS,
    GWAEModel,
    JointCritic,
    LeakySiLU,
    MLPDecoder,
    MLPEncoder,
    critic_gap,
    critic_penalty,
    entropy_loss,
    gw_loss,
    gwae_objective,
    latent_scale,
    make_prior,
    mmd,
    reconstruction_loss,
)
from skgwae.nn.losses import IMQ_SCALES
from skgwae.nn.model import CRITIC_PENALTY_WEIGHT
from skgwae.nn.networks import LOGVAR_MAX, LOGVAR_MIN
from skgwae.nn.priors import BATCHNORM_EPS
from skgwae.training import seeded

# --------------------------------------------------------------------------------------------
# Independent numpy references
# --------------------------------------------------------------------------------------------


def np_pdist(a, b=None):
    """Euclidean distance matrix by broadcasting (no torch)."""
    b = a if b is None else b
    return np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1))


def np_latent_scale(z):
    return max(z.std(axis=0, ddof=1).mean(), 1e-8)


def np_gw(x, z, kappa, s):
    return np.abs(np_pdist(x) - kappa * np_pdist(z) / s).mean()


def np_kernel(sq, d, kernel):
    if kernel == "rbf":
        return np.exp(-sq / d**2)
    out = np.zeros_like(sq)
    for c in (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0):
        C = 2.0 * d * c
        out += C / (C + sq)
    return out


def np_mmd(a, b, kernel):
    n, m, d = a.shape[0], b.shape[0], a.shape[1]
    k_aa = np_kernel(np_pdist(a) ** 2, d, kernel)
    k_bb = np_kernel(np_pdist(b) ** 2, d, kernel)
    k_ab = np_kernel(np_pdist(a, b) ** 2, d, kernel)
    # U-statistic: explicit double loops over off-diagonal pairs.
    s_aa = sum(k_aa[i, j] for i in range(n) for j in range(n) if i != j)
    s_bb = sum(k_bb[i, j] for i in range(m) for j in range(m) if i != j)
    s_ab = sum(k_ab[i, j] for i in range(n) for j in range(m))
    return s_aa / (n * (n - 1)) + s_bb / (m * (m - 1)) - 2.0 * s_ab / (n * m)


def t64(a, requires_grad=False):
    return torch.tensor(a, dtype=torch.float64, requires_grad=requires_grad)


@pytest.fixture
def rs():
    return np.random.RandomState(42)


# --------------------------------------------------------------------------------------------
# Loss terms
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kappa", [1.0, 2.5])
def test_gw_loss_matches_numpy(rs, kappa):
    x = rs.normal(size=(6, 4)) * 3.0
    z = rs.normal(size=(6, 2))
    s = 0.7
    got = gw_loss(t64(x), t64(z), torch.tensor(kappa, dtype=torch.float64), s).item()
    assert got == pytest.approx(np_gw(x, z, kappa, s), rel=1e-10)


def test_gw_loss_includes_diagonal(rs):
    # With every off-diagonal pair off by exactly 1, the mean over the B x B pairs (diagonal
    # included) is (B - 1) / B, not 1.
    b = 5
    x = np.eye(b) * math.sqrt(2.0)  # pairwise distance 2 off the diagonal
    z = np.eye(b) / math.sqrt(2.0)  # pairwise distance 1 off the diagonal
    got = gw_loss(t64(x), t64(z), torch.tensor(1.0, dtype=torch.float64), 1.0).item()
    assert got == pytest.approx((b - 1) / b, rel=1e-10)


def test_latent_scale_matches_numpy(rs):
    z = rs.normal(size=(7, 3)) * np.array([0.5, 1.0, 2.0])
    assert latent_scale(t64(z)).item() == pytest.approx(np_latent_scale(z), rel=1e-12)
    # Unbiased (ddof=1), not the biased estimate.
    assert latent_scale(t64(z)).item() != pytest.approx(z.std(axis=0).mean(), rel=1e-6)


def test_latent_scale_clamped_on_constant_z():
    z = torch.full((6, 3), 2.5, dtype=torch.float64)
    assert latent_scale(z).item() == pytest.approx(1e-8, rel=1e-12)


def test_latent_scale_gradient_matches_analytic(rs):
    z = rs.normal(size=(6, 3))
    zt = t64(z, requires_grad=True)
    latent_scale(zt).backward()
    n, d = z.shape
    std = z.std(axis=0, ddof=1)
    expected = (z - z.mean(axis=0)) / ((n - 1) * std) / d
    np.testing.assert_allclose(zt.grad.numpy(), expected, rtol=1e-10, atol=1e-12)


def test_gw_gradient_flows_into_z_through_scale(rs):
    """d/dz of gw(x, z, kappa, s(z)) against central finite differences of the numpy value."""
    x = rs.normal(size=(5, 4))
    z = rs.normal(size=(5, 2))
    kappa = 1.3
    zt = t64(z, requires_grad=True)
    loss = gw_loss(t64(x), zt, torch.tensor(kappa, dtype=torch.float64), latent_scale(zt))
    loss.backward()
    num = np.zeros_like(z)
    h = 1e-6
    for idx in np.ndindex(*z.shape):
        zp, zm = z.copy(), z.copy()
        zp[idx] += h
        zm[idx] -= h
        num[idx] = (
            np_gw(x, zp, kappa, np_latent_scale(zp)) - np_gw(x, zm, kappa, np_latent_scale(zm))
        ) / (2 * h)
    np.testing.assert_allclose(zt.grad.numpy(), num, rtol=1e-5, atol=1e-7)
    # A detached scale gives a different gradient, so the one above really goes through s.
    zt2 = t64(z, requires_grad=True)
    gw_loss(
        t64(x),
        zt2,
        torch.tensor(kappa, dtype=torch.float64),
        latent_scale(zt2).detach(),
    ).backward()
    assert not np.allclose(zt2.grad.numpy(), num, rtol=1e-3, atol=1e-6)


def test_reconstruction_loss_matches_numpy(rs):
    x = rs.normal(size=(6, 4))
    x_hat = rs.normal(size=(6, 4))
    expected = np.mean([0.5 * np.sum((x[i] - x_hat[i]) ** 2) for i in range(6)])
    assert reconstruction_loss(t64(x), t64(x_hat)).item() == pytest.approx(expected, rel=1e-12)


def test_entropy_loss_matches_numpy(rs):
    logvar = rs.normal(size=(5, 3))
    expected = -np.mean([np.sum(logvar[i]) for i in range(5)])
    assert entropy_loss(t64(logvar)).item() == pytest.approx(expected, rel=1e-12)


def test_imq_scales_are_the_documented_ones():
    assert tuple(IMQ_SCALES) == (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)


@pytest.mark.parametrize("kernel", ["imq", "rbf"])
@pytest.mark.parametrize("shapes", [((6, 3), (6, 3)), ((5, 2), (7, 2))])
def test_mmd_matches_numpy(rs, kernel, shapes):
    a = rs.normal(size=shapes[0])
    b = rs.normal(size=shapes[1]) + 0.5
    got = mmd(t64(a), t64(b), kernel=kernel).item()
    assert got == pytest.approx(np_mmd(a, b, kernel), rel=1e-9, abs=1e-12)


def test_mmd_default_kernel_is_imq(rs):
    a, b = rs.normal(size=(5, 2)), rs.normal(size=(6, 2))
    assert mmd(t64(a), t64(b)).item() == pytest.approx(np_mmd(a, b, "imq"), rel=1e-9)


def _finite_differences(f, arrays, h=1e-6):
    """Central differences of the scalar f(*arrays) for each entry of each array."""
    grads = []
    for i, a in enumerate(arrays):
        g = np.zeros_like(a)
        for idx in np.ndindex(*a.shape):
            plus = [b.copy() for b in arrays]
            minus = [b.copy() for b in arrays]
            plus[i][idx] += h
            minus[i][idx] -= h
            g[idx] = (f(*plus) - f(*minus)) / (2 * h)
        grads.append(g)
    return grads


@pytest.mark.parametrize("kernel", ["imq", "rbf"])
def test_mmd_gradient_matches_finite_differences(rs, kernel):
    # mmd's backward pass is written out by hand (not autograd's): check it for both inputs.
    a, b = rs.normal(size=(5, 3)), rs.normal(size=(4, 3)) + 0.5
    at, bt = t64(a, requires_grad=True), t64(b, requires_grad=True)
    mmd(at, bt, kernel=kernel).backward()
    num_a, num_b = _finite_differences(lambda a, b: np_mmd(a, b, kernel), [a, b])
    np.testing.assert_allclose(at.grad.numpy(), num_a, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(bt.grad.numpy(), num_b, rtol=1e-5, atol=1e-8)


def test_gw_gradient_reaches_data_distances_z_and_kappa(rs):
    # The generative coupling differentiates the data side too (x = g(z~)): the hand-written
    # backward pass of gw_loss must pass the gradient to x through its distances, to z and
    # to kappa.
    x, z = rs.normal(size=(5, 4)), rs.normal(size=(5, 2))
    kappa, s = 1.3, 0.8
    xt, zt = t64(x, requires_grad=True), t64(z, requires_grad=True)
    kt = t64(kappa, requires_grad=True)
    gw_loss(xt, zt, kt, s, dx=torch.cdist(xt, xt)).backward()
    num_x, num_z, num_k = _finite_differences(
        lambda x, z, k: np_gw(x, z, float(k), s), [x, z, np.array(kappa)]
    )
    np.testing.assert_allclose(xt.grad.numpy(), num_x, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(zt.grad.numpy(), num_z, rtol=1e-5, atol=1e-8)
    assert kt.grad.item() == pytest.approx(float(num_k), rel=1e-5)


def test_gw_gradient_is_finite_for_identical_codes():
    # Two equal codes are at distance 0, where the distance has no derivative: the pair
    # contributes no gradient instead of a NaN.
    z = t64([[0.0, 1.0], [0.0, 1.0], [1.0, 0.0]], requires_grad=True)
    x = t64([[0.0], [1.0], [2.0]])
    gw_loss(x, z, t64(1.0), 1.0).backward()
    assert torch.isfinite(z.grad).all()


@pytest.mark.parametrize("kernel", ["imq", "rbf"])
def test_within_kernel_mean_matches_numpy(rs, kernel):
    from skgwae.nn.losses import within_kernel_mean

    b = rs.normal(size=(7, 3))
    k = np_kernel(np_pdist(b) ** 2, 3, kernel)
    expected = (k.sum() - np.trace(k)) / (7 * 6)
    assert within_kernel_mean(t64(b), kernel).item() == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("kernel", ["imq", "rbf"])
def test_mmd_near_zero_for_same_distribution_and_grows_with_shift(kernel):
    rng = np.random.RandomState(0)
    a = rng.normal(size=(100, 2))
    b = rng.normal(size=(100, 2))
    same = mmd(t64(a), t64(b), kernel=kernel).item()
    shifted = [mmd(t64(a), t64(b + delta), kernel=kernel).item() for delta in (0.5, 1.0, 2.0)]
    assert abs(same) < 0.02 * shifted[-1]
    assert abs(same) < 0.05
    assert same < shifted[0] < shifted[1] < shifted[2]


def test_critic_gap_matches_numpy(rs):
    t_gen, t_inf = rs.normal(size=6), rs.normal(size=4)
    got = critic_gap(t64(t_gen), t64(t_inf)).item()
    assert got == pytest.approx(t_gen.mean() - t_inf.mean(), rel=1e-12)


class LinearCritic(nn.Module):
    """T(x, z) = w.x + v.z: its gradient is [w, v] everywhere."""

    def __init__(self, w, v):
        super().__init__()
        self.w = nn.Parameter(t64(w))
        self.v = nn.Parameter(t64(v))

    def forward(self, x, z):
        return x @ self.w + z @ self.v


class QuadraticCritic(nn.Module):
    """T(x, z) = 0.5 ||x||^2 + 0.5 ||z||^2: its gradient at (x', z') is (x', z')."""

    def forward(self, x, z):
        return 0.5 * (x.square().sum(1) + z.square().sum(1))


def _pairs(rs, n=6, nf=4, nc=2):
    return (
        rs.normal(size=(n, nf)),
        rs.normal(size=(n, nc)),
        rs.normal(size=(n, nf)) + 1.0,
        rs.normal(size=(n, nc)) - 1.0,
    )


@pytest.mark.parametrize("scale", [0.3, 2.0])
def test_critic_penalty_linear_critic_matches_analytic(rs, scale):
    x, z, xg, zg = _pairs(rs)
    w = rs.normal(size=4) * scale
    v = rs.normal(size=2) * scale
    critic = LinearCritic(w, v)
    t_inf = critic(t64(x), t64(z))
    t_gen = critic(t64(xg), t64(zg))
    g = torch.Generator().manual_seed(3)
    pen = critic_penalty(critic, t64(x), t64(z), t64(xg), t64(zg), t_inf, t_gen, g)
    norm = np.sqrt(np.sum(w**2) + np.sum(v**2))
    ti, tg = x @ w + z @ v, xg @ w + zg @ v
    expected = (norm - 1.0) ** 2 + 1e-4 * (np.mean(ti**2) + np.mean(tg**2))
    assert pen.item() == pytest.approx(expected, rel=1e-10)
    # The penalty is differentiable in the critic's parameters (create_graph): d/dw.
    pen.backward()
    ctr = 2.0 * (norm - 1.0) / norm
    exp_gw = ctr * w + 1e-4 * (2 * (x.T @ ti) / len(ti) + 2 * (xg.T @ tg) / len(tg))
    exp_gv = ctr * v + 1e-4 * (2 * (z.T @ ti) / len(ti) + 2 * (zg.T @ tg) / len(tg))
    np.testing.assert_allclose(critic.w.grad.numpy(), exp_gw, rtol=1e-9)
    np.testing.assert_allclose(critic.v.grad.numpy(), exp_gv, rtol=1e-9)


def test_critic_penalty_interpolates_with_t_on_inference_side(rs):
    """With T = 0.5||.||^2 the gradient is the interpolated point itself, so the value pins
    down (x', z') = t (x, z) + (1 - t) (x_gen, z_gen), t ~ U[0, 1] per pair, joint norm."""
    x, z, xg, zg = _pairs(rs, n=7)
    critic = QuadraticCritic()
    t_inf = critic(t64(x), t64(z))
    t_gen = critic(t64(xg), t64(zg))
    pen = critic_penalty(
        critic,
        t64(x),
        t64(z),
        t64(xg),
        t64(zg),
        t_inf,
        t_gen,
        torch.Generator().manual_seed(11),
    )
    t = torch.rand(7, 1, generator=torch.Generator().manual_seed(11), dtype=torch.float64)
    t = t.numpy()
    xp, zp = t * x + (1 - t) * xg, t * z + (1 - t) * zg
    norms = np.sqrt((xp**2).sum(1) + (zp**2).sum(1))
    ti, tg = t_inf.detach().numpy(), t_gen.detach().numpy()
    expected = np.mean((norms - 1) ** 2) + 1e-4 * (np.mean(ti**2) + np.mean(tg**2))
    assert pen.item() == pytest.approx(expected, rel=1e-10)
    # The swapped interpolation gives a different value (the check above is discriminating).
    xs, zs = (1 - t) * x + t * xg, (1 - t) * z + t * zg
    swapped = np.mean((np.sqrt((xs**2).sum(1) + (zs**2).sum(1)) - 1) ** 2)
    assert abs(swapped - np.mean((norms - 1) ** 2)) > 1e-3


# --------------------------------------------------------------------------------------------
# Priors
# --------------------------------------------------------------------------------------------

ALL_PRIORS = sorted(PRIORS)
BN_PRIORS = ["neural", "factorized_neural"]
# Every trainable prior that ends in a batch-norm (the gmm prior has no `net`).
ALL_BN_PRIORS = BN_PRIORS + ["gmm"]


def test_prior_registry_has_the_expected_families():
    assert {
        "gaussian",
        "uniform",
        "spherical",
        "neural",
        "factorized_neural",
        "vq",
        "gmm",
    } <= set(PRIORS)


@pytest.mark.parametrize("name", ALL_PRIORS)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_prior_shape_and_dtype(name, dtype):
    with seeded(0):
        prior = make_prior(name, 3).to(dtype)
    out = prior(7, torch.Generator().manual_seed(0))
    assert out.shape == (7, 3)
    assert out.dtype == dtype
    assert torch.isfinite(out).all()


@pytest.mark.parametrize("name", ALL_PRIORS)
def test_prior_same_seed_same_samples(name):
    with seeded(0):
        prior = make_prior(name, 3)
    a = prior(9, torch.Generator().manual_seed(5))
    b = prior(9, torch.Generator().manual_seed(5))
    c = prior(9, torch.Generator().manual_seed(6))
    torch.testing.assert_close(a, b, rtol=0, atol=0)
    assert not torch.equal(a, c)


def test_gaussian_prior_moments():
    z = make_prior("gaussian", 3)(20000, torch.Generator().manual_seed(0)).double().numpy()
    np.testing.assert_allclose(z.mean(0), 0.0, atol=0.04)
    np.testing.assert_allclose(z.var(0), 1.0, atol=0.05)
    assert abs(np.corrcoef(z.T)[0, 1]) < 0.04
    assert not list(make_prior("gaussian", 3).parameters())


def test_uniform_prior_support_and_moments():
    z = make_prior("uniform", 3)(20000, torch.Generator().manual_seed(0)).double().numpy()
    r = math.sqrt(3.0)
    assert z.min() >= -r - 1e-6 and z.max() <= r + 1e-6
    assert z.min() < -r + 0.01 and z.max() > r - 0.01
    np.testing.assert_allclose(z.mean(0), 0.0, atol=0.04)
    np.testing.assert_allclose(z.var(0), 1.0, atol=0.04)


def test_spherical_prior_unit_norm_and_moments():
    d = 4
    z = make_prior("spherical", d)(20000, torch.Generator().manual_seed(0)).double().numpy()
    np.testing.assert_allclose(np.linalg.norm(z, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(z.mean(0), 0.0, atol=0.02)
    np.testing.assert_allclose(z.var(0), 1.0 / d, atol=0.01)


@pytest.mark.parametrize("name", ["gaussian", "uniform", "spherical"])
def test_fixed_priors_have_no_batchnorm_and_no_parameters(name):
    prior = make_prior(name, 3)
    assert not any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in prior.modules())
    assert not list(prior.parameters())


@pytest.mark.parametrize("name", ALL_BN_PRIORS)
def test_trainable_prior_batchnorm_attributes(name):
    prior = make_prior(name, 3)
    bns = [m for m in prior.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    assert len(bns) == 1
    bn = bns[0]
    assert isinstance(bn, nn.BatchNorm1d)
    assert bn.num_features == 3
    assert bn.affine is False and bn.weight is None and bn.bias is None
    assert bn.momentum == 0.5
    # The batch-norm is the last operation: its output is the prior's output.
    seen = {}
    bn.register_forward_hook(lambda m, i, o: seen.setdefault("out", o))
    out = prior(8, torch.Generator().manual_seed(0))
    assert torch.equal(seen["out"], out)
    assert list(prior.parameters())


def _pre_batchnorm(prior, n, seed):
    eps = prior.noise(n, torch.Generator().manual_seed(seed))
    if isinstance(prior.net[0], nn.Conv1d):
        return prior.net(eps.unsqueeze(2)).squeeze(2)
    return prior.net(eps)


@pytest.mark.parametrize("name", BN_PRIORS)
def test_trainable_prior_standardizes_batch_in_train_mode(name):
    """The final batch-norm uses the batch statistics in train mode: per-coordinate mean 0 and
    (biased) variance v / (v + eps), v the variance before it and eps = BATCHNORM_EPS (1e-8);
    with the last layer scaled up so that v >> eps that is 1."""
    with seeded(1):
        prior = make_prior(name, 3).double()
    with torch.no_grad():
        prior.net[-1].weight.mul_(1000.0)
    prior.train()
    pre = _pre_batchnorm(prior, 64, 0).detach().numpy()
    assert pre.var(0).min() > 1e-2
    z = prior(64, torch.Generator().manual_seed(0)).detach().numpy()
    expected = (pre - pre.mean(0)) / np.sqrt(pre.var(0) + BATCHNORM_EPS)
    np.testing.assert_allclose(z, expected, atol=1e-8)
    np.testing.assert_allclose(z.mean(0), 0.0, atol=1e-10)
    np.testing.assert_allclose(z.var(0), 1.0, atol=1e-3)
    # The running statistics moved with momentum 0.5 from (0, 1).
    bn = prior.batchnorm
    np.testing.assert_allclose(bn.running_mean.numpy(), 0.5 * pre.mean(0), rtol=1e-8)
    np.testing.assert_allclose(bn.running_var.numpy(), 0.5 + 0.5 * pre.var(0, ddof=1), rtol=1e-8)


@pytest.mark.parametrize("name", ALL_BN_PRIORS)
def test_trainable_prior_unit_variance_at_initialisation(name):
    # The trainable priors end in a batch-norm so that each latent coordinate has zero mean
    # and unit variance at initialisation. Seed 1 / seed 0 are fixed cases where it holds.
    with seeded(1 if name == "neural" else 0):
        prior = make_prior(name, 3).double()
    prior.train()
    z = prior(1000, torch.Generator().manual_seed(0)).detach().numpy()
    np.testing.assert_allclose(z.mean(0), 0.0, atol=1e-10)
    np.testing.assert_allclose(z.var(0), 1.0, atol=1e-2)


def _batch_jacobian(prior, eps):
    """d out[i, k] / d eps[j, l] of the full prior forward, with its noise replaced by eps."""
    current = {}
    prior.noise = lambda n, generator: current["eps"]  # instance attribute shadows the method

    def f(e):
        current["eps"] = e
        return prior(e.shape[0])

    try:
        return torch.autograd.functional.jacobian(f, eps)
    finally:
        del prior.noise


def test_factorized_neural_prior_coordinates_depend_only_on_own_noise():
    d, n = 3, 4
    with seeded(2):
        prior = make_prior("factorized_neural", d).double()
    eps = torch.randn(n, d, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    # The network alone, one sample at a time: Jacobian of f(eps) w.r.t. eps is diagonal.
    net_jac = torch.autograd.functional.jacobian(
        lambda e: prior.net(e.reshape(1, d, 1)).reshape(d), eps[0]
    )
    off = net_jac - torch.diag(torch.diagonal(net_jac))
    assert off.abs().max().item() == 0.0
    assert (torch.diagonal(net_jac).abs() > 0).all()
    # The whole forward in train mode (batch statistics): out[:, k] depends on eps[:, k] only.
    prior.train()
    jac = _batch_jacobian(prior, eps)  # (n, d, n, d)
    for k in range(d):
        for ll in range(d):
            block = jac[:, k, :, ll]
            if k == ll:
                assert block.abs().max().item() > 1e-6
            else:
                assert block.abs().max().item() == 0.0


def test_neural_prior_mixes_coordinates():
    # The contrast for the test above: the non-factorised prior's Jacobian is not diagonal.
    d = 3
    with seeded(2):
        prior = make_prior("neural", d).double()
    eps = torch.randn(1, d, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    jac = torch.autograd.functional.jacobian(lambda e: prior.net(e.reshape(1, d)), eps[0])
    off = jac.reshape(d, d) - torch.diag(torch.diagonal(jac.reshape(d, d)))
    assert off.abs().max().item() > 1e-6


def test_neural_prior_mlp_layout():
    d = 3
    prior = make_prior("neural", d)
    linears = [m for m in prior.net.modules() if isinstance(m, nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [
        (d, 4 * d),
        (4 * d, 4 * d),
        (4 * d, 4 * d),
        (4 * d, d),
    ]
    acts = [m for m in prior.net.modules() if isinstance(m, LeakySiLU)]
    assert len(acts) == 3 and all(a.negative_slope == 0.2 for a in acts)


def test_vq_prior_outputs_codes_and_gradient_only_to_chosen_codes():
    d, k, n = 2, 12, 5
    with seeded(0):
        prior = make_prior("vq", d, n_codes=k)
    assert prior.codes.shape == (k, d)
    out = prior(n, torch.Generator().manual_seed(4))
    codes = prior.codes.detach().numpy()
    # The same noise, drawn again from the same seed; the nearest code by numpy.
    eps = torch.randn(n, d, generator=torch.Generator().manual_seed(4)).numpy()
    chosen = np_pdist(eps, codes).argmin(1)
    np.testing.assert_array_equal(out.detach().numpy(), codes[chosen])
    assert len(set(chosen.tolist())) < k  # some codes are not chosen
    weights = torch.arange(1.0, n + 1).reshape(n, 1)
    (out * weights).sum().backward()
    grad = prior.codes.grad.numpy()
    for j in range(k):
        if j in chosen:
            expected = weights.numpy()[chosen == j].sum()
            np.testing.assert_allclose(grad[j], expected)
        else:
            assert np.all(grad[j] == 0.0)


# --------------------------------------------------------------------------------------------
# Networks
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("a", [0.0, 0.2, 0.5])
def test_leaky_silu_formula(a):
    x = np.linspace(-6, 6, 25)
    expected = (1 - a) * x / (1 + np.exp(-x)) + a * x
    got = LeakySiLU(a)(t64(x)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)


def test_leaky_silu_default_slope():
    assert LeakySiLU().negative_slope == 0.2
    x = t64([-50.0])
    # Far on the negative side only the linear part remains: ~ a * x.
    assert LeakySiLU()(x).item() == pytest.approx(-10.0, rel=1e-9)


def test_mlp_encoder_shapes_and_logvar_clamp():
    with seeded(0):
        enc = MLPEncoder(5, 3, (8,))
    x = torch.randn(7, 5, generator=torch.Generator().manual_seed(0))
    mu, logvar = enc(x)
    assert mu.shape == (7, 3) and logvar.shape == (7, 3)
    last = [m for m in enc.modules() if isinstance(m, nn.Linear)][-1]
    with torch.no_grad():
        last.weight.zero_()
        last.bias[:3] = 123.0  # mu: not clamped
        last.bias[3:] = torch.tensor([100.0, -100.0, 1.5])
    mu, logvar = enc(x)
    assert torch.all(mu == 123.0)
    assert torch.all(logvar[:, 0] == LOGVAR_MAX)
    assert torch.all(logvar[:, 1] == LOGVAR_MIN)
    assert torch.allclose(logvar[:, 2], torch.tensor(1.5))
    assert LOGVAR_MIN < 0 < LOGVAR_MAX


def test_mlp_decoder_shape():
    with seeded(0):
        dec = MLPDecoder(3, 5, (8, 4))
    linears = [m for m in dec.modules() if isinstance(m, nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [
        (3, 4),
        (4, 8),
        (8, 5),
    ]
    assert dec(torch.zeros(6, 3)).shape == (6, 5)


def test_joint_critic_layout():
    with seeded(0):
        critic = JointCritic(5, 2, (8,))
    linears = [m for m in critic.modules() if isinstance(m, nn.Linear)]
    assert len(linears) >= 5
    for lin in linears:
        assert parametrize.is_parametrized(lin, "weight")
        names = [type(p).__name__ for p in lin.parametrizations.weight]
        assert any("SpectralNorm" in name for name in names)
    acts = [
        m
        for m in critic.modules()
        if isinstance(m, (nn.ReLU, nn.LeakyReLU, nn.SiLU, nn.ELU, nn.Tanh, LeakySiLU))
    ]
    assert acts and all(isinstance(m, nn.LeakyReLU) for m in acts)
    assert all(m.negative_slope == 0.2 for m in acts)
    g = torch.Generator().manual_seed(0)
    out = critic(torch.randn(7, 5, generator=g), torch.randn(7, 2, generator=g))
    assert out.shape == (7,)


def test_joint_critic_spectral_norm_bounds_layers():
    with seeded(0):
        critic = JointCritic(5, 2, (8,))
    critic.train()
    g = torch.Generator().manual_seed(0)
    for _ in range(30):  # power iterations converge
        critic(torch.randn(4, 5, generator=g), torch.randn(4, 2, generator=g))
    critic.eval()
    for lin in (m for m in critic.modules() if isinstance(m, nn.Linear)):
        sigma = torch.linalg.matrix_norm(lin.weight.detach(), ord=2).item()
        assert sigma == pytest.approx(1.0, rel=1e-2)


@pytest.mark.parametrize("hidden", [(8,), (16, 8), ()])
def test_joint_critic_input_gradient_matches_autograd(hidden):
    """The written-out input gradient equals autograd's on the last rows, in value and in
    its own gradient in the critic's parameters (what the penalty differentiates)."""
    with seeded(0):
        critic = JointCritic(5, 3, hidden).double()
    critic.train()
    assert critic.explicit_gradient
    g = torch.Generator().manual_seed(1)
    x = torch.randn(10, 5, generator=g, dtype=torch.float64)
    z = torch.randn(10, 3, generator=g, dtype=torch.float64)
    params = list(critic.parameters())
    with parametrize.cached():
        t, grad_x, grad_z = critic.with_input_gradient(x, z, 4)
        xs, zs = x[-4:].clone().requires_grad_(True), z[-4:].clone().requires_grad_(True)
        expected_t = critic(x, z)
        ex, ez = torch.autograd.grad(critic(xs, zs).sum(), (xs, zs), create_graph=True)
        torch.testing.assert_close(t, expected_t)
        assert grad_x.shape == (4, 5) and grad_z.shape == (4, 3)
        torch.testing.assert_close(grad_x, ex)
        torch.testing.assert_close(grad_z, ez)
        # A loss of the kind the penalty is: its parameter gradients agree too.
        # (The biases reach the gradient only through the slopes, which are constant.)
        mine, theirs = (
            torch.autograd.grad(
                torch.cat(grads, 1).norm(dim=1).sum(), params, allow_unused=True, retain_graph=True
            )
            for grads in ((grad_x, grad_z), (ex, ez))
        )
    assert any(a is not None for a in mine)
    for a, b in zip(mine, theirs):
        assert (a is None) == (b is None) or torch.count_nonzero(a if b is None else b) == 0
        if a is not None and b is not None:
            torch.testing.assert_close(a, b)


def test_conv_critic_has_no_explicit_gradient():
    """The convolutional x-branch keeps autograd's double backward, and its critic loss is
    still the definition (checked on the MLP critic by the critic-loss test)."""
    model = _model(coupling="critic", image_shape=(1, 8, 8), n_features=64)
    assert not model.critic.explicit_gradient
    x = torch.randn(4, 64, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        mu, logvar = model.encoder(x)
    loss = model.critic_loss(x, mu, logvar, torch.Generator().manual_seed(0))
    loss.backward()
    assert torch.isfinite(loss) and _grads_nonzero(model.critic.parameters())


# --------------------------------------------------------------------------------------------
# GWAEModel
# --------------------------------------------------------------------------------------------


def _model(seed=0, **kw):
    params = dict(n_features=5, n_components=2, hidden_layer_sizes=(8,), prior="neural")
    params.update(kw)
    with seeded(seed):
        return GWAEModel(**params)


def _x(n=8, seed=0):
    return torch.randn(n, 5, generator=torch.Generator().manual_seed(seed))


def _grads_nonzero(params):
    return any(p.grad is not None and p.grad.abs().sum().item() > 0 for p in params)


@pytest.mark.parametrize("coupling", ["mmd", "critic"])
def test_main_terms_finite_scalars_with_gradients(coupling):
    model = _model(coupling=coupling)
    model.train()
    terms = model.main_terms(_x(), torch.Generator().manual_seed(0))
    assert set(terms) == {"gw", "w", "d", "h"}
    for value in terms.values():
        assert value.dim() == 0 and torch.isfinite(value)
        assert value.requires_grad
    loss = terms["gw"] + terms["w"] + terms["d"] + 0.03 * terms["h"]
    loss.backward()
    assert _grads_nonzero(model.encoder.parameters())
    assert _grads_nonzero(model.decoder.parameters())
    assert _grads_nonzero(model.prior.parameters())
    assert model.log_kappa.grad is not None and model.log_kappa.grad.item() != 0.0


def test_main_terms_with_means_also_gives_the_encoder_means():
    model = _model()
    x = _x()
    terms = model.main_terms(x, torch.Generator().manual_seed(0))
    with_means, mu = model.main_terms(x, torch.Generator().manual_seed(0), with_means=True)
    assert {k: v.item() for k, v in with_means.items()} == {k: v.item() for k, v in terms.items()}
    torch.testing.assert_close(mu, model.encoder(x)[0])
    assert mu.requires_grad


def test_main_terms_each_reaches_its_parts():
    model = _model()
    terms = model.main_terms(_x(), torch.Generator().manual_seed(0))
    params = dict(model.named_parameters())

    def reached(term):
        grads = torch.autograd.grad(
            terms[term], list(params.values()), retain_graph=True, allow_unused=True
        )
        return {name for name, gr in zip(params, grads) if gr is not None and gr.abs().sum() > 0}

    gw = reached("gw")
    assert "log_kappa" in gw
    assert any(n.startswith("prior.") for n in gw)  # via the generated pairs and s
    assert any(n.startswith("decoder.") for n in gw)
    assert any(n.startswith("encoder.") for n in reached("w"))
    assert any(n.startswith("decoder.") for n in reached("w"))
    assert any(n.startswith("prior.") for n in reached("d"))
    h = reached("h")
    assert h and all(n.startswith("encoder.") for n in h)


def test_main_terms_values_match_numpy_reference():
    """Fix the encoder noise and the prior samples, then compare every term with numpy."""
    model = _model(prior="gaussian").double()
    x = _x().double()
    rs = np.random.RandomState(0)
    eps = t64(rs.normal(size=(8, 2)))
    z_gen = rs.normal(size=(8, 2)) * 1.7

    def encode_sample(x, generator=None):
        mu, logvar = model.encoder(x)
        return mu + eps * (0.5 * logvar).exp(), mu, logvar

    model.encode_sample = encode_sample
    model.prior.forward = lambda n, generator=None: t64(z_gen[:n])
    terms = model.main_terms(x, torch.Generator().manual_seed(3))
    with torch.no_grad():
        mu, logvar = model.encoder(x)
        z = (mu + eps * (0.5 * logvar).exp()).numpy()
        x_hat = model.decoder(t64(z)).numpy()
        x_gen = model.decoder(t64(z_gen)).numpy()
    xn, lv = x.numpy(), logvar.numpy()
    assert terms["gw"].item() == pytest.approx(np_gw(x_gen, z_gen, 1.0, np_latent_scale(z_gen)))
    assert terms["w"].item() == pytest.approx(0.5 * ((xn - x_hat) ** 2).sum(1).mean())
    assert terms["d"].item() == pytest.approx(np_mmd(z, z_gen, "imq"))
    assert terms["h"].item() == pytest.approx(-lv.sum(1).mean())


def test_encode_sample_reparameterisation_moments():
    """z ~ N(mu, diag exp(logvar)): with logvar fixed to log 4 the sample std is 2."""
    model = _model(prior="gaussian").double()
    last = [m for m in model.encoder.modules() if isinstance(m, nn.Linear)][-1]
    with torch.no_grad():
        last.weight.zero_()
        last.bias.copy_(torch.tensor([0.5, -1.0, math.log(4.0), math.log(0.25)]))
    x = torch.zeros(4000, 5, dtype=torch.float64)
    z, mu, logvar = model.encode_sample(x, torch.Generator().manual_seed(0))
    z = z.detach().numpy()
    np.testing.assert_allclose(mu.detach().numpy()[0], [0.5, -1.0])
    np.testing.assert_allclose(logvar.detach().numpy()[0], [math.log(4.0), math.log(0.25)])
    np.testing.assert_allclose(z.mean(0), [0.5, -1.0], atol=0.1)
    np.testing.assert_allclose(z.std(0), [2.0, 0.5], rtol=0.05)
    z2, _, _ = model.encode_sample(x, torch.Generator().manual_seed(0))
    assert np.array_equal(z2.detach().numpy(), z)


def test_kappa_initial_value():
    assert _model().kappa.item() == pytest.approx(1.0)
    assert _model(kappa_init=2.5).kappa.item() == pytest.approx(2.5)
    assert isinstance(_model().log_kappa, nn.Parameter)


def test_main_parameters_exclude_critic():
    model = _model(coupling="critic")
    main = {id(p) for p in model.main_parameters()}
    critic = {id(p) for p in model.critic.parameters()}
    assert critic and not (main & critic)
    everything = {id(p) for p in model.parameters()}
    assert main | critic == everything
    assert id(model.log_kappa) in main
    assert {id(p) for p in model.prior.parameters()} <= main
    assert _model(coupling="mmd").critic is None


def test_critic_loss_gradients_only_to_critic():
    model = _model(coupling="critic")
    model.train()
    x = _x()
    mu, logvar = model.encoder(x)  # not detached on purpose
    loss = model.critic_loss(x, mu, logvar, torch.Generator().manual_seed(0))
    assert loss.dim() == 0 and torch.isfinite(loss)
    loss.backward()
    assert _grads_nonzero(model.critic.parameters())
    for p in model.main_parameters():
        assert p.grad is None or p.grad.abs().sum().item() == 0.0


def test_critic_loss_is_the_critic_evaluated_on_each_set_of_pairs():
    """critic_loss calls the critic once on both sides of the pairs; its value and the
    critic's gradients are those of the separate calls of the definition. (Eval mode: in
    training mode each call of the spectral norm takes a power-iteration step.)"""
    model = _model(coupling="critic")
    model.eval()
    x = _x()
    with torch.no_grad():
        mu, logvar = model.encoder(x)
    loss = model.critic_loss(x, mu, logvar, torch.Generator().manual_seed(0))
    # The definition, call by call, from the same draws in the same order.
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        z = mu + torch.randn(mu.shape, generator=g) * (0.5 * logvar).exp()
        z_gen = model.prior(x.shape[0], g)
        x_gen = model.decoder(z_gen)
    t_inf, t_gen = model.critic(x, z), model.critic(x_gen, z_gen)
    penalty = critic_penalty(model.critic, x, z, x_gen, z_gen, t_inf, t_gen, g)
    expected = -(t_gen.mean() - t_inf.mean()) + CRITIC_PENALTY_WEIGHT * penalty
    torch.testing.assert_close(loss, expected)
    params = list(model.critic.parameters())
    for a, b in zip(torch.autograd.grad(loss, params), torch.autograd.grad(expected, params)):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("prior", ["neural", "gaussian"])
def test_gw_coupling_variants(prior):
    values = {}
    base = _model(prior=prior)
    for variant in ("generative", "inference", "both"):
        model = _model(prior=prior, gw_coupling=variant)
        model.load_state_dict(base.state_dict())
        model.train()
        terms = model.main_terms(_x(), torch.Generator().manual_seed(0))
        assert torch.isfinite(terms["gw"])
        terms["gw"].backward()
        assert model.log_kappa.grad is not None
        values[variant] = terms["gw"].item()
    assert values["generative"] != pytest.approx(values["inference"], rel=1e-3)
    expected = 0.5 * (values["generative"] + values["inference"])
    assert values["both"] == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize(
    "kw",
    [
        dict(prior="neural", coupling="critic"),
        dict(prior="factorized_neural", coupling="mmd", mmd_kernel="rbf", kappa_init=2.5),
        dict(prior="vq", prior_params={"n_codes": 5}, gw_coupling="both"),
    ],
)
def test_config_rebuilds_identical_model(kw):
    model = _model(seed=0, **kw)
    model.train()
    # Move the batch-norm / spectral-norm buffers away from their initial values.
    model.main_terms(_x(seed=1), torch.Generator().manual_seed(1))
    rebuilt = GWAEModel(**model.config)
    # Before loading, the rebuilt model differs (so the comparison below means something).
    differs = any(
        not torch.equal(a, b)
        for a, b in zip(model.state_dict().values(), rebuilt.state_dict().values())
        if a.numel()
    )
    assert differs
    rebuilt.load_state_dict(model.state_dict())
    assert rebuilt.config == model.config
    assert set(rebuilt.state_dict()) == set(model.state_dict())
    for key, value in model.state_dict().items():
        torch.testing.assert_close(rebuilt.state_dict()[key], value, rtol=0, atol=0)
    for mode in ("train", "eval"):
        getattr(model, mode)()
        getattr(rebuilt, mode)()
        a = model.main_terms(_x(), torch.Generator().manual_seed(7))
        b = rebuilt.main_terms(_x(), torch.Generator().manual_seed(7))
        for key in a:
            assert a[key].item() == b[key].item()
    if model.critic is not None:
        x = _x()
        assert torch.equal(model.critic(x, x[:, :2]), rebuilt.critic(x, x[:, :2]))


def _criterion_reference(model, rows):
    return model.criterion_reference(
        rows, torch.cdist(rows, rows), 16, torch.Generator().manual_seed(0)
    )


def test_criterion_terms_do_not_need_grad_and_ignore_critic():
    model = _model(coupling="critic")
    model.eval()
    x = _x()
    reference = _criterion_reference(model, x[:5])
    terms = model.criterion_terms(x, torch.cdist(x, x[:5]), reference)
    assert set(terms) == {"gw", "w", "mmd"}
    n = x.shape[0]
    assert all(v.shape == (n,) for v in terms.values())
    assert all(torch.isfinite(v).all() and not v.requires_grad for v in terms.values())
    with torch.no_grad():
        for p in model.critic.parameters():
            p.add_(1.0)
    again = model.criterion_terms(x, torch.cdist(x, x[:5]), _criterion_reference(model, x[:5]))
    for key in terms:
        assert torch.equal(terms[key], again[key])


def test_best_scale_recovers_an_exact_ratio_and_makes_gw_scale_free(rs):
    from skgwae.nn.losses import best_scale, gw_to_reference

    x = t64(rs.normal(size=(12, 5)))
    z = x[:, :3]
    dx, dz = torch.cdist(x, x), torch.cdist(z, z)
    assert best_scale(2.0 * dz, dz).item() == pytest.approx(2.0)
    # An exact scaled isometry has zero distortion at the best scale, whatever the scale.
    c = best_scale(dx, torch.cdist(0.1 * x, 0.1 * x))
    assert gw_to_reference(dx, 0.1 * x, 0.1 * x, c).abs().max().item() < 1e-12
    # The value does not depend on the latent scale, and no ratio does better.
    base = gw_to_reference(dx, z, z, best_scale(dx, dz))
    scaled = gw_to_reference(dx, 7.0 * z, 7.0 * z, best_scale(dx, 7.0 * dz))
    assert torch.allclose(scaled, base)
    c = best_scale(dx, dz)
    for other in (0.8 * c, 1.2 * c):
        assert (dx - other * dz).abs().mean() >= (dx - c * dz).abs().mean()
    assert best_scale(dx, torch.zeros_like(dz)).item() == 0.0


def test_mmd_to_reference_matches_the_u_statistic_with_the_reference_as_the_sample(rs):
    from skgwae.nn.losses import kernel_matrix, mmd, mmd_to_reference, within_kernel_mean

    a = t64(rs.normal(size=(9, 3)))
    b = t64(rs.normal(size=(11, 3)) + 0.5)
    per_row = mmd_to_reference(a, a, b, within_kernel_mean(b))
    # With the sample itself as the reference, the mean is the V-statistic of the
    # within-a term: the U-statistic plus the diagonal's share.
    k_aa = kernel_matrix(a, a)
    expected = mmd(a, b) + (k_aa.sum() / 81 - (k_aa.sum() - k_aa.diagonal().sum()) / 72)
    assert per_row.mean().item() == pytest.approx(expected.item(), rel=1e-10)


def test_replace_prior_scale_keeps_kappa_over_s():
    model = _model(prior="gmm", prior_params={"n_clusters": 3})
    model.eval()
    before = model.kappa.item() / model.prior_scale()
    old = model.prior_scale()
    with torch.no_grad():
        model.prior.means.mul_(5.0)
        model.prior.batchnorm.running_var.fill_(0.25)
    model.replace_prior_scale(old)
    assert model.kappa.item() / model.prior_scale() == pytest.approx(before, rel=1e-5)


def test_gwae_objective_weights_each_term():
    terms = {key: torch.tensor(value) for key, value in zip(("gw", "w", "d", "h"), (1.0, 2.0, 3.0, 5.0))}
    # 1 + 0.5 * 2 + 10 * 3 + 0.1 * 5
    assert gwae_objective(terms, 0.5, 10.0, 0.1).item() == pytest.approx(32.5)
