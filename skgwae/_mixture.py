"""The Gaussian mixture that :class:`GWAEClusterer` fits by EM to the latent codes of its
training rows."""

import dataclasses
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_limits

# EM initialisations (k-means++ seeded k-means), the best likelihood kept. On the codes of
# fitted clusterers 3 starts clustered as well as 10 on average (several solutions of
# nearly the same likelihood differ in accuracy, and more starts do not choose better
# among them) at a third of the cost; 1 start was worse.
EM_N_INIT = 3
# Above this many codes the EM starts run on a random subset of this size, and one EM on
# all codes continues from the best of them: the starts then cost the same on 60,000 codes
# as on 10,000, and the full-data EM that follows converges in a few iterations.
EM_SUBSET = 10_000


@dataclasses.dataclass
class LatentMixture:
    """A Gaussian mixture in the latent space, in the codes' own coordinates."""

    means: np.ndarray  # (n_components, n_dims)
    covariances: np.ndarray  # (n_components, n_dims, n_dims)
    weights: np.ndarray  # (n_components,)
    empty: np.ndarray  # the components most responsible for no code


def fit_latent_mixture(codes, n_components, seed, n_init=EM_N_INIT):
    """The maximum-likelihood Gaussian mixture (full covariances) of ``codes``, by EM from
    ``n_init`` k-means++ starts seeded by ``seed`` (the best likelihood kept).

    EM runs on standardised codes: on codes far from unit scale (data not scaled) its
    covariances lose their precision, and ``reg_covar`` is absolute. The result is mapped
    back to the codes' coordinates. With more than ``EM_SUBSET`` codes the starts run on a
    random subset of that size (drawn with ``seed``) and one EM on all codes continues
    from the best of them. A component that is the most responsible one for no code is
    listed in ``empty``: two components on the same codes share the weight, but
    only one of them wins any code.
    """
    center = codes.mean(axis=0)
    scale = float(codes.std()) or 1.0
    standardised = (codes - center) / scale
    mixture = GaussianMixture(
        n_components, covariance_type="full", n_init=n_init, random_state=seed
    )
    # Small matrices: threaded BLAS only adds overhead (and much of it on a busy machine).
    with warnings.catch_warnings(), threadpool_limits(1, user_api="blas"):
        # A non-converged EM still gives usable components; it is not the user's fit.
        warnings.simplefilter("ignore", ConvergenceWarning)
        if len(standardised) > EM_SUBSET:
            rows = np.random.RandomState(seed).choice(len(standardised), EM_SUBSET, replace=False)
            start = mixture.fit(standardised[np.sort(rows)])
            mixture = GaussianMixture(
                n_components,
                covariance_type="full",
                weights_init=start.weights_,
                means_init=start.means_,
                precisions_init=start.precisions_,
                random_state=seed,
            )
        mixture.fit(standardised)
        resp = mixture.predict_proba(standardised)
    members = np.bincount(resp.argmax(axis=1), minlength=n_components)
    return LatentMixture(
        means=mixture.means_ * scale + center,
        covariances=mixture.covariances_ * scale**2,
        weights=mixture.weights_,
        empty=np.flatnonzero(members == 0),
    )
