"""Encoder, decoder and joint critic networks (multi-layer perceptrons)."""

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

# Bounds on the encoder's log-variance. Unbounded, the log-variance overflows to NaN: the
# entropy term keeps pushing it up.
LOGVAR_MIN = -12.0
LOGVAR_MAX = 6.0


class LeakySiLU(nn.Module):
    """``(1 - a) * x * sigmoid(x) + a * x``: a SiLU that keeps a linear slope ``a``."""

    def __init__(self, negative_slope=0.2):
        super().__init__()
        self.negative_slope = float(negative_slope)

    def forward(self, x):
        a = self.negative_slope
        return (1.0 - a) * nn.functional.silu(x) + a * x


def mlp(sizes, activation, last_activation=False, wrap=None):
    """Linear layers ``sizes[0] -> ... -> sizes[-1]`` with ``activation()`` in between.

    ``wrap`` (for example spectral_norm) is applied to every linear layer.
    """
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        linear = nn.Linear(n_in, n_out)
        layers.append(wrap(linear) if wrap is not None else linear)
        if last_activation or i < len(sizes) - 2:
            layers.append(activation())
    return nn.Sequential(*layers)


class MLPEncoder(nn.Module):
    """Gaussian encoder q(z|x) = N(mu(x), diag exp(logvar(x)))."""

    def __init__(self, n_features, n_components, hidden_layer_sizes):
        super().__init__()
        self.n_components = int(n_components)
        self.net = mlp([n_features, *hidden_layer_sizes, 2 * n_components], nn.SiLU)

    def forward(self, x):
        """Return ``(mu, logvar)``, each of shape (n, n_components)."""
        h = self.net(x)
        mu, logvar = h[:, : self.n_components], h[:, self.n_components :]
        return mu, logvar.clamp(LOGVAR_MIN, LOGVAR_MAX)


class MLPDecoder(nn.Module):
    """Deterministic generator g: z -> x with a linear output (unbounded data)."""

    def __init__(self, n_components, n_features, hidden_layer_sizes):
        super().__init__()
        self.net = mlp([n_components, *reversed(hidden_layer_sizes), n_features], nn.SiLU)

    def forward(self, z):
        return self.net(z)


class JointCritic(nn.Module):
    """Critic T(x, z) on joint (data, latent) pairs, as in the authors' code.

    An x-branch and a z-branch each map to 64 features; the two are concatenated, halved and
    passed through an MLP head to one scalar. Every linear layer carries spectral norm and the
    activations are LeakyReLU(0.2). The authors' x-branch is convolutional (64x64 images);
    here it is an MLP with the given hidden sizes, or the ``x_net`` given (convolutional for
    images, see :mod:`skgwae.nn.conv`), which must map x to ``branch_features`` features.
    """

    branch_features = 64

    def __init__(self, n_features, n_components, hidden_layer_sizes, x_net=None):
        super().__init__()
        act = lambda: nn.LeakyReLU(0.2)  # noqa: E731
        width = max(hidden_layer_sizes) if hidden_layer_sizes else 64
        f = self.branch_features
        # The x-branch ends linear and the z-branch in an activation, as in the authors' code.
        # ``x_net`` replaces the MLP x-branch (the convolutional one for images).
        if x_net is None:
            x_net = mlp([n_features, *hidden_layer_sizes, f], act, wrap=spectral_norm)
        self.x_net = x_net
        self.z_net = mlp(
            [n_components, *hidden_layer_sizes, f],
            act,
            last_activation=True,
            wrap=spectral_norm,
        )
        self.head = mlp([2 * f, width, width, 1], act, wrap=spectral_norm)

    def forward(self, x, z):
        h = torch.cat([self.x_net(x), self.z_net(z)], dim=1) / 2
        return self.head(h).squeeze(1)

    @property
    def explicit_gradient(self):
        """Whether :meth:`with_input_gradient` applies: every branch is linear layers and
        LeakyReLUs (not the convolutional x-branch)."""
        return all(
            isinstance(layer, (nn.Linear, nn.LeakyReLU))
            for branch in (self.x_net, self.z_net, self.head)
            for layer in (branch if isinstance(branch, nn.Sequential) else [branch])
        )

    def with_input_gradient(self, x, z, n_gradient):
        """``T(x, z)`` on every row, and the gradient of T with respect to x and to z on the
        last ``n_gradient`` rows, as tensors that can be differentiated again.

        The gradient is written out as the chain rule of the MLP (a product of weight
        matrices and activation slopes), so that differentiating it in the critic's
        parameters is an ordinary backward pass: ``torch.autograd.grad`` with
        ``create_graph=True`` gives the same values, but its double backward launches more
        operations, which bound a critic step's time. Only for :attr:`explicit_gradient`.
        """
        hx, x_chain = _forward_keeping_slopes(self.x_net, x, n_gradient)
        hz, z_chain = _forward_keeping_slopes(self.z_net, z, n_gradient)
        t, head_chain = _forward_keeping_slopes(
            self.head, torch.cat([hx, hz], dim=1) / 2, n_gradient
        )
        g = _backward_through(head_chain, torch.ones_like(t[t.shape[0] - n_gradient :])) / 2
        f = hx.shape[1]
        grad_x = _backward_through(x_chain, g[:, :f])
        grad_z = _backward_through(z_chain, g[:, f:])
        return t.squeeze(1), grad_x, grad_z


def _forward_keeping_slopes(net, h, n_last):
    """``net(h)`` for a sequence of linear layers and LeakyReLUs, with what the chain rule
    needs on the last ``n_last`` rows: each layer's weight (spectrally normalised where
    parametrised) and each activation's slope at its input (1 where positive, else the
    negative slope, as autograd's LeakyReLU backward takes it)."""
    chain = []
    for layer in net:
        if isinstance(layer, nn.Linear):
            weight = layer.weight
            h = nn.functional.linear(h, weight, layer.bias)
            chain.append(("linear", weight))
        else:
            slope = layer.negative_slope
            rows = h[h.shape[0] - n_last :]
            chain.append(("slope", torch.where(rows > 0, 1.0, slope).to(rows.dtype)))
            h = nn.functional.leaky_relu(h, slope)
    return h, chain


def _backward_through(chain, g):
    """Carry the row gradients ``g`` at a network's output back to its input."""
    for kind, value in reversed(chain):
        g = g @ value if kind == "linear" else g * value
    return g
