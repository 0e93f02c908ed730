"""The GWAE model: encoder, decoder, prior, trainable kappa and optional critic, and the
computation of each loss term on a mini-batch."""

import math

import torch
from torch import nn
from torch.nn.utils import parametrize
from torch.nn.utils.parametrizations import spectral_norm

from .conv import ConvCriticBranch, ConvDecoder, ConvEncoder
from .losses import (
    critic_gap,
    critic_interpolations,
    critic_penalty_from_gradients,
    critic_penalty_of,
    entropy_loss,
    best_scale,
    gw_loss,
    gw_to_reference,
    latent_scale,
    mmd,
    mmd_to_reference,
    reconstruction_loss,
    reconstruction_per_sample,
    within_kernel_mean,
)
from .networks import JointCritic, MLPDecoder, MLPEncoder
from .priors import make_prior
from .scaling import FeatureShapes, InputScaling

# Weight of the critic's penalty (gradient penalty plus output penalty), as in the authors' code.
CRITIC_PENALTY_WEIGHT = 10.0


class GWAEModel(nn.Module):
    """All trainable parts of a Gromov-Wasserstein autoencoder.

    Parameters
    ----------
    n_features, n_components : int
        Data and latent dimensions.
    hidden_layer_sizes : tuple of int
        Hidden widths of the encoder (the decoder uses them reversed, the critic's branches as
        given).
    prior : str
        A key of :data:`skgwae.nn.PRIORS`; ``prior_params`` are passed to it.
    coupling : {"critic", "mmd"}
        How L_D is estimated; ``"critic"`` builds a :class:`JointCritic`.
    gw_coupling : {"generative", "inference", "both"}
        The pairs on which L_GW is estimated: prior samples and their decodings (the
        authors' estimator), data and their encoder means, or the mean of the two.
    mmd_kernel : {"imq", "rbf"}
        The kernel of the MMD coupling and of :meth:`criterion_terms`.
    kappa_init : float
        Initial value of kappa = exp(log_kappa).
    image_shape : tuple of int (C, H, W) or None
        With a shape, the rows are flattened images of it and the encoder, decoder and
        critic x-branch are convolutional (:mod:`skgwae.nn.conv`); else MLPs.
    output : {"linear", "sigmoid"}
        The decoder's output: unbounded, or in (0, 1) (convolutional decoder only).
    standardized : bool, default=False
        Whether the model works on standardised rows: it then holds the float64 buffers
        ``input_mean`` and ``input_scale`` (set by :meth:`set_input_scaling`), which the
        estimator subtracts from and divides the rows by before the networks see them, and
        undoes on what the decoder returns. The networks and losses never apply them.
    weighted : bool, default=False
        Whether the model works on rows whose features are weighted: it then holds the
        float64 buffer ``feature_weights`` (and ``input_mean`` and ``input_scale``, the
        features' means and a scale of 1 where the rows are not standardised), and the
        estimator multiplies each centred (and standardised) feature by the square root of
        its weight, so that distances between rows are the weighted Euclidean ones.
    reshaped : bool, default=False
        Whether the model works on rows whose skewed features are reshaped by a power
        transform first: it then holds the float64 buffer ``feature_shapes`` of shape
        (5, n_features), the parts of a :class:`FeatureShapes` (see
        :meth:`FeatureShapes.stacked`), and ``input_mean`` and ``input_scale``.
    """

    def __init__(
        self,
        n_features,
        n_components,
        hidden_layer_sizes,
        prior="gaussian",
        prior_params=None,
        coupling="mmd",
        gw_coupling="generative",
        mmd_kernel="imq",
        kappa_init=1.0,
        image_shape=None,
        output="linear",
        standardized=False,
        weighted=False,
        reshaped=False,
    ):
        super().__init__()
        # The constructor arguments, so that the model can be rebuilt from a state dict.
        self.config = dict(
            n_features=n_features,
            n_components=n_components,
            hidden_layer_sizes=tuple(hidden_layer_sizes),
            prior=prior,
            prior_params=dict(prior_params or {}),
            coupling=coupling,
            gw_coupling=gw_coupling,
            mmd_kernel=mmd_kernel,
            kappa_init=kappa_init,
            image_shape=None if image_shape is None else tuple(image_shape),
            output=output,
            standardized=bool(standardized),
            weighted=bool(weighted),
            reshaped=bool(reshaped),
        )
        # float64, so that the rows' scaling is exact for float64 data whatever the
        # precision of the networks.
        if standardized or weighted or reshaped:
            self.register_buffer("input_mean", torch.zeros(n_features, dtype=torch.float64))
            self.register_buffer("input_scale", torch.ones(n_features, dtype=torch.float64))
        if weighted:
            self.register_buffer(
                "feature_weights", torch.ones(n_features, dtype=torch.float64)
            )
        if reshaped:
            self.register_buffer(
                "feature_shapes", torch.zeros(5, n_features, dtype=torch.float64)
            )
        self.coupling = coupling
        self.gw_coupling = gw_coupling
        self.mmd_kernel = mmd_kernel
        if image_shape is None:
            self.encoder = MLPEncoder(n_features, n_components, hidden_layer_sizes)
            self.decoder = MLPDecoder(n_components, n_features, hidden_layer_sizes)
        else:
            self.encoder = ConvEncoder(image_shape, n_components, hidden_layer_sizes)
            self.decoder = ConvDecoder(n_components, image_shape, hidden_layer_sizes, output)
        self.prior = make_prior(prior, n_components, **(prior_params or {}))
        self.log_kappa = nn.Parameter(torch.tensor(float(kappa_init)).log())
        self.critic = (
            JointCritic(
                n_features,
                n_components,
                hidden_layer_sizes,
                x_net=None
                if image_shape is None
                else ConvCriticBranch(
                    image_shape, hidden_layer_sizes, JointCritic.branch_features, spectral_norm
                ),
            )
            if coupling == "critic"
            else None
        )

    @torch.no_grad()
    def set_input_scaling(self, scaling):
        """Set the buffers of the model's :class:`InputScaling` (of its kind)."""
        if self.config["standardized"] or self.config["weighted"] or self.config["reshaped"]:
            self.input_mean.copy_(torch.as_tensor(scaling.mean, dtype=torch.float64))
            self.input_scale.copy_(torch.as_tensor(scaling.scale, dtype=torch.float64))
        if self.config["weighted"]:
            self.feature_weights.copy_(torch.as_tensor(scaling.weights, dtype=torch.float64))
        if self.config["reshaped"]:
            stacked = torch.as_tensor(scaling.shapes.stacked(), dtype=torch.float64)
            self.feature_shapes.copy_(stacked)

    def input_scaling(self):
        """The :class:`InputScaling` of the rows, or None when the model works on the rows
        as given."""
        standardized, weighted = self.config["standardized"], self.config["weighted"]
        reshaped = self.config["reshaped"]
        if not (standardized or weighted or reshaped):
            return None

        def array(buffer):
            return buffer.detach().cpu().double().numpy()

        return InputScaling(
            mean=array(self.input_mean),
            scale=array(self.input_scale),
            weights=array(self.feature_weights) if weighted else None,
            standardized=standardized,
            shapes=FeatureShapes(*array(self.feature_shapes)) if reshaped else None,
        )

    @property
    def kappa(self):
        return self.log_kappa.exp()

    @torch.no_grad()
    def calibrate_kappa(self, x, generator=None):
        """Set kappa so that L_GW's two distance scales agree on average at the start.

        kappa = mean ||x_j - x_k|| / mean (||z~_j - z~_k|| / s) over the pairs of the rows x
        and as many prior samples (in evaluation mode: no batch-norm statistic changes;
        the ratio is scale-free in z~).
        """
        was_training = self.training
        self.eval()
        try:
            z = self.prior(x.shape[0], generator)
            ratio = torch.cdist(x, x).mean() / (torch.cdist(z, z) / latent_scale(z)).mean()
        finally:
            self.train(was_training)
        self.log_kappa.copy_(ratio.clamp_min(1e-8).log())

    @torch.no_grad()
    def prior_scale(self, n_samples=4096, seed=0):
        """s of L_GW for the prior in evaluation mode: :func:`latent_scale` of
        ``n_samples`` prior draws with a fixed seed."""
        was_training = self.training
        self.eval()
        try:
            device = self.log_kappa.device
            generator = torch.Generator(device=device).manual_seed(seed)
            return latent_scale(self.prior(n_samples, generator)).item()
        finally:
            self.train(was_training)

    @torch.no_grad()
    def replace_prior_scale(self, old_scale):
        """After the prior was changed in place (its scale was ``old_scale``), rescale
        kappa so that L_GW, which depends on kappa / s only, is unchanged."""
        self.log_kappa.add_(math.log(self.prior_scale() / old_scale))

    def main_parameters(self):
        """Encoder, decoder, prior and log_kappa: what the main optimiser updates."""
        return [p for name, p in self.named_parameters() if not name.startswith("critic.")]

    def encode_sample(self, x, generator=None):
        """Return ``(z, mu, logvar)`` with z ~ q(z|x) by the reparameterisation trick."""
        mu, logvar = self.encoder(x)
        eps = torch.randn(mu.shape, generator=generator, device=mu.device, dtype=mu.dtype)
        return mu + eps * (0.5 * logvar).exp(), mu, logvar

    def _gw(self, x, z, x_gen, z_gen, scale, dx):
        kappa = self.kappa
        if self.gw_coupling == "generative":
            return gw_loss(x_gen, z_gen, kappa, scale)
        if self.gw_coupling == "inference":
            return gw_loss(x, z, kappa, scale, dx)
        return 0.5 * (gw_loss(x_gen, z_gen, kappa, scale) + gw_loss(x, z, kappa, scale, dx))

    def main_terms(self, x, generator=None, dx=None, with_means=False):
        """The four loss terms on a mini-batch, as a dict of scalar tensors with a graph.

        Keys: ``"gw"``, ``"w"``, ``"d"``, ``"h"`` (L_GW, L_W, L_D, L_H). ``dx`` (B, B) holds
        the data distances between the rows of x for the inference pairs of L_GW; None:
        Euclidean. (Generated points have no other distance than the Euclidean one.) With
        ``with_means``, returns ``(terms, mu)``: also the encoder means of x, in the same
        graph, for a loss of the caller's on them.
        """
        n = x.shape[0]
        z, mu, logvar = self.encode_sample(x, generator)
        z_gen = self.prior(n, generator)
        if self.coupling == "critic" or self.gw_coupling != "inference":
            # One decoder call for the reconstructions and the generated points.
            decoded = self.decoder(torch.cat([z, z_gen]))
            x_hat, x_gen = decoded[:n], decoded[n:]
        else:
            # Nothing reads generated points: decoding them would be a third of the step.
            x_hat, x_gen = self.decoder(z), None
        if self.coupling == "critic":
            with parametrize.cached():  # one call for both sides, see critic_loss
                t_both = self.critic(torch.cat([x_gen, x]), torch.cat([z_gen, z]))
            d = critic_gap(t_both[:n], t_both[n:])
        else:
            d = mmd(z, z_gen, self.mmd_kernel)
        terms = {
            "gw": self._gw(x, mu, x_gen, z_gen, latent_scale(z_gen), dx),
            "w": reconstruction_loss(x, x_hat),
            "d": d,
            "h": entropy_loss(logvar),
        }
        return (terms, mu) if with_means else terms

    @torch.no_grad()
    def critic_samples(self, x, mu, logvar, generator=None):
        """What the critic compares, drawn afresh and detached: ``(z, x_gen, z_gen)``, with
        z ~ q(z|x) from the encoder outputs ``mu`` and ``logvar`` of x, and generated pairs
        z_gen ~ p(z), x_gen their decodings."""
        eps = torch.randn(mu.shape, generator=generator, device=mu.device, dtype=mu.dtype)
        z = mu + eps * (0.5 * logvar).exp()
        z_gen = self.prior(x.shape[0], generator)
        return z, self.decoder(z_gen), z_gen

    def critic_loss(self, x, mu, logvar, generator=None):
        """The critic's loss on fresh, detached samples (to be minimised by the critic).

        ``mu`` and ``logvar`` are the encoder outputs for ``x``, computed once per batch.
        """
        z, x_gen, z_gen = self.critic_samples(x, mu, logvar, generator)
        explicit = self.critic.explicit_gradient
        xp, zp = critic_interpolations(
            x, z, x_gen, z_gen, generator, requires_grad=not explicit
        )
        # The critic treats each pair on its own, so one call on several sets of pairs
        # gives the calls' values in fewer operations, which bound a step's time on a GPU.
        # cached() computes each spectrally normalised weight once per step.
        n = x.shape[0]
        with parametrize.cached():
            if explicit:
                # The MLP critic writes its input gradient out on the interpolations' rows,
                # so all three sets go through one call and no double backward is needed.
                t_all, grad_x, grad_z = self.critic.with_input_gradient(
                    torch.cat([x, x_gen, xp]), torch.cat([z, z_gen, zp]), n
                )
                t_inf, t_gen = t_all[:n], t_all[n : 2 * n]
                penalty = critic_penalty_from_gradients(grad_x, grad_z, t_inf, t_gen)
            else:
                # The interpolations get a call of their own: the penalty differentiates it
                # twice, and on the rows of the sides that would be wasted work.
                t_both = self.critic(torch.cat([x, x_gen]), torch.cat([z, z_gen]))
                t_inf, t_gen = t_both[:n], t_both[n:]
                penalty = critic_penalty_of(self.critic(xp, zp), xp, zp, t_inf, t_gen)
        return -critic_gap(t_gen, t_inf) + CRITIC_PENALTY_WEIGHT * penalty

    @torch.no_grad()
    def criterion_reference(self, rows, distances, n_prior, generator=None, cache=None):
        """What :meth:`criterion_terms` compares every row with (call in eval mode).

        ``rows`` are reference data rows and ``distances`` (R, R) the data distances between
        them. Returns a dict: ``"codes"`` (their encoder means), ``"scale"`` (the ratio c
        that minimises the GW mismatch between the reference rows and their codes, see
        :func:`best_scale`), ``"prior"`` (``n_prior`` prior samples drawn from
        ``generator``) and ``"within_prior"`` (their mean kernel value). ``cache`` (a dict)
        keeps the last prior samples and kernel mean, reused while the prior's state is
        unchanged (their kernel mean is most of the cost of a call).
        """
        # In float64, like criterion_terms: a row's terms then come out the same whatever
        # other rows share its call.
        codes = self.encoder(rows)[0].double()
        # Parameters and buffers (batch-norm statistics) decide what the prior samples.
        state = [t.detach().clone() for t in self.prior.state_dict().values()]
        cached = cache is not None and cache.get("n_prior") == n_prior
        if cached:
            cached = len(state) == len(cache["state"]) and all(
                torch.equal(a, b) for a, b in zip(state, cache["state"])
            )
        if not cached:
            prior = self.prior(n_prior, generator).double()
            within = within_kernel_mean(prior, self.mmd_kernel)
            if cache is not None:
                cache.update(n_prior=n_prior, state=state, prior=prior, within=within)
        else:
            prior, within = cache["prior"], cache["within"]
        return {
            "codes": codes,
            "scale": best_scale(distances.double(), torch.cdist(codes, codes)),
            "prior": prior,
            "within_prior": within,
        }

    @torch.no_grad()
    def criterion_terms(self, x, dx, reference):
        """The terms of the model-selection criterion for each row of x (call in eval mode).

        ``dx`` (n, R) holds the data distances from each row to each reference row, and
        ``reference`` is :meth:`criterion_reference`'s result. Keys, each a tensor of
        shape (n,): ``"gw"`` (the row's GW mismatch with the reference rows,
        :func:`gw_to_reference`, at the reference's best scale: the distortion of the
        embedding up to a global scale, which does not depend on the prior's scale),
        ``"w"`` (the reconstruction error of its encoder mean, ``0.5 ||x - g(mu(x))||^2``)
        and ``"mmd"`` (its share of the kernel MMD between the encoder means and the prior,
        :func:`mmd_to_reference`). None depends on the critic or on the other rows of x.
        """
        mu = self.encoder(x)[0]
        x_hat = self.decoder(mu)
        mu = mu.double()
        return {
            "gw": gw_to_reference(dx.double(), mu, reference["codes"], reference["scale"]),
            "w": reconstruction_per_sample(x.double(), x_hat.double()),
            "mmd": mmd_to_reference(
                mu, reference["codes"], reference["prior"], reference["within_prior"],
                self.mmd_kernel,
            ),
        }
