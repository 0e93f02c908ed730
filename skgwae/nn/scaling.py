"""The units a model works in: the affine map from the data's rows to the rows its
networks see (standardisation and feature weights), and back."""

import dataclasses

import numpy as np


@dataclasses.dataclass(frozen=True)
class InputScaling:
    """Rows in the data's units -> rows in the model's: ``(x - mean) / scale * sqrt(w)``.

    Each part is an array of one float64 value per feature; ``weights`` is None where
    the features are not weighted (every weight 1). A scale is positive; a weight is at
    least 0, and a feature of weight 0 is dropped: it is 0 in the model's units and
    decodes to its mean.
    """

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray | None = None
    # Whether ``scale`` holds the features' standard deviations (else it is 1).
    standardized: bool = True

    def apply(self, X):
        """The rows X (data's units) in the model's units, in X's dtype."""
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
        return X * self.scale.astype(X.dtype) + self.mean.astype(X.dtype)
