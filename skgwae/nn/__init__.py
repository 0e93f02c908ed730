"""Model parts of a GWAE in pure PyTorch: networks, prior families and loss terms.

Nothing in this sub-package knows about scikit-learn; it trusts its inputs.
"""

from .losses import (
    critic_gap,
    critic_penalty,
    entropy_loss,
    gw_loss,
    gw_per_sample,
    gwae_objective,
    latent_scale,
    mmd,
    mmd_per_sample,
    reconstruction_loss,
    reconstruction_per_sample,
)
from .model import GWAEModel
from .networks import JointCritic, LeakySiLU, MLPDecoder, MLPEncoder
from .priors import PRIORS, make_prior
from .scaling import FeatureShapes, InputScaling

__all__ = [
    "GWAEModel",
    "FeatureShapes",
    "InputScaling",
    "JointCritic",
    "LeakySiLU",
    "MLPDecoder",
    "MLPEncoder",
    "PRIORS",
    "critic_gap",
    "critic_penalty",
    "entropy_loss",
    "gw_loss",
    "gw_per_sample",
    "gwae_objective",
    "latent_scale",
    "make_prior",
    "mmd",
    "mmd_per_sample",
    "reconstruction_loss",
    "reconstruction_per_sample",
]
