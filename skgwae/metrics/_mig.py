"""The mutual information gap (MIG) of a representation against known factors of variation,
as implemented in disentanglement_lib (Locatello et al. 2019); where they differ, the
docstring says so."""

import numpy as np
from sklearn.metrics import mutual_info_score

from ._factors import (
    _check_n_bins,
    _constant_factors,
    _discrete_mask,
    _histogram_labels,
    _validate_inputs,
    _value_labels,
)


def mutual_information_gap(
    factors, codes, *, n_bins=20, discrete_factors="auto", return_matrix=False
):
    """Mutual information gap (MIG) of a representation, between 0 and 1 (higher is better).

    For each factor of variation, the MIG takes the code dimension that carries the most
    information about it and asks how much more information it carries than the runner-up:
    a disentangled code has one dimension per factor, so a large gap.

    Definition (Chen et al. 2018, as in disentanglement_lib's ``discrete_mig``):

    1. Each code dimension ``z_j`` is discretised into ``n_bins`` equal-width bins
       spanning its range (a histogram). A factor ``v_k`` is used as it is (each distinct
       value a label) when it is discrete, and is discretised like the codes when it is
       continuous (see ``discrete_factors``).
    2. ``I[j, k] = I(z_j; v_k)``, the mutual information of the discrete labels, in nats
       (``sklearn.metrics.mutual_info_score``), and ``H[k] = H(v_k)``, the entropy of the
       (discretised) factor.
    3. For each factor, with ``I[(1), k] >= I[(2), k]`` the two largest values of
       ``I[:, k]`` over code dimensions, ``gap_k = (I[(1), k] - I[(2), k]) / H[k]``.
    4. ``MIG = mean_k gap_k``.

    The mutual information is the plug-in estimate, biased upwards by about
    ``(n_bins - 1) (n_values - 1) / (2 n_samples)`` nats for independent variables, and a
    finite number of bins caps the information that a continuous code can show: a perfect
    code scores slightly below 1 and an uninformative one slightly above 0. Equal-width
    bins make the score invariant to permuting the code dimensions and to rescaling or
    shifting each of them, but not to other monotone transforms (an outlier squeezes the
    other values into few bins). For a continuous factor the code's bins match the
    factor's only under an affine map: with 2000 samples of 3 uniform factors, codes equal
    to the factors score 0.97, their exponentials 0.79.

    Parameters
    ----------
    factors : array-like of shape (n_samples, n_factors)
        Ground-truth factors of variation (a DataFrame is accepted). Numeric; encode
        categorical factors as integers first (e.g. with ``OrdinalEncoder``).
    codes : array-like of shape (n_samples, n_codes)
        The representation of the same samples, e.g. ``GWAETransformer().transform(X)``.
    n_bins : int, default=20
        Number of equal-width bins per code dimension (and per continuous factor); 20 as
        in disentanglement_lib.
    discrete_factors : {"auto"}, bool or array-like, default="auto"
        Which factors are discrete. ``"auto"``: a factor is discrete when it takes at most
        20 distinct values, continuous otherwise. ``True`` / ``False``: all / none. An
        array-like: a boolean mask of shape (n_factors,) or the indices of the discrete
        factors. disentanglement_lib treats every factor as discrete: pass ``True`` to
        reproduce it for factors with more than 20 values (such as the 32 positions of
        dSprites).
    return_matrix : bool, default=False
        Also return the matrix of normalised mutual information ``I[j, k] / H[k]``.

    Returns
    -------
    mig : float
        In [0, 1].
    normalized_mi : ndarray of shape (n_codes, n_factors)
        Only when ``return_matrix=True``: ``I(z_j; v_k) / H(v_k)``, each in [0, 1]; the
        column of a constant factor is NaN.

    Warns
    -----
    UserWarning
        If a factor takes a single value. Its entropy is 0 and its gap undefined, so it is
        left out of the mean (disentanglement_lib would return NaN); the MIG is the mean
        over the other factors. If every factor is constant a ``ValueError`` is raised.

    See Also
    --------
    dci_disentanglement : Disentanglement, completeness and informativeness from the
        importances of a model that predicts the factors from the codes.

    Notes
    -----
    With a single code dimension there is no runner-up: the gap is the normalised mutual
    information of that dimension itself (disentanglement_lib requires at least two).

    References
    ----------
    .. [1] R. T. Q. Chen, X. Li, R. Grosse and D. Duvenaud, "Isolating Sources of
       Disentanglement in Variational Autoencoders", NeurIPS 2018.
    .. [2] F. Locatello, S. Bauer, M. Lucic, G. Rätsch, S. Gelly, B. Schölkopf and
       O. Bachem, "Challenging Common Assumptions in the Unsupervised Learning of
       Disentangled Representations", ICML 2019 (disentanglement_lib).

    Examples
    --------
    >>> import numpy as np
    >>> from skgwae.metrics import mutual_information_gap
    >>> rng = np.random.RandomState(0)
    >>> factors = rng.randint(4, size=(1000, 2))
    >>> codes = np.column_stack([factors[:, 1], factors[:, 0]]) * 0.5 + 3.0
    >>> round(mutual_information_gap(factors, codes), 3)
    0.996
    """
    factors, codes = _validate_inputs(factors, codes)
    n_bins = _check_n_bins(n_bins)
    discrete = _discrete_mask(discrete_factors, factors)
    n_codes, n_factors = codes.shape[1], factors.shape[1]

    factor_labels = [
        _value_labels(factors[:, k]) if discrete[k] else _histogram_labels(factors[:, k], n_bins)
        for k in range(n_factors)
    ]
    constant = _constant_factors(factor_labels, "mutual information gap")
    code_labels = [_histogram_labels(codes[:, j], n_bins) for j in range(n_codes)]

    normalized_mi = np.full((n_codes, n_factors), np.nan)
    for k, v in enumerate(factor_labels):
        if k in constant:
            continue
        entropy = mutual_info_score(v, v)
        for j, z in enumerate(code_labels):
            normalized_mi[j, k] = mutual_info_score(v, z) / entropy
    np.clip(normalized_mi, 0.0, 1.0, out=normalized_mi)

    kept = np.setdiff1d(np.arange(n_factors), constant)
    top = -np.sort(-normalized_mi[:, kept], axis=0)
    gaps = top[0] - (top[1] if n_codes > 1 else 0.0)
    mig = float(np.mean(gaps))
    if return_matrix:
        return mig, normalized_mi
    return mig
