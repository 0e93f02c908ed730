"""The units a model works in: the map from the data's rows to the rows its networks see
(a power transform of skewed features, standardisation and feature weights), and back."""

import dataclasses

import numpy as np


@dataclasses.dataclass(frozen=True)
class FeatureShapes:
    """Skewed features reshaped by a Yeo-Johnson power transform, in the data's units.

    A feature x becomes ``center + spread * (yj((x - center) / spread) - shift) / factor``,
    yj the transform of :func:`yeo_johnson` with the feature's exponent ``lambdas``.

    Each part is an array of one float64 value per feature; a feature whose ``lambdas``
    entry is 1 (the exponent of the identity) is left as it is. The transform works on
    the standardised feature, so that it does not depend on the feature's units, and the
    result is scaled back to them (``shift`` and ``factor``: the transformed values' mean
    and standard deviation on the rows it was fitted on).
    """

    lambdas: np.ndarray
    center: np.ndarray
    spread: np.ndarray
    shift: np.ndarray
    factor: np.ndarray

    def apply(self, X):
        """The rows X with their skewed features reshaped, in X's dtype."""
        index = np.flatnonzero(self.lambdas != 1.0)
        standardised = (X[:, index] - self.center[index]) / self.spread[index]
        reshaped = (yeo_johnson(standardised, self.lambdas[index]) - self.shift[index]) / (
            self.factor[index]
        )
        X = np.array(X, copy=True)
        X[:, index] = self.center[index] + self.spread[index] * reshaped
        return X

    def undo(self, X):
        """The inverse of :meth:`apply`, in X's dtype."""
        index = np.flatnonzero(self.lambdas != 1.0)
        reshaped = (X[:, index] - self.center[index]) / self.spread[index]
        standardised = yeo_johnson_inverse(
            reshaped * self.factor[index] + self.shift[index], self.lambdas[index]
        )
        X = np.array(X, copy=True)
        X[:, index] = self.center[index] + self.spread[index] * standardised
        return X

    def stacked(self):
        """The five parts as one float64 array of shape (5, n_features)."""
        return np.stack([self.lambdas, self.center, self.spread, self.shift, self.factor])


@dataclasses.dataclass(frozen=True)
class InputScaling:
    """Rows in the data's units -> rows in the model's: ``(x - mean) / scale * sqrt(w)``.

    Each part is an array of one float64 value per feature; ``weights`` is None where
    the features are not weighted (every weight 1). A scale is positive; a weight is at
    least 0, and a feature of weight 0 is dropped: it is 0 in the model's units and
    decodes to its mean. ``shapes`` (None: none) reshapes skewed features first.
    """

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray | None = None
    # Whether ``scale`` holds the features' standard deviations (else it is 1).
    standardized: bool = True
    shapes: FeatureShapes | None = None

    def apply(self, X):
        """The rows X (data's units) in the model's units, in X's dtype."""
        if self.shapes is not None:
            X = self.shapes.apply(X)
        X = (X - self.mean.astype(X.dtype)) / self.scale.astype(X.dtype)
        if self.weights is not None:
            X = X * np.sqrt(self.weights).astype(X.dtype)
        return X

    def undo(self, X):
        """The rows X (model's units, such as the decoder's output) in the data's units,
        in X's dtype."""
        if self.weights is not None:
            root = np.sqrt(self.weights)
            # A dropped feature (weight 0) carries nothing back: it decodes to its mean.
            inverse = np.divide(1.0, root, out=np.zeros_like(root), where=root > 0)
            X = X * inverse.astype(X.dtype)
        X = X * self.scale.astype(X.dtype) + self.mean.astype(X.dtype)
        return X if self.shapes is None else self.shapes.undo(X)


def yeo_johnson(x, lambdas):
    """The Yeo-Johnson transform of each column of ``x`` with its exponent."""
    x = np.asarray(x, dtype=float)
    lambdas = np.broadcast_to(lambdas, x.shape)
    out = np.empty_like(x)
    positive = x >= 0
    lam, values = lambdas[positive], x[positive]
    near = np.abs(lam) < 1e-10
    out[positive] = np.where(
        near, np.log1p(values), np.expm1(lam * np.log1p(values)) / np.where(near, 1.0, lam)
    )
    lam, values = 2.0 - lambdas[~positive], -x[~positive]
    near = np.abs(lam) < 1e-10
    out[~positive] = -np.where(
        near, np.log1p(values), np.expm1(lam * np.log1p(values)) / np.where(near, 1.0, lam)
    )
    return out


def yeo_johnson_inverse(z, lambdas):
    """The inverse of :func:`yeo_johnson`; a value beyond the transform's range (which a
    decoder can return) goes to the nearest end of the range, a large finite value."""
    z = np.asarray(z, dtype=float)
    lambdas = np.broadcast_to(lambdas, z.shape)
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = _inverse_branch(z[positive], lambdas[positive])
    out[~positive] = -_inverse_branch(-z[~positive], 2.0 - lambdas[~positive])
    return out


def _inverse_branch(z, lam):
    """x >= 0 with log1p(x) = log1p(lam * z) / lam (lam = 0: z itself)."""
    near = np.abs(lam) < 1e-10
    # 1 + lam * z reaches 0 only for lam < 0, where the transform is bounded by -1 / lam.
    base = np.maximum(1.0 + np.where(near, 0.0, lam) * z, 1e-12)
    exponent = np.where(near, z, np.log(base) / np.where(near, 1.0, lam))
    return np.expm1(np.minimum(exponent, 700.0))

