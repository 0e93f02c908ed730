"""A Gaussian mixture of codes fitted to give the codes the labels of their parts."""

import numpy as np
import torch

from ._parts import REG_COVAR

# The fit minimises the codes' mean negative log-likelihood under their own parts'
# components plus CLASSIFYING_WEIGHT times the mean cross-entropy of the parts' labels
# under the mixture. The likelihood keeps each component a density of its part's codes
# (sample and score_samples draw on it); the cross-entropy moves the boundaries between
# components to the partition's. On the saved codes of the default fits that the
# clusterer refits (see CLASSIFIED_MIN_AGREEMENT), a weight of 1 moved the boundaries too
# little (9 benchmark sets gained accuracy, against 15 at 10); 100 gained about as much as
# 10 but cost the validation rows' codes a median 1.6 nats of log-density per row (10:
# 0.23).
CLASSIFYING_WEIGHT = 10.0
# L-BFGS iterations (each with its line search), from the parts' moments: on one thread
# the fit took 0.13 s on 1,350 codes of 10 dimensions in 6 parts, 0.34 s on 1,617 in 10.
CLASSIFYING_MAX_ITER = 100


def classifying_components(X, labels, start, weight=CLASSIFYING_WEIGHT):
    """(weights, means, covariances) of a Gaussian mixture (full covariances) of the rows
    X whose components classify them as ``labels`` (the parts, each non-empty) while each
    stays a density of its part: the minimum, from ``start`` (the parts' components,
    weights, means and covariances), of the rows' mean negative log-likelihood under
    their own part's component plus ``weight`` times the mean cross-entropy of ``labels``
    under the mixture. ``start`` is returned where the fit ends on a value that is not
    finite or is no lower than the start's."""
    n_components, n_dims = len(start[0]), X.shape[1]
    lower = torch.tril_indices(n_dims, n_dims, -1)
    factors = np.linalg.cholesky(start[2])
    rows = torch.as_tensor(X, dtype=torch.float64)
    parts = torch.as_tensor(labels, dtype=torch.int64)

    def parameter(values):
        # L-BFGS flattens the gradients with view(), which needs contiguous tensors.
        return torch.tensor(np.ascontiguousarray(values), dtype=torch.float64, requires_grad=True)

    log_weights = parameter(np.log(start[0]))
    means = parameter(start[1])
    off_diagonal = parameter(factors[:, lower[0].numpy(), lower[1].numpy()])
    log_diagonal = parameter(np.log(np.diagonal(factors, axis1=1, axis2=2)))
    parameters = [log_weights, means, off_diagonal, log_diagonal]

    def cholesky_factors():
        factor = torch.zeros(n_components, n_dims, n_dims, dtype=torch.float64)
        factor[:, lower[0], lower[1]] = off_diagonal
        return factor + torch.diag_embed(torch.exp(log_diagonal))

    def objective():
        centred = (rows[:, None, :] - means[None]).permute(1, 2, 0)  # (k, d, n)
        whitened = torch.linalg.solve_triangular(cholesky_factors(), centred, upper=False)
        log_joint = (
            torch.log_softmax(log_weights, dim=0)
            - 0.5 * (whitened**2).sum(dim=1).T
            - log_diagonal.sum(dim=1)
            - 0.5 * n_dims * np.log(2 * np.pi)
        )
        own = torch.arange(len(rows))
        likelihood = log_joint[own, parts].mean()
        classified = torch.log_softmax(log_joint, dim=1)[own, parts].mean()
        return -likelihood - weight * classified

    with torch.no_grad():
        start_value = float(objective())
    optimizer = torch.optim.LBFGS(
        parameters, max_iter=CLASSIFYING_MAX_ITER, line_search_fn="strong_wolfe"
    )

    def closure():
        optimizer.zero_grad()
        value = objective()
        value.backward()
        return value

    with torch.enable_grad():  # the fit may be called where gradients are off
        optimizer.step(closure)
    with torch.no_grad():
        value = float(objective())
        if not np.isfinite(value) or value >= start_value:
            return start
        factor = cholesky_factors()
        covariances = (factor @ factor.transpose(1, 2)).numpy()
        weights = torch.softmax(log_weights, dim=0).numpy()
        fitted_means = means.numpy().copy()
    covariances = (covariances + covariances.transpose(0, 2, 1)) / 2  # exactly symmetric
    covariances += REG_COVAR * np.eye(n_dims)
    return weights, fitted_means, covariances
