"""Convolutional encoder, decoder and critic branch for data whose rows are flattened images.

A DCGAN-style stack: stride-2 4x4 convolutions halve the image until it is at most
``MIN_SPATIAL`` pixels on its shorter side, with channels doubling from ``BASE_CHANNELS``
(capped at ``MAX_CHANNELS``); the decoder mirrors it with transposed convolutions whose output
padding restores every intermediate size exactly, so any image size works, not only powers
of two. Between the convolutions and the latent code sit the fully connected layers of
``hidden_layer_sizes``, as in the MLP networks.
"""

import math

import torch
from torch import nn

from .networks import LOGVAR_MAX, LOGVAR_MIN, mlp

# Channels of the first convolution; each further one doubles them, up to MAX_CHANNELS.
# 16 keeps a 32x32 epoch within about 2x an MLP epoch on 2 CPU cores (measured by
# benchmarks/disentangle.py --speed); the authors' 64x64 networks start at 32.
BASE_CHANNELS = 16
MAX_CHANNELS = 128
# The stack halves the image while its shorter side is at least twice this.
MIN_SPATIAL = 4


def image_pyramid(image_shape):
    """The spatial sizes ``[(H, W), (H/2, W/2), ...]`` (floored) of the conv stack and the
    channels of each level: the input's, then ``BASE_CHANNELS`` doubling."""
    channels, height, width = image_shape
    sizes, widths = [(height, width)], [channels]
    while min(sizes[-1]) >= 2 * MIN_SPATIAL:
        sizes.append((sizes[-1][0] // 2, sizes[-1][1] // 2))
        widths.append(min(BASE_CHANNELS * 2 ** (len(widths) - 1), MAX_CHANNELS))
    return sizes, widths


def _down_stack(image_shape, activation, wrap=None):
    sizes, widths = image_pyramid(image_shape)
    layers = []
    for c_in, c_out in zip(widths[:-1], widths[1:]):
        conv = nn.Conv2d(c_in, c_out, kernel_size=4, stride=2, padding=1)
        layers += [wrap(conv) if wrap is not None else conv, activation()]
    n_flat = widths[-1] * math.prod(sizes[-1])
    return nn.Sequential(*layers, nn.Flatten()), n_flat


class ConvEncoder(nn.Module):
    """Gaussian encoder q(z|x) on flattened images of ``image_shape`` (C, H, W)."""

    def __init__(self, image_shape, n_components, hidden_layer_sizes):
        super().__init__()
        self.image_shape = tuple(image_shape)
        self.n_components = int(n_components)
        self.conv, n_flat = _down_stack(self.image_shape, nn.SiLU)
        self.head = mlp([n_flat, *hidden_layer_sizes, 2 * n_components], nn.SiLU)

    def forward(self, x):
        """Return ``(mu, logvar)``, each of shape (n, n_components), for rows ``x``."""
        h = self.head(self.conv(x.view(-1, *self.image_shape)))
        mu, logvar = h[:, : self.n_components], h[:, self.n_components :]
        return mu, logvar.clamp(LOGVAR_MIN, LOGVAR_MAX)


class ConvDecoder(nn.Module):
    """Generator g: z -> flattened image of ``image_shape``, mirroring :class:`ConvEncoder`.

    ``output="sigmoid"`` bounds the pixels to (0, 1), for data in [0, 1]; ``"linear"``
    leaves them unbounded.
    """

    def __init__(self, n_components, image_shape, hidden_layer_sizes, output="sigmoid"):
        super().__init__()
        self.image_shape = tuple(image_shape)
        self.output = output
        sizes, widths = image_pyramid(self.image_shape)
        self.top = (widths[-1], *sizes[-1])
        n_flat = math.prod(self.top)
        layers = []
        levels = list(zip(sizes, widths))
        for (size_out, c_out), (size_in, c_in) in zip(levels[-2::-1], levels[:0:-1]):
            # A stride-2 transposed convolution doubles the size; the output padding adds
            # back the pixel the encoder's floor division dropped from an odd size.
            padding = tuple(o - 2 * i for o, i in zip(size_out, size_in))
            layers += [
                nn.ConvTranspose2d(c_in, c_out, 4, stride=2, padding=1, output_padding=padding),
                nn.SiLU(),
            ]
        self.deconv = nn.Sequential(*layers[:-1])  # no activation after the last layer
        # Activated into the transposed convolutions; linear when there are none.
        self.head = mlp(
            [n_components, *reversed(hidden_layer_sizes), n_flat], nn.SiLU, bool(layers)
        )

    def forward(self, z):
        h = self.deconv(self.head(z).view(-1, *self.top)).flatten(1)
        return torch.sigmoid(h) if self.output == "sigmoid" else h


class ConvCriticBranch(nn.Module):
    """The critic's x-branch for images: the encoder's conv stack with spectral norm and
    LeakyReLU, then linear layers to ``n_out`` features (ending linear, as the MLP branch)."""

    def __init__(self, image_shape, hidden_layer_sizes, n_out, wrap):
        super().__init__()
        self.image_shape = tuple(image_shape)
        act = lambda: nn.LeakyReLU(0.2)  # noqa: E731
        self.conv, n_flat = _down_stack(self.image_shape, act, wrap)
        self.head = mlp([n_flat, *hidden_layer_sizes, n_out], act, wrap=wrap)

    def forward(self, x):
        return self.head(self.conv(x.view(-1, *self.image_shape)))
