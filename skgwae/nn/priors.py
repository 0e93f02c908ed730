"""Prior families p(z): trainable or fixed samplers of the latent space.

A prior here is an implicit sampler: ``prior(n_samples, generator)`` returns an
``(n_samples, n_components)`` tensor and need not have a density. The meta-prior
(disentanglement, clustering, ...) is carried by the choice of family alone; the GWAE
objective is the same for all of them.

The trainable families with a continuous output end in a batch-norm without affine
parameters (momentum 0.5, as in the authors' code), so that every latent coordinate has zero
mean and unit variance; the GW term's kappa then carries the scale.
"""

import math

import torch
from torch import nn

from .networks import LeakySiLU

BATCHNORM_MOMENTUM = 0.5
# Smaller than torch's 1e-5: a small per-coordinate sampler can start with an output variance
# near 1e-5, and the batch-norm must still give that coordinate unit variance.
BATCHNORM_EPS = 1e-8


class Prior(nn.Module):
    """Base class: a sampler of ``n_components``-dimensional latent codes."""

    def __init__(self, n_components):
        super().__init__()
        self.n_components = int(n_components)
        # Marks the module's device for the noise; not part of the state dict.
        self.register_buffer("_anchor", torch.empty(0), persistent=False)

    def noise(self, n_samples, generator):
        """Standard normal noise of shape (n_samples, n_components) on the prior's device."""
        a = self._anchor
        return torch.randn(
            n_samples,
            self.n_components,
            generator=generator,
            device=a.device,
            dtype=a.dtype,
        )

    def uniform(self, n_samples, n_columns, generator):
        """U[0, 1) draws of shape (n_samples, n_columns) on the prior's device."""
        a = self._anchor
        return torch.rand(n_samples, n_columns, generator=generator, device=a.device, dtype=a.dtype)

    def forward(self, n_samples, generator=None):
        raise NotImplementedError


def _variance_preserving_init(module):
    """Weights N(0, 1/fan_in) and zero biases for every linear or 1x1 convolution layer.

    With torch's default initialisation the 4-layer samplers output almost constant values
    (variance 1e-7 to 1e-4, comparable to the batch-norm's eps), so some coordinates start
    nearly collapsed; this keeps the pre-batch-norm variance of order 0.1.
    """
    for layer in module.modules():
        if isinstance(layer, (nn.Linear, nn.Conv1d)):
            fan_in = layer.weight[0].numel()
            nn.init.normal_(layer.weight, std=fan_in**-0.5)
            nn.init.zeros_(layer.bias)


class GaussianPrior(Prior):
    """N(0, I); nothing trainable."""

    def forward(self, n_samples, generator=None):
        return self.noise(n_samples, generator)


class UniformPrior(Prior):
    """U[-sqrt(3), sqrt(3)]^d: independent coordinates with zero mean and unit variance."""

    def forward(self, n_samples, generator=None):
        u = self.uniform(n_samples, self.n_components, generator)
        return (2.0 * u - 1.0) * math.sqrt(3.0)


class SphericalPrior(Prior):
    """Uniform on the unit sphere (a normalised Gaussian): coordinate variance is 1/d."""

    def forward(self, n_samples, generator=None):
        return nn.functional.normalize(self.noise(n_samples, generator), dim=1)


class NeuralPrior(Prior):
    """z = BN(f(eps)), eps ~ N(0, I), f an MLP d -> 4d -> 4d -> 4d -> d with LeakySiLU(0.2)."""

    hidden_ratio = 4

    def __init__(self, n_components):
        super().__init__(n_components)
        d, h = self.n_components, self.n_components * self.hidden_ratio
        self.net = nn.Sequential(
            nn.Linear(d, h),
            LeakySiLU(0.2),
            nn.Linear(h, h),
            LeakySiLU(0.2),
            nn.Linear(h, h),
            LeakySiLU(0.2),
            nn.Linear(h, d),
        )
        _variance_preserving_init(self.net)
        self.batchnorm = nn.BatchNorm1d(
            d, momentum=BATCHNORM_MOMENTUM, eps=BATCHNORM_EPS, affine=False
        )

    def forward(self, n_samples, generator=None):
        return self.batchnorm(self.net(self.noise(n_samples, generator)))


class FactorizedNeuralPrior(Prior):
    """The disentanglement meta-prior: z_k = BN(f_k(eps_k)), one 1 -> 4 -> 4 -> 4 -> 1 MLP per
    coordinate, so the coordinates are independent.

    The per-coordinate MLPs are grouped 1x1 convolutions (one group per coordinate), which
    evaluates all of them in one call.
    """

    hidden_ratio = 4

    def __init__(self, n_components):
        super().__init__(n_components)
        d, h = self.n_components, self.n_components * self.hidden_ratio
        self.net = nn.Sequential(
            nn.Conv1d(d, h, 1, groups=d),
            LeakySiLU(0.2),
            nn.Conv1d(h, h, 1, groups=d),
            LeakySiLU(0.2),
            nn.Conv1d(h, h, 1, groups=d),
            LeakySiLU(0.2),
            nn.Conv1d(h, d, 1, groups=d),
        )
        _variance_preserving_init(self.net)
        self.batchnorm = nn.BatchNorm1d(
            d, momentum=BATCHNORM_MOMENTUM, eps=BATCHNORM_EPS, affine=False
        )

    def forward(self, n_samples, generator=None):
        eps = self.noise(n_samples, generator)
        return self.batchnorm(self.net(eps.unsqueeze(2)).squeeze(2))


class VQPrior(Prior):
    """The nearest of ``n_codes`` trainable code vectors to a Gaussian sample.

    Only the code vectors that are chosen receive a gradient (as in the authors' code); there
    is no final batch-norm.
    """

    def __init__(self, n_components, n_codes=16):
        super().__init__(n_components)
        self.codes = nn.Parameter(torch.randn(int(n_codes), self.n_components))

    def forward(self, n_samples, generator=None):
        eps = self.noise(n_samples, generator)
        nearest = torch.cdist(eps, self.codes).argmin(dim=1)
        return self.codes[nearest]


class GMMPrior(Prior):
    """The clustering meta-prior: a Gaussian mixture of ``n_clusters`` components.

    A component k is drawn with probability ``softmax(logits)_k``, then
    ``z = BN(m_k + S_k eps)`` with eps ~ N(0, I), trainable means m_k (standard normal at
    the start), trainable square-root scale matrices S_k (full d x d; identity plus 0.01
    noise at the start) and the final affine-free batch-norm.

    The draw is a straight-through Gumbel-softmax (temperature 1): the forward pass uses
    the hard one-hot component, the backward pass the gradient of its relaxation, so the
    mixing logits learn. (The authors' Gumbel-max draw gives the logits no gradient, and a
    plain expectation over components does not apply: the losses act on sets of samples,
    not on single draws.)
    """

    def __init__(self, n_components, n_clusters=10):
        super().__init__(n_components)
        k, d = int(n_clusters), self.n_components
        self.n_clusters = k
        self.means = nn.Parameter(torch.randn(k, d))
        self.scales = nn.Parameter(torch.eye(d).expand(k, d, d) + 0.01 * torch.randn(k, d, d))
        self.logits = nn.Parameter(torch.randn(k))
        self.batchnorm = nn.BatchNorm1d(
            d, momentum=BATCHNORM_MOMENTUM, eps=BATCHNORM_EPS, affine=False
        )

    @property
    def weights(self):
        """The mixing weights, softmax(logits)."""
        return torch.softmax(self.logits, dim=0)

    def assignments(self, n_samples, generator=None):
        """Straight-through one-hot component draws, shape (n_samples, n_clusters)."""
        u = self.uniform(n_samples, self.n_clusters, generator)
        # Gumbel-perturbed logits (softmax ignores the log-normaliser of the logits).
        perturbed = self.logits - torch.log(-torch.log(u.clamp(1e-20, 1.0 - 1e-7)))
        soft = torch.softmax(perturbed, dim=1)
        # One-hot by scatter: one_hot() checks its input's range, which reads it back.
        index = perturbed.detach().argmax(dim=1, keepdim=True)
        hard = torch.zeros_like(soft).scatter_(1, index, 1.0)
        # soft - soft.detach() is exactly 0 forward, so the draw is exactly one-hot.
        return hard + (soft - soft.detach())

    def sample_with_labels(self, n_samples, generator=None):
        """Draws and the index of the component each came from."""
        assign = self.assignments(n_samples, generator)
        eps = self.noise(n_samples, generator)
        # sum_k a_k (m_k + S_k eps) for the one-hot row a, as two matrix products: a with
        # the means, and the (n, k * d) products a_k eps_j with the stacked S_k^T. The
        # straight-through gradient of a_k is then g . (m_k + S_k eps), as it must be.
        k, d = self.scales.shape[:2]
        outer = (assign.unsqueeze(2) * eps.unsqueeze(1)).reshape(n_samples, k * d)
        stacked = self.scales.transpose(1, 2).reshape(k * d, d)
        z = self.batchnorm(torch.addmm(assign @ self.means, outer, stacked))
        return z, assign.detach().argmax(dim=1)

    def forward(self, n_samples, generator=None):
        return self.sample_with_labels(n_samples, generator)[0]

    def components(self):
        """The components in latent space: ``(means (k, d), covariances (k, d, d), weights)``.

        Each component is mapped through the final batch-norm with its running statistics
        (the map the prior applies in evaluation mode).
        """
        bn = self.batchnorm
        std = (bn.running_var + bn.eps).sqrt()
        means = (self.means - bn.running_mean) / std
        roots = self.scales / std[:, None]
        return means, roots @ roots.transpose(1, 2), self.weights

    def log_joint(self, z):
        """``log w_k + log N(z_i; mean_k, cov_k)`` for each row of z and component, (n, k).

        Computed in float64 with a 1e-6 ridge on the covariances, so that a nearly singular
        component (possible before the components are set from the data) stays finite.
        """
        means, covs, weights = (t.detach().double() for t in self.components())
        eye = torch.eye(covs.shape[-1], dtype=covs.dtype, device=covs.device)
        normal = torch.distributions.MultivariateNormal(means, covariance_matrix=covs + 1e-6 * eye)
        return normal.log_prob(z.double()[:, None, :]) + weights.log()

    @torch.no_grad()
    def set_components(self, means, covariances, weights):
        """Make the prior the given mixture in latent space (float arrays or tensors).

        The running statistics of the batch-norm become the identity map, so that in
        evaluation mode the prior samples exactly this mixture and :meth:`components`
        returns it.
        """

        def tensor(a):
            return torch.as_tensor(a, dtype=self.means.dtype, device=self.means.device)

        self.means.copy_(tensor(means))
        covariances = torch.as_tensor(covariances, dtype=torch.float64, device=self.means.device)
        self.scales.copy_(torch.linalg.cholesky(covariances))
        self.logits.copy_(tensor(weights).clamp_min(1e-30).log())
        self.batchnorm.running_mean.zero_()
        self.batchnorm.running_var.fill_(1.0)


PRIORS = {
    "gaussian": GaussianPrior,
    "uniform": UniformPrior,
    "spherical": SphericalPrior,
    "neural": NeuralPrior,
    "factorized_neural": FactorizedNeuralPrior,
    "vq": VQPrior,
    "gmm": GMMPrior,
}


def make_prior(name, n_components, **params):
    """Build the prior family ``name`` (a key of ``PRIORS``) with extra ``params``."""
    return PRIORS[name](n_components, **params)
